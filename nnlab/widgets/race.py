"""The optimizer race of notebook 08: five optimizers start from the same point of a 2-D loss
surface (``nnlab.surfaces``) and take the same number of steps; their paths are drawn over the
contours, and f − f_min against the step beside them (log scale).

The racers are SGD, SGD with momentum μ (the momentum slider), RMSprop, Adam and Adagrad,
each ``nnlab.optimizers`` with Keras' defaults but its learning rate. A learning rate means
different things to them: SGD's step is η·∇f, so η must stay below 2/λ_max (λ_max: the
largest curvature, 10 across the bowl, ~2000 in Rosenbrock's valley walls), while an
adaptive method's step is about η per coordinate, whatever the gradient's size. One η for
all would show either SGD diverging or Adam crawling. So each racer has its own good rate
on each surface, ``LEARNING_RATES`` (found by trying rates about 2× apart; SGD with
momentum shares SGD's, so the two lines show what momentum alone does), and the
"η ×" slider multiplies all of them: at ×1 each runs at a good rate; from ×0.1 to ×4 the
picture shows which optimizers tolerate a rate that is too small or too large.

Each path is ``surfaces.trajectory`` of ``MAX_STEPS`` steps, computed once per surface,
racer, learning rate and momentum (``race_path``, cached); the "steps" slider shows its first
``steps``. The text lists each racer's distance to the nearest minimum at the end.
"""

import functools

import ipywidgets as widgets
import matplotlib as mpl
import matplotlib.ticker as ticker
import numpy as np

from nnlab.optimizers import SGD, Adagrad, Adam, RMSprop
from nnlab.plotting import COURSE_STYLE
from nnlab.surfaces import SURFACES, get_surface, trajectory
from nnlab.widgets._base import PlotWidget, course_figure, dropdown, int_slider, slider

# Each racer's learning rate at "η × 1", by surface, from rates tried about 2× apart over 300
# steps. SGD's: 1.5/λ_max on the bowl (λ_max = 10, so y ← −0.5·y: it zig-zags); ~2/λ_max at
# Rosenbrock's start (λ_max ≈ 1900; faster throws it out of the valley); on the saddle Adam's
# 0.1, so there the two race at the same η.
LEARNING_RATES = {
    "bowl": {"SGD": 0.15, "RMSprop": 0.05, "Adam": 0.2, "Adagrad": 1.0},
    "rosenbrock": {"SGD": 1e-3, "RMSprop": 0.02, "Adam": 0.1, "Adagrad": 0.5},
    "saddle": {"SGD": 0.1, "RMSprop": 0.02, "Adam": 0.1, "Adagrad": 0.5},
}
RACERS = {  # label → (colour, optimizer from a learning rate and SGD's momentum)
    "SGD": ("#1f77b4", lambda rate, momentum: SGD(learning_rate=rate)),
    "SGD + momentum": (
        "#ff7f0e",
        lambda rate, momentum: SGD(learning_rate=rate, momentum=momentum),
    ),
    "RMSprop": ("#2ca02c", lambda rate, momentum: RMSprop(learning_rate=rate)),
    "Adam": ("#d62728", lambda rate, momentum: Adam(learning_rate=rate)),
    "Adagrad": ("#9467bd", lambda rate, momentum: Adagrad(learning_rate=rate)),
}
SCALE_RANGE, MOMENTUM_RANGE, STEPS_RANGE = (0.1, 4.0), (0.0, 0.99), (10, 300)
MAX_STEPS = STEPS_RANGE[1]
GAP_LIMITS = (1e-12, 1e4)  # the f − f_min axis; smaller gaps are drawn on its floor
GAP_TICKS = (1e-12, 1e-8, 1e-4, 1.0, 1e4)
GRID = 120  # contour grid points per side


def learning_rates(surface, learning_rate_scale):
    """Each racer's learning rate on ``surface`` at "η × ``learning_rate_scale``": {label: η}."""
    rates = LEARNING_RATES[get_surface(surface).name]
    return {
        label: rates["SGD" if label == "SGD + momentum" else label] * learning_rate_scale
        for label in RACERS
    }


@functools.lru_cache(maxsize=512)
def race_path(surface, racer, learning_rate, momentum=0.0):
    """``trajectory`` of racer ``racer`` (a label of ``RACERS``) with ``learning_rate`` (and
    ``momentum`` for "SGD + momentum") on the surface named ``surface``: ``MAX_STEPS`` steps
    from its start, fewer if it diverged. Cached, so read-only."""
    _, make = RACERS[racer]
    path = trajectory(make(learning_rate, momentum), surface, steps=MAX_STEPS)
    path.setflags(write=False)
    return path


