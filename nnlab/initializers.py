"""Weight initializers (notebook 05 uses the default; notebook 06 compares them all).

Each initializer is called ``(shape, rng=None, dtype="float64", **params)`` and returns a new
array of that shape drawn from the same distribution as the ``keras.initializers`` function of
the same name, with Keras' parameter names and defaults. For a kernel ``W`` of shape
``(n_in, n_out)``, fan_in = n_in and fan_out = n_out; fans of other shapes follow Keras'
``compute_fans`` (a vector (n,): n and n; a conv kernel (k, k, c_in, c_out): k·k·c_in, k·k·c_out).

The scaled schemes (Glorot, He, LeCun) choose Var(W) = scale / n, with n = fan_in, or
(fan_in + fan_out) / 2 for Glorot, so that a layer keeps the variance of what flows through
it. Their "normal" versions are, as in Keras, *truncated* normals: drawn from N(0, s²) and
redrawn outside ±2s, with s = √(scale / n) / 0.8796 so that the variance after truncation is
still scale / n (0.8796 is the standard deviation of N(0, 1) truncated at ±2). Floats are drawn
in float64 and rounded once, so ``dtype="float32"`` gives the float64 draw rounded.

Parameters shared by every initializer:

- ``shape`` : tuple of ints ≥ 1 (a single int n means (n,)): the shape of W, e.g. (n_in, n_out);
- ``rng`` : None, int seed or ``numpy.random.Generator`` (the same seed, the same W);
- ``dtype`` : "float64" (default) or "float32";
- returns a new ndarray of that shape and dtype.

``INITIALIZERS[name]`` is an :class:`Initializer` record (the function, its Keras twin, the
distribution, Var(W) as a formula and a function of the fans, the activations it suits), the
one list menus, tables and tests are built from. A record is callable like its function.
PyTorch's and the notes' other names (``xavier_uniform``, ``kaiming_normal``, …) are in ``ALIASES``.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from nnlab._validation import as_rng, check_choice, check_dtype, check_scalar, describe

# Standard deviation of N(0, 1) truncated to [−2, 2]: √(1 − 4φ(2) / (Φ(2) − Φ(−2))). Keras
# divides by it, so a truncated normal keeps the variance asked for.
TRUNCATED_STDDEV = 0.87962566103423978


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


def _scaled_variance(scale, mode, fan_in, fan_out):
    """Var(W) = scale / n of Keras' VarianceScaling, n chosen by ``mode``."""
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    return scale / max(1.0, n)


def _truncated_normal(rng, shape, stddev):
    """N(0, stddev²) restricted to ±2·stddev: draws outside are drawn again, as TensorFlow does."""
    z = rng.standard_normal(shape)
    outside = np.abs(z) > 2
    while outside.any():  # about 4.6 % of draws the first time, 0.2 % the second, …
        z[outside] = rng.standard_normal(np.count_nonzero(outside))
        outside = np.abs(z) > 2
    return stddev * z


def _variance_scaling(shape, rng, dtype, scale, mode, distribution):
    """The Glorot, He and LeCun schemes: a uniform or truncated normal with Var(W) = scale / n."""
    shape, dtype = _shape(shape), check_dtype(dtype)
    variance = _scaled_variance(scale, mode, *_fans(shape))
    if distribution == "uniform":
        limit = math.sqrt(3 * variance)  # Var(U(−a, a)) = a² / 3
        W = as_rng(rng).uniform(-limit, limit, size=shape)
    else:
        W = _truncated_normal(as_rng(rng), shape, math.sqrt(variance) / TRUNCATED_STDDEV)
    return W.astype(dtype, copy=False)


def zeros(shape, rng=None, dtype="float64"):
    """W = 0: every unit starts identical, so (without another source of asymmetry) they stay so.

    >>> zeros((2, 3))
    array([[0., 0., 0.],
           [0., 0., 0.]])
    """
    return np.zeros(_shape(shape), dtype=check_dtype(dtype))


