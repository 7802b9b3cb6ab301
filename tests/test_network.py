"""The MLP against its Keras twin: outputs, gradients (tf.GradientTape, float64) and one epoch of
Keras' own ``fit`` with SGD and Adam, step for step; then training behaviour (history, progress
lines, callbacks, divergence) and the errors bad input gets."""

import numpy as np
import pytest
from conftest import TIGHT, read_only

from nnlab.callbacks import Callback
from nnlab.layers import Dense
from nnlab.network import MLP
from nnlab.optimizers import SGD, Adam

# Networks of several depths, activations and losses: (layer_sizes, activation, output, loss).
CASES = [
    ([3, 5, 4, 1], "tanh", "sigmoid", "binary_crossentropy"),
    ([3, 6, 3], "relu", "softmax", "sparse_categorical_crossentropy"),
    ([3, 6, 3], "elu", "softmax", "categorical_crossentropy"),
    ([3, 4, 4, 4, 2], "sigmoid", "linear", "mse"),
    ([3, 4, 2], "swish", "linear", "huber"),
    ([3, 4, 2], "softplus", "tanh", "mae"),
    ([3, 2], "linear", "softmax", "kl_divergence"),  # softmax without the fused gradient
    ([3, 4, 1], "relu", "linear", "hinge"),
]
IDS = [f"{loss}-{act}-{len(sizes) - 1}layers" for sizes, act, _, loss in CASES]


def _targets(loss, n_out, n, rng):
    if loss == "sparse_categorical_crossentropy":
        return rng.integers(0, n_out, n)
    if loss in ("categorical_crossentropy", "kl_divergence"):
        return np.eye(n_out)[rng.integers(0, n_out, n)]
    if loss in ("binary_crossentropy", "hinge"):
        return rng.integers(0, 2, n).astype(float)  # one output: (n,)
    return rng.standard_normal((n, n_out))


def _data(case, rng, n=10):
    sizes, _, _, loss = case
    return rng.standard_normal((n, sizes[0])), _targets(loss, sizes[-1], n, rng)


@pytest.mark.tf
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_outputs_loss_and_gradients_equal_keras_gradient_tape(case, rng):
    from nnlab.tf_bridge import keras_gradients, to_keras

    sizes, activation, output, loss = case
    X, y = _data(case, rng)
    mlp = MLP(sizes, activation=activation, output_activation=output, rng=1)
    model = to_keras(mlp)
    np.testing.assert_allclose(mlp.predict(X), np.asarray(model(X)), **TIGHT)
    ours, grads = mlp.loss_and_gradients(X, y, loss)
    theirs, keras_grads = keras_gradients(model, X, y, loss)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-14)
    assert len(grads) == len(keras_grads) == 2 * (len(sizes) - 1)
    for g, k in zip(grads, keras_grads):
        np.testing.assert_allclose(g, k, rtol=1e-10, atol=1e-13)


@pytest.mark.tf
def test_sample_weights_reach_the_gradients_as_in_keras(rng):
    from nnlab.tf_bridge import keras_gradients, to_keras

    case = CASES[1]
    X, y = _data(case, rng)
    weights = rng.uniform(0, 2, len(X))
    mlp = MLP(case[0], activation=case[1], output_activation=case[2], rng=2)
    ours, grads = mlp.loss_and_gradients(X, y, case[3], sample_weight=weights)
    theirs, keras_grads = keras_gradients(to_keras(mlp), X, y, case[3], sample_weight=weights)
    assert ours == pytest.approx(theirs, rel=1e-12)
    for g, k in zip(grads, keras_grads):
        np.testing.assert_allclose(g, k, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradients_equal_central_differences(case, rng):
    sizes, activation, output, loss = case
    X, y = _data(case, rng, n=6)
    X[np.abs(X) < 1e-3] = 0.5  # keep ReLU and the hinge away from their kinks
    mlp = MLP(sizes, activation=activation, output_activation=output, rng=3)
    _, grads = mlp.loss_and_gradients(X, y, loss)
    h = 1e-6
    for p, g in zip(mlp.params, grads):
        numeric = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            saved = p[i]
            p[i] = saved + h
            up, _ = mlp.loss_and_gradients(X, y, loss)
            p[i] = saved - h
            down, _ = mlp.loss_and_gradients(X, y, loss)
            p[i] = saved
            numeric[i] = (up - down) / (2 * h)
        np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-8)


