"""Activation functions and their derivatives (notebook 01 introduces them, notebook 03 in depth).

Each activation ``f(z)`` is followed by ``f_derivative(z)`` = df/dz, both element-wise: an array
in gives an array of the same shape, a single number in gives a Python float out (also for a
float32 number: every float32 is exactly a float64). float32 arrays stay float32 and float64
arrays stay float64; anything else (ints, lists, float16) is computed in float64. Inputs are
never modified.

``ACTIVATIONS[name]`` is an :class:`Activation` record holding everything known about one
activation: function, derivative, backward rule, output range, its Keras twin or hand-worked
oracle, default parameters. It is the one list that widget menus, plots, the TensorFlow bridge
and the tests are built from, so an activation registered here is tested the moment it is added.
The course notes' other names (``binary_sigmoid``, ``identity``, …) are in ``ALIASES``.
"""

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from nnlab._validation import (
    as_float_array,
    check_choice,
    check_same_shape,
    check_scalar,
    scalar_or_array,
)


def _elementwise(kernel):
    """The public form of ``kernel(z, **params)``: ``z`` validated once, a float for one number."""

    @functools.wraps(kernel)
    def public(z, *args, **params):
        return scalar_or_array(kernel(as_float_array(z, "z", dtype=None), *args, **params))

    return public


@_elementwise
def linear(z):
    """Identity, f(z) = z. Output range (−∞, ∞).

    >>> linear(-1.25)
    -1.25
    """
    return z.copy()


@_elementwise
def linear_derivative(z):
    """f'(z) = 1."""
    return np.ones_like(z)


@_elementwise
def step(z):
    """Heaviside (threshold) step, f(z) = 1 if z ≥ 0 else 0. Output {0, 1}.

    The neuron "fires" (outputs 1) when its weighted sum reaches the threshold 0; a bias b
    moves the threshold to −b.

    >>> step([-0.5, 0.0, 2.0])
    array([0., 1., 1.])
    """
    return (z >= 0).astype(z.dtype)  # True → 1.0, False → 0.0, in z's float type


@_elementwise
def step_derivative(z):
    """f'(z) = 0 for z ≠ 0 (undefined at 0, taken as 0).

    No gradient flows through a step: why gradient descent needs smooth activations.
    """
    return np.zeros_like(z)


def _sigmoid(z):
    """σ(z) for a validated array: the kernel that sigmoid and hot loops share."""
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


@_elementwise
def sigmoid(z):
    """Binary (logistic) sigmoid, σ(z) = 1 / (1 + exp(−z)). Output (0, 1).

    Notes
    -----
    Computed from exp(−|z|), so huge |z| gives 0 or 1 without overflow warnings.

    >>> round(sigmoid(0.41), 4)
    0.6011
    """
    return _sigmoid(z)


@_elementwise
def sigmoid_derivative(z):
    """σ'(z) = σ(z)·(1 − σ(z)), at most 0.25 (at z = 0)."""
    s = _sigmoid(z)
    return s * (1 - s)


@_elementwise
def bipolar_sigmoid(z):
    """Bipolar sigmoid, f(z) = 2 / (1 + exp(−z)) − 1 = 2σ(z) − 1. Output (−1, 1).

    Notes
    -----
    Equal to tanh(z / 2), which is how it is computed: stable for any z.

    >>> round(bipolar_sigmoid(1.192), 4)
    0.5342
    """
    return np.tanh(z / 2)


@_elementwise
def bipolar_sigmoid_derivative(z):
    """f'(z) = (1 − f(z)²) / 2, at most 0.5 (at z = 0)."""
    f = np.tanh(z / 2)
    return (1 - f * f) / 2


@_elementwise
def tanh(z):
    """Hyperbolic tangent, tanh(z) = (e^z − e^−z) / (e^z + e^−z) = 2σ(2z) − 1. Output (−1, 1).

    >>> tanh(0.0)
    0.0
    """
    return np.tanh(z)


@_elementwise
def tanh_derivative(z):
    """tanh'(z) = 1 − tanh(z)², at most 1 (at z = 0)."""
    t = np.tanh(z)
    return 1 - t * t


@_elementwise
def relu(z):
    """Rectified linear unit, f(z) = max(0, z). Output [0, ∞).

    >>> relu([-2.0, 3.0])
    array([0., 3.])
    """
    return np.maximum(z, 0.0)


@_elementwise
def relu_derivative(z):
    """f'(z) = 1 if z > 0 else 0 (0 at z = 0, as TensorFlow takes it)."""
    return (z > 0).astype(z.dtype)


