"""The neuron and the layer: hand-worked examples from the course notes, Keras on random
inputs, and the input errors students will meet."""

import numpy as np
import pytest
from conftest import TIGHT, assert_inputs_unchanged

from nnlab.activations import ACTIVATIONS, ELEMENTWISE
from nnlab.neurons import fit_neuron, layer_forward, neuron, weighted_sum
from nnlab.tf_bridge import keras_dense, keras_neuron, keras_outputs


def test_pyq2_no_bias():
    # z = 1·0.5 + 2·(−1) + 1·0.25 = 0.5 − 2 + 0.25 = −1.25; σ(−1.25) = 1/(1 + e^1.25) ≈ 0.2227
    x, w = [1, 2, 1], [0.5, -1, 0.25]
    assert weighted_sum(x, w) == -1.25
    assert round(neuron(x, w), 4) == 0.2227


def test_pyq6_with_bias():
    # z = 0.16 + 0.06 − 0.06 + 0.25 = 0.41; σ(0.41) = 1/(1 + 0.66365) ≈ 0.6011
    x, w = [0.8, 0.6, 0.2], [0.2, 0.1, -0.3]
    assert weighted_sum(x, w, b=0.25) == pytest.approx(0.41, abs=1e-15)
    assert round(neuron(x, w, b=0.25), 4) == 0.6011


def test_pyq9_bias_as_a_weight_on_input_one():
    # z = −0.063 + 0.265 + 0.248 + 0.492 + 1·0.25 = 1.192; 2/(1 + e^−1.192) − 1 ≈ 0.5342
    x, w, b, w_b = [0.3, 0.5, 0.8, 0.6], [-0.21, 0.53, 0.31, 0.82], 1.0, 0.25
    z = weighted_sum(x, w, b * w_b)
    assert z == pytest.approx(1.192, abs=1e-12)
    # the same neuron with the bias as an extra input fixed at 1
    assert weighted_sum([*x, b], [*w, w_b]) == pytest.approx(z, abs=1e-15)
    assert round(neuron(x, w, b * w_b, activation="bipolar_sigmoid"), 4) == 0.5342


def _tolerance(activation):
    """TIGHT, except leaky_relu: TensorFlow keeps its slope 0.2 as float32 (0.20000000298…),
    a relative difference of 1.5e-8 on negative z (test_activations checks it exactly)."""
    return {"rtol": 1e-7, "atol": 1e-12} if activation == "leaky_relu" else TIGHT


@pytest.mark.tf
@pytest.mark.parametrize("activation", sorted(ELEMENTWISE))  # softmax of one unit is always 1
def test_neuron_matches_a_keras_dense_unit(activation, rng):
    X = rng.normal(size=(16, 4))
    w, b = rng.normal(size=4), float(rng.normal())
    ours = neuron(X, w, b, activation=activation)
    theirs = keras_outputs(keras_neuron(w, b, activation), X)[:, 0]
    np.testing.assert_allclose(ours, theirs, **_tolerance(activation))


@pytest.mark.tf
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_layer_matches_keras_dense(activation, rng):
    X = rng.normal(size=(10, 5))
    W, b = rng.normal(size=(5, 3)), rng.normal(size=3)
    ours = layer_forward(X, W, b, activation=activation)
    theirs = keras_outputs(keras_dense(W, b, activation), X)
    assert ours.shape == (10, 3)
    np.testing.assert_allclose(ours, theirs, **_tolerance(activation))


def test_a_layer_is_neurons_side_by_side(rng):
    X, W, b = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    A = layer_forward(X, W, b, activation="tanh")
    for j in range(3):
        np.testing.assert_allclose(A[:, j], neuron(X, W[:, j], b[j], "tanh"), **TIGHT)
    # one sample in, one row out
    np.testing.assert_allclose(layer_forward(X[0], W, b, "tanh"), A[0], **TIGHT)


def test_batch_rows_equal_single_samples(rng):
    X, w = rng.normal(size=(5, 3)), rng.normal(size=3)
    batch = weighted_sum(X, w, 0.5)
    assert batch.shape == (5,)
    for row, z in zip(X, batch):
        assert weighted_sum(row, w, 0.5) == pytest.approx(z, abs=1e-15)


