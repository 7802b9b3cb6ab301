"""The gradient-flow explorer: the line it draws is nnlab's gradient norms of the network the
controls describe, built here the plain way; a deep sigmoid network's gradient vanishes
geometrically towards the input while ReLU + He, or batch normalisation, carries it down; large
weights make it explode; zero weights leave the hidden layers without one; bad values are
refused. What every widget must do is in test_widgets.py."""

import numpy as np
import pytest

from nnlab.diagnostics import gradient_norms
from nnlab.initializers import INITIALIZERS
from nnlab.network import MLP
from nnlab.widgets.gradients import (
    DEPTH_RANGE,
    REMEDIES,
    layer_gradients,
    make_gradient_flow_explorer,
)
from nnlab.widgets.initialization import ACTIVATIONS


def norms_of(activation, initializer, depth, init_scale, remedy):
    """The widget's recipe run the plain way: MLP([32] * depth + [1]) from seed 0 with its W
    scaled, one mse step on 64 standard-normal inputs and targets drawn from seed 0."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((64, 32)), rng.standard_normal(64)
    mlp = MLP(
        [32] * depth + [1],
        activation=activation,
        initializer=initializer,
        rng=0,
        batch_norm=remedy == "batch_norm",
        residual=remedy == "residual",
    )
    mlp.set_weights(
        [
            init_scale * p if name.startswith("W") else p
            for name, p in zip(mlp.param_names, mlp.get_weights())
        ]
    )
    return gradient_norms(mlp, X, y, loss="mse")


def assert_draws(widget, norms):
    """The line is ‖dL/dW_k‖ against k = 1 … L, the axes show layers 1 … L."""
    (line,) = widget.plot.lines
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, len(norms) + 1))
    np.testing.assert_array_equal(line.get_ydata(), norms.dW_norm)
    assert widget.plot.ax.get_yscale() == "log"
    assert widget.plot.ax.get_xlim() == (0.5, len(norms) + 0.5)


@pytest.fixture
def explorer():
    return make_gradient_flow_explorer()


def test_starts_with_a_vanishing_gradient_in_ten_sigmoid_layers(explorer):
    assert repr(explorer) == (
        "GradientFlowExplorer('sigmoid', 'glorot_uniform', depth=10, init_scale=1.00, "
        "remedy='none')"
    )
    assert explorer.readout.value == (  # nnlab's numbers
        "<b>vanishing</b>: first/last ‖dW‖ = <b>7.31e-07</b> · the first layers get almost "
        "none of the gradient and barely learn<br>10 layers: 9 hidden layers of 32 sigmoid "
        "units and a linear output, glorot_uniform × 1.00: mse 1.71 on 64 fixed samples"
    )
    assert_draws(explorer, norms_of("sigmoid", "glorot_uniform", 10, 1.0, "none"))
    again = make_gradient_flow_explorer()
    assert again.image.value == explorer.image.value and repr(again) == repr(explorer)


@pytest.mark.parametrize(
    ("control", "values"),
    [
        ("activation", list(ACTIVATIONS)),
        ("depth", [3, 17, 30]),
        ("init_scale", [0.1, 0.63, 4.0]),
        ("initializer", list(INITIALIZERS)),
        ("remedy", list(REMEDIES)),
    ],
)
def test_every_control_draws_nnlabs_gradient_norms_of_that_network(explorer, control, values):
    settings = {
        "activation": "sigmoid",
        "initializer": "glorot_uniform",
        "depth": 10,
        "init_scale": 1.0,
        "remedy": "none",
    }
    for value in values:
        explorer.controls[control].value = value  # as the browser does
        settings[control] = value
        norms = norms_of(**settings)
        assert_draws(explorer, norms)
        assert f"first/last ‖dW‖ = <b>{norms.first_to_last:.3g}</b>" in explorer.readout.value


@pytest.mark.parametrize("remedy", REMEDIES)
@pytest.mark.parametrize("activation", ["tanh", "relu", "selu"])
def test_remedies_on_other_activations(activation, remedy):
    widget = make_gradient_flow_explorer(activation, 12, 1.5, "he_uniform", remedy)
    assert_draws(widget, norms_of(activation, "he_uniform", 12, 1.5, remedy))


@pytest.mark.parametrize(("depth", "ratio"), [(10, 7.31e-07), (20, 1.74e-12), (30, 2.79e-18)])
def test_deep_sigmoid_gradients_vanish_geometrically(depth, ratio):
    widget = make_gradient_flow_explorer("sigmoid", depth)
    dW = widget.norms.dW_norm
    assert widget.word == "vanishing"
    assert widget.norms.first_to_last == pytest.approx(ratio, rel=1e-3)  # nnlab's numbers
    assert widget.norms.first_to_last < 1e-5
    assert np.all(np.diff(np.log10(dW[:-1])) > 0)  # smaller in every layer nearer the input
    # σ' ≤ 1/4: each layer scales the gradient down by a factor of at least a few
    assert dW[-2] / dW[0] > 2.0 ** (depth - 2)


@pytest.mark.parametrize("depth", [10, 30])
def test_relu_with_he_carries_the_gradient_down(depth):
    widget = make_gradient_flow_explorer("relu", depth, initializer="he_normal")
    dW = widget.norms.dW_norm
    assert widget.word == "healthy"
    assert 0.05 < widget.norms.first_to_last < 1  # 0.136 and 0.110: nnlab's numbers
    assert dW.max() / dW.min() < 20  # no layer far from the others
    assert "the gradient reaches the first layer" in widget.readout.value


def test_batch_norm_rescues_the_sigmoid_network(explorer):
    explorer.update(remedy="batch_norm")
    assert explorer.word == "healthy"
    assert explorer.norms.first_to_last == pytest.approx(0.0940, rel=1e-3)  # nnlab's number
    assert "(without it: 7.31e-07)" in explorer.readout.value
    assert "9 hidden layers of 32 sigmoid units + batch norm" in explorer.readout.value


def test_skips_help_the_sigmoid_network_but_not_enough(explorer):
    explorer.update(remedy="residual")
    assert explorer.word == "vanishing"  # 8.7e-03: the skips' sum inflates the last layer
    assert 1e-3 < explorer.norms.first_to_last < 1e-2
    plain = layer_gradients("sigmoid", "glorot_uniform", 10, 1.0, "none")
    assert explorer.norms.first_to_last > 1e4 * plain.first_to_last  # 7.3e-07 without


def test_large_weights_explode_a_deep_tanh_network():
    widget = make_gradient_flow_explorer("tanh", 30, 4.0)
    assert widget.word == "exploding"
    assert widget.norms.first_to_last == pytest.approx(1.14e5, rel=1e-2)  # nnlab's number
    assert "the gradient grows on its way down to the first layer" in widget.readout.value


def test_unnormalised_skips_blow_up_every_layer():
    widget = make_gradient_flow_explorer("relu", initializer="he_normal", remedy="residual")
    assert widget.word == "exploding"
    assert 1e-2 < widget.norms.first_to_last < 1e2  # not by the ratio: everywhere
    assert widget.norms.dW_norm.min() > 1e3  # 3.5e3 … 1.4e5: nnlab's numbers
    assert "every layer's gradient is huge (up to 1.43e+05)" in widget.readout.value


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_zero_weights_leave_the_hidden_layers_without_a_gradient(activation):
    widget = make_gradient_flow_explorer(activation, initializer="zeros")
    dW = widget.norms.dW_norm
    assert widget.word == "symmetric"
    np.testing.assert_array_equal(dW[:-1], 0.0)  # W_(k+1) = 0 stops it below the last layer
    assert "the symmetry problem" in widget.readout.value
    assert f"‖dW‖ is exactly 0 in {np.count_nonzero(dW == 0)} of the 10 layers" in (
        widget.readout.value
    )


def test_each_setting_is_computed_once(explorer):
    explorer.update(depth=20, remedy="batch_norm")
    norms = explorer.norms
    explorer.update(depth=10, remedy="none")
    explorer.update(depth=20, remedy="batch_norm")
    assert explorer.norms is norms
    assert layer_gradients("sigmoid", "glorot_uniform", 20, 1.0, "batch_norm") is norms


def test_a_new_setting_of_the_same_depth_redraws_only_the_line(explorer):
    limits = explorer.plot.ax.get_xlim(), explorer.plot.ax.get_ylim()
    explorer.update(activation="relu", init_scale=3.0, remedy="residual", initializer="zeros")
    assert (explorer.plot.ax.get_xlim(), explorer.plot.ax.get_ylim()) == limits
    assert not explorer.figure.stale  # no full draw needed


def test_a_new_depth_shows_layers_1_to_depth(explorer):
    explorer.update(depth=DEPTH_RANGE[1])
    assert explorer.plot.ax.get_xlim() == (0.5, 30.5)
    assert list(explorer.plot.ax.get_xticks()) == [1, 10, 20, 30]
    explorer.update(depth=DEPTH_RANGE[0])
    assert list(explorer.plot.ax.get_xticks()) == [1, 2, 3]


def test_the_menus_and_aliases():
    widget = make_gradient_flow_explorer("logistic", initializer="xavier_normal")
    assert repr(widget).startswith("GradientFlowExplorer('sigmoid', 'glorot_normal',")
    assert tuple(widget.controls["activation"].options) == ACTIVATIONS
    assert tuple(widget.controls["initializer"].options) == tuple(INITIALIZERS)
    assert tuple(widget.controls["remedy"].options) == ("none", "batch_norm", "residual")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"activation": "softmax"}, r"'activation' must be one of 'tanh', .*; got 'softmax'"),
        ({"depth": 2}, r"'depth' must be within \[3, 30\] \(the slider's range\); got 2\."),
        ({"depth": 31}, r"'depth' must be within \[3, 30\]"),
        ({"depth": 3.5}, r"'depth' must be a whole number; got 3.5"),
        ({"init_scale": 0.05}, r"'init_scale' must be within \[0.1, 4\] .*; got 0.05\."),
        ({"init_scale": 4.01}, r"'init_scale' must be within \[0.1, 4\]"),
        ({"initializer": "orthogonal"}, r"'initializer' must be one of 'zeros', .*"),
        ({"remedy": "dropout"}, r"'remedy' must be one of 'none', 'batch_norm', 'residual'"),
    ],
)
def test_refuses_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_gradient_flow_explorer(**kwargs)


def test_update_refuses_bad_values_and_changes_nothing(explorer):
    before = explorer.image.value, repr(explorer)
    with pytest.raises(ValueError, match=r"'depth' must be a whole number; got 12.5"):
        explorer.update(depth=12.5)
    with pytest.raises(ValueError, match=r"'remedy' must be one of"):
        explorer.update(init_scale=2.0, remedy="clipping")
    assert (explorer.image.value, repr(explorer)) == before


def test_a_flat_profile_of_tiny_gradients_is_called_vanishing_not_healthy():
    widget = make_gradient_flow_explorer(activation="relu", init_scale=0.5)
    assert widget.norms.dW_norm.max() < 1e-3  # half Glorot's weights: the signal dies forward
    assert 0.01 < widget.norms.first_to_last < 100  # yet the profile is flat
    assert widget.word == "vanishing"
    assert "every layer's gradient is tiny" in widget.readout.value
