"""Friendly feedback for the notebooks' graded exercise cells (all notebooks).

A graded cell calls one of these with the student's answer and the reference. A right answer
prints one line starting with ✓; a wrong one raises :class:`ExerciseError` (an
``AssertionError``, so nbgrader counts the cell as failed) whose message says what is wrong
and how to look for the mistake, without giving the answer away.

In a student notebook an unanswered value is ``None`` (the cell sets ``name = None`` above its
``### BEGIN SOLUTION``) and an unwritten function raises ``NotImplementedError``; both get a
message saying what to do, never a ``NameError``.
"""

import contextlib
import copy
import gc
import inspect
import re
import sys

import numpy as np

from nnlab._validation import describe


class ExerciseError(AssertionError):
    """An exercise answer is missing or wrong; the message says how."""


def _expected(want_shape):
    """How the feedback names an answer of shape ``want_shape`` (None: not known)."""
    if want_shape is None:
        return "a number or an array of numbers"
    return "a single number" if want_shape == () else f"an array of shape {want_shape}"


def _as_answer(who, value, if_none, want_shape=None, verb="is"):
    """``value`` as a float64 array, or an ExerciseError saying why it cannot be one.

    ``who`` names the value at the start of the message (``'z'``, ``'f(1.)'``, ``Item 1 of 2
    returned by 'f(1.)'``). Numbers and booleans are fine; ``None`` gets ``if_none``; a dict,
    complex, object and text arrays, ragged lists, NaN and infinity each get their own message
    (``verb`` and the expected shape ``want_shape``, when known, word the dict's).
    """
    if value is None or value is Ellipsis:
        raise ExerciseError(if_none)
    if inspect.isgenerator(value):
        raise ExerciseError(
            f"{who} {verb} a generator (a comprehension in round brackets); make it an "
            "array: np.array([... for ...])."
        )
    if isinstance(value, dict):
        raise ExerciseError(f"{who} {verb} a dict; this exercise wants {_expected(want_shape)}.")
    try:
        raw = np.asarray(value)
    except ValueError:  # NumPy refuses ragged nested lists
        raise ExerciseError(
            f"{who} has rows of different lengths; it should be a number or a regular array."
        ) from None
    if raw.dtype.kind == "c":
        raise ExerciseError(
            f"{who} holds complex numbers where real ones are expected; look for a square "
            "root or a fractional power of a negative number."
        )
    if raw.dtype.kind == "O":
        raise ExerciseError(
            f"{who} is an array of Python objects, not of numbers; does it hold None, or "
            "arrays of different shapes?"
        )
    if raw.dtype.kind not in "biuf":
        raise ExerciseError(
            f"{who} should be a number or an array of numbers; yours is {describe(value)}."
        )
    got = raw.astype(np.float64)
    if not np.isfinite(got).all():
        raise ExerciseError(f"{who} contains NaN or infinity; check for a division by zero.")
    return got


def _shape_hint(got, want):
    """Where to look when an answer has shape ``got`` but ``want`` is expected."""
    if want == ():
        if np.prod(got) == 1:
            return (
                "Yours is an array holding one number: look for where its extra axis comes from "
                "(a column of shape (n, 1)?), or take the number out with .item()."
            )
        return "Did you skip a sum or a mean?"
    if got == ():
        return "It should be an array, not a single number: did you sum or average too early?"
    if len(got) == len(want) == 2 and got == want[::-1]:
        return "It looks transposed: rows and columns swapped."
    if len(got) == len(want) + 1:
        if tuple(n for n in got if n != 1) == tuple(n for n in want if n != 1):
            return (
                "It has an extra axis of length 1 (a column or row where a flat array is expected)."
            )
        return (
            f"It is {len(got)}-D where {len(want)}-D is expected: a sum skipped, or a column "
            "broadcast against a row?"
        )
    if len(got) + 1 == len(want):
        if tuple(n for n in want if n != 1) == got:
            return (
                f"It lost an axis of length 1 (a ravel or squeeze?): return shape {want}, "
                "one row per sample."
            )
        if got == want[1:]:
            return (
                "The first axis (one row per sample) is missing: did you compute one sample only?"
            )
        return f"It is {len(got)}-D where {len(want)}-D is expected: an axis summed away?"
    if len(got) == len(want) == 1:
        return "Check its length: one entry per sample, neuron or feature, as the exercise asks."
    if np.prod(got) == np.prod(want):
        return "It has the right number of entries, arranged differently: check the axes' order."
    if len(got) == len(want) == 2 and got[1] == want[1]:
        return "The number of rows differs: in this course, rows are samples."
    if len(got) == len(want) == 2 and got[0] == want[0]:
        return "The number of columns differs: in this course, columns are features or neurons."
    return "Check which axis holds what: in this course, rows are samples and columns features."


