"""Input checks at nnlab's public boundary: the one place user-input errors are worded.

Used by every module. Each message names the parameter, says what was expected and what was
received, so a student can fix the call without reading the traceback::

    'w' must have 3 entries, one per feature of 'x'; got 2.

Internal code trusts its inputs; only public functions call these helpers.
"""

import difflib
import numbers
from collections.abc import Iterable, Mapping

import numpy as np


def describe(value):
    """A short description of ``value`` for the 'got …' part of a message."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _ndim_words(allowed):
    words = {0: "a single number", 1: "a 1-D array", 2: "a 2-D array"}
    return " or ".join(words.get(n, f"a {n}-D array") for n in allowed)


def as_float_array(value, name, *, ndim=None, dtype=np.float64):
    """Return ``value`` as a finite float array, raising a clear error otherwise.

    Parameters
    ----------
    value : number or array_like
    name : str
        The parameter's name, as the caller wrote it; used in the message.
    ndim : int or tuple of int, optional
        The allowed numbers of dimensions (0 for a single number).
    dtype : numpy dtype or None, default float64
        None keeps float32 as float32 and turns everything else (ints, bools, float16, lists,
        Python numbers) into float64: what public maths uses, so a float32 network stays float32.

    Returns
    -------
    ndarray
        ``value`` itself when it already is such an array (never modified), else a new array.

    >>> as_float_array([1, 2], "x")
    array([1., 2.])
    >>> as_float_array(np.ones(2, dtype=np.float32), "x", dtype=None).dtype
    dtype('float32')
    >>> as_float_array([1, 2], "x", dtype=None).dtype
    dtype('float64')
    >>> as_float_array("0.5", "x")
    Traceback (most recent call last):
    ...
    TypeError: 'x' must be a number or an array of numbers; got '0.5'.
    """
    not_numbers = TypeError(
        f"'{name}' must be a number or an array of numbers; got {describe(value)}."
    )
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "biuf":  # NumPy would parse "0.5" as a number: refuse text
            raise not_numbers
        if dtype is None:
            dtype = np.float32 if raw.dtype == np.float32 else np.float64
        array = raw.astype(dtype, copy=False)
    except (TypeError, ValueError):
        raise not_numbers from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            raise ValueError(
                f"'{name}' must be {_ndim_words(allowed)}; got {array.ndim}-D with shape "
                f"{array.shape}."
            )
    if not _all_finite(array):
        what = "NaN" if np.isnan(array).any() else "an infinite value"
        raise ValueError(
            f"'{name}' must contain only finite numbers; got {what} in {describe(value)}."
        )
    return array


def _all_finite(array):
    """True if no entry is NaN or ±inf. A NaN or inf anywhere makes the sum NaN or inf, so a
    finite sum proves it without a full-size boolean array (a 60 000-image data set is checked
    in milliseconds); only a sum that overflows needs the entry-by-entry look."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = array.sum()
    return bool(np.isfinite(total)) or bool(np.isfinite(array).all())


def scalar_or_array(array):
    """A 0-D result as a Python float (prints as ``0.5``), anything else unchanged."""
    return float(array) if np.ndim(array) == 0 else array


def check_choice(value, name, choices: Iterable[str], aliases: Mapping[str, str] | None = None):
    """Return ``value`` if it is one of ``choices``, an alias's choice, or say which names exist.

    ``aliases`` maps other accepted names to a choice. The "Did you mean" hint looks at choices
    and aliases alike but always names a choice, so a misspelt alias points to what it means.

    >>> check_choice("sigmoid", "activation", ["sigmoid", "tanh"])
    'sigmoid'
    >>> check_choice("logistic", "activation", ["sigmoid", "tanh"], {"logistic": "sigmoid"})
    'sigmoid'
    >>> check_choice("sigmod", "activation", ["sigmoid", "tanh"])
    Traceback (most recent call last):
    ...
    ValueError: 'activation' must be one of 'sigmoid', 'tanh'; got 'sigmod'. Did you mean 'sigmoid'?
    """
    choices, aliases = list(choices), dict(aliases or {})
    listed = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"'{name}' must be one of {listed}; got {describe(value)}.")
    if value in choices:
        return value
    if value in aliases:
        return aliases[value]
    close = difflib.get_close_matches(value, choices + list(aliases), n=1)
    hint = f" Did you mean '{aliases.get(close[0], close[0])}'?" if close else ""
    raise ValueError(f"'{name}' must be one of {listed}; got {value!r}.{hint}")


