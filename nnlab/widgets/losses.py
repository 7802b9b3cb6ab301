"""The loss explorer of notebook 04: a regression loss and its gradient for one sample, and how
far one outlier pulls the best constant prediction under mse, mae and huber.

The picture is :class:`~nnlab.plotting.LossPlot`; the numbers come from ``nnlab.losses``: the
curves are the registered losses and gradients, the vertical lines and the text
:func:`~nnlab.losses.best_constant` on 12 fixed targets and the outlier.
"""

import ipywidgets as widgets
import numpy as np

from nnlab._validation import check_choice, check_in_range
from nnlab.losses import LOSSES, best_constant, get_loss
from nnlab.plotting import LossPlot
from nnlab.widgets._base import (
    PlotWidget,
    check_control_value,
    course_figure,
    dropdown,
    label_parameter,
    record_parameter,
    slider,
)

REGRESSION = tuple(name for name, record in LOSSES.items() if record.task == "regression")
PARAMETER_RANGES = {"delta": (0.05, 3.0), "tau": (0.05, 0.95)}  # τ must stay inside (0, 1)
TARGET_RANGE = (-2.0, 2.0)
OUTLIER_RANGE = (-5.0, 20.0)
PREDICTIONS = np.linspace(-4.0, 4.0, 161)  # ŷ on the left panel, every 0.05
DATA = np.random.default_rng(0).normal(2.0, 0.5, size=12)  # the 12 targets beside the outlier
HUBER_DELTA = LOSSES["huber"].params["delta"]  # the Huber line's δ while another loss is chosen


def _parameter_range(record):
    """The parameter slider's range for this loss (Huber's where the loss has no parameter)."""
    name, _ = record_parameter(record)
    return PARAMETER_RANGES.get(name, PARAMETER_RANGES["delta"])


def one_sample(record, target, predictions, params):
    """L(y, ŷ) and dL/dŷ for one sample with target y, at each ŷ of ``predictions`` (m,).

    L is the registered loss of a batch of that one sample (with n = 1 the batch loss Σᵢ lᵢ / n
    is the sample's own). The gradient comes in one call for a batch of the m predictions:
    each sample's share of the batch loss is lᵢ / m, so m·∂L/∂ŷᵢ = dlᵢ/dŷᵢ.
    Returns two arrays (m,).
    """
    loss = np.array([record.function([target], [p], **params) for p in predictions])
    targets = np.full_like(predictions, target)
    gradient = len(predictions) * record.gradient(targets, predictions, **params)
    return loss, gradient


def value_range(record, params):
    """(lowest, highest) value of L and dL/dŷ for every target the slider allows.

    The losses are convex in the error e = ŷ − y, so L is largest and dL/dŷ extreme at the
    largest errors on the left panel, e = ±6 (ŷ = ±4 with y = ∓2); and L(y, y) = 0.
    """
    low_end = one_sample(record, TARGET_RANGE[1], PREDICTIONS[:1], params)  # e = −6
    high_end = one_sample(record, TARGET_RANGE[0], PREDICTIONS[-1:], params)  # e = +6
    values = np.concatenate([*low_end, *high_end, [0.0]])
    return values.min(), values.max()


