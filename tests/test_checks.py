"""Exercise feedback: a right answer prints ✓; a missing or wrong one raises ExerciseError
(an AssertionError, so nbgrader fails the cell) saying what is wrong, not what is right."""

import contextlib

import numpy as np
import pytest

from nnlab import checks
from nnlab.checks import ExerciseError, check_backward, check_function, check_value


def test_right_answers_print_a_tick(capsys):
    check_value("z", 0.41, 0.41)
    check_value("A", np.ones((2, 3)), np.ones((2, 3)))
    assert capsys.readouterr().out == "✓ z = 0.41 is correct.\n✓ A (shape (2, 3)) is correct.\n"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (None, "'z' has no answer yet"),
        (..., "'z' has no answer yet"),
        ("0.41", r"'z' should be a number or an array of numbers; yours is '0.41'"),
        (np.nan, "'z' contains NaN or infinity"),
        (0.5, "'z' is not right yet: yours is 0.5. Did you add the bias\\?"),
        ([0.41, 0.41], r"'z' should be a single number; yours has shape \(2,\)"),
    ],
)
def test_wrong_answers_explain_what_is_wrong(answer, message):
    with pytest.raises(ExerciseError, match=message) as raised:
        check_value("z", answer, 0.41, hint="Did you add the bias?")
    assert isinstance(raised.value, AssertionError)
    assert "0.41" not in str(raised.value).replace("'0.41'", "")  # the answer is not given away


def test_array_feedback_counts_wrong_entries():
    with pytest.raises(ExerciseError, match="1 of 4 entries differ"):
        check_value("A", [1.0, 2.0, 3.0, 5.0], [1.0, 2.0, 3.0, 4.0])


def test_check_function(capsys):
    check_function("square", lambda x: x * x, np.square, [(2.0,), (np.array([1.0, -3.0]),)])
    assert "✓ square is correct on all 2 test inputs." in capsys.readouterr().out
    with pytest.raises(ExerciseError, match=r"'square\(2.\)' returned 4.1, which is not right"):
        check_function("square", lambda x: x * x + 0.1, np.square, [(2.0,)])


def test_check_function_reports_a_right_value_in_the_wrong_shape():
    with pytest.raises(
        ExerciseError, match=r"should return a single number; yours has shape \(1,\)"
    ):
        check_function("f", lambda x: np.atleast_1d(x * 2), lambda x: x * 2, [(1.0,)])


def test_check_function_reports_stubs_and_crashes():
    def stub(x):
        raise NotImplementedError()

    with pytest.raises(ExerciseError, match="'f' is not written yet"):
        check_function("f", stub, np.square, [(1.0,)])
    with pytest.raises(ExerciseError, match=r"'f\(1.\)' raised ZeroDivisionError"):
        check_function("f", lambda x: 1 / 0, np.square, [(1.0,)])
    with pytest.raises(ExerciseError, match="'f' should be a function"):
        check_function("f", 3.0, np.square, [(1.0,)])


# --- Missing answers and missing returns -------------------------------------------------------


def test_an_unanswered_value_says_where_to_answer():
    # In a student notebook the cell above sets `z = None` before `### BEGIN SOLUTION`.
    with pytest.raises(ExerciseError, match=r"^'z' has no answer yet: assign it above and run"):
        check_value("z", None, 0.41)
    with pytest.raises(ExerciseError, match=r"^'f' has no answer yet: define it above and run"):
        check_function("f", None, np.square, [(1.0,)])


def test_a_function_without_return_is_told_so():
    def f(x):
        y = 2 * x  # noqa: F841  (the classic slip: computed, not returned)

    with pytest.raises(
        ExerciseError, match=r"^'f\(1.\)' returned None: did your function `return` its result\?$"
    ):
        check_function("f", f, lambda x: 2 * x, [(1.0,)])


# --- Read-only copies: in-place changes are reported, and cannot fool the reference ----------


def test_the_student_and_the_reference_get_their_own_read_only_copies():
    x = np.array([1.0, -2.0])
    seen = {}

    def student(x):
        seen["student"] = x
        return 2 * x

    def reference(x):
        seen["reference"] = x
        return x + x

    check_function("double", student, reference, [(x,)])
    assert seen["student"] is not x and seen["reference"] is not x
    assert seen["student"] is not seen["reference"]
    assert not seen["student"].flags.writeable


def test_an_in_place_function_is_reported_not_passed():
    # relu written in place: on shared arrays the reference would see the already-rectified z
    # and agree with it; on read-only copies the write raises and is reported.
    def relu(z):
        z[z < 0] = 0
        return z

    z = np.array([-1.0, 2.0])
    with pytest.raises(
        ExerciseError,
        match=r"^'relu' changed its argument 'z' in place; work on a copy \(z = z.copy\(\) or "
        r"z = np.array\(z\)\) or build a new array; np.asarray\(z\) does not copy.$",
    ):
        check_function("relu", relu, lambda z: np.maximum(z, 0.0), [(z,)])
    np.testing.assert_array_equal(z, [-1.0, 2.0])  # the test case itself is untouched


def test_an_in_place_update_names_the_argument_it_changed():
    def shifted(x, w):
        w += 1.0  # NumPy: "output array is read-only"
        return x @ w

    with pytest.raises(ExerciseError, match=r"^'shifted' changed its argument 'w' in place"):
        check_function("shifted", shifted, lambda x, w: x @ (w + 1), [(np.ones(2), np.ones(2))])