def _check_shape(who, got, want, verb, shape_hint):
    if got.shape != want.shape:
        expected = _expected(want.shape)
        hint = _shape_hint(got.shape, want.shape) if shape_hint is None else shape_hint
        raise ExerciseError(
            f"{who} should {verb} {expected}; yours has shape {got.shape}. {hint}".rstrip()
        )


def _diagnosis(got, want, rtol, atol, samples=()):
    """What a wrong answer ``got`` is, if it is ``want`` with its sign flipped or scaled by a
    whole number; None otherwise.

    ``samples`` are the sample counts in play (the length of each array argument); an answer's
    own first axis counts too. One number k times too large is named only when k is such a
    count, and one number k times too small never: for a single number a whole-number ratio can
    be a coincidence. Every entry of an array off by the same factor is not.
    """
    nonzero = np.abs(want) > atol
    if not nonzero.any():
        return None
    ratio = float(np.median(got[nonzero] / want[nonzero]))
    if not np.allclose(got, ratio * want, rtol=rtol, atol=atol):
        return None  # not one factor for every entry
    several = np.count_nonzero(nonzero) > 1
    samples = set(samples) | ({got.shape[0]} if got.ndim else set())
    size = abs(ratio)
    if np.isclose(size, 1.0, rtol=1e-6):
        size_text = ""
    elif size > 1 and np.isclose(size, round(size), rtol=1e-6) and round(size) in samples:
        k = round(size)
        size_text = (
            f"it is exactly {k} times too large, and there are {k} samples: a mean over the "
            "samples (a loss, say) divides each sample's share by their number."
        )
    elif size > 1 and np.isclose(size, round(size), rtol=1e-6) and several:
        size_text = (
            f"it is exactly {round(size)} times too large: a sum where a mean is wanted, or a "
            "factor too many?"
        )
    elif 0 < size < 1 and np.isclose(1 / size, round(1 / size), rtol=1e-6) and several:
        size_text = f"it is exactly {round(1 / size)} times too small: a division too many?"
    else:
        return None
    if ratio > 0:  # (size_text is "" only for an answer right within a looser tolerance)
        return size_text[:1].upper() + size_text[1:] if size_text else None
    if not size_text:
        return "Its sign is flipped: check which term is subtracted from which."
    return f"Its sign is flipped, and {size_text}"


def _rounding_note(got, want):
    """What to say when ``got`` is within 0.5 % of ``want`` but outside the test's tolerance:
    most often a number rounded by hand (0.475 for 0.475021); None otherwise."""
    if not np.allclose(got, want, rtol=5e-3, atol=0.0):
        return None
    return (
        "It is close (within 0.5 %) but not exact: did you round, or type in a rounded number? "
        "Let NumPy compute it and keep every digit."
    )


def _dtype_note(answer, got, want, integers=True):
    """What to say when a wrong ``answer`` (``got`` in float64) has a dtype that explains it;
    None otherwise.

    Whole numbers (an int dtype; if ``integers``) where the expected result has fractions: an
    integer division or an int array. float32 or float16 within √eps of that dtype of
    ``want``, relative to the result's size: right but rounded to about 7 (3) digits, where the
    test asks for more.
    """
    dtype = np.asarray(answer).dtype
    if integers and dtype.kind in "iu" and not np.array_equal(want, np.round(want)):
        return (
            f"It holds whole numbers ({dtype}) where the result has fractions: look for an "
            "integer division (//), .astype(int), or an array made from integers."
        )
    if dtype not in (np.float16, np.float32):
        return None
    eps = float(np.finfo(dtype).eps)
    scale = float(np.abs(want).max(initial=0.0))
    if not np.allclose(got, want, rtol=np.sqrt(eps), atol=np.sqrt(eps) * scale):
        return None
    return (
        f"It is {dtype} (about {round(-np.log10(eps))} significant digits): close, but too "
        "coarse. Compute in float64, NumPy's default: look for a float32 array or dtype."
    )


