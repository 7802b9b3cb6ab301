"""Grading a class (nnlab.grading, `make grade`): a one-notebook course with made-up submissions,
graded once by nbgrader (module fixture), then each submission's points and reasons checked,
and every feedback page searched for lines of hidden tests and solutions.

The course notebook is small so the whole class grades in well under a minute; the time limit
per cell is short for the same reason (the student who loops for ever costs that much).
"""

import copy
import csv
import html
import os
import re
import textwrap

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from test_homework import nbgrader_meta as meta

from nnlab import grading
from nnlab.homework import student_version

pytestmark = pytest.mark.notebooks
TIMEOUT = 6  # seconds per cell

SOLUTIONS = {
    "ex1": "z_ex1 = 2 * x + 0.25",
    "ex2": "    return x * 2.0",
    "ex3": "w_ex3 = 3.0",
}
HIDDEN_TEST = "assert abs(z_ex1 - 1.25) < 1e-12, 'hidden check of z_ex1'"


def course_notebook():
    """Three exercises as the course writes them: a value, a function, another value."""

    def solution(stub, body):
        return f"{stub}### BEGIN SOLUTION\n{body}\n### END SOLUTION"

    cells = [
        new_markdown_cell("# Homework"),
        new_code_cell("import numpy as np\n\nfrom nnlab import checks"),
        new_code_cell(
            solution("x = 0.5\nz_ex1 = None\n", SOLUTIONS["ex1"]),
            metadata=meta("ex1-solution", solution=True),
        ),
        new_code_cell(
            "checks.check_value('z_ex1', z_ex1, 1.25)\n"
            f"### BEGIN HIDDEN TESTS\n{HIDDEN_TEST}\n### END HIDDEN TESTS",
            metadata=meta("ex1-test", grade=True, points=1),
        ),
        new_code_cell(
            "def double(x):\n    ### BEGIN SOLUTION\n"
            + SOLUTIONS["ex2"]
            + "\n    ### END SOLUTION",
            metadata=meta("ex2-solution", solution=True),
        ),
        new_code_cell(
            "checks.check_function('double', double, lambda x: x + x, [(1.0,), (-2.0,)])\n"
            "### BEGIN HIDDEN TESTS\n"
            "checks.check_function('double', double, lambda x: x + x, [(np.arange(3.0),)])\n"
            "### END HIDDEN TESTS",
            metadata=meta("ex2-test", grade=True, points=2),
        ),
        new_code_cell(
            solution("w_ex3 = None\n", SOLUTIONS["ex3"]),
            metadata=meta("ex3-solution", solution=True),
        ),
        new_code_cell(
            "checks.check_value('w_ex3', w_ex3, 3.0)",
            metadata=meta("ex3-test", grade=True, points=1),
        ),
    ]
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return new_notebook(cells=cells, metadata={"kernelspec": kernelspec})


STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def answered(student, **answers):
    """A copy of the student version with exercise ``exN``'s stub replaced by ``answers[exN]``
    (True: the solution)."""
    nb = copy.deepcopy(student)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        name = grade_id.removesuffix("-solution")
        if grade_id.endswith("-solution") and name in answers:
            answer = SOLUTIONS[name] if answers[name] is True else answers[name]
            indent = "    " if name == "ex2" else ""
            stub = textwrap.indent(STUB, indent)
            assert stub in cell.source
            cell.source = cell.source.replace(stub, answer)
    return nb