def _keras_fit(mlp, X, y, loss, optimizer, batch_size, epochs=1):
    from nnlab.tf_bridge import keras_loss, quiet_stderr, to_keras

    model = to_keras(mlp)
    model.compile(optimizer=optimizer, loss=keras_loss(loss))
    with quiet_stderr():
        history = model.fit(X, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0)
    return [np.asarray(w) for w in model.get_weights()], history.history["loss"]


# Hyperparameters exactly representable in float32 (Keras keeps them in float32), so the two
# sides compute the same numbers and differ by float64 rounding only.
EXACT = {
    "SGD": ({"learning_rate": 2**-4}, {}),
    "SGD-momentum": ({"learning_rate": 2**-5, "momentum": 0.875}, {}),
    "SGD-nesterov": ({"learning_rate": 2**-5, "momentum": 0.75, "nesterov": True}, {}),
    "Adam": ({"learning_rate": 2**-6, "beta_1": 0.875, "beta_2": 0.9921875, "epsilon": 2**-23}, {}),
}


@pytest.mark.tf
@pytest.mark.parametrize("name", list(EXACT))
@pytest.mark.parametrize("case", [CASES[0], CASES[1], CASES[3]], ids=[IDS[0], IDS[1], IDS[3]])
def test_one_epoch_of_fit_gives_keras_weights_step_for_step(name, case, rng):
    import keras

    settings, _ = EXACT[name]
    kind = name.split("-")[0]
    sizes, activation, output, loss = case
    X, y = _data(case, rng, n=45)  # 45 = 2 batches of 16 and a last one of 13
    # Keras' fit casts float64 arrays to float32 (floatx) as it slices batches
    # (keras/src/trainers/data_adapters/array_slicing.py): give it data float32 holds exactly.
    X, y = X.astype(np.float32).astype(float), y.astype(np.float32).astype(y.dtype)
    mlp = MLP(sizes, activation=activation, output_activation=output, rng=4)
    keras_weights, keras_loss_history = _keras_fit(
        mlp, X, y, loss, getattr(keras.optimizers, kind)(**settings), batch_size=16, epochs=2
    )
    ours = {"SGD": SGD, "Adam": Adam}[kind](**settings)
    history = mlp.fit(
        X, y, loss=loss, optimizer=ours, epochs=2, batch_size=16, shuffle=False, verbose=0
    )
    for p, k in zip(mlp.params, keras_weights):
        np.testing.assert_allclose(p, k, rtol=1e-10, atol=1e-12)
    # Keras averages the epoch's batch losses in a float32 metric.
    np.testing.assert_allclose(history.history["loss"], keras_loss_history, rtol=1e-6)


@pytest.mark.tf
@pytest.mark.parametrize("kind", ["SGD", "Adam"])
def test_with_keras_defaults_the_weights_agree_within_float32_rounding(kind, rng):
    import keras

    case = CASES[1]
    X, y = _data(case, rng, n=40)
    X = X.astype(np.float32).astype(float)  # what Keras' fit trains on (see above)
    mlp = MLP(case[0], activation=case[1], output_activation=case[2], rng=5)
    start = mlp.get_weights()
    keras_weights, _ = _keras_fit(mlp, X, y, case[3], getattr(keras.optimizers, kind)(), 8)
    mlp.fit(X, y, loss=case[3], optimizer=kind.lower(), batch_size=8, shuffle=False, verbose=0)
    for p, k, p0 in zip(mlp.params, keras_weights, start):
        # Keras rounds 0.001, 0.9, 0.999 and 1e-7 to float32: ~1e-7 relative in each step.
        np.testing.assert_allclose(p - p0, k - p0, rtol=1e-5, atol=1e-9)
        assert np.abs(p - p0).max() > 1e-4  # the weights really moved


def test_float32_networks_stay_float32(rng):
    X, y = _data(CASES[1], rng)
    mlp = MLP(CASES[1][0], output_activation="softmax", rng=0, dtype="float32")
    _, grads = mlp.loss_and_gradients(X, y, "sparse_categorical_crossentropy")
    assert all(g.dtype == np.float32 for g in grads)
    assert mlp.predict(X).dtype == np.float32
    mlp.fit(X, y, loss="sparse_categorical_crossentropy", optimizer="adam", verbose=0)
    assert all(p.dtype == np.float32 for p in mlp.params)


