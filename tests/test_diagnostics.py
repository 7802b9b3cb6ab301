"""Per-layer diagnostics against independent oracles: a forward pass written out in NumPy with the
textbook activations, networks built by hand (dead ReLU units, saturated sigmoids), gradient norms
of Keras' tf.GradientTape gradients, and the vanishing gradient of a deep sigmoid network."""

import numpy as np
import pytest
from conftest import TIGHT, assert_inputs_unchanged
from oracles import ACTIVATION_ORACLES, softmax

from nnlab.diagnostics import activation_stats, gradient_norms, histograms
from nnlab.network import MLP

# The largest |f'| of each activation, by hand: σ' = σ(1 − σ) peaks at z = 0 with 1/4; tanh' =
# 1 − tanh² at z = 0 with 1; ReLU' and ELU' (alpha = 1) are 1 for every z > 0.
PEAK = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "elu": 1.0}


def _numpy_forward(params, activations, X):
    """[(z, a)] of every layer: z = X @ W + b, a = f(z), with the textbook f of oracles.py."""
    layers, a = [], X
    for (W, b), name in zip(zip(params[::2], params[1::2]), activations):
        z = a @ W + b
        a = softmax(z) if name == "softmax" else ACTIVATION_ORACLES[name][0](z)
        layers.append((z, a))
    return layers


@pytest.mark.parametrize("activation", sorted(PEAK))
def test_activation_stats_equal_a_forward_pass_written_in_numpy(activation, rng):
    mlp = MLP([5, 8, 6, 3], activation=activation, output_activation="softmax", rng=3)
    X = 2 * rng.standard_normal((40, 5))
    stats = activation_stats(mlp, X)

    layers = _numpy_forward(mlp.get_weights(), [activation, activation, "softmax"], X)
    np.testing.assert_array_equal(stats.layer, [1, 2, 3])
    assert stats.activation == (activation, activation, "softmax")
    np.testing.assert_allclose(stats.mean, [a.mean() for _, a in layers], **TIGHT)
    np.testing.assert_allclose(stats.std, [a.std() for _, a in layers], **TIGHT)
    np.testing.assert_allclose(stats.z_std, [z.std() for z, _ in layers], **TIGHT)
    derivative = ACTIVATION_ORACLES[activation][1]
    saturated = [np.mean(np.abs(derivative(z)) <= 0.05 * PEAK[activation]) for z, _ in layers[:2]]
    np.testing.assert_array_equal(stats.saturated[:2], saturated)
    assert np.isnan(stats.saturated[2])  # softmax is not element-wise: no saturation share
    dead = [np.mean(np.all(a == 0, axis=0)) for _, a in layers]
    np.testing.assert_array_equal(stats.dead, dead)


def test_units_with_a_very_negative_bias_are_dead_relu_units(rng):
    mlp = MLP([4, 8, 5, 1], activation="relu", rng=0)
    X = rng.standard_normal((100, 4))
    assert activation_stats(mlp, X).dead[0] == 0  # no unit is silent on all 100 samples
    weights = mlp.get_weights()
    weights[1][[2, 5]] = -1e3  # units 2 and 5 of layer 1: z = X @ W − 1000 < 0 for every sample
    weights[3][:] = -1e3  # every unit of layer 2
    mlp.set_weights(weights)
    stats = activation_stats(mlp, X)
    np.testing.assert_array_equal(stats.dead, [2 / 8, 5 / 5, 1 / 1])  # output 0 + 0 = 0: "dead"
    # A unit off for most samples but on for one is alive: dead is "0 for every sample of X".
    weights[1][2] = -np.max(X @ weights[0][:, 2]) + 1e-3  # z > 0 for exactly one sample
    mlp.set_weights(weights)
    assert activation_stats(mlp, X).dead[0] == 1 / 8


@pytest.mark.parametrize(("scale", "low", "high"), [(1e3, 0.95, 1.0), (1e-3, 0.0, 0.0)])
def test_sigmoid_saturates_with_huge_weights_and_not_with_tiny_ones(scale, low, high, rng):
    mlp = MLP([10, 20, 20, 1], activation="sigmoid", output_activation="sigmoid", rng=1)
    mlp.set_weights([scale * p for p in mlp.get_weights()])
    stats = activation_stats(mlp, rng.standard_normal((50, 10)))
    # Saturated means |z| ≳ 4.4 (σ'(z) ≤ 0.0125). Huge W: |z| ~ 1000; tiny W: |z| ~ 0.005.
    print("saturated with weights ×", scale, stats.saturated)
    assert np.all((low <= stats.saturated) & (stats.saturated <= high))


