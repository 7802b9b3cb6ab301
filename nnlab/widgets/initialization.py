"""The initialization explorer of notebook 06: how the spread of the activations evolves through
a deep network, for each initializer, activation, depth, width and a scale on the weights.

A fixed batch of standard-normal inputs goes through a fresh MLP of ``depth`` layers, each
``width`` units wide with the chosen activation (the last one too), whose weights are drawn by
the initializer from a fixed seed and multiplied by ``init_scale``. The numbers come from
``nnlab.diagnostics``: :func:`~nnlab.diagnostics.histograms` of each layer's outputs a, drawn by
:class:`~nnlab.plotting.LayerHistogramPlot`, and :func:`~nnlab.diagnostics.activation_stats`:
std(a) per layer, drawn by :class:`~nnlab.plotting.LayerPlot`, and std(z), the saturated and the
dead shares that the text reads.
The text names what happens: the activations collapse, explode, saturate, stay healthy, or
(zero weights) every unit computes the same value.
"""

import functools

import ipywidgets as widgets
import numpy as np

from nnlab.activations import get_activation
from nnlab.diagnostics import activation_stats, histograms
from nnlab.initializers import INITIALIZERS, get_initializer
from nnlab.network import MLP
from nnlab.plotting import COLORS, LayerHistogramPlot, LayerPlot
from nnlab.widgets._base import PlotWidget, course_figure, dropdown, int_slider, slider

ACTIVATIONS = ("tanh", "sigmoid", "relu", "leaky_relu", "elu", "selu", "linear")
DEPTH_RANGE = (2, 20)
WIDTH_RANGE, WIDTH_STEP = (10, 300), 10
INIT_SCALE_RANGE = (0.1, 4.0)  # × the initializer's standard deviation
VALUES, SEED = 10_000, 0  # a layer's outputs in the fixed batch (width × samples), its seed
BINS = 41  # odd: a bin centred on 0, where tanh's collapsed activations pile up
UNBOUNDED = 4.0  # where the histograms stop on an unbounded side (4 input standard deviations)
# What the text calls the last layer L: collapsed if its pre-activations z have std below
# COLLAPSED (the inputs have std 1) or std(a) fell below layer 1's / SPREAD; exploded if above
# EXPLODED or grew beyond layer 1's × SPREAD; healthy in between.
COLLAPSED, EXPLODED, SPREAD = 0.1, 10.0, 10.0
SATURATED = 0.5  # share of z where |f′(z)| ≤ 5 % of its peak (tanh and sigmoid only)
STD_LIMITS = (1e-8, 1e8)  # the std panel's fixed y-limits


def value_range(activation):
    """The histograms' range for ``activation``: its output range where bounded (tanh (−1, 1),
    sigmoid (0, 1)), ±``UNBOUNDED`` where not (relu: (0, 4))."""
    low, high = get_activation(activation).output_range
    return (
        float(low) if np.isfinite(low) else -UNBOUNDED,
        float(high) if np.isfinite(high) else UNBOUNDED,
    )


