"""Weight initializers (notebook 05 uses the default; notebook 06 compares them all).

Each initializer is called ``(shape, rng=None, dtype="float64")`` and returns a new array of
that shape drawn from the same distribution as the ``keras.initializers`` class of the same
name. For a kernel ``W`` of shape ``(n_in, n_out)``, fan_in = n_in and fan_out = n_out.

``INITIALIZERS`` maps each name to its function: the list menus and tests are built from.
"""

import math

import numpy as np

from nnlab._validation import as_rng, check_choice, describe


def _shape(shape):
    """``shape`` as a tuple of whole numbers ≥ 1: (3, 4), [3, 4] or a single 5 → (5,)."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else shape
    try:
        dims = tuple(dims)
        ok = len(dims) > 0 and all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1 for n in dims
        )
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(
            f"'shape' must be whole numbers ≥ 1, e.g. (n_in, n_out); got {describe(shape)}."
        )
    return tuple(int(n) for n in dims)


def _fans(shape):
    """(fan_in, fan_out) as Keras computes them: (n, n) for a vector, (rows, columns) for W."""
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def zeros(shape, rng=None, dtype="float64"):
    """W = 0: every unit starts identical, so (without another source of asymmetry) they stay so.

    >>> zeros((2, 3))
    array([[0., 0., 0.],
           [0., 0., 0.]])
    """
    return np.zeros(_shape(shape), dtype=dtype)


def glorot_uniform(shape, rng=None, dtype="float64"):
    """W ~ U(−limit, limit), limit = √(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010).

    Keras' default for Dense kernels: it keeps the variance of activations and of gradients
    roughly equal from layer to layer for tanh-like units.

    >>> W = glorot_uniform((3, 5), rng=0)
    >>> W.shape, bool(np.abs(W).max() <= np.sqrt(6 / 8))
    ((3, 5), True)
    """
    shape = _shape(shape)
    fan_in, fan_out = _fans(shape)
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return as_rng(rng).uniform(-limit, limit, size=shape).astype(dtype)


INITIALIZERS = {"zeros": zeros, "glorot_uniform": glorot_uniform}


def get_initializer(name):
    """The function ``INITIALIZERS[name]``; an unknown name gets a helpful error.

    >>> get_initializer("glorot_uniform").__name__
    'glorot_uniform'
    """
    return INITIALIZERS[check_choice(name, "initializer", INITIALIZERS)]
