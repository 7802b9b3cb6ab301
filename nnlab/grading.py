"""Grade a class's homework with nbgrader: ``make grade SUBMISSIONS=<folder>``.

``python -m nnlab.grading SUBMISSIONS [--source notebooks] [--build build/grading]`` takes a
folder with one sub-folder per student (``alice/01_neurons.ipynb``, …) and:

1. builds an nbgrader course directory in ``BUILD/course`` (never committed) from the instructor
   notebooks: ``source/<nb>/<nb>.ipynb``, then ``nbgrader generate_assignment`` for each;
2. looks at each student's copy of each notebook before nbgrader does. A missing, empty or
   unreadable file scores 0 with the reason. A deleted test cell is put back, an edited one is
   noted (nbgrader restores its source from the gradebook), an exercise cell whose nbgrader id
   was changed gets it back, and code that changes what the tests use (``checks = …``,
   ``np.allclose = …``) is flagged for the instructor to read. Only the ``.ipynb`` is copied
   into ``submitted/``, so files a student adds beside it (an ``nnlab.py`` of their own) are
   never on the kernel's import path;
3. runs ``nbgrader autograde``: the hidden tests are restored into the test cells, each cell runs
   under a time limit (``--timeout``), and the kernel runs with :mod:`nnlab.grading_guard`.
   Afterwards the gradebook's test cells are compared with the originals, and only nbgrader's
   automatic score counts;
4. writes ``BUILD/grades.csv`` (one row per student: points per exercise, per notebook and in
   total, whether anything was flagged, and the reasons for lost points) and
   ``BUILD/grades_long.csv`` (one row per student, notebook and exercise), and one feedback
   page per student and notebook, ``BUILD/feedback/<student>/<nb>.html``, made by ``nbgrader
   generate_feedback`` from the graded notebook once hidden tests, the tracebacks of test cells
   and megabytes of output are removed (the previous run's ``BUILD`` is kept as
   ``BUILD.previous``);
5. prints a summary per notebook and per student.

A broken submission never stops the run: whatever happens to one notebook of one student is
a reason in the CSV, and grading goes on to the next.
"""

import argparse
import ast
import contextlib
import copy
import csv
import html
import json
import os
import shutil
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.reader import NotJSONError

from nnlab.grading_guard import PROTECT_ENV
from nnlab.homework import check_notebook, student_version

COURSE_ID = "nnlab"
MAX_OUTPUT = 10_000  # characters of output per cell kept in the feedback
BIG_OUTPUT = 100_000  # characters of output per cell that earn a remark in the reasons
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
HIDDEN_NOTE = "# (hidden tests run here when graded)"
FLAG = "flagged for review"  # in a reason: the instructor should read the submission
SHORT = 6  # lines shorter than this (`pass`, `else:`) are too common to redact


@dataclass
class Exercise:
    """One autograded exercise: its test cell's grade_id, a short name and its points."""

    grade_id: str
    points: float

    @property
    def name(self):
        return self.grade_id.removesuffix("-test")

    @property
    def prefix(self):
        return self.name + "-"


@dataclass
class Assignment:
    """An instructor notebook, its student version and its exercises."""

    name: str
    instructor: nbformat.NotebookNode
    student: nbformat.NotebookNode
    exercises: list
    tool_names: set = field(default_factory=set)  # what the notebook's own cells import
    hidden_lines: set = field(default_factory=set)  # lines only hidden tests hold


@dataclass
class Result:
    """One student's grade for one notebook: points per exercise name, and reasons."""

    student: str
    notebook: str
    points: dict
    reasons: list


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def _is_test(cell):
    """Whether ``cell`` is an autograded test cell (graded, and not an answer)."""
    return _kind(_nbgrader(cell)) == "test"


def _hidden_region(source):
    """(visible source with the hidden tests replaced by a note, the hidden lines)."""
    kept, hidden, inside = [], [], False
    for line in source.splitlines():
        if HIDDEN[0] in line:
            inside = True
            kept.append(line[: line.index("#")] + HIDDEN_NOTE)
        elif HIDDEN[1] in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            kept.append(line)
    return "\n".join(kept), hidden