def check_size(size, name, expected, why):
    """Raise unless ``size == expected``; ``why`` says what the size must match."""
    if size != expected:
        raise ValueError(f"'{name}' must have {expected} {why}; got {size}.")


def check_same_shape(a, b, name_a, name_b):
    """Raise unless ``b`` has the shape of ``a``; the message names ``b``, the one to fix.

    >>> check_same_shape(np.ones((2, 3)), np.ones((2, 3)), "ours", "theirs")
    >>> check_same_shape(np.ones((2, 3)), np.ones((3, 2)), "ours", "theirs")
    Traceback (most recent call last):
    ...
    ValueError: 'theirs' must have the same shape as 'ours' (2, 3); got (3, 2).
    """
    if np.shape(a) != np.shape(b):
        raise ValueError(
            f"'{name_b}' must have the same shape as '{name_a}' {np.shape(a)}; got {np.shape(b)}."
        )


def _number_text(x):
    """1.0 → '1', 0.25 → '0.25', -3 → '-3': how a bound reads in a message."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _expectation(low, high, low_inclusive, high_inclusive):
    """'> 0', '≤ 1', 'in [0, 1)' or '' (no bounds)."""
    if low is not None and high is not None:
        left, right = "[" if low_inclusive else "(", "]" if high_inclusive else ")"
        return f"in {left}{_number_text(low)}, {_number_text(high)}{right}"
    if low is not None:
        return f"{'≥' if low_inclusive else '>'} {_number_text(low)}"
    if high is not None:
        return f"{'≤' if high_inclusive else '<'} {_number_text(high)}"
    return ""


def check_scalar(
    value,
    name,
    *,
    low=None,
    high=None,
    low_inclusive=True,
    high_inclusive=True,
    integer=False,
):
    """Return the hyperparameter ``value`` as a float (an int if ``integer``), within its bounds.

    Parameters
    ----------
    value : int or float (Python or NumPy scalar)
    name : str
        The parameter's name, as the caller wrote it; used in the message.
    low, high : float, optional
        Bounds; ``low_inclusive`` / ``high_inclusive`` say whether the bound itself is allowed.
    integer : bool, default False
        Require a whole number (2 or 2.0, returned as the int 2).

    Raises
    ------
    TypeError
        For anything that is not a real number, bools included (``True`` is not a learning rate).
    ValueError
        For NaN, ±inf, a non-whole number when ``integer``, or a value outside the bounds.

    >>> check_scalar(0.01, "learning_rate", low=0, low_inclusive=False)
    0.01
    >>> check_scalar(3.0, "epochs", low=1, integer=True)
    3
    >>> check_scalar(-0.1, "learning_rate", low=0, low_inclusive=False)
    Traceback (most recent call last):
    ...
    ValueError: 'learning_rate' must be > 0; got -0.1.
    >>> check_scalar(1.5, "rho", low=0, high=1, high_inclusive=False)
    Traceback (most recent call last):
    ...
    ValueError: 'rho' must be in [0, 1); got 1.5.
    >>> check_scalar("0.1", "learning_rate")
    Traceback (most recent call last):
    ...
    TypeError: 'learning_rate' must be a number; got '0.1'.
    """
    kind = "a whole number" if integer else "a number"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"'{name}' must be {kind}; got {describe(value)}.")
    if isinstance(value, np.generic):
        value = value.item()  # np.float64(0.1) → 0.1, so the message shows a plain number
    if not np.isfinite(value):
        raise ValueError(f"'{name}' must be a finite number; got {value!r}.")
    expected = _expectation(low, high, low_inclusive, high_inclusive)
    too_low = low is not None and (value < low if low_inclusive else value <= low)
    too_high = high is not None and (value > high if high_inclusive else value >= high)
    if too_low or too_high or (integer and not float(value).is_integer()):
        words = f"{kind} {expected}".strip() if integer else expected
        raise ValueError(f"'{name}' must be {words}; got {value!r}.")
    return int(value) if integer else float(value)


def check_in_range(value, name, low, high):
    """Return ``value`` if low ≤ value ≤ high (a widget slider's range), else raise a ValueError.

    >>> check_in_range(3, "x", -2.0, 2.0)
    Traceback (most recent call last):
    ...
    ValueError: 'x' must be within [-2, 2] (the slider's range); got 3.
    """
    number = float(as_float_array(value, name, ndim=0))
    if not low <= number <= high:
        raise ValueError(
            f"'{name}' must be within [{low:g}, {high:g}] (the slider's range); got {number:g}."
        )
    return value


def as_rng(rng):
    """A ``numpy.random.Generator`` from None (fresh entropy), an int seed, or a Generator.

    A Generator is returned as it is (not copied), so the caller's stream moves on; a seed
    gives the same numbers every run.

    >>> as_rng(0).integers(10, size=3)
    array([8, 6, 5])
    >>> generator = np.random.default_rng(1)
    >>> as_rng(generator) is generator
    True
    >>> as_rng(0.5)
    Traceback (most recent call last):
    ...
    TypeError: 'rng' must be None, an int seed or a numpy.random.Generator; got 0.5.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        return np.random.default_rng(check_scalar(rng, "rng", low=0, integer=True))
    raise TypeError(
        f"'rng' must be None, an int seed or a numpy.random.Generator; got {describe(rng)}."
    )


def check_dtype(dtype):
    """``dtype`` as one of the two float types networks use: "float32" or "float64".

    >>> check_dtype(np.float32)
    'float32'
    >>> check_dtype("float16")
    Traceback (most recent call last):
    ...
    ValueError: 'dtype' must be 'float32' or 'float64'; got 'float16'.
    """
    name = np.dtype(dtype).name if isinstance(dtype, (type, np.dtype)) else dtype
    if name not in ("float32", "float64"):
        raise ValueError(f"'dtype' must be 'float32' or 'float64'; got {describe(dtype)}.")
    return name


def check_layer_sizes(layer_sizes, name="layer_sizes"):
    """Return ``layer_sizes`` as a list of ints ≥ 1, at least two of them (input and output).

    >>> check_layer_sizes((3, 4, 2))
    [3, 4, 2]
    >>> check_layer_sizes([3, 0])
    Traceback (most recent call last):
    ...
    ValueError: 'layer_sizes' must be at least two whole numbers ≥ 1 (input, …, output); got [3, 0].
    """
    message = (
        f"'{name}' must be at least two whole numbers ≥ 1 (input, …, output); "
        f"got {describe(layer_sizes)}."
    )
    try:
        sizes = [int(n) for n in layer_sizes]
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if len(sizes) < 2 or any(n < 1 or n != m for n, m in zip(sizes, layer_sizes)):
        raise ValueError(message)
    return sizes


def as_labels(y, name="y", n_classes=None):
    """``y`` (n,) as an int64 array of class labels 0 … n_classes − 1, naming the first bad entry.

    >>> as_labels([0, 2, 1.0], n_classes=3)
    array([0, 2, 1])
    >>> as_labels([0, 3], n_classes=3)
    Traceback (most recent call last):
    ...
    ValueError: 'y[1]' must be a whole number in [0, 2]; got 3.0.
    """
    values = as_float_array(y, name, ndim=1)
    high = None if n_classes is None else n_classes - 1
    bad = (values < 0) | (values != np.round(values))
    if high is not None:
        bad |= values > high
    if bad.any():
        i = int(np.argmax(bad))
        check_scalar(values[i], f"{name}[{i}]", low=0, high=high, integer=True)  # raises
    return values.astype(np.int64)
