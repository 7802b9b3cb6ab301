"""BatchNormalization and Activation layers against Keras (outputs, moving statistics and
tf.GradientTape gradients, float64), central differences (``check_layer``), properties, dtypes
and the errors bad input gets. Dense is tested through the MLP in test_network.py."""

import numpy as np
import pytest
from conftest import TIGHT, assert_inputs_unchanged, read_only

from nnlab.activations import ACTIVATIONS
from nnlab.gradcheck import check_layer
from nnlab.layers import Activation, BatchNormalization

N_SAMPLES, N_FEATURES = 7, 4
# Keras' default, a fast one, and 0 (the moving statistics become the last batch's).
MOMENTA = [0.99, 0.9, 0.0]


def _batch_norm(rng, momentum=0.99, epsilon=1e-3, dtype="float64"):
    """A layer with random gamma, beta and moving statistics, so no term hides behind 1 or 0."""
    layer = BatchNormalization(N_FEATURES, momentum=momentum, epsilon=epsilon, dtype=dtype)
    layer.set_params(rng.uniform(0.5, 2.0, N_FEATURES), rng.standard_normal(N_FEATURES))
    layer.set_moving_statistics(rng.standard_normal(N_FEATURES), rng.uniform(0.5, 2.0, N_FEATURES))
    return layer


def _inputs(rng, n=N_SAMPLES):
    """Features on different scales and offsets, as a layer below would produce them."""
    return rng.standard_normal((n, N_FEATURES)) * [0.5, 1.0, 3.0, 10.0] + [0.0, 2.0, -1.0, 5.0]


def _keras_twin(layer):
    """``keras.layers.BatchNormalization`` in float64 with ``layer``'s four weight vectors."""
    import keras

    twin = keras.layers.BatchNormalization(
        momentum=layer.momentum, epsilon=layer.epsilon, dtype="float64"
    )
    twin.build((None, layer.n_features))
    twin.set_weights([layer.gamma, layer.beta, layer.moving_mean, layer.moving_variance])
    return twin


@pytest.mark.tf
@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
@pytest.mark.parametrize("momentum", MOMENTA)
def test_batch_normalization_forward_equals_keras(momentum, training, rng, tf):
    layer = _batch_norm(rng, momentum=momentum, epsilon=0.01)
    X = _inputs(rng)
    twin = _keras_twin(layer)
    out, _ = layer.forward(X, training=training)
    np.testing.assert_allclose(out, np.asarray(twin(X, training=training)), **TIGHT)
    # After one call, the moving statistics agree too (unchanged by an inference call).
    np.testing.assert_allclose(layer.moving_mean, np.asarray(twin.moving_mean), **TIGHT)
    np.testing.assert_allclose(layer.moving_variance, np.asarray(twin.moving_variance), **TIGHT)


@pytest.mark.tf
def test_moving_statistics_follow_keras_over_several_batches(rng, tf):
    layer = _batch_norm(rng, momentum=0.9)
    twin = _keras_twin(layer)
    for _ in range(5):
        X = _inputs(rng)
        layer.forward(X, training=True)
        twin(X, training=True)
    np.testing.assert_allclose(layer.moving_mean, np.asarray(twin.moving_mean), **TIGHT)
    np.testing.assert_allclose(layer.moving_variance, np.asarray(twin.moving_variance), **TIGHT)
    X = _inputs(rng)  # inference now uses the statistics both layers learned
    np.testing.assert_allclose(layer.forward(X)[0], np.asarray(twin(X, training=False)), **TIGHT)


@pytest.mark.tf
@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
def test_batch_normalization_backward_equals_gradient_tape(training, rng, tf):
    layer = _batch_norm(rng, epsilon=0.01)
    X = _inputs(rng)
    dout = rng.standard_normal(X.shape)
    twin = _keras_twin(layer)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = tf.reduce_sum(twin(x, training=training) * dout)  # Σ out ⊙ dout
    keras_grads = tape.gradient(value, [x, *twin.trainable_weights])  # X, gamma, beta
    _, cache = layer.forward(X, training=training)
    dX, grads = layer.backward(dout, cache)
    assert [w.path.split("/")[-1] for w in twin.trainable_weights] == layer.param_names
    for ours, theirs in zip([dX, *grads], keras_grads):
        np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