@pytest.mark.parametrize(
    "student",
    [
        pytest.param(lambda y, z: (z.__setitem__(slice(None), z), z.sum())[1], id="same values"),
        pytest.param(lambda y, z: (np.multiply(z, 1.0, out=z), z.sum())[1], id="times 1"),
    ],
)
def test_an_in_place_write_that_changes_no_value_still_names_its_argument(student):
    # z[:] = z or z *= 1.0 leave the values as they were, so comparing before and after
    # cannot tell which argument was written to; making one read-only at a time can.
    with pytest.raises(ExerciseError, match=r"^'f' changed its argument 'z' in place"):
        check_function("f", student, lambda y, z: z.sum(), [(np.ones(2), np.ones(2))])


def test_asarray_is_named_as_no_copy():
    def bce(y, z):
        z = np.asarray(z, dtype=float)  # no copy: still the read-only argument
        z *= 1.0
        return float(np.mean(z - y))

    with pytest.raises(ExerciseError, match=r"'z' in place.*np.asarray\(z\) does not copy\.$"):
        check_function("bce", bce, lambda y, z: float(np.mean(z - y)), [(np.ones(2), np.ones(2))])


# --- Floating-point errors: worded by their kind, np.where only when the code uses it ---------


def _two_branch_softplus(z):
    return np.where(z >= 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z)))


def _naive_softplus(z):
    return np.log1p(np.exp(z))


def _log_of_probability(p):
    return -np.log(p)


def _zero_over_zero(x):
    return x / x


@pytest.mark.parametrize(
    ("student", "says", "does_not_say"),
    [
        (_two_branch_softplus, ["overflow encountered in exp", "above about 709", "np.where"], []),
        (_naive_softplus, ["overflow encountered in exp", "above about 709"], ["np.where"]),
        (
            _log_of_probability,
            ["divide by zero encountered in log", "np.log was given 0"],
            ["np.exp", "np.where", "709"],
        ),
        (_zero_over_zero, ["invalid value encountered in divide", "0/0"], ["np.exp", "np.where"]),
    ],
)
def test_a_floating_point_error_is_worded_by_its_kind(student, says, does_not_say):
    with pytest.raises(ExerciseError) as raised:
        check_function("f", student, np.abs, [(np.array([1000.0, 0.0, -1000.0]),)])
    message = str(raised.value)
    assert (
        "turns NumPy's overflow, divide-by-zero and invalid-value warnings into errors" in message
    )
    for text in says:
        assert text in message
    for text in does_not_say:
        assert text not in message


def test_a_function_without_source_gets_no_np_where_sentence():
    namespace = {"np": np}
    exec("def f(z):\n    return np.where(z > 0, np.exp(z), 0.0)\n", namespace)  # no source file
    with pytest.raises(ExerciseError, match="overflow encountered in exp") as raised:
        check_function("f", namespace["f"], np.abs, [(np.array([1000.0]),)])
    assert "np.where" not in str(raised.value)


# --- Recognised slips: a flipped sign, a whole-number scale -----------------------------------


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ([-0.1, 0.2, -0.3, 0.4], "Its sign is flipped: check which term is subtracted"),
        ([0.4, -0.8, 1.2, -1.6], "exactly 4 times too large, and there are 4 samples"),
        ([0.2, -0.4, 0.6, -0.8], "exactly 2 times too large: a sum where a mean is wanted"),
        ([0.05, -0.1, 0.15, -0.2], "exactly 2 times too small"),
        ([-0.4, 0.8, -1.2, 1.6], "Its sign is flipped, and it is exactly 4 times too large"),
    ],
)
def test_diagnose_names_a_flipped_sign_or_a_scale(answer, says):
    want = [0.1, -0.2, 0.3, -0.4]
    with pytest.raises(ExerciseError, match=says) as raised:
        check_value("g", answer, want, hint="See section 6.", diagnose=True)
    assert "See section 6." not in str(raised.value)  # the diagnosis replaces the hint
    with pytest.raises(ExerciseError, match=r"differ from the expected result. See section 6.$"):
        check_value("g", answer, want, hint="See section 6.")  # off by default


def test_diagnose_falls_back_to_the_hint():
    with pytest.raises(ExerciseError, match=r"differ from the expected result. See section 6.$"):
        check_value(
            "g", [0.1, -0.2, 0.3, 0.4], [0.1, -0.2, 0.3, -0.4], hint="See section 6.", diagnose=True
        )
    with pytest.raises(ExerciseError, match=r"yours is 0.15. See section 6.$"):
        check_value("g", 0.15, 0.1, hint="See section 6.", diagnose=True)  # 1.5 times


