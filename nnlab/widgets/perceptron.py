"""The widgets of notebook 02: a perceptron learning a logic gate one update at a time, and how
many hidden units a network needs for XOR.

The perceptron trainer replays the record :meth:`nnlab.perceptron.Perceptron.fit` keeps
(``updates_``, ``errors_``) on a :class:`~nnlab.plotting.DecisionPlot` and an
:class:`~nnlab.plotting.EpochBarPlot`. The XOR explorer trains an :class:`nnlab.network.MLP`
with one hidden layer on noisy XOR points, once per setting (then it comes from a cache), and
draws its decision boundary and each hidden unit's line.
"""

import functools
import warnings

import ipywidgets as widgets

from nnlab._validation import as_float_array, check_choice, check_in_range, check_scalar, check_size
from nnlab.activations import get_activation
from nnlab.datasets import GATES, logic_gate, xor
from nnlab.network import MLP
from nnlab.optimizers import Adam
from nnlab.perceptron import NotConvergedWarning, Perceptron
from nnlab.plotting import DecisionPlot, EpochBarPlot
from nnlab.widgets._base import (
    PlotWidget,
    check_control_value,
    course_figure,
    dropdown,
    int_slider,
    slider,
)

# Perceptron trainer
LEARNING_RATE_RANGE = (0.1, 2.0)
MAX_EPOCHS = 20  # AND, OR, NAND and NOR converge within it for every η on the slider
START = ((0.5, -0.5), 0.1)  # (w, b): wrong on every gate. From w = 0, b = 0 η only scales
GATE_BOX = (-0.5, 1.5)  # the plane shown around the four inputs

# XOR explorer
XOR_DATA = xor(n_samples=100, rng=0)  # X (100, 2), y (100,): the corners plus noise 0.15
XOR_BOX = (-0.75, 1.75)
HIDDEN_UNITS_RANGE = (1, 8)
SEED_RANGE = (0, 9)
XOR_ACTIVATIONS = ("tanh", "sigmoid", "relu", "leaky_relu")
EPOCHS, XOR_LEARNING_RATE = 100, 0.1  # full-batch Adam: ≈ 10 ms per network
SOLVED = 0.95  # the accuracy that counts as "XOR solved" (noise puts a point or two across)


def _number(x):
    """x to at most 3 decimals, with a real minus sign and never "−0"."""
    return f"{round(float(x), 3) + 0.0:g}".replace("-", "−")


