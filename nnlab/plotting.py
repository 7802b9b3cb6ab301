"""Plots in one course style (all notebooks and widgets).

Functions that make a new figure use pyplot, so a notebook shows it when the cell ends. Widgets
pass their own ``Axes`` and redraw in place through the returned objects' ``update`` methods.
"""

import io
import itertools

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from nnlab._validation import as_float_array, check_layer_sizes
from nnlab.activations import get_activation
from nnlab.neurons import neuron, weighted_sum

COLORS = {
    "curve": "#1f77b4",
    "point": "#d62728",
    "guide": "#7f7f7f",
    "input": "#c6dbef",
    "hidden": "#fdd0a2",
    "output": "#c7e9c0",
    "positive": "#2ca02c",
    "negative": "#d62728",
}

COURSE_STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 80,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "font.size": 10,
}


def use_course_style():
    """Apply the course's matplotlib settings (grid, sizes, no top/right frame)."""
    mpl.rcParams.update(COURSE_STYLE)


class ActivationPlot:
    """The curve y = f(z) of one activation, with the neuron's operating point (z, f(z)) marked.

    The view follows the point: it shows ``z_range`` while z sits in its middle 90 %, otherwise a
    symmetric range doubled until it does. The y-limits come from the activation's
    ``output_range``: a bounded side is drawn with a margin, an unbounded side follows the curve
    over the z range shown. So the point is never off the axes, for any z and any activation.

    Parameters
    ----------
    ax : matplotlib Axes
    name : str
        An activation name from ``ACTIVATIONS``.
    z : float, optional
        Where to mark the operating point; None draws the curve alone.
    z_range : (float, float)
        The z range shown while the point fits in it.

    ``update(name=..., z=...)`` changes the activation or the point by updating the existing
    artists' data, which is what keeps the widgets instant. ``moving`` lists the artists that
    change when only z changes (widgets redraw just those).
    """

    def __init__(self, ax, name, z=None, z_range=(-6.0, 6.0)):
        self.ax = ax
        self.z_range = (float(z_range[0]), float(z_range[1]))
        (self.curve,) = ax.plot([], [], color=COLORS["curve"], lw=2)
        guide = {"color": COLORS["guide"], "lw": 1, "ls": "--"}
        (self.vline,) = ax.plot([], [], **guide)
        (self.hline,) = ax.plot([], [], **guide)
        (self.point,) = ax.plot([], [], "o", color=COLORS["point"], ms=8, zorder=3)
        self.moving = (self.vline, self.hline, self.point)
        ax.set_xlabel("weighted sum z")
        ax.set_ylabel("output y = f(z)")
        self.name, self.z, self.grid = None, None, None
        self.update(name=name, z=z)

    def _z_view(self):
        """``z_range``, or the symmetric range, doubled as often as needed, that holds z."""
        low, high = self.z_range
        margin = 0.05 * (high - low)
        if self.z is None or low + margin <= self.z <= high - margin:
            return self.z_range
        half = max(-low, high)
        while abs(self.z) > 0.9 * half:
            half *= 2
        return (-half, half)

    def _draw_curve(self, name, view):
        """The curve of activation ``name`` over the z range ``view``, and the limits to fit."""
        record = get_activation(name)
        self.name, self.grid = record.name, np.linspace(*view, 401)
        a = record.function(self.grid)
        self.curve.set_data(self.grid, a)
        low, high = record.output_range
        low = low if np.isfinite(low) else a.min()  # unbounded: as far as the curve goes
        high = high if np.isfinite(high) else a.max()
        margin = 0.1 * (high - low)
        self.ax.set_xlim(*view)
        self.ax.set_ylim(low - margin, high + margin)
        self.ax.set_title(f"{record.name}: output range {record.range_text}")

    def update(self, name=None, z=None):
        """Redraw for a new activation ``name`` and/or operating point ``z``; returns f(z)."""
        if z is not None:
            self.z = float(z)
        view = self._z_view()
        if (name is not None and name != self.name) or view != self.ax.get_xlim():
            self._draw_curve(name or self.name, view)
        if self.z is None:
            return None
        a = get_activation(self.name).function(self.z)
        (z_low, _), (a_low, _) = self.ax.get_xlim(), self.ax.get_ylim()
        self.point.set_data([self.z], [a])
        self.vline.set_data([self.z, self.z], [a_low, a])
        self.hline.set_data([z_low, self.z], [a, a])
        return a


def plot_activations(names, z_range=(-6.0, 6.0), points=None):
    """One small panel per activation in ``names``, titled with its output range; ``points``
    maps a name to a z to mark.

    Returns the figure.
    """
    points = points or {}
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3.0), squeeze=False)
    for ax, name in zip(axes[0], names):
        ActivationPlot(ax, name, z=points.get(name), z_range=z_range)
        ax.set_title(f"{name}: {get_activation(name).range_text}")
        if ax is not axes[0, 0]:
            ax.set_ylabel("")
    fig.tight_layout()
    return fig