@functools.cache
def inputs(width):
    """The fixed batch X (VALUES // width, width) of standard normals (seed ``SEED``),
    read-only: every layer's histogram counts about ``VALUES`` outputs at any width, and a
    wide network costs no more than linearly in its width."""
    X = np.random.default_rng(SEED).standard_normal((VALUES // width, width))
    X.setflags(write=False)
    return X


@functools.lru_cache(maxsize=2)  # up to 14 MB each (20 layers of 300 × 300)
def initial_weights(initializer, width):
    """W_1 … W_20 of ``MLP([width] * 21, initializer=initializer, rng=SEED)``, read-only.

    The layers draw their weights in order from one generator, so the network of any depth d
    starts with the first d of these: a new depth (or activation, or scale) draws nothing.
    """
    mlp = MLP([width] * (DEPTH_RANGE[1] + 1), initializer=initializer, rng=SEED)
    weights = tuple(layer.W for layer in mlp.layers)
    for W in weights:
        W.setflags(write=False)
    return weights


def network(initializer, activation, depth, width, init_scale):
    """``MLP([width] * (depth + 1), activation, output_activation=activation)`` with the weights
    of ``MLP(..., initializer=initializer, rng=SEED)`` times ``init_scale`` (biases 0): a new
    network each call, its W written in place (``params`` are the arrays themselves)."""
    mlp = MLP(
        [width] * (depth + 1),
        activation=activation,
        output_activation=activation,
        initializer="zeros",  # overwritten below: nothing drawn
    )
    for W, start in zip(mlp.params[::2], initial_weights(initializer, width)):  # W1, W2, …
        np.multiply(init_scale, start, out=W)  # in the network's own array: one pass, no copy
    return mlp


@functools.lru_cache(maxsize=256)
def layer_statistics(initializer, activation, depth, width, init_scale):
    """(ActivationStats, Histograms) of ``network(...)`` on ``inputs(width)``: the histograms
    of a over ``value_range(activation)`` in ``BINS`` bins. Cached: each setting is computed
    once (treat the results as read-only; they are)."""
    mlp, X = network(initializer, activation, depth, width, init_scale), inputs(width)
    return (
        activation_stats(mlp, X),
        histograms(mlp, X, bins=BINS, value_range=value_range(activation)),
    )


def verdict(stats, hists):
    """(word, sentence): what happens to the activations by the last layer of ``stats``; the
    histograms ``hists`` of the same network tell how many values lie beyond their range."""
    std, z_std, last = stats.std, stats.z_std[-1], len(stats)
    f = get_activation(stats.activation[-1])
    if not np.all(np.isfinite(std)):
        return "overflowed", "the activations grew past the largest float"
    if not std.any():
        return "symmetric", (
            f"W = 0: every unit computes the same f(0) = {stats.mean[-1]:.3g}, std(a) = 0 in "
            "every layer, and no gradient can tell the units apart (the symmetry problem)"
        )
    if np.all(np.isfinite(f.output_range)) and stats.saturated[-1] >= SATURATED:
        return "saturated", (
            f"{stats.saturated[-1]:.0%} of layer {last}'s weighted sums (std(z) = {z_std:.3g}) "
            "sit where |f′(z)| ≤ 5 % of its peak: almost no gradient gets through"
        )
    change = f"from {std[0]:.3g} at layer 1 to {std[-1]:.3g} at layer {last}"
    if z_std < COLLAPSED or std[-1] < std[0] / SPREAD:
        return "collapsed", f"std(a) falls {change}; std(z) there: {z_std:.3g}"
    if z_std > EXPLODED or std[-1] > std[0] * SPREAD:
        beyond = 1 - hists.counts[-1].sum() / hists.n_values[-1]
        low, high = hists.edges[0], hists.edges[-1]
        return "exploded", (
            f"std(a) grows {change}; std(z) there: {z_std:.3g}; {beyond:.0%} of its values lie "
            f"beyond the histograms' range [{low:g}, {high:g}]"
        )
    dead = f"; {stats.dead[-1]:.0%} of its units are dead" if stats.dead[-1] else ""
    return "healthy", (
        f"std(a) stays between {std.min():.3g} and {std.max():.3g} over the {last} layers; "
        f"std(z) at layer {last}: {z_std:.3g}{dead}"
    )


class InitializationExplorer(PlotWidget):
    """Activations through a deep network at initialization. ``controls``: "initializer" (the
    scheme, every entry of ``INITIALIZERS``), "activation", "depth" (layers, 2–20), "width"
    (units per layer, 10–300) and "init_scale" (× the weights). ``stats`` and ``histograms``
    are the diagnostics drawn (``layer_statistics``), ``word`` the verdict."""

    def __init__(self, initializer, activation, depth, width, init_scale):
        initializer = get_initializer(initializer).name  # PyTorch's names too: kaiming_normal
        activation = get_activation(activation).name  # the notes' aliases: logistic → sigmoid
        controls = {
            "initializer": dropdown("initializer", initializer, INITIALIZERS, name="initializer"),
            "activation": dropdown("activation", activation, ACTIVATIONS, name="activation"),
            "depth": int_slider("depth (layers)", depth, *DEPTH_RANGE, name="depth"),
            "width": int_slider("width (units)", width, *WIDTH_RANGE, name="width"),
            "init_scale": slider("× weights", init_scale, *INIT_SCALE_RANGE, name="init_scale"),
        }
        controls["width"].step = WIDTH_STEP
        figure, (ax_histograms, ax_std) = course_figure(size=(9.6, 3.6), ncols=2)
        figure.subplots_adjust(left=0.08, right=0.98, wspace=0.28)
        self.histogram_plot = LayerHistogramPlot(ax_histograms, DEPTH_RANGE[1], BINS)
        ax_histograms.set_title("histogram of a per layer")
        self.std_plot = LayerPlot(
            ax_std, ["std(a)"], "std(a) (log scale)", limits=STD_LIMITS, max_layers=DEPTH_RANGE[1]
        )
        ax_std.axhline(1.0, color=COLORS["guide"], lw=1, ls=":")  # the inputs' std
        self.readout = widgets.HTML()
        rows = [
            widgets.HBox([controls["initializer"], controls["init_scale"]]),
            widgets.HBox([controls["depth"], controls["width"]]),
            controls["activation"],
            self.readout,
        ]
        moving = (*self.histogram_plot.moving, *self.std_plot.moving)
        super().__init__(
            controls, rows, figure, moving=moving, css_class="nnlab-initialization-explorer"
        )

    def redraw(self):
        """Diagnostics of the network the controls describe, then the picture and the text."""
        v = self.values()
        record = get_initializer(v["initializer"])
        self.stats, self.histograms = layer_statistics(
            record.name, v["activation"], v["depth"], v["width"], v["init_scale"]
        )
        self.histogram_plot.show(self.histograms.edges, self.histograms.fractions)
        self.std_plot.show(self.stats.std)
        self.word, sentence = verdict(self.stats, self.histograms)
        variance = record.variance(v["width"], v["width"])  # fan_in = fan_out = width
        suits = ", ".join(record.suits) or "no activation in particular"
        self.readout.value = (
            f"<b>{record.name}</b>: Var(W) = {record.variance_formula} = {variance:.3g} with "
            f"fan_in = fan_out = {v['width']}, so std(W) = {np.sqrt(variance):.3g} × "
            f"{v['init_scale']:.2f} = {v['init_scale'] * np.sqrt(variance):.3g} · designed "
            f"for {suits}<br><b>{self.word}</b>: {sentence}"
        )

    def __repr__(self):
        v = self.values()
        return (
            f"InitializationExplorer({v['initializer']!r}, {v['activation']!r}, "
            f"depth={v['depth']}, width={v['width']}, init_scale={v['init_scale']:.2f})"
        )


def make_initialization_explorer(
    initializer="glorot_uniform", activation="tanh", depth=10, width=100, init_scale=1.0
):
    """Build the initialization explorer: per-layer histograms and spread of the activations of a
    deep network at initialization.

    A fixed batch of standard-normal inputs (seed 0; 10,000 // width samples, so each layer
    has about 10,000 outputs) goes through
    ``MLP([width] * (depth + 1), activation, output_activation=activation)`` whose weights the
    initializer draws (seed 0) and ``init_scale`` multiplies; biases are 0.

    Parameters
    ----------
    initializer : str
        A name in ``nnlab.initializers.INITIALIZERS`` (PyTorch's names accepted).
    activation : str
        "tanh", "sigmoid", "relu", "leaky_relu", "elu", "selu" or "linear" (aliases accepted).
    depth : int
        Layers, 2 … 20.
    width : int
        Units per layer (and inputs), 10 … 300; the slider moves in steps of 10.
    init_scale : float
        Multiplies every weight (so the initializer's standard deviation), 0.1 … 4: too small
        weights make the activations collapse layer after layer, too large ones make them
        explode or saturate.

    Returns
    -------
    InitializationExplorer
        An ipywidgets box; display it by making it a cell's last expression.
    """
    return InitializationExplorer(initializer, activation, depth, width, init_scale)