def cell_of(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


# Each attempt prints "refused" when the guard stops it, "DONE" when it gets through.
ATTEMPTS = {
    "read the instructor notebook": "open('../../../source/hw/hw.ipynb').read()",
    "read the gradebook": "open('../../../gradebook.db', 'rb').read()",
    "list the other students": "os.listdir('../..')",
    "hard-link the instructor notebook": "os.link('../../../source/hw/hw.ipynb', 'copy.ipynb')",
    "open the gradebook as a database": "sqlite3.connect('../../../gradebook.db')",
    "open the gradebook by URI": (
        "sqlite3.connect('file:' + os.path.abspath('../../../gradebook.db') + '?mode=ro', uri=True)"
    ),
    "call C through ctypes": "ctypes.pythonapi.Py_GetVersion",
    "change nnlab's checks": "open(checks.__file__, 'a').close()",
    "add an IPython start-up file": "open(os.path.expanduser('~/.ipython/x.py'), 'w').close()",
    "write in /tmp": "open('/tmp/nnlab-grading-escape.txt', 'w').close()",
    "start a program": "subprocess.run(['cat', '../../../source/hw/hw.ipynb'])",
}
SNOOPING = (
    "import ctypes, os, sqlite3, subprocess\n"
    + "".join(
        f"try:\n    {code}\n    print({'DONE: ' + what!r})\nexcept PermissionError as error:\n"
        f"    print({'refused: ' + what + ':'!r}, error)\n"
        for what, code in ATTEMPTS.items()
    )
    + (
        "open('mine.txt', 'w').write('a file of my own')\n"
        "import tempfile\ntempfile.NamedTemporaryFile().write(b'a temporary file of my own')\n"
        "open('extra.ipynb', 'w').write('not a notebook')\n"  # nbgrader would make a page of it
        "print('history:', In)\n"
    )
)


def submissions(student):
    """{student: notebook, bytes, or None for no file}: the made-up class."""
    all_right = {"ex1": True, "ex2": True, "ex3": True}
    tampered = answered(student, ex1="z_ex1 = 99.0", ex2=True, ex3=True)
    cell_of(tampered, "ex1-test").source = "print('all good')"
    deleted = answered(student, ex1="z_ex1 = 2.0", ex3=True)
    deleted.cells.remove(cell_of(deleted, "ex1-test"))
    deleted.cells.remove(cell_of(deleted, "ex2-solution"))
    renamed = answered(student, **all_right)
    for number, cell in enumerate(renamed.cells):
        cell.id = f"my-own-id-{number}"
    cell_of(renamed, "ex1-solution").metadata.nbgrader.grade_id = "my-answer"
    snooping = answered(student, **all_right)
    snooping.cells.append(new_code_cell(SNOOPING))
    alias = "import nnlab.checks as c\nc.check_value = c.check_function = lambda *a, **k: None\n"
    warns = "    import warnings\n    warnings.warn('careful')\n    return x * 2.0"
    cheat = answered(student, ex1="checks.check_value = lambda *args, **kwargs: None\nz_ex1 = 0.0")
    return {
        "correct": answered(student, **all_right),
        "blank": student,
        "partial": answered(student, ex1=True, ex2="    return x * 3.0"),
        "syntax": answered(student, ex1="z_ex1 = (2 * x", ex2=True, ex3=True),
        "loops": answered(student, ex1=True, ex2="    while True:\n        pass", ex3=True),
        "prints": answered(student, ex1="print('x' * 10_000_000)\nz_ex1 = 2 * x + 0.25"),
        "tampered": tampered,
        "deleted": deleted,
        "renamed_ids": renamed,
        "snooping": snooping,
        "cheat": cheat,
        "alias_cheat": answered(student, ex1=alias + "z_ex1 = 0.0"),
        "warns": answered(student, ex1=True, ex2=warns, ex3=True),
        "dies": answered(student, ex1="import os\nos._exit(1)", ex2=True, ex3=True),
        "nbgrader style": answered(student, **all_right),  # in nbgrader style/hw/hw.ipynb
        "corrupt": b'{"cells": [ this is not JSON',
        "empty": b"",
        "missing": None,
    }


# Points (ex1, ex2, ex3) and a pattern each reason must match, per student.
EXPECTED = {
    "correct": ((1, 2, 1), []),
    "blank": (
        (0, 0, 0),
        [
            "ex1: not answered",
            "ex2: ExerciseError: 'double' is not written yet",
            "ex3: not answered",
        ],
    ),
    "partial": ((1, 0, 0), ["ex2: ExerciseError: .*double", "ex3: not answered"]),
    "syntax": ((0, 2, 1), ["ex1: your code raised SyntaxError"]),
    "loops": ((1, 0, 1), [r"ex2: a cell was stopped after 6 s"]),
    "prints": ((1, 0, 0), ["ex2:", "ex3:", r"ex1's output was 10\.0 MB"]),
    "tampered": ((0, 2, 1), ["ex1: ExerciseError: 'z_ex1'", "ex1: test cell edited"]),
    "deleted": (
        (0, 0, 1),
        [
            "ex1: ExerciseError",
            "ex2: NameError",
            "ex1: test cell deleted",
            "ex2: answer cell deleted",
        ],
    ),
    "renamed_ids": ((1, 2, 1), ["ex1: cell id changed, restored"]),
    "snooping": ((1, 2, 1), []),
    # The patched checker lets ex3's visible test pass; ex1's hidden test is a plain assert.
    "cheat": (
        (0, 0, 1),
        ["ex1: AssertionError: hidden check", r"flagged for review: .*\(checks\.check_value\)"],
    ),
    # Only ex1's hidden test, a plain assert, is not fooled; the flag is what catches the rest.
    "alias_cheat": ((0, 2, 1), [r"flagged for review: .*\(c\.check_function, c\.check_value\)"]),
    # nbgrader scores 0 a test cell that wrote to stderr; a warning from a passing answer is noted.
    "warns": ((1, 2, 1), ["ex2: passed, with a warning: .*careful"]),
    "corrupt": ((0, 0, 0), ["not a notebook: the file is not valid JSON"]),
    # nbgrader stops a notebook whose kernel dies: no partial credit.
    "dies": ((0, 0, 0), ["nbgrader could not grade it: Kernel died"]),
    "nbgrader style": ((1, 2, 1), []),
    "empty": ((0, 0, 0), ["the file is empty"]),
    "missing": ((0, 0, 0), [r"no hw\.ipynb submitted \(found: homework\.ipynb\)"]),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    source = root / "source"
    source.mkdir()
    instructor = course_notebook()
    nbformat.write(instructor, source / "hw.ipynb")
    student = student_version(instructor, "hw.ipynb")
    for name, nb in submissions(student).items():
        folder = root / "submissions" / name
        if name == "nbgrader style":
            folder = folder / "hw"
        folder.mkdir(parents=True)
        if nb is None:
            (folder / "homework.ipynb").write_text("{}")  # a file under another name
        elif isinstance(nb, bytes):
            (folder / "hw.ipynb").write_bytes(nb)
        else:
            nbformat.write(nb, folder / "hw.ipynb")
    build = root / "build"
    lines = []
    assignments, results = grading.grade(
        root / "submissions", source, build, timeout=TIMEOUT, progress=lines.append
    )
    grading.write_csv(assignments, results, build / "grades.csv")
    grading.write_long_csv(assignments, results, build / "grades_long.csv")
    return {"build": build, "lines": lines, "assignments": assignments, "results": results}


def rows(build, name="grades.csv"):
    with open(build / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_submission_gets_its_points_and_reasons(graded, student):
    row = next(r for r in rows(graded["build"]) if r["student"] == student)
    points, patterns = EXPECTED[student]
    got = tuple(
        float(row[f"hw {name} (/{top:g})"]) for name, top in zip(("ex1", "ex2", "ex3"), (1, 2, 1))
    )
    assert got == points, row["reasons"]
    assert float(row["hw total (/4)"]) == sum(points) == float(row["total (/4)"])
    reasons = row["reasons"].split("; ") if row["reasons"] else []
    for pattern in patterns:
        assert any(re.search(pattern, r) for r in reasons), (pattern, reasons)
    if not patterns:
        assert reasons == []
    assert (graded["build"] / "feedback" / student / "hw.html").exists()
    flagged = any("flagged for review" in pattern for pattern in patterns)
    assert row["flagged"] == ("yes" if flagged else "")


def test_the_run_reports_progress_and_the_long_csv_agrees(graded):
    assert grading.PROTECT_ENV not in os.environ  # the run's environment was put back
    assert len(graded["lines"]) == len(EXPECTED)
    assert graded["lines"][0].startswith(f"[1/{len(EXPECTED)}] alias_cheat hw: 3/4 (")
    long = rows(graded["build"], "grades_long.csv")
    assert len(long) == 3 * len(EXPECTED)
    wide = {r["student"]: r for r in rows(graded["build"])}
    for row in long:
        top = {"ex1": 1, "ex2": 2, "ex3": 1}[row["exercise"]]
        assert row["points"] == wide[row["student"]][f"hw {row['exercise']} (/{top:g})"]
        if float(row["points"]) < float(row["max_points"]):
            assert row["reason"] or row["notebook_notes"], row
        if row["student"] == "alias_cheat":
            assert row["notebook_notes"].startswith("flagged for review")
    summary = grading.summary(graded["assignments"], graded["results"])
    assert summary[0] == "hw: mean 1.9 / 4, 5 of 18 with full marks"


def test_the_snooping_student_was_refused(graded):
    graded_nb = graded["build"] / "course" / "autograded" / "snooping" / "hw" / "hw.ipynb"
    cells = nbformat.read(graded_nb, 4).cells
    text = "".join(o.get("text", "") for c in cells for o in c.get("outputs", []))
    assert "DONE" not in text and "Error" not in text.replace("PermissionError", "")
    for what in ATTEMPTS:
        assert f"refused: {what}: nnlab grading:" in text
    assert "[a line of a hidden test was removed]" in text  # the print of In[]
    assert (graded_nb.parent / "mine.txt").read_text() == "a file of my own"
    page = feedback_text(graded["build"] / "feedback" / "snooping" / "hw.html")
    assert "Score: 2.0 / 2.0" in page  # nbgrader's own page, made despite extra.ipynb


def feedback_text(path):
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


def test_no_feedback_page_shows_a_hidden_test_or_another_students_solution(graded):
    hidden = [
        HIDDEN_TEST,
        "checks.check_function('double', double, lambda x: x + x, [(np.arange(3.0),)])",
    ]
    pages = sorted((graded["build"] / "feedback").glob("*/hw.html"))
    assert len(pages) == len(EXPECTED)
    for page in pages:
        text = feedback_text(page)
        for line in hidden:
            assert line not in text, page
        if page.parent.name in ("blank", "corrupt", "empty", "missing"):
            for line in SOLUTIONS.values():
                assert line.strip() not in text, page
    warns = feedback_text(graded["build"] / "feedback" / "warns" / "hw.html")
    assert "Score: 2.0 / 2.0" in warns and "Score: 0.0 / 2.0" not in warns  # as in grades.csv
    blank = feedback_text(graded["build"] / "feedback" / "blank" / "hw.html")
    assert "'double' is not written yet" in blank  # the student sees why, not the test
    assert "0 / 4" in feedback_text(graded["build"] / "feedback" / "missing" / "hw.html")


def test_a_big_print_is_cut_in_the_feedback(graded):
    page = graded["build"] / "feedback" / "prints" / "hw.html"
    assert page.stat().st_size < 2_000_000
    assert "output cut: 10,000,001 characters" in feedback_text(page)


def test_grading_needs_student_folders(tmp_path):
    (tmp_path / "subs").mkdir()
    with pytest.raises(SystemExit, match="no student folders"):
        grading.grade(tmp_path / "subs", tmp_path, tmp_path / "build")


NOTEBOOKS = sorted((grading.Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_feedback_of_every_course_notebook_shows_no_hidden_test(path):
    """The committed instructor notebook stands in for a graded one: its test cells hold the
    hidden tests, as nbgrader's are when graded, and its outputs are real."""
    assignment = grading.load_assignment(path)
    assert assignment.hidden_lines, "each course notebook has hidden tests"
    shown = grading.feedback_version(assignment.instructor, assignment)
    text = "\n".join(
        [cell.source for cell in shown.cells]
        + [
            str(o.get("text", "")) + str(o.get("evalue", ""))
            for c in shown.cells
            for o in c.get("outputs", [])
        ]
    )
    assert not assignment.hidden_lines & {line.strip() for line in text.splitlines()}
    assert text.count(grading.HIDDEN_NOTE) == sum(
        grading.HIDDEN[0] in cell.source for cell in assignment.instructor.cells
    )


def test_a_second_run_keeps_the_first_runs_grades(tmp_path):
    (tmp_path / "source").mkdir()
    instructor = course_notebook()
    nbformat.write(instructor, tmp_path / "source" / "hw.ipynb")
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    nbformat.write(student_version(instructor, "hw.ipynb"), tmp_path / "subs" / "ann" / "hw.ipynb")
    lines = []
    for _ in range(2):
        assignments, results = grading.grade(
            tmp_path / "subs", tmp_path / "source", tmp_path / "grading", progress=lines.append
        )
        grading.write_csv(assignments, results, tmp_path / "grading" / "grades.csv")
    assert (
        lines[1]
        == f"The previous run's grades and feedback are now in {tmp_path}/grading.previous."
    )
    assert (tmp_path / "grading.previous" / "grades.csv").read_text() == (
        tmp_path / "grading" / "grades.csv"
    ).read_text()