@pytest.mark.tf
@pytest.mark.parametrize(
    ("sizes", "activation", "output", "loss"),
    [
        ([6, 8, 8, 3], "tanh", "softmax", "sparse_categorical_crossentropy"),
        ([6, 8, 8, 8, 1], "sigmoid", "linear", "mse"),
    ],
)
def test_gradient_norms_equal_norms_of_keras_gradient_tape_grads(
    sizes, activation, output, loss, rng
):
    from nnlab.tf_bridge import keras_gradients, to_keras

    mlp = MLP(sizes, activation=activation, output_activation=output, rng=2)
    X = rng.standard_normal((30, sizes[0]))
    y = rng.integers(0, 3, 30) if output == "softmax" else rng.standard_normal(30)
    norms = gradient_norms(mlp, X, y, loss)
    value, grads = keras_gradients(to_keras(mlp), X, y, loss)
    assert norms.loss == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(norms.dW_norm, [np.linalg.norm(g) for g in grads[::2]], rtol=1e-10)
    np.testing.assert_allclose(norms.db_norm, [np.linalg.norm(g) for g in grads[1::2]], rtol=1e-10)
    W_norms = [np.sqrt((W**2).sum()) for W in mlp.params[::2]]
    np.testing.assert_allclose(norms.W_norm, W_norms, **TIGHT)
    np.testing.assert_allclose(norms.update_ratio, norms.dW_norm / norms.W_norm, **TIGHT)
    assert norms.first_to_last == norms.dW_norm[0] / norms.dW_norm[-1]


def test_a_deep_sigmoid_network_has_vanishing_gradients_and_relu_with_he_does_not(rng):
    X, y = rng.standard_normal((64, 32)), rng.standard_normal(64)
    sigmoid = gradient_norms(MLP([32] * 10 + [1], activation="sigmoid", rng=0), X, y)
    print(sigmoid)
    # Each layer down multiplies the gradient by Wᵀ·σ'(z), σ' ≤ 1/4: here ≈ 0.2 per layer, so
    # ≈ 0.2⁹ ≈ 5e-7 after nine layers (nnlab gives 1e-6 to 1e-5 over seeds).
    assert sigmoid.first_to_last < 1e-4
    assert np.all(np.diff(sigmoid.dW_norm) > 0)  # shrinking at every layer towards the input
    relu = gradient_norms(MLP([32] * 10 + [1], initializer="he_normal", rng=0), X, y)
    print(relu)
    assert 1e-2 < relu.first_to_last < 1e2  # 0.14 here: no vanishing (ReLU' = 1, He's variance)


def test_with_weights_2I_the_backpropagated_gradient_doubles_at_every_layer_down(rng):
    # Ten linear layers with W = 2·I, b = 0: a_l = 2^l·X and δ_l = dL/dz_l = 2^(10−l)·δ_10.
    mlp = MLP([4] * 11, activation="linear", rng=0)
    mlp.set_weights([2 * np.eye(4) if p.ndim == 2 else np.zeros(4) for p in mlp.params])
    norms = gradient_norms(mlp, rng.standard_normal((8, 4)), rng.standard_normal((8, 4)))
    # ‖db_l‖ = ‖Σ_samples δ_l‖ doubles at every layer down: 2⁹ from the last to the first ...
    np.testing.assert_allclose(norms.db_norm[0] / norms.db_norm[-1], 2.0**9, rtol=1e-12)
    # ... while dW_l = a_(l−1)ᵀ δ_l = 2^(l−1)·2^(10−l)·Xᵀδ_10 is the same in every layer.
    np.testing.assert_allclose(norms.dW_norm, norms.dW_norm[0], rtol=1e-12)


def test_a_diverged_loss_gives_nan_norms_instead_of_an_error(rng):
    mlp = MLP([3, 4, 1], activation="linear", rng=0)
    W_norms = [1e200 * np.linalg.norm(W) for W in mlp.params[::2]]
    mlp.set_weights([p * 1e200 for p in mlp.get_weights()])  # ŷ ~ 1e400 overflows to inf
    norms = gradient_norms(mlp, rng.standard_normal((5, 3)), np.zeros(5))
    assert not np.isfinite(norms.loss)
    assert np.isnan(norms.dW_norm).all()
    np.testing.assert_allclose(norms.W_norm, W_norms, rtol=1e-12)  # ‖W‖ ~ 1e200, no overflow
    stats = activation_stats(mlp, rng.standard_normal((5, 3)))
    assert np.isinf(stats.std[-1]) or np.isnan(stats.std[-1])