def test_a_single_number_off_by_a_whole_number_is_named_only_for_a_sample_count():
    # One number twice too small may be a coincidence (half of the test's logits clipped):
    # the hint stays. Three times too large with three samples is a sum, not a coincidence.
    with pytest.raises(ExerciseError, match=r"returned 1., which is not right. See section 4.$"):
        check_function(
            "f", lambda x: 1.0, lambda x: 2.0, [(np.ones(3),)], hint="See section 4.", diagnose=True
        )
    with pytest.raises(ExerciseError, match=r"returned 4., which is not right. See section 4.$"):
        check_function(
            "f", lambda x: 4.0, lambda x: 2.0, [(np.ones(3),)], hint="See section 4.", diagnose=True
        )
    with pytest.raises(ExerciseError, match=r"exactly 3 times too large, and there are 3 samples"):
        check_function("f", lambda x: 6.0, lambda x: 2.0, [(np.ones(3),)], diagnose=True)
    with pytest.raises(ExerciseError, match=r"yours is -2. Its sign is flipped"):
        check_value("f", -2.0, 2.0, diagnose=True)


def test_check_function_can_diagnose_a_sum_where_a_mean_is_wanted():
    with pytest.raises(ExerciseError, match=r"returned 6., which is not right. It is exactly 3 "):
        check_function("f", np.sum, np.mean, [(np.array([1.0, 2.0, 3.0]),)], diagnose=True)


# --- Tuple results -----------------------------------------------------------------------------


def _forward(x):
    """A layer-like reference: (out, cache), the items of different shapes."""
    return 2 * x, x.sum()


def test_tuple_results_are_compared_item_by_item(capsys):
    cases = [(np.array([1.0, 2.0]),)]
    check_function("forward", lambda x: (x + x, float(np.sum(x))), _forward, cases)
    assert capsys.readouterr().out == "✓ forward is correct on the 1 test input.\n"
    # Items are named in words, by position and count ("[1]" reads like a second entry).
    with pytest.raises(
        ExerciseError,
        match=r"^Item 2 of 2 returned by 'forward\(\[1. 2.\]\)' is 4., which is not right\.$",
    ):
        check_function("forward", lambda x: (x + x, x.sum() + 1), _forward, cases)
    with pytest.raises(
        ExerciseError,
        match=r"^Item 2 of 2 returned by 'forward\(\[1. 2.\]\)' should be a single number; yours "
        r"has shape \(2,\)\. Did you skip a sum or a mean\?$",
    ):
        check_function("forward", lambda x: (x + x, x), _forward, cases)
    with pytest.raises(
        ExerciseError,
        match=r"^Item 1 of 2 returned by 'forward\(\[1. 2.\]\)' is None: did your function",
    ):
        check_function("forward", lambda x: (None, x.sum()), _forward, cases)


def test_a_list_result_names_its_arrays_in_words():
    with pytest.raises(
        ExerciseError,
        match=r"^Array 2 of 2 in the list returned by 'scale\(\[\[1\. 1\.\], \[1\. 1\. 1\.\]\], "
        r"0\.5\)' should be an array of shape \(3,\); yours has shape \(2,\)\.",
    ):
        check_function(
            "scale",
            lambda grads, c: [grads[0] * c, grads[0] * c],
            _scaled,
            [([np.ones(2), np.ones(3)], 0.5)],
        )


@pytest.mark.parametrize(
    ("student", "returned"),
    [
        (lambda x: 2 * x, r"an array of shape \(2,\) and dtype float64"),
        (lambda x: (2 * x,), "1"),
        (lambda x: (2 * x, x.sum(), x), "3"),
    ],
)
def test_a_wrong_number_of_results_is_reported(student, returned):
    with pytest.raises(
        ExerciseError,
        match=rf"should return 2 results \(`return a, b, …`\); yours returned {returned}\.",
    ):
        check_function("forward", student, _forward, [(np.array([1.0, 2.0]),)])


def test_a_list_of_gradients_is_compared_item_by_item():
    def backward(x):  # (dX, grads) with grads a list aligned with params
        return x, [np.ones((2, 3)), np.zeros(3)]

    check_function("backward", backward, backward, [(np.array([1.0]),)])
    with pytest.raises(
        ExerciseError,
        match=r"^Array 1 of 2 in item 2 of 2 returned by 'backward\(\[1.\]\)' should be an array "
        r"of shape \(2, 3\); yours has shape \(3, 2\)\. It looks transposed",
    ):
        check_function(
            "backward", lambda x: (x, [np.ones((3, 2)), np.zeros(3)]), backward, [(np.ones(1),)]
        )
    with pytest.raises(
        ExerciseError,
        match=r"^Item 2 of 2 returned by 'backward\(\[1.\]\)' should be a list of 2 arrays, one "
        r"per array it was given; yours has 1\.$",
    ):
        check_function("backward", lambda x: (x, [np.ones((2, 3))]), backward, [(np.ones(1),)])


# --- Shape hints that fit the answer -----------------------------------------------------------


@pytest.mark.parametrize(
    ("got", "want", "hint"),
    [
        ((2, 3), (3, 2), "looks transposed: rows and columns swapped"),
        ((2,), (), "should be a single number; yours has shape \\(2,\\)"),
        ((1,), (), "holding one number"),
        ((), (3,), "should be an array of shape \\(3,\\); yours has shape \\(\\)"),
        ((4, 1), (4,), "extra axis of length 1"),
        ((4, 4), (4,), "2-D where 1-D is expected"),
        ((3,), (4, 3), "first axis \\(one row per sample\\) is missing"),
        ((3,), (4,), "Check its length"),
        ((5, 2), (4, 2), "number of rows differs"),
        ((4, 3), (4, 2), "number of columns differs"),
    ],
)
def test_shape_hints_fit_the_answer(got, want, hint):
    with pytest.raises(ExerciseError, match=hint) as raised:
        check_value("A", np.full(got, 0.5), np.full(want, 0.123456))
    message = str(raised.value)
    assert "samples and which the neurons" not in message  # the old one-size-fits-all hint
    assert "0.123" not in message  # the answer is not given away