def check_value(
    name,
    answer,
    expected,
    *,
    rtol=1e-6,
    atol=1e-9,
    hint="",
    shape_hint=None,
    diagnose=False,
):
    """Check a numeric answer (a number or an array) against the expected value.

    Parameters
    ----------
    name : str
        The variable's name in the exercise, used in the feedback.
    answer, expected : number or array_like
        Booleans count as 0 and 1; complex or object arrays are refused.
    rtol, atol : float
        As in ``numpy.allclose``.
    hint : str
        Added to the feedback when the answer is wrong: where to look for the mistake.
    shape_hint : str, optional
        Replaces the automatic hint given when the answer has the wrong shape.
    diagnose : bool, default False
        Recognise two common slips and say which instead of giving ``hint``: the expected value
        with its sign flipped, or scaled by a whole number (k times too large or too small,
        e.g. a sum where a mean is wanted; for a single number, only k times too large with k
        samples, since one ratio may be a coincidence).

    >>> check_value("z", 0.41, 0.16 + 0.06 - 0.06 + 0.25)
    ✓ z = 0.41 is correct.
    >>> check_value("z", 0.35, 0.41, hint="Did you add the bias?")
    Traceback (most recent call last):
    ...
    nnlab.checks.ExerciseError: 'z' is not right yet: yours is 0.35. Did you add the bias?
    """
    want = np.asarray(expected, dtype=np.float64)
    got = _as_answer(
        f"'{name}'",
        answer,
        f"'{name}' has no answer yet: assign it above and run that cell.",
        want.shape,
    )
    _check_shape(f"'{name}'", got, want, "be", shape_hint)
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        shown = f"{float(got):.6g}" if got.ndim == 0 else f"an array with {got.size} entries"
        message = f"'{name}' is not right yet: yours is {shown}."
        if got.ndim:
            wrong = int(np.sum(~np.isclose(got, want, rtol=rtol, atol=atol)))
            message += f" {wrong} of {got.size} entries differ from the expected result."
        # (a whole number typed by hand, `b = -1`, is no sign of an integer division)
        computed = isinstance(answer, (np.ndarray, np.generic))
        found = (
            _dtype_note(answer, got, want, integers=computed)
            or _rounding_note(got, want)
            or (_diagnosis(got, want, rtol, atol) if diagnose else None)
        )
        raise ExerciseError(f"{message} {found or hint}".rstrip())
    shown = f" = {float(got):.6g}" if got.ndim == 0 else f" (shape {got.shape})"
    print(f"✓ {name}{shown} is correct.")


def check_number(name, answer):
    """``answer`` as a float if it is one number; otherwise an ExerciseError saying what it is.

    For test cells that need the student's number before checking what it does.

    >>> check_number("b", -1.5)
    -1.5
    >>> check_number("b", [-1.5, 0.0])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nnlab.checks.ExerciseError: 'b' should be a single number; yours has shape (2,). Did you ...
    """
    got = _as_answer(
        f"'{name}'", answer, f"'{name}' has no answer yet: assign it above and run that cell.", ()
    )
    _check_shape(f"'{name}'", got, np.zeros(()), "be", None)
    return float(got)


# The input checks public nnlab functions and constructors start with: replacing them switches
# nnlab off (arrays, random generators, hyperparameters: optimizers and schedules, sizes).
_INPUT_CHECKS = ("as_float_array", "as_rng", "check_scalar", "check_size")


# The packages an answer written with NumPy must not call into: Keras 3 (with its TensorFlow
# backend), TensorFlow, and Keras 2 under its own name.
_FRAMEWORKS = frozenset({"keras", "tensorflow", "tf_keras"})


