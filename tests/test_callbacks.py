"""EarlyStopping and ReduceLROnPlateau against Keras 3's callbacks, fed the same hand-made epoch
logs (a stub model stands in for both frameworks'); then inside a real ``MLP.fit`` (stopping,
restoring the best epoch's weights, changing the learning rate); and the errors bad input gets."""

import itertools

import numpy as np
import pytest

from nnlab.callbacks import Callback, EarlyStopping, ReduceLROnPlateau
from nnlab.network import MLP
from nnlab.optimizers import SGD
from nnlab.schedules import ExponentialDecay


class _Optimizer:
    def __init__(self, learning_rate):
        self.learning_rate = learning_rate


class StubModel:
    """What the callbacks touch, for both Keras' and nnlab's: stop_training, the optimizer's
    learning_rate, and weights that record the epoch they were "trained" in."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = _Optimizer(learning_rate)
        self.weights = [np.array(-1.0)]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def _run(callback, values, monitor="val_loss", learning_rate=0.1):
    """Feed ``values`` as the epochs' logs until the callback stops training; returns the stub
    and the learning rate after each epoch (``_run.logged``: the epochs' logs afterwards)."""
    model = StubModel(learning_rate)
    callback.set_model(model)
    callback.on_train_begin({})
    rates, _run.logged = [], []
    for epoch, value in enumerate(values):
        model.weights = [np.array(float(epoch))]  # weights "at the end of" this epoch
        logs = {"loss": 1.0, monitor: value}  # a fresh dict each epoch
        callback.on_epoch_end(epoch, logs)
        rates.append(model.optimizer.learning_rate)
        _run.logged.append(logs)
        if model.stop_training:
            break
    callback.on_train_end({})
    return model, rates


# Hand-made val_loss curves: plateaus, small improvements (against min_delta), a late best.
LOSSES = {
    "falls-then-rises": [1.0, 0.8, 0.7, 0.72, 0.75, 0.71, 0.9, 1.0, 1.1, 1.2],
    "plateau": [0.5, 0.5, 0.5, 0.49, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    "tiny-steps": [1.0, 0.99, 0.985, 0.984, 0.983, 0.95, 0.949, 0.9489, 0.9488, 0.9487],
    "late-best": [1.0, 1.1, 1.2, 0.9, 1.3, 1.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
    "monotone": [1.0 - 0.05 * i for i in range(12)],
}
EARLY_STOPPING = [
    {},
    {"patience": 2},
    {"patience": 3, "restore_best_weights": True},
    {"patience": 2, "min_delta": 0.005},
    {"patience": 2, "min_delta": 0.005, "restore_best_weights": True},
    {"patience": 2, "baseline": 0.8},
    {"patience": 1, "baseline": 0.6, "restore_best_weights": True},
    {"patience": 1, "start_from_epoch": 3, "restore_best_weights": True},
    {"patience": 20, "restore_best_weights": True},  # never stops: restores anyway (Keras 3)
]


def _keras_callback(name, kwargs):
    import keras

    return getattr(keras.callbacks, name)(**kwargs)


@pytest.mark.tf
@pytest.mark.parametrize("kwargs", EARLY_STOPPING, ids=str)
@pytest.mark.parametrize("curve", sorted(LOSSES))
def test_early_stopping_stops_and_restores_like_keras(curve, kwargs, tf):
    ours = EarlyStopping(**kwargs)
    theirs = _keras_callback("EarlyStopping", kwargs)
    model, _ = _run(ours, LOSSES[curve])
    keras_model, _ = _run(theirs, LOSSES[curve])
    assert model.stop_training == keras_model.stop_training
    assert ours.stopped_epoch == theirs.stopped_epoch
    assert (ours.best, ours.best_epoch, ours.wait) == (theirs.best, theirs.best_epoch, theirs.wait)
    assert model.weights == keras_model.weights  # the epoch whose weights are in the model


@pytest.mark.tf
@pytest.mark.parametrize("kwargs", [{"patience": 1}, {"patience": 2, "min_delta": 0.02}], ids=str)
def test_early_stopping_maximises_accuracy_like_keras(kwargs, tf):
    accuracy = [0.5, 0.6, 0.61, 0.7, 0.69, 0.7, 0.65, 0.71, 0.6, 0.5]
    ours = EarlyStopping(monitor="val_accuracy", **kwargs)  # "auto" → "max" for accuracies
    theirs = _keras_callback("EarlyStopping", {"monitor": "val_accuracy", "mode": "max", **kwargs})
    _run(ours, accuracy, monitor="val_accuracy")
    _run(theirs, accuracy, monitor="val_accuracy")
    assert (ours.stopped_epoch, ours.best) == (theirs.stopped_epoch, theirs.best)
    assert ours.stopped_epoch > 0


REDUCE_LR = [
    {"patience": 2},
    {"patience": 0},
    {"patience": 1, "factor": 0.5, "cooldown": 2},
    {"patience": 2, "factor": 0.5, "min_delta": 0.0},
    {"patience": 1, "factor": 0.2, "min_lr": 0.005},  # reaches min_lr, then stops reducing
    {"patience": 1, "factor": 0.5, "min_delta": 0.005, "cooldown": 1, "min_lr": 0.01},
]


@pytest.mark.tf
@pytest.mark.parametrize("kwargs", REDUCE_LR, ids=str)
@pytest.mark.parametrize("curve", sorted(LOSSES))
def test_reduce_lr_on_plateau_sets_the_learning_rates_keras_sets(curve, kwargs, tf):
    ours = ReduceLROnPlateau(**kwargs)
    theirs = _keras_callback("ReduceLROnPlateau", kwargs)
    _, rates = _run(ours, LOSSES[curve])
    logged = [logs["learning_rate"] for logs in _run.logged]
    _, keras_rates = _run(theirs, LOSSES[curve])
    assert rates == pytest.approx(keras_rates, rel=1e-12)
    assert logged == pytest.approx([logs["learning_rate"] for logs in _run.logged], rel=1e-12)
    assert (ours.wait, ours.cooldown_counter) == (theirs.wait, theirs.cooldown_counter)


def test_reduce_lr_on_plateau_hand_worked():
    # patience 2, factor 0.5, cooldown 1, min_delta 0. Keras counts the cooldown down *before*
    # judging the epoch, so the last cooldown epoch already counts towards wait:
    # epoch 0 best 1.0 | 1 wait 1 | 2 wait 2 → η 0.05, cooldown 1, wait 0
    # | 3 cooldown 1 → 0, then wait 1 | 4 wait 2 → 0.025, cooldown 1 | 5 wait 1 | 6 → 0.0125
    # | 7 cooldown → 0, 0.9 a new best, wait 0 | 8 wait 1
    losses = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.95]
    callback = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, min_delta=0)
    _, rates = _run(callback, losses)
    assert rates == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125, 0.0125])
    assert (callback.wait, callback.best) == (1, 0.9)