class LossExplorer(PlotWidget):
    """Explore one regression loss. ``controls``: "loss", "parameter" (the loss's own parameter,
    Huber's delta or quantile's tau; greyed out where there is none), "target" (the sample's y)
    and "outlier" (the 13th target on the right). ``constants`` holds the last best constant
    predictions by loss: "mse", "mae" and "huber" (with the slider's δ if Huber is chosen,
    else δ = 1)."""

    def __init__(self, loss, parameter, target, outlier):
        record = get_loss(loss)
        if record.task != "regression":
            raise ValueError(
                f"'loss' must be one of the regression losses {REGRESSION}; got {record.name!r} "
                f"(a {record.task} loss)."
            )
        _, default = record_parameter(record)
        value = parameter if parameter is not None else default
        controls = {
            "loss": dropdown("loss", record.name, REGRESSION, name="loss"),
            "parameter": slider(
                "parameter",
                HUBER_DELTA if value is None else value,
                *_parameter_range(record),
                name="parameter",
            ),
            "target": slider("target y", target, *TARGET_RANGE, name="target"),
            "outlier": slider("outlier", outlier, *OUTLIER_RANGE, name="outlier"),
        }
        # Registered before the base's redraw observer: a new loss's parameter slider takes
        # that loss's range and default first, so the picture is drawn once, with them.
        controls["loss"].observe(self._reset_parameter, names="value")
        figure, axes = course_figure(size=(8.4, 3.2), ncols=2)
        self.plot = LossPlot(axes, DATA, labels=["MSE: mean", "MAE: median", "Huber"])
        self._pulled = None  # the (outlier, δ) that ``constants`` belong to
        self.readout = widgets.HTML()
        rows = [
            widgets.HBox([controls["loss"], controls["parameter"]]),
            widgets.HBox([controls["target"], controls["outlier"]]),
            self.readout,
        ]
        label_parameter(controls["parameter"], record)
        super().__init__(
            controls, rows, figure, moving=self.plot.moving, css_class="nnlab-loss-explorer"
        )

    def _reset_parameter(self, change):
        record = get_loss(change["new"])
        name, default = record_parameter(record)
        low, high = _parameter_range(record)
        control = self.controls["parameter"]
        with self.quietly():  # the redraw observer that follows draws once
            # Widen first: a slider clamps its value into its range at every step.
            control.min, control.max = min(control.min, low), max(control.max, high)
            if name is not None:
                control.value = default
            control.min, control.max = low, high
            label_parameter(control, record)

    def update(self, **values):
        """Set the named controls and redraw once, as :meth:`PlotWidget.update` does; a new
        "loss" is set first (it resets the parameter slider) and a "parameter" given with it is
        checked against that loss's range: ``update(loss="huber", parameter=2.5)``."""
        for name, value in values.items():
            check_choice(name, "control", self.controls)
            if name == "parameter" and "loss" in values:
                check_control_value(self.controls["loss"], "loss", values["loss"])
                check_in_range(value, name, *_parameter_range(get_loss(values["loss"])))
            else:
                check_control_value(self.controls[name], name, value)
        with self.hold():
            for name in sorted(values, key=lambda name: name != "loss"):  # the loss first
                self.controls[name].value = values[name]

    def parameters(self):
        """The loss's keyword parameters as the controls set them, e.g. {"delta": 1.0}."""
        values = self.values()
        name, _ = record_parameter(get_loss(values["loss"]))
        return {name: values["parameter"]} if name else {}

    def redraw(self):
        """One sample's loss and gradient on the left; the best constants on the right."""
        values, params = self.values(), self.parameters()
        record = get_loss(values["loss"])
        # y-limits for every target: sliding y moves the curves, never the axes
        curves = one_sample(record, values["target"], PREDICTIONS, params)
        fit = value_range(record, params)
        self.plot.show_loss(record.name, values["target"], PREDICTIONS, *curves, fit=fit)
        delta = params.get("delta", HUBER_DELTA)
        if (values["outlier"], delta) != self._pulled:  # else the right panel stays as it is
            y = np.append(DATA, values["outlier"])  # (13,)
            self.constants = {
                "mse": best_constant(y, "mse"),
                "mae": best_constant(y, "mae"),
                "huber": best_constant(y, "huber", delta=delta),
            }
            self._pulled = (values["outlier"], delta)
        c = self.constants
        self.plot.show_pull(values["outlier"], [c["mse"], c["mae"], c["huber"]])
        self.readout.value = (
            f"best constant: MSE {c['mse']:.2f} (mean) · MAE {c['mae']:.2f} (median) · "
            f"Huber(δ={delta:.2f}) {c['huber']:.2f}"
        )

    def __repr__(self):
        values = self.values()
        shown = "".join(f", {k}={v:.2f}" for k, v in self.parameters().items())
        return (
            f"LossExplorer(loss={values['loss']!r}{shown}, "
            f"target={values['target'] + 0.0:.2f}, outlier={values['outlier'] + 0.0:.2f})"
        )


def make_loss_explorer(loss="huber", parameter=None, target=0.0, outlier=8.0):
    """Build the loss explorer.

    Parameters
    ----------
    loss : str
        A regression loss from ``nnlab.losses.LOSSES`` (aliases accepted): mse, mae, huber,
        log_cosh or quantile.
    parameter : float, optional
        The loss's own parameter: Huber's delta in [0.05, 3], quantile's tau in [0.05, 0.95];
        default: the loss's default. Choosing another loss in the menu resets the slider to
        that loss's range and default.
    target : float
        The sample's target y on the left, in [−2, 2].
    outlier : float
        The outlier among the right panel's targets, in [−5, 20].

    Returns
    -------
    LossExplorer
        An ipywidgets box; display it by making it a cell's last expression.
    """
    return LossExplorer(loss, parameter, target, outlier)