@_elementwise
def hard_tanh(z):
    """Hard tanh, f(z) = min(max(z, −1), 1): tanh's cheap piecewise-linear twin. Output [−1, 1].

    Typical use: hidden layers where tanh's exponentials cost too much (low-power devices).
    Outside [−1, 1] it is flat, so no gradient flows there at all.

    >>> hard_tanh([-3.0, 0.5, 2.0])
    array([-1. ,  0.5,  1. ])
    """
    return np.clip(z, -1.0, 1.0)


@_elementwise
def hard_tanh_derivative(z):
    """f'(z) = 1 for −1 ≤ z ≤ 1, else 0 (1 at the corners ±1, as TensorFlow's clip takes it)."""
    return (np.abs(z) <= 1).astype(z.dtype)


def _slope(value, name):
    """A non-negative slope parameter (leaky_relu's negative_slope, elu's alpha), validated."""
    return check_scalar(value, name, low=0)


@_elementwise
def leaky_relu(z, negative_slope=0.2):
    """Leaky ReLU, f(z) = z if z > 0 else negative_slope·z. Output (−∞, ∞).

    Typical use: hidden layers, where a small slope for z < 0 keeps "dead" ReLU units learning.
    ``negative_slope`` defaults to 0.2, the default of the function
    ``keras.activations.leaky_relu``; note that Keras' ``LeakyReLU`` *layer* defaults to 0.3.

    >>> leaky_relu([-2.0, 3.0])
    array([-0.4,  3. ])
    """
    slope = _slope(negative_slope, "negative_slope")
    return np.where(z > 0, z, slope * z)


@_elementwise
def leaky_relu_derivative(z, negative_slope=0.2):
    """f'(z) = 1 if z > 0 else negative_slope (negative_slope at 0, as TensorFlow takes it)."""
    slope = _slope(negative_slope, "negative_slope")
    return np.where(z > 0, 1.0, slope).astype(z.dtype)


@_elementwise
def elu(z, alpha=1.0):
    """Exponential linear unit, f(z) = z if z > 0 else alpha·(e^z − 1). Output (−alpha, ∞).

    Typical use: hidden layers; smooth for z < 0 and saturating at −alpha, so mean outputs
    sit closer to zero than ReLU's.

    Notes
    -----
    Computed with expm1 on min(z, 0): accurate near 0 and no overflow for huge z.

    >>> round(elu(-1.0), 6)
    -0.632121
    """
    alpha = _slope(alpha, "alpha")
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))


@_elementwise
def elu_derivative(z, alpha=1.0):
    """f'(z) = 1 if z > 0 else alpha·e^z (alpha at 0, as TensorFlow takes it)."""
    alpha = _slope(alpha, "alpha")
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0))).astype(z.dtype)


# SELU's constants (Klambauer et al., 2017): with them, layers keep mean 0 and variance 1.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


@_elementwise
def selu(z):
    """Scaled ELU, f(z) = scale·(z if z > 0 else alpha·(e^z − 1)). Output (−1.7581, ∞).

    alpha ≈ 1.6733 and scale ≈ 1.0507 are fixed (``SELU_ALPHA``, ``SELU_SCALE``). Typical use:
    deep plain stacks of Dense layers with LeCun-normal weights, which then normalise
    themselves (Klambauer et al., 2017, "Self-Normalizing Neural Networks").

    >>> round(selu(1.0), 6)
    1.050701
    """
    return SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0)))


@_elementwise
def selu_derivative(z):
    """f'(z) = scale if z ≥ 0 else scale·alpha·e^z (scale at 0, as TensorFlow takes it)."""
    slope = np.where(z < 0, SELU_ALPHA * np.exp(np.minimum(z, 0)), 1.0)
    return (SELU_SCALE * slope).astype(z.dtype)


@_elementwise
def swish(z):
    """Swish (SiLU), f(z) = z·σ(z). Output [−0.2785, ∞) (the minimum is at z ≈ −1.2785).

    Typical use: hidden layers of deep networks (Ramachandran et al., 2017); smooth and, unlike
    ReLU, slightly negative for z < 0, so units do not die.

    >>> round(swish(1.0), 6)
    0.731059
    """
    return z * _sigmoid(z)


# min z·σ(z), at the z where its derivative σ(z)·(1 + z·(1 − σ(z))) is 0 (z ≈ −1.27846).
SWISH_MINIMUM = -0.2784645427610738


@_elementwise
def swish_derivative(z):
    """f'(z) = σ(z) + z·σ(z)·(1 − σ(z)) = σ(z)·(1 + z·(1 − σ(z)))."""
    s = _sigmoid(z)
    return s * (1 + z * (1 - s))