def test_training_never_modifies_the_callers_arrays(rng):
    X, y = _data(CASES[0], rng, n=12)
    X_ro, y_ro = read_only(X, y)
    mlp = MLP(CASES[0][0], activation="tanh", output_activation="sigmoid", rng=0)
    mlp.loss_and_gradients(X_ro, y_ro, "binary_crossentropy")
    mlp.fit(X_ro, y_ro, loss="binary_crossentropy", epochs=2, batch_size=5, verbose=0)
    mlp.evaluate(X_ro, y_ro, "binary_crossentropy")


def test_xor_is_learned_and_history_records_each_epoch():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    mlp = MLP([2, 4, 1], activation="tanh", output_activation="sigmoid", rng=1)
    history = mlp.fit(
        X, y, loss="binary_crossentropy", optimizer=SGD(0.5), epochs=1500, batch_size=4, verbose=0
    )
    assert ((mlp.predict(X)[:, 0] > 0.5) == y).all()
    assert history.epoch == list(range(1500))
    assert set(history.history) == {"loss", "accuracy"}
    assert history.history["accuracy"][-1] == 1.0
    assert history.history["loss"][-1] < history.history["loss"][0] / 10
    assert history.stop_reason is None


def test_epoch_loss_is_the_batch_size_weighted_mean_of_the_batch_losses(rng):
    X, y = _data(CASES[3], rng, n=10)
    mlp = MLP(CASES[3][0], activation="sigmoid", rng=0)
    twin = MLP(CASES[3][0], activation="sigmoid", rng=0)
    optimizer, batch_losses = SGD(0.1), []
    for rows in (slice(0, 4), slice(4, 8), slice(8, 10)):  # batches of 4, 4, 2, in order
        loss, grads = twin.loss_and_gradients(X[rows], y[rows], "mse")
        optimizer.step(twin.params, grads)
        batch_losses.append(loss)
    history = mlp.fit(X, y, loss="mse", optimizer=SGD(0.1), batch_size=4, shuffle=False, verbose=0)
    expected = (4 * batch_losses[0] + 4 * batch_losses[1] + 2 * batch_losses[2]) / 10
    assert history.history["loss"] == [pytest.approx(expected, rel=1e-12)]
    for p, q in zip(mlp.params, twin.params):
        np.testing.assert_array_equal(p, q)


def test_validation_data_adds_val_entries_equal_to_evaluate(rng):
    X, y = _data(CASES[1], rng, n=30)
    X_val, y_val = _data(CASES[1], rng, n=9)
    mlp = MLP(CASES[1][0], output_activation="softmax", rng=0)
    history = mlp.fit(
        X,
        y,
        "sparse_categorical_crossentropy",
        "adam",
        3,
        validation_data=(X_val, y_val),
        verbose=0,
    )
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    final = mlp.evaluate(X_val, y_val, "sparse_categorical_crossentropy")
    assert history.history["val_loss"][-1] == final["loss"]
    assert history.history["val_accuracy"][-1] == final["accuracy"]