def random_normal(shape, rng=None, dtype="float64", mean=0.0, stddev=0.05):
    """W ~ N(mean, stddev²), not truncated: Var(W) = stddev², whatever the layer's size.

    Parameters
    ----------
    mean : float, default 0.0
    stddev : float > 0, default 0.05 (Keras' defaults)

    >>> W = random_normal((100, 100), rng=0)
    >>> round(float(W.std()), 3)
    0.05
    """
    mean = check_scalar(mean, "mean")
    stddev = check_scalar(stddev, "stddev", low=0, low_inclusive=False)
    shape, dtype = _shape(shape), check_dtype(dtype)
    return as_rng(rng).normal(mean, stddev, size=shape).astype(dtype, copy=False)


def random_uniform(shape, rng=None, dtype="float64", minval=-0.05, maxval=0.05):
    """W ~ U(minval, maxval): Var(W) = (maxval − minval)² / 12, whatever the layer's size.

    Parameters
    ----------
    minval, maxval : float, minval < maxval, default −0.05 and 0.05 (Keras' defaults)
        The interval [minval, maxval).

    >>> W = random_uniform((100, 100), rng=0)
    >>> bool(W.min() >= -0.05 and W.max() < 0.05)
    True
    """
    minval = check_scalar(minval, "minval")
    maxval = check_scalar(maxval, "maxval", low=minval, low_inclusive=False)
    shape, dtype = _shape(shape), check_dtype(dtype)
    return as_rng(rng).uniform(minval, maxval, size=shape).astype(dtype, copy=False)


def glorot_uniform(shape, rng=None, dtype="float64"):
    """W ~ U(−limit, limit), limit = √(6 / (fan_in + fan_out)): Var(W) = 2 / (fan_in + fan_out).

    Glorot & Bengio (2010), "Xavier": Keras' default for Dense kernels. It keeps the variance of
    activations (forward) and of gradients (backward) roughly equal from layer to layer for
    tanh-like units, compromising between fan_in and fan_out.

    >>> W = glorot_uniform((3, 5), rng=0)
    >>> W.shape, bool(np.abs(W).max() <= np.sqrt(6 / 8))
    ((3, 5), True)
    """
    return _variance_scaling(shape, rng, dtype, 1.0, "fan_avg", "uniform")


def glorot_normal(shape, rng=None, dtype="float64"):
    """W ~ N(0, s²) truncated at ±2s, s = σ / 0.8796, σ² = Var(W) = 2 / (fan_in + fan_out).

    Glorot & Bengio (2010), "Xavier normal". (PyTorch's ``xavier_normal_`` has the same
    variance but does not truncate.)

    >>> W = glorot_normal((300, 200), rng=0)
    >>> round(float(W.var() * (300 + 200) / 2), 2)  # Var(W) / (2 / (fan_in + fan_out))
    1.0
    """
    return _variance_scaling(shape, rng, dtype, 1.0, "fan_avg", "truncated_normal")


def he_normal(shape, rng=None, dtype="float64"):
    """W ~ N(0, s²) truncated at ±2s, s = σ / 0.8796, σ² = Var(W) = 2 / fan_in.

    He et al. (2015), "Kaiming": ReLU zeroes half its inputs, halving the variance each layer;
    twice Glorot's fan_in variance makes up for it. (PyTorch's ``kaiming_normal_`` has the same
    variance but does not truncate.)

    >>> W = he_normal((784, 128), rng=0)
    >>> round(float(W.var() * 784 / 2), 2)  # Var(W) / (2 / fan_in)
    1.0
    >>> bool(np.abs(W).max() <= 2 * np.sqrt(2 / 784) / 0.8796)  # within ±2s
    True
    """
    return _variance_scaling(shape, rng, dtype, 2.0, "fan_in", "truncated_normal")