def test_inputs_are_never_modified(rng):
    X, W, b, w = (rng.normal(size=shape) for shape in [(4, 3), (3, 2), 2, 3])
    assert_inputs_unchanged(lambda X, W, b: layer_forward(X, W, b, "relu"), X, W, b)
    assert_inputs_unchanged(lambda X, w: neuron(X, w, 0.1, "sigmoid"), X, w)


def test_the_notes_activation_names_work_in_a_neuron():
    # PYQ 2 again, with the notes' name for the sigmoid: σ(−1.25) ≈ 0.2227
    x, w = [1, 2, 1], [0.5, -1, 0.25]
    assert neuron(x, w, activation="binary_sigmoid") == neuron(x, w, activation="sigmoid")
    assert round(neuron(x, w, activation="logistic"), 4) == 0.2227
    # step fires at z ≥ 0: z = −1.25 stays silent, a threshold alias gives the same
    assert neuron(x, w, activation="threshold") == 0.0


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: weighted_sum([1, 2, 3], [1, 2]),
            ValueError,
            "'w' must have 3 entries, one per feature of 'x'; got 2.",
        ),
        (
            lambda: weighted_sum([1, np.nan], [1, 2]),
            ValueError,
            "'x' must contain only finite numbers; got NaN",
        ),
        (
            lambda: weighted_sum([1, 2], [1, 2], b=[0.1, 0.2]),
            ValueError,
            "'b' must be a single number; got 1-D",
        ),
        (
            lambda: neuron([1, 2], [1, 2], activation="sigmoidd"),
            ValueError,
            "'activation' must be one of .*got 'sigmoidd'. Did you mean 'sigmoid'",
        ),
        (
            lambda: neuron([1, 2], "12"),
            TypeError,
            "'w' must be a number or an array of numbers; got '12'.",
        ),
        (
            lambda: layer_forward(np.ones((2, 3)), np.ones((4, 2)), np.ones(2)),
            ValueError,
            "'W' must have 3 rows",
        ),
        (
            lambda: layer_forward(np.ones((2, 3)), np.ones((3, 2)), np.ones(5)),
            ValueError,
            "'b' must have 2 entries, one per column",
        ),
        (
            lambda: layer_forward(np.ones((2, 3)), np.ones(3), np.ones(1)),
            ValueError,
            "'W' must be a 2-D array; got 1-D",
        ),
    ],
)
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- one neuron trained by gradient descent (notebook 04) --------------------------------------


def test_fit_neuron_with_mse_finds_the_least_squares_line(rng):
    x = rng.uniform(0, 4, size=(30, 1))
    y = 1.5 - 0.7 * x[:, 0] + rng.normal(scale=0.1, size=30)
    fit = fit_neuron(x, y, "linear", "mse", learning_rate=0.05, epochs=3000)
    slope, intercept = np.polyfit(x[:, 0], y, 1)  # the closed form
    assert fit.w[0] == pytest.approx(slope, abs=1e-8) and fit.b == pytest.approx(
        intercept, abs=1e-8
    )
    assert fit.losses.shape == (3001,) and fit.losses[-1] <= fit.losses[0]


def test_fit_neuron_steps_by_the_chain_rule():
    # One step by hand: X = [[1], [2]], y = [1, 0], w = 0, b = 0, sigmoid + BCE:
    # a = σ(0) = 0.5, dL/dz = (a − y)/n = (−0.25, 0.25), dw = 1·(−0.25) + 2·0.25 = 0.25, db = 0.
    fit = fit_neuron(
        [[1.0], [2.0]], [1.0, 0.0], "sigmoid", "binary_crossentropy", learning_rate=1.0, epochs=1
    )
    assert fit.w[0] == pytest.approx(-0.25, abs=1e-12) and fit.b == pytest.approx(0.0, abs=1e-12)
    assert fit.losses[0] == pytest.approx(np.log(2))  # −log 0.5 for both samples


def test_fit_neuron_refuses_bad_input_and_reports_divergence():
    with pytest.raises(ValueError, match="'learning_rate' must be > 0; got -0.1"):
        fit_neuron([[1.0]], [1.0], learning_rate=-0.1)
    with pytest.raises(ValueError, match="'y' must have 2 entries, one per row"):
        fit_neuron([[1.0], [2.0]], [1.0])
    with pytest.raises(ValueError, match="Training diverged.*'learning_rate' = 10 is too large"):
        fit_neuron([[10.0], [20.0]], [1.0, 2.0], learning_rate=10.0, epochs=500)
