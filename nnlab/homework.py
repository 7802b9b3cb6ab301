"""Student versions of the course notebooks, made with nbgrader (all notebooks' exercises).

``make student`` runs ``python -m nnlab.homework notebooks build/student``: every
``notebooks/*.ipynb`` (the instructor version) is checked, then passed through nbgrader's own
``generate_assignment`` preprocessors, and written to ``build/student``. Solution regions
(``### BEGIN SOLUTION`` … ``### END SOLUTION``) become ``# YOUR CODE HERE`` +
``raise NotImplementedError()``, hidden tests (``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN
TESTS``) are removed, outputs are cleared (with the saved widget state and cell timings), and
solution and graded cells are locked as nbgrader locks them. The one step left out is
``SaveCells``, which writes to nbgrader's gradebook database (and needs the ``alembic`` command
on ``PATH``); ``nbgrader generate_assignment`` in a course directory remains the way to set
up autograding.

A notebook whose markers and nbgrader cell metadata disagree, or which repeats a ``grade_id``,
is reported with the notebook and cell, and nothing is written.
"""

import argparse
import copy
import sys
from pathlib import Path

import nbformat
from nbgrader.converters import GenerateAssignment
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import SaveCells

# nbgrader's own pipeline, in its order, minus the gradebook database step.
PIPELINE = [
    step
    for step in GenerateAssignment.class_traits()["preprocessors"].default()
    if step is not SaveCells
]
REGIONS = {"solution": "SOLUTION", "grade": "HIDDEN TESTS"}  # metadata flag each region needs


class HomeworkError(ValueError):
    """A notebook cannot be turned into a student version; the message says where and why."""


def _where(name, index, cell):
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return f"{name}, cell {index + 1} ({first[:40]!r})"


def check_notebook(nb, name):
    """Raise :class:`HomeworkError` unless markers, nbgrader metadata and grade_ids agree."""
    problems, seen, validator = [], {}, MetadataValidator()
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        where = _where(name, index, cell)
        try:  # nbgrader's own schema check; it raises its own, jsonschema's or a KeyError
            validator.validate_cell(cell)
        except Exception as error:
            reason = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
            problems.append(f"{where}: invalid nbgrader metadata: {reason}")
            continue
        for flag, marker in REGIONS.items():
            found = [
                "BEGIN" if f"BEGIN {marker}" in line else "END"
                for line in cell.source.splitlines()
                if f"BEGIN {marker}" in line or f"END {marker}" in line
            ]
            if found != ["BEGIN", "END"] * (len(found) // 2):
                problems.append(f"{where}: unmatched '### BEGIN/END {marker}' lines.")
            if found and not meta.get(flag):
                problems.append(
                    f"{where}: has a '### BEGIN {marker}' region but no nbgrader metadata "
                    f"with {flag}=true; mark the cell in nbgrader's Create Assignment panel."
                )
        if meta.get("solution") and f"BEGIN {REGIONS['solution']}" not in cell.source:
            problems.append(
                f"{where}: is an nbgrader solution cell but has no "
                "'### BEGIN SOLUTION' … '### END SOLUTION' region."
            )
        grade_id = meta.get("grade_id")
        if grade_id and (meta.get("grade") or meta.get("solution") or meta.get("locked")):
            if grade_id in seen:
                problems.append(
                    f"{where}: grade_id {grade_id!r} is already used by {seen[grade_id]}."
                )
            seen.setdefault(grade_id, f"cell {index + 1}")
    if problems:
        raise HomeworkError("\n".join(problems))


def student_version(nb, name):
    """The student version of notebook ``nb`` (not modified), made by nbgrader's preprocessors."""
    check_notebook(nb, name)
    student, resources = copy.deepcopy(nb), {}
    try:
        for step in PIPELINE:
            student, resources = step()(student, resources)
    except Exception as error:  # nbgrader's messages do not name the notebook
        raise HomeworkError(f"{name}: nbgrader failed: {type(error).__name__}: {error}") from error
    # What the instructor's run left beyond outputs: saved widget views and cell timings.
    student.metadata.pop("widgets", None)
    for cell in student.cells:
        cell.metadata.pop("execution", None)
    return student


def count_cells(nb, flag):
    """How many cells have nbgrader metadata ``flag`` ("solution" or "grade") set."""
    return sum(bool(cell.metadata.get("nbgrader", {}).get(flag)) for cell in nb.cells)


def main(argv=None):
    """Write student versions of SOURCE_DIR/*.ipynb into OUT_DIR; exit 1 on any problem."""
    parser = argparse.ArgumentParser(
        prog="python -m nnlab.homework", description=__doc__.splitlines()[0]
    )
    parser.add_argument("source_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    paths = sorted(args.source_dir.glob("*.ipynb"))
    if not paths:
        sys.exit(f"error: no notebooks (*.ipynb) in {args.source_dir}")
    versions, errors = [], []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            versions.append((path, nb, student_version(nb, str(path))))
        except HomeworkError as error:
            errors.append(str(error))
    if errors:
        sys.exit("error: no student versions written:\n" + "\n".join(errors))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for path, nb, student in versions:
        out = args.out_dir / path.name
        nbformat.write(student, out)
        print(f"{out}: {count_cells(nb, 'solution')} solution cells stubbed")
    solutions = sum(count_cells(nb, "solution") for _, nb, _ in versions)
    print(f"{len(versions)} notebook(s) written to {args.out_dir}; {solutions} solutions stubbed.")


if __name__ == "__main__":
    main()