def plot_neuron_response(weights, biases, activation="sigmoid", x_range=(-4.0, 4.0)):
    """Output y = f(w·x + b) of a one-input neuron against its input x: one curve per (w, b).

    With one weight and several biases the picture shows the bias as a shift (the b = 0 curve
    moved along x by −b/w); with several weights and one bias, the weight as the steepness.
    Returns the figure.
    """
    weights = as_float_array(weights, "weights", ndim=1)
    biases = as_float_array(biases, "biases", ndim=1)
    x = np.linspace(*x_range, 401)
    fig, ax = plt.subplots()
    for w, b in itertools.product(weights, biases):
        shown = [f"w = {w:g}"] * (len(weights) > 1) + [f"b = {b:g}"] * (len(biases) > 1)
        y = neuron(x[:, None], [w], b, activation=activation)
        ax.plot(x, y, lw=2, label=", ".join(shown) or f"w = {w:g}, b = {b:g}")
    ax.set_xlabel("input x")
    ax.set_ylabel(f"output y = {activation}(w·x + b)")
    if len(weights) == 1 and len(biases) > 1:
        ax.set_title(f"w = {weights[0]:g}: the bias shifts the curve by −b/w")
    elif len(biases) == 1 and len(weights) > 1:
        ax.set_title(f"b = {biases[0]:g}: the weight sets how steep the curve is")
    else:
        ax.set_title("One neuron: y against its input x")
    ax.legend()
    return fig


def _node(ax, xy, text, color, radius=0.32):
    ax.add_patch(mpl.patches.Circle(xy, radius, facecolor=color, edgecolor="black", zorder=2))
    if text:
        ax.text(*xy, text, ha="center", va="center", zorder=3)


def _arrow(ax, start, end, label=None, color="black", gaps=(0.32, 0.38), label_at=0.45):
    """An arrow from ``start`` to ``end`` that stops ``gaps`` (data units) short of each end,
    so it meets the circles drawn there and its head stays visible."""
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    direction = (end - start) / np.linalg.norm(end - start)
    tail, head = start + gaps[0] * direction, end - gaps[1] * direction
    ax.annotate(
        "",
        xy=head,
        xytext=tail,
        zorder=1,
        arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.5, "shrinkA": 0, "shrinkB": 0},
    )
    if label is not None:
        x, y = start + label_at * (end - start)
        ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=9,
            color=color,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )


def draw_neuron(x, w, b=0.0, activation="sigmoid", ax=None):
    """Draw one neuron with its numbers: inputs xᵢ, weights wᵢ on the arrows (positive green,
    negative red), the bias b, the weighted sum z and the output y = f(z).

    Returns the Axes.
    """
    x, w = as_float_array(x, "x", ndim=1), as_float_array(w, "w", ndim=1)
    z = weighted_sum(x, w, b)
    y = get_activation(activation).function(z)
    n = len(x)
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 0.8 * n + 1.8))
    rows = np.linspace((n - 1) / 2, -(n - 1) / 2, n)  # input nodes, top to bottom
    sum_xy, f_xy, out_x = (0.0, 0.0), (1.7, 0.0), 3.1
    for i, (xi, wi, row) in enumerate(zip(x, w, rows), start=1):
        _node(ax, (-2.6, row), f"x{i}\n{xi:g}", COLORS["input"])
        color = COLORS["positive"] if wi >= 0 else COLORS["negative"]
        _arrow(ax, (-2.6, row), sum_xy, label=f"w{i} = {wi:g}", color=color)
    top = rows[0] + 1.0
    ax.text(0.0, top, f"bias b = {b:g}", ha="center", va="bottom", fontsize=9)
    _arrow(ax, (0.0, top), sum_xy, gaps=(0.0, 0.38))
    _node(ax, sum_xy, "Σ", COLORS["hidden"], radius=0.38)
    ax.text(0.0, -0.5, f"z = {z:.4g}", ha="center", va="top", fontsize=10)
    _arrow(ax, sum_xy, f_xy)
    _node(ax, f_xy, "f", COLORS["hidden"], radius=0.38)
    ax.text(f_xy[0], -0.5, activation, ha="center", va="top", fontsize=9)
    _arrow(ax, f_xy, (out_x, 0.0), gaps=(0.38, 0.0))
    ax.text(out_x + 0.05, 0.0, f"y = {y:.4f}", ha="left", va="center", fontsize=11, weight="bold")
    ax.set_xlim(-3.1, 4.6)
    ax.set_ylim(rows[-1] - 0.9, top + 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_network(layer_sizes, ax=None):
    """Draw a fully connected network: one column of nodes per layer, every node joined to
    every node of the next layer, columns named input / hidden / output.

    Returns the Axes.
    """
    layer_sizes = check_layer_sizes(layer_sizes)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.9 * len(layer_sizes) + 1, 0.6 * max(layer_sizes) + 1.2))
    columns = []
    for j, size in enumerate(layer_sizes):
        rows = np.linspace((size - 1) / 2, -(size - 1) / 2, size)
        columns.append([(2.0 * j, r) for r in rows])
    for left, right in itertools.pairwise(columns):
        for start in left:
            for end in right:
                ax.plot(*zip(start, end), color=COLORS["guide"], lw=0.8, zorder=1)
    top = max(layer_sizes) / 2 + 0.3
    last = len(layer_sizes) - 1
    for j, column in enumerate(columns):
        kind = "input" if j == 0 else "output" if j == last else "hidden"
        for xy in column:
            _node(ax, xy, "", COLORS[kind], radius=0.22)
        ax.text(2.0 * j, top, f"{kind}\n({len(column)})", ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-0.6, 2.0 * last + 0.6)
    ax.set_ylim(-top, top + 0.7)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def figure_to_png(fig):
    """Render a figure to PNG bytes (what the widgets display)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
