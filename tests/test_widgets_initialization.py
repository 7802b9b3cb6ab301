"""The initialization explorer: what it draws is nnlab's diagnostics of the network the controls
describe, built here the plain way (an MLP of that depth from the seed, its weights scaled);
tiny weights collapse a deep tanh network, large ones explode a ReLU network or saturate tanh,
Glorot + tanh, He + ReLU and LeCun + SELU keep the spread, zero weights make every unit the
same, and bad values are refused. What every widget must do is in test_widgets.py."""

import numpy as np
import pytest

from nnlab.activations import ACTIVATIONS as ACTIVATION_RECORDS
from nnlab.diagnostics import activation_stats, histograms
from nnlab.initializers import INITIALIZERS
from nnlab.network import MLP
from nnlab.plotting import LayerHistogramPlot
from nnlab.widgets._base import course_figure
from nnlab.widgets.initialization import (
    ACTIVATIONS,
    BINS,
    DEPTH_RANGE,
    initial_weights,
    layer_statistics,
    make_initialization_explorer,
)

# The histograms' range per activation, written out: bounded sides from the output range,
# unbounded ones at ±4 (four standard deviations of the inputs).
RANGES = {
    "tanh": (-1.0, 1.0),
    "sigmoid": (0.0, 1.0),
    "relu": (0.0, 4.0),
    "leaky_relu": (-4.0, 4.0),
    "elu": (-1.0, 4.0),
    "selu": (ACTIVATION_RECORDS["selu"].output_range[0], 4.0),  # −λα = −1.7581
    "linear": (-4.0, 4.0),
}