def test_shuffling_is_repeatable_with_a_seed(rng):
    X, y = _data(CASES[3], rng, n=20)
    runs = []
    for seed in (7, 7, 8):
        mlp = MLP(CASES[3][0], activation="sigmoid", rng=0)
        mlp.fit(X, y, optimizer=SGD(0.1), epochs=2, batch_size=5, verbose=0, rng=seed)
        runs.append(mlp.params[0].copy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_progress_prints_ten_evenly_spaced_lines_or_every_epoch(capsys):
    X, y = np.array([[0.0], [1.0]]), np.array([0.0, 2.0])
    MLP([1, 1], rng=0).fit(X, y, optimizer=SGD(0.1), epochs=30, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["1/30"] + [f"{e}/30" for e in range(3, 31, 3)]
    assert lines[0].startswith("epoch  1/30  loss ")
    MLP([1, 1], rng=0).fit(X, y, epochs=4, verbose=2)
    assert len(capsys.readouterr().out.splitlines()) == 4
    MLP([1, 1], rng=0).fit(X, y, epochs=4, verbose=0)
    assert capsys.readouterr().out == ""


def test_callbacks_are_called_in_keras_order_and_can_stop_training():
    calls = []

    class Recorder(Callback):
        def on_train_begin(self, logs):
            calls.append("train_begin")

        def on_epoch_begin(self, epoch, logs):
            calls.append(f"epoch_begin {epoch}")

        def on_train_batch_end(self, batch, logs):
            calls.append(f"batch_end {batch}")

        def on_epoch_end(self, epoch, logs):
            calls.append(f"epoch_end {epoch} {sorted(logs)}")
            if epoch == 1:
                self.model.stop_training = True

        def on_train_end(self, logs):
            calls.append("train_end")

    X, y = np.zeros((3, 1)), np.zeros(3)
    history = MLP([1, 1], rng=0).fit(
        X, y, epochs=5, batch_size=2, callbacks=[Recorder()], verbose=0
    )
    assert calls == [
        "train_begin",
        "epoch_begin 0",
        "batch_end 0",
        "batch_end 1",
        "epoch_end 0 ['loss']",
        "epoch_begin 1",
        "batch_end 0",
        "batch_end 1",
        "epoch_end 1 ['loss']",
        "train_end",
    ]
    assert history.epoch == [0, 1]


def test_a_diverging_run_stops_with_a_message_and_keeps_the_last_finite_weights(capsys):
    X = np.array([[1.0], [2.0], [3.0]])
    y = np.array([1.0, 2.0, 3.0])
    mlp = MLP([1, 3, 1], activation="linear", rng=0)
    snapshots = []

    class Snapshot(Callback):  # the weights after each step
        def on_train_batch_end(self, batch, logs):
            snapshots.append((logs["loss"], mlp.get_weights()))

    history = mlp.fit(
        X, y, optimizer=SGD(5.0), epochs=100, batch_size=3, callbacks=[Snapshot()], verbose=0
    )
    message = capsys.readouterr().out
    assert history.stop_reason is not None and history.stop_reason in message
    assert "a learning rate too large (it is 5)" in message
    assert len(history.epoch) < 100
    assert not np.isfinite(history.history["loss"][-1])
    assert all(np.isfinite(p).all() for p in mlp.params)
    # The kept weights are the ones before the last step: those the last finite loss came from.
    kept = snapshots[-2][1] if len(snapshots) > 1 else None
    for p, q in zip(mlp.params, kept):
        np.testing.assert_array_equal(p, q)
    assert np.isfinite(mlp.evaluate(X, y)["loss"])


def test_set_and_get_weights_copy(rng):
    mlp = MLP([2, 3, 1], rng=0)
    weights = mlp.get_weights()
    weights[0][...] = 9.0
    assert not (mlp.params[0] == 9.0).any()
    mlp.set_weights(weights)
    np.testing.assert_array_equal(mlp.params[0], 9.0)
    with pytest.raises(ValueError, match=r"'W1' must have shape \(2, 3\); got \(3, 2\)"):
        mlp.set_weights([np.zeros((3, 2)), *weights[1:]])


def test_dense_backward_leaves_its_inputs_alone_and_skips_dx_when_asked(rng):
    layer = Dense(3, 2, activation="relu", rng=0)
    X = rng.standard_normal((4, 3))
    out, cache = layer.forward(read_only(X)[0])
    dout = read_only(rng.standard_normal(out.shape))[0]
    dX, (dW, db) = layer.backward(dout, cache)
    assert dX.shape == X.shape and dW.shape == (3, 2) and db.shape == (2,)
    none, grads = layer.backward(dout, cache, input_gradient=False)
    assert none is None
    np.testing.assert_array_equal(grads[0], dW)


def _untrained(mlp):
    return [p.copy() for p in mlp.params]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"y": [0, 3, 1, 0]}, ValueError, r"'y\[1\]' must be a whole number in \[0, 2\]; got 3"),
        ({"y": [0.5, 1, 1, 0]}, ValueError, r"'y\[0\]' must be a whole number"),
        ({"y": [0, 1, 1]}, ValueError, r"'y' must have 4 labels"),
        ({"X": np.zeros((4, 5))}, ValueError, r"'X' must have 3 columns, one per input"),
        ({"batch_size": 0}, ValueError, r"'batch_size' must be a whole number ≥ 1; got 0"),
        ({"epochs": -1}, ValueError, r"'epochs' must be a whole number ≥ 1; got -1"),
        ({"optimizer": SGD}, TypeError, r"'optimizer' must be a name"),
        ({"optimizer": "adamm"}, ValueError, r"Did you mean 'adam'"),
        ({"loss": "mse_loss"}, ValueError, r"'loss'"),
        ({"verbose": 3}, ValueError, r"'verbose' must be 0, 1 or 2"),
        ({"validation_data": np.zeros(3)}, ValueError, r"'validation_data' must be a pair"),
        ({"sample_weight": [1, 1, -1, 1]}, ValueError, r"'sample_weight' must be ≥ 0"),
        ({"X": np.zeros((0, 3)), "y": []}, ValueError, r"'X' must hold at least one sample"),
    ],
)
def test_bad_input_gets_a_clear_error_and_trains_nothing(kwargs, error, match):
    mlp = MLP([3, 4, 3], output_activation="softmax", rng=0)
    before = _untrained(mlp)
    args = {
        "X": np.zeros((4, 3)),
        "y": [0, 1, 2, 0],
        "loss": "sparse_categorical_crossentropy",
        "verbose": 0,
        **kwargs,
    }
    with pytest.raises(error, match=match):
        mlp.fit(**args)
    for p, q in zip(mlp.params, before):
        np.testing.assert_array_equal(p, q)


