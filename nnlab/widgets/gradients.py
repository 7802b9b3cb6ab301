"""The gradient-flow explorer of notebook 07: how large the gradient of each layer's weights is,
from the output down to the input, for an activation, a depth, an initializer and a scale on
its weights, with or without a remedy (batch normalisation, residual connections).

The network is an MLP of ``depth`` layers, 32 units wide, with one linear output; its weights
are drawn by the initializer from a fixed seed and multiplied by ``init_scale``. One training
step on a fixed batch (64 standard-normal inputs, standard-normal targets, mse) gives
:func:`~nnlab.diagnostics.gradient_norms`: ‖dL/dW_k‖ per layer, drawn on a log scale by
:class:`~nnlab.plotting.LayerPlot`. The text gives first/last ‖dW‖ and its verdict.
"""

import functools

import ipywidgets as widgets
import numpy as np

from nnlab.activations import get_activation
from nnlab.diagnostics import gradient_norms
from nnlab.initializers import INITIALIZERS, get_initializer
from nnlab.network import MLP
from nnlab.plotting import LayerPlot
from nnlab.widgets._base import PlotWidget, course_figure, dropdown, int_slider, slider
from nnlab.widgets.initialization import ACTIVATIONS, INIT_SCALE_RANGE

DEPTH_RANGE = (3, 30)  # a residual connection needs two hidden layers in a row
REMEDIES = ("none", "batch_norm", "residual")
WIDTH, N_SAMPLES, SEED = 32, 64, 0
LOSS = "mse"
NORM_LIMITS = (1e-16, 1e8)  # the plot's fixed y-limits
# first/last ‖dW‖ below / above: vanishing / exploding (the first layer learns 100× slower or
# faster than the last); any ‖dW‖ above HUGE: exploding everywhere (healthy ones here: 0.1–30).
VANISHING, EXPLODING, HUGE = 1e-2, 1e2, 1e3
TINY = 1e-3  # every ‖dW‖ below it: the gradient has vanished everywhere, not only at the start


@functools.cache
def batch():
    """The fixed batch: X (N_SAMPLES, WIDTH) and y (N_SAMPLES,), standard normals (seed
    ``SEED``), read-only."""
    rng = np.random.default_rng(SEED)
    X, y = rng.standard_normal((N_SAMPLES, WIDTH)), rng.standard_normal(N_SAMPLES)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def network(activation, initializer, depth, init_scale, remedy):
    """``MLP([WIDTH] * depth + [1], activation, initializer=initializer, rng=SEED)`` with the
    remedy's option (``batch_norm=True`` or ``residual=True``) and every W times
    ``init_scale`` (biases and batch normalisation's γ, β as they start)."""
    mlp = MLP(
        [WIDTH] * depth + [1],
        activation=activation,
        initializer=initializer,
        rng=SEED,
        batch_norm=remedy == "batch_norm",
        residual=remedy == "residual",
    )
    mlp.set_weights(
        [
            init_scale * p if name.startswith("W") else p
            for name, p in zip(mlp.param_names, mlp.get_weights())
        ]
    )
    return mlp


@functools.lru_cache(maxsize=256)
def layer_gradients(activation, initializer, depth, init_scale, remedy):
    """``diagnostics.gradient_norms`` of ``network(...)`` on ``batch()`` with the loss
    ``LOSS``. Cached: each setting is computed once (the result is read-only)."""
    return gradient_norms(
        network(activation, initializer, depth, init_scale, remedy), *batch(), loss=LOSS
    )


def verdict(norms):
    """(word, sentence): does the gradient of ``norms`` reach the first layer?"""
    dW, ratio = norms.dW_norm, norms.first_to_last
    if not np.isfinite(norms.loss):
        return "exploded", f"the loss overflowed to {norms.loss}: there is no gradient"
    if not norms.W_norm[:-1].any():
        return "symmetric", (
            f"W = 0: ‖dW‖ is exactly 0 in {np.count_nonzero(dW == 0)} of the {len(norms)} "
            "layers, and every unit of a layer gets the same gradient (the symmetry problem)"
        )
    if ratio < VANISHING:
        return "vanishing", "the first layers get almost none of the gradient and barely learn"
    if dW.max() < TINY:
        return "vanishing", (
            f"every layer's gradient is tiny (at most {dW.max():.3g}): the signal died on its way "
            "forward, so the profile is flat but no layer learns"
        )
    if ratio > EXPLODING:
        return "exploding", "the gradient grows on its way down to the first layer"
    if dW.max() > HUGE:
        return "exploding", (
            f"every layer's gradient is huge (up to {dW.max():.3g}): the signal blew up on its "
            "way forward"
        )
    return "healthy", "the gradient reaches the first layer within a factor 100 of the last's"


