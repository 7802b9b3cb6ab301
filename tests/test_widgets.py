"""Every widget in ``nnlab.widgets.WIDGETS``: it builds, every control changes what is drawn (in
place, in the same figure), ``update`` and ``hold`` redraw once, bad names and values are refused
(never clamped), and the text form nbval compares is short and deterministic."""

import base64
import subprocess
import sys

import pytest

from nnlab.widgets import WIDGETS

CONTROLS = [
    pytest.param(widget, control, id=f"{widget}-{control}")
    for widget, factory in WIDGETS.items()
    for control in factory().controls
]


def other_value(control):
    """A value the control can take that differs from its current one."""
    if hasattr(control, "options"):
        return next(option for option in control.options if option != control.value)
    return control.max if control.value != control.max else control.min


def out_of_range(control):
    return control.max + 1.0


def drawn(widget):
    """What the reader sees: the picture and the text form."""
    return widget.image.value, repr(widget)


def artists(widget):
    return [(ax, len(ax.lines), len(ax.patches), len(ax.texts)) for ax in widget.figure.axes]


def redraws(widget):
    """A list that grows by one each time the picture is redrawn."""
    changes = []
    widget.image.observe(changes.append, names="value")
    return changes


@pytest.mark.parametrize("name", sorted(WIDGETS))
def test_every_widget_builds_with_a_short_deterministic_text_form(name):
    widget, again = WIDGETS[name](), WIDGETS[name]()
    text = repr(widget)
    assert text == repr(again) and "\n" not in text and len(text) <= 100
    assert text.startswith(type(widget).__name__ + "(") and " at 0x" not in text
    assert widget.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"nnlab-{name.replace('_', '-')}" in widget._dom_classes  # how a browser finds it
    bundle = widget._repr_mimebundle_()
    assert bundle["text/plain"] == text  # what nbval compares
    assert base64.b64decode(bundle["image/png"]) == widget.image.value  # what a static page shows


@pytest.mark.parametrize(("name", "control"), CONTROLS)
def test_every_control_changes_what_is_drawn_in_place(name, control):
    widget = WIDGETS[name]()
    before, figure, layout = drawn(widget), widget.figure, artists(widget)
    widget.controls[control].value = other_value(widget.controls[control])  # as the browser does
    assert widget.image.value != before[0], "the picture did not change"
    assert widget.figure is figure and artists(widget) == layout, "a new figure or new artists"


@pytest.mark.parametrize(("name", "control"), CONTROLS)
def test_update_refuses_a_value_its_control_cannot_show(name, control):
    widget = WIDGETS[name]()
    before, target = drawn(widget), widget.controls[control]
    if hasattr(target, "options"):
        bad, message = "no such option", rf"'{control}' must be one of .*; got 'no such option'"
    else:
        bad = out_of_range(target)
        message = (
            rf"'{control}' must be within \[{target.min:g}, {target.max:g}\] "
            rf"\(the slider's range\); got {bad:g}\."
        )
    with pytest.raises(ValueError, match=message):
        widget.update(**{control: bad})
    assert drawn(widget) == before  # refused, not clamped: nothing changed


@pytest.mark.parametrize("name", sorted(WIDGETS))
def test_update_refuses_unknown_controls_before_changing_anything(name):
    widget = WIDGETS[name]()
    first, before = next(iter(widget.controls)), drawn(widget)
    with pytest.raises(ValueError, match="'control' must be one of .*; got 'no_such_control'"):
        widget.update(**{first: other_value(widget.controls[first]), "no_such_control": 1.0})
    assert drawn(widget) == before


@pytest.mark.parametrize("name", sorted(WIDGETS))
def test_update_and_hold_move_every_control_with_one_redraw(name):
    widget = WIDGETS[name]()
    changes = redraws(widget)
    widget.update(**{n: other_value(c) for n, c in widget.controls.items()})
    assert len(changes) == 1
    with widget.hold():
        for control in widget.controls.values():
            control.value = other_value(control)
        assert len(changes) == 1  # nothing redrawn while held
    assert len(changes) == 2


def test_importing_the_widgets_package_loads_no_plotting_or_widget_library():
    code = (
        "import sys, nnlab.widgets as w\n"
        "heavy = {'ipywidgets', 'matplotlib'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
        "assert set(w.WIDGETS) == set(w._REGISTRY) and 'make_neuron_playground' in dir(w)\n"
        "from nnlab.widgets import make_neuron_playground\n"
        "assert {'ipywidgets', 'matplotlib'} <= set(sys.modules)\n"
        "assert w.neurons.make_neuron_playground is make_neuron_playground\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_unknown_name_is_an_attribute_error():
    import nnlab.widgets

    with pytest.raises(AttributeError, match="has no attribute 'make_nothing'"):
        nnlab.widgets.make_nothing  # noqa: B018