def test_early_stopping_hand_worked():
    # patience 2: epoch 2 wait 1, epoch 3 wait 2 ≥ 2 → stop after epoch 3 (0-based).
    callback = EarlyStopping(patience=2, restore_best_weights=True)
    model, _ = _run(callback, [1.0, 0.5, 0.6, 0.7, 0.1])
    assert (callback.stopped_epoch, callback.best, callback.best_epoch) == (3, 0.5, 1)
    assert model.weights == [1.0]  # epoch 1's weights put back


class WeightRecorder(Callback):
    """Keeps the weights at the end of every epoch."""

    def __init__(self):
        self.weights = []

    def on_epoch_end(self, epoch, logs):
        self.weights.append(self.model.get_weights())


def _overfitting_run(callbacks, epochs=60, optimizer=None):
    rng = np.random.default_rng(3)
    X, X_val = rng.standard_normal((12, 4)), rng.standard_normal((40, 4))
    y, y_val = rng.standard_normal((12, 1)), rng.standard_normal((40, 1))  # noise: it overfits
    mlp = MLP([4, 32, 1], activation="tanh", rng=0)
    history = mlp.fit(
        X,
        y,
        optimizer=optimizer or SGD(learning_rate=0.05),
        epochs=epochs,
        batch_size=4,
        validation_data=(X_val, y_val),
        callbacks=callbacks,
        verbose=0,
        rng=1,
    )
    return mlp, history