def he_uniform(shape, rng=None, dtype="float64"):
    """W ~ U(−limit, limit), limit = √(6 / fan_in): Var(W) = 2 / fan_in (He et al., 2015).

    >>> bool(np.abs(he_uniform((6, 4), rng=0)).max() <= 1.0)  # limit = √(6 / 6)
    True
    """
    return _variance_scaling(shape, rng, dtype, 2.0, "fan_in", "uniform")


def lecun_normal(shape, rng=None, dtype="float64"):
    """W ~ N(0, s²) truncated at ±2s, s = σ / 0.8796, σ² = Var(W) = 1 / fan_in.

    LeCun et al. (1998); with SELU it makes a self-normalising network (Klambauer et al., 2017).

    >>> W = lecun_normal((500, 400), rng=0)
    >>> round(float(W.var() * 500), 2)
    1.0
    """
    return _variance_scaling(shape, rng, dtype, 1.0, "fan_in", "truncated_normal")


def lecun_uniform(shape, rng=None, dtype="float64"):
    """W ~ U(−limit, limit), limit = √(3 / fan_in): Var(W) = 1 / fan_in (LeCun et al., 1998).

    >>> bool(np.abs(lecun_uniform((3, 4), rng=0)).max() <= 1.0)  # limit = √(3 / 3)
    True
    """
    return _variance_scaling(shape, rng, dtype, 1.0, "fan_in", "uniform")


DISTRIBUTIONS = ("constant", "normal", "uniform", "truncated_normal")


@dataclass(frozen=True)
class Initializer:
    """Everything the course knows about one initializer; build from it, never from a second list.

    Calling the record calls its function: ``INITIALIZERS["he_normal"]((784, 128), rng=0)``.

    Attributes
    ----------
    name : str
        The canonical name, the key in ``INITIALIZERS``.
    function : callable
        ``function(shape, rng=None, dtype="float64", **params)`` → W.
    keras : str
        Its twin, ``keras.initializers.get(keras)`` (every initializer here has one).
    distribution : str
        One of ``DISTRIBUTIONS``: "normal" is untruncated, "truncated_normal" is redrawn
        outside ±2 pre-truncation stddevs (Keras' VarianceScaling calls that one "normal").
    mode, scale : str and float, or None
        Keras' VarianceScaling settings, Var(W) = scale / n with n = fan_in ("fan_in") or
        (fan_in + fan_out) / 2 ("fan_avg"); None for schemes that ignore the layer's size.
    suits : tuple of str
        The activations (names in ``ACTIVATIONS``) it is designed for; empty if none.
    reference : str
        The paper, or why there is none.
    params : mapping
        Default keyword parameters under Keras' names (read-only): random_normal's ``mean`` and
        ``stddev``, random_uniform's ``minval`` and ``maxval``; empty for the others.
    """

    name: str
    function: Callable = field(repr=False)
    keras: str
    distribution: str
    mode: str | None = None
    scale: float | None = None
    suits: tuple[str, ...] = ()
    reference: str = ""
    params: Mapping = field(default_factory=dict)

    def __post_init__(self):
        check_choice(self.distribution, "distribution", DISTRIBUTIONS)
        if self.mode is not None:
            check_choice(self.mode, "mode", ("fan_in", "fan_out", "fan_avg"))
        object.__setattr__(self, "suits", tuple(self.suits))
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __call__(self, shape, rng=None, dtype="float64", **params):
        return self.function(shape, rng=rng, dtype=dtype, **params)

    def __reduce__(self):
        """Copies and pickles refer to the registry entry by name (its params are read-only)."""
        return get_initializer, (self.name,)

    def mean(self, **params):
        """E[W]: random_normal's ``mean``, random_uniform's midpoint, else 0."""
        params = {**self.params, **params}
        if "mean" in params:
            return float(params["mean"])
        if "minval" in params:
            return (params["minval"] + params["maxval"]) / 2
        return 0.0

    def variance(self, fan_in, fan_out, **params):
        """Var(W) for a layer with these fans (parameters: the record's defaults, or given).

        >>> INITIALIZERS["glorot_uniform"].variance(300, 200)  # 2 / (300 + 200)
        0.004
        """
        params = {**self.params, **params}
        if self.mode is not None:
            return _scaled_variance(self.scale, self.mode, fan_in, fan_out)
        if "stddev" in params:
            return params["stddev"] ** 2
        if "minval" in params:
            return (params["maxval"] - params["minval"]) ** 2 / 12  # Var(U(a, b))
        return 0.0

    @property
    def variance_formula(self):
        """Var(W) as the notes write it: "2 / fan_in", "2 / (fan_in + fan_out)", "stddev²", …"""
        if self.mode == "fan_avg":
            return f"{2 * self.scale:g} / (fan_in + fan_out)"
        if self.mode is not None:
            return f"{self.scale:g} / {self.mode}"
        if "stddev" in self.params:
            return "stddev²"
        if "minval" in self.params:
            return "(maxval − minval)² / 12"
        return "0"