def test_targets_of_the_wrong_shape_say_which_shape_is_expected():
    mlp = MLP([2, 3, 3], output_activation="softmax", rng=0)
    with pytest.raises(ValueError, match=r"'y' must have shape \(2, 3\).*one-hot rows.*got \(2,\)"):
        mlp.loss_and_gradients(np.zeros((2, 2)), [0, 1], "categorical_crossentropy")
    with pytest.raises(ValueError, match="needs one output per class, at least 2"):
        MLP([2, 1]).loss_and_gradients(np.zeros((2, 2)), [0, 1], "sparse_categorical_crossentropy")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"layer_sizes": [3]}, r"'layer_sizes' must be at least two whole numbers"),
        ({"layer_sizes": [3, 0, 2]}, r"'layer_sizes' must be at least two"),
        ({"activation": "relux"}, r"Did you mean 'relu'"),
        ({"initializer": "glorot"}, r"'initializer'"),
        ({"dtype": "float16"}, r"'dtype' must be 'float32' or 'float64'; got 'float16'"),
    ],
)
def test_bad_network_settings_get_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MLP(**{"layer_sizes": [3, 4, 2], **kwargs})


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: SGD(learning_rate=0), r"'learning_rate' must be > 0; got 0"),
        (lambda: SGD(learning_rate=-0.1), r"'learning_rate' must be > 0; got -0.1"),
        (lambda: SGD(momentum=1.5), r"'momentum' must be in \[0, 1\]; got 1.5"),
        (lambda: Adam(beta_1=1.0), r"'beta_1' must be in \[0, 1\); got 1.0"),
        (lambda: Adam(epsilon=0), r"'epsilon' must be > 0"),
    ],
)
def test_bad_optimizer_settings_get_clear_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_optimizer_step_checks_that_grads_match_params():
    w = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"'grads\[0\]' must have the shape of 'params\[0\]'"):
        SGD().step([w], [np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"'grads' must have 1"):
        SGD().step([w], [])
    np.testing.assert_array_equal(w, 0.0)


def test_a_schedule_sets_each_steps_learning_rate():
    w = np.array([0.0])
    optimizer = SGD(learning_rate=lambda step: 1.0 / (step + 1))
    for _ in range(3):
        optimizer.step([w], [np.array([-1.0])])
    assert w[0] == pytest.approx(1 + 1 / 2 + 1 / 3)
    assert optimizer.iterations == 3


def test_networks_can_be_deep_copied_and_pickled():
    import copy
    import pickle

    mlp = MLP([2, 3, 1], activation="elu", output_activation="sigmoid", rng=0)
    for twin in (copy.deepcopy(mlp), pickle.loads(pickle.dumps(mlp))):
        assert twin.layers[0].activation is mlp.layers[0].activation  # the registry record
        for p, q in zip(twin.params, mlp.params):
            assert p is not q
            np.testing.assert_array_equal(p, q)


# Deep-network options (notebooks 06, 07): batch normalisation and residual connections.
OPTION_CASES = [
    ([3, 5, 5, 2], "tanh", "linear", "mse", {"batch_norm": True}),
    ([3, 6, 6, 6, 3], "relu", "softmax", "sparse_categorical_crossentropy", {"residual": True}),
    (
        [3, 4, 4, 1],
        "sigmoid",
        "sigmoid",
        "binary_crossentropy",
        {"batch_norm": True, "residual": True},
    ),
]
OPTION_IDS = ["batch_norm", "residual", "both"]


@pytest.mark.tf
@pytest.mark.parametrize("case", OPTION_CASES, ids=OPTION_IDS)
def test_batch_norm_and_residual_networks_equal_their_keras_twins(case, rng):
    from nnlab.tf_bridge import keras_gradients, to_keras

    sizes, activation, output, loss, options = case
    X, y = _data((sizes, activation, output, loss), rng)
    mlp = MLP(sizes, activation=activation, output_activation=output, rng=1, **options)
    model = to_keras(mlp)
    assert len(model.trainable_weights) == len(mlp.params)
    np.testing.assert_allclose(mlp.predict(X), np.asarray(model(X, training=False)), **TIGHT)
    ours, grads = mlp.loss_and_gradients(X, y, loss)  # training mode: batch statistics
    theirs, keras_grads = keras_gradients(model, X, y, loss)
    assert ours == pytest.approx(theirs, rel=1e-12)
    for name, g, k in zip(mlp.param_names, grads, keras_grads):
        np.testing.assert_allclose(g, k, rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("case", OPTION_CASES, ids=OPTION_IDS)
def test_batch_norm_and_residual_gradients_pass_the_gradient_check(case, rng):
    from nnlab.gradcheck import check_gradients

    sizes, activation, output, loss, options = case
    X, y = _data((sizes, activation, output, loss), rng, n=8)
    mlp = MLP(sizes, activation=activation, output_activation=output, rng=2, **options)
    report = check_gradients(mlp, X, y, loss, rng=0, tolerance=1e-5)
    assert report.ok, str(report)


@pytest.mark.tf
def test_one_epoch_of_a_batch_norm_network_gives_keras_weights_and_moving_statistics(rng):
    import keras

    sizes, activation, output, loss, options = OPTION_CASES[0]
    X, y = _data((sizes, activation, output, loss), rng, n=40)
    X, y = X.astype(np.float32).astype(float), y.astype(np.float32).astype(float)
    mlp = MLP(sizes, activation=activation, output_activation=output, rng=4, **options)
    keras_weights, _ = _keras_fit(mlp, X, y, loss, keras.optimizers.SGD(2**-4), batch_size=16)
    mlp.fit(X, y, loss=loss, optimizer=SGD(2**-4), batch_size=16, shuffle=False, verbose=0)
    ours = []
    for layer in mlp.layers:  # Keras' order: each layer's weights, BN's moving stats too
        ours += layer.params
        if hasattr(layer, "moving_mean"):
            ours += [layer.moving_mean, layer.moving_variance]
    assert len(ours) == len(keras_weights)
    for p, k in zip(ours, keras_weights):
        np.testing.assert_allclose(p, k, rtol=1e-10, atol=1e-12)


def test_residual_layers_add_their_input():
    mlp = MLP([2, 3, 3, 3, 1], activation="relu", rng=0, residual=True)
    assert mlp.skips == (1, 2)
    X = np.array([[1.0, -2.0], [0.5, 0.25]])
    a1 = np.maximum(X @ mlp.params[0] + mlp.params[1], 0)
    a2 = np.maximum(a1 @ mlp.params[2] + mlp.params[3], 0) + a1
    a3 = np.maximum(a2 @ mlp.params[4] + mlp.params[5], 0) + a2
    np.testing.assert_allclose(mlp.predict(X), a3 @ mlp.params[6] + mlp.params[7], **TIGHT)
    assert "+ skip" in mlp.summary()
    assert repr(mlp).endswith("residual=True)")


def test_batch_norm_networks_name_and_count_their_parameters():
    mlp = MLP([2, 4, 1], rng=0, batch_norm=True)
    assert mlp.param_names == ["W1", "b1", "gamma1", "beta1", "W2", "b2"]
    assert mlp.count_params() == 2 * 4 + 4 + 2 * 4 + 4 + 1
    assert "relu + batch norm" in mlp.summary()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"residual": True}, ValueError, r"'residual' needs two hidden layers in a row"),
        ({"batch_norm": "yes"}, TypeError, r"'batch_norm' must be True or False"),
    ],
)
def test_bad_options_get_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        MLP([2, 4, 1], **kwargs)


def test_an_initializer_can_be_a_function_with_its_own_settings():
    import functools

    from nnlab.initializers import random_normal

    small = functools.partial(random_normal, stddev=1e-3)
    mlp = MLP([50, 40, 1], initializer=small, rng=0)
    assert np.std(mlp.params[0]) == pytest.approx(1e-3, rel=0.05)
