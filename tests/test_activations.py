"""Activations against three independent oracles: TensorFlow/Keras (values and
tf.GradientTape derivatives), central finite differences, and textbook identities.
Parametrised over ACTIVATIONS, so a newly registered activation is tested at once."""

import warnings

import numpy as np
import pytest
from conftest import FINITE_DIFFERENCE, TIGHT, read_only

from nnlab.activations import ACTIVATIONS, get_activation, sigmoid
from nnlab.tf_bridge import keras_activation

NAMES = sorted(ACTIVATIONS)


def _inputs(rng):
    # Spread over the interesting range, kept away from the kinks of step and ReLU at 0.
    z = rng.uniform(-6, 6, size=(7, 5))
    z[np.abs(z) < 1e-3] = 0.5
    return z


@pytest.mark.parametrize("name", NAMES)
def test_values_match_keras(name, rng, tf):
    z = _inputs(rng)
    ours = ACTIVATIONS[name].function(z)
    theirs = keras_activation(name)(tf.constant(z, dtype=tf.float64)).numpy()
    np.testing.assert_allclose(ours, theirs, **TIGHT)


@pytest.mark.parametrize("name", NAMES)
def test_derivatives_match_gradient_tape(name, rng, tf):
    z = tf.Variable(_inputs(rng), dtype=tf.float64)
    with tf.GradientTape() as tape:
        out = keras_activation(name)(z)
    grad = tape.gradient(out, z)  # element-wise f, so d(sum f)/dz_i = f'(z_i)
    theirs = np.zeros(z.shape) if grad is None else grad.numpy()  # step: no gradient at all
    np.testing.assert_allclose(ACTIVATIONS[name].derivative(z.numpy()), theirs, **TIGHT)


@pytest.mark.parametrize("name", [n for n in NAMES if n != "step"])
def test_derivatives_match_finite_differences(name, rng):
    f, df, _ = ACTIVATIONS[name]
    z, h = _inputs(rng), 1e-5
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    np.testing.assert_allclose(df(z), numeric, **FINITE_DIFFERENCE)


@pytest.mark.parametrize("name", NAMES)
def test_shapes_types_and_read_only_inputs(name, rng):
    f, df, _ = ACTIVATIONS[name]
    (z,) = read_only(_inputs(rng))
    before = z.copy()
    assert f(z).shape == z.shape and df(z).shape == z.shape
    np.testing.assert_array_equal(z, before)
    assert type(f(0.3)) is float and type(df(0.3)) is float
    assert f([0.3, -0.2]).shape == (2,)


@pytest.mark.parametrize("name", NAMES)
def test_huge_inputs_are_finite_and_silent(name):
    z = np.array([-1e308, -800.0, 0.0, 800.0, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(ACTIVATIONS[name].function(z)).all()
        assert np.isfinite(ACTIVATIONS[name].derivative(z)).all()


@pytest.mark.parametrize("name", NAMES)
def test_bad_input_is_rejected_with_the_parameter_named(name):
    f = ACTIVATIONS[name].function
    with pytest.raises(ValueError, match="'z' must contain only finite numbers; got NaN"):
        f([0.0, np.nan])
    with pytest.raises(TypeError, match="'z' must be a number or an array of numbers"):
        f("1.0")


def test_identities_from_the_notes(rng):
    z = _inputs(rng)
    a = ACTIVATIONS
    # bipolar sigmoid written as in the notes: 2 / (1 + e^-z) - 1 = 2σ(z) - 1
    np.testing.assert_allclose(a["bipolar_sigmoid"].function(z), 2 / (1 + np.exp(-z)) - 1, **TIGHT)
    # tanh(z) = 2σ(2z) − 1
    np.testing.assert_allclose(a["tanh"].function(z), 2 * sigmoid(2 * z) - 1, **TIGHT)
    # σ'(z) ≤ 0.25 with equality at 0; tanh'(0) = 1; bipolar'(0) = 0.5
    assert a["sigmoid"].derivative(z).max() <= 0.25 and a["sigmoid"].derivative(0.0) == 0.25
    assert a["tanh"].derivative(0.0) == 1.0 and a["bipolar_sigmoid"].derivative(0.0) == 0.5


def test_hand_worked_values():
    # σ(0) = 1/(1+1) = 0.5; step fires at the threshold itself; relu(−2) = 0
    assert sigmoid(0.0) == 0.5
    np.testing.assert_array_equal(ACTIVATIONS["step"].function([-1e-9, 0.0, 3.0]), [0, 1, 1])
    assert ACTIVATIONS["relu"].function(-2.0) == 0.0
    # σ(−1.25) = 1 / (1 + e^1.25) = 1 / (1 + 3.490343) = 0.222700
    assert round(sigmoid(-1.25), 6) == 0.222700


def test_output_ranges_hold(rng):
    z = rng.normal(0, 10, 1000)
    bounds = {"sigmoid": (0, 1), "tanh": (-1, 1), "bipolar_sigmoid": (-1, 1), "step": (0, 1)}
    for name, (low, high) in bounds.items():
        out = ACTIVATIONS[name].function(z)
        assert low <= out.min() and out.max() <= high, name


def test_unknown_name_suggests_a_fix():
    with pytest.raises(
        ValueError, match="'activation' must be one of .*got 'sigmod'. Did you mean 'sigmoid'"
    ):
        get_activation("sigmod")
