"""Plots in one course style (all notebooks and widgets).

Functions that make a new figure use pyplot, so a notebook shows it when the cell ends. Widgets
pass their own ``Axes`` and redraw in place through the returned objects' ``update`` methods.
"""

import io
import itertools
import statistics
from collections.abc import Mapping

import contourpy
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from nnlab._validation import (
    as_float_array,
    as_labels,
    check_choice,
    check_layer_sizes,
    check_scalar,
    check_size,
    describe,
)
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
    "slope": "#ff7f0e",
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
        low, high = _limits(record, a)
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


_STANDARD_NORMAL = statistics.NormalDist()


def _limits(record, values):
    """(low, high) for a y axis showing ``values`` of ``record``: its output range where bounded
    (widened if a parameter moves the curve beyond it), the values' extent where not."""
    low, high = record.output_range
    low = min(low, values.min()) if np.isfinite(low) else values.min()
    high = max(high, values.max()) if np.isfinite(high) else values.max()
    return low, high


def plot_activations(names, z_range=(-6.0, 6.0), points=None, derivative=False, ncols=None):
    """One small panel per element-wise activation in ``names``, titled with its output range.

    Parameters
    ----------
    names : sequence of str
    z_range : (float, float)
    points : dict, optional
        Maps a name to a z to mark on its curve.
    derivative : bool
        Also draw f'(z), dashed (the y-limits then fit both curves).
    ncols : int, optional
        Panels per row (default: all in one row).

    Returns the figure.
    """
    points = points or {}
    ncols = ncols or len(names)
    nrows = -(-len(names) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(3.2 * ncols, 3.0 * nrows), squeeze=False, sharex=True
    )
    for ax, name in zip(axes.flat, names):
        record = get_activation(name)
        if not record.elementwise:
            raise ValueError(f"'names' must hold element-wise activations; got {name!r}.")
        plot = ActivationPlot(ax, name, z=points.get(name), z_range=z_range)
        if derivative:
            slope = record.derivative(plot.grid)
            ax.plot(plot.grid, slope, color=COLORS["slope"], lw=1.5, ls="--", label="f′(z)")
            low, high = _limits(record, np.concatenate([record.function(plot.grid), slope]))
            ax.set_ylim(low - 0.1 * (high - low), high + 0.1 * (high - low))
            plot.curve.set_label("f(z)")
            ax.legend(loc="upper left", fontsize=8)
        ax.set_title(f"{record.name}: {record.range_text}")
        if ax not in axes[:, 0]:
            ax.set_ylabel("")
        if ax not in axes[-1]:
            ax.set_xlabel("")
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


class SaturationPlot:
    """An activation f, its derivative f′, where it saturates, and a normal input distribution.

    Shaded: the saturation regions, where |f′(z)| ≤ 5 % of its peak (``Activation.saturated``):
    inputs there pass (almost) no gradient back. Green: the density of z ~ N(mean, std²), the
    pre-activations a layer feeds in. ``update`` returns the statistics of those inputs, from
    2000 evenly spaced quantiles of the distribution (exact shares, the same every run).

    ``update(name=..., params=..., mean=..., std=...)`` changes only what it is given; the
    density line is the ``moving`` artist (a new mean or std redraws only it).
    """

    def __init__(self, ax, name, params=None, mean=0.0, std=1.0, z_range=(-8.0, 8.0)):
        self.ax = ax
        self.grid = np.linspace(*z_range, 801)
        # Evenly spaced quantiles of N(0, 1): a "sample" with exact shares (half below 0), the
        # same every run.
        self.standard = np.array([_STANDARD_NORMAL.inv_cdf((i + 0.5) / 2000) for i in range(2000)])
        (self.curve,) = ax.plot([], [], color=COLORS["curve"], lw=2, label="f(z)")
        (self.slope,) = ax.plot([], [], color=COLORS["slope"], lw=1.5, ls="--", label="f′(z)")
        (self.density,) = ax.plot([], [], color=COLORS["positive"], lw=1.5, label="inputs z")
        shade = {"color": COLORS["guide"], "alpha": 0.2, "lw": 0}
        # Swish has 3 saturated regions (far left, its minimum, none on the right: 2 + 1 spare).
        self.spans = [
            ax.axvspan(0, 0, **shade, label="saturated" if i == 0 else None) for i in range(3)
        ]
        self.moving = (self.density,)
        ax.set_xlim(*z_range)
        ax.set_xlabel("pre-activation z")
        ax.legend(loc="upper left", fontsize=8)
        self.name, self.params, self.mean, self.std = None, {}, float(mean), float(std)
        self.update(name=name, params=params or {})

    def _draw_function(self):
        record = get_activation(self.name)
        f, slope = (
            record.function(self.grid, **self.params),
            record.derivative(self.grid, **self.params),
        )
        self.curve.set_data(self.grid, f)
        self.slope.set_data(self.grid, slope)
        low, high = _limits(record, np.concatenate([f, slope]))
        margin = 0.1 * (high - low)
        self.ax.set_ylim(low - margin, high + margin)
        saturated = record.saturated(self.grid, **self.params)
        edges = np.append(self.grid, 2 * self.grid[-1] - self.grid[-2])  # one step past the end
        runs = _true_runs(saturated)
        if len(runs) > len(self.spans):
            raise ValueError(f"{record.name!r} saturates in {len(runs)} regions; 3 are drawn.")
        runs += [(0, 0)] * (len(self.spans) - len(runs))  # the spare spans, zero wide
        for span, (start, stop) in zip(self.spans, runs):
            span.set_x(edges[start])
            span.set_width(edges[stop] - edges[start])
        self.ax.set_title(f"{record.name}: f, f′ and where it saturates")

    def update(self, name=None, params=None, mean=None, std=None):
        """Redraw what changed; return the inputs' statistics as a dict: ``saturated`` (fraction
        of inputs with |f′| ≤ 5 % of its peak), ``mean_slope`` (mean f′(z)), ``out_mean`` and
        ``out_std`` (of f(z))."""
        changed = (name is not None and name != self.name) or (
            params is not None and dict(params) != self.params
        )
        self.name = get_activation(name).name if name is not None else self.name
        self.params = dict(params) if params is not None else self.params
        self.mean = float(mean) if mean is not None else self.mean
        self.std = float(std) if std is not None else self.std
        if changed:
            self._draw_function()
        low, high = self.ax.get_ylim()
        pdf = np.exp(-0.5 * ((self.grid - self.mean) / self.std) ** 2)  # peak 1 at the mean
        self.density.set_data(self.grid, low + 0.35 * (high - low) * pdf)
        record, z = get_activation(self.name), self.mean + self.std * self.standard
        out = record.function(z, **self.params)
        return {
            "saturated": float(record.saturated(z, **self.params).mean()),
            "mean_slope": float(record.derivative(z, **self.params).mean()),
            "out_mean": float(out.mean()),
            "out_std": float(out.std()),
        }


