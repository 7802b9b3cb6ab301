"""Weight penalties and dropout against Keras: L1/L2/L1L2 values and gradients equal Keras'
regularizers (tf.GradientTape); an MLP with a kernel regularizer has the Keras twin's loss,
gradients, epochs of ``fit`` and ``evaluate``; ``Dropout`` is the identity at inference, keeps
1 − rate of the values scaled by 1/(1 − rate) in training, and with Keras' own mask gives Keras'
output; then the errors bad settings get. Augmentation, ensembles and search are tested in
test_regularization_tools.py."""

import copy

import numpy as np
import pytest
from conftest import TIGHT, assert_inputs_unchanged

from nnlab.gradcheck import check_gradients
from nnlab.layers import Dense, Dropout
from nnlab.network import MLP
from nnlab.optimizers import SGD
from nnlab.regularization import L1, L1L2, L2, get_regularizer

# Strengths float32 holds exactly: Keras casts them to float32, so these agree to float64 rounding.
EXACT = [L1(2**-6), L2(2**-7), L1L2(l1=2**-7, l2=2**-5)]
EXACT_IDS = ["L1", "L2", "L1L2"]


def _weights(rng):
    W = rng.standard_normal((5, 4))
    W[0, 0] = W[2, 3] = 0.0  # |w| has no slope at 0: TensorFlow's sign(0) = 0, ours too
    return W


@pytest.mark.tf
@pytest.mark.parametrize("reg", EXACT, ids=EXACT_IDS)
def test_penalty_and_gradient_equal_keras_regularizers(reg, rng, tf):
    from nnlab.tf_bridge import keras_regularizer

    W = _weights(rng)
    twin = keras_regularizer(reg)
    assert type(twin).__name__ == type(reg).__name__
    variable = tf.Variable(W)
    with tf.GradientTape() as tape:
        value = twin(variable)
    np.testing.assert_allclose(reg(W), float(value), **TIGHT)
    np.testing.assert_allclose(reg.gradient(W), tape.gradient(value, variable).numpy(), **TIGHT)


@pytest.mark.tf
@pytest.mark.parametrize("name", ["l1", "l2"])
def test_names_give_keras_defaults_within_float32_rounding(name, rng):
    import keras

    W = _weights(rng)
    ours, theirs = get_regularizer(name), keras.regularizers.get(name)
    assert (ours.l1 or ours.l2) == 0.01
    np.testing.assert_allclose(ours(W), float(theirs(W)), rtol=1e-7)


def test_penalty_is_the_formula_and_the_weights_are_left_alone(rng):
    W = _weights(rng)
    reg = L1L2(l1=0.3, l2=0.2)
    value = assert_inputs_unchanged(reg, W)
    grad = assert_inputs_unchanged(reg.gradient, W)
    assert value == pytest.approx(0.3 * np.abs(W).sum() + 0.2 * (W**2).sum(), rel=1e-14)
    np.testing.assert_allclose(grad, 0.3 * np.sign(W) + 0.4 * W, **TIGHT)
    assert L1L2()(W) == 0.0 and not L1L2().gradient(W).any()
    assert reg.gradient(W.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: L2(-0.1), "'l2' must be ≥ 0"),
        (lambda: L1(float("nan")), "'l1'"),
        (lambda: L1L2(l1="0.1"), "'l1'"),
        (lambda: get_regularizer("l3"), "'kernel_regularizer' must be None, 'l1', 'l2'"),
        (lambda: MLP([2, 1], kernel_regularizer=0.01), "'kernel_regularizer'"),
        (lambda: Dropout(1.0), r"'rate' must be in \[0, 1\); got 1.0"),
        (lambda: Dropout(-0.2), r"'rate' must be in \[0, 1\); got -0.2"),
        (lambda: MLP([2, 3, 1], dropout=1.5), r"'dropout' must be in \[0, 1\)"),
        (lambda: MLP([2, 3, 1], dropout=True), "'dropout'"),
    ],
)
def test_bad_settings_get_errors_naming_the_parameter(make, match):
    with pytest.raises((TypeError, ValueError), match=match):
        make()


# --- a network with a weight penalty -----------------------------------------------------

CASES = [  # (layer_sizes, activation, output, loss)
    ([3, 5, 4, 3], "tanh", "softmax", "sparse_categorical_crossentropy"),
    ([3, 6, 1], "relu", "linear", "mse"),
]