def _bound(source):
    """Names the code binds: assigned, defined or imported (IPython magics: none)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            names.add(node.name)
    return names | _imported(source)


def load_assignment(path):
    """The :class:`Assignment` of instructor notebook ``path``."""
    instructor = nbformat.read(path, as_version=4)
    check_notebook(instructor, str(path))
    exercises = [
        Exercise(_nbgrader(cell)["grade_id"], float(_nbgrader(cell).get("points", 0)))
        for cell in instructor.cells
        if _is_test(cell)
    ]
    assignment = Assignment(
        path.stem, instructor, student_version(instructor, path.name), exercises
    )
    for cell in instructor.cells:
        if _is_test(cell):
            assignment.hidden_lines.update(
                line.strip()
                for line in _hidden_region(cell.source)[1]
                if len(line.strip()) >= SHORT
            )
    # The modules the notebook's own cells import (np, checks, neurons): the tests rely on them.
    assignment.tool_names = set().union(
        *(_imported(c.source) for c in assignment.student.cells if c.cell_type == "code")
    )
    # A hidden line that the student version shows anyway (a repeated check call) is no secret.
    public = {
        line.strip() for cell in assignment.student.cells for line in cell.source.splitlines()
    }
    assignment.hidden_lines -= public
    return assignment


# --- Looking at a submission before nbgrader does -----------------------------------------------


def find_submission(folder, name):
    """(path or None, reason or None) of ``<name>.ipynb`` anywhere in a student's folder."""
    found = sorted(
        (p for p in folder.rglob(f"{name}.ipynb") if ".ipynb_checkpoints" not in p.parts),
        key=lambda p: (len(p.parts), str(p)),
    )
    if found:
        extra = f" ({len(found)} copies; graded {found[0].relative_to(folder)})"
        return found[0], (extra.strip() if len(found) > 1 else None)
    others = sorted(p.name for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    hint = f" (found: {', '.join(others[:5])})" if others else ""
    return None, f"no {name}.ipynb submitted{hint}"


def read_submission(path):
    """(notebook or None, reason or None): an empty or unreadable file gives None and why."""
    if path.stat().st_size == 0:
        return None, "the file is empty"
    try:
        nb = nbformat.read(path, as_version=4)
    except (json.JSONDecodeError, UnicodeDecodeError, NotJSONError) as error:
        return None, f"not a notebook: the file is not valid JSON ({type(error).__name__})"
    except Exception as error:  # nbformat's own errors for JSON that is not a notebook
        return None, f"not a notebook: {type(error).__name__}: {str(error)[:120]}"
    if not isinstance(nb.get("cells"), list):
        return None, "not a notebook: it has no list of cells"
    return nb, None


def _kind(meta):
    """ "test" or "answer" for an nbgrader metadata dict, None for anything else."""
    if meta.get("grade") and not meta.get("solution"):
        return "test"
    return "answer" if meta.get("solution") else None


def _restore_metadata(nb, assignment):
    """Give each exercise cell of ``nb`` its nbgrader metadata from the student version.

    nbgrader fails a whole notebook when a cell's grade_id is unknown (it deletes the id, then
    finds the cell invalid), so a cell whose id was changed gets back the id of the missing
    cell of the same kind (answer or test) in order, and one with no match becomes an ordinary
    cell. Points, flags and duplicated ids are restored or dropped the same way.
    """
    given = {
        _nbgrader(c)["grade_id"]: c
        for c in assignment.student.cells
        if _nbgrader(c).get("grade_id")
    }
    seen, strays, notes = set(), [], []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if grade_id in given and grade_id not in seen:
            seen.add(grade_id)
            cell.metadata["nbgrader"] = copy.deepcopy(given[grade_id].metadata.nbgrader)
        else:
            strays.append(cell)
    for cell in strays:
        meta = cell.metadata["nbgrader"] if isinstance(cell.metadata["nbgrader"], dict) else {}
        kind = _kind(meta)
        match = next(
            (g for g, c in given.items() if g not in seen and kind and _kind(_nbgrader(c)) == kind),
            None,
        )
        if match is None:
            del cell.metadata["nbgrader"]
            continue
        seen.add(match)
        cell.metadata["nbgrader"] = copy.deepcopy(given[match].metadata.nbgrader)
        notes.append((match.rsplit("-", 1)[0], "cell id changed, restored"))
    return notes


def repair(nb, assignment):
    """Make ``nb`` (a copy) gradable by nbgrader, and say what was changed, per exercise.

    Exercise cells get their nbgrader metadata back (:func:`_restore_metadata`). nbgrader
    restores an *edited* test cell itself (its source is in the gradebook) but fails on a
    deleted one whose neighbour was deleted too; so every missing test cell is re-inserted
    after the exercise cells before it (or at the end), and nbgrader then restores its hidden
    tests like any other.
    """
    nb = copy.deepcopy(nb)
    notes = _restore_metadata(nb, assignment)
    present = {_nbgrader(c).get("grade_id"): i for i, c in enumerate(nb.cells) if _nbgrader(c)}
    for index, cell in enumerate(assignment.student.cells):
        grade_id = _nbgrader(cell).get("grade_id")
        if not grade_id:
            continue
        label = grade_id.rsplit("-", 1)[0]
        if grade_id in present:
            mine = nb.cells[present[grade_id]]
            if _is_test(cell) and mine.source.strip() != cell.source.strip():
                notes.append((label, "test cell edited, nbgrader graded the original"))
            continue
        if not _is_test(cell):
            notes.append((label, "answer cell deleted"))
            continue
        notes.append((label, "test cell deleted, put back and graded"))
        before = [
            present[c.metadata.nbgrader.grade_id]
            for c in assignment.student.cells[:index]
            if _nbgrader(c).get("grade_id") in present
        ]
        at = max(before) + 1 if before else len(nb.cells)
        nb.cells.insert(at, copy.deepcopy(cell))
        present = {_nbgrader(c).get("grade_id"): i for i, c in enumerate(nb.cells) if _nbgrader(c)}
    return nb, notes


def _imported(source):
    """Names an import statement in ``source`` binds (``np`` for ``import numpy as np``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }


RISKY = {"setattr", "delattr", "__builtins__", "builtins", "sys.modules", "importlib"}


def rebound_tools(nb, assignment):
    """What the student's code does to the tools the tests use, sorted: a module name it
    rebinds (``checks = …``), a module it changes (``np.allclose = …``, ``c.check_value = …``
    after ``import nnlab.checks as c``), and ``setattr``, ``builtins``, ``sys.modules`` or
    ``importlib`` used at all. Code that does this could fool any test that runs after it."""
    given = {cell.source.strip() for cell in assignment.student.cells}
    found = set()
    for cell in nb.cells:
        if cell.cell_type != "code" or _is_test(cell) or cell.source.strip() in given:
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        modules = assignment.tool_names | _imported(cell.source)
        found |= _bound(cell.source) & assignment.tool_names
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
                base = node.value
                while isinstance(base, ast.Attribute):
                    base = base.value
                if isinstance(base, ast.Name) and base.id in modules:
                    found.add(f"{base.id}.{node.attr}")
            elif isinstance(node, ast.Name) and node.id in RISKY:
                found.add(node.id)
            elif isinstance(node, ast.Attribute) and ast.unparse(node) in RISKY:
                found.add(ast.unparse(node))
        found |= _imported(cell.source) & RISKY
    return sorted(found)


# --- What the graded notebook says ----------------------------------------------------------------


def _output_size(output):
    """Characters of text in an output (images are not counted: plots are expected)."""
    if output.output_type == "stream":
        return len(output.text)
    if output.output_type == "error":
        return sum(len(line) for line in output.traceback)
    data = output.get("data", {})
    return sum(len(value) for key, value in data.items() if key.startswith("text/"))


def _first_line(text, limit=240):
    line = next((part for part in str(text).strip().splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _error(cell):
    return next((o for o in cell.get("outputs", []) if o.output_type == "error"), None)


def explain(graded, exercises, timeout):
    """{exercise name: reason} for what went wrong in the graded notebook, and notebook-wide
    remarks (errors outside exercises, huge outputs)."""
    reasons, remarks = {}, []
    names = {e.prefix: e.name for e in exercises}
    for number, cell in enumerate(graded.cells, start=1):
        if cell.cell_type != "code":
            continue
        grade_id = _nbgrader(cell).get("grade_id", "")
        name = next((n for p, n in names.items() if grade_id.startswith(p)), None)
        size = sum(_output_size(o) for o in cell.outputs)
        if size > BIG_OUTPUT:
            where = f"{name}'s" if name else f"cell {number}"
            remarks.append(
                f"{where} output was {size / 1e6:.1f} MB, the feedback shows the first "
                f"{MAX_OUTPUT // 1000} kB"
            )
        error = _error(cell)
        if error is None:
            continue
        if error.ename in ("CellTimeoutError", "KeyboardInterrupt"):  # nbgrader interrupts
            why = f"a cell was stopped after {timeout:g} s (an endless loop?)"
        elif _is_test(cell):
            why = f"{error.ename}: {_first_line(error.evalue)}"
        elif error.ename == "NotImplementedError":
            why = "not answered (raise NotImplementedError() is still there)"
        else:
            why = f"your code raised {error.ename}: {_first_line(error.evalue)}"
        if name is None:
            remarks.append(f"cell {number} (not an exercise): {why}")
        else:
            reasons.setdefault(name, why)  # the answer cell's error comes first, and explains
    return reasons, remarks


def feedback_version(graded, assignment):
    """The graded notebook as a student may see it: hidden tests out of the test cells,
    tracebacks of test cells cut to their last line, long outputs cut, and any line of a
    hidden test that code printed (from ``In[]``, say) replaced."""
    nb = copy.deepcopy(graded)
    secrets = [line for line in assignment.hidden_lines if len(line) >= 12]  # not `tol=1e-9)`

    def redact(text):
        lines = str(text).split("\n")
        return "\n".join(
            "[a line of a hidden test was removed]"
            if any(secret in line for secret in secrets)
            else line
            for line in lines
        )

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if _is_test(cell):
            cell.source = _hidden_region(cell.source)[0]
        kept, budget = [], MAX_OUTPUT
        for output in cell.outputs:
            if output.output_type == "error":
                if _is_test(cell):
                    output.traceback = [f"{output.ename}: {output.evalue}"]
                output.traceback = [redact(line) for line in output.traceback[-40:]]
                output.evalue = redact(output.evalue)
            elif output.output_type == "stream":
                text = output.text
                if len(text) > budget:
                    text = text[:budget] + f"\n… output cut: {len(output.text):,} characters …\n"
                budget = max(0, budget - len(text))
                output.text = redact(text)
            else:
                for key, value in list(output.get("data", {}).items()):
                    if key.startswith("text/") and isinstance(value, str):
                        output.data[key] = redact(value[:MAX_OUTPUT])
            kept.append(output)
        cell.outputs = kept
    return nb


def plain_page(student, assignment, points, reason):
    """A feedback page of its own, for a notebook nbgrader could not grade (missing,
    unreadable) or could not make a page for: the points and the reason."""
    total = sum(e.points for e in assignment.exercises)
    rows = "".join(
        f"<tr><td>{html.escape(e.name)}</td><td>{points[e.name]:g} / {e.points:g}</td></tr>"
        for e in assignment.exercises
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{assignment.name}</title></head>"
        f"<body><h1>{html.escape(assignment.name)}: {sum(points.values()):g} / {total:g}</h1>"
        f"<p>{html.escape(student)}: {html.escape(reason)}.</p>"
        f"<table>{rows}</table></body></html>\n"
    )


# --- The course directory and the run ----------------------------------------------------------


def nbgrader_api(course, timeout):
    """An in-process nbgrader API for ``course``, each kernel started with the grading guard."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    config.Execute.timeout = int(timeout)
    config.Execute.extra_arguments = [
        "--HistoryManager.hist_file=:memory:",
        "--IPKernelApp.log_level=ERROR",  # not the warning every kernel prints about TCP
        "--IPKernelApp.exec_lines=__import__('nnlab.grading_guard').grading_guard.install()",
    ]
    config.OverwriteCells.add_missing_cells = False  # repair() has put them back already
    config.NbGraderAPI.log_level = "ERROR"
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _failure(result):
    """The most telling line of a failed nbgrader call: the first ``[ERROR]`` line of its log
    (``Kernel died while waiting for execute reply.``), else the last line of the traceback."""
    log = (result.get("log") or "").splitlines()
    errors = [line.removeprefix("[ERROR]").strip() for line in log if line.startswith("[ERROR]")]
    if errors:
        return _first_line(errors[0])
    lines = (result.get("error") or "unknown error").strip().splitlines()
    return _first_line(lines[-1] if lines else "unknown error")


def grade(submissions, source, build, timeout=120, only=None, progress=print):
    """Grade every student folder in ``submissions`` against the notebooks in ``source``.

    Returns (assignments, results). ``build`` is made afresh: it holds the course directory,
    the CSVs and the feedback (a previous run's ``build`` with grades becomes
    ``<build>.previous``). ``progress`` gets one line per graded notebook.
    """
    from sqlalchemy.exc import SAWarning

    previous = Path(build).with_name(Path(build).name + ".previous")
    protect = (submissions, source, build, previous)
    with warnings.catch_warnings(), _environment(protect, Path(build) / "kernel-tmp"):
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's gradebook code on SQLAlchemy 2
        return _grade(submissions, source, build, timeout, only, progress)


@contextlib.contextmanager
def _environment(protect, kernel_tmp):
    """What nbgrader and its kernels need in the environment, for the run only: ``alembic``
    (beside this Python) on PATH for the gradebook, quiet TensorFlow, no MPLBACKEND, the
    folders :mod:`nnlab.grading_guard` keeps out of a kernel's reach, and TMPDIR, where each
    kernel makes the one temporary folder it may write to."""
    saved = dict(os.environ)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ.update(TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0")
    os.environ.pop("MPLBACKEND", None)
    os.environ[PROTECT_ENV] = os.pathsep.join(str(Path(p).resolve()) for p in protect)
    os.environ["TMPDIR"] = str(Path(kernel_tmp).resolve())  # made by _grade, in its build
    # Kernels may not write outside their folder: matplotlib's font cache is built here first.
    with contextlib.suppress(ImportError):
        import matplotlib.font_manager  # noqa: F401
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _grade(submissions, source, build, timeout, only, progress):
    submissions, source, build = (Path(p).resolve() for p in (submissions, source, build))
    students = sorted(
        p.name for p in submissions.iterdir() if p.is_dir() and not p.name.startswith(".")
    )
    if not students:
        raise SystemExit(
            f"error: {submissions} holds no student folders; put each student's notebooks "
            "in a folder named after the student (alice/01_neurons.ipynb)."
        )
    paths = sorted(source.glob("*.ipynb"))
    if only:
        paths = [p for p in paths if p.stem in only]
    assignments = [load_assignment(p) for p in paths]
    assignments = [a for a in assignments if a.exercises]
    if not assignments:
        raise SystemExit(f"error: no notebook with graded exercises in {source}")
    if build.exists():  # the previous run's grades are kept once, beside it
        previous = build.with_name(build.name + ".previous")
        if (build / "grades.csv").exists():
            shutil.rmtree(previous, ignore_errors=True)
            build.rename(previous)
            progress(f"The previous run's grades and feedback are now in {previous}.")
        else:
            shutil.rmtree(build)
    course = build / "course"
    (build / "kernel-tmp").mkdir(parents=True)  # TMPDIR: each kernel makes its folder there
    api = nbgrader_api(course, timeout)
    for assignment in assignments:
        folder = course / "source" / assignment.name
        folder.mkdir(parents=True)
        nbformat.write(assignment.instructor, folder / f"{assignment.name}.ipynb")
        result = api.generate_assignment(assignment.name)
        if not result["success"]:
            raise SystemExit(f"error: nbgrader generate_assignment failed: {_failure(result)}")
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, COURSE_ID) as gradebook:
        for student in students:
            gradebook.update_or_create_student(student)
    results, count, tests = [], 0, _test_sources(api)
    for student in students:
        for assignment in assignments:
            count += 1
            start = time.perf_counter()
            result = grade_one(
                api, course, build, submissions / student, student, assignment, tests
            )
            results.append(result)
            got = sum(result.points.values())
            total = sum(e.points for e in assignment.exercises)
            progress(
                f"[{count}/{len(students) * len(assignments)}] {student} {assignment.name}: "
                f"{got:g}/{total:g} ({time.perf_counter() - start:.1f} s)"
            )
    return assignments, results


def grade_one(api, course, build, folder, student, assignment, tests):
    """The :class:`Result` of one student's notebook; nothing that goes wrong escapes.
    ``tests`` is :func:`_test_sources` before any submission ran."""
    zero = {e.name: 0.0 for e in assignment.exercises}
    page = build / "feedback" / student / f"{assignment.name}.html"
    page.parent.mkdir(parents=True, exist_ok=True)

    def failed(reason, notes=()):
        why = f"this notebook could not be graded: {reason}"
        page.write_text(plain_page(student, assignment, zero, why), encoding="utf-8")
        return Result(student, assignment.name, dict(zero), [reason, *notes])

    path, found = find_submission(folder, assignment.name)
    if path is None:
        return failed(found)
    nb, unreadable = read_submission(path)
    if nb is None:
        return failed(unreadable)
    try:
        nb, notes = repair(nb, assignment)
        notes = [f"{name}: {note}" for name, note in notes] + ([found] if found else [])
        rebound = rebound_tools(nb, assignment)
        if rebound:
            notes.append(f"{FLAG}: the code changes what the tests use ({', '.join(rebound)})")
        target = course / "submitted" / student / assignment.name / f"{assignment.name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
    except Exception as error:  # a notebook odd enough to break the repair or the writer
        return failed(f"not a notebook nbgrader can read ({type(error).__name__}: {error})")
    database = course / "gradebook.db"
    shutil.copyfile(database, course / "gradebook.backup.db")
    result = api.autograde(assignment.name, student)
    if _test_sources(api) != tests:  # the guard should make this impossible; if not, undo it
        shutil.copyfile(course / "gradebook.backup.db", database)
        return failed(f"{FLAG}: the gradebook's tests changed while this notebook ran", notes)
    graded_path = course / "autograded" / student / assignment.name / f"{assignment.name}.ipynb"
    if not result["success"] or not graded_path.exists():
        return failed(f"nbgrader could not grade it: {_failure(result)}", notes)
    try:
        graded = nbformat.read(graded_path, as_version=4)
        reasons, remarks = explain(graded, assignment.exercises, api.config.Execute.timeout)
        points, warnings_noted = scores(api, student, assignment, graded)
    except Exception as error:  # nbgrader wrote something this code cannot read
        return failed(f"could not read nbgrader's result ({type(error).__name__}: {error})", notes)
    notes += warnings_noted
    for other in graded_path.parent.glob("*.ipynb"):  # generate_feedback would convert them all
        if other != graded_path:
            other.unlink()
    lost = [
        f"{e.name}: {reasons.get(e.name, 'the tests failed')}"
        for e in assignment.exercises
        if points[e.name] < e.points
    ]
    try:
        nbformat.write(feedback_version(graded, assignment), graded_path)
        made = api.generate_feedback(assignment.name, student)
    except Exception as error:
        made = {"success": False, "error": f"{type(error).__name__}: {error}"}
    html_path = course / "feedback" / student / assignment.name / f"{assignment.name}.html"
    if made["success"] and html_path.exists():
        shutil.copyfile(html_path, page)
    else:
        remarks.append(f"no feedback page: {_failure(made)}")
        page.write_text(plain_page(student, assignment, points, remarks[-1]), encoding="utf-8")
    return Result(student, assignment.name, points, lost + notes + remarks)


def scores(api, student, assignment, graded):
    """{exercise name: points} from nbgrader's gradebook, and notes.

    Only nbgrader's automatic score counts (not a manual score or extra credit, which a
    gradebook changed behind the grader's back could hold), within [0, the exercise's points].
    nbgrader scores 0 a test cell that wrote to stderr; a warning (a NumPy overflow, say)
    from a test that passed does not cost points here: the score is set to full in the
    gradebook, so the feedback page agrees, and the warning is noted.
    """
    from nbgrader.api import Gradebook

    warned = {
        _nbgrader(cell)["grade_id"]: next(
            o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"
        )
        for cell in graded.cells
        if _is_test(cell)
        and _error(cell) is None
        and any(o.output_type == "stream" and o.name == "stderr" for o in cell.outputs)
    }
    points, notes = {}, []
    with Gradebook(api.coursedir.db_url, COURSE_ID) as gradebook:
        for e in assignment.exercises:
            grade = gradebook.find_grade(e.grade_id, assignment.name, assignment.name, student)
            if e.grade_id in warned:
                grade.auto_score = e.points
                notes.append(f"{e.name}: passed, with a warning: {_first_line(warned[e.grade_id])}")
            points[e.name] = min(max(float(grade.auto_score or 0.0), 0.0), e.points)
        gradebook.db.commit()
    return points, notes


def _test_sources(api):
    """What nbgrader restores test cells from: every source cell and graded cell's points."""
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, COURSE_ID) as gradebook:
        return sorted(
            (notebook.name, cell.name, cell.source, cell.checksum or "", cell.locked)
            for assignment in gradebook.assignments
            for notebook in assignment.notebooks
            for cell in notebook.source_cells
        ) + sorted(
            (notebook.name, cell.name, str(cell.max_score))
            for assignment in gradebook.assignments
            for notebook in assignment.notebooks
            for cell in notebook.grade_cells
        )