def diagnosed(initializer, activation, depth, width, init_scale):
    """The widget's recipe run the plain way: a fresh MLP of this depth drawn from seed 0, every
    W times the scale, on 10,000 // width standard normals from seed 0."""
    X = np.random.default_rng(0).standard_normal((10_000 // width, width))
    mlp = MLP(
        [width] * (depth + 1),
        activation=activation,
        output_activation=activation,
        initializer=initializer,
        rng=0,
    )
    mlp.set_weights(
        [
            init_scale * p if name.startswith("W") else p
            for name, p in zip(mlp.param_names, mlp.get_weights())
        ]
    )
    stats = activation_stats(mlp, X)
    return stats, histograms(mlp, X, bins=41, value_range=RANGES[activation])


def assert_draws(widget, stats, hists):
    """The heat map holds each layer's fractions (a column per layer, blank past the last) and
    the line std(a) of layers 1 … L; the axes stay at layers 1 … 20."""
    depth = len(stats)
    mesh = widget.histogram_plot.mesh.get_array()  # (bins, 20)
    assert mesh.shape == (BINS, DEPTH_RANGE[1])
    np.testing.assert_array_equal(mesh[:, :depth].data, hists.fractions.T)
    assert not mesh.mask[:, :depth].any() and mesh.mask[:, depth:].all()
    low, high = hists.edges[0], hists.edges[-1]
    shown = [label.get_text().replace("−", "-") for label in widget.histogram_plot.value_labels]
    assert [float(text) for text in shown] == pytest.approx([low, (low + high) / 2, high], 3e-3)
    (std_line,) = widget.std_plot.lines
    np.testing.assert_array_equal(std_line.get_xdata(), np.arange(1, depth + 1))
    np.testing.assert_array_equal(std_line.get_ydata(), stats.std)
    assert widget.stats.z_std.tolist() == stats.z_std.tolist()  # what the text reads
    for ax in widget.figure.axes:
        assert ax.get_xlim() == (0.5, 20.5)


@pytest.fixture
def explorer():
    return make_initialization_explorer()


def test_starts_with_ten_tanh_layers_of_100_units_from_glorot(explorer):
    assert repr(explorer) == (
        "InitializationExplorer('glorot_uniform', 'tanh', depth=10, width=100, init_scale=1.00)"
    )
    # nnlab's numbers: std(a) 0.629 at layer 1 … 0.227 at layer 10
    assert explorer.readout.value == (
        "<b>glorot_uniform</b>: Var(W) = 2 / (fan_in + fan_out) = 0.01 with fan_in = fan_out = "
        "100, so std(W) = 0.1 × 1.00 = 0.1 · designed for tanh, sigmoid, softmax, linear<br>"
        "<b>healthy</b>: std(a) stays between 0.227 and 0.629 over the 10 layers; std(z) at "
        "layer 10: 0.239"
    )
    assert_draws(explorer, *diagnosed("glorot_uniform", "tanh", 10, 100, 1.0))
    again = make_initialization_explorer()
    assert again.image.value == explorer.image.value and repr(again) == repr(explorer)


@pytest.mark.parametrize(
    ("control", "values"),
    [
        ("initializer", list(INITIALIZERS)),
        ("activation", list(ACTIVATIONS)),
        ("depth", [2, 7, 20]),
        ("width", [10, 130, 300]),
        ("init_scale", [0.1, 0.37, 2.5, 4.0]),
    ],
)
def test_every_control_draws_nnlabs_diagnostics_of_that_network(explorer, control, values):
    settings = {
        "initializer": "glorot_uniform",
        "activation": "tanh",
        "depth": 10,
        "width": 100,
        "init_scale": 1.0,
    }
    for value in values:
        explorer.controls[control].value = value  # as the browser does
        settings[control] = value
        stats, hists = diagnosed(**settings)
        assert_draws(explorer, stats, hists)
        assert explorer.stats.std.tolist() == stats.std.tolist()


def test_a_setting_of_every_control_at_once(explorer):
    explorer.update(
        initializer="he_uniform", activation="leaky_relu", depth=13, width=70, init_scale=1.3
    )
    assert_draws(explorer, *diagnosed("he_uniform", "leaky_relu", 13, 70, 1.3))


def test_tiny_random_normal_weights_collapse_a_deep_tanh_network():
    # stddev 0.05 × 0.1 = 0.005 with 100 inputs: std(z) shrinks ≈ 0.005·√100 = 0.05× per layer
    widget = make_initialization_explorer("random_normal", "tanh", depth=20, init_scale=0.1)
    std = widget.stats.std
    assert widget.word == "collapsed"
    assert std[0] == pytest.approx(0.0492, abs=1e-4)  # nnlab's numbers
    assert std[-1] == pytest.approx(8.75e-27, rel=1e-3) and std[-1] < 1e-3
    np.testing.assert_allclose(std[1:] / std[:-1], 0.05, rtol=0.1)  # geometric, ≈ 0.005·√100
    assert "std(W) = 0.05 × 0.10 = 0.005" in widget.readout.value
    assert "<b>collapsed</b>: std(a) falls from 0.0492 at layer 1 to 8.75e-27 at layer 20" in (
        widget.readout.value
    )
    # Every layer past the first piles up in the bin around 0
    fractions = widget.histograms.fractions
    assert np.all(fractions[1:, BINS // 2] == 1.0)


def test_half_glorot_already_collapses_tanh():
    widget = make_initialization_explorer(init_scale=0.5)  # each layer halves the spread
    assert widget.word == "collapsed"
    assert widget.stats.std[-1] == pytest.approx(7.79e-4, rel=1e-3)  # nnlab's number


def test_large_he_weights_explode_a_relu_network():
    widget = make_initialization_explorer("he_normal", "relu", init_scale=2.0)
    std = widget.stats.std
    assert widget.word == "exploded"
    assert std[-1] == pytest.approx(894.8, rel=1e-3)  # nnlab's number
    np.testing.assert_allclose(std[1:] / std[:-1], 2.0, rtol=0.15)  # ReLU: ×2 per layer
    beyond = 1 - widget.histograms.counts[-1].sum() / widget.histograms.n_values[-1]
    assert beyond == pytest.approx(0.48, abs=0.01)  # off the histogram's top, 4
    assert f"{beyond:.0%} of its values lie beyond the histograms' range [0, 4]" in (
        widget.readout.value
    )


def test_large_glorot_weights_saturate_tanh():
    widget = make_initialization_explorer(init_scale=4.0)
    assert widget.word == "saturated"
    assert widget.stats.saturated[-1] == pytest.approx(0.5496)  # nnlab's number
    assert "55% of layer 10's weighted sums (std(z) = 3.58)" in widget.readout.value
    # The histograms pile up in the end bins, at ±1
    fractions = widget.histograms.fractions
    assert np.all(fractions[:, [0, -1]].sum(axis=1) > 0.3)
    assert np.all(fractions[:, [0, -1]].min(axis=1) > 5 * fractions[:, 1:-1].max(axis=1))


@pytest.mark.parametrize(
    ("initializer", "activation", "depth", "largest_factor"),
    [
        ("glorot_uniform", "tanh", 10, 2.78),  # nnlab's numbers: max std / min std
        ("glorot_uniform", "tanh", 20, 4.00),
        ("he_normal", "relu", 10, 1.13),
        ("he_normal", "relu", 20, 1.46),
        ("lecun_normal", "selu", 20, None),
    ],
)
def test_matched_schemes_keep_the_spread(initializer, activation, depth, largest_factor):
    widget = make_initialization_explorer(initializer, activation, depth)
    std = widget.stats.std
    assert widget.word == "healthy"
    assert std.max() / std.min() < 5  # within a factor of a few over all the layers
    if largest_factor is not None:
        assert std.max() / std.min() == pytest.approx(largest_factor, abs=0.01)
    assert f"std(a) stays between {std.min():.3g} and {std.max():.3g}" in widget.readout.value


def test_glorot_is_too_small_for_relu_and_he_right():
    # Glorot's Var(W) = 1 / fan_in here is half of He's 2 / fan_in: ReLU halves the variance
    glorot = make_initialization_explorer("glorot_uniform", "relu", depth=20)
    he = make_initialization_explorer("he_uniform", "relu", depth=20)
    assert glorot.word == "collapsed" and he.word == "healthy"
    assert glorot.stats.std[-1] < he.stats.std[-1] / 100


def test_a_fixed_scale_depends_on_the_width_a_scaled_scheme_does_not():
    narrow, wide = (
        make_initialization_explorer("random_normal", "tanh", width=w) for w in (10, 300)
    )
    assert narrow.stats.std[-1] < 1e-7 < 0.05 < wide.stats.std[-1]  # 8.1e-09 and 0.099
    he = [make_initialization_explorer("he_normal", "relu", width=w) for w in (100, 300)]
    np.testing.assert_allclose(he[0].stats.std, he[1].stats.std, rtol=0.2)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_zero_weights_make_every_unit_the_same(activation):
    widget = make_initialization_explorer("zeros", activation)
    assert widget.word == "symmetric" and not widget.stats.std.any()
    f0 = float(ACTIVATION_RECORDS[activation].function(0.0))  # every output is f(0)
    np.testing.assert_array_equal(widget.stats.mean, f0)
    low, high = RANGES[activation]
    at = min(int((f0 - low) / (high - low) * BINS), BINS - 1)  # the bin that holds f(0)
    np.testing.assert_array_equal(widget.histograms.fractions[:, at], 1.0)
    assert "the symmetry problem" in widget.readout.value
    assert f"the same f(0) = {f0:.3g}" in widget.readout.value
    assert "Var(W) = 0 = 0" in widget.readout.value


@pytest.mark.parametrize(
    ("initializer", "variance"),
    [
        ("glorot_uniform", "2 / (fan_in + fan_out) = 0.00667"),  # 2 / 300
        ("he_normal", "2 / fan_in = 0.0133"),  # 2 / 150
        ("lecun_uniform", "1 / fan_in = 0.00667"),  # 1 / 150
        ("random_normal", "stddev² = 0.0025"),  # 0.05²
        ("random_uniform", "(maxval − minval)² / 12 = 0.000833"),  # 0.1² / 12
    ],
)
def test_the_text_gives_the_schemes_variance_formula(initializer, variance):
    widget = make_initialization_explorer(initializer, width=150)
    assert f"<b>{initializer}</b>: Var(W) = {variance} with fan_in = fan_out = 150" in (
        widget.readout.value
    )
    suits = ", ".join(INITIALIZERS[initializer].suits) or "no activation in particular"
    assert f"designed for {suits}<br>" in widget.readout.value


def test_the_networks_of_every_depth_share_their_first_layers():
    weights = initial_weights("he_normal", 30)
    assert len(weights) == DEPTH_RANGE[1] and not weights[0].flags.writeable
    for depth in (2, 9):
        mlp = MLP([30] * (depth + 1), initializer="he_normal", rng=0)
        for ours, theirs in zip(weights, mlp.params[::2]):
            np.testing.assert_array_equal(ours, theirs)


def test_each_setting_is_computed_once(explorer):
    explorer.update(init_scale=2.0, depth=5)
    stats = explorer.stats
    explorer.update(init_scale=1.0, depth=10)
    explorer.update(init_scale=2.0, depth=5)
    assert explorer.stats is stats
    assert layer_statistics("glorot_uniform", "tanh", 5, 100, 2.0)[0] is stats


def test_every_change_redraws_only_the_data(explorer):
    axes = [(ax.get_xlim(), ax.get_ylim()) for ax in explorer.figure.axes]
    explorer.update(init_scale=0.2, initializer="he_normal", depth=17, width=40)
    explorer.update(activation="selu")
    assert [(ax.get_xlim(), ax.get_ylim()) for ax in explorer.figure.axes] == axes
    assert not explorer.figure.stale  # no full draw: the mesh, its labels and the line only


@pytest.mark.parametrize(
    ("activation", "labels"),
    [
        ("tanh", ["−1", "0", "1"]),
        ("sigmoid", ["0", "0.5", "1"]),
        ("relu", ["0", "2", "4"]),
        ("elu", ["−1", "1.5", "4"]),
        ("selu", ["−1.76", "1.12", "4"]),  # −λα = −1.7581
        ("linear", ["−4", "0", "4"]),
    ],
)
def test_the_value_axis_is_labelled_with_the_activations_range(explorer, activation, labels):
    explorer.update(activation=activation)
    assert [label.get_text() for label in explorer.histogram_plot.value_labels] == labels


def test_the_menus_and_aliases():
    widget = make_initialization_explorer("kaiming_normal", "logistic")  # PyTorch's, the notes'
    assert repr(widget).startswith("InitializationExplorer('he_normal', 'sigmoid',")
    assert tuple(widget.controls["initializer"].options) == tuple(INITIALIZERS)
    assert tuple(widget.controls["activation"].options) == ACTIVATIONS
    assert widget.controls["width"].step == 10


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"initializer": "xavier"}, r"'initializer' must be one of 'zeros', .*; got 'xavier'"),
        ({"activation": "softmax"}, r"'activation' must be one of 'tanh', .*; got 'softmax'"),
        ({"activation": "tanhh"}, r"'activation' must be one of"),
        ({"depth": 1}, r"'depth' must be within \[2, 20\] \(the slider's range\); got 1\."),
        ({"depth": 21}, r"'depth' must be within \[2, 20\]"),
        ({"depth": 2.5}, r"'depth' must be a whole number; got 2.5"),
        ({"width": 5}, r"'width' must be within \[10, 300\] \(the slider's range\); got 5\."),
        ({"width": 301}, r"'width' must be within \[10, 300\]"),
        ({"width": 50.5}, r"'width' must be a whole number; got 50.5"),
        ({"init_scale": 0.0}, r"'init_scale' must be within \[0.1, 4\] .*; got 0\."),
        ({"init_scale": 4.5}, r"'init_scale' must be within \[0.1, 4\]"),
    ],
)
def test_refuses_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_initialization_explorer(**kwargs)


def test_update_refuses_bad_values_and_changes_nothing(explorer):
    before = explorer.image.value, repr(explorer)
    with pytest.raises(ValueError, match=r"'width' must be a whole number; got 12.5"):
        explorer.update(width=12.5)
    with pytest.raises(ValueError, match=r"'init_scale' must be within \[0.1, 4\]"):
        explorer.update(depth=3, init_scale=-1.0)
    assert (explorer.image.value, repr(explorer)) == before


def test_the_heat_map_refuses_more_layers_or_bins_than_it_was_built_for():
    _, ax = course_figure()
    plot = LayerHistogramPlot(ax, max_layers=3, bins=5)
    with pytest.raises(ValueError, match=r"'fractions' must be \(L, 5\) with L ≤ 3; got shape"):
        plot.show(np.linspace(0, 1, 6), np.zeros((4, 5)))
