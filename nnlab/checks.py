"""Friendly feedback for the notebooks' graded exercise cells (all notebooks).

A graded cell calls one of these with the student's answer and the reference. A right answer
prints one line starting with ✓; a wrong one raises :class:`ExerciseError` (an
``AssertionError``, so nbgrader counts the cell as failed) whose message says what is wrong
and how to look for the mistake, without giving the answer away.
"""

import numpy as np

from nnlab._validation import as_float_array, describe


class ExerciseError(AssertionError):
    """An exercise answer is missing or wrong; the message says how."""


def _as_answer(name, value):
    if value is None or value is Ellipsis:
        raise ExerciseError(
            f"'{name}' has no answer yet: replace the placeholder and run the cell."
        )
    try:
        return np.asarray(as_float_array(value, name))
    except TypeError:
        raise ExerciseError(
            f"'{name}' should be a number or an array of numbers; yours is {describe(value)}."
        ) from None
    except ValueError:
        raise ExerciseError(
            f"'{name}' contains NaN or infinity; check for a division by zero."
        ) from None


def check_value(name, answer, expected, *, rtol=1e-6, atol=1e-9, hint=""):
    """Check a numeric answer (a number or an array) against the expected value.

    Parameters
    ----------
    name : str
        The variable's name in the exercise, used in the feedback.
    answer, expected : number or array_like
    rtol, atol : float
        As in ``numpy.allclose``.
    hint : str
        Added to the feedback when the answer is wrong: where to look for the mistake.

    >>> check_value("z", 0.41, 0.16 + 0.06 - 0.06 + 0.25)
    ✓ z = 0.41 is correct.
    >>> check_value("z", 0.35, 0.41, hint="Did you add the bias?")
    Traceback (most recent call last):
    ...
    nnlab.checks.ExerciseError: 'z' is not right yet: yours is 0.35. Did you add the bias?
    """
    got = _as_answer(name, answer)
    want = np.asarray(expected, dtype=np.float64)
    if got.shape != want.shape:
        raise ExerciseError(
            f"'{name}' should have shape {want.shape}; yours has shape {got.shape}. "
            "Check which axis holds the samples and which the neurons."
        )
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        shown = f"{float(got):.6g}" if got.ndim == 0 else f"an array with {got.size} entries"
        message = f"'{name}' is not right yet: yours is {shown}."
        if got.ndim:
            wrong = int(np.sum(~np.isclose(got, want, rtol=rtol, atol=atol)))
            message += f" {wrong} of {got.size} entries differ from the expected result."
        raise ExerciseError(f"{message} {hint}".rstrip())
    shown = f" = {float(got):.6g}" if got.ndim == 0 else f" (shape {got.shape})"
    print(f"✓ {name}{shown} is correct.")


def check_function(name, function, reference, cases, *, rtol=1e-6, atol=1e-9, hint=""):
    """Call ``function`` and ``reference`` on each case and compare their results.

    Parameters
    ----------
    name : str
        The function's name in the exercise.
    function, reference : callable
    cases : list of tuple
        The positional arguments of each call.

    >>> check_function("double", lambda x: 2 * x, lambda x: x + x, [(1.0,), (-3.0,)])
    ✓ double is correct on all 2 test inputs.
    """
    if not callable(function):
        raise ExerciseError(f"'{name}' should be a function; yours is {describe(function)}.")
    for args in cases:
        shown_args = ", ".join(np.array2string(np.asarray(a), precision=4) for a in args)
        try:
            got = function(*args)
        except NotImplementedError:
            raise ExerciseError(
                f"'{name}' is not written yet: replace `raise NotImplementedError()`."
            ) from None
        except Exception as error:
            raise ExerciseError(
                f"'{name}({shown_args})' raised {type(error).__name__}: {error}"
            ) from error
        want = np.asarray(reference(*args), dtype=np.float64)
        got = _as_answer(f"{name}({shown_args})", got)
        if got.shape != want.shape:
            expected = "a single number" if want.ndim == 0 else f"shape {want.shape}"
            raise ExerciseError(
                f"'{name}({shown_args})' should return {expected}; yours has shape {got.shape}."
            )
        if not np.allclose(got, want, rtol=rtol, atol=atol):
            raise ExerciseError(
                f"'{name}({shown_args})' returned {np.array2string(got, precision=4)}, "
                f"which is not right. {hint}".rstrip()
            )
    print(f"✓ {name} is correct on all {len(cases)} test inputs.")
