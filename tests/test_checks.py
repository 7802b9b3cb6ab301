"""Exercise feedback: a right answer prints ✓; a missing or wrong one raises ExerciseError
(an AssertionError, so nbgrader fails the cell) saying what is wrong, not what is right."""

import numpy as np
import pytest

from nnlab.checks import ExerciseError, check_function, check_value


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
        ([0.41, 0.41], r"'z' should have shape \(\); yours has shape \(2,\)"),
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