@pytest.mark.parametrize("n_samples", [2, N_SAMPLES])
def test_batch_normalization_passes_the_gradient_check(training, n_samples, rng):
    layer = _batch_norm(rng)
    X = _inputs(rng, n_samples)
    moving = [layer.moving_mean.copy(), layer.moving_variance.copy()]
    report = check_layer(layer, X, training=training, rng=0)
    assert report.ok, report
    assert [row.name for row in report.rows] == ["X", "gamma", "beta"]
    # check_layer works on a deep copy: the training passes moved the copy's statistics only.
    np.testing.assert_array_equal(layer.moving_mean, moving[0])
    np.testing.assert_array_equal(layer.moving_variance, moving[1])


def test_training_output_has_the_batch_statistics_beta_and_gamma(rng):
    layer = _batch_norm(rng)
    X = _inputs(rng, 50)
    out, _ = layer.forward(X, training=True)
    # mean(x̂) = 0 and var(x̂) = σ² / (σ² + ε) per feature, so out has mean β, var γ²σ²/(σ² + ε).
    var = X.var(axis=0)
    np.testing.assert_allclose(out.mean(axis=0), layer.beta, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        out.var(axis=0), layer.gamma**2 * var / (var + layer.epsilon), rtol=1e-12
    )


def test_the_moving_update_uses_the_biased_batch_variance_like_keras(rng):
    layer = BatchNormalization(N_FEATURES, momentum=0.75)
    X = _inputs(rng)
    layer.forward(X, training=True)
    # moving = moving · momentum + batch · (1 − momentum), from mean 0 and variance 1.
    np.testing.assert_allclose(layer.moving_mean, 0.25 * X.mean(axis=0), **TIGHT)
    np.testing.assert_allclose(layer.moving_variance, 0.75 + 0.25 * X.var(axis=0), **TIGHT)


def test_only_a_training_forward_pass_changes_the_layer(rng):
    layer = _batch_norm(rng)
    before = [a.copy() for a in (layer.gamma, layer.beta, layer.moving_mean, layer.moving_variance)]
    X = _inputs(rng)
    _, cache = layer.forward(X)
    layer.backward(rng.standard_normal(X.shape), cache)
    after = [layer.gamma, layer.beta, layer.moving_mean, layer.moving_variance]
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)
    layer.forward(X, training=True)
    assert not np.array_equal(layer.moving_mean, before[2])
    np.testing.assert_array_equal(layer.gamma, before[0])  # params move only by an optimizer


@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
def test_input_gradient_false_skips_dX_only(training, rng):
    layer = _batch_norm(rng)
    X = _inputs(rng)
    dout = rng.standard_normal(X.shape)
    _, cache = layer.forward(X, training=training)
    dX, grads = layer.backward(dout, cache, input_gradient=False)
    _, full = layer.backward(dout, cache)
    assert dX is None
    for g, f in zip(grads, full):
        np.testing.assert_array_equal(g, f)


@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
def test_batch_normalization_never_modifies_its_inputs(training, rng):
    layer = _batch_norm(rng)
    X, dout = _inputs(rng), rng.standard_normal((N_SAMPLES, N_FEATURES))

    def forward_and_backward(X, dout):
        _, cache = layer.forward(X, training=training)
        return layer.backward(dout, cache)

    assert_inputs_unchanged(forward_and_backward, X, dout)
    gamma, beta = read_only(layer.gamma, layer.beta)
    layer.set_params(gamma, beta)  # copied in, not kept
    assert layer.gamma is not gamma and layer.gamma.flags.writeable