@_elementwise
def softplus(z):
    """Softplus, f(z) = log(1 + e^z): a smooth ReLU. Output (0, ∞).

    Typical use: where an output must be positive (a standard deviation, a rate).

    Notes
    -----
    Computed as max(z, 0) + log(1 + e^−|z|): never overflows, exact for large |z|.

    >>> round(softplus(0.0), 6)
    0.693147
    """
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


@_elementwise
def softplus_derivative(z):
    """f'(z) = σ(z): the derivative of softplus is the sigmoid."""
    return _sigmoid(z)


def _softmax_input(z, axis):
    """``z`` as a float array of at least 1 dimension and ``axis`` as a valid axis of it."""
    z = as_float_array(z, "z", dtype=None)
    if z.ndim == 0:
        raise ValueError(
            "'z' must be an array of scores (softmax needs at least 2 to compare); got one number."
        )
    axis = check_scalar(axis, "axis", low=-z.ndim, high=z.ndim - 1, integer=True)
    return z, axis


def _softmax(z, axis):
    """Softmax of a validated array: shifted by the maximum, so exp never overflows."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))  # largest entry → e^0 = 1
    return e / e.sum(axis=axis, keepdims=True)


def softmax(z, axis=-1):
    """softmax(z)_i = e^(z_i) / Σ_j e^(z_j), along ``axis``. Each entry in (0, 1), summing to 1.

    Typical use: the output layer of a multi-class classifier, turning one score (logit) per
    class into probabilities. Not element-wise: each output depends on every score along
    ``axis`` (each row of a batch, by default).

    Parameters
    ----------
    z : array_like, at least 1-D, e.g. (n_samples, n_classes)
    axis : int, default -1
        The axis holding the classes.

    Returns
    -------
    ndarray, the shape of ``z`` (float32 stays float32).

    Notes
    -----
    Adding a constant to every score changes nothing, so the row maximum is subtracted first:
    e^(z − max z) ≤ 1 never overflows, and scores of 1e4 work.

    >>> softmax([1.0, 2.0, 3.0]).round(4)
    array([0.09  , 0.2447, 0.6652])
    """
    z, axis = _softmax_input(z, axis)
    return _softmax(z, axis)


def softmax_derivative(z, axis=-1):
    """The Jacobian ∂s_i/∂z_j = s_i·(δ_ij − s_j) of s = softmax(z), one k × k matrix per row.

    Returns an array of shape ``(..., k, k)``: the axes of ``z`` other than ``axis`` (in order),
    then i, then j. Each matrix is symmetric, and its rows sum to 0 (the outputs always sum to 1).
    Backpropagation never builds it: see :func:`softmax_backward`.

    >>> softmax_derivative([0.0, 0.0]).round(2)
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    z, axis = _softmax_input(z, axis)
    s = np.moveaxis(_softmax(z, axis), axis, -1)  # (..., k)
    return s[..., :, None] * (np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :])


def softmax_backward(da, z, axis=-1):
    """dL/dz = s ⊙ (da − Σ_j da_j·s_j): the Jacobian-vector product, without the k × k Jacobian.

    Parameters
    ----------
    da : array_like, the shape of ``z``
        dL/ds, the gradient arriving from the loss.
    z : array_like
        The scores the forward pass saw.

    Notes
    -----
    The softmax + cross-entropy shortcut: with L = −Σ y_i·log s_i (one-hot y), da = −y/s and
    this becomes dL/dz = s − y. Computing the loss from the scores ("from logits") gives
    that directly, which is why frameworks fuse the two: simpler, and stable even when some
    s_i rounds to 0.

    >>> softmax_backward([0.0, -2.0], [0.0, 0.0])  # y = (0, 1), s = (0.5, 0.5): s − y
    array([ 0.5, -0.5])
    """
    z, axis = _softmax_input(z, axis)
    da = as_float_array(da, "da", dtype=None)
    check_same_shape(z, da, "z", "da")
    return _softmax_backward(da, z, axis)


def _softmax_backward(da, z, axis=-1):
    """softmax_backward on validated arrays (the network engine's hot loop)."""
    s = _softmax(z, axis)
    return s * (da - (da * s).sum(axis=axis, keepdims=True))


