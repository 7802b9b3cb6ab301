"""The regularization explorer: what it draws is nnlab's network trained the plain way (MLP +
fit with the same settings), its curves are the cross-entropy computed here by hand from the
network's predictions after each epoch; the lesson holds (no regularization overfits, a
moderate λ or dropout lowers the final validation loss, too much underfits); every control
redraws in place; bad values and unknown controls are refused. What every widget must do is
in test_widgets.py."""

import numpy as np
import pytest

from nnlab.callbacks import Callback
from nnlab.datasets import two_moons
from nnlab.network import MLP
from nnlab.optimizers import Adam
from nnlab.regularization import L2
from nnlab.widgets.regularization import (
    DROPOUT_VALUES,
    EPOCHS,
    GAP,
    L2_VALUES,
    LOSS_LIMITS,
    RISE,
    UNDERFIT,
    WIDTH_VALUES,
    data,
    make_regularization_explorer,
    train,
)

# A few settings the tests train (each once per process: ≈ 50 ms each).
MODERATE_L2, MODERATE_DROPOUT = 0.003, 0.2


class ByHand(Callback):
    """After each epoch, on each named data set: the network's logits z computed here from its
    weights (ReLU, ReLU, linear; no units dropped), the binary cross-entropy from them,
    mean(log(1 + e^z) − y·z) (= −mean(y·log p + (1 − y)·log(1 − p)) with p = σ(z), without
    the rounding of p near 1), and the share of z > 0 (p > 0.5) that match y."""

    def __init__(self, **sets):
        self.sets, self.history = sets, {}

    def on_epoch_end(self, epoch, logs):
        W1, b1, W2, b2, W3, b3 = self.model.params
        for prefix, (X, y) in self.sets.items():
            h1 = np.maximum(X @ W1 + b1, 0)  # (n, width)
            h2 = np.maximum(h1 @ W2 + b2, 0)  # (n, width)
            z = (h2 @ W3 + b3)[:, 0]  # (n,)
            loss = np.mean(np.logaddexp(0, z) - y * z)
            self.history.setdefault(f"{prefix}loss", []).append(loss)
            self.history.setdefault(f"{prefix}accuracy", []).append(np.mean((z > 0) == y))


def trained(l2, dropout, width):
    """The explorer's recipe run the plain way: its data drawn again, MLP + fit."""
    X, y = two_moons(40, noise=0.3, rng=2)
    X_val, y_val = two_moons(300, noise=0.3, rng=102)
    mlp = MLP(
        [2, width, width, 1],
        activation="relu",
        output_activation="sigmoid",
        kernel_regularizer=L2(l2) if l2 else None,
        dropout=dropout,
        rng=0,
    )
    by_hand = ByHand(**{"": (X, y), "val_": (X_val, y_val)})
    history = mlp.fit(
        X,
        y,
        loss="binary_crossentropy",
        optimizer=Adam(learning_rate=0.02),
        epochs=100,
        batch_size=40,
        validation_data=(X_val, y_val),
        shuffle=False,
        callbacks=[by_hand],
        verbose=0,
    )
    return mlp, history, by_hand.history


def final(widget, key):
    return widget.curves.history[key][-1]


def drawn(widget):
    return widget.image.value, repr(widget)


def artists(widget):
    return [(ax, len(ax.lines), len(ax.collections), len(ax.images)) for ax in widget.figure.axes]


@pytest.fixture
def explorer():
    return make_regularization_explorer()


def test_starts_with_a_wide_network_overfitting(explorer):
    assert repr(explorer) == (  # nnlab's numbers
        "RegularizationExplorer(l2=0, dropout=0, width=32: overfitting, loss 0.037/0.805, best 44)"
    )
    assert explorer.readout.value.startswith("<b>overfitting</b>: the training loss kept falling")
    assert explorer.readout.value.endswith(
        "width 32, λ = 0, dropout 0: training loss <b>0.037</b> (accuracy 100.0%), validation "
        "loss <b>0.805</b> (accuracy 84.3%); lowest 0.294 at epoch 44 of 100"
    )
    assert "nnlab-regularization-explorer" in explorer._dom_classes
    assert explorer._repr_mimebundle_()["text/plain"] == repr(explorer)
    again = make_regularization_explorer()
    assert again.image.value == explorer.image.value and repr(again) == repr(explorer)


