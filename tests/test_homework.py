"""Homework (nnlab.homework, every notebook with exercises): the student version made with
nbgrader shows no solution, no hidden test and no literal answer in a visible test, and every
graded cell fails on the stubs with feedback (an nnlab.checks message), never a NameError.

That the solutions pass is nbval's job: it runs the instructor version, hidden tests included,
and fails on any error. So the instructor version is not executed here, and of the student
version only what its graded cells need runs (the setup cell and the exercise cells), once per
notebook (module-scoped fixture), in a fresh ``python3`` kernel, in a copy of ``notebooks/``.
"""

import ast
import copy
import re
import shutil
import textwrap
from pathlib import Path

import nbformat
import pytest
import run_notebooks
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nnlab.homework import HomeworkError, main, student_version

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
REGIONS = [("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")]
SHORT = 6  # stripped lines shorter than this (`pass`, `else:`, `)`) are too common to compare


def flag(cell, name):
    return bool(cell.metadata.get("nbgrader", {}).get(name))


def is_test_cell(cell):
    """A graded test cell (autograded); a cell that is grade *and* solution is graded by hand."""
    return flag(cell, "grade") and not flag(cell, "solution")


def region_lines(cell):
    """(inside, line) for each line of the cell but the markers; inside = in a region."""
    inside = False
    for line in cell.source.splitlines():
        if any(begin in line for begin, _ in REGIONS):
            inside = True
        elif any(end in line for _, end in REGIONS):
            inside = False
        else:
            yield inside, line


def split_lines(nb):
    """(secret, public): stripped lines inside solution / hidden-test regions, and all others."""
    secret, public = set(), set()
    for cell in nb.cells:
        for inside, line in region_lines(cell):
            if len(line.strip()) >= SHORT:
                (secret if inside else public).add(line.strip())
    return secret, public


def literal_answers(cell):
    """Values a solution region assigns as plain literals (`b_ex4 = -1.5`)."""
    region = "\n".join(line for inside, line in region_lines(cell) if inside)
    try:
        tree = ast.parse(textwrap.dedent(region))
    except SyntaxError:
        return []
    return [
        ast.literal_eval(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and is_literal(node.value)
    ]


def is_literal(node):
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return False
    return True


def literals_in(source):
    """Every literal (numbers with their sign, lists, tuples) written in ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: nothing to compare
        return []
    return [ast.literal_eval(node) for node in ast.walk(tree) if is_literal(node)]


def grade_cell_errors(nb):
    """{grade_id: "ErrorName: message" or None} for every graded test cell of an executed nb."""
    return {
        cell.metadata.nbgrader.grade_id: next(
            (f"{out.ename}: {out.evalue}" for out in cell.outputs if out.output_type == "error"),
            None,
        )
        for cell in nb.cells
        if is_test_cell(cell)
    }


def execute(nb, cwd):
    """A copy of ``nb`` run top to bottom in a fresh python3 kernel in ``cwd``, past errors."""
    return run_notebooks.execute(copy.deepcopy(nb), cwd, allow_errors=True, timeout=120)


# --- Every course notebook -----------------------------------------------------------------


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A copy of notebooks/ to run in, so notebooks that write files leave the tree alone."""
    return shutil.copytree(NOTEBOOK_DIR, tmp_path_factory.mktemp("homework") / "notebooks")


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def versions(request):
    """(instructor, student) versions of one notebook; skipped when it has no exercises."""
    instructor = nbformat.read(request.param, as_version=4)
    if not any("nbgrader" in cell.metadata for cell in instructor.cells):
        pytest.skip(f"{request.param.name} has no nbgrader exercise cells")
    return instructor, student_version(instructor, request.param.name)


def setup_and_exercises(nb):
    """A copy of ``nb`` with only its setup cell (the first code cell) and its nbgrader cells."""
    first_code = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")
    short = copy.deepcopy(nb)
    short.cells = [
        cell
        for i, cell in enumerate(nb.cells)
        if i == first_code or (cell.cell_type == "code" and "nbgrader" in cell.metadata)
    ]
    return short


@pytest.fixture(scope="module")
def executed_student(versions, workdir):
    return execute(setup_and_exercises(versions[1]), workdir)


def test_each_solution_is_followed_by_a_graded_cell_and_grade_ids_are_unique(versions):
    instructor, _ = versions
    ids = [
        cell.metadata.nbgrader.get("grade_id")
        for cell in instructor.cells
        if flag(cell, "grade") or flag(cell, "solution") or flag(cell, "locked")
    ]
    assert len(ids) == len(set(ids)), f"duplicate grade_ids in {ids}"
    waiting = None  # grade_id of a solution cell still looking for its graded cell
    for cell in instructor.cells:
        if flag(cell, "solution") and not flag(cell, "grade"):
            assert waiting is None, f"solution cell {waiting} has no graded cell before the next"
            waiting = cell.metadata.nbgrader.grade_id
        elif is_test_cell(cell):
            waiting = None
    assert waiting is None, f"solution cell {waiting} has no graded cell after it"


def test_student_version_shows_no_solution_and_no_hidden_test(versions):
    instructor, student = versions
    secret, public = split_lines(instructor)
    shown = {line.strip() for cell in student.cells for line in cell.source.splitlines()}
    assert sorted((secret - public) & shown) == []
    assert len(student.cells) == len(instructor.cells)
    assert "widgets" not in student.metadata  # saved widget views belong to the outputs
    for cell in student.cells:
        assert not any(begin in cell.source or end in cell.source for begin, end in REGIONS)
        if cell.cell_type == "code":
            assert (cell.outputs, cell.execution_count) == ([], None)
        if flag(cell, "solution") and cell.cell_type == "code":
            assert re.search(r"# YOUR CODE HERE\n *raise NotImplementedError\(\)", cell.source)


def test_visible_tests_do_not_spell_out_literal_answers(versions):
    """A solution `b = -1.5` leaks if its graded cell, as the student sees it, contains -1.5.

    Check such answers in hidden tests, or visibly through what they do (the outputs they give).
    Trivial values (0, 1, -1, True, False) are not counted.
    """
    instructor, student = versions
    leaks, answers = [], []
    for original, shown in zip(instructor.cells, student.cells):
        if flag(original, "solution"):
            answers = [a for a in literal_answers(original) if a not in (0, 1, -1, True, False)]
        elif is_test_cell(shown):
            grade_id = shown.metadata.nbgrader.grade_id
            leaks += [(grade_id, a) for a in answers if a in literals_in(shown.source)]
    assert leaks == [], "answers readable in the student's graded cells (hide or compute them)"


@pytest.mark.notebooks
def test_every_graded_cell_fails_on_the_student_version_with_feedback(executed_student):
    errors = grade_cell_errors(executed_student)
    assert errors, "no graded cells found"
    passing = [gid for gid, error in errors.items() if error is None]
    assert passing == [], "these graded cells pass without any answer"
    unhelpful = {
        gid: error
        for gid, error in errors.items()
        if error and not error.startswith(("ExerciseError: ", "NotImplementedError"))
    }
    assert unhelpful == {}, "a stub must get an nnlab.checks message, not a crash"


def assigned_names(source):
    """Names a piece of code assigns at its top level (`z = …`, `a, b = …`)."""
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return set()
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in ast.walk(node)
        if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Store)
    }


