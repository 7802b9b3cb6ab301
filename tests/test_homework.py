"""Homework (nnlab.homework, every notebook with exercises): the student version made with
nbgrader shows no solution, no hidden test and no literal answer in a visible test, and every
graded cell fails on the stubs with feedback (an nnlab.checks message), never a NameError.

The exercise contract (REVIEW.md §3), for every notebook: test cells read only names the stubs
define; hidden tests repeat the visible checks on more inputs and add no criterion; a function
exercise is graded with nnlab and Keras switched off, so answers that call them fail with the
message saying so, while the solutions pass; slips (a missing `return`, a wrong shape or dtype,
an input changed in place) get messages that say which.

That the whole instructor version passes is nbval's job. Here, of the student version only
what its graded cells need runs (the setup cell and the exercise cells), once per notebook
(module-scoped fixture), in a fresh ``python3`` kernel, in a copy of ``notebooks/``; after them,
in the same kernel, "probes": for each function exercise, the solution with its whole test cell
(hidden tests included), then answers that cheat or slip, each followed by the visible test.
"""

import ast
import builtins
import copy
import re
import shutil
import textwrap
from pathlib import Path
from typing import NamedTuple

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
    """The student version's setup and exercise cells, run, followed by the probes."""
    instructor, student = versions
    nb = setup_and_exercises(student)
    nb.cells += probe_cells(function_exercises(instructor, student))
    return execute(nb, workdir)


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


# --- The exercise contract (REVIEW.md §3) -----------------------------------------------------


def parse(source):
    """The syntax tree of a cell (IPython's magics turned into Python first)."""
    try:
        return ast.parse(textwrap.dedent(source))
    except SyntaxError:
        from IPython.core.inputtransformer2 import TransformerManager

        return ast.parse(TransformerManager().transform_cell(source))