def test_the_caller_can_word_the_shape_hint():
    with pytest.raises(ExerciseError, match=r"yours has shape \(2,\)\. One row per XOR input\.$"):
        check_value("A", [1.0, 2.0], np.ones((4, 1)), shape_hint="One row per XOR input.")
    with pytest.raises(ExerciseError, match=r"\(1,\)\. Return the number itself\.$"):
        check_function(
            "f", lambda x: np.ones(1), np.sum, [(1.0,)], shape_hint="Return the number itself."
        )


# --- Kinds of numbers --------------------------------------------------------------------------


def test_booleans_count_as_numbers(capsys):
    check_value("fires", np.array([True, False]), [1.0, 0.0])
    check_value("fires", [1.0, 0.0], np.array([True, False]))
    assert capsys.readouterr().out.count("✓ fires (shape (2,)) is correct.") == 2


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (np.array([1 + 0j, 2]), "'A' holds complex numbers where real ones are expected"),
        (np.array([1.0, None]), "'A' is an array of Python objects, not of numbers"),
        ([[1.0, 2.0], [3.0]], "'A' has rows of different lengths"),
    ],
)
def test_complex_object_and_ragged_answers_are_named(answer, message):
    with pytest.raises(ExerciseError, match=message):
        check_value("A", answer, [1.0, 2.0])


def test_notebook_01_lines_stay_the_same(capsys):
    # As notebook 01's exercise 2 calls it (its committed output must not change).
    def bipolar_neuron(x, w, b):
        return 2 / (1 + np.exp(-(x @ w + b))) - 1

    def reference(x, w, b):
        return np.tanh((x @ w + b) / 2)

    cases = [
        (np.array([0.3, 0.5, 0.8, 0.6]), np.array([-0.21, 0.53, 0.31, 0.82]), 0.25),
        (np.array([1.0, -2.0]), np.array([0.5, 0.5]), 0.0),
        (np.random.default_rng(41).normal(size=(4, 3)), np.array([0.2, -0.4, 1.0]), -0.3),
    ]
    check_function("bipolar_neuron", bipolar_neuron, reference, cases, hint="Use x @ w + b.")
    check_value("z_ex1", -0.1, -0.1, hint="Multiply input by weight.")
    assert capsys.readouterr().out == (
        "✓ bipolar_neuron is correct on all 3 test inputs.\n✓ z_ex1 = -0.1 is correct.\n"
    )


def test_check_number_returns_the_number_or_says_what_is_wrong():
    assert checks.check_number("b", -1.5) == -1.5
    assert checks.check_number("b", np.float32(2.0)) == 2.0
    with pytest.raises(checks.ExerciseError, match="'b' has no answer yet"):
        checks.check_number("b", None)
    with pytest.raises(
        checks.ExerciseError, match=r"'b' should be a single number; yours has shape \(1,\)"
    ):
        checks.check_number("b", np.array([-1.5]))
    with pytest.raises(
        checks.ExerciseError, match=r"yours has shape \(5,\)\. Did you skip a sum or a mean\?$"
    ):
        checks.check_number("b", np.ones(5))


def test_nnlab_switched_off_fails_answers_that_call_nnlab_and_restores_it():
    from nnlab import activations, neurons
    from nnlab.neurons import neuron

    def by_hand(x, w, b):
        return np.tanh((x @ w + b) / 2)

    def calls_nnlab(x, w, b):
        return neurons.neuron(x, w, b, activation="bipolar_sigmoid")

    def imports_by_name(x, w, b):
        return neuron(x, w, b, activation="bipolar_sigmoid")

    def calls_activation(x, w, b):
        return activations.bipolar_sigmoid(x @ w + b)

    cases = [(np.array([0.3, 0.5]), np.array([1.0, -1.0]), 0.25)]
    with checks.nnlab_switched_off():
        checks.check_function("f", by_hand, by_hand, cases)
        for cheat in (calls_nnlab, imports_by_name, calls_activation):
            with pytest.raises(checks.ExerciseError, match="nnlab's functions are switched off"):
                checks.check_function("f", cheat, by_hand, cases)
    assert neurons.neuron([1.0], [2.0], 0.0, activation="linear") == 2.0  # restored
    checks.check_function("f", calls_nnlab, by_hand, cases)


def test_without_nnlab_lets_the_reference_use_nnlab_but_not_the_answer():
    from nnlab import neurons

    def reference(x, w, b):
        return neurons.neuron(x, w, b, activation="bipolar_sigmoid")

    def by_hand(x, w, b):
        return 2 / (1 + np.exp(-(x @ w + b))) - 1

    def calls_the_reference(x, w, b):
        return reference(x, w, b)

    cases = [(np.array([0.3, 0.5]), np.array([1.0, -1.0]), 0.25)]
    check_function("f", by_hand, reference, cases, without_nnlab=True)
    with pytest.raises(ExerciseError, match="nnlab's functions are switched off"):
        check_function("f", calls_the_reference, reference, cases, without_nnlab=True)