_TANH_LIKE = ("tanh", "sigmoid", "softmax", "linear")
_RELU_FAMILY = ("relu", "leaky_relu", "elu", "swish")
_GLOROT, _HE, _LECUN = "Glorot & Bengio, 2010", "He et al., 2015", "LeCun et al., 1998"


def _scaled(name, function, distribution, mode, scale, suits, reference):
    """A Glorot, He or LeCun record: Keras' VarianceScaling(scale, mode, distribution)."""
    return Initializer(name, function, name, distribution, mode, scale, suits, reference)


INITIALIZERS = {
    record.name: record
    for record in [
        Initializer("zeros", zeros, "zeros", "constant", reference="none (the symmetry problem)"),
        Initializer(
            "random_normal",
            random_normal,
            "random_normal",
            "normal",
            reference="none (a fixed scale, blind to the layer's size)",
            params={"mean": 0.0, "stddev": 0.05},
        ),
        Initializer(
            "random_uniform",
            random_uniform,
            "random_uniform",
            "uniform",
            reference="none (a fixed scale, blind to the layer's size)",
            params={"minval": -0.05, "maxval": 0.05},
        ),
        _scaled("glorot_uniform", glorot_uniform, "uniform", "fan_avg", 1.0, _TANH_LIKE, _GLOROT),
        _scaled(
            "glorot_normal", glorot_normal, "truncated_normal", "fan_avg", 1.0, _TANH_LIKE, _GLOROT
        ),
        _scaled("he_normal", he_normal, "truncated_normal", "fan_in", 2.0, _RELU_FAMILY, _HE),
        _scaled("he_uniform", he_uniform, "uniform", "fan_in", 2.0, _RELU_FAMILY, _HE),
        _scaled("lecun_normal", lecun_normal, "truncated_normal", "fan_in", 1.0, ("selu",), _LECUN),
        _scaled("lecun_uniform", lecun_uniform, "uniform", "fan_in", 1.0, ("selu",), _LECUN),
    ]
}

# PyTorch's names (torch.nn.init.xavier_uniform_, kaiming_normal_, …) and the notes' short ones.
ALIASES = {
    "xavier_uniform": "glorot_uniform",
    "xavier_normal": "glorot_normal",
    "kaiming_normal": "he_normal",
    "kaiming_uniform": "he_uniform",
    "normal": "random_normal",
    "uniform": "random_uniform",
    "zero": "zeros",
}


def get_initializer(name):
    """The record ``INITIALIZERS[name]``, callable like its function; aliases resolve.

    >>> get_initializer("kaiming_normal").name
    'he_normal'
    >>> get_initializer("he_normal").variance_formula
    '2 / fan_in'
    >>> get_initializer("zeros")((1, 2))
    array([[0., 0.]])
    """
    return INITIALIZERS[check_choice(name, "initializer", INITIALIZERS, ALIASES)]
