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


# --- the activations of notebook 03 ------------------------------------------------------------


def hard_tanh(z):
    """−1 below −1, z in between, 1 above 1."""
    z = np.asarray(z, dtype=float)
    return np.where(z < -1, -1.0, np.where(z > 1, 1.0, z))


def hard_tanh_derivative(z):
    """1 on [−1, 1] (corners included, as TensorFlow's clip passes them), 0 outside."""
    z = np.asarray(z, dtype=float)
    return ((z >= -1) & (z <= 1)).astype(float)


def leaky_relu(z, negative_slope=0.2):
    """z for z > 0, negative_slope·z otherwise."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, negative_slope * z)


def leaky_relu_derivative(z, negative_slope=0.2):
    """1 for z > 0, negative_slope otherwise (at 0 too)."""
    return np.where(np.asarray(z) > 0, 1.0, negative_slope)


def elu(z, alpha=1.0):
    """z for z > 0, alpha·(e^z − 1) otherwise."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * (np.exp(np.minimum(z, 0)) - 1))


def elu_derivative(z, alpha=1.0):
    """1 for z > 0, alpha·e^z otherwise (alpha at 0)."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0)))


SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805  # Klambauer et al. (2017)


def selu(z):
    """scale·z for z > 0, scale·alpha·(e^z − 1) otherwise."""
    z = np.asarray(z, dtype=float)
    return SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * (np.exp(np.minimum(z, 0)) - 1))


def selu_derivative(z):
    """scale for z ≥ 0, scale·alpha·e^z for z < 0."""
    z = np.asarray(z, dtype=float)
    return SELU_SCALE * np.where(z < 0, SELU_ALPHA * np.exp(np.minimum(z, 0)), 1.0)


def swish(z):
    """z / (1 + e^−z)."""
    z = np.asarray(z, dtype=float)
    return z / (1 + np.exp(-z))


def swish_derivative(z):
    """d/dz [z / (1 + e^−z)] = (1 + e^−z + z·e^−z) / (1 + e^−z)², by the quotient rule."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-z)
    return (1 + e + z * e) / (1 + e) ** 2


def softplus(z):
    """log(1 + e^z)."""
    return np.log(1 + np.exp(np.asarray(z, dtype=float)))


def softplus_derivative(z):
    """e^z / (1 + e^z)."""
    e = np.exp(np.asarray(z, dtype=float))
    return e / (1 + e)


def softmax(z, axis=-1):
    """e^z_i / Σ_j e^z_j along ``axis``, straight from the formula (moderate z only)."""
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_jacobian(z):
    """J_ij = ∂s_i/∂z_j = s_i·δ_ij − s_i·s_j for one row of scores, built entry by entry."""
    s = softmax(z)
    k = len(s)
    return np.array([[s[i] * (i == j) - s[i] * s[j] for j in range(k)] for i in range(k)])


ACTIVATION_ORACLES.update(
    {
        "hard_tanh": (hard_tanh, hard_tanh_derivative),
        "leaky_relu": (leaky_relu, leaky_relu_derivative),
        "elu": (elu, elu_derivative),
        "selu": (selu, selu_derivative),
        "swish": (swish, swish_derivative),
        "softplus": (softplus, softplus_derivative),
    }
)

# At the kinks TensorFlow's gradient takes one side: hard_tanh' = 1 at the corners' inside,
# leaky' = negative_slope and elu' = alpha·e^0 = 1 on the left, selu' = scale on the right;
# swish'(0) = σ(0)·(1 + 0) = 1/2 and softplus'(0) = σ(0) = 1/2.
DERIVATIVE_AT_ZERO.update(
    {
        "hard_tanh": 1.0,
        "leaky_relu": 0.2,
        "elu": 1.0,
        "selu": SELU_SCALE,
        "swish": 0.5,
        "softplus": 0.5,
    }
)