def _true_runs(mask):
    """[(start, stop), …]: the index ranges where ``mask`` is True, left to right.

    >>> _true_runs(np.array([True, True, False, True, False]))
    [(0, 2), (3, 4)]
    """
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))  # where a run starts, then where it stops
    return [(int(start), int(stop)) for start, stop in zip(edges[::2], edges[1::2])]


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


# Data, decision boundaries and training (notebooks 02, 04–09)

CLASS_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf")
LINE_COLORS = ("#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")


def _axes_and_result(ax):
    """(Axes to draw on, what to return): a new figure's Axes and the figure, or ``ax`` twice."""
    if ax is not None:
        return ax, ax
    fig, ax = plt.subplots()
    return ax, fig


def plot_decision_boundary(predict, X, y, ax=None, resolution=200, title=None):
    """The plane coloured by what ``predict`` says, the boundary p = 0.5 as a black line, and
    the points of ``X`` coloured by their class ``y``.

    Parameters
    ----------
    predict : callable
        Maps points, shape (m, 2), to the probability of class 1, shape (m,) or (m, 1), in
        [0, 1] (e.g. ``mlp.predict``); or to integer classes 0 … K − 1; or to class
        probabilities, shape (m, K), shown as their argmax class. Regions of K > 2 classes get
        one colour each, with lines between them.
    X : array_like, shape (n_samples, 2)
    y : array_like of whole numbers, shape (n_samples,)
    ax : matplotlib Axes, optional
        Draw there and return it; by default a new figure (with a colour bar for
        probabilities) is returned.
    resolution : int, default 200
        Grid points per axis at which ``predict`` is evaluated (resolution² in all).
    title : str, optional
    """
    if not callable(predict):
        raise TypeError(
            f"'predict' must be a function of points X (m, 2); got {describe(predict)}."
        )
    X = as_float_array(X, "X", ndim=2)
    check_size(X.shape[1], "X", 2, "columns (the features x₁, x₂ of the plane)")
    y = as_labels(y, "y")
    check_size(len(y), "y", len(X), "entries, one label per row of 'X'")
    resolution = check_scalar(resolution, "resolution", low=2, integer=True)

    low, high = X.min(axis=0), X.max(axis=0)
    margin = np.where(high > low, 0.1 * (high - low), 1.0)
    x1, x2 = (np.linspace(a - m, b + m, resolution) for a, b, m in zip(low, high, margin))
    grid_1, grid_2 = np.meshgrid(x1, x2)  # (resolution, resolution) each
    p = as_float_array(predict(np.column_stack([grid_1.ravel(), grid_2.ravel()])), "predict(X)")
    if p.ndim == 2 and p.shape[1] > 1:
        p = p.argmax(axis=1)  # (m, K) class probabilities → classes
    check_size(p.size, "predict(X)", grid_1.size, "values, one per point (shape (m,) or (m, 1))")
    P = p.reshape(grid_1.shape)
    whole = np.array_equal(P, np.round(P))
    n_classes = int(max(y.max(initial=0), P.max() if whole else 1)) + 1
    is_classes = whole and n_classes > 2  # 0/1 predictions draw like probabilities
    if not is_classes:
        check_scalar(P.min(), "predict(X)", low=0, high=1)
        check_scalar(P.max(), "predict(X)", low=0, high=1)
    colors = [CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(n_classes)]

    ax, result = _axes_and_result(ax)
    if is_classes:
        levels = np.arange(n_classes + 1) - 0.5  # class k fills (k − 0.5, k + 0.5]
        filled = ax.contourf(grid_1, grid_2, P, levels=levels, colors=colors, alpha=0.3)
        boundaries, label = levels[1:-1], "class boundaries"
    else:
        levels = np.linspace(0, 1, 11)
        filled = ax.contourf(grid_1, grid_2, P, levels=levels, cmap="RdBu_r", alpha=0.5)
        boundaries, label = np.array([0.5]), "boundary p = 0.5"
        if result is not ax:
            ax.figure.colorbar(filled, ax=ax, label="P(class 1)")
    boundaries = boundaries[(P.min() < boundaries) & (boundaries < P.max())]
    handles = []
    if len(boundaries):  # a plane that is all one class has no boundary to draw
        ax.contour(grid_1, grid_2, P, levels=boundaries, colors="black", linewidths=2)
        handles.append(mpl.lines.Line2D([], [], color="black", lw=2, label=label))
    for k in np.unique(y):
        mask = y == k  # (n_samples,)
        handles.append(
            ax.scatter(
                *X[mask].T, color=colors[k], edgecolors="white", s=25, zorder=3, label=f"class {k}"
            )
        )
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(title or "Decision boundary")
    ax.legend(handles=handles, loc="best")
    return result


