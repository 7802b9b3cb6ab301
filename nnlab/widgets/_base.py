"""What every course widget shares: named controls, ``hold``, one ``update``, a picture redrawn
in place.

A widget subclasses :class:`PlotWidget`: it builds its controls with :func:`slider` and
:func:`dropdown`, its picture on :func:`course_figure`, and implements ``redraw()``, which reads
``self.values()``, calls the core maths and updates the artists' data (never a new figure).
The base turns each change into one redraw and shows the figure as a PNG in an ``Image``
widget: no Output widget, so it renders the same under nbval, in JupyterLab and on a static page.

Out-of-range values are refused, never clamped: a slider's range is fixed by the lesson, and a
value outside it raises ``ValueError`` naming the control, the range and the value.
"""

import base64
import contextlib
import struct
import zlib

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nnlab._validation import check_choice, check_in_range, check_scalar
from nnlab.plotting import COURSE_STYLE

DPI = 80


def png_bytes(rgba):
    """A PNG of ``rgba`` (height, width, 4 uint8): rows unfiltered, zlib level 1, no metadata, so
    the same pixels always give the same bytes. ≈ 2 ms for a 768 × 304 figure, where
    matplotlib's ``imsave`` (Pillow: level 6, filters chosen row by row) takes ≈ 10 ms for a
    larger file: a plot's flat colours compress well unfiltered."""
    height, width, _ = rgba.shape
    rows = np.empty((height, 1 + 4 * width), np.uint8)
    rows[:, 0] = 0  # each row's filter type: none
    rows[:, 1:] = rgba.reshape(height, 4 * width)

    def chunk(kind, data):
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, not interlaced
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"IDAT", zlib.compress(rows, 1)),
            chunk(b"IEND", b""),
        ]
    )


def check_control_value(control, name, value):
    """Raise unless ``control`` can show ``value`` as it is (a menu entry, a value in range)."""
    if isinstance(control, widgets.Dropdown):
        check_choice(value, name, control.options)
    elif hasattr(control, "min") and hasattr(control, "max"):
        if isinstance(control, widgets.IntSlider):  # it would truncate 2.5 to 2 silently
            check_scalar(value, name, integer=True)
        check_in_range(value, name, control.min, control.max)


def _as_shown(control):
    """A control's value; for a FloatSlider, rounded to the decimals of its step."""
    if isinstance(control, widgets.FloatSlider) and control.step:
        return round(control.value, max(0, -int(np.floor(np.log10(control.step)))))
    return control.value


def slider(description, value, low, high, *, name):
    """A FloatSlider on [low, high] starting at ``value``; ``name`` is the parameter that
    supplied ``value``, used if it is out of range."""
    check_in_range(value, name, low, high)
    return widgets.FloatSlider(
        value=float(value),
        min=low,
        max=high,
        step=0.01,
        description=description,
        continuous_update=True,
        readout_format=".2f",
    )


def int_slider(description, value, low, high, *, name):
    """An IntSlider on [low, high] starting at ``value`` (a whole number in range, checked);
    ``name`` is the parameter that supplied ``value``, used in the message."""
    check_scalar(value, name, integer=True)
    check_in_range(value, name, low, high)
    return widgets.IntSlider(
        value=int(value),
        min=low,
        max=high,
        step=1,
        description=description,
        continuous_update=True,
    )


def dropdown(description, value, options, *, name):
    """A Dropdown menu of ``options`` starting at ``value`` (checked against them)."""
    check_choice(value, name, options)
    return widgets.Dropdown(options=list(options), value=value, description=description)


def record_parameter(record):
    """(name, default) of a registry record's one parameter (elu's alpha, huber's delta, …), or
    (None, None): what a widget's "parameter" slider stands for."""
    return next(iter(record.params.items()), (None, None))


def label_parameter(control, record):
    """Name the parameter slider after ``record``'s parameter; grey it out if it has none."""
    name, _ = record_parameter(record)
    control.description = name or "(none)"
    control.disabled = name is None