def _chain_rule(derivative):
    """backward(da, z) = da · f'(z): the chain rule for an element-wise f, one entry at a time."""

    def backward(da, z, **params):
        """dL/dz = da · f'(z), element-wise.

        Parameters
        ----------
        da : array_like, any shape
            dL/da, the gradient arriving from the layer above.
        z : array_like, same shape as ``da``
            The pre-activation the forward pass saw.

        Returns
        -------
        ndarray of that shape (float32 when both are float32), or a float for single numbers.
        """
        z = as_float_array(z, "z", dtype=None)
        da = as_float_array(da, "da", dtype=None)
        check_same_shape(z, da, "z", "da")
        return scalar_or_array(da * derivative(z, **params))

    return backward


def _chain_rule_kernel(derivative):
    """backward(da, z) = da · f'(z) on validated arrays: no checks, so NaN and inf pass through."""
    derivative = getattr(derivative, "__wrapped__", derivative)  # the kernel under _elementwise

    def backward(da, z, **params):
        return da * derivative(z, **params)

    return backward


_RANGE_ENDS = ("()", "[)", "(]", "[]", "{}")
# An input is "saturated" where |f'| is at most this fraction of its peak (Activation.saturated).
SATURATION = 0.05
_PEAK_GRID = np.linspace(-20.0, 20.0, 8001)  # f' peaks well inside it for every activation


@dataclass(frozen=True)
class Activation:
    """Everything the course knows about one activation; build from it, never from a second list.

    Attributes
    ----------
    name : str
        The canonical name, the key in ``ACTIVATIONS``.
    function, derivative : callable
        ``f(z, **params)`` and ``f'(z, **params)``, element-wise.
    output_range : (float, float)
        ``(low, high)``, with ``-np.inf`` / ``np.inf`` where there is no bound.
    range_ends : str
        Interval notation for the ends: ``"()"`` never reached (a float may still round onto
        them: sigmoid(40.0) == 1.0), ``"[)"`` low end reached, … ``"{}"`` only the two values.
    keras : str or None
        The name of the Keras twin in ``keras.activations``, or None if Keras has none.
    oracle : str or None
        When ``keras`` is None: the hand-worked oracle the tests implement instead, in words
        ("z >= 0 cast to float"). A record has exactly one of the two.
    params : mapping
        Default keyword parameters, ``function(z, **params)`` (read-only): leaky_relu's
        ``negative_slope``, elu's ``alpha``, softmax's ``axis``; empty for the others.
    backward : callable
        ``backward(da, z, **params)`` = dL/dz; by default ``da · f'(z)``. An activation that
        mixes entries (softmax) brings its Jacobian-vector product here instead.
    kernel, backward_kernel : callable
        ``function`` and ``backward`` without input checks, for float arrays that are already
        valid: what the network engine calls for every batch. Faster, and a NaN or inf passes
        through instead of raising, so training can stop and report the divergence itself.
    elementwise : bool
        True when each output depends on its own input only, so ``derivative`` has the shape
        of ``z``. False for softmax, whose ``derivative`` is a Jacobian; menus that show one
        neuron's curve list the element-wise activations only.
    """

    name: str
    function: Callable = field(repr=False)
    derivative: Callable = field(repr=False)
    output_range: tuple[float, float]
    range_ends: str = "()"
    keras: str | None = None
    oracle: str | None = None
    params: Mapping = field(default_factory=dict)
    backward: Callable | None = field(default=None, repr=False)
    elementwise: bool = True
    kernel: Callable | None = field(default=None, repr=False)
    backward_kernel: Callable | None = field(default=None, repr=False)

    def __post_init__(self):
        if (self.keras is None) == (self.oracle is None):
            raise ValueError(
                f"Activation {self.name!r} needs exactly one of 'keras' (its Keras twin) and "
                f"'oracle' (a hand-worked oracle); got keras={self.keras!r}, "
                f"oracle={self.oracle!r}."
            )
        low, high = (float(x) for x in self.output_range)
        if not low < high or self.range_ends not in _RANGE_ENDS:
            raise ValueError(
                f"Activation {self.name!r}: 'output_range' must be (low, high) with low < high and "
                f"'range_ends' one of {_RANGE_ENDS}; got {self.output_range}, {self.range_ends!r}."
            )
        object.__setattr__(self, "output_range", (low, high))
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        if self.backward is None:
            object.__setattr__(self, "backward", _chain_rule(self.derivative))
        if self.kernel is None:  # the function under its _elementwise checks
            object.__setattr__(self, "kernel", getattr(self.function, "__wrapped__", self.function))
        if self.backward_kernel is None:
            object.__setattr__(self, "backward_kernel", _chain_rule_kernel(self.derivative))

    def __reduce__(self):
        """Copies and pickles refer to the registry entry by name (its params are read-only),
        so ``copy.deepcopy(network)`` and ``pickle.dumps(network)`` work."""
        return get_activation, (self.name,)

    @property
    def range_text(self):
        """The output range as the notes write it: "(0, 1)", "[0, ∞)", "{0, 1}"."""
        ends = [_bound_text(x) for x in self.output_range]
        return f"{self.range_ends[0]}{ends[0]}, {ends[1]}{self.range_ends[1]}"

    def saturated(self, z, **params):
        """True where f is saturated: |f'(z)| ≤ ``SATURATION`` × the largest |f'| anywhere.

        There the gradient that reaches the layer below has (nearly) vanished: sigmoid for
        |z| ≳ 4.4, tanh for |z| ≳ 2.2, ReLU for z ≤ 0 (a "dead" input: f' is exactly 0), the
        step everywhere. Linear and leaky ReLU never saturate. Element-wise activations only.

        >>> ACTIVATIONS["sigmoid"].saturated([0.0, 4.0, 5.0, -5.0])
        array([False, False,  True,  True])
        """
        if not self.elementwise:
            raise ValueError(
                f"'activation' must be element-wise to have saturated inputs; got {self.name!r}."
            )
        params = {**self.params, **params}
        peak = np.abs(self.derivative(_PEAK_GRID, **params)).max()
        return np.abs(self.derivative(z, **params)) <= SATURATION * peak


