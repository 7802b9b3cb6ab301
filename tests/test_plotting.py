"""Plots draw what they claim: the curve is f(z), the point sits at (z, f(z)), the diagrams
carry the neuron's numbers."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlab import plotting
from nnlab.activations import ACTIVATIONS
from nnlab.plotting import (
    ActivationPlot,
    draw_network,
    draw_neuron,
    figure_to_png,
    plot_activations,
    plot_neuron_response,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_plot_draws_the_function_and_point(name):
    _, ax = plt.subplots()
    view = ActivationPlot(ax, name, z=0.41)
    z, a = view.curve.get_data()
    np.testing.assert_allclose(a, ACTIVATIONS[name].function(z))
    assert view.point.get_data()[1][0] == pytest.approx(ACTIVATIONS[name].function(0.41))
    assert ax.get_title() == f"{name}: output range {ACTIVATIONS[name].range_text}"


def test_activation_plot_updates_in_place():
    _, ax = plt.subplots()
    view = ActivationPlot(ax, "sigmoid", z=0.0)
    curve, lines_before = view.curve, len(ax.lines)
    assert view.update(name="tanh", z=1.0) == pytest.approx(np.tanh(1.0))
    assert view.curve is curve and len(ax.lines) == lines_before
    np.testing.assert_allclose(view.curve.get_data()[1], np.tanh(view.grid))
    assert view.moving == (view.vline, view.hline, view.point)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_plot_y_limits_come_from_the_output_range(name):
    _, ax = plt.subplots()
    view = ActivationPlot(ax, name)
    low, high = ACTIVATIONS[name].output_range  # numbers, ±inf where unbounded
    a = view.curve.get_data()[1]
    y_low, y_high = ax.get_ylim()
    assert y_low < a.min() and a.max() < y_high  # the whole curve is in view
    shown_low = low if np.isfinite(low) else a.min()  # an unbounded side follows the curve
    shown_high = high if np.isfinite(high) else a.max()
    margin = 0.1 * (shown_high - shown_low)
    assert (y_low, y_high) == pytest.approx((shown_low - margin, shown_high + margin))
    assert not hasattr(plotting, "Y_LIMITS")  # no second list of activation facts


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("z", [100.0, -7.5, 5.9])
def test_the_view_follows_the_operating_point(name, z):
    _, ax = plt.subplots()
    view = ActivationPlot(ax, name, z=0.41)
    assert ax.get_xlim() == (-6.0, 6.0)
    y = view.update(z=z)
    (z_low, z_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    assert view.point.get_data() == ([z], [y])  # where it is, not clipped to an edge
    assert z_low == -z_high and 0.9 * z_low <= z <= 0.9 * z_high  # inside, with a margin
    assert y_low < y < y_high
    np.testing.assert_allclose(view.curve.get_data()[0][[0, -1]], [z_low, z_high])
    view.update(z=1.0)
    assert ax.get_xlim() == (-6.0, 6.0)


def test_draw_neuron_shows_the_worked_numbers():
    ax = draw_neuron([0.8, 0.6, 0.2], [0.2, 0.1, -0.3], b=0.25)
    texts = {t.get_text() for t in ax.texts}
    assert {"z = 0.41", "y = 0.6011", "w3 = -0.3", "bias b = 0.25", "x1\n0.8"} <= texts


def test_draw_neuron_rejects_bad_input_in_nnlab_words():
    with pytest.raises(TypeError, match="'x' must be a number or an array of numbers; got 'abc'"):
        draw_neuron("abc", [1.0])
    with pytest.raises(ValueError, match="'w' must have 2 entries, one per feature of 'x'; got 1"):
        draw_neuron([1.0, 2.0], [1.0])


def test_draw_network_has_one_node_per_unit_and_all_edges():
    ax = draw_network([3, 4, 2])
    assert len(ax.patches) == 3 + 4 + 2
    assert len(ax.lines) == 3 * 4 + 4 * 2
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["input\n(3)", "hidden\n(4)", "output\n(2)"]
    with pytest.raises(ValueError, match="'layer_sizes' must be at least two whole numbers"):
        draw_network([3, 2.5])


def test_plot_activations_and_png():
    fig = plot_activations(["step", "sigmoid"], points={"sigmoid": 0.41})
    assert [ax.get_title() for ax in fig.axes] == ["step: {0, 1}", "sigmoid: (0, 1)"]
    assert figure_to_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_neuron_response_curves_shift_by_minus_b_over_w():
    fig = plot_neuron_response([2.0], [-1.0, 0.0, 1.0], activation="step")
    for line, b in zip(fig.axes[0].lines, [-1.0, 0.0, 1.0]):
        x, y = line.get_data()
        assert x[np.argmax(y > 0.5)] == pytest.approx(-b / 2.0, abs=0.02)  # fires at x = −b/w
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "b = -1",
        "b = 0",
        "b = 1",
    ]


def test_neuron_response_curves_steepen_with_the_weight():
    fig = plot_neuron_response([0.5, 1.0, 4.0], [0.0], activation="sigmoid")
    slopes = []
    for line in fig.axes[0].lines:
        x, y = line.get_data()
        middle = np.argmin(np.abs(x))  # every curve crosses y = 0.5 at x = 0 (b = 0)
        assert y[middle] == pytest.approx(0.5, abs=0.01)
        slopes.append((y[middle + 1] - y[middle - 1]) / (x[middle + 1] - x[middle - 1]))
    assert slopes == sorted(slopes) and slopes[-1] == pytest.approx(4.0 * 0.25, rel=0.02)  # w·σ'(0)
    assert "weight sets how steep" in fig.axes[0].get_title()