@pytest.mark.parametrize("patience", [3, 1000], ids=["stops", "runs-to-the-end"])
def test_fit_with_early_stopping_restores_the_best_epochs_weights(patience):
    recorder, stopper = (
        WeightRecorder(),
        EarlyStopping(patience=patience, restore_best_weights=True),
    )
    mlp, history = _overfitting_run([recorder, stopper])
    val_loss = history.history["val_loss"]
    best = int(np.argmin(val_loss))
    assert 0 < best < len(val_loss) - 1  # the validation loss rose again: a real test
    assert stopper.best_epoch == best and stopper.best == val_loss[best]
    for ours, recorded in zip(mlp.get_weights(), recorder.weights[best]):
        np.testing.assert_array_equal(ours, recorded)
    if patience == 3:
        assert history.epoch[-1] == stopper.stopped_epoch == best + 3
    else:
        assert stopper.stopped_epoch == 0 and len(history.epoch) == 60


def test_early_stopping_can_be_reused_across_fits():
    stopper = EarlyStopping(patience=3)
    _, first = _overfitting_run([stopper])
    _, second = _overfitting_run([stopper])
    assert first.epoch == second.epoch  # state reset by on_train_begin


def test_fit_with_reduce_lr_on_plateau_lowers_the_optimizers_learning_rate():
    optimizer = SGD(learning_rate=0.05)
    reducer = ReduceLROnPlateau(factor=0.5, patience=2)
    _, history = _overfitting_run([reducer], epochs=40, optimizer=optimizer)
    assert optimizer.learning_rate < 0.05
    logged = history.history["learning_rate"]  # each epoch's rate, recorded as Keras does
    assert len(logged) == 40 and logged[0] == 0.05 and logged[-1] >= optimizer.learning_rate
    assert all(b in (a, a * 0.5) for a, b in itertools.pairwise(logged))
    assert np.log2(0.05 / optimizer.learning_rate) == pytest.approx(
        round(np.log2(0.05 / optimizer.learning_rate))
    )  # halved a whole number of times


def test_reduce_lr_on_plateau_refuses_a_schedule():
    optimizer = SGD(learning_rate=ExponentialDecay(0.05, 10, 0.5))
    with pytest.raises(TypeError, match="learning_rate, but it is a schedule"):
        _overfitting_run([ReduceLROnPlateau()], epochs=2, optimizer=optimizer)


def test_a_missing_monitor_warns_and_does_nothing():
    stopper = EarlyStopping(patience=0)
    stopper.set_model(StubModel())
    with pytest.warns(UserWarning, match="'val_loss', which is not in the logs; available: loss"):
        stopper.on_epoch_end(1, {"loss": 0.3})
    assert not stopper.model.stop_training


def test_reprs():
    assert repr(EarlyStopping(patience=2)).startswith("EarlyStopping(monitor='val_loss', min_delta")
    assert "factor=0.5" in repr(ReduceLROnPlateau(factor=0.5))


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: EarlyStopping(patience=-1), ValueError, "'patience' must be a whole number ≥ 0"),
        (lambda: EarlyStopping(patience=1.5), ValueError, "'patience'"),
        (lambda: EarlyStopping(mode="minimum"), ValueError, "'mode' must be one of 'auto'"),
        (lambda: EarlyStopping(min_delta=-0.1), ValueError, "'min_delta' must be ≥ 0"),
        (lambda: EarlyStopping(monitor="val_f1"), ValueError, "'mode' must be 'min' or 'max'"),
        (lambda: EarlyStopping(monitor=3), TypeError, "'monitor'"),
        (lambda: EarlyStopping(restore_best_weights=1), TypeError, "'restore_best_weights'"),
        (lambda: EarlyStopping(start_from_epoch=-2), ValueError, "'start_from_epoch'"),
        (lambda: ReduceLROnPlateau(factor=1.0), ValueError, "'factor' must be in (0, 1); got 1.0"),
        (lambda: ReduceLROnPlateau(factor=0), ValueError, "'factor'"),
        (lambda: ReduceLROnPlateau(patience=-1), ValueError, "'patience'"),
        (lambda: ReduceLROnPlateau(cooldown=-1), ValueError, "'cooldown'"),
        (lambda: ReduceLROnPlateau(min_lr=-1e-3), ValueError, "'min_lr' must be ≥ 0"),
        (lambda: ReduceLROnPlateau(mode="up"), ValueError, "'mode'"),
    ],
)
def test_bad_arguments_raise_naming_the_parameter(make, error, message):
    with pytest.raises(error) as excinfo:
        make()
    assert message in str(excinfo.value)


def test_explicit_mode_allows_any_monitor():
    assert EarlyStopping(monitor="val_f1", mode="max").monitor == "val_f1"
    assert ReduceLROnPlateau(monitor="mse", mode="auto").monitor == "mse"  # a loss's name: min