def names_bound_anywhere(tree):
    """Every name a cell binds, at any depth (assignments, parameters, defs, imports, …)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).partition(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def names_defined_by_running(source):
    """The global names a cell defines when run: its top-level statements' bindings (not the
    locals of the functions it defines), up to a top-level `raise` (a stub stops there)."""
    names = set()
    for statement in parse(source).body:
        if isinstance(statement, ast.Raise):
            break
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        else:
            names |= names_bound_anywhere(statement)
    return names


def names_read(tree):
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }


def test_each_test_cell_reads_only_names_its_stub_defines(versions):
    """What a test cell reads (its hidden part included, as autograding runs it) is defined by
    the setup cell, the stubs above it (as the student sees them, up to their `raise
    NotImplementedError()`) or the test cell itself, never by other cells of the notebook: an
    unanswered exercise gets feedback, not a NameError."""
    instructor, student = versions
    first_code = next(i for i, cell in enumerate(student.cells) if cell.cell_type == "code")
    defined = set(dir(builtins)) | names_defined_by_running(student.cells[first_code].source)
    undefined = {}
    for original, stub in zip(instructor.cells, student.cells):
        if flag(original, "solution") and stub.cell_type == "code":
            defined |= names_defined_by_running(stub.source)
        elif is_test_cell(original):
            tree = parse(original.source)
            missing = names_read(tree) - names_bound_anywhere(tree) - defined
            if missing:
                undefined[original.metadata.nbgrader.grade_id] = sorted(missing)
    assert undefined == {}, "define these in the exercise's cell (`name = None` above the region)"


# Keywords that change only the wording of a check's message, not what it accepts.
WORDING = {"hint", "shape_hint", "diagnose", "names"}
CASES_ARGUMENT = {"check_function": 3, "check_backward": 3}  # the position of the test inputs


def check_key(call, helpers):
    """What a check call accepts, as text: the check, the checked name, the answer, the
    reference and every keyword but the wording ones; the test inputs left out. A check the
    cell defines itself (notebook 06's `check_glorot_sampler(shape)`) is known by its name."""
    function = ast.unparse(call.func)
    if function in helpers:
        return (function,)
    skip = CASES_ARGUMENT.get(function.rpartition(".")[2])
    arguments = [ast.unparse(arg) for i, arg in enumerate(call.args) if i != skip]
    keywords = sorted(
        f"{kw.arg}={ast.unparse(kw.value)}" for kw in call.keywords if kw.arg not in WORDING
    )
    return (function, *arguments, *keywords)


def hidden_region(source):
    return "\n".join(
        line
        for inside, line in region_lines(new_code_cell(source))
        if inside  # (test cells have no solution region)
    )


def test_hidden_tests_repeat_the_visible_checks_on_more_inputs(versions):
    """A visible ✓ means full marks: each hidden check is a check the visible part makes (the
    same check function, name, answer, reference, tolerances and switches), on other inputs;
    besides checks, a hidden region only assigns inputs."""
    instructor, student = versions
    problems = []
    for original, shown in zip(instructor.cells, student.cells):
        if not (is_test_cell(original) and "BEGIN HIDDEN TESTS" in original.source):
            continue
        grade_id = original.metadata.nbgrader.grade_id
        visible = parse(shown.source)
        helpers = {node.name for node in visible.body if isinstance(node, ast.FunctionDef)}
        made = {
            check_key(node, helpers) for node in ast.walk(visible) if isinstance(node, ast.Call)
        }
        for statement in parse(hidden_region(original.source)).body:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                calls = [statement.value]
            elif isinstance(statement, ast.Assign):  # inputs; a check inside counts as one
                calls = [
                    node
                    for node in ast.walk(statement.value)
                    if isinstance(node, ast.Call) and ast.unparse(node.func).startswith("checks.")
                ]
            else:
                problems.append((grade_id, f"not a check: {ast.unparse(statement)[:60]}"))
                continue
            problems += [
                (grade_id, ast.unparse(call)[:80])
                for call in calls
                if check_key(call, helpers) not in made
            ]
    assert problems == [], "hidden checks the visible part does not make"


class Exercise(NamedTuple):
    """A function exercise: the function the student writes and the cells around it."""

    name: str
    signature: str  # its parameters, as the solution writes them: "z, alpha=1.0"
    parameters: str  # their names, to call it with: "z, alpha"
    solution: str  # the solution cell, instructor version
    test: str  # the test cell, instructor version (hidden tests included)
    shown: str  # the test cell the student sees
    grade_id: str  # the test cell's


def function_exercises(instructor, student):
    """Every exercise whose solution cell defines a function, in order."""
    found, solution = [], None
    for original, shown in zip(instructor.cells, student.cells):
        if flag(original, "solution") and not flag(original, "grade"):
            solution = original.source
        elif is_test_cell(original) and solution is not None:
            defs = [node for node in parse(solution).body if isinstance(node, ast.FunctionDef)]
            if defs:
                args = defs[0].args
                found.append(
                    Exercise(
                        name=defs[0].name,
                        signature=ast.unparse(args),
                        parameters=", ".join(arg.arg for arg in args.posonlyargs + args.args),
                        solution=solution,
                        test=original.source,
                        shown=shown.source,
                        grade_id=original.metadata.nbgrader.grade_id,
                    )
                )
            solution = None
    return found


GRADERS = ("checks.check_function", "checks.check_backward")


def grading_calls(exercise, source):
    """The check_function / check_backward calls in ``source`` that grade the exercise."""
    return [
        node
        for node in ast.walk(parse(source))
        if isinstance(node, ast.Call)
        and ast.unparse(node.func) in GRADERS
        and len(node.args) > 1
        and ast.unparse(node.args[1]) == exercise.name
    ]


def switched_off_around_a_call(exercise):
    """Whether the test cell calls the exercise's function inside `with
    checks.nnlab_switched_off():` (a test cell of its own making, as notebook 06's)."""
    for node in ast.walk(parse(exercise.test)):
        if isinstance(node, ast.With) and any(
            ast.unparse(item.context_expr).startswith("checks.nnlab_switched_off(")
            for item in node.items
        ):
            body = ast.Module(body=node.body, type_ignores=[])
            if exercise.name in names_read(body):
                return True
    return False


def without_nnlab(call):
    return any(
        kw.arg == "without_nnlab" and isinstance(kw.value, ast.Constant) and kw.value.value is True
        for kw in call.keywords
    )


def test_every_function_exercise_is_graded_with_nnlab_and_keras_switched_off(versions):
    """Every function exercise asks for a computation written with NumPy, so every check of it,
    visible and hidden, has without_nnlab=True (or the cell calls it inside
    `checks.nnlab_switched_off()`): calling nnlab's or Keras' version is no answer."""
    exercises = function_exercises(*versions)
    assert exercises, "no function exercises found"
    open_to_cheats = {}
    for exercise in exercises:
        calls = grading_calls(exercise, exercise.test)
        if calls and not all(without_nnlab(call) for call in calls):
            open_to_cheats[exercise.grade_id] = "a check without without_nnlab=True"
        elif not calls and not switched_off_around_a_call(exercise):
            open_to_cheats[exercise.grade_id] = "no check_function, no nnlab_switched_off()"
    assert open_to_cheats == {}, "these can be passed by calling nnlab or Keras"


# Answers that call nnlab, where calling the test's reference would not (by default the cheat
# is `return reference(…)`, the nnlab function the visible test compares with). None: nnlab has
# no function computing it from these arguments (its reference is written out in NumPy).
NNLAB_CHEATS = {
    "perceptron_update": (
        "perceptron = Perceptron(learning_rate, max_epochs=1, w=w, b=b).fit([x], [y])\n"
        "return perceptron.w_, perceptron.b_"
    ),
    "dense_relu_backward": (
        "layer = Dense(*W.shape, activation='relu')\n"
        "layer.set_params(W, b)\n"
        "dX, (dW, db) = layer.backward(dout, layer.forward(X)[1])\n"
        "return dX, dW, db"
    ),
    "sample_glorot_uniform": (
        "from nnlab.initializers import glorot_uniform\n\nreturn glorot_uniform(shape, rng=rng)"
    ),
    "update_ratios": None,
}

# Answers that call Keras or TensorFlow, where they have the exercise's computation.
KERAS_CHEATS = {
    "bipolar_neuron": "return keras.ops.convert_to_numpy(keras.ops.tanh((x @ w + b) / 2))",
    "step_network": (
        "H = keras.ops.heaviside(X @ W1 + b1, 1.0)\n"
        "return keras.ops.convert_to_numpy(keras.ops.heaviside(H @ W2 + b2, 1.0))"
    ),
    "elu_ex": "return keras.ops.convert_to_numpy(keras.activations.elu(z, alpha=alpha))",
    "softmax_rows": "return keras.ops.convert_to_numpy(keras.activations.softmax(Z))",
    "bce_from_logits": "return float(keras.losses.binary_crossentropy(y, z, from_logits=True))",
    "forward": (
        "a1 = np.tanh(X @ W1 + b1)\n"
        "return keras.ops.convert_to_numpy(keras.activations.sigmoid(a1 @ W2 + b2))"
    ),
    "dense_relu_backward": (
        "X, W, b = (tf.Variable(v) for v in (X, W, b))\n"
        "with tf.GradientTape() as tape:\n"
        "    out = tf.nn.relu(X @ W + b)\n"
        "return [g.numpy() for g in tape.gradient(out, [X, W, b], output_gradients=dout)]"
    ),
    "sample_glorot_uniform": (
        "initializer = keras.initializers.GlorotUniform(seed=int(rng.integers(2**31)))\n"
        "return keras.ops.convert_to_numpy(initializer(shape, dtype='float64'))"
    ),
    "clip_by_global_norm": (
        "clipped, _ = tf.clip_by_global_norm(grads, clip_norm)\nreturn [g.numpy() for g in clipped]"
    ),
    "sgd_momentum": (
        "v = keras.Variable(np.array(w, dtype=float), dtype='float64')\n"
        "optimizer = keras.optimizers.SGD(learning_rate, momentum=momentum)\n"
        "for g in grads:\n"
        "    optimizer.apply([g], [v])\n"
        "return keras.ops.convert_to_numpy(v)"
    ),
    "adam": (
        "v = keras.Variable(np.array(w, dtype=float), dtype='float64')\n"
        "optimizer = keras.optimizers.Adam(learning_rate, beta_1, beta_2, epsilon)\n"
        "for g in grads:\n"
        "    optimizer.apply([g], [v])\n"
        "return keras.ops.convert_to_numpy(v)"
    ),
    "cosine_decay": (
        "schedule = keras.optimizers.schedules.CosineDecay(\n"
        "    initial_learning_rate, decay_steps, alpha=alpha)\n"
        "return float(schedule(step))"
    ),
    "elastic_net": (
        "penalty = keras.regularizers.L1L2(l1=l1, l2=l2)\n"
        "grads = [l1 * np.sign(W) + 2 * l2 * W for W in weights]\n"
        "return sum(float(penalty(W)) for W in weights), grads"
    ),
}

# Slips on real exercises, each with what its message must say (REVIEW.md §3: a missing
# `return`, a wrong shape, a wrong dtype and an input changed in place each get a message
# saying which; items of a tuple result are named in words). `right` is the solution.
SLIPS = {
    "elu_ex": [
        ("right(z, alpha)", r"'elu_ex\(.*\)' returned None: did your function `return` its"),
        (
            "return right(z, alpha)[:, np.newaxis]",
            r"should return an array of shape \(5,\); yours has shape \(5, 1\)\. It has an "
            r"extra axis of length 1",
        ),
        ("return right(z, alpha).astype(int)", r"It holds whole numbers \(int64\) where the"),
        (
            "z[z <= 0] = alpha * (np.exp(z[z <= 0]) - 1)\nreturn z",
            r"^ExerciseError: 'elu_ex' changed its argument 'z' in place; work on a copy",
        ),
    ],
    "adam": [
        (
            "return right(w, grads, learning_rate, beta_1, beta_2, epsilon).astype(np.float32)",
            r"which is not right\. It is float32 \(about 7 significant digits\)",
        ),
    ],
    "perceptron_update": [
        (
            "new_w, new_b = right(w, b, x, y, learning_rate)\nreturn new_w, -new_b",
            r"^ExerciseError: Item 2 of 2 returned by 'perceptron_update\(.*\)' is -?[\d.]+, "
            r"which is not right\.",
        ),
    ],
    "clip_by_global_norm": [
        (
            "grads[:] = right(grads, clip_norm)\nreturn grads",
            r"^ExerciseError: 'clip_by_global_norm' changed the list 'grads' it was given",
        ),
    ],
    "stopping_epochs": [
        (
            "stop, best = right(val_losses, patience)\nval_losses.clear()\nreturn stop, best",
            r"^ExerciseError: 'stopping_epochs' changed the list 'val_losses' it was given",
        ),
    ],
}

NNLAB_MESSAGE = "nnlab's functions are switched off while it is graded"
KERAS_MESSAGE = "calls Keras/TensorFlow; this exercise asks you to write the computation with NumPy"


def nnlab_cheat(exercise):
    """The body of an answer calling nnlab: from NNLAB_CHEATS, or a call to the reference of
    the visible check_function (None if there is neither)."""
    if exercise.name in NNLAB_CHEATS:
        return NNLAB_CHEATS[exercise.name]
    calls = grading_calls(exercise, exercise.shown)
    if calls and ast.unparse(calls[0].func) == "checks.check_function":
        return f"return {ast.unparse(calls[0].args[2])}({exercise.parameters})"
    return None


def answer_cell(exercise, body, right=False):
    """A cell defining the exercise's function with ``body``; ``right`` first defines the
    solution as ``right`` (for slips), and Keras and TensorFlow are imported."""
    lines = ["import keras", "import tensorflow as tf", ""]
    if right:
        lines += [exercise.solution.replace(f"def {exercise.name}(", "def right(", 1), ""]
    lines += [f"def {exercise.name}({exercise.signature}):", textwrap.indent(body, "    ")]
    return "\n".join(lines)


def probe_cells(exercises):
    """For each exercise: the solution and its whole test cell; then each cheat and slip, each
    followed by the visible test cell. Answer and test cells carry metadata ``probe``:
    (kind, function name, number, "answer" or "test")."""
    cells = []

    def add(kind, exercise, number, answer, test):
        for role, source in (("answer", answer), ("test", test)):
            cells.append(
                new_code_cell(source, metadata={"probe": [kind, exercise.name, number, role]})
            )

    for exercise in exercises:
        add("right", exercise, 0, exercise.solution, exercise.test)
        if nnlab_cheat(exercise) is not None:
            add("nnlab", exercise, 0, answer_cell(exercise, nnlab_cheat(exercise)), exercise.shown)
        if exercise.name in KERAS_CHEATS:
            answer = answer_cell(exercise, KERAS_CHEATS[exercise.name])
            add("keras", exercise, 0, answer, exercise.shown)
        for number, (body, _) in enumerate(SLIPS.get(exercise.name, [])):
            add("slip", exercise, number, answer_cell(exercise, body, right=True), exercise.shown)
    return cells


def probe_outcomes(nb, kind):
    """{(function name, number): error of its test cell or None}, for the probes of ``kind``;
    an error in an answer cell fails the test at once."""
    outcomes = {}
    for cell in nb.cells:
        if cell.metadata.get("probe", [None])[0] != kind:
            continue
        _, name, number, role = cell.metadata.probe
        error = next(
            (f"{out.ename}: {out.evalue}" for out in cell.outputs if out.output_type == "error"),
            None,
        )
        if role == "answer":
            assert error is None, f"the {kind} answer for {name} does not run: {error}"
        else:
            outcomes[(name, number)] = error
    return outcomes


@pytest.mark.notebooks
def test_solutions_pass_their_whole_test_cells_with_nnlab_and_keras_switched_off(
    executed_student,
):
    outcomes = probe_outcomes(executed_student, "right")
    assert outcomes, "no function exercises"
    assert {name: error for name, error in outcomes.items() if error} == {}


@pytest.mark.notebooks
def test_an_answer_that_calls_nnlab_fails_and_says_so(versions, executed_student):
    outcomes = probe_outcomes(executed_student, "nnlab")
    expected = {
        (exercise.name, 0) for exercise in function_exercises(*versions) if nnlab_cheat(exercise)
    }
    assert set(outcomes) == expected and expected
    passed_or_other = {
        name: error for name, error in outcomes.items() if NNLAB_MESSAGE not in (error or "")
    }
    assert passed_or_other == {}


@pytest.mark.notebooks
def test_an_answer_that_calls_keras_fails_and_says_so(versions, executed_student):
    outcomes = probe_outcomes(executed_student, "keras")
    names = {exercise.name for exercise in function_exercises(*versions)}
    assert set(outcomes) == {(name, 0) for name in names & set(KERAS_CHEATS)}
    if not outcomes:
        pytest.skip("no exercise here has a Keras equivalent")
    passed_or_other = {
        name: error
        for name, error in outcomes.items()
        if not re.match(rf"ExerciseError: '{name[0]}' {KERAS_MESSAGE}", error or "")
        and not (error or "").startswith(f"ExerciseError: Your answer {KERAS_MESSAGE}")
    }
    assert passed_or_other == {}


@pytest.mark.notebooks
def test_slips_on_real_exercises_get_messages_that_say_which(versions, executed_student):
    outcomes = probe_outcomes(executed_student, "slip")
    names = {exercise.name for exercise in function_exercises(*versions)}
    if not names & set(SLIPS):
        pytest.skip("no slips tried on this notebook's exercises")
    unexplained = {
        (name, number): error
        for (name, number), error in outcomes.items()
        if not re.search(SLIPS[name][number][1], error or "")
    }
    assert len(outcomes) == sum(len(SLIPS[name]) for name in names & set(SLIPS))
    assert unexplained == {}


def test_the_cheat_and_slip_tables_name_existing_function_exercises():
    names = set()
    for path in NOTEBOOKS:
        instructor = nbformat.read(path, as_version=4)
        if any("nbgrader" in cell.metadata for cell in instructor.cells):
            names |= {
                exercise.name
                for exercise in function_exercises(
                    instructor, student_version(instructor, path.name)
                )
            }
    assert set(NNLAB_CHEATS) | set(KERAS_CHEATS) | set(SLIPS) <= names


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