def _bound_text(x):
    """0.0 → "0", -1.0 → "−1", inf → "∞" (with the minus sign the notes use)."""
    text = "∞" if np.isinf(x) else f"{x:g}"
    return ("−" + text.lstrip("-")) if x < 0 else text


ACTIVATIONS = {
    record.name: record
    for record in [
        Activation("linear", linear, linear_derivative, (-np.inf, np.inf), keras="linear"),
        Activation("step", step, step_derivative, (0.0, 1.0), "{}", oracle="z >= 0 cast to float"),
        Activation("sigmoid", sigmoid, sigmoid_derivative, (0.0, 1.0), keras="sigmoid"),
        Activation(
            "bipolar_sigmoid",
            bipolar_sigmoid,
            bipolar_sigmoid_derivative,
            (-1.0, 1.0),
            oracle="2·sigmoid(z) − 1",
        ),
        Activation("tanh", tanh, tanh_derivative, (-1.0, 1.0), keras="tanh"),
        Activation(
            "hard_tanh", hard_tanh, hard_tanh_derivative, (-1.0, 1.0), "[]", keras="hard_tanh"
        ),
        Activation("relu", relu, relu_derivative, (0.0, np.inf), "[)", keras="relu"),
        Activation(
            "leaky_relu",
            leaky_relu,
            leaky_relu_derivative,
            (-np.inf, np.inf),
            keras="leaky_relu",
            params={"negative_slope": 0.2},
        ),
        Activation("elu", elu, elu_derivative, (-1.0, np.inf), keras="elu", params={"alpha": 1.0}),
        Activation("selu", selu, selu_derivative, (-SELU_SCALE * SELU_ALPHA, np.inf), keras="selu"),
        Activation("swish", swish, swish_derivative, (SWISH_MINIMUM, np.inf), "[)", keras="swish"),
        Activation("softplus", softplus, softplus_derivative, (0.0, np.inf), keras="softplus"),
        Activation(
            "softmax",
            softmax,
            softmax_derivative,
            (0.0, 1.0),
            keras="softmax",
            params={"axis": -1},
            backward=softmax_backward,
            elementwise=False,
            kernel=_softmax,
            backward_kernel=_softmax_backward,
        ),
    ]
}

# The element-wise activations, in course order: the menus of widgets that draw one curve.
ELEMENTWISE = tuple(name for name, record in ACTIVATIONS.items() if record.elementwise)

# The course notes' other names for the same functions; menus list only the canonical names.
ALIASES = {
    "binary_sigmoid": "sigmoid",
    "logistic": "sigmoid",
    "identity": "linear",
    "threshold": "step",
    "heaviside": "step",
    "hardtanh": "hard_tanh",
    "leakyrelu": "leaky_relu",
    "silu": "swish",
}


def get_activation(name):
    """The record ``ACTIVATIONS[name]``; aliases resolve; an unknown name gets a helpful error.

    >>> get_activation("tanh").range_text
    '(−1, 1)'
    >>> get_activation("binary_sigmoid").name
    'sigmoid'
    >>> get_activation("relu").output_range
    (0.0, inf)
    """
    return ACTIVATIONS[check_choice(name, "activation", ACTIVATIONS, ALIASES)]