def test_each_exercise_stub_defines_the_names_its_solution_assigns(versions):
    """`answer = None` above `### BEGIN SOLUTION`, so an unanswered exercise's test cell gives
    feedback instead of a NameError."""
    instructor, student = versions
    missing = {}
    for original, stub in zip(instructor.cells, student.cells):
        top_level = re.search(r"^### BEGIN SOLUTION", original.source, re.MULTILINE)
        if flag(original, "solution") and original.cell_type == "code" and top_level:
            region = "\n".join(line for inside, line in region_lines(original) if inside)
            names = assigned_names(region) - assigned_names(stub.source)
            if names:
                missing[original.metadata.nbgrader.grade_id] = sorted(names)
    assert missing == {}, "define these as None above '### BEGIN SOLUTION'"


# --- nnlab.homework on a tiny notebook ----------------------------------------------------


def nbgrader_meta(grade_id, *, grade=False, solution=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": grade, "schema_version": 3}
    meta.update(solution=solution, task=False)
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def tiny_notebook():
    """Two exercises the way the course writes them: a value and a function."""
    solution_1 = "x = 0.5\nz_ex1 = None\n### BEGIN SOLUTION\nz_ex1 = 2 * x + 0.25\n### END SOLUTION"
    test_1 = (
        "checks.check_value('z_ex1', z_ex1, 1.25)\n"
        "### BEGIN HIDDEN TESTS\nassert abs(z_ex1 - 1.25) < 1e-12\n### END HIDDEN TESTS"
    )
    solution_2 = "def double(x):\n    ### BEGIN SOLUTION\n    return x * 2.0\n    ### END SOLUTION"
    test_2 = "checks.check_function('double', double, lambda x: x + x, [(1.0,), (-2.0,)])"
    cells = [
        new_markdown_cell("# Tiny"),
        new_code_cell("from nnlab import checks"),
        new_code_cell(solution_1, metadata=nbgrader_meta("ex1-solution", solution=True)),
        new_code_cell(test_1, metadata=nbgrader_meta("ex1-test", grade=True, points=1)),
        new_code_cell(solution_2, metadata=nbgrader_meta("ex2-solution", solution=True)),
        new_code_cell(test_2, metadata=nbgrader_meta("ex2-test", grade=True, points=2)),
    ]
    cells[2].outputs = [new_output("stream", name="stdout", text="1.25\n")]
    cells[2].execution_count = 1
    cells[2].metadata["execution"] = {"iopub.status.busy": "2026-11-21T08:40:00.000000Z"}
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    widgets = {"application/vnd.jupyter.widget-state+json": {"state": {}}}  # a saved widget view
    return new_notebook(cells=cells, metadata={"kernelspec": kernelspec, "widgets": widgets})


def test_student_version_stubs_solutions_and_removes_hidden_tests():
    instructor = tiny_notebook()
    before = copy.deepcopy(instructor)
    student = student_version(instructor, "tiny.ipynb")
    assert instructor == before
    sources = [cell.source for cell in student.cells]
    assert sources[2] == "x = 0.5\nz_ex1 = None\n# YOUR CODE HERE\nraise NotImplementedError()"
    assert sources[3] == "checks.check_value('z_ex1', z_ex1, 1.25)"
    assert sources[4] == "def double(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert (student.cells[2].outputs, student.cells[2].execution_count) == ([], None)
    assert "execution" not in student.cells[2].metadata and "widgets" not in student.metadata
    assert student.cells[3].metadata.editable is False  # nbgrader locks graded cells


@pytest.mark.notebooks
def test_tiny_notebook_graded_cells_pass_on_solutions_and_fail_on_stubs(tmp_path):
    instructor = tiny_notebook()
    passed = grade_cell_errors(execute(instructor, tmp_path))
    failed = grade_cell_errors(execute(student_version(instructor, "tiny.ipynb"), tmp_path))
    assert passed == {"ex1-test": None, "ex2-test": None}
    assert failed["ex1-test"].startswith("ExerciseError: 'z_ex1' has no answer yet")
    assert failed["ex2-test"].startswith("ExerciseError: 'double' is not written yet")


def test_main_writes_every_notebook_and_a_summary(tmp_path, capsys):
    for name in ("a.ipynb", "b.ipynb"):
        nbformat.write(tiny_notebook(), tmp_path / name)
    main([str(tmp_path), str(tmp_path / "out")])
    assert capsys.readouterr().out.splitlines() == [
        f"{tmp_path / 'out' / 'a.ipynb'}: 2 solution cells stubbed",
        f"{tmp_path / 'out' / 'b.ipynb'}: 2 solution cells stubbed",
        f"2 notebook(s) written to {tmp_path / 'out'}; 4 solutions stubbed.",
    ]
    written = nbformat.read(tmp_path / "out" / "b.ipynb", as_version=4)
    assert written.cells[4].source.endswith("raise NotImplementedError()")


def break_marker(nb):
    nb.cells[2].metadata = {}


def break_metadata(nb):
    nb.cells[2].source = "z_ex1 = 1.25"


def break_hidden(nb):
    nb.cells[1].source += "\n### BEGIN HIDDEN TESTS\nassert checks\n### END HIDDEN TESTS"


def break_ids(nb):
    nb.cells[5].metadata.nbgrader.grade_id = "ex1-test"


def break_points(nb):
    del nb.cells[3].metadata.nbgrader["points"]


def break_region(nb):
    nb.cells[4].source = nb.cells[4].source.replace("### END SOLUTION", "")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (break_marker, "cell 3 \\('x = 0.5'\\): has a '### BEGIN SOLUTION' region but no nbgrader"),
        (break_metadata, "cell 3 \\('z_ex1 = 1.25'\\): is an nbgrader solution cell but has no"),
        (break_hidden, "cell 2 .*'### BEGIN HIDDEN TESTS' region but no nbgrader metadata"),
        (break_ids, "cell 6 .*: grade_id 'ex1-test' is already used by cell 4"),
        (break_points, "cell 4 .*: invalid nbgrader metadata: .*'ex1-test' does not have points"),
        (break_region, "cell 5 .*: unmatched '### BEGIN/END SOLUTION' lines"),
    ],
    ids=[
        "marker-without-metadata",
        "metadata-without-marker",
        "hidden-test-outside-grade-cell",
        "duplicate-grade-id",
        "missing-points",
        "unclosed-region",
    ],
)
def test_problems_name_the_notebook_and_cell(damage, message):
    nb = tiny_notebook()
    damage(nb)
    with pytest.raises(HomeworkError, match=f"^tiny.ipynb, {message}"):
        student_version(nb, "tiny.ipynb")


def test_main_writes_nothing_when_a_notebook_has_a_problem(tmp_path):
    nb = tiny_notebook()
    break_ids(nb)
    nbformat.write(tiny_notebook(), tmp_path / "a.ipynb")
    nbformat.write(nb, tmp_path / "b.ipynb")
    with pytest.raises(SystemExit, match=r"no student versions written:\n.*b\.ipynb, cell 6"):
        main([str(tmp_path), str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()