# --- Reports ------------------------------------------------------------------------------------


def _labelled(assignment, reason):
    """ "01_neurons ex2: …" for an exercise's reason, "01_neurons: …" for the notebook's."""
    if any(reason.startswith(f"{e.name}") for e in assignment.exercises):
        return f"{assignment.name} {reason}"
    return f"{assignment.name}: {reason}"


def write_csv(assignments, results, path):
    """``grades.csv``: one row per student, points per exercise, per notebook, in total."""
    by_key = {(r.student, r.notebook): r for r in results}
    students = sorted({r.student for r in results})
    header = ["student"]
    for a in assignments:
        header += [f"{a.name} {e.name} (/{e.points:g})" for e in a.exercises]
        header.append(f"{a.name} total (/{sum(e.points for e in a.exercises):g})")
    grand = sum(e.points for a in assignments for e in a.exercises)
    header += [f"total (/{grand:g})", "percent", "flagged", "reasons"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for student in students:
            row, total, reasons = [student], 0.0, []
            for a in assignments:
                result = by_key[(student, a.name)]
                row += [f"{result.points[e.name]:g}" for e in a.exercises]
                row.append(f"{sum(result.points.values()):g}")
                total += sum(result.points.values())
                reasons += [_labelled(a, reason) for reason in result.reasons]
            flagged = any(FLAG in reason for reason in reasons)
            percent = f"{100 * total / grand:.0f}" if grand else ""
            row += [f"{total:g}", percent, "yes" if flagged else "", "; ".join(reasons)]
            writer.writerow(row)


def write_long_csv(assignments, results, path):
    """``grades_long.csv``: one row per student, notebook and exercise, with the exercise's
    reasons and the notebook's own (a missing file, a flag for review) on each of its rows."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["student", "notebook", "exercise", "points", "max_points", "reason", "notebook_notes"]
        )
        exercises = {a.name: a.exercises for a in assignments}
        for result in results:
            prefixes = tuple(f"{e.name}: " for e in exercises[result.notebook])
            general = "; ".join(r for r in result.reasons if not r.startswith(prefixes))
            for e in exercises[result.notebook]:
                prefix = f"{e.name}: "
                mine = [r.removeprefix(prefix) for r in result.reasons if r.startswith(prefix)]
                points = f"{result.points[e.name]:g}"
                row = [result.student, result.notebook, e.name, points, f"{e.points:g}"]
                writer.writerow([*row, "; ".join(mine), general])


def summary(assignments, results):
    """Lines for the terminal: mean per notebook and each student's total."""
    lines = []
    for a in assignments:
        mine = [r for r in results if r.notebook == a.name]
        total = sum(e.points for e in a.exercises)
        got = [sum(r.points.values()) for r in mine]
        full = sum(g == total for g in got)
        lines.append(
            f"{a.name}: mean {sum(got) / len(got):.1f} / {total:g}, "
            f"{full} of {len(got)} with full marks"
        )
    grand = sum(e.points for a in assignments for e in a.exercises)
    for student in sorted({r.student for r in results}):
        mine = [r for r in results if r.student == student]
        problems = sum(len(r.reasons) for r in mine)
        note = f"  ({problems} remark{'s' * (problems != 1)} in grades.csv)" if problems else ""
        lines.append(
            f"  {student}: {sum(sum(r.points.values()) for r in mine):g} / {grand:g}{note}"
        )
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m nnlab.grading", description=__doc__.splitlines()[0]
    )
    parser.add_argument("submissions", type=Path, help="one folder per student")
    parser.add_argument("--source", type=Path, default=Path("notebooks"))
    parser.add_argument("--build", type=Path, default=Path("build/grading"))
    parser.add_argument("--timeout", type=float, default=120, help="seconds per cell")
    parser.add_argument("--only", nargs="*", help="notebook names to grade (default: all)")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        sys.exit(f"error: {args.submissions} is not a folder (one sub-folder per student)")
    start = time.perf_counter()
    assignments, results = grade(
        args.submissions,
        args.source,
        args.build,
        args.timeout,
        args.only,
        progress=lambda line: print(line, flush=True),
    )
    write_csv(assignments, results, args.build / "grades.csv")
    write_long_csv(assignments, results, args.build / "grades_long.csv")
    print(*summary(assignments, results), sep="\n")
    print(
        f"Graded {len(results)} notebook(s) in {time.perf_counter() - start:.0f} s. "
        f"Grades: {args.build / 'grades.csv'}; feedback: {args.build / 'feedback'}/<student>/."
    )


if __name__ == "__main__":
    main()