def _data(case, rng, n=24):
    sizes, _, _, loss = case
    X = rng.standard_normal((n, sizes[0])).astype(np.float32).astype(float)  # as Keras' fit
    if loss == "sparse_categorical_crossentropy":
        return X, rng.integers(0, sizes[-1], n)
    return X, rng.standard_normal(n).astype(np.float32).astype(float)


@pytest.mark.tf
@pytest.mark.parametrize("reg", EXACT, ids=EXACT_IDS)
@pytest.mark.parametrize("case", CASES, ids=["softmax", "mse"])
def test_loss_and_gradients_include_the_penalty_as_in_keras(case, reg, rng):
    from nnlab.tf_bridge import keras_gradients, to_keras

    sizes, activation, output, loss = case
    X, y = _data(case, rng)
    mlp = MLP(sizes, activation, output, kernel_regularizer=reg, rng=1)
    value, grads = mlp.loss_and_gradients(X, y, loss)
    plain = copy.deepcopy(mlp)
    plain._penalized = []
    assert value - plain.loss_and_gradients(X, y, loss)[0] == pytest.approx(mlp.penalty())
    keras_value, keras_grads = keras_gradients(to_keras(mlp), X, y, loss)
    assert value == pytest.approx(keras_value, rel=1e-12)
    for ours, theirs in zip(grads, keras_grads):
        np.testing.assert_allclose(ours, theirs, **TIGHT)