def line_points(w, b, box):
    """Two points of the line w₁·x₁ + w₂·x₂ + b = 0 across the square ``box`` = (low, high) on
    both axes, as (x₁ values, x₂ values); two empty lists when w = 0 (there is no line then).

    The line is solved for the coordinate with the larger weight, so nothing is divided by a
    weight near 0; the axes clip what lies outside the square.

    >>> line_points([1.0, 1.0], -1.0, (0.0, 2.0))  # x₁ + x₂ = 1
    ([0.0, 2.0], [1.0, -1.0])
    >>> line_points([0.0, 0.0], 1.0, (0.0, 2.0))
    ([], [])
    """
    (w1, w2), ends = w, [float(box[0]), float(box[1])]
    if w1 == 0 and w2 == 0:
        return [], []
    if abs(w2) >= abs(w1):
        return ends, [-(w1 * x1 + b) / w2 + 0.0 for x1 in ends]  # + 0.0: never −0.0
    return [-(w2 * x2 + b) / w1 + 0.0 for x2 in ends], ends


def _contour_lines(ticks, P, level):
    """The level line(s) of P (grid over ``ticks`` × ``ticks``) as one (n, 2) array, the pieces
    separated by NaN rows, as a single Line2D draws them."""
    generator = contourpy.contour_generator(ticks, ticks, P, line_type="Separate")
    pieces = [np.vstack([piece, [[np.nan, np.nan]]]) for piece in generator.lines(level)]
    return np.vstack(pieces) if pieces else np.empty((0, 2))