def test_a_tuple_where_one_result_is_expected_is_named():
    with pytest.raises(
        ExerciseError, match=r"returned 2 values \(a tuple\); it should return only"
    ):
        check_function("f", lambda x: (x, 2 * x), lambda x: 2 * x, [(np.array([1.0, 2.0]),)])
    with pytest.raises(
        ExerciseError,
        match=r"returned 1 value \(a tuple: a trailing comma after `return …`\?\); it should",
    ):
        check_function("f", lambda x: (2 * x,), lambda x: 2 * x, [(np.array([1.0, 2.0]),)])


def test_a_dict_gets_its_own_message_with_the_expected_shape():
    with pytest.raises(
        ExerciseError,
        match=r"^'w\(\[0 1\]\)' returned a dict; this exercise wants an array of "
        r"shape \(2,\)\.$",
    ):
        check_function("w", lambda y: {0: 1.0, 1: 1.0}, lambda y: np.ones(2), [(np.array([0, 1]),)])
    with pytest.raises(ExerciseError, match=r"^'c' is a dict; this exercise wants a single number"):
        check_value("c", {0: 1.0}, 1.0)


def test_an_overflow_inside_the_students_function_is_reported():
    def naive_softmax(z):
        e = np.exp(z)
        return e / e.sum()

    with pytest.raises(checks.ExerciseError, match="stopped: overflow encountered in exp"):
        checks.check_function("softmax", naive_softmax, lambda z: z, [(np.array([1000.0, 0.0]),)])


def _dense_relu(X, W, b):
    return np.maximum(X @ W + b, 0.0)


def _mask(X, W, b):
    return X @ W + b > 0


BACKWARDS = {  # the student's dense_relu_backward(dout, X, W, b): right, and typical slips
    "right": lambda d, X, W, b: (
        (d * _mask(X, W, b)) @ W.T,
        X.T @ (d * _mask(X, W, b)),
        (d * _mask(X, W, b)).sum(axis=0),
    ),
    "no relu": lambda d, X, W, b: (d @ W.T, X.T @ d, d.sum(axis=0)),
    "sign of dW": lambda d, X, W, b: (
        (d * _mask(X, W, b)) @ W.T,
        -(X.T @ (d * _mask(X, W, b))),
        (d * _mask(X, W, b)).sum(axis=0),
    ),
    "two results": lambda d, X, W, b: (d @ W.T, X.T @ d),
    "transposed dW": lambda d, X, W, b: (
        (d * _mask(X, W, b)) @ W.T,
        (d * _mask(X, W, b)).T @ X,
        (d * _mask(X, W, b)).sum(axis=0),
    ),
    "None": lambda d, X, W, b: None,
    "wrong order": lambda d, X, W, b: (d @ W.T, d.sum(axis=0), X.T @ d),
}


def _backward_cases():
    rng = np.random.default_rng(1)
    return [(rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2))]


@pytest.mark.parametrize(
    ("variant", "match"),
    [
        ("no relu", r"(?s)'dense_relu_backward: dX' is .* which is not right\. Look at f'"),
        ("sign of dW", r"(?s)'dense_relu_backward: dW' .* Its sign is flipped"),
        (
            "two results",
            r"should return 3 gradients \(dX, dW, db\), one per input; yours returned 2",
        ),
        ("transposed dW", r"'dense_relu_backward: dW' should be an array of shape \(3, 2\)"),
        ("None", r"returned None: did your function `return`"),
        (
            "wrong order",
            r"in position 2, an array of shape \(2,\): that looks like db\. "
            r"Return \(dX, dW, db\) in that order",
        ),
    ],
)
def test_check_backward_names_the_wrong_gradient(variant, match):
    with pytest.raises(ExerciseError, match=match):
        check_backward(
            "dense_relu_backward",
            BACKWARDS[variant],
            _dense_relu,
            _backward_cases(),
            names=("dX", "dW", "db"),
            hint="Look at f'.",
        )


def test_an_answer_that_lost_a_length_one_axis_is_told_so():
    with pytest.raises(ExerciseError, match=r"lost an axis of length 1 .*shape \(4, 1\)"):
        check_value("out", np.zeros(4), np.zeros((4, 1)))


def test_small_arguments_are_shown_on_one_line():
    with pytest.raises(ExerciseError, match=r"^'double\(\[\[1\. 2\.\] \[3\. 4\.\]\]\)' returned"):
        check_function(
            "double", lambda x: 3 * x, lambda x: 2 * x, [(np.array([[1.0, 2], [3, 4]]),)]
        )


def test_a_list_of_arrays_of_different_shapes_is_a_fine_argument(capsys):
    def total_norm(grads):
        return np.sqrt(sum(np.sum(g**2) for g in grads))

    grads = [np.ones((4, 2)), np.array([3.0, 1.0])]
    check_function("total_norm", total_norm, total_norm, [(grads,)])
    assert capsys.readouterr().out.startswith("✓ total_norm is correct")
    with pytest.raises(
        ExerciseError, match=r"^'total_norm\(\[<array of shape \(4, 2\)>, \[3\. 1\.\]\]\)'"
    ):
        check_function("total_norm", lambda grads: 0.0, total_norm, [(grads,)])


