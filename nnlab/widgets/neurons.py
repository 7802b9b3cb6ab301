"""The neuron playground of notebook 01: inputs, weights, bias and activation → z and y.

The picture is the activation curve with the operating point (z, y) on it; the text shows the
weighted sum term by term. Drawn with a pyplot-free Figure into an ``Image`` widget, so it needs
no Output widget and renders the same under nbval, in JupyterLab and in a static notebook view.
"""

import ipywidgets as widgets
import matplotlib as mpl
from matplotlib.figure import Figure

from nnlab._validation import as_float_array, check_choice, check_size
from nnlab.activations import ACTIVATIONS, get_activation
from nnlab.neurons import weighted_sum
from nnlab.plotting import COURSE_STYLE, ActivationPlot, figure_to_png

SLIDER = {"min": -2.0, "max": 2.0, "step": 0.01, "continuous_update": True, "readout_format": ".2f"}


def _signed(value):
    return f"({value:g})" if value < 0 else f"{value:g}"


class NeuronPlayground(widgets.VBox):
    """A single neuron to play with. ``controls`` maps "x1", …, "w1", …, "b", "activation" to
    their widgets; ``z`` and ``y`` hold the current weighted sum and output."""

    def __init__(self, x, w, b, activation):
        x = as_float_array(x, "x", ndim=1)
        w = as_float_array(w, "w", ndim=1)
        check_size(w.shape[0], "w", x.shape[0], "entries, one per input in 'x'")
        check_choice(activation, "activation", ACTIVATIONS)
        n = self.n_inputs = len(x)
        self.controls = {}
        for i in range(1, n + 1):
            self.controls[f"x{i}"] = widgets.FloatSlider(
                value=x[i - 1], description=f"x{i}", **SLIDER
            )
            self.controls[f"w{i}"] = widgets.FloatSlider(
                value=w[i - 1], description=f"w{i}", **SLIDER
            )
        self.controls["b"] = widgets.FloatSlider(
            value=float(b), description="bias b", **{**SLIDER, "min": -3.0, "max": 3.0}
        )
        self.controls["activation"] = widgets.Dropdown(
            options=list(ACTIVATIONS), value=activation, description="activation"
        )
        self.readout = widgets.HTML()
        with mpl.rc_context(COURSE_STYLE):
            self.figure = Figure(figsize=(5.4, 3.2), dpi=80)
            self.figure.subplots_adjust(left=0.14, right=0.97, bottom=0.16, top=0.9)
            self.plot = ActivationPlot(self.figure.add_subplot(), activation)
        self.image = widgets.Image(format="png", layout={"width": "432px"})
        self._holding = False
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        inputs = widgets.VBox([self.controls[f"x{i}"] for i in range(1, n + 1)])
        weights = widgets.VBox([self.controls[f"w{i}"] for i in range(1, n + 1)])
        settings = widgets.HBox([self.controls["b"], self.controls["activation"]])
        super().__init__([widgets.HBox([inputs, weights]), settings, self.readout, self.image])
        self.add_class("nnlab-neuron-playground")
        self.update()

    def _on_change(self, change):
        if not self._holding:
            self.update()

    def update(self, **values):
        """Set any controls given by name (e.g. ``update(x1=0.5, activation="tanh")``), then
        recompute z (``nnlab.neurons``) and y (``nnlab.activations``) and redraw once."""
        for name in values:
            check_choice(name, "control", self.controls)
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        inputs = range(1, self.n_inputs + 1)
        x = [self.controls[f"x{i}"].value for i in inputs]
        w = [self.controls[f"w{i}"].value for i in inputs]
        b, activation = self.controls["b"].value, self.controls["activation"].value
        self.z = weighted_sum(x, w, b)
        self.y = get_activation(activation).function(self.z)
        terms = " + ".join(f"{xi:g}×{_signed(wi)}" for xi, wi in zip(x, w))
        self.readout.value = (
            f"<code>z = {terms} + {_signed(b)} = {self.z:.4f}</code><br>"
            f"<code>y = {activation}({self.z:.4f}) = <b>{self.y:.4f}</b></code>"
        )
        self.plot.update(name=activation, z=self.z)
        self.image.value = figure_to_png(self.figure)

    def __repr__(self):
        activation = self.controls["activation"].value
        return f"NeuronPlayground(z={self.z:.4f}, y={self.y:.4f}, activation={activation!r})"


def make_neuron_playground(x=(0.8, 0.6, 0.2), w=(0.2, 0.1, -0.3), b=0.25, activation="sigmoid"):
    """Build the neuron playground; the defaults are the notes' PYQ 6 neuron (z = 0.41).

    Parameters
    ----------
    x, w : sequence of float
        The starting inputs and weights, one slider each (range −2 … 2).
    b : float
        The starting bias (range −3 … 3).
    activation : str
        A name from ``nnlab.activations.ACTIVATIONS``.

    Returns
    -------
    NeuronPlayground
        An ipywidgets box; display it by making it a cell's last expression.
    """
    return NeuronPlayground(x, w, b, activation)