def test_the_data_are_fixed_read_only_and_from_one_distribution():
    X, y, X_val, y_val = data()
    assert X.shape == (40, 2) and X_val.shape == (300, 2)
    assert np.bincount(y).tolist() == [20, 20] and np.bincount(y_val).tolist() == [150, 150]
    assert not any(array.flags.writeable for array in (X, y, X_val, y_val))
    np.testing.assert_array_equal(X, two_moons(40, noise=0.3, rng=2)[0])
    np.testing.assert_array_equal(X_val, two_moons(300, noise=0.3, rng=102)[0])


@pytest.mark.parametrize(
    ("l2", "dropout", "width"),
    [(0, 0, 32), (MODERATE_L2, 0, 32), (0, MODERATE_DROPOUT, 16)],
)
def test_what_it_draws_is_the_recipe_run_the_plain_way(l2, dropout, width):
    widget = make_regularization_explorer(l2, dropout, width)
    mlp, history, by_hand = trained(l2, dropout, width)
    for ours, theirs in zip(widget.mlp.params, mlp.params, strict=True):
        np.testing.assert_array_equal(ours, theirs)  # the same recipe, the same weights
    curves = widget.curves.history
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(curves[key], by_hand[key], rtol=1e-9, err_msg=key)
    # fit's own val_loss holds the penalty λ·Σw² too (Keras'); the curves leave it out
    np.testing.assert_allclose(
        history.history["val_loss"][-1] - mlp.penalty(), curves["val_loss"][-1]
    )
    assert (history.history["val_loss"][-1] > curves["val_loss"][-1]) == bool(l2)
    # the picture: the plane is the network's P(class 1), the curves are per epoch 1 … 100
    plane = widget.plane
    expected = mlp.predict(plane.grid)[:, 0].reshape(len(plane.ticks), -1)
    np.testing.assert_array_equal(plane.plane.get_array(), expected)
    np.testing.assert_array_equal(widget.train_line.get_xdata(), np.arange(1, EPOCHS + 1))
    np.testing.assert_array_equal(widget.train_line.get_ydata(), curves["loss"])
    np.testing.assert_array_equal(widget.val_line.get_ydata(), curves["val_loss"])
    best = int(np.argmin(by_hand["val_loss"])) + 1
    lowest = min(by_hand["val_loss"])
    (x,), (y,) = widget.best_point.get_data()
    assert x == best and y == pytest.approx(lowest, rel=1e-9)
    assert list(widget.best_line.get_xdata()) == [best, best]
    assert f"best {best})" in repr(widget)
    assert f"lowest {lowest:.3f} at epoch {best} of 100" in widget.readout.value


def test_no_regularization_overfits(explorer):
    curves = explorer.curves.history
    loss, val_loss, lowest = (
        final(explorer, "loss"),
        final(explorer, "val_loss"),
        min(curves["val_loss"]),
    )
    assert explorer.word == "overfitting"
    assert final(explorer, "accuracy") == 1.0  # every training point right
    assert loss < 0.05  # 0.037: nnlab's number
    assert val_loss - lowest > RISE  # 0.805 − 0.294: rose again after epoch 44
    assert val_loss - loss > GAP
    assert max(curves["val_loss"][-20:]) == val_loss  # still climbing at the end
    best = int(np.argmin(curves["val_loss"]))  # epoch 44 (from 0: 43)
    assert loss < curves["loss"][best] / 4  # while the training loss fell from 0.21 to 0.037


@pytest.mark.parametrize(("control", "value"), [("l2", MODERATE_L2), ("dropout", MODERATE_DROPOUT)])
def test_moderate_regularization_lowers_the_validation_loss(explorer, control, value):
    none = final(explorer, "val_loss")
    explorer.update(**{control: value})
    # nnlab's numbers: 0.805 without, 0.276 with λ = 0.003, 0.334 with dropout 0.2
    assert final(explorer, "val_loss") < none - 0.4
    assert explorer.word == "good fit"
    assert final(explorer, "loss") > 0.1  # the training points are no longer memorised