def test_large_arguments_are_shown_by_their_shape_in_messages():
    with pytest.raises(ExerciseError, match=r"^'double\(<array of shape \(3, 4\)>\)' returned"):
        check_function("double", lambda x: 3 * x, lambda x: 2 * x, [(np.ones((3, 4)),)])


def test_check_backward_passes_a_right_backward_and_reports_in_place_writes(capsys):
    check_backward(
        "dense_relu_backward",
        BACKWARDS["right"],
        _dense_relu,
        _backward_cases(),
        names=("dX", "dW", "db"),
    )
    assert capsys.readouterr().out.startswith("✓ dense_relu_backward passes the gradient check")

    def in_place(dout, X, W, b):
        dout[~_mask(X, W, b)] = 0
        return dout @ W.T, X.T @ dout, dout.sum(axis=0)

    with pytest.raises(ExerciseError, match=r"changed its argument 'dout' in place"):
        check_backward("dense_relu_backward", in_place, _dense_relu, _backward_cases())


def _scaled(grads, c):
    return [g * c for g in grads]


def _scale_in_place(grads, c):
    for g in grads:
        g *= c
    return grads


@pytest.mark.parametrize(
    ("student", "match"),
    [
        (_scale_in_place, r"changed the arrays in its argument 'grads' in place; build new arrays"),
        (lambda grads, c: (g * c for g in grads), r"yours returned a generator"),
        (lambda grads, c: grads[0] * c, r"should return a list of 2 arrays, one per array it"),
    ],
)
def test_functions_of_lists_of_arrays_get_their_own_messages(student, match):
    with pytest.raises(ExerciseError, match=match):
        check_function("scale", student, _scaled, [([np.ones(2), np.ones(3)], 0.5)])


def test_a_generator_where_an_array_is_expected_is_named():
    with pytest.raises(ExerciseError, match=r"returned a generator .*np\.array\(\[\.\.\. for"):
        check_function("f", lambda x: (v for v in x), lambda x: x * 1.0, [(np.ones(2),)])


def test_switching_nnlab_off_reaches_initializers_optimizers_and_schedules():
    from nnlab.initializers import glorot_uniform
    from nnlab.optimizers import SGD
    from nnlab.schedules import CosineDecay

    optimizer, schedule = SGD(global_clipnorm=1.0), CosineDecay(0.1, 10)
    with checks.nnlab_switched_off():
        with pytest.raises(ExerciseError, match="switched off"):
            glorot_uniform((3, 2), rng=0)
        with pytest.raises(ExerciseError, match="switched off"):
            optimizer.clip([np.ones(2)])
        for by_nnlab in (
            lambda: SGD(0.1, momentum=0.9),  # building an optimizer or a schedule
            lambda: CosineDecay(0.1, 10),
            lambda: optimizer.step([np.ones(2)], [np.ones(2)]),  # stepping one built before
        ):
            with pytest.raises(ExerciseError, match="switched off"):
                by_nnlab()
        assert schedule(5) == pytest.approx(0.05)  # a value from a schedule built before is fine
    assert glorot_uniform((3, 2), rng=0).shape == (3, 2)  # back on afterwards
    optimizer.step([np.ones(2)], [np.ones(2)])


# --- Keras and TensorFlow are refused where the exercise asks for NumPy -----------------------

KERAS_MESSAGE = (
    r"^'f' calls Keras/TensorFlow; this exercise asks you to write the computation with NumPy, "
    r"so Keras and TensorFlow are not allowed while it is graded\.$"
)


def _module_named(name, source):
    """The functions ``source`` defines, as if they were code of the module ``name``: the
    watch goes by module names, so a stand-in for Keras needs no TensorFlow."""
    namespace = {"__name__": name, "np": np}
    exec(source, namespace)
    return namespace


FAKE_KERAS = _module_named("keras.src.ops.fake", "def tanh(x):\n    return np.tanh(x)\n")
FAKE_TF = _module_named("tensorflow.python.ops.fake", "def tanh(x):\n    return np.tanh(x)\n")
NOT_KERAS = _module_named("kerasutils.fake", "def tanh(x):\n    return np.tanh(x)\n")
KERAS_LIST = type("TrackedList", (list,), {"__module__": "keras.src.utils.tracking"})


def _half_tanh(x):
    return np.tanh(x / 2)


@pytest.mark.parametrize(
    "cheat",
    [
        pytest.param(lambda x: FAKE_KERAS["tanh"](x / 2), id="keras"),
        pytest.param(lambda x: FAKE_TF["tanh"](x / 2), id="tensorflow"),
        pytest.param(lambda x: np.tanh(x / 2) + 0 * len(KERAS_LIST([1.0]).copy()), id="C-method"),
        pytest.param(lambda x: np.tanh(x) + FAKE_KERAS["tanh"](x).sum(), id="wrong-too"),
        pytest.param(lambda x: FAKE_KERAS["tanh"](x) + None, id="raises-after"),
    ],
)
def test_without_nnlab_refuses_an_answer_that_calls_keras_or_tensorflow(cheat):
    # Whatever the answer returns or raises afterwards, calling Keras is what it is told.
    cases = [(np.array([0.5, -1.0]),)]
    with pytest.raises(ExerciseError, match=KERAS_MESSAGE):
        check_function("f", cheat, _half_tanh, cases, without_nnlab=True)
    with pytest.raises(ExerciseError, match=KERAS_MESSAGE):
        check_backward("f", lambda dout, x: (cheat(x),), _half_tanh, cases, without_nnlab=True)