class _FrameworkWatch:
    """A profile function (``sys.setprofile``) that notes whether Keras or TensorFlow code runs.

    Python calls it at every function call in this thread: a Python function's (event
    ``"call"``; its frame's globals name its module) and a C function's (``"c_call"``; its
    ``__module__`` names the module, or, for a method, the class of its object does). Every
    way into Keras or TensorFlow, ``keras.ops.tanh``, ``tf.nn.relu``, ``keras.losses.…``, an
    optimizer, a tensor's ``+`` or ``.numpy()``, starts with such a call to a function of one
    of their packages. The first one is noted and the watch stops (``sys.setprofile(None)``):
    the rest of the answer runs at full speed, and an answer that calls neither pays one cheap
    Python call per function call. Nothing is raised here, where Keras' own ``try`` blocks
    could swallow it.
    """

    def __init__(self):
        self.seen = False

    def __call__(self, frame, event, arg):
        if event == "call":
            module = frame.f_globals.get("__name__")
        elif event == "c_call":
            module = (
                getattr(arg, "__module__", None) or type(getattr(arg, "__self__", None)).__module__
            )
        else:
            return
        if isinstance(module, str) and module.partition(".")[0] in _FRAMEWORKS:
            self.seen = True
            sys.setprofile(None)


@contextlib.contextmanager
def nnlab_switched_off(name=None):
    """Inside the block nnlab's functions raise ExerciseError, and calling Keras or TensorFlow
    fails the block with an ExerciseError saying so.

    Used by the tests of exercises that ask students to write with NumPy what nnlab and Keras
    compute; only the student's call belongs inside (``name`` is the function's name in the
    message). The reference, ``checks`` itself and anything outside the block are unaffected.

    nnlab: an answer that calls it (``neurons.neuron``, ``activations.bipolar_sigmoid``, also
    imported by name) fails at once. The block replaces the input checks public nnlab
    functions start with (``as_float_array`` for arrays, ``as_rng`` for random generators:
    initializers; ``check_scalar`` and ``check_size`` for hyperparameters and sizes:
    optimizers, their steps and schedules).

    Keras and TensorFlow: their functions cannot be replaced one by one (there are thousands,
    reached by many names), so a profile function (:class:`_FrameworkWatch`) notes any call into
    their packages, and the block, when it ends, raises ``'name' calls Keras/TensorFlow; …``,
    in place of whatever the answer returned or raised. Only this thread is watched, and the
    garbage collector is paused inside the block: it could otherwise run a Keras object's
    ``__del__``, left from earlier cells, in the middle of an answer that never called Keras.
    A profiler already set (``sys.getprofile()``) is put back afterwards.
    """

    def switched_off(*args, **kwargs):
        raise ExerciseError(
            "this exercise asks you to write the computation with NumPy, so nnlab's functions "
            "are switched off while it is graded."
        )

    patched = [
        (module, check, getattr(module, check))
        for module_name, module in list(sys.modules.items())
        if module_name.startswith("nnlab.") and module_name not in (__name__, "nnlab._validation")
        for check in _INPUT_CHECKS
        if hasattr(module, check)
    ]
    watch, profile, collecting = _FrameworkWatch(), sys.getprofile(), gc.isenabled()
    try:
        for module, check, _ in patched:
            setattr(module, check, switched_off)
        gc.disable()
        sys.setprofile(watch)
        try:
            yield
        except Exception:
            if not watch.seen:
                raise
    finally:
        sys.setprofile(profile)
        if collecting:
            gc.enable()
        for module, check, original in patched:
            setattr(module, check, original)
    if watch.seen:  # (whatever the answer raised: Keras' own errors come from the same cause)
        who = f"'{name}'" if name else "Your answer"
        raise ExerciseError(
            f"{who} calls Keras/TensorFlow; this exercise asks you to write the computation "
            "with NumPy, so Keras and TensorFlow are not allowed while it is graded."
        )


def _read_only_copy(value):
    """A copy of a test case's argument; arrays in it (also inside tuples, lists and dicts)
    become read-only, so an in-place write raises instead of changing the case."""
    if isinstance(value, np.ndarray):
        value = value.copy()
        value.setflags(write=False)
        return value
    if type(value) in (tuple, list):
        return type(value)(_read_only_copy(item) for item in value)
    if type(value) is dict:
        return {key: _read_only_copy(item) for key, item in value.items()}
    return copy.deepcopy(value)


def _strict_floats():
    """NumPy's overflow, divide-by-zero and invalid-value warnings raised as errors."""
    return np.errstate(over="raise", divide="raise", invalid="raise")


def _is_read_only_error(error):
    # NumPy: "assignment destination is read-only", "output array is read-only", ...
    return isinstance(error, ValueError) and "read-only" in str(error)