def course_figure(size=(5.4, 3.2), ncols=1):
    """A pyplot-free Figure (80 dpi, course style, fixed margins) and its ``ncols`` Axes."""
    with mpl.rc_context(COURSE_STYLE):
        figure = Figure(figsize=size, dpi=DPI)
        figure.subplots_adjust(left=0.14, right=0.97, bottom=0.16, top=0.9, wspace=0.3)
        axes = figure.subplots(1, ncols)
    return figure, axes


class PlotWidget(widgets.VBox):
    """Controls above a picture; every change redraws the picture once, in place.

    Parameters
    ----------
    controls : dict of str → ipywidget
        Every control by name; ``update`` takes these names.
    rows : list of ipywidgets
        The layout above the picture (the controls, readouts).
    figure : matplotlib Figure
        From :func:`course_figure`.
    moving : sequence of matplotlib artists
        The artists that change often (an operating point). When nothing else changed, only
        these are redrawn over a saved background (blitting: ≈ 5 ms instead of ≈ 25 ms).
    css_class : str, optional
        A class for the page (the browser test finds the widget by it).
    """

    def __init__(self, controls, rows, figure, *, moving=(), css_class=None):
        self.controls = dict(controls)
        self.figure = figure
        self.image = widgets.Image(format="png", layout={"width": f"{figure.bbox.width:.0f}px"})
        self._canvas = FigureCanvasAgg(figure)
        self._moving = tuple(moving)
        for artist in self._moving:
            artist.set_animated(True)  # left out of full draws; the figure stays un-stale
        self._background = None
        self._held = 0
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        super().__init__([*rows, self.image])
        if css_class:
            self.add_class(css_class)
        self._refresh()

    def values(self):
        """The controls' current values by name, each slider's rounded to its step as its readout
        shows it (a browser sends the slider position −0.16 as −0.16000000000000014)."""
        return {name: _as_shown(control) for name, control in self.controls.items()}

    @contextlib.contextmanager
    def hold(self):
        """Redraw once, on leaving, however many controls change inside::

        with widget.hold():
            widget.controls["x1"].value = 1.0
            widget.controls["w1"].value = -0.5
        """
        self._held += 1
        try:
            yield self
        finally:
            self._held -= 1
            if not self._held:
                self._refresh()

    @contextlib.contextmanager
    def quietly(self):
        """Change controls without a redraw: for an observer that runs before the redraw
        observer (a new menu choice resetting a slider), so the picture is drawn once."""
        self._held += 1
        try:
            yield self
        finally:
            self._held -= 1

    def update(self, **values):
        """Set the named controls (e.g. ``update(x1=0.5, activation="tanh")``) and redraw once.

        Every name and value is checked before anything changes: an unknown name or a value
        outside a slider's range raises ``ValueError``. ``update()`` alone just redraws.
        """
        for name, value in values.items():
            check_choice(name, "control", self.controls)
            check_control_value(self.controls[name], name, value)
        with self.hold():
            for name, value in values.items():
                self.controls[name].value = value

    def redraw(self):
        """Recompute from ``self.values()`` and update the artists' data (subclasses)."""
        raise NotImplementedError

    def _on_change(self, change):
        if not self._held:
            self._refresh()

    def _refresh(self):
        with mpl.rc_context(COURSE_STYLE):
            self.redraw()
            self.image.value = self._render_png()

    def _render_png(self):
        """PNG of the figure: a full draw if anything but the moving artists changed (matplotlib
        marks the figure stale), else the saved background with the moving artists on top."""
        if self._background is None or self.figure.stale:
            self._draw_background()
            self._background = self._canvas.copy_from_bbox(self.figure.bbox)
        else:
            self._canvas.restore_region(self._background)
        for artist in self._moving:
            self.figure.draw_artist(artist)
        return png_bytes(np.asarray(self._canvas.buffer_rgba()))

    def _draw_background(self):
        """Draw the figure but its moving artists onto the canvas, leaving the figure un-stale: a
        full draw. A widget whose other changes touch one part of the figure only may redraw just
        that part over a saved picture of the rest."""
        self._canvas.draw()

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, its text form, and a PNG of its picture for pages without a kernel."""
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return bundle