@pytest.mark.tf
def test_two_epochs_of_fit_and_evaluate_with_l2_give_keras_numbers(rng):
    import keras

    from nnlab.tf_bridge import keras_loss, quiet_stderr, to_keras

    case = CASES[0]
    sizes, activation, output, loss = case
    X, y = _data(case, rng, n=40)
    mlp = MLP(sizes, activation, output, kernel_regularizer=L2(2**-4), rng=2)
    # Keras sums the compiled loss (in floatx) with the float64 penalties: with floatx float32
    # that sum is refused ("Cannot convert a list containing a tensor of dtype float64").
    floatx = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        model = to_keras(mlp)
        model.compile(optimizer=keras.optimizers.SGD(2**-3), loss=keras_loss(loss))
        with quiet_stderr():
            keras_history = model.fit(X, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
            keras_evaluation = model.evaluate(X, y, verbose=0)
    finally:
        keras.config.set_floatx(floatx)
    history = mlp.fit(X, y, loss, SGD(2**-3), epochs=2, batch_size=16, shuffle=False, verbose=0)
    for ours, theirs in zip(mlp.params, model.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(history.history["loss"], keras_history.history["loss"], rtol=1e-6)
    assert mlp.evaluate(X, y, loss)["loss"] == pytest.approx(keras_evaluation, rel=1e-6)


def test_the_penalty_shrinks_weights_and_l1_zeroes_the_useless_ones(rng):
    """Trained on the same data, L2 leaves a smaller weight vector than no penalty, and L1
    takes the weights of the 8 useless inputs most of the way to 0."""
    X = rng.standard_normal((64, 10))
    y = X[:, 0] - 2 * X[:, 1] + 0.5 * rng.standard_normal(64)  # inputs 2–9: no use
    weights = {}
    for name, reg in [("none", None), ("l2", L2(0.1)), ("l1", L1(0.1))]:
        mlp = MLP([10, 1], "linear", kernel_regularizer=reg, rng=0)
        mlp.fit(X, y, "mse", SGD(0.05), epochs=200, batch_size=64, verbose=0)
        weights[name] = mlp.params[0].ravel()
    assert np.linalg.norm(weights["l2"]) < 0.95 * np.linalg.norm(weights["none"])
    useless = {name: np.abs(w[2:]).sum() for name, w in weights.items()}
    assert useless["l1"] < 0.5 * useless["none"]


def test_evaluate_without_the_penalty_gives_the_data_loss(rng):
    X, y = rng.standard_normal((20, 3)), rng.standard_normal(20)
    mlp = MLP([3, 4, 1], kernel_regularizer=L2(0.1), rng=0)
    plain = copy.deepcopy(mlp)
    plain._penalized = []
    total = mlp.evaluate(X, y, "mse")["loss"]
    data = mlp.evaluate(X, y, "mse", penalty=False)["loss"]
    assert data == plain.evaluate(X, y, "mse")["loss"]
    assert total == pytest.approx(data + mlp.penalty(), rel=1e-14) and mlp.penalty() > 0
    with pytest.raises(TypeError, match="'penalty'"):
        mlp.evaluate(X, y, "mse", penalty="no")


def test_dense_reports_its_penalty_and_gradient(rng):
    layer = Dense(3, 2, kernel_regularizer="l2", rng=0)
    assert layer.penalty() == pytest.approx(0.01 * (layer.W**2).sum())
    np.testing.assert_allclose(layer.penalty_gradient(), 0.02 * layer.W)
    assert Dense(3, 2, rng=0).penalty() == 0.0
    assert "kernel_regularizer=L2(l2=0.01)" in repr(layer)


# --- dropout ------------------------------------------------------------------------------


def test_dropout_is_the_identity_at_inference(rng):
    X = rng.standard_normal((6, 5))
    out, cache = Dropout(0.5, rng=0).forward(X)
    assert out is X and cache is None
    dX, grads = Dropout(0.5).backward(X, cache)
    assert dX is X and grads == []


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_training_keeps_one_minus_rate_scaled_up(rate, rng):
    X = rng.uniform(1.0, 2.0, (400, 250))  # 100,000 values, none 0
    layer = Dropout(rate, rng=1)
    out, cache = layer.forward(X, training=True)
    assert out is not X and (X >= 1.0).all()  # X itself untouched
    kept = out != 0
    share, n = kept.mean(), kept.size
    assert abs(share - (1 - rate)) < 5 * np.sqrt(rate * (1 - rate) / n)  # 5 standard errors
    np.testing.assert_allclose(out[kept], X[kept] / (1 - rate), **TIGHT)
    assert out.mean() == pytest.approx(X.mean(), rel=0.02)  # the expected output is unchanged
    dout = rng.standard_normal(X.shape)
    dX, _ = layer.backward(dout, cache)
    np.testing.assert_allclose(dX, np.where(kept, dout / (1 - rate), 0.0), **TIGHT)


def test_masks_are_new_each_pass_and_repeat_with_the_seed(rng):
    X = np.ones((8, 8))
    a = Dropout(0.5, rng=3).forward(X, training=True)[0]
    b = Dropout(0.5, rng=3).forward(X, training=True)[0]
    layer = Dropout(0.5, rng=3)
    layer.forward(X, training=True)
    c = layer.forward(X, training=True)[0]
    np.testing.assert_array_equal(a, b)
    assert (a != c).any()
    np.testing.assert_array_equal(Dropout(0.0).forward(X, training=True)[0], X)


@pytest.mark.tf
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_with_keras_mask_the_output_is_keras_output(dtype, rng, tf):
    import keras

    X = rng.uniform(0.5, 2.0, (50, 40)).astype(dtype)
    theirs = np.asarray(keras.layers.Dropout(0.3, seed=5, dtype=dtype)(X, training=True))
    mask = theirs != 0
    assert 0.6 < mask.mean() < 0.8
    ours = Dropout(0.3, dtype=dtype).apply(X, mask)
    assert ours.dtype == X.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_a_dropout_network_predicts_deterministically_and_trains_with_masks(rng):
    X = rng.standard_normal((30, 4))
    mlp = MLP([4, 16, 16, 2], dropout=0.5, rng=0)
    twin = MLP([4, 16, 16, 2], rng=0)
    np.testing.assert_array_equal(mlp.predict(X), twin.predict(X))  # same weights, no drops
    a, _ = mlp.forward(X, training=True)
    b, _ = mlp.forward(X, training=True)
    assert (a != b).any()
    assert [type(layer).__name__ for layer in mlp.layers] == [
        "Dense", "Dropout", "Dense", "Dropout", "Dense"
    ]  # fmt: skip
    assert "relu + dropout 0.5" in mlp.summary() and "dropout=0.5" in repr(mlp)


@pytest.mark.parametrize("options", [{"dropout": 0.3}, {"dropout": 0.3, "batch_norm": True}])
def test_dropout_network_gradients_pass_the_gradient_check(options, rng):
    X, y = rng.standard_normal((12, 3)), rng.integers(0, 3, 12)
    mlp = MLP(
        [3, 6, 6, 3], "tanh", "softmax", kernel_regularizer=L1L2(0.01, 0.02), rng=1, **options
    )
    report = check_gradients(mlp, X, y, "sparse_categorical_crossentropy", rng=0)
    assert report.ok, str(report)


@pytest.mark.tf
def test_the_keras_twin_has_dropout_and_regularizer_layers():
    mlp = MLP([3, 5, 2], dropout=0.25, kernel_regularizer=L2(2**-5), rng=0)
    from nnlab.tf_bridge import to_keras

    model = to_keras(mlp)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["InputLayer", "Dense", "Dropout", "Dense"]
    assert model.layers[2].rate == 0.25
    assert float(sum(model.losses)) == pytest.approx(mlp.penalty(), rel=1e-12)