def _changed_in_place(function, args):
    """The position of the argument ``function`` writes to, or None if none is found.

    Each argument in turn is the only read-only one: the one whose write then fails is it.
    A function that gives up before writing is caught by comparing arguments after a call on
    writable copies.
    """
    for i in range(len(args)):
        trial = [copy.deepcopy(arg) for arg in args]
        trial[i] = _read_only_copy(args[i])
        try:
            with _strict_floats():
                function(*trial)
        except Exception as error:  # only a write to trial[i] matters
            if _is_read_only_error(error):
                return i
    writable = copy.deepcopy(args)
    try:
        with _strict_floats():
            function(*writable)
    except Exception:  # any result will do: only the arguments are looked at
        pass
    for i, (before, after) in enumerate(zip(args, writable)):
        if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
            return i
    return None


def _containers(args):
    """(container, copy of its items, argument position, is the argument itself) for every list
    and dict in ``args``, also inside tuples, lists and dicts: what :func:`_changed_container`
    compares against after the call."""
    found = []

    def visit(value, position, top):
        if type(value) is list:
            found.append((value, list(value), position, top))
        elif type(value) is dict:
            found.append((value, dict(value), position, top))
        elif type(value) is not tuple:
            return
        for item in value.values() if type(value) is dict else value:
            visit(item, position, False)

    for position, arg in enumerate(args):
        visit(arg, position, True)
    return found


def _changed_container(containers):
    """(container, argument position, is the argument itself) for the first list or dict of
    :func:`_containers` whose items are no longer the very objects they were (one added,
    removed or replaced), or None."""
    for container, items, position, top in containers:
        if type(container) is dict:
            same = container.keys() == items.keys() and all(
                container[key] is items[key] for key in items
            )
        else:
            same = len(container) == len(items) and all(
                now is then for now, then in zip(container, items)
            )
        if not same:
            return container, position, top
    return None


def _container_message(name, function, container, position, top):
    """Feedback for a function that added, removed or replaced items of a list or dict it was
    given (its arrays are read-only, so writes into them are reported before this)."""
    kind = "dict" if type(container) is dict else "list"
    what = "an entry" if kind == "dict" else "an item"
    arg = _parameter_name(function, position)
    if arg is None:
        return (
            f"'{name}' changed a {kind} it was given ({what} added, removed or replaced); "
            f"build a new {kind} instead."
        )
    if not top:
        return (
            f"'{name}' changed a {kind} inside its argument '{arg}' ({what} added, removed or "
            f"replaced); build new {kind}s: a copy of '{arg}' still shares the ones inside."
        )
    return (
        f"'{name}' changed the {kind} '{arg}' it was given ({what} added, removed or "
        f"replaced); work on a copy ({arg} = {kind}({arg})) or build a new {kind}."
    )


def _parameter_name(function, position):
    """The name of ``function``'s positional parameter at ``position``, or None."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # no signature (a builtin)
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [parameter.name for parameter in parameters if parameter.kind in kinds]
    return names[position] if position < len(names) else None


def _in_place_message(name, function, args):
    position = _changed_in_place(function, args)
    arg = None if position is None else _parameter_name(function, position)
    if arg is None:
        return (
            f"'{name}' changed one of its arguments in place; work on a copy (x = x.copy() or "
            "x = np.array(x)) or build a new array; np.asarray(x) does not copy."
        )
    if type(args[position]) in (list, tuple):
        return (
            f"'{name}' changed the arrays in its argument '{arg}' in place; build new arrays "
            "(g * scale, not g *= scale): a copy of the list still shares its arrays."
        )
    return (
        f"'{name}' changed its argument '{arg}' in place; work on a copy ({arg} = {arg}.copy() "
        f"or {arg} = np.array({arg})) or build a new array; np.asarray({arg}) does not copy."
    )


def _uses_where(function):
    """Whether ``function``'s own source calls ``where`` (np.where); False if it is unknown."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):  # defined in exec'd text, or a builtin
        return False
    return re.search(r"\bwhere\s*\(", source) is not None