class DecisionPlot:
    """A classifier's picture of the plane, redrawn in place: the plane coloured by P(class 1)
    in the bands of :func:`plot_decision_boundary`, the boundary p = 0.5 as a black line, the
    points of ``X`` coloured by class, a ring that marks one point, and up to ``n_lines``
    straight lines w·x + b = 0 (a hidden unit's each).

    Parameters
    ----------
    ax : matplotlib Axes
    X : array_like, shape (n_samples, 2)
    y : array_like of 0 and 1, shape (n_samples,)
    box : (float, float)
        The square shown (the same range on both axes); the plane is evaluated on a grid over it.
    n_lines : int
        How many straight lines ``show`` can draw (the unused ones stay empty).
    line_label, ring_label : str, optional
        Legend entries for those lines and for the ring.
    boundary_label : str, default "boundary p = 0.5"
        The boundary's legend entry ("boundary z = 0" for a perceptron, which has no p).
    resolution : int
        Grid points per axis.
    point_size : float
        Marker area of the points, as in ``scatter``.

    ``show(predict, boundary=..., lines=..., ring=...)`` updates the existing artists' data;
    ``set_labels(y)`` recolours the points (a new logic gate over the same four inputs).
    ``moving`` holds every artist these change, the legend is outside the axes: widgets redraw
    just those over a saved background.
    """

    def __init__(
        self,
        ax,
        X,
        y,
        box=(-0.5, 1.5),
        n_lines=0,
        line_label=None,
        ring_label=None,
        resolution=100,
        point_size=25,
        boundary_label="boundary p = 0.5",
    ):
        self.ax, self.box = ax, (float(box[0]), float(box[1]))
        self.ticks = np.linspace(*self.box, resolution)
        grid_1, grid_2 = np.meshgrid(self.ticks, self.ticks)  # (resolution, resolution) each
        self.grid = np.column_stack([grid_1.ravel(), grid_2.ravel()])  # (resolution², 2)
        levels = np.linspace(0, 1, 11)
        bands = mpl.colormaps["RdBu_r"]((levels[:-1] + levels[1:]) / 2)  # contourf's colours
        self.plane = ax.imshow(
            np.zeros((resolution, resolution)),
            origin="lower",
            extent=(*self.box, *self.box),
            cmap=mpl.colors.ListedColormap(bands),
            norm=mpl.colors.BoundaryNorm(levels, len(bands), clip=True),
            alpha=0.5,
            interpolation="bilinear",
            interpolation_stage="data",  # smooth P, then its colour band
            zorder=0,
        )
        (self.boundary,) = ax.plot([], [], color="black", lw=2, label=boundary_label)
        self.lines = [
            ax.plot([], [], color=LINE_COLORS[j % len(LINE_COLORS)], lw=1.5, ls="--")[0]
            for j in range(n_lines)
        ]
        self.points = ax.scatter(*np.asarray(X, dtype=float).T, s=point_size, zorder=3)
        self.points.set_edgecolor("white")
        (self.ring,) = ax.plot(
            [], [], "o", mfc="none", mec=COLORS["slope"], ms=15, mew=2.5, zorder=4, label=ring_label
        )
        self.set_labels(y)
        # All that ``show`` changes, in drawing order (the points above the plane): widgets
        # redraw just these over a saved background. The legend sits outside the axes.
        self.moving = (self.plane, self.boundary, *self.lines, self.points, self.ring)
        handles = [
            mpl.lines.Line2D([], [], ls="", marker="o", color=CLASS_COLORS[k], label=f"class {k}")
            for k in (0, 1)
        ]
        handles.append(self.boundary)
        if n_lines and line_label:
            handles.append(
                mpl.lines.Line2D([], [], color=COLORS["guide"], ls="--", label=line_label)
            )
        if ring_label:
            handles.append(self.ring)
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
        ax.set_xlim(*self.box)
        ax.set_ylim(*self.box)
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")

    def set_labels(self, y):
        """Colour the points by their classes ``y`` (n_samples,)."""
        self.points.set_facecolor([CLASS_COLORS[k] for k in np.asarray(y)])

    def show(self, predict, boundary=None, lines=(), ring=None):
        """Colour the plane by ``predict`` and draw the boundary, the lines and the ring.

        Parameters
        ----------
        predict : callable
            Points (m, 2) → P(class 1), shape (m,) or (m, 1), in [0, 1] (0/1 labels work too).
        boundary : (w, b), optional
            A straight boundary w·x + b = 0, drawn exactly (a perceptron's); by default the
            level line p = 0.5 of ``predict`` on the grid.
        lines : sequence of (w, b)
            At most ``n_lines`` straight lines w·x + b = 0; the rest are emptied.
        ring : (x₁, x₂), optional
            The point to ring; None removes the ring.
        """
        P = np.asarray(predict(self.grid), dtype=float).reshape(len(self.ticks), -1)
        self.plane.set_data(P)
        if boundary is not None:
            self.boundary.set_data(*line_points(*boundary, self.box))
        else:
            self.boundary.set_data(*_contour_lines(self.ticks, P, 0.5).T)
        if len(lines) > len(self.lines):
            raise ValueError(f"'lines' holds {len(lines)} lines; {len(self.lines)} are drawn.")
        for j, line in enumerate(self.lines):
            line.set_data(*(line_points(*lines[j], self.box) if j < len(lines) else ([], [])))
        self.ring.set_data(*(([ring[0]], [ring[1]]) if ring is not None else ([], [])))


class EpochBarPlot:
    """One bar per epoch (a count: the perceptron's mistakes), redrawn in place.

    ``max_epochs`` bars on a fixed x-axis 1 … ``max_epochs`` (runs of any length compare at a
    glance, and a new run redraws only the bars); ``show(counts)`` sets their heights, 0 past
    the counts. With ``running=True`` the last count is an epoch still under way, drawn in
    another colour. ``moving`` holds the bars.
    """

    def __init__(self, ax, max_epochs, high, ylabel="count"):
        self.ax = ax
        epochs = np.arange(1, max_epochs + 1)
        self.bars = ax.bar(epochs, np.zeros(max_epochs), width=0.7, color=COLORS["curve"])
        self.moving = tuple(self.bars)
        handles = [
            mpl.patches.Patch(color=COLORS["curve"], label="finished epoch"),
            mpl.patches.Patch(color=COLORS["slope"], label="epoch so far"),
        ]
        ax.legend(handles=handles, loc="upper right", fontsize=8)
        ax.set_xlim(0.4, max_epochs + 0.6)
        ax.set_ylim(0, 1.4 * high)  # room for the legend above the highest bar
        ax.set_yticks(range(high + 1))
        ax.set_xticks([1, *range(5, max_epochs + 1, 5)])  # 1, 5, 10, …
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)

    def show(self, counts, running=False):
        """Bars of height ``counts`` (epochs 1, 2, …), the rest 0."""
        for i, bar in enumerate(self.bars):
            bar.set_height(counts[i] if i < len(counts) else 0)
            last = running and i == len(counts) - 1
            bar.set_color(COLORS["slope"] if last else COLORS["curve"])


def _as_runs(histories, metric):
    """{label: run}. One run passed alone (values per epoch, a history dict holding ``metric``,
    or a History) gets the label ''."""
    histories = getattr(histories, "history", histories)  # a Keras (or nnlab) History
    if not isinstance(histories, Mapping):
        return {"": histories}
    if metric in histories and not isinstance(histories[metric], Mapping):
        return {"": histories}
    if not histories:
        raise ValueError("'histories' must hold at least one run; got an empty dict.")
    return {label: getattr(run, "history", run) for label, run in histories.items()}


