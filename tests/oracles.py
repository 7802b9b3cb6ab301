"""Textbook oracles for the tests: every activation and its derivative in plain NumPy, written
from the course notes' formulas and independent of nnlab (no stability tricks, no shared code).

Valid on moderate inputs (|z| ≤ 30, where exp neither overflows nor loses the answer); nnlab's
own stable forms are tested on huge inputs separately. Test modules import them directly
(``from oracles import ACTIVATION_ORACLES``); conftest.py, in this folder, puts it on sys.path.

``ACTIVATION_ORACLES[name]`` = (f, f') for every activation. The ones Keras lacks are the
"declared hand-worked oracles" that ``ACTIVATIONS[name].oracle`` names: the completeness test
requires one here for each of them.
"""

import numpy as np


def linear(z):
    """f(z) = z."""
    return np.asarray(z, dtype=float) + 0.0


def linear_derivative(z):
    """f'(z) = 1."""
    return np.ones(np.shape(z))


def step(z):
    """z >= 0 cast to float: the neuron fires at the threshold itself."""
    return (np.asarray(z) >= 0).astype(float)


def step_derivative(z):
    """0 everywhere; at the jump z = 0 the course takes 0 (no gradient flows through a step)."""
    return np.zeros(np.shape(z))


def sigmoid(z):
    """σ(z) = 1 / (1 + e^−z)."""
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def sigmoid_derivative(z):
    """σ'(z) = e^−z / (1 + e^−z)², the quotient rule applied to 1 / (1 + e^−z)."""
    e = np.exp(-np.asarray(z, dtype=float))
    return e / (1 + e) ** 2


def bipolar_sigmoid(z):
    """f(z) = 2 / (1 + e^−z) − 1, as the notes write it."""
    return 2 / (1 + np.exp(-np.asarray(z, dtype=float))) - 1


def bipolar_sigmoid_derivative(z):
    """f'(z) = 2e^−z / (1 + e^−z)²."""
    e = np.exp(-np.asarray(z, dtype=float))
    return 2 * e / (1 + e) ** 2


def tanh(z):
    """tanh(z) = (e^z − e^−z) / (e^z + e^−z)."""
    z = np.asarray(z, dtype=float)
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


def tanh_derivative(z):
    """tanh'(z) = sech²(z) = 4 / (e^z + e^−z)²."""
    z = np.asarray(z, dtype=float)
    return 4 / (np.exp(z) + np.exp(-z)) ** 2


def relu(z):
    """f(z) = z if z > 0 else 0."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.0)


def relu_derivative(z):
    """f'(z) = 1 if z > 0 else 0; at the kink z = 0 the course takes 0, as TensorFlow does."""
    return (np.asarray(z) > 0).astype(float)


ACTIVATION_ORACLES = {
    "linear": (linear, linear_derivative),
    "step": (step, step_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "bipolar_sigmoid": (bipolar_sigmoid, bipolar_sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
}

# f'(0) by hand, where kinks and jumps need a convention: σ'(0) = 1/4, bipolar'(0) = 2·1/4,
# tanh'(0) = 1 − 0², relu'(0) = 0 and step'(0) = 0 by the course's (and TensorFlow's) choice.
DERIVATIVE_AT_ZERO = {
    "linear": 1.0,
    "step": 0.0,
    "sigmoid": 0.25,
    "bipolar_sigmoid": 0.5,
    "tanh": 1.0,
    "relu": 0.0,
}
