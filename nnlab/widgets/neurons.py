"""The neuron playground of notebook 01: inputs, weights, bias and activation → z and y.

The picture is the activation curve with the operating point (z, y) on it; the text shows the
weighted sum term by term. The view follows the point, so it stays on the plot for any z.
"""

import ipywidgets as widgets

from nnlab._validation import as_float_array, check_size
from nnlab.activations import ELEMENTWISE, get_activation
from nnlab.neurons import weighted_sum
from nnlab.plotting import ActivationPlot
from nnlab.widgets._base import PlotWidget, course_figure, dropdown, slider

X_RANGE = W_RANGE = (-2.0, 2.0)
B_RANGE = (-3.0, 3.0)


def _signed(value):
    return f"({value:g})" if value < 0 else f"{value:g}"


class NeuronPlayground(PlotWidget):
    """A single neuron to play with. ``controls`` maps "x1", …, "w1", …, "b", "activation" to
    their widgets; ``z`` and ``y`` hold the current weighted sum and output; ``plot`` is the
    :class:`~nnlab.plotting.ActivationPlot` drawn into ``image``; ``readout`` the text."""

    def __init__(self, x, w, b, activation):
        x = as_float_array(x, "x", ndim=1)
        w = as_float_array(w, "w", ndim=1)
        check_size(w.shape[0], "w", x.shape[0], "entries, one per input in 'x'")
        self.n_inputs = len(x)
        inputs = range(1, self.n_inputs + 1)
        controls = {}
        for i in inputs:
            controls[f"x{i}"] = slider(f"x{i}", x[i - 1], *X_RANGE, name="x")
            controls[f"w{i}"] = slider(f"w{i}", w[i - 1], *W_RANGE, name="w")
        controls["b"] = slider("bias b", b, *B_RANGE, name="b")
        activation = get_activation(activation).name  # the notes' aliases: logistic → sigmoid
        controls["activation"] = dropdown("activation", activation, ELEMENTWISE, name="activation")
        figure, ax = course_figure()
        self.plot = ActivationPlot(ax, activation)
        self.readout = widgets.HTML()
        rows = [
            widgets.HBox(
                [
                    widgets.VBox([controls[f"x{i}"] for i in inputs]),
                    widgets.VBox([controls[f"w{i}"] for i in inputs]),
                ]
            ),
            widgets.HBox([controls["b"], controls["activation"]]),
            self.readout,
        ]
        super().__init__(
            controls, rows, figure, moving=self.plot.moving, css_class="nnlab-neuron-playground"
        )

    def redraw(self):
        """z = x · w + b (``nnlab.neurons``), y = f(z) (``nnlab.activations``), then redraw."""
        values = self.values()
        inputs = range(1, self.n_inputs + 1)
        x = [values[f"x{i}"] for i in inputs]
        w = [values[f"w{i}"] for i in inputs]
        b, activation = values["b"], values["activation"]
        self.z = weighted_sum(x, w, b)
        self.y = self.plot.update(name=activation, z=self.z)  # y = f(z), as the plot marks it
        terms = " + ".join(f"{xi:g}×{_signed(wi)}" for xi, wi in zip(x, w))
        self.readout.value = (
            f"<code>z = {terms} + {_signed(b)} = {self.z:.4f}</code><br>"
            f"<code>y = {activation}({self.z:.4f}) = <b>{self.y:.4f}</b></code>"
        )

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

    Raises
    ------
    ValueError
        For a value outside its slider's range (it is not clamped), mismatched ``x`` and ``w``,
        or an unknown activation.
    """
    return NeuronPlayground(x, w, b, activation)