def _float_error_message(label, error, function):
    """Feedback for a FloatingPointError raised under :func:`_strict_floats`, by its kind."""
    text = str(error)
    if text.startswith("overflow"):
        if text.endswith(" exp"):
            what = "np.exp gives inf for arguments above about 709"
        else:
            what = "a result grew beyond the largest float (about 1.8e308)"
    elif text.startswith("divide by zero"):
        if text.endswith(" log"):
            what = "np.log was given 0 (its log is −inf); keep its argument away from 0"
        else:
            what = "something was divided by 0"
    elif text.startswith("invalid value"):
        what = (
            "a result is not a number (NaN): 0/0, inf − inf, 0·inf, or the log or square root "
            "of a negative number; often an earlier inf is the cause"
        )
    else:
        what = "a floating-point operation failed"
    message = (
        f"'{label}' stopped: {text}. The test turns NumPy's overflow, divide-by-zero and "
        f"invalid-value warnings into errors, and {what}."
    )
    if _uses_where(function):
        message += (
            " np.where computes both of its branches for every entry, so the branch it throws "
            "away must not overflow or divide by zero either."
        )
    return message


def _call(name, function, args, label):
    """The student's ``function(*args)`` on read-only copies, or an ExerciseError saying why
    not: it raised, or it changed an argument (an array written to, a list or dict changed)."""
    given = _read_only_copy(args)
    containers = _containers(given)
    try:
        # An overflow or 0/0 inside the student's function is an error to report, not a
        # warning to scroll past (np.where computes both branches: np.exp(1000) still runs).
        with _strict_floats():
            result = function(*given)
    except NotImplementedError:
        raise ExerciseError(
            f"'{name}' is not written yet: replace `raise NotImplementedError()`."
        ) from None
    except FloatingPointError as error:
        raise ExerciseError(_float_error_message(label, error, function)) from None
    except ExerciseError:  # e.g. nnlab switched off: its own message says it all
        raise
    except Exception as error:
        if not _is_read_only_error(error):
            raise ExerciseError(f"'{label}' raised {type(error).__name__}: {error}") from error
    else:
        changed = _changed_container(containers)
        if changed is None:
            return result
        raise ExerciseError(_container_message(name, function, *changed))
    raise ExerciseError(_in_place_message(name, function, args))


def _is_several(result):
    """A reference result compared item by item: a tuple, or a list of arrays (like ``grads``)."""
    return isinstance(result, tuple) or (
        isinstance(result, list) and any(isinstance(item, np.ndarray) for item in result)
    )


def _part_label(who, position, count, in_list):
    """How messages name one part of a result ``who``: ``Item 2 of 2 returned by 'f(x)'`` for
    a tuple's item, ``Array 1 of 3 in the list returned by 'f(x)'`` for a list's, ``Array 1 of 2
    in item 2 of 2 returned by 'f(x)'`` for a list inside a tuple."""
    if who.startswith("'"):  # the result of a call, 'f(x)'
        where = f"in the list returned by {who}" if in_list else f"returned by {who}"
    else:  # a part already: Item 2 of 2 returned by 'f(x)'
        where = f"in {who[:1].lower()}{who[1:]}"
    return f"{'Array' if in_list else 'Item'} {position + 1} of {count} {where}"


def _compare(who, got, want, options, item=False, samples=()):
    """Raise an ExerciseError unless the student's result ``got`` matches the reference's
    ``want``; ``who`` names it at the start of messages (``'f(1.)'``), ``item`` marks one part
    of a tuple or list result, ``samples`` are the arguments' lengths (for :func:`_diagnosis`).
    """
    returned = "is" if item else "returned"
    if_none = f"{who} {returned} None: did your function `return` its result?"
    if got is None:
        raise ExerciseError(if_none)
    if _is_several(want):
        count = len(got) if isinstance(got, (tuple, list)) else "one"
        if count != len(want):
            what = (
                f"a list of {len(want)} arrays, one per array it was given"
                if isinstance(want, list)
                else f"{len(want)} results (`return a, b, …`)"
            )
            yours = f"{'has' if item else 'returned'} {count}"
            if count == "one":
                yours = f"{returned} {describe(got)}"
            if inspect.isgenerator(got):
                yours = (
                    f"{returned} a generator (a comprehension in round brackets: use square ones)"
                )
            should = "be" if item else "return"
            raise ExerciseError(f"{who} should {should} {what}; yours {yours}.")
        in_list = isinstance(want, list)
        for i, (got_item, want_item) in enumerate(zip(got, want)):
            part = _part_label(who, i, len(want), in_list)
            _compare(part, got_item, want_item, options, True, samples)
        return
    if isinstance(got, tuple):
        values = "1 value" if len(got) == 1 else f"{len(got)} values"
        comma = ": a trailing comma after `return …`?" if len(got) == 1 else ""
        raise ExerciseError(
            f"{who} {returned} {values} (a tuple{comma}); it should return only the result."
        )
    answer = got
    want = np.asarray(want, dtype=np.float64)
    got = _as_answer(who, got, if_none, want.shape, returned)
    _check_shape(who, got, want, "be" if item else "return", options["shape_hint"])
    rtol, atol = options["rtol"], options["atol"]
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        found = _dtype_note(answer, got, want) or (
            _diagnosis(got, want, rtol, atol, samples) if options["diagnose"] else None
        )
        raise ExerciseError(
            f"{who} {returned} {_digits(got)}, which is not right. "
            f"{found or options['hint']}".rstrip()
        )