def _per_epoch(values, name):
    """``values`` as a 1-D float array; NaN and inf stay (a diverging run is worth plotting)."""
    try:
        curve = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        curve = None
    if curve is None or curve.ndim != 1:
        raise TypeError(
            f"'{name}' must be a sequence of numbers, one per epoch; got {describe(values)}."
        )
    return curve


def plot_training_curves(histories, metric="loss", ax=None, title=None, logy=False):
    """``metric`` against the epoch, one colour per run: training solid, validation dashed.

    Parameters
    ----------
    histories : mapping
        label → that run's values per epoch, or label → its history dict with keys such as
        "loss" and "val_loss" (``model.fit(...).history`` in Keras and nnlab; the History
        object itself works too). One run alone (values, a history dict or a History) is
        fine as well.
    metric : str, default "loss"
        The key read from history dicts; its "val_" twin is drawn dashed when present.
    ax : matplotlib Axes, optional
        Draw there and return it; by default a new figure is returned.
    title : str, optional
    logy : bool, default False
        A logarithmic loss axis, where slow late progress is easier to see.
    """
    runs = _as_runs(histories, metric)
    curves = []  # (label, values per epoch, line style, colour)
    for i, (label, run) in enumerate(runs.items()):
        color = f"C{i % 10}"  # matplotlib's colour cycle, one colour per run
        name = f"histories[{label!r}]" if label else "histories"
        if not isinstance(run, Mapping):
            curves.append((label or metric, _per_epoch(run, name), "-", color))
            continue
        check_choice(metric, "metric", run)
        curves.append((label or "training", _per_epoch(run[metric], name), "-", color))
        if f"val_{metric}" in run:
            val_label = f"{label} (validation)" if label else "validation"
            curves.append((val_label, _per_epoch(run[f"val_{metric}"], name), "--", color))

    ax, result = _axes_and_result(ax)
    for label, values, style, color in curves:
        ax.plot(np.arange(1, len(values) + 1), values, style, color=color, lw=2, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.set_title(title or f"{metric} per epoch")
    ax.legend()
    return result


def plot_regression_fits(x, y, lines, is_outlier=None, ax=None, title=None):
    """The data (x, y) as points, outliers as red crosses, and each line y = slope·x + intercept.

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, 1)
    y : array_like, shape (n_samples,)
    lines : mapping
        label → (slope, intercept), e.g. ``{"true line": (2, 1), "MSE fit": (w, b)}``; the
        legend shows each line's equation.
    is_outlier : array_like of bool, shape (n_samples,), optional
    ax : matplotlib Axes, optional
        Draw there and return it; by default a new figure is returned.
    title : str, optional
    """
    x = as_float_array(x, "x", ndim=(1, 2))
    if x.ndim == 2:
        check_size(x.shape[1], "x", 1, "column (one feature)")
        x = x[:, 0]
    y = as_float_array(y, "y", ndim=1)
    check_size(len(y), "y", len(x), "entries, one per sample of 'x'")
    if is_outlier is None:
        is_outlier = np.zeros(len(x), dtype=bool)
    else:
        is_outlier = as_float_array(is_outlier, "is_outlier", ndim=1) != 0
        check_size(len(is_outlier), "is_outlier", len(x), "entries, one per sample of 'x'")
    if not isinstance(lines, Mapping):
        raise TypeError(
            f"'lines' must be a dict of label → (slope, intercept); got {describe(lines)}."
        )
    params = {}
    for label, line in lines.items():
        params[label] = as_float_array(line, f"lines[{label!r}]", ndim=1)
        check_size(len(params[label]), f"lines[{label!r}]", 2, "numbers (slope, intercept)")

    ax, result = _axes_and_result(ax)
    ax.scatter(x[~is_outlier], y[~is_outlier], color=COLORS["curve"], s=20, label="data")
    if is_outlier.any():
        ax.scatter(
            x[is_outlier], y[is_outlier], color=COLORS["point"], marker="x", s=50, label="outlier"
        )
    span = np.array([x.min(), x.max()])
    for i, (label, (slope, intercept)) in enumerate(params.items()):
        sign = "+" if intercept >= 0 else "−"
        ax.plot(
            span,
            intercept + slope * span,
            color=LINE_COLORS[i % len(LINE_COLORS)],
            lw=2,
            label=f"{label}: y = {slope:.2f}·x {sign} {abs(intercept):.2f}",
        )
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title or "Straight lines fitted to the data")
    ax.legend()
    return result


