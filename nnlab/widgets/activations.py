"""The activation explorer of notebook 03: an activation, its derivative, where it saturates,
and what a layer's inputs z ~ N(mean, std²) turn into.

The picture is :class:`~nnlab.plotting.SaturationPlot`; the text gives the share of inputs that
are saturated (or dead), the mean derivative the layer below receives, and the outputs' mean
and spread (is the layer's output zero-centred?).
"""

import ipywidgets as widgets

from nnlab.activations import ELEMENTWISE, get_activation
from nnlab.plotting import SaturationPlot
from nnlab.widgets._base import (
    PlotWidget,
    course_figure,
    dropdown,
    label_parameter,
    record_parameter,
    slider,
)

MEAN_RANGE = (-4.0, 4.0)
STD_RANGE = (0.1, 4.0)
PARAMETER_RANGE = (0.0, 2.0)


def _fixed(x):
    """x to 3 decimals, never "-0.000" (tanh's mean output is 0 up to rounding)."""
    return f"{round(x, 3) + 0.0:.3f}"


class ActivationExplorer(PlotWidget):
    """Explore one activation. ``controls``: "activation", "parameter" (the activation's own
    parameter, e.g. elu's alpha; greyed out where there is none), "mean" and "std" of the
    inputs. ``stats`` holds the last statistics (see ``SaturationPlot.update``)."""

    def __init__(self, activation, parameter, mean, std):
        record = get_activation(activation)
        if not record.elementwise:
            raise ValueError(
                f"'activation' must be one of the element-wise activations {ELEMENTWISE}; "
                f"got {record.name!r} (softmax mixes a whole row)."
            )
        name, default = record_parameter(record)
        value = default if parameter is None else parameter
        controls = {
            "activation": dropdown("activation", record.name, ELEMENTWISE, name="activation"),
            "parameter": slider("parameter", value or 0.0, *PARAMETER_RANGE, name="parameter"),
            "mean": slider("input mean", mean, *MEAN_RANGE, name="mean"),
            "std": slider("input std", std, *STD_RANGE, name="std"),
        }
        # Registered before the base's redraw observer: a new activation's parameter slider
        # takes that activation's default first, so the picture is drawn once, with it.
        controls["activation"].observe(self._reset_parameter, names="value")
        figure, ax = course_figure(size=(6.0, 3.4))
        self.plot = SaturationPlot(ax, record.name, {name: value} if name else {}, mean, std)
        self.readout = widgets.HTML()
        rows = [
            widgets.HBox([controls["activation"], controls["parameter"]]),
            widgets.HBox([controls["mean"], controls["std"]]),
            self.readout,
        ]
        label_parameter(controls["parameter"], record)
        super().__init__(
            controls, rows, figure, moving=self.plot.moving, css_class="nnlab-activation-explorer"
        )

    def _reset_parameter(self, change):
        record = get_activation(change["new"])
        name, default = record_parameter(record)
        with self.quietly():  # the redraw observer that follows draws once
            if name is not None:
                self.controls["parameter"].value = default
            label_parameter(self.controls["parameter"], record)

    def parameters(self):
        """The activation's keyword parameters as the controls set them, e.g. {"alpha": 1.0}."""
        values = self.values()
        name, _ = record_parameter(get_activation(values["activation"]))
        return {name: values["parameter"]} if name else {}

    def redraw(self):
        """Statistics of f(z) for z = mean + std·(fixed standard normals), then redraw."""
        values = self.values()
        self.stats = self.plot.update(
            name=values["activation"],
            params=self.parameters(),
            mean=values["mean"],
            std=values["std"],
        )
        stats = self.stats
        self.readout.value = (
            f"<b>{stats['saturated']:.1%}</b> of the inputs are saturated or dead "
            f"(|f′(z)| ≤ 5 % of its peak) · mean f′(z) = {stats['mean_slope']:.3f} · "
            f"outputs: mean {_fixed(stats['out_mean'])}, std {_fixed(stats['out_std'])}"
        )

    def __repr__(self):
        values = self.values()
        shown = "".join(f", {k}={v:.2f}" for k, v in self.parameters().items())
        return (
            f"ActivationExplorer(activation={values['activation']!r}{shown}, "
            f"mean={values['mean']:.2f}, std={values['std']:.2f}, "
            f"saturated={self.stats['saturated']:.1%})"
        )


def make_activation_explorer(activation="elu", parameter=None, mean=0.0, std=1.0):
    """Build the activation explorer.

    Parameters
    ----------
    activation : str
        An element-wise activation from ``nnlab.activations.ELEMENTWISE`` (aliases accepted).
    parameter : float, optional
        The activation's own parameter (leaky_relu's negative_slope, elu's alpha), in [0, 2];
        default: the activation's default. Choosing another activation in the menu resets the
        slider to that activation's default.
    mean, std : float
        The inputs' distribution z ~ N(mean, std²): mean in [−4, 4], std in [0.1, 4].

    Returns
    -------
    ActivationExplorer
        An ipywidgets box; display it by making it a cell's last expression.
    """
    return ActivationExplorer(activation, parameter, mean, std)