def _show(value):
    """An argument as a message shows it: small arrays in full, larger ones by their shape (a
    test input of 20 numbers would bury the message, and give the hidden inputs away); a list
    of arrays (``grads``) item by item."""
    if type(value) in (list, tuple) and any(isinstance(item, np.ndarray) for item in value):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    try:
        array = np.asarray(value)
    except ValueError:  # a tuple of arrays of different shapes
        return describe(value)
    if array.size > 6:
        return f"<array of shape {array.shape}>"
    return " ".join(_digits(array).split())  # on one line


def _digits(array):
    """Enough significant digits to see a small difference (1e-7 is not shown as 0, whatever
    the notebook's print options)."""
    return np.array2string(
        np.asarray(array), precision=6, suppress_small=False, floatmode="maxprec"
    )


def check_function(
    name,
    function,
    reference,
    cases,
    *,
    rtol=1e-6,
    atol=1e-9,
    hint="",
    shape_hint=None,
    diagnose=False,
    without_nnlab=False,
):
    """Call ``function`` and ``reference`` on each case and compare their results.

    Each gets its own read-only copies of the case's arrays, so a function that changes its
    argument in place is reported (and cannot change what the reference sees); so is one that
    adds, removes or replaces items of a list or dict it is given. A reference that returns a
    tuple (``out, cache``; ``dX, grads``) is compared item by item, and messages name the items
    in words: "Item 2 of 2 returned by 'f(…)'".

    Parameters
    ----------
    name : str
        The function's name in the exercise.
    function, reference : callable
    cases : list of tuple
        The positional arguments of each call.
    rtol, atol, hint, shape_hint, diagnose
        As in :func:`check_value`.
    without_nnlab : bool, default False
        Call ``function`` with nnlab switched off and Keras and TensorFlow refused
        (:func:`nnlab_switched_off`), for exercises that ask students to write with NumPy what
        nnlab and Keras compute; ``reference`` may use either.

    >>> check_function("double", lambda x: 2 * x, lambda x: x + x, [(1.0,), (-3.0,)])
    ✓ double is correct on all 2 test inputs.
    """
    if function is None or function is Ellipsis:
        raise ExerciseError(f"'{name}' has no answer yet: define it above and run that cell.")
    if not callable(function):
        raise ExerciseError(f"'{name}' should be a function; yours is {describe(function)}.")
    options = {
        "rtol": rtol,
        "atol": atol,
        "hint": hint,
        "shape_hint": shape_hint,
        "diagnose": diagnose,
    }
    for args in cases:
        label = f"{name}({', '.join(_show(a) for a in args)})"
        want = reference(*_read_only_copy(args))
        with nnlab_switched_off(name) if without_nnlab else contextlib.nullcontext():
            got = _call(name, function, args, label)
        samples = [len(arg) for arg in args if isinstance(arg, np.ndarray) and arg.ndim]
        _compare(f"'{label}'", got, want, options, samples=samples)
    inputs = "the 1 test input" if len(cases) == 1 else f"all {len(cases)} test inputs"
    print(f"✓ {name} is correct on {inputs}.")


def _check_order(name, got, want, grad_names):
    """An ExerciseError if a returned gradient has the shape of another one and not its own:
    the right gradients in the wrong order."""
    shapes = [np.shape(item) for item in want]
    for position, item in enumerate(got):
        shape = np.shape(item) if isinstance(item, (np.ndarray, list, tuple)) else None
        if shape is None or shape == shapes[position] or shape not in shapes:
            continue
        looks_like = grad_names[shapes.index(shape)]
        raise ExerciseError(
            f"'{name}' returned, in position {position + 1}, an array of shape {shape}: that "
            f"looks like {looks_like}. Return ({', '.join(grad_names)}) in that order."
        )