class LossPlot:
    """Two panels for a regression loss. Left: one sample's loss L(y, ŷ) (solid) and gradient
    dL/dŷ (dashed) against the prediction ŷ, the target y marked where L = 0. Right, "outlier
    pull": fixed targets on a strip (blue), one outlier (red), and a vertical line at the best
    constant prediction of each of a few losses (mean, median, …).

    Parameters
    ----------
    axes : (Axes, Axes)
        The left and the right panel.
    data : array_like (n,)
        The right panel's fixed targets; the outlier comes with ``show_pull``.
    labels : sequence of str
        One legend entry per vertical line.
    pull_range : (float, float)
        The right panel's x-limits.

    The caller computes, this draws: ``show_loss`` and ``show_pull`` update the existing
    artists in place. The left y-limits fit a range of values (by default the curves'), and stay
    while that range still fills at least a third of them: small changes never rescale the
    axes, and losses of one size (mae, huber, log_cosh, quantile) share a scale. ``moving``
    holds every artist that changes otherwise (curves, marker, left title, outlier, lines):
    widgets redraw just those over a saved background.
    """

    def __init__(self, axes, data, labels, pull_range=(-6.0, 21.0)):
        self.ax_loss, self.ax_pull = axes
        ax = self.ax_loss
        (self.loss,) = ax.plot([], [], color=COLORS["curve"], lw=2, label="loss L(y, ŷ)")
        (self.gradient,) = ax.plot(
            [], [], color=COLORS["slope"], lw=1.5, ls="--", label="gradient dL/dŷ"
        )
        (self.target,) = ax.plot([], [], "o", color=COLORS["point"], ms=7, zorder=3, label="ŷ = y")
        self.title = ax.set_title("", fontsize=10)
        ax.set_xlabel("prediction ŷ")
        ax.set_ylabel("L and dL/dŷ")
        ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(5))  # few labels: each costs a redraw
        ax.legend(loc="upper center", fontsize=8)

        ax = self.ax_pull
        data = as_float_array(data, "data", ndim=1)
        ax.plot(data, np.zeros_like(data), "o", color=COLORS["curve"], alpha=0.6)
        (self.outlier,) = ax.plot([], [], "o", color=COLORS["point"], ms=8)
        self.lines = [  # styles that tell the lines apart where they cover each other
            ax.axvline(0.0, color=color, lw=2, ls=style, label=label)
            for color, style, label in zip(LINE_COLORS, itertools.cycle(["-", "--", ":"]), labels)
        ]
        ax.legend(loc="upper right", fontsize=8)  # the lines only: every text costs a redraw
        ax.set_xlim(*pull_range)
        ax.set_ylim(-1.0, 1.5)
        ax.set_yticks([])
        ax.set_xlabel("target y, constant prediction c")
        ax.set_title("outlier pull: best constant prediction", fontsize=10)
        self.moving = (self.loss, self.gradient, self.target, self.title, self.outlier, *self.lines)

    def show_loss(self, name, target, predictions, loss, gradient, fit=None):
        """Draw the loss ``name``'s values ``loss`` and ``gradient`` (n,) at ``predictions`` (n,)
        for the target y = ``target``; the y-limits show the range ``fit`` = (low, high)
        (default: the curves' own)."""
        self.loss.set_data(predictions, loss)
        self.gradient.set_data(predictions, gradient)
        self.target.set_data([target], [0.0])
        self.title.set_text(f"{name}: loss and gradient for y = {target + 0.0:.2f}")
        if self.ax_loss.get_xlim() != (predictions[0], predictions[-1]):  # else not stale
            self.ax_loss.set_xlim(predictions[0], predictions[-1])
        curves = np.concatenate([loss, gradient])
        low, high = fit if fit is not None else (curves.min(), curves.max())
        view_low, view_high = self.ax_loss.get_ylim()
        if not (view_low <= low and high <= view_high and high - low >= (view_high - view_low) / 3):
            margin = 0.1 * (high - low)
            self.ax_loss.set_ylim(low - margin, high + margin)

    def show_pull(self, outlier, constants):
        """Move the outlier to ``outlier`` and the vertical lines to ``constants`` (in order)."""
        self.outlier.set_data([outlier], [0.0])
        for line, c in zip(self.lines, constants):
            line.set_xdata([c, c])


# Deep networks layer by layer (notebooks 06 and 07)


def _power_of_ten(y, position=None):
    """A log axis' tick label: 0.01, 1, 100 as they are, other powers of 10 as 1e-6, 1e4.

    >>> [_power_of_ten(y) for y in (1e-6, 0.01, 1.0, 100.0, 1e4)]
    ['1e-6', '0.01', '1', '100', '1e4']
    """
    exponent = round(np.log10(y))
    return f"{y:g}" if abs(exponent) <= 2 else f"1e{exponent}"