def test_keras_is_refused_only_with_without_nnlab_and_only_in_the_answer(capsys):
    cases = [(np.array([0.5, -1.0]),)]

    def by_keras(x):
        return FAKE_KERAS["tanh"](x / 2)

    check_function("f", by_keras, _half_tanh, cases)  # without_nnlab=False: fine
    check_function("f", _half_tanh, by_keras, cases, without_nnlab=True)  # the reference may
    check_function("f", lambda x: NOT_KERAS["tanh"](x / 2), _half_tanh, cases, without_nnlab=True)
    assert capsys.readouterr().out.count("✓ f is correct") == 3


def test_switching_off_names_the_answer_when_it_has_no_name():
    with pytest.raises(ExerciseError, match=r"^Your answer calls Keras/TensorFlow; this exercise"):
        with checks.nnlab_switched_off():
            FAKE_TF["tanh"](np.ones(2))


def test_switching_off_puts_back_the_profiler_and_the_garbage_collector():
    import gc
    import sys

    def profiler(frame, event, arg):  # a profiler running the notebook, say
        return None

    sys.setprofile(profiler)
    try:
        for answer, outcome in [
            (_half_tanh, contextlib.nullcontext()),
            (lambda x: FAKE_KERAS["tanh"](x / 2), pytest.raises(ExerciseError)),
        ]:
            with outcome:
                with checks.nnlab_switched_off():
                    assert not gc.isenabled()
                    answer(np.ones(2))
            assert sys.getprofile() is profiler
            assert gc.isenabled()
    finally:
        sys.setprofile(None)


def test_a_keras_finalizer_run_by_the_garbage_collector_is_not_the_answers_call():
    # Keras objects left from earlier cells may be collected in the middle of an answer that
    # only allocates; their __del__ (Keras code) must not count as the answer calling Keras.
    import gc

    garbage = _module_named(
        "keras.src.backend.fake",
        "class Variable:\n"
        "    def __init__(self):\n"
        "        self.me = self  # a cycle: only the collector frees it\n"
        "    def __del__(self):\n"
        "        pass\n",
    )

    def allocating(x):
        gc.set_threshold(*threshold)  # (so that the collection falls inside the answer)
        lists = [[i] for i in range(5000)]  # enough allocations to start a collection
        return np.tanh(x / 2) + 0 * len(lists)

    threshold = gc.get_threshold()
    gc.collect()
    gc.set_threshold(10**9)  # no collection until the answer runs
    try:
        garbage["Variable"]()  # unreachable from here on
        check_function("f", allocating, _half_tanh, [(np.ones(2),)], without_nnlab=True)
    finally:
        gc.set_threshold(*threshold)
        gc.collect()


@pytest.mark.tf
def test_real_keras_and_tensorflow_calls_are_refused(tf, capsys):
    import keras

    cases = [(np.array([-1.0, 0.5, 2.0]),)]

    def elu(z):
        return np.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1)

    cheats = [
        lambda z: keras.ops.convert_to_numpy(keras.activations.elu(z)),
        lambda z: tf.nn.elu(z).numpy(),
        lambda z: np.asarray(keras.ops.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1)),
        lambda z: elu(z) + 0 * (tf.constant(z) * 0.0).numpy(),  # a tensor's * and .numpy()
    ]
    for cheat in cheats:
        with pytest.raises(ExerciseError, match=KERAS_MESSAGE):
            check_function("f", cheat, elu, cases, without_nnlab=True)
    check_function("f", elu, lambda z: keras.ops.elu(z).numpy(), cases, without_nnlab=True)
    assert capsys.readouterr().out == "✓ f is correct on the 1 test input.\n"

    def tape_backward(dout, x):
        x = tf.Variable(x)
        with tf.GradientTape() as tape:
            out = tf.tanh(x / 2)
        return (tape.gradient(out, x, output_gradients=tf.constant(dout)).numpy(),)

    with pytest.raises(ExerciseError, match=KERAS_MESSAGE):
        check_backward("f", tape_backward, _half_tanh, cases, without_nnlab=True)


# --- Lists and dicts changed in place ----------------------------------------------------------


def _best_epoch(val_losses, patience):
    return int(np.argmin(val_losses)) + 1


def _pops(val_losses, patience):
    best = _best_epoch(val_losses, patience)
    while val_losses:
        val_losses.pop()  # "consumes" the list it was given
    return best


def _appends(val_losses, patience):
    val_losses.append(np.inf)
    return _best_epoch(val_losses, patience)


def _sorts(val_losses, patience):
    val_losses.sort()  # the lowest loss now comes first...
    return _best_epoch(val_losses, patience) + 1  # ... and the answer is right


def _replaces_equal(grads, c):
    for i, g in enumerate(grads):
        grads[i] = g * c  # right values in new arrays, but in the caller's list
    return grads


LOSSES = ([1.0, 0.5, 0.7], 2)