def _central_gradients(forward, args, dout):
    """d(Σ forward(*args) ⊙ dout)/d(args[i]) by central differences, for each input i."""
    from nnlab.gradcheck import numerical_gradient

    def f_of(i):
        return lambda x: float(np.sum(forward(*args[:i], x, *args[i + 1 :]) * dout))

    return tuple(numerical_gradient(f_of(i), arg) for i, arg in enumerate(args))


_GRADIENT_TOLERANCE = 1e-5  # a right backward pass is ~1e-10 from central differences


def check_backward(name, backward, forward, cases, *, names=None, hint="", without_nnlab=False):
    """Grade a backward pass with a gradient check: each gradient it returns is compared with
    central differences (``nnlab.gradcheck``) of f = Σ forward(*inputs) ⊙ dout.

    Parameters
    ----------
    name : str
        The function's name in the exercise.
    backward : callable
        The student's ``backward(dout, *inputs)``, returning one gradient per input, in order.
    forward : callable
        ``forward(*inputs) -> out`` (the course's, correct).
    cases : list of tuple
        The inputs of each check; dout is drawn at random (seeded), shaped like the output.
    names : sequence of str, optional
        The gradients' names in the messages ("dX", "dW", "db"); default d0, d1, ….
    hint : str
        Added when a gradient is wrong (the diagnosis of a flipped sign or a scale comes first).
    without_nnlab : bool, default False
        Call ``backward`` with nnlab switched off and Keras refused, as in
        :func:`check_function`.

    >>> def tanh_backward(dout, z):
    ...     return (dout * (1 - np.tanh(z) ** 2),)
    >>> check_backward("tanh_backward", tanh_backward, np.tanh, [(np.array([0.5, -1.0]),)])
    ✓ tanh_backward passes the gradient check: relative error < 1e-05 on 1 test input.
    """
    from nnlab.gradcheck import relative_error  # imported here: only graders need it

    if backward is None or backward is Ellipsis:
        raise ExerciseError(f"'{name}' has no answer yet: define it above and run that cell.")
    if not callable(backward):
        raise ExerciseError(f"'{name}' should be a function; yours is {describe(backward)}.")
    options = {"rtol": 1e-5, "atol": 1e-7, "hint": hint, "shape_hint": None, "diagnose": True}
    rng = np.random.default_rng(0)
    for args in cases:
        args = tuple(np.asarray(arg, dtype=np.float64) for arg in args)
        grad_names = list(names or [f"d{i}" for i in range(len(args))])
        shapes = ", ".join(f"{n[1:] or n} {arg.shape}" for n, arg in zip(grad_names, args))
        label = f"{name}(dout, {shapes})"
        dout = rng.standard_normal(np.shape(forward(*args)))
        with nnlab_switched_off(name) if without_nnlab else contextlib.nullcontext():
            got = _call(name, backward, (dout, *args), label)
        numeric = _central_gradients(forward, args, dout)
        if got is None:
            raise ExerciseError(f"'{label}' returned None: did your function `return` its result?")
        if not isinstance(got, (tuple, list)) or len(got) != len(args):
            count = len(got) if isinstance(got, (tuple, list)) else "one value"
            raise ExerciseError(
                f"'{label}' should return {len(args)} gradients ({', '.join(grad_names)}), one "
                f"per input; yours returned {count}."
            )
        samples = [len(dout)] if np.ndim(dout) else []
        _check_order(name, got, numeric, grad_names)
        for grad_name, got_item, want_item in zip(grad_names, got, numeric):
            _compare(f"'{name}: {grad_name}'", got_item, want_item, options, True, samples)
            error = relative_error(np.asarray(got_item, dtype=float), want_item)
            if error >= _GRADIENT_TOLERANCE:  # allclose passed, but small entries are off
                message = (
                    f"'{name}: {grad_name}' is close but not right: relative error {error:.1e} "
                    f"against central differences (a correct gradient gives < 1e-8). {hint}"
                )
                raise ExerciseError(message.rstrip())
    inputs = "1 test input" if len(cases) == 1 else f"all {len(cases)} test inputs"
    print(
        f"✓ {name} passes the gradient check: relative error < {_GRADIENT_TOLERANCE:.0e} "
        f"on {inputs}."
    )