def test_a_narrow_network_does_not_overfit_and_too_much_lambda_underfits(explorer):
    explorer.update(width=8)
    assert explorer.word == "good fit" and final(explorer, "val_loss") < 0.3  # 0.292
    explorer.update(width=32, l2=0.03)
    assert explorer.word == "underfitting"
    assert final(explorer, "loss") > UNDERFIT  # 0.444: not even the training points fit
    assert "does not even fit its training points" in explorer.readout.value


@pytest.mark.parametrize(("control", "value"), [("l2", 0.001), ("dropout", 0.4), ("width", 16)])
def test_each_control_redraws_in_place(explorer, control, value):
    before, figure, layout = drawn(explorer), explorer.figure, artists(explorer)
    plane, curve = explorer.plane.plane.get_array().copy(), explorer.val_line.get_ydata()
    explorer.controls[control].value = value  # as the browser does
    assert explorer.image.value != before[0] and repr(explorer) != before[1]
    assert explorer.figure is figure and artists(explorer) == layout
    assert not np.array_equal(explorer.plane.plane.get_array(), plane)
    assert not np.array_equal(explorer.val_line.get_ydata(), curve)
    assert not explorer.figure.stale  # only the moving artists were redrawn
    assert explorer.ax_loss.get_ylim() == LOSS_LIMITS  # fixed: settings compare at a glance


def test_update_and_hold_redraw_once(explorer):
    changes = []
    explorer.image.observe(changes.append, names="value")
    explorer.update(l2=MODERATE_L2, dropout=MODERATE_DROPOUT, width=16)
    assert len(changes) == 1
    assert repr(explorer).startswith("RegularizationExplorer(l2=0.003, dropout=0.2, width=16:")
    with explorer.hold():
        explorer.controls["width"].value = 32
        explorer.controls["l2"].value = 0
        assert len(changes) == 1
    assert len(changes) == 2


def test_each_setting_trains_once(explorer):
    network = explorer.mlp
    explorer.update(l2=MODERATE_L2)
    explorer.update(l2=0)
    assert explorer.mlp is network and train(0, 0, 32)[0] is network


def test_the_controls_offer_the_lessons_values(explorer):
    assert tuple(explorer.controls["l2"].options) == L2_VALUES
    assert tuple(explorer.controls["dropout"].options) == DROPOUT_VALUES
    assert tuple(explorer.controls["width"].options) == WIDTH_VALUES
    assert repr(make_regularization_explorer(l2=3e-3, width=np.int64(32))).startswith(
        "RegularizationExplorer(l2=0.003, dropout=0, width=32:"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"l2": 0.002},
            r"'l2' must be one of 0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03; got 0.002\.",
        ),
        ({"l2": -0.001}, r"'l2' must be one of 0, .*; got -0.001\."),
        ({"l2": "0.001"}, r"'l2' must be one of .*; got '0.001'\."),
        ({"dropout": 0.7}, r"'dropout' must be one of 0, 0.1, .*, 0.6; got 0.7\."),
        ({"dropout": float("nan")}, r"'dropout' must be one of .*; got nan\."),
        ({"width": 33}, r"'width' must be one of 4, 8, 16, 32, 64; got 33\."),
        ({"width": True}, r"'width' must be one of .*; got True\."),
    ],
)
def test_refuses_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_regularization_explorer(**kwargs)


def test_update_refuses_bad_values_and_unknown_controls_and_changes_nothing(explorer):
    before = drawn(explorer)
    with pytest.raises(ValueError, match=r"'width' must be one of 4, 8, 16, 32, 64; got 48\."):
        explorer.update(l2=MODERATE_L2, width=48)
    with pytest.raises(ValueError, match=r"'l2' must be one of .*; got 'no such option'"):
        explorer.update(l2="no such option")
    with pytest.raises(ValueError, match=r"'control' must be one of .*; got 'lambda'"):
        explorer.update(width=16, **{"lambda": 0.001})
    assert drawn(explorer) == before
    assert explorer.values() == {"l2": 0, "dropout": 0, "width": 32}