# --- the perceptron trainer ------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def train_perceptron(gate, learning_rate, w, b):
    """A :class:`~nnlab.perceptron.Perceptron` started at ``w`` (a tuple), ``b`` and fitted to
    the truth table of ``gate`` for at most ``MAX_EPOCHS`` epochs. Cached, so treat it as
    read-only. No ``NotConvergedWarning``: the widget says so in its text instead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotConvergedWarning)
        perceptron = Perceptron(learning_rate=learning_rate, max_epochs=MAX_EPOCHS, w=w, b=b)
        return perceptron.fit(*logic_gate(gate))


def _shown_rate(value):
    """η as the slider shows it (step 0.01), the value ``values()`` reads."""
    return round(float(value), 2)


class PerceptronTrainer(PlotWidget):
    """Replay a perceptron learning a logic gate. ``controls``: "gate", "learning_rate" (η) and
    "update" (how many of the run's updates to apply: 0 … their number). A new gate or η
    refits (``perceptron``) and sets the update slider's range; its position stays, moved to
    the new end if it lies beyond. ``state`` is the update shown (``Perceptron.replay``) and
    ``errors`` the mistakes per epoch up to it."""

    def __init__(self, gate, learning_rate, update, w, b):
        gate = check_choice(gate, "gate", GATES, {name.upper(): name for name in GATES})
        w = as_float_array(w, "w", ndim=1)
        check_size(len(w), "w", 2, "entries, one per input x₁, x₂")
        self.start = (tuple(float(wi) for wi in w), check_scalar(b, "b"))
        controls = {
            "gate": dropdown("gate", gate, GATES, name="gate"),
            "learning_rate": slider(
                "learning rate η", learning_rate, *LEARNING_RATE_RANGE, name="learning_rate"
            ),
        }
        self.perceptron = train_perceptron(gate, _shown_rate(learning_rate), *self.start)
        last = len(self.perceptron.updates_)
        controls["update"] = int_slider("update", update, 0, last, name="update")
        # Registered before the base's redraw observer: a new run sets the update slider's
        # range first, so the picture is drawn once, with it.
        controls["gate"].observe(self._refit, names="value")
        controls["learning_rate"].observe(self._refit, names="value")
        figure, (ax_plane, ax_errors) = course_figure(size=(9.6, 3.6), ncols=2)
        figure.subplots_adjust(left=0.09, wspace=0.6)  # the plane's legend between the panels
        ax_plane.set_anchor("W")
        X, y = logic_gate(gate)
        self.plane = DecisionPlot(
            ax_plane,
            X,
            y,
            box=GATE_BOX,
            ring_label="its mistake",
            resolution=200,
            point_size=90,
            boundary_label="boundary z = 0",
        )
        self.bars = EpochBarPlot(ax_errors, MAX_EPOCHS, high=len(y), ylabel="mistakes")
        ax_errors.set_title("mistakes per epoch")
        self.readout = widgets.HTML()
        rows = [
            widgets.HBox([controls["gate"], controls["learning_rate"]]),
            controls["update"],
            self.readout,
        ]
        moving = (*self.plane.moving, *self.bars.moving, ax_plane.title)
        super().__init__(
            controls, rows, figure, moving=moving, css_class="nnlab-perceptron-trainer"
        )

    def _refit(self, change):
        values = self.values()
        self.perceptron = train_perceptron(values["gate"], values["learning_rate"], *self.start)
        with self.quietly():  # the redraw observer that follows draws once
            self.controls["update"].max = len(self.perceptron.updates_)  # clamps the value

    def update(self, **values):
        """Set the named controls and redraw once, as :meth:`PlotWidget.update` does; a new
        "gate" or "learning_rate" is set first (the run it makes sets the update slider's
        range) and an "update" given with them is checked against that run:
        ``update(gate="xor", update=40)``."""
        for name, value in values.items():
            check_choice(name, "control", self.controls)
            if name != "update":
                check_control_value(self.controls[name], name, value)
        if "update" in values:
            check_scalar(values["update"], "update", integer=True)
            current = self.values()
            gate = values.get("gate", current["gate"])
            rate = _shown_rate(values.get("learning_rate", current["learning_rate"]))
            run = train_perceptron(gate, rate, *self.start)
            check_in_range(values["update"], "update", 0, len(run.updates_))
        with self.hold():
            for name in sorted(values, key=lambda name: name == "update"):  # the update last
                self.controls[name].value = values[name]

    def redraw(self):
        """The weights after k updates on the plane, the mistakes per epoch up to them."""
        values = self.values()
        gate, k, run = values["gate"], values["update"], self.perceptron
        X, y = logic_gate(gate)
        self.state, self.errors = run.replay(k)
        w, b = self.state.w, self.state.b
        self.plane.set_labels(y)
        self.plane.show(
            Perceptron(w=w, b=b).predict,  # ŷ = step(x·w + b): 1 on the red side
            boundary=(w, b),
            ring=None if k == 0 else X[self.state.index],
        )
        last = len(run.updates_)
        self.bars.show(self.errors, running=0 < k < last)
        name = gate.upper()
        self.plane.ax.title.set_text(
            f"{name}, η = {values['learning_rate']:.2f}: update {k} of {last}"
        )
        weights = f"w = ({_number(w[0])}, {_number(w[1])}), b = {_number(b)}"
        if k == 0:
            step = f"update 0 of {last} · the start: {weights}"
        else:
            x, epoch = X[self.state.index], self.state.epoch
            step = (
                f"update {k} of {last} · epoch {epoch} · x = ({x[0]:g}, {x[1]:g}) was "
                f"misclassified → {weights} · errors in epoch {epoch} so far: {self.errors[-1]}"
            )
        if run.converged_:
            outcome = (
                f"{name}: converged after {last} updates; epoch {run.n_epochs_} made no mistakes"
            )
        else:
            outcome = f"did not converge in {run.n_epochs_} epochs: no line separates {name}"
        self.readout.value = f"{step}<br>{outcome}"

    def __repr__(self):
        values = self.values()
        return (
            f"PerceptronTrainer(gate={values['gate']!r}, "
            f"learning_rate={values['learning_rate']:.2f}, "
            f"update={values['update']}/{len(self.perceptron.updates_)})"
        )


def make_perceptron_trainer(gate="and", learning_rate=1.0, update=0, w=START[0], b=START[1]):
    """Build the perceptron trainer: a perceptron learns a logic gate, one update at a time.

    Parameters
    ----------
    gate : str
        One of ``nnlab.datasets.GATES``: "and", "or", "nand", "nor", "xor".
    learning_rate : float
        η in [0.1, 2].
    update : int
        How many of the run's updates to show applied, 0 … their number.
    w, b : the starting weights (2,) and bias; the default line is wrong on every gate, so η
        matters (from w = 0, b = 0 every update would only scale with η).

    Returns
    -------
    PerceptronTrainer
        An ipywidgets box; display it by making it a cell's last expression.
    """
    return PerceptronTrainer(gate, learning_rate, update, w, b)


# --- the XOR explorer ------------------------------------------------------------------------


@functools.cache
def train_xor(hidden_units, activation, seed):
    """An MLP([2, hidden_units, 1]), ``activation`` in the hidden layer and a sigmoid output,
    trained on ``XOR_DATA`` with binary cross-entropy: ``EPOCHS`` full-batch steps of
    Adam(``XOR_LEARNING_RATE``) from weights drawn with ``seed``. Cached (each setting trains
    once; treat the network as read-only). Returns (mlp, {"loss": …, "accuracy": …})."""
    X, y = XOR_DATA
    mlp = MLP([2, hidden_units, 1], activation=activation, output_activation="sigmoid", rng=seed)
    mlp.fit(
        X,
        y,
        loss="binary_crossentropy",
        optimizer=Adam(learning_rate=XOR_LEARNING_RATE),
        epochs=EPOCHS,
        batch_size=len(X),
        shuffle=False,
        verbose=0,
    )
    return mlp, mlp.evaluate(X, y, loss="binary_crossentropy")


class XorExplorer(PlotWidget):
    """Hidden units against XOR. ``controls``: "hidden_units" (1–8), "activation" (of the
    hidden layer) and "seed" (the starting weights). ``mlp`` is the trained network shown and
    ``metrics`` its {"loss", "accuracy"} on the 100 points (``train_xor``)."""

    def __init__(self, hidden_units, activation, seed):
        activation = get_activation(activation).name  # the notes' aliases: logistic → sigmoid
        controls = {
            "hidden_units": int_slider(
                "hidden units", hidden_units, *HIDDEN_UNITS_RANGE, name="hidden_units"
            ),
            "activation": dropdown("activation", activation, XOR_ACTIVATIONS, name="activation"),
            "seed": int_slider("seed", seed, *SEED_RANGE, name="seed"),
        }
        figure, ax = course_figure(size=(6.4, 4.0))
        figure.subplots_adjust(left=0.1, right=0.62)  # the legend to the right
        self.plane = DecisionPlot(
            ax,
            *XOR_DATA,
            box=XOR_BOX,
            n_lines=HIDDEN_UNITS_RANGE[1],
            line_label="hidden unit: wⱼ·x + bⱼ = 0",
            resolution=80,
        )
        self.readout = widgets.HTML()
        rows = [
            widgets.HBox([controls["hidden_units"], controls["activation"]]),
            controls["seed"],
            self.readout,
        ]
        moving = (*self.plane.moving, ax.title)
        super().__init__(controls, rows, figure, moving=moving, css_class="nnlab-xor-explorer")

    def redraw(self):
        """Train (or recall) the network, then its boundary p = 0.5 and its hidden lines."""
        values = self.values()
        h, activation, seed = values["hidden_units"], values["activation"], values["seed"]
        self.mlp, self.metrics = train_xor(h, activation, seed)
        W1, b1 = self.mlp.params[:2]  # (2, h), (h,): unit j's line is W1[:, j]·x + b1[j] = 0
        self.plane.show(
            lambda X: self.mlp.predict(X)[:, 0], lines=[(W1[:, j], b1[j]) for j in range(h)]
        )
        accuracy, units = self.metrics["accuracy"], f"{h} hidden unit{'s' * (h > 1)}"
        self.plane.ax.title.set_text(f"{units} ({activation}): accuracy {accuracy:.1%}")
        if h == 1:
            verdict = (
                "One hidden unit gives one straight boundary, and no line separates XOR: at "
                "most 3 of the 4 corners. XOR needs 2 hidden units."
            )
        elif accuracy >= SOLVED:
            verdict = f"Solved: XOR needs 2 hidden units (two lines); {h} are enough here."
        else:
            verdict = (
                f"Not solved from this start ({h} units could): training is stuck on a plateau "
                "or heading for a poor solution. Try another seed."
            )
        self.readout.value = (
            f"<b>{units}</b>, {activation}, seed {seed}: accuracy <b>{accuracy:.1%}</b>, "
            f"loss {self.metrics['loss']:.3f} on {len(XOR_DATA[1])} noisy XOR points<br>{verdict}"
        )

    def __repr__(self):
        values = self.values()
        return (
            f"XorExplorer(hidden_units={values['hidden_units']}, "
            f"activation={values['activation']!r}, seed={values['seed']}, "
            f"accuracy={self.metrics['accuracy']:.1%})"
        )


def make_xor_explorer(hidden_units=2, activation="tanh", seed=0):
    """Build the XOR explorer: how many hidden units a network needs for XOR.

    Each setting trains an MLP([2, hidden_units, 1]) with a sigmoid output on 100 noisy XOR
    points (binary cross-entropy, 100 full-batch Adam steps); the picture shows its decision
    boundary p = 0.5 and each hidden unit's line wⱼ·x + bⱼ = 0.

    Parameters
    ----------
    hidden_units : int
        Units in the hidden layer, 1 … 8.
    activation : str
        The hidden layer's activation: "tanh", "sigmoid", "relu" or "leaky_relu" (aliases
        such as "logistic" accepted).
    seed : int
        Seeds the starting weights, 0 … 9: some starts stall short of a solution.

    Returns
    -------
    XorExplorer
        An ipywidgets box; display it by making it a cell's last expression.
    """
    return XorExplorer(hidden_units, activation, seed)
