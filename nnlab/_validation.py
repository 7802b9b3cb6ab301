"""Input checks at nnlab's public boundary: the one place user-input errors are worded.

Used by every module. Each message names the parameter, says what was expected and what was
received, so a student can fix the call without reading the traceback::

    'w' must have 3 entries, one per feature of 'x'; got 2.

Internal code trusts its inputs; only public functions call these helpers.
"""

import difflib
from collections.abc import Iterable

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
    dtype : numpy dtype, default float64

    Returns
    -------
    ndarray
        ``value`` itself when it already is such an array (never modified), else a new array.

    >>> as_float_array([1, 2], "x")
    array([1., 2.])
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
    if not np.isfinite(array).all():
        what = "NaN" if np.isnan(array).any() else "an infinite value"
        raise ValueError(
            f"'{name}' must contain only finite numbers; got {what} in {describe(value)}."
        )
    return array


def scalar_or_array(array):
    """A 0-D result as a Python float (prints as ``0.5``), anything else unchanged."""
    return float(array) if np.ndim(array) == 0 else array


def check_choice(value, name, choices: Iterable[str]):
    """Return ``value`` if it is one of ``choices``; otherwise say which names exist.

    >>> check_choice("sigmoid", "activation", ["sigmoid", "tanh"])
    'sigmoid'
    >>> check_choice("sigmod", "activation", ["sigmoid", "tanh"])
    Traceback (most recent call last):
    ...
    ValueError: 'activation' must be one of 'sigmoid', 'tanh'; got 'sigmod'. Did you mean 'sigmoid'?
    """
    choices = list(choices)
    listed = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"'{name}' must be one of {listed}; got {describe(value)}.")
    if value not in choices:
        close = difflib.get_close_matches(value, choices, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"'{name}' must be one of {listed}; got {value!r}.{hint}")
    return value


def check_size(size, name, expected, why):
    """Raise unless ``size == expected``; ``why`` says what the size must match."""
    if size != expected:
        raise ValueError(f"'{name}' must have {expected} {why}; got {size}.")


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