def test_histograms_count_each_layers_values_over_common_bins(rng):
    mlp = MLP([5, 8, 6, 2], activation="tanh", rng=4)
    X = rng.standard_normal((30, 5))
    layers = _numpy_forward(mlp.get_weights(), ["tanh", "tanh", "linear"], X)
    h = histograms(mlp, X, bins=12)
    every = np.concatenate([a.ravel() for _, a in layers])
    np.testing.assert_allclose(h.edges, np.linspace(every.min(), every.max(), 13), **TIGHT)
    np.testing.assert_array_equal(h.counts.sum(axis=1), [30 * 8, 30 * 6, 30 * 2])  # all inside
    np.testing.assert_array_equal(h.fractions.sum(axis=1), [1, 1, 1])
    wide = histograms(mlp, X, bins=12, value_range=(-3, 3))  # no value on an edge's rounding
    for counts, (_, a) in zip(wide.counts, layers):
        np.testing.assert_array_equal(counts, np.histogram(a, bins=12, range=(-3, 3))[0])

    z = histograms(mlp, X, bins=4, value_range=(-1, 1), of="z")
    np.testing.assert_array_equal(z.edges, [-1, -0.5, 0, 0.5, 1])
    for counts, (z_l, _) in zip(z.counts, layers):
        np.testing.assert_array_equal(counts, np.histogram(z_l, bins=4, range=(-1, 1))[0])
    np.testing.assert_allclose(z.centers, [-0.75, -0.25, 0.25, 0.75])


def test_the_tables_print_one_row_per_layer_with_fixed_precision(rng):
    mlp = MLP([3, 4, 4, 2], output_activation="softmax", rng=0)
    X, y = rng.standard_normal((10, 3)), rng.integers(0, 2, 10)
    stats = str(activation_stats(mlp, X)).splitlines()
    assert stats[0].split() == [
        "layer",
        "activation",
        "mean(a)",
        "std(a)",
        "std(z)",
        "saturated",
        "dead",
    ]
    assert [line.split()[:2] for line in stats[1:]] == [
        ["1", "relu"],
        ["2", "relu"],
        ["3", "softmax"],
    ]
    assert stats[3].split()[5] == "n/a"
    norms = str(gradient_norms(mlp, X, y, "sparse_categorical_crossentropy")).splitlines()
    assert len(norms) == 5 and norms[-1].startswith("first/last ‖dW‖ = ")
    assert repr(histograms(mlp, X, bins=5, value_range=(0, 1))) == (
        "Histograms of a for 3 layers, 5 bins over [0.0000, 1.0000]"
    )


def test_float32_networks_give_the_float64_numbers_to_float32_precision(rng):
    X, y = rng.standard_normal((20, 4)), rng.standard_normal(20)
    mlp64 = MLP([4, 6, 1], activation="tanh", rng=5)
    mlp32 = MLP([4, 6, 1], activation="tanh", rng=5, dtype="float32")
    mlp32.set_weights(mlp64.get_weights())
    ours, theirs = activation_stats(mlp32, X).std, activation_stats(mlp64, X).std
    assert ours.dtype == np.float64
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    ours, theirs = gradient_norms(mlp32, X, y).dW_norm, gradient_norms(mlp64, X, y).dW_norm
    assert ours.dtype == np.float64
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)


def _batch_norm(z, mean, variance, epsilon=1e-3):
    """(z − mean) / √(variance + ε), with γ = 1 and β = 0 as they start."""
    return (z - mean) / np.sqrt(variance + epsilon)


def test_batch_normalised_rows_read_the_activations_input_and_keep_z_near_unit_std(rng):
    X = rng.standard_normal((50, 4))
    mlp = MLP([4, 6, 6, 1], activation="tanh", initializer="random_normal", batch_norm=True, rng=7)
    W1, b1, _, _, W2, b2, _, _, W3, b3 = mlp.get_weights()
    # Inference: the moving statistics as they start, mean 0 and variance 1.
    z1 = _batch_norm(X @ W1 + b1, 0, 1)
    z2 = _batch_norm(np.tanh(z1) @ W2 + b2, 0, 1)
    z3 = np.tanh(z2) @ W3 + b3
    stats = activation_stats(mlp, X)
    np.testing.assert_array_equal(stats.layer, [1, 2, 3])  # one row per W, as in mlp.summary()
    assert stats.activation == ("tanh", "tanh", "linear")
    np.testing.assert_allclose(stats.z_std, [z.std() for z in (z1, z2, z3)], **TIGHT)
    np.testing.assert_allclose(stats.std[:2], [np.tanh(z1).std(), np.tanh(z2).std()], **TIGHT)
    # Training: each hidden z is normalised with its batch's own mean and (biased) variance.
    z1 = X @ W1 + b1
    z1 = _batch_norm(z1, z1.mean(axis=0), z1.var(axis=0))
    z2 = np.tanh(z1) @ W2 + b2
    z2 = _batch_norm(z2, z2.mean(axis=0), z2.var(axis=0))
    trained = activation_stats(mlp, X, training=True)
    np.testing.assert_allclose(trained.z_std[:2], [z1.std(), z2.std()], **TIGHT)
    print("std(z) with weights of stddev 0.05, batch-normalised:", trained.z_std)
    assert np.all(trained.z_std[:2] > 0.8)  # near 1, although X @ W1 has std ≈ 0.1

    y = rng.standard_normal(50)
    norms = gradient_norms(mlp, X, y)
    _, grads = mlp.loss_and_gradients(X, y)  # [dW1, db1, dgamma1, dbeta1, dW2, …]
    named = dict(zip(mlp.param_names, grads))
    np.testing.assert_array_equal(norms.layer, [1, 2, 3])
    assert norms.activation == ("tanh", "tanh", "linear")
    np.testing.assert_allclose(norms.dW_norm, [np.linalg.norm(named[f"W{k}"]) for k in (1, 2, 3)])
    np.testing.assert_allclose(norms.db_norm, [np.linalg.norm(named[f"b{k}"]) for k in (1, 2, 3)])
    np.testing.assert_allclose(norms.W_norm, [np.linalg.norm(W) for W in (W1, W2, W3)])


