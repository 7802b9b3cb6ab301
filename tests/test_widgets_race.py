"""The optimizer race: every path it draws is ``surfaces.trajectory`` of the optimizer built the
plain way, and its f − f_min curve that path's values; momentum beats plain SGD on the bowl at a
small rate, Adam leaves the saddle long before SGD, SGD diverges on the bowl when the rate is
too large; bad values are refused. The checks test_widgets.py makes of every registered widget
are repeated here until the race is registered with its notebook."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from nnlab.optimizers import SGD, Adagrad, Adam, RMSprop
from nnlab.surfaces import SURFACES, trajectory
from nnlab.widgets._base import png_bytes
from nnlab.widgets.race import (
    GAP_LIMITS,
    LEARNING_RATES,
    RACERS,
    learning_rates,
    make_optimizer_race,
    race_path,
)

DEFAULTS = {"surface": "rosenbrock", "learning_rate_scale": 1.0, "momentum": 0.9, "steps": 300}


def paths_of(surface, learning_rate_scale, momentum, steps):
    """The race run the plain way: each optimizer at its rate for the surface × the scale."""
    rates = {name: rate * learning_rate_scale for name, rate in LEARNING_RATES[surface].items()}
    optimizers = {
        "SGD": SGD(learning_rate=rates["SGD"]),
        "SGD + momentum": SGD(learning_rate=rates["SGD"], momentum=momentum),
        "RMSprop": RMSprop(learning_rate=rates["RMSprop"]),
        "Adam": Adam(learning_rate=rates["Adam"]),
        "Adagrad": Adagrad(learning_rate=rates["Adagrad"]),
    }
    return {name: trajectory(opt, surface, steps=steps) for name, opt in optimizers.items()}


def assert_draws(race, settings):
    """Each racer's line is its path; its f − f_min line that path's values, floored."""
    surface = SURFACES[settings["surface"]]
    f_min = min(surface.function(m) for m in surface.minima)
    for name, path in paths_of(**settings).items():
        np.testing.assert_array_equal(race.lines[name].get_xdata(), path[:, 0])
        np.testing.assert_array_equal(race.lines[name].get_ydata(), path[:, 1])
        gap = race.gaps[name]
        np.testing.assert_array_equal(gap.get_xdata(), np.arange(len(path)))
        expected = np.maximum(surface.function(path) - f_min, GAP_LIMITS[0])
        np.testing.assert_allclose(gap.get_ydata(), expected, rtol=1e-12, atol=0)
    assert race.ax.get_xlim() == surface.xlim and race.ax.get_ylim() == surface.ylim
    assert race.ax.get_title() == f"${surface.formula}$"


def drawn(widget):
    return widget.image.value, repr(widget)


@pytest.fixture
def race():
    return make_optimizer_race()


def test_starts_on_rosenbrock_with_a_short_text_form_and_a_table(race):
    text = repr(race)
    assert text == (
        "OptimizerRace('rosenbrock', learning_rate_scale=1.00, momentum=0.90, steps=300)"
    )
    assert len(text) <= 100 and "\n" not in text
    assert race.table == (  # nnlab's numbers
        "after 300 steps          η  distance to a minimum\n"
        "SGD                  0.001  2.31e+00\n"
        "SGD + momentum       0.001  3.84e-01\n"
        "RMSprop               0.02  1.95e+00\n"
        "Adam                   0.1  8.99e-01\n"
        "Adagrad                0.5  2.21e+00"
    )
    assert race.readout.value == f"<pre>{race.table}</pre>"
    assert_draws(race, DEFAULTS)
    assert "nnlab-optimizer-race" in race._dom_classes  # how a browser finds it
    bundle = race._repr_mimebundle_()
    assert bundle["text/plain"] == text
    assert base64.b64decode(bundle["image/png"]) == race.image.value
    again = make_optimizer_race()
    assert drawn(again) == drawn(race)


@pytest.mark.parametrize(
    ("control", "values"),
    [
        ("surface", ["bowl", "saddle", "rosenbrock"]),
        ("learning_rate_scale", [0.1, 0.57, 4.0]),
        ("momentum", [0.0, 0.5, 0.99]),
        ("steps", [10, 123]),
    ],
)
def test_every_control_draws_the_plain_trajectories_in_place(race, control, values):
    settings, figure = dict(DEFAULTS), race.figure
    layout = [(len(ax.lines), len(ax.collections), len(ax.texts)) for ax in figure.axes]
    for value in values:
        before = race.image.value
        race.controls[control].value = value  # as the browser does
        settings[control] = value
        assert race.image.value != before, "the picture did not change"
        assert_draws(race, settings)
    assert race.figure is figure and len(figure.axes) == 2
    assert [len(ax.lines) for ax in figure.axes] == [n for n, _, _ in layout]  # no new lines


def test_each_surface_draws_its_contours_once(race):
    contours = dict(race.contours)
    race.update(surface="bowl")
    race.update(surface="saddle")
    race.update(surface="bowl")
    assert race.contours == contours  # the same sets, made with the widget
    assert race.contours["bowl"].get_visible() and not race.contours["rosenbrock"].get_visible()
    assert len(race.ax.collections) == 3  # one set per surface


def test_a_new_surface_redraws_the_left_panel_only_into_the_full_draws_picture(race):
    for surface in ["bowl", "saddle", "rosenbrock", "bowl"]:
        race.update(surface=surface, steps=150)
        assert not race.figure.stale  # the background was redrawn and saved
        picture = race.image.value
        race._canvas.draw()  # the whole figure, as without the shortcut
        for artist in race._moving:
            race.figure.draw_artist(artist)
        pixels = np.asarray(race._canvas.buffer_rgba())
        np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(picture))), pixels)
        assert png_bytes(pixels) == picture


def test_a_new_rate_momentum_or_step_count_redraws_only_the_lines(race):
    race.update(learning_rate_scale=0.5, momentum=0.3, steps=77)
    assert not race.figure.stale  # no full draw needed: the background is reused


def test_steps_shows_a_prefix_of_paths_computed_once(race):
    full = {name: line.get_xdata() for name, line in race.lines.items()}
    misses = race_path.cache_info().misses
    race.update(steps=50)
    assert race_path.cache_info().misses == misses  # nothing recomputed
    for name, line in race.lines.items():
        np.testing.assert_array_equal(line.get_xdata(), full[name][:51])
    assert race.table.startswith("after 50 steps")


def test_momentum_changes_only_the_momentum_racer(race):
    before = {name: line.get_ydata() for name, line in race.lines.items()}
    race.update(momentum=0.5)
    for name, line in race.lines.items():
        same = np.array_equal(line.get_ydata(), before[name])
        assert same == (name != "SGD + momentum")


def test_every_racer_has_a_rate_on_every_surface():
    assert set(LEARNING_RATES) == set(SURFACES)
    for surface in SURFACES:
        rates = learning_rates(surface, 2.0)
        assert list(rates) == list(RACERS)
        assert rates["SGD + momentum"] == rates["SGD"] == 2 * LEARNING_RATES[surface]["SGD"]
        assert rates["Adam"] == 2 * LEARNING_RATES[surface]["Adam"]


def distances(race):
    surface = SURFACES[race.values()["surface"]]
    return {
        name: min(np.linalg.norm(line.get_xydata()[-1] - m) for m in surface.minima)
        for name, line in race.lines.items()
    }


def test_at_a_small_rate_momentum_beats_plain_sgd_on_the_bowl():
    race = make_optimizer_race("bowl", learning_rate_scale=0.1, momentum=0.9, steps=100)
    d = distances(race)
    assert d["SGD + momentum"] < 0.01 < 0.5 < d["SGD"]  # 0.0037 against 0.88: nnlab's numbers
    race.update(momentum=0.0)  # without momentum the two racers are the same
    d = distances(race)
    assert d["SGD + momentum"] == d["SGD"]


def test_adam_leaves_the_saddle_long_before_sgd():
    race = make_optimizer_race("saddle", steps=100)

    def leaves(name):  # the first step with |y| > 1/2: off the saddle's ridge
        return int(np.argmax(np.abs(race.lines[name].get_ydata()) > 0.5))

    assert leaves("Adam") == 6 and leaves("SGD") == 67  # y grows only ×(1 + η) a step
    assert leaves("Adam") < leaves("SGD") / 5


def test_on_rosenbrocks_valley_momentum_and_adam_get_furthest(race):
    d = distances(race)
    assert max(d["SGD + momentum"], d["Adam"]) < min(d["SGD"], d["RMSprop"], d["Adagrad"])


def test_too_large_a_rate_makes_sgd_diverge_on_the_bowl_but_not_adam():
    race = make_optimizer_race("bowl", learning_rate_scale=4.0, momentum=0.0, steps=300)
    sgd = race.lines["SGD"].get_xydata()
    assert 1 < len(sgd) < 301 and np.isfinite(sgd).all()  # η = 0.6: y ← −5y, stopped early
    assert f"SGD                    0.6  diverged at step {len(sgd)}" in race.table
    assert distances(race)["Adam"] < 1e-3


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"surface": "valley"}, ValueError, r"'surface' must be one of 'bowl', 'rosenbrock', "),
        ({"surface": 1}, TypeError, r"'surface' must be a name"),
        ({"learning_rate_scale": 0.05}, ValueError, r"'learning_rate_scale' must be within "),
        ({"learning_rate_scale": 4.5}, ValueError, r"within \[0.1, 4\] .*; got 4.5\."),
        ({"momentum": 1.0}, ValueError, r"'momentum' must be within \[0, 0.99\]"),
        ({"momentum": -0.1}, ValueError, r"'momentum' must be within"),
        ({"steps": 5}, ValueError, r"'steps' must be within \[10, 300\] .*; got 5\."),
        ({"steps": 301}, ValueError, r"'steps' must be within \[10, 300\]"),
        ({"steps": 20.5}, ValueError, r"'steps' must be a whole number; got 20.5"),
    ],
)
def test_refuses_bad_values(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_optimizer_race(**kwargs)


def test_update_refuses_bad_values_and_unknown_controls_and_changes_nothing(race):
    before = drawn(race)
    with pytest.raises(ValueError, match=r"'steps' must be a whole number; got 12.5"):
        race.update(steps=12.5)
    with pytest.raises(ValueError, match=r"'surface' must be one of .*; got 'no such option'"):
        race.update(momentum=0.5, surface="no such option")
    with pytest.raises(ValueError, match=r"'momentum' must be within \[0, 0.99\] .*; got 1.99"):
        race.update(momentum=1.99)
    with pytest.raises(ValueError, match="'control' must be one of .*; got 'no_such_control'"):
        race.update(surface="bowl", no_such_control=1.0)
    assert drawn(race) == before


def test_update_and_hold_redraw_once(race):
    changes = []
    race.image.observe(changes.append, names="value")
    race.update(surface="saddle", learning_rate_scale=2.0, momentum=0.5, steps=100)
    assert len(changes) == 1
    with race.hold():
        race.controls["surface"].value = "bowl"
        race.controls["steps"].value = 200
        assert len(changes) == 1
    assert len(changes) == 2
    assert repr(race) == (
        "OptimizerRace('bowl', learning_rate_scale=2.00, momentum=0.50, steps=200)"
    )
