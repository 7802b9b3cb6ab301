"""The regularization explorer of notebook 09: how the L2 strength λ, the dropout rate and the
width of a network move it between underfitting, a good fit and overfitting.

A network with two hidden layers of ``width`` ReLU units learns 40 noisy two-moons points and
is checked after every epoch on 300 more from the same distribution. Left, its decision
boundary with the training points (filled) and the validation points (hollow), drawn by
:class:`~nnlab.plotting.DecisionPlot`; right, the training and the validation loss per epoch,
the epoch of the lowest validation loss marked. Without regularization a wide network drives
its training loss to ≈ 0 while its validation loss climbs back up after a minimum; a moderate
λ or dropout keeps the validation loss near that minimum. Each setting trains once
(:func:`train`), then comes from a cache.
"""

import functools
import numbers

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np

from nnlab._validation import describe
from nnlab.callbacks import History
from nnlab.datasets import two_moons
from nnlab.network import MLP
from nnlab.optimizers import Adam
from nnlab.plotting import CLASS_COLORS, COLORS, DecisionPlot
from nnlab.regularization import L2
from nnlab.widgets._base import PlotWidget, course_figure

# The controls' values. λ: none, then weak to strong; 0.01 and above mostly underfit here.
L2_VALUES = (0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03)
DROPOUT_VALUES = (0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
WIDTH_VALUES = (4, 8, 16, 32, 64)  # 8 units fit these points well; 32 overfit them
OPTIONS = {"l2": L2_VALUES, "dropout": DROPOUT_VALUES, "width": WIDTH_VALUES}
# The data: few noisy points, which a wide network can memorise, and many to check it on.
N_TRAIN, N_VALIDATION, NOISE = 40, 300, 0.3
TRAIN_SEED, VALIDATION_SEED = 2, 102
# The recipe: full-batch Adam, the starting weights and the dropout masks from SEED.
SEED, EPOCHS, LEARNING_RATE, LOSS = 0, 100, 0.02, "binary_crossentropy"
BOX = (-1.75, 2.75)  # the plane shown: every training and validation point lies inside
RESOLUTION = 80  # grid points per axis of the plane
LOSS_LIMITS = (0.0, 1.0)  # the curves' fixed y-limits: every setting's curves fit
# The verdict (see ``verdict``): losses are binary cross-entropies, without the penalty.
UNDERFIT = 0.4  # training loss above it: underfitting
# Overfitting: the validation loss ends RISE above its minimum and GAP above the training loss.
RISE, GAP = 0.1, 0.2


@functools.cache
def data():
    """(X, y, X_val, y_val): ``N_TRAIN`` two-moons points with noise ``NOISE`` to train on and
    ``N_VALIDATION`` more from the same distribution (another seed) to validate on, read-only.
    X is (40, 2), X_val (300, 2); y and y_val hold 0 and 1, half each."""
    arrays = (
        *two_moons(N_TRAIN, noise=NOISE, rng=TRAIN_SEED),
        *two_moons(N_VALIDATION, noise=NOISE, rng=VALIDATION_SEED),
    )
    for array in arrays:
        array.setflags(write=False)
    return arrays


class DataLossHistory(History):
    """A :class:`~nnlab.callbacks.History` of how well the network fits the data, as it is at
    the end of each epoch: the loss without the weight penalty, in inference mode (no units
    dropped), on the training set ("loss", "accuracy") and the validation set ("val_loss",
    "val_accuracy").

    ``fit``'s own History counts as Keras does: its "loss" averages the epoch's batches in
    training mode (dropout on) before each step, and "loss" and "val_loss" both include the
    penalty λ·Σw², which grows with λ and would make a regularized network look worse than
    its predictions are. TensorFlow's "Overfit and underfit" tutorial watches the
    cross-entropy alone for the same reason.
    """

    def __init__(self, X, y):
        super().__init__()
        self.X, self.y = X, y

    def on_epoch_end(self, epoch, logs):
        penalty = self.model.penalty()  # Σ λ·Σw² over the layers; 0 without a regularizer
        train = self.model.evaluate(self.X, self.y, loss=LOSS, penalty=False)  # inference mode
        data_logs = {
            "loss": train["loss"],
            "accuracy": train["accuracy"],
            "val_loss": logs["val_loss"] - penalty,
            "val_accuracy": logs["val_accuracy"],
        }
        super().on_epoch_end(epoch, data_logs)


@functools.lru_cache(maxsize=256)  # every setting of the controls: 7 · 7 · 5 = 245
def train(l2, dropout, width):
    """MLP([2, width, width, 1]) (ReLU, sigmoid output) with ``kernel_regularizer=L2(l2)``
    (none for 0) and ``dropout``, trained on ``data()`` with binary cross-entropy: ``EPOCHS``
    full-batch steps of Adam(``LEARNING_RATE``), weights and masks from ``SEED``, validated
    after each epoch. Cached (each setting trains once; treat the result as read-only).

    Returns (mlp, curves): the trained network and its :class:`DataLossHistory`.
    """
    X, y, X_val, y_val = data()
    mlp = MLP(
        [2, width, width, 1],
        activation="relu",
        output_activation="sigmoid",
        kernel_regularizer=L2(l2) if l2 else None,
        dropout=dropout,
        rng=SEED,
    )
    curves = DataLossHistory(X, y)
    mlp.fit(
        X,
        y,
        loss=LOSS,
        optimizer=Adam(learning_rate=LEARNING_RATE),
        epochs=EPOCHS,
        batch_size=len(X),
        validation_data=(X_val, y_val),
        shuffle=False,
        callbacks=[curves],
        verbose=0,
    )
    return mlp, curves


def best_epoch(curves):
    """The epoch (1 … EPOCHS) of the lowest validation loss (the first, if tied)."""
    return int(np.argmin(curves.history["val_loss"])) + 1


def verdict(curves):
    """(word, sentence) for a run's :class:`DataLossHistory`, from its last epoch:

    - "underfitting": the training loss is above ``UNDERFIT`` = 0.4. The best networks here
      reach ≈ 0.27 on the validation set (the noise puts some points on the wrong side, so
      nothing does much better), and always predicting p = 0.5 costs ln 2 ≈ 0.69: a network
      above 0.4 does not even fit the points it learns from. (The loss, not the accuracy: on
      40 points one point moves the accuracy by 2.5 %.)
    - "overfitting": the validation loss ends more than ``RISE`` = 0.1 above its minimum (it
      turned and climbed while training went on) and more than ``GAP`` = 0.2 above the
      training loss (the network does much better on the points it has seen).
    - "good fit": neither.
    """
    history = curves.history
    loss, val_loss = history["loss"][-1], history["val_loss"][-1]
    lowest, epoch = min(history["val_loss"]), best_epoch(curves)
    if loss > UNDERFIT:
        return "underfitting", (
            f"the network does not even fit its training points (loss {loss:.3f} > "
            f"{UNDERFIT:g}): less λ or dropout, or more units"
        )
    if val_loss - lowest > RISE and val_loss - loss > GAP:
        return "overfitting", (
            f"the training loss kept falling while the validation loss rose by "
            f"{val_loss - lowest:.3f} after epoch {epoch}: the network memorises the noise of "
            "its training points. Try λ, dropout or fewer units"
        )
    return "good fit", "the validation loss stays near its lowest: what it learnt carries over"


def check_option(value, name, options):
    """``value`` if it is one of ``options`` (numbers), else a ValueError that lists them."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and value in options:
        return options[options.index(value)]
    listed = ", ".join(f"{option:g}" for option in options)
    raise ValueError(f"'{name}' must be one of {listed}; got {describe(value)}.")


def _selection(description, value, options, name):
    """A SelectionSlider over ``options`` starting at ``value`` (checked against them)."""
    return widgets.SelectionSlider(
        options=list(options),
        value=check_option(value, name, options),
        description=description,
        continuous_update=True,
    )


class RegularizationExplorer(PlotWidget):
    """Regularization against overfitting. ``controls``: "l2" (λ of the L2 penalty, one of
    ``L2_VALUES``), "dropout" (the rate after each hidden layer, one of ``DROPOUT_VALUES``)
    and "width" (units per hidden layer, one of ``WIDTH_VALUES``). ``mlp`` and ``curves``
    are the trained network and its :class:`DataLossHistory` (``train``), ``word`` the
    verdict."""

    def __init__(self, l2, dropout, width):
        controls = {
            "l2": _selection("L2 λ", l2, L2_VALUES, "l2"),
            "dropout": _selection("dropout", dropout, DROPOUT_VALUES, "dropout"),
            "width": _selection("width", width, WIDTH_VALUES, "width"),
        }
        X, y, X_val, y_val = data()
        figure, (ax_plane, self.ax_loss) = course_figure(size=(9.6, 3.6), ncols=2)
        figure.subplots_adjust(left=0.07, right=0.98, wspace=0.75)  # the legend between them
        self.plane = DecisionPlot(ax_plane, X, y, box=BOX, resolution=RESOLUTION, point_size=40)
        self.validation = ax_plane.scatter(
            *X_val.T, s=10, facecolors="none", edgecolors=[CLASS_COLORS[k] for k in y_val], lw=0.8
        )
        Line2D = mpl.lines.Line2D
        handles = [
            *(
                Line2D([], [], ls="", marker="o", color=CLASS_COLORS[k], label=f"class {k}")
                for k in (0, 1)
            ),
            Line2D([], [], ls="", marker="o", mfc="none", mec=COLORS["guide"], label="validation"),
            self.plane.boundary,
        ]
        ax_plane.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
        ax_loss, epochs = self.ax_loss, np.arange(1, EPOCHS + 1)
        (self.train_line,) = ax_loss.plot(epochs, epochs * np.nan, lw=2, label="training")
        (self.val_line,) = ax_loss.plot(
            epochs, epochs * np.nan, color=self.train_line.get_color(), ls="--", lw=2
        )
        self.val_line.set_label("validation")
        (self.best_line,) = ax_loss.plot([], [], color=COLORS["guide"], lw=1, ls=":")
        (self.best_point,) = ax_loss.plot(
            [], [], "o", color=COLORS["point"], ms=6, zorder=3, label="lowest validation loss"
        )
        ax_loss.set_xlim(0, EPOCHS)
        ax_loss.set_ylim(*LOSS_LIMITS)
        ax_loss.set_xlabel("epoch")
        ax_loss.set_ylabel("binary cross-entropy")
        ax_loss.legend(loc="upper center", fontsize=8)
        self.readout = widgets.HTML()
        self._planes = {}  # (l2, dropout, width) → the plane's P(class 1), (RESOLUTION²,)
        rows = [
            widgets.HBox([controls["l2"], controls["dropout"]]),
            controls["width"],
            self.readout,
        ]
        # Everything a new setting changes, the plane first and the points above it.
        first, *rest = self.plane.moving  # the plane, then its boundary, points and ring
        moving = (
            first,
            self.validation,
            *rest,
            ax_plane.title,
            self.train_line,
            self.val_line,
            self.best_line,
            self.best_point,
            ax_loss.title,
        )
        super().__init__(
            controls, rows, figure, moving=moving, css_class="nnlab-regularization-explorer"
        )

    def update(self, **values):
        """Set the named controls and redraw once, as :meth:`PlotWidget.update` does; each
        value must be one of its control's options: ``update(l2=0.003, width=64)``."""
        for name, value in values.items():
            if name in OPTIONS:
                values[name] = check_option(value, name, OPTIONS[name])
        super().update(**values)  # refuses unknown names before anything changes

    def redraw(self):
        """Train (or recall) the network, then its boundary, its curves and the text."""
        v = self.values()
        self.mlp, self.curves = train(v["l2"], v["dropout"], v["width"])
        history = self.curves.history
        setting = (v["l2"], v["dropout"], v["width"])
        if setting not in self._planes:  # P(class 1) on the plane's grid, once per setting
            self._planes[setting] = self.mlp.predict(self.plane.grid)[:, 0]
        self.plane.show(lambda grid: self._planes[setting])
        self.train_line.set_ydata(history["loss"])
        self.val_line.set_ydata(history["val_loss"])
        epoch = best_epoch(self.curves)
        lowest = history["val_loss"][epoch - 1]
        self.best_line.set_data([epoch, epoch], [LOSS_LIMITS[0], lowest])
        self.best_point.set_data([epoch], [lowest])
        self.word, sentence = verdict(self.curves)
        shown = f"width {v['width']}, λ = {v['l2']:g}, dropout {v['dropout']:g}"
        self.plane.ax.title.set_text(f"{shown}: {self.word}")
        self.ax_loss.title.set_text(f"lowest validation loss {lowest:.3f} at epoch {epoch}")
        self.readout.value = (
            f"<b>{self.word}</b>: {sentence}.<br>{shown}: training loss "
            f"<b>{history['loss'][-1]:.3f}</b> (accuracy {history['accuracy'][-1]:.1%}), "
            f"validation loss <b>{history['val_loss'][-1]:.3f}</b> (accuracy "
            f"{history['val_accuracy'][-1]:.1%}); lowest {lowest:.3f} at epoch {epoch} of "
            f"{EPOCHS}"
        )

    def __repr__(self):
        v, history = self.values(), self.curves.history
        return (
            f"RegularizationExplorer(l2={v['l2']:g}, dropout={v['dropout']:g}, "
            f"width={v['width']}: {self.word}, loss {history['loss'][-1]:.3f}/"
            f"{history['val_loss'][-1]:.3f}, best {best_epoch(self.curves)})"
        )


def make_regularization_explorer(l2=0, dropout=0, width=32):
    """Build the regularization explorer: λ, dropout and width against overfitting.

    Each setting trains MLP([2, width, width, 1]) (ReLU, sigmoid output; L2(λ) on every
    kernel, dropout after each hidden layer) on 40 noisy two-moons points, 100 full-batch Adam
    steps (learning rate 0.02) with binary cross-entropy, validated after each epoch on 300
    more. The picture shows its decision boundary p = 0.5 with the training points (filled)
    and the validation points (hollow), and both losses per epoch, the cross-entropy alone
    (without the penalty, no units dropped: :class:`DataLossHistory`). The text form reads
    ``RegularizationExplorer(l2=0, dropout=0, width=32: overfitting, loss 0.037/0.805, best
    44)``: the verdict (see :func:`verdict`), the final training/validation loss, and the
    epoch of the lowest validation loss.

    Parameters
    ----------
    l2 : float
        λ of the penalty λ·Σw², one of 0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03.
    dropout : float
        The fraction of units dropped in training, one of 0, 0.1, …, 0.6.
    width : int
        Units in each of the two hidden layers, one of 4, 8, 16, 32, 64.

    Returns
    -------
    RegularizationExplorer
        An ipywidgets box; display it by making it a cell's last expression.
    """
    return RegularizationExplorer(l2, dropout, width)