def test_residual_rows_report_each_layers_own_output_before_the_skip(rng):
    X, y = rng.standard_normal((20, 4)), rng.standard_normal(20)
    mlp = MLP([4, 6, 6, 6, 1], activation="tanh", residual=True, rng=8)
    W1, b1, W2, b2, W3, b3, W4, b4 = mlp.get_weights()
    z1 = X @ W1 + b1
    h = np.tanh(z1)
    z2 = h @ W2 + b2
    h = np.tanh(z2) + h  # skip around block 2
    z3 = h @ W3 + b3
    h = np.tanh(z3) + h  # skip around block 3
    z4 = h @ W4 + b4
    stats = activation_stats(mlp, X)
    np.testing.assert_allclose(stats.z_std, [z.std() for z in (z1, z2, z3, z4)], **TIGHT)
    np.testing.assert_allclose(stats.mean[:3], [np.tanh(z).mean() for z in (z1, z2, z3)], **TIGHT)

    norms = gradient_norms(mlp, X, y)
    _, grads = mlp.loss_and_gradients(X, y)
    np.testing.assert_allclose(norms.dW_norm, [np.linalg.norm(g) for g in grads[::2]], **TIGHT)


def test_inputs_and_weights_are_never_modified(rng):
    mlp = MLP([3, 4, 2], output_activation="softmax", rng=0)
    before = mlp.get_weights()
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 2, 6)
    assert_inputs_unchanged(lambda X: activation_stats(mlp, X), X)
    assert_inputs_unchanged(lambda X: histograms(mlp, X), X)
    assert_inputs_unchanged(
        lambda X, y: gradient_norms(mlp, X, y, "sparse_categorical_crossentropy"), X, y
    )
    for p, q in zip(mlp.params, before):
        np.testing.assert_array_equal(p, q)


def test_results_are_read_only(rng):
    mlp = MLP([3, 4, 2], rng=0)
    X, y = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    stats, norms, h = activation_stats(mlp, X), gradient_norms(mlp, X, y), histograms(mlp, X)
    for array in (stats.std, norms.dW_norm, h.counts, h.edges):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1
    with pytest.raises(AttributeError):
        stats.std = np.zeros(2)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda m, X: activation_stats(m, X[:, :2]), ValueError, "'X' must have 3 columns"),
        (lambda m, X: activation_stats(m, X[0]), ValueError, "'X' must be a 2-D array"),
        (lambda m, X: activation_stats(m, X[:0]), ValueError, "at least one sample"),
        (lambda m, X: gradient_norms(m, X[:, :2], np.zeros(6)), ValueError, "3 columns"),
        (lambda m, X: gradient_norms(m, X, np.zeros(5)), ValueError, r"'y' must have shape \(6"),
        (lambda m, X: histograms(m, np.hstack([X, X])), ValueError, "'X' must have 3 columns"),
        (lambda m, X: activation_stats("mlp", X), TypeError, "'mlp' must be an nnlab"),
        (lambda m, X: histograms(m, X, bins=0), ValueError, "'bins' must be"),
        (lambda m, X: histograms(m, X, of="b"), ValueError, "'of' must be one of 'a', 'z'"),
        (lambda m, X: histograms(m, X, value_range=1), ValueError, "a pair"),
        (lambda m, X: histograms(m, X, value_range=(1, 0)), ValueError, "low < high"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message, rng):
    mlp = MLP([3, 4, 1], rng=0)
    with pytest.raises(error, match=message):
        call(mlp, rng.standard_normal((6, 3)))