def race(surface, learning_rate_scale, momentum, steps):
    """Every racer's path over the first ``steps`` steps: {label: ndarray (≤ steps + 1, 2)}."""
    paths = {}
    for label, rate in learning_rates(surface, learning_rate_scale).items():
        mu = momentum if label == "SGD + momentum" else 0.0  # the others share one cache entry
        paths[label] = race_path(surface, label, rate, mu)[: steps + 1]
    return paths


def distance_to_minimum(surface, point):
    """The distance from ``point`` (2,) to the nearest of ``surface``'s minima."""
    return float(np.min(np.linalg.norm(np.subtract(surface.minima, point), axis=1)))


@functools.cache
def contour_grid(name):
    """X, Y (GRID, GRID) over the plot ranges of surface ``name`` and F = f(X, Y) − f_min."""
    surface = SURFACES[name]
    X, Y = np.meshgrid(np.linspace(*surface.xlim, GRID), np.linspace(*surface.ylim, GRID))
    gap = surface.function(np.stack([X, Y], axis=-1)) - surface.f_min
    return X, Y, gap


def _power_of_ten(value):
    """1e-08 → "10⁻⁸": a tick label in plain text."""
    return "10" + f"{np.log10(value):.0f}".translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _contours(ax, name):
    """Contour lines of surface ``name`` on ``ax``, hidden: 16 levels of f − f_min, evenly
    spaced on a log scale over its largest five decades."""
    X, Y, gap = contour_grid(name)
    levels = np.geomspace(gap.max() * 1e-5, gap.max(), 16)
    contours = ax.contour(
        X, Y, gap, levels=levels, cmap="Greys_r", linewidths=0.6, alpha=0.6, zorder=1
    )
    contours.set_visible(False)
    return contours