def _layer_ticks(max_layers):
    """Layer 1 and at most 4 round layer numbers up to ``max_layers``: few labels keep a full
    draw fast (each costs ≈ 1 ms).

    >>> _layer_ticks(20), _layer_ticks(30), _layer_ticks(3)
    ([1, 5, 10, 15, 20], [1, 10, 20, 30], [1, 2, 3])
    """
    step = next(s for s in (1, 2, 5, 10, 20, 50) if max_layers // s <= 4)
    return sorted({1, *range(step, max_layers + 1, step)})


class LayerPlot:
    """Numbers per layer (the spread of a network's activations, its gradient norms) against the
    layer k = 1 … L, on a logarithmic y axis with fixed limits, redrawn in place.

    Parameters
    ----------
    ax : matplotlib Axes
    labels : sequence of str
        One line per label (solid, then dashed, then dotted), in a legend if more than one.
    ylabel : str
    limits : (float, float)
        The y-limits, fixed: one scale for every setting, so a flat line means "the same size
        in every layer" and a slope of one decade per layer looks the same wherever it starts.
        A value beyond them is drawn as the line leaving the axes.
    max_layers : int, optional
        Fix the x-limits to layers 1 … max_layers (a new depth then redraws only the lines);
        by default they follow the number of layers shown.

    ``show(*values)`` draws one array (L,) per line; entries that are 0, negative or not finite
    have no place on a log axis and are left out. Only the lines change (``moving``), and, unless
    ``max_layers`` is given, the x-limits for a new number of layers.
    """

    def __init__(self, ax, labels, ylabel, limits, max_layers=None):
        self.ax, self.max_layers = ax, max_layers
        self.lines = [
            ax.plot([], [], color=color, ls=style, marker="o", ms=4, lw=1.5, label=label)[0]
            for color, style, label in zip(
                (COLORS["curve"], COLORS["slope"], COLORS["positive"]), ("-", "--", ":"), labels
            )
        ]
        self.moving = tuple(self.lines)
        ax.set_yscale("log", nonpositive="mask")
        ax.set_ylim(*limits)
        # At most 6 powers of ten, 1 among them, with plain labels (1e-6, 0.01, 1, 100, 1e4):
        # each label drawn costs ≈ 1 ms (a mathtext one, 10⁻⁶, ≈ 10), few keep a full draw fast.
        low, high = np.log10(limits)
        stride = int(np.ceil((high - low) / 5))
        exponents = np.arange(np.ceil(low / stride) * stride, high + 1, stride)
        ax.yaxis.set_major_locator(mpl.ticker.FixedLocator(10.0**exponents))
        ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(_power_of_ten))
        ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())
        ax.set_xlabel("layer k (1 = nearest the input)")
        ax.set_ylabel(ylabel)
        ax.grid(False, axis="x")  # lines at the decades only: each one adds to a full draw
        if max_layers is not None:
            ax.set_xlim(0.5, max_layers + 0.5)
            ax.set_xticks(_layer_ticks(max_layers))
        if len(labels) > 1:  # one line needs no legend: the y label names it
            ax.legend(loc="lower left", fontsize=8)

    def show(self, *values):
        """One array of per-layer values per line, in the order of ``labels``."""
        n_layers = len(values[0])
        layers = np.arange(1, n_layers + 1)
        for line, v in zip(self.lines, values):
            line.set_data(layers, np.asarray(v, dtype=float))
        if self.max_layers is None and self.ax.get_xlim() != (0.5, n_layers + 0.5):
            self.ax.set_xlim(0.5, n_layers + 0.5)  # else the axes stay as they are
            self.ax.set_xticks(_layer_ticks(n_layers))


class LayerHistogramPlot:
    """Each layer's histogram as one column of a heat map: x is the layer k = 1 … L, y the value
    (an activation a), the shade the share of the layer's values in that bin (its square root,
    so thin tails show): white for none, the darkest blue for ``contrast`` times an even
    spread's share (1 / bins) or more. A collapsed layer is one dark cell, a healthy one a
    graded spread, a saturated one two dark cells at the ends, a ReLU layer a dark cell at 0
    (half its outputs) below a paler spread.

    Parameters
    ----------
    ax : matplotlib Axes
    max_layers, bins : int
        The most layers and the number of bins ``show`` will be given (the mesh is built once).
    ylabel : str
    contrast : float
        How many times an even spread's share gets the darkest shade.

    ``show(edges, fractions)`` takes ``diagnostics.histograms``' common bin ``edges``
    (bins + 1,) and ``fractions`` (L, bins) and redraws in place: the mesh (≈ 0.3 ms, an image
    ≈ 8 ms) and the three value labels. The axes never change, so nothing else is redrawn: x
    shows layers 1 … max_layers (the columns past L blank), y the bins' range as shares 0 … 1
    of it, labelled with the values at the bottom, the middle and the top (``moving``).
    """

    def __init__(self, ax, max_layers, bins, ylabel="activation a", contrast=4.0):
        self.ax, self.max_layers, self.bins = ax, max_layers, bins
        self.mesh = ax.pcolormesh(
            np.arange(max_layers + 1) + 0.5,
            np.linspace(0.0, 1.0, bins + 1),  # shares of the range; the labels give the values
            np.zeros((bins, max_layers)),
            cmap="Blues",
            norm=mpl.colors.PowerNorm(0.5, vmin=0.0, vmax=contrast / bins),  # tails show too
        )
        ax.grid(False)
        ax.set_xlim(0.5, max_layers + 0.5)
        ax.set_xticks(_layer_ticks(max_layers))
        ax.set_xlabel("layer k (1 = nearest the input)")
        ax.set_ylim(0.0, 1.0)
        ax.set_yticks([0.0, 0.5, 1.0], labels=["", "", ""])
        # The value labels, where the tick labels would be: text that changes without
        # touching the axes (new tick labels would redraw the whole figure, ≈ 30 ms).
        pad = mpl.rcParams["ytick.major.size"] + mpl.rcParams["ytick.major.pad"]  # points
        at = ax.get_yaxis_transform() + mpl.transforms.ScaledTranslation(
            -pad / 72, 0.0, ax.figure.dpi_scale_trans
        )
        self.value_labels = [
            ax.text(0.0, y, "", transform=at, ha="right", va="center") for y in (0.0, 0.5, 1.0)
        ]
        ax.set_ylabel(ylabel)
        ax.yaxis.set_label_coords(-0.13, 0.5)  # beside the value labels
        self.moving = (self.mesh, *self.value_labels)

    def show(self, edges, fractions):
        """Draw the shares ``fractions`` (L, bins) of each layer's values in the bins ``edges``
        (bins + 1,)."""
        fractions = np.asarray(fractions, dtype=float)
        n_layers = len(fractions)
        if not (n_layers <= self.max_layers and fractions.shape[1:] == (self.bins,)):
            raise ValueError(
                f"'fractions' must be (L, {self.bins}) with L ≤ {self.max_layers}; "
                f"got shape {fractions.shape}."
            )
        shades = np.zeros((self.bins, self.max_layers))
        shades[:, :n_layers] = fractions.T  # a column per layer
        blank = np.arange(self.max_layers) >= n_layers  # the layers beyond L
        self.mesh.set_array(np.ma.masked_array(shades, np.broadcast_to(blank, shades.shape)))
        low, high = float(edges[0]), float(edges[-1])
        for label, share in zip(self.value_labels, (0.0, 0.5, 1.0)):
            value = low + share * (high - low) + 0.0  # + 0.0: never "−0"
            label.set_text(f"{value:.3g}".replace("-", "−"))