class GradientFlowExplorer(PlotWidget):
    """Gradient norms per layer at initialization. ``controls``: "activation", "depth" (layers,
    3–30), "init_scale" (× the weights), "initializer" (every entry of ``INITIALIZERS``) and
    "remedy" ("none", "batch_norm", "residual"). ``norms`` are the gradient norms drawn
    (``layer_gradients``), ``word`` the verdict."""

    def __init__(self, activation, depth, init_scale, initializer, remedy):
        activation = get_activation(activation).name  # the notes' aliases: logistic → sigmoid
        initializer = get_initializer(initializer).name  # PyTorch's names too: kaiming_normal
        controls = {
            "activation": dropdown("activation", activation, ACTIVATIONS, name="activation"),
            "depth": int_slider("depth (layers)", depth, *DEPTH_RANGE, name="depth"),
            "init_scale": slider("× weights", init_scale, *INIT_SCALE_RANGE, name="init_scale"),
            "initializer": dropdown("initializer", initializer, INITIALIZERS, name="initializer"),
            "remedy": dropdown("remedy", remedy, REMEDIES, name="remedy"),
        }
        figure, ax = course_figure(size=(6.4, 3.6))
        self.plot = LayerPlot(ax, ["‖dL/dW_k‖"], "gradient norm ‖dL/dW_k‖", limits=NORM_LIMITS)
        ax.set_title("gradient norm per layer (log scale)")
        self.readout = widgets.HTML()
        rows = [
            widgets.HBox([controls["activation"], controls["initializer"]]),
            widgets.HBox([controls["depth"], controls["init_scale"]]),
            controls["remedy"],
            self.readout,
        ]
        super().__init__(
            controls,
            rows,
            figure,
            moving=self.plot.moving,
            css_class="nnlab-gradient-flow-explorer",
        )

    def redraw(self):
        """Gradient norms of the network the controls describe, then the line and the text."""
        v = self.values()
        setting = (v["activation"], v["initializer"], v["depth"], v["init_scale"])
        self.norms = layer_gradients(*setting, v["remedy"])
        self.plot.show(self.norms.dW_norm)
        self.word, sentence = verdict(self.norms)
        remedy = {"none": "", "batch_norm": " + batch norm", "residual": " + skips"}[v["remedy"]]
        unremedied = ""
        if v["remedy"] != "none":
            unremedied = f" (without it: {layer_gradients(*setting, 'none').first_to_last:.3g})"
        self.readout.value = (
            f"<b>{self.word}</b>: first/last ‖dW‖ = <b>{self.norms.first_to_last:.3g}</b>"
            f"{unremedied} · {sentence}<br>{v['depth']} layers: {v['depth'] - 1} hidden layers of "
            f"{WIDTH} {v['activation']} units{remedy} and a linear output, {v['initializer']} × "
            f"{v['init_scale']:.2f}: {LOSS} "
            f"{self.norms.loss:.3g} on {N_SAMPLES} fixed samples"
        )

    def __repr__(self):
        v = self.values()
        return (
            f"GradientFlowExplorer({v['activation']!r}, {v['initializer']!r}, "
            f"depth={v['depth']}, init_scale={v['init_scale']:.2f}, remedy={v['remedy']!r})"
        )


def make_gradient_flow_explorer(
    activation="sigmoid", depth=10, init_scale=1.0, initializer="glorot_uniform", remedy="none"
):
    """Build the gradient-flow explorer: ‖dL/dW_k‖ of every layer k of a deep network at
    initialization, on a log scale.

    One training step of ``MLP([32] * depth + [1], activation)`` (linear output, weights drawn
    by ``initializer`` from seed 0 and multiplied by ``init_scale``) on a fixed batch of 64
    standard-normal inputs and targets, with the mse loss.

    Parameters
    ----------
    activation : str
        The hidden layers' activation: "tanh", "sigmoid", "relu", "leaky_relu", "elu", "selu"
        or "linear" (aliases accepted).
    depth : int
        Layers (weight matrices), 3 … 30.
    init_scale : float
        Multiplies every weight matrix (so the initializer's standard deviation), 0.1 … 4.
    initializer : str
        A name in ``nnlab.initializers.INITIALIZERS`` (PyTorch's names accepted).
    remedy : str
        "none", "batch_norm" (``MLP(batch_norm=True)``: each hidden layer's z normalised over
        the batch) or "residual" (``MLP(residual=True)``: a skip around each hidden layer
        after the first).

    Returns
    -------
    GradientFlowExplorer
        An ipywidgets box; display it by making it a cell's last expression.
    """
    return GradientFlowExplorer(activation, depth, init_scale, initializer, remedy)
