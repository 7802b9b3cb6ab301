"""Activation functions and their derivatives (notebook 01 introduces them, notebook 03 in depth).

Each activation ``f(z)`` is followed by ``f_derivative(z)`` = df/dz, both element-wise: a number
in gives a float out, an array in gives an array of the same shape. ``ACTIVATIONS[name]`` holds
the pair and the output range; it is the one list that widget menus and tests are built from, so
an activation registered here is tested against TensorFlow the moment it is added.
"""

import functools
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from nnlab._validation import as_float_array, check_choice, scalar_or_array


def _elementwise(f):
    """Validate ``z`` once at the public boundary; return a float for a single number."""

    @functools.wraps(f)
    def wrapper(z):
        return scalar_or_array(f(as_float_array(z, "z")))

    return wrapper


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
    return np.where(z >= 0, 1.0, 0.0)


@_elementwise
def step_derivative(z):
    """f'(z) = 0 for z ≠ 0 (undefined at 0, taken as 0).

    No gradient flows through a step: why gradient descent needs smooth activations.
    """
    return np.zeros_like(z)


def _sigmoid(z):
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
    return np.where(z > 0, 1.0, 0.0)


class Activation(NamedTuple):
    """An activation ``function``, its ``derivative`` and its output range (as text)."""

    function: Callable
    derivative: Callable
    output_range: str


ACTIVATIONS = {
    "linear": Activation(linear, linear_derivative, "(−∞, ∞)"),
    "step": Activation(step, step_derivative, "{0, 1}"),
    "sigmoid": Activation(sigmoid, sigmoid_derivative, "(0, 1)"),
    "bipolar_sigmoid": Activation(bipolar_sigmoid, bipolar_sigmoid_derivative, "(−1, 1)"),
    "tanh": Activation(tanh, tanh_derivative, "(−1, 1)"),
    "relu": Activation(relu, relu_derivative, "[0, ∞)"),
}


def get_activation(name):
    """``ACTIVATIONS[name]``, with a helpful error for an unknown name.

    >>> get_activation("tanh").output_range
    '(−1, 1)'
    """
    return ACTIVATIONS[check_choice(name, "activation", ACTIVATIONS)]