@pytest.mark.parametrize(
    ("student", "reference", "case", "match"),
    [
        (
            _pops,
            _best_epoch,
            LOSSES,
            r"^'f' changed the list 'val_losses' it was given \(an item added, removed or "
            r"replaced\); work on a copy \(val_losses = list\(val_losses\)\) or build a new "
            r"list\.$",
        ),
        (_appends, _best_epoch, LOSSES, r"^'f' changed the list 'val_losses' it was given"),
        (_sorts, _best_epoch, LOSSES, r"^'f' changed the list 'val_losses' it was given"),
        (
            _replaces_equal,
            _scaled,
            ([np.ones(2), np.ones(3)], 1.0),
            r"^'f' changed the list 'grads'",
        ),
    ],
)
def test_a_list_changed_in_place_is_reported(student, reference, case, match):
    with pytest.raises(ExerciseError, match=match):
        check_function("f", student, reference, [case])
    assert LOSSES == ([1.0, 0.5, 0.7], 2)  # the test case itself is untouched


def test_dicts_and_nested_lists_changed_in_place_are_reported():
    def total(counts):
        return float(sum(counts.values()))

    def pops_a_key(counts):
        return counts.pop("a") + sum(counts.values())

    with pytest.raises(
        ExerciseError,
        match=r"^'total' changed the dict 'counts' it was given \(an entry added, removed or "
        r"replaced\); work on a copy \(counts = dict\(counts\)\) or build a new dict\.$",
    ):
        check_function("total", pops_a_key, total, [({"a": 1.0, "b": 2.0},)])

    def flat_sum(rows):
        return float(sum(sum(row) for row in rows))

    def pops_inner(rows):
        return float(sum(row.pop() + sum(row) for row in rows))

    with pytest.raises(
        ExerciseError,
        match=r"^'flat_sum' changed a list inside its argument 'rows' \(an item added, removed "
        r"or replaced\); build new lists: a copy of 'rows' still shares the ones inside\.$",
    ):
        check_function("flat_sum", pops_inner, flat_sum, [([[1.0, 2.0], [3.0]],)])


def test_returning_the_list_it_was_given_unchanged_is_fine(capsys):
    def maybe_clip(grads, c):  # returns its argument itself when nothing needs clipping
        return grads if c >= 1 else [g * c for g in grads]

    check_function("clip", maybe_clip, lambda grads, c: grads, [([np.ones(2), np.ones(3)], 1.0)])
    assert capsys.readouterr().out.startswith("✓ clip is correct")


# --- A dtype that explains a wrong answer -------------------------------------------------------


def test_a_float32_answer_close_to_the_result_is_told_its_precision():
    def adam_step(w):
        return (w - 0.1 * np.sign(w) / 3).astype(np.float32)

    w = np.array([1.0, -2.0, 0.3])
    with pytest.raises(
        ExerciseError,
        match=r"which is not right\. It is float32 \(about 7 significant digits\): close, but too "
        r"coarse\. Compute in float64, NumPy's default: look for a float32 array or dtype\.$",
    ):
        check_function("step", adam_step, lambda w: w - 0.1 * np.sign(w) / 3, [(w,)], rtol=1e-9)
    with pytest.raises(ExerciseError, match=r"yours is 0\.1\. It is float32 \(about 7 "):
        check_value("lr", np.float32(0.1), 0.1, rtol=1e-9)
    with pytest.raises(ExerciseError, match=r"It is float16 \(about 3 significant digits\)"):
        check_value("lr", np.float16(0.1), 0.1)
    # float32 and far off: the formula is wrong, not the precision; the hint stays.
    with pytest.raises(ExerciseError, match=r"which is not right\. See section 4\.$"):
        check_function(
            "step", lambda w: (2 * w).astype(np.float32), lambda w: w, [(w,)], hint="See section 4."
        )


def test_whole_numbers_where_fractions_are_expected_are_told_so():
    def weights(y):  # n / (2 · count), with an integer division
        counts = np.bincount(y)
        return len(y) // (2 * counts[y])

    y = np.array([0, 0, 0, 1])
    with pytest.raises(
        ExerciseError,
        match=r"returned \[0\. 0\. 0\. 2\.\], which is not right\. It holds whole numbers "
        r"\(int64\) where the result has fractions: look for an integer division \(//\), "
        r"\.astype\(int\), or an array made from integers\.$",
    ):
        check_function("w", weights, lambda y: len(y) / (2 * np.bincount(y)[y]), [(y,)])
    # A whole number typed by hand is a wrong answer, not an integer division.
    with pytest.raises(ExerciseError, match=r"^'b' is not right yet: yours is -1\. Hint\.$"):
        check_value("b", -1, -0.8, hint="Hint.")
    with pytest.raises(ExerciseError, match=r"yours is -1\. It holds whole numbers \(int64\)"):
        check_value("b", np.int64(-1), -0.8, hint="Hint.")


def test_a_rounded_answer_is_told_it_is_close_not_given_the_hint():
    with pytest.raises(checks.ExerciseError) as error:
        checks.check_value("y", 0.475, 0.4750208, hint="Mind the minus sign.")
    assert "close (within 0.5 %) but not exact: did you round" in str(error.value)
    assert "minus sign" not in str(error.value)
    with pytest.raises(checks.ExerciseError, match="Mind the minus sign"):  # far off: the hint
        checks.check_value("y", 0.525, 0.4750208, hint="Mind the minus sign.")