class OptimizerRace(PlotWidget):
    """Five optimizers on one surface. ``controls``: "surface" (a name in ``SURFACES``),
    "learning_rate_scale" (multiplies every racer's ``LEARNING_RATES`` entry), "momentum"
    (SGD + momentum's μ) and "steps". ``paths`` are the paths drawn ({label: (n, 2)}),
    ``table`` the text below the controls."""

    def __init__(self, surface, learning_rate_scale, momentum, steps):
        surface = get_surface(surface).name
        controls = {
            "surface": dropdown("surface", surface, SURFACES, name="surface"),
            "learning_rate_scale": slider(
                "η ×", learning_rate_scale, *SCALE_RANGE, name="learning_rate_scale"
            ),
            "momentum": slider("momentum μ", momentum, *MOMENTUM_RANGE, name="momentum"),
            "steps": int_slider("steps", steps, *STEPS_RANGE, name="steps"),
        }
        figure, (self.ax, self.ax_gap) = course_figure(size=(9.6, 3.8), ncols=2)
        figure.subplots_adjust(left=0.06, right=0.8, bottom=0.14, top=0.88, wspace=0.25)
        with mpl.rc_context(COURSE_STYLE):  # as when drawn
            self.contours = {name: _contours(self.ax, name) for name in SURFACES}
        (self.start,) = self.ax.plot([], [], "ko", ms=6, label="start", zorder=4)
        (self.minima,) = self.ax.plot([], [], "k*", ms=11, label="minimum", zorder=4)
        self.lines, self.gaps = {}, {}
        for label, (color, _) in RACERS.items():
            (self.lines[label],) = self.ax.plot([], [], ".-", color=color, lw=1.2, ms=2.5)
            (self.gaps[label],) = self.ax_gap.plot([], [], color=color, lw=1.5, label=label)
        self.ax.set_xlabel("x")
        self.ax.set_ylabel("y")
        self.ax.grid(False)  # the contours are the grid
        self.ax_gap.set_yscale("log")
        self.ax_gap.set_ylim(*GAP_LIMITS)
        # Ticks every 10⁴ in plain text: 16 decades of log ticks in mathtext take ~20 ms a draw.
        self.ax_gap.set_yticks(GAP_TICKS, [_power_of_ten(t) for t in GAP_TICKS])
        self.ax_gap.yaxis.set_minor_locator(ticker.NullLocator())
        self.ax_gap.set_xlim(0, MAX_STEPS)  # fixed: a new steps value redraws only the lines
        self.ax.locator_params(nbins=5)
        self.ax_gap.set_xlabel("step t")
        self.ax_gap.set_ylabel("f(p_t) − f_min")
        self.ax_gap.set_title("f − f_min, step by step (log scale)")
        # One legend for both panels (each legend costs ~10 ms a full draw).
        handles = [*self.gaps.values(), self.start, self.minima]
        self.ax_gap.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        self.shown = None  # the surface drawn
        self._right_panel = None  # a picture of the figure without the left panel
        self.readout = widgets.HTML()
        rows = [
            widgets.HBox([controls["surface"], controls["learning_rate_scale"]]),
            widgets.HBox([controls["momentum"], controls["steps"]]),
            self.readout,
        ]
        moving = [*self.lines.values(), *self.gaps.values()]
        super().__init__(controls, rows, figure, moving=moving, css_class="nnlab-optimizer-race")

    def _show_surface(self, surface):
        """Contours (shown, the others' hidden), start, minima, limits and title of ``surface``."""
        for name, contours in self.contours.items():
            contours.set_visible(name == surface.name)
        self.start.set_data(*np.transpose([surface.start]))
        self.minima.set_data(*np.transpose(surface.minima))
        self.ax.set_xlim(*surface.xlim)
        self.ax.set_ylim(*surface.ylim)
        self.ax.set_title(f"${surface.formula}$", fontsize=11)
        self.shown = surface.name

    def _draw_background(self):
        """Only a new surface redraws more than the moving lines, and it changes the left panel
        only: its picture is drawn over a saved one of the rest (figure, right panel, legend),
        ≈ 15 ms instead of a full draw's ≈ 50. The two panels share no pixel, so the picture is
        the full draw's."""
        if self._right_panel is None:
            self.ax.set_animated(True)  # left out of the full draw
            try:
                self._canvas.draw()
            finally:
                self.ax.set_animated(False)
            self._right_panel = self._canvas.copy_from_bbox(self.figure.bbox)
        else:
            self._canvas.restore_region(self._right_panel)
        self.figure.draw_artist(self.ax)  # its moving lines are left out
        self.figure.stale = False

    def redraw(self):
        """The racers' paths for the controls' setting, their f − f_min, and the table."""
        v = self.values()
        surface = SURFACES[v["surface"]]
        if self.shown != surface.name:
            self._show_surface(surface)
        self.paths = race(surface.name, v["learning_rate_scale"], v["momentum"], v["steps"])
        f_min = surface.f_min
        for label, path in self.paths.items():
            self.lines[label].set_data(path[:, 0], path[:, 1])
            gap = np.maximum(surface.function(path) - f_min, GAP_LIMITS[0])
            self.gaps[label].set_data(np.arange(len(path)), gap)
        self.table = self._table(surface, v)
        self.readout.value = f"<pre>{self.table}</pre>"

    def _table(self, surface, v):
        """Each racer's learning rate and where it ended: its distance to the nearest minimum."""
        rates = learning_rates(surface, v["learning_rate_scale"])
        lines = [f"{'after ' + str(v['steps']) + ' steps':<16}{'η':>10}  distance to a minimum"]
        for label, path in self.paths.items():
            if len(path) < v["steps"] + 1:
                end = f"diverged at step {len(path)}"
            else:
                end = f"{distance_to_minimum(surface, path[-1]):.2e}"
            lines.append(f"{label:<16}{rates[label]:>10.4g}  {end}")
        return "\n".join(lines)

    def __repr__(self):
        v = self.values()
        return (
            f"OptimizerRace({v['surface']!r}, learning_rate_scale={v['learning_rate_scale']:.2f}, "
            f"momentum={v['momentum']:.2f}, steps={v['steps']})"
        )


def make_optimizer_race(surface="rosenbrock", learning_rate_scale=1.0, momentum=0.9, steps=300):
    """Build the optimizer race: SGD, SGD with momentum, RMSprop, Adam and Adagrad descending
    one 2-D loss surface from the same start, drawn over its contours.

    Parameters
    ----------
    surface : str
        "bowl", "rosenbrock" or "saddle" (``nnlab.surfaces.SURFACES``).
    learning_rate_scale : float
        Multiplies each racer's own learning rate for the surface (``LEARNING_RATES``),
        0.1 … 4.
    momentum : float
        μ of SGD with momentum, 0 … 0.99.
    steps : int
        Steps each optimizer takes, 10 … 300.

    Returns
    -------
    OptimizerRace
        An ipywidgets box; display it by making it a cell's last expression. Its ``table``
        lists each racer's learning rate and final distance to the nearest minimum.
    """
    return OptimizerRace(surface, learning_rate_scale, momentum, steps)