def plot_trajectories(surface, paths, ax=None, title=None, levels=12):
    """Optimizers' paths over a 2-D loss surface's contours (notebook 08).

    Parameters
    ----------
    surface : str or nnlab.surfaces.Surface
        A name in ``nnlab.surfaces.SURFACES`` or a Surface; its ``xlim``/``ylim`` set the view.
    paths : mapping
        label → positions (n_points, 2), e.g. ``surfaces.trajectory(...)``; one colour each,
        a dot at every step when a path has at most 60 points.
    ax : matplotlib Axes, optional
    title : str, optional
        Default: the surface's formula.
    levels : int, default 12
        Contour lines, spaced evenly in log(f − f_min), so the flat floor of a valley shows.
    """
    from nnlab.surfaces import get_surface

    surface = get_surface(surface)
    if not isinstance(paths, Mapping) or not paths:
        raise TypeError(
            f"'paths' must be a non-empty dict label → positions; got {describe(paths)}."
        )
    checked = {}
    for label, path in paths.items():
        path = as_float_array(path, f"paths[{label!r}]", ndim=2)
        check_size(path.shape[1], f"paths[{label!r}]", 2, "columns, (x, y)")
        checked[label] = path
    ax, result = _axes_and_result(ax)
    xs, ys = np.linspace(*surface.xlim, 200), np.linspace(*surface.ylim, 200)
    X, Y = np.meshgrid(xs, ys)
    gap = surface.function(np.stack([X, Y], axis=-1)) - surface.f_min
    positive = gap[gap > 0]
    ticks = np.geomspace(max(positive.min(), positive.max() * 1e-8), positive.max(), levels)
    ax.contour(X, Y, gap, levels=ticks, colors=COLORS["guide"], linewidths=0.6, alpha=0.7)
    if surface.name == "saddle":  # the saddle point's level (f = 0) separates the basins
        ax.contour(X, Y, surface.function(np.stack([X, Y], axis=-1)), levels=[0.0],
                   colors=COLORS["guide"], linewidths=1.0, linestyles="--")  # fmt: skip
    for i, (label, path) in enumerate(checked.items()):
        marker = "o" if len(path) <= 60 else None
        ax.plot(path[:, 0], path[:, 1], color=f"C{i % 10}", lw=1.5, marker=marker, ms=3,
                label=label)  # fmt: skip
    start = next(iter(checked.values()))[0]
    ax.plot(*start, "ks", ms=6)
    for minimum in surface.minima:
        ax.plot(*minimum, "k*", ms=12)
    ax.set_xlim(surface.xlim)
    ax.set_ylim(surface.ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title or f"${surface.formula}$")
    ax.legend(loc="best", fontsize=8)
    return result


def plot_schedules(schedules, steps, ax=None, title="learning rate per step", logy=False):
    """Learning-rate schedules η(step) for step = 0 … steps − 1, one line each (notebook 08).

    Parameters
    ----------
    schedules : mapping
        label → a schedule (any callable ``schedule(step) -> learning_rate``).
    steps : int ≥ 1
    ax : matplotlib Axes, optional
    title : str
    logy : bool, default False
    """
    steps = check_scalar(steps, "steps", low=1, integer=True)
    if not isinstance(schedules, Mapping) or not schedules:
        raise TypeError(
            f"'schedules' must be a non-empty dict label → schedule; got {describe(schedules)}."
        )
    ax, result = _axes_and_result(ax)
    t = np.arange(steps)
    for i, (label, schedule) in enumerate(schedules.items()):
        if not callable(schedule):
            raise TypeError(f"'schedules[{label!r}]' must be callable; got {describe(schedule)}.")
        ax.plot(t, [float(schedule(int(k))) for k in t], color=f"C{i % 10}", lw=2, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate η")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return result
