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

from nnlab._validation import as_float_array, check_choice, check_same_shape, scalar_or_array


def _elementwise(kernel):
    """The public form of ``kernel(z, **params)``: ``z`` validated once, a float for one number."""

    @functools.wraps(kernel)
    def public(z, **params):
        return scalar_or_array(kernel(as_float_array(z, "z", dtype=None), **params))

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


_RANGE_ENDS = ("()", "[)", "(]", "[]", "{}")


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
        Default keyword parameters, ``function(z, **params)`` (read-only; empty for these six,
        leaky_relu's ``negative_slope`` later).
    backward : callable
        ``backward(da, z, **params)`` = dL/dz; by default ``da · f'(z)``. An activation that
        mixes entries (softmax) brings its Jacobian-vector product here instead.
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

    @property
    def range_text(self):
        """The output range as the notes write it: "(0, 1)", "[0, ∞)", "{0, 1}"."""
        ends = [_bound_text(x) for x in self.output_range]
        return f"{self.range_ends[0]}{ends[0]}, {ends[1]}{self.range_ends[1]}"


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
        Activation("relu", relu, relu_derivative, (0.0, np.inf), "[)", keras="relu"),
    ]
}

# The course notes' other names for the same functions; menus list only the canonical names.
ALIASES = {
    "binary_sigmoid": "sigmoid",
    "logistic": "sigmoid",
    "identity": "linear",
    "threshold": "step",
    "heaviside": "step",
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