@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
def test_float32_batch_normalization_stays_float32(training, rng):
    layer = _batch_norm(rng, dtype="float32")
    X = _inputs(rng).astype(np.float32)
    out, cache = layer.forward(X, training=training)
    dX, grads = layer.backward(rng.standard_normal(X.shape).astype(np.float32), cache)
    arrays = [out, dX, *grads, *layer.params, layer.moving_mean, layer.moving_variance]
    assert [a.dtype for a in arrays] == [np.float32] * len(arrays)
    reference = _batch_norm(np.random.default_rng(20261121), dtype="float64")
    expected, _ = reference.forward(X.astype(np.float64), training=training)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_batch_normalization_defaults_and_repr_follow_keras():
    layer = BatchNormalization(3)
    assert (layer.momentum, layer.epsilon, layer.dtype) == (0.99, 1e-3, "float64")
    assert layer.param_names == ["gamma", "beta"]
    assert layer.params[0] is layer.gamma and layer.params[1] is layer.beta
    for array, value in [(layer.gamma, 1), (layer.beta, 0)]:
        np.testing.assert_array_equal(array, np.full(3, value))
    np.testing.assert_array_equal(layer.moving_mean, np.zeros(3))
    np.testing.assert_array_equal(layer.moving_variance, np.ones(3))
    assert layer.n_features == layer.n_in == layer.n_out == 3
    assert repr(layer) == "BatchNormalization(3, momentum=0.99, epsilon=0.001)"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_features": 0}, ValueError, r"'n_features' must be a whole number ≥ 1; got 0\."),
        ({"n_features": 2.5}, ValueError, r"'n_features' must be a whole number ≥ 1; got 2\.5\."),
        ({"n_features": "3"}, TypeError, r"'n_features' must be a whole number; got '3'\."),
        ({"momentum": 1.5}, ValueError, r"'momentum' must be in \[0, 1\); got 1\.5\."),
        ({"momentum": 1}, ValueError, r"'momentum' must be in \[0, 1\); got 1\."),
        ({"momentum": -0.1}, ValueError, r"'momentum' must be in \[0, 1\); got -0\.1\."),
        ({"epsilon": 0}, ValueError, r"'epsilon' must be > 0; got 0\."),
        ({"epsilon": float("nan")}, ValueError, r"'epsilon' must be a finite number; got nan\."),
        ({"dtype": "float16"}, ValueError, r"'dtype' must be 'float32' or 'float64'; got"),
    ],
)
def test_bad_batch_normalization_settings_get_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        BatchNormalization(**{"n_features": 3, **kwargs})


def test_bad_batch_normalization_weights_get_clear_errors():
    layer = BatchNormalization(3)
    with pytest.raises(ValueError, match=r"'gamma' must have 3 entries, one per feature; got 2\."):
        layer.set_params(np.ones(2), np.zeros(3))
    with pytest.raises(ValueError, match=r"'beta' must be a 1-D array; got 2-D"):
        layer.set_params(np.ones(3), np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"'moving_variance' must be ≥ 0 in every entry; got -1"):
        layer.set_moving_statistics(np.zeros(3), [1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match=r"'moving_mean' must contain only finite numbers"):
        layer.set_moving_statistics([0.0, np.nan, 0.0], np.ones(3))
    np.testing.assert_array_equal(layer.moving_variance, np.ones(3))  # nothing half-set


def _away_from_kinks(rng, shape):
    """Inputs with |z| in [0.2, 0.8] or [1.2, 3]: no ±h step crosses relu's 0 or hard_tanh's ±1."""
    low = rng.choice([0.2, 1.2], size=shape)
    size = low + rng.uniform(0, 1, size=shape) * np.where(low < 1, 0.6, 1.8)
    return rng.choice([-1.0, 1.0], size=shape) * size


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_layer_applies_the_registered_function_and_backward(name, rng):
    record = ACTIVATIONS[name]
    layer = Activation(name)
    z = _away_from_kinks(rng, (5, 3))
    da = rng.standard_normal(z.shape)
    a, cache = assert_inputs_unchanged(lambda z: layer.forward(z, training=True), z)
    np.testing.assert_array_equal(a, record.function(z))
    dz, grads = assert_inputs_unchanged(lambda da, z: layer.backward(da, z), da, cache)
    np.testing.assert_allclose(dz, record.backward(da, z), **TIGHT)
    assert grads == [] and layer.params == [] and layer.param_names == []
    assert layer.backward(da, cache, input_gradient=False) == (None, [])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_layer_passes_the_gradient_check(name, rng):
    report = check_layer(Activation(name), _away_from_kinks(rng, (5, 3)), rng=0)
    assert report.ok, report
    assert [row.name for row in report.rows] == ["X"]


def test_float32_activation_layer_stays_float32_and_names_its_activation(rng):
    layer = Activation("logistic", dtype="float32")  # aliases resolve
    z = rng.standard_normal((4, 3)).astype(np.float32)
    a, cache = layer.forward(z)
    dz, _ = layer.backward(np.ones_like(a), cache)
    assert a.dtype == dz.dtype == np.float32
    assert repr(layer) == "Activation('sigmoid')"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"activation": "relux"}, ValueError, r"'activation' must be one of .*Did you mean 'relu'"),
        ({"activation": 3}, TypeError, r"'activation' must be one of .*; got 3\."),
        ({"dtype": "int32"}, ValueError, r"'dtype' must be 'float32' or 'float64'; got 'int32'\."),
    ],
)
def test_bad_activation_layer_settings_get_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        Activation(**{"activation": "relu", **kwargs})
