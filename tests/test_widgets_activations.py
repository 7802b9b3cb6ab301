"""The activation explorer: the curves are the registry's, the saturation shares agree with the
normal distribution worked by hand, the parameter slider follows the activation, and the text
form (what nbval compares) is the one notebook 03 shows. What every widget must do is in
test_widgets.py."""

import statistics

import numpy as np
import pytest

from nnlab.activations import ACTIVATIONS, ELEMENTWISE
from nnlab.widgets.activations import make_activation_explorer

PHI = statistics.NormalDist().cdf


@pytest.fixture
def explorer():
    return make_activation_explorer()


def test_starts_at_elu_with_standard_normal_inputs(explorer):
    assert repr(explorer) == (
        "ActivationExplorer(activation='elu', alpha=1.00, mean=0.00, std=1.00, saturated=0.1%)"
    )
    # elu saturates where e^z ≤ 0.05, z ≤ ln 0.05 = −3.00: P(Z ≤ −3) = 0.13 %
    assert explorer.stats["saturated"] == pytest.approx(PHI(np.log(0.05)), abs=5e-4)
    assert "saturated or dead" in explorer.readout.value


@pytest.mark.parametrize(
    ("activation", "mean", "std", "expected"),
    [
        ("relu", 0.0, 1.0, 0.5),  # dead for z ≤ 0: half of N(0, 1)
        ("relu", -1.0, 2.0, PHI(0.5)),  # P(−1 + 2Z ≤ 0) = P(Z ≤ 0.5)
        # σ' ≤ 0.0125 for |z| ≥ 4.3638 (σ(1 − σ) = 0.0125 ⇒ σ = 0.98734, z = ln(σ/(1 − σ)))
        ("sigmoid", 0.0, 3.0, 2 * (1 - PHI(4.3638 / 3))),
        # tanh' = 1 − tanh² ≤ 0.05 for |z| ≥ atanh(√0.95) = 2.1788
        ("tanh", 1.0, 1.0, (1 - PHI(1.1788)) + PHI(-3.1788)),
        ("linear", 0.0, 4.0, 0.0),
        ("leaky_relu", -4.0, 1.0, 0.0),  # slope 0.2 on the left: never below 5 % of 1
    ],
)
def test_saturated_share_matches_the_normal_distribution(activation, mean, std, expected):
    widget = make_activation_explorer(activation, mean=mean, std=std)
    assert widget.stats["saturated"] == pytest.approx(expected, abs=1e-3)


def test_curves_are_the_registry_functions_with_the_parameter(explorer):
    explorer.update(activation="leaky_relu", parameter=0.5)
    z, f = explorer.plot.curve.get_data()
    np.testing.assert_allclose(f, ACTIVATIONS["leaky_relu"].function(z, negative_slope=0.5))
    _, slope = explorer.plot.slope.get_data()
    np.testing.assert_allclose(slope, ACTIVATIONS["leaky_relu"].derivative(z, negative_slope=0.5))
    out = ACTIVATIONS["leaky_relu"].function(explorer.plot.standard, negative_slope=0.5)
    assert explorer.stats["out_mean"] == pytest.approx(out.mean())


def test_the_shaded_regions_are_where_the_derivative_vanishes(explorer):
    explorer.update(activation="sigmoid")
    left, right, _ = explorer.plot.spans
    assert left.get_x() == pytest.approx(-8.0)
    assert left.get_x() + left.get_width() == pytest.approx(-4.36, abs=0.03)
    assert right.get_x() == pytest.approx(4.36, abs=0.03)
    explorer.update(activation="linear")  # never saturates: no region
    assert [span.get_width() for span in explorer.plot.spans] == [0, 0, 0]
    explorer.update(activation="swish")  # flat far left, and around its minimum at z ≈ −1.28
    (left, dip, _) = explorer.plot.spans
    assert (
        left.get_x() == pytest.approx(-8.0) and dip.get_x() < -1.28 < dip.get_x() + dip.get_width()
    )


def test_the_parameter_slider_follows_the_activation(explorer):
    parameter = explorer.controls["parameter"]
    assert (parameter.description, parameter.value, parameter.disabled) == ("alpha", 1.0, False)
    explorer.controls["activation"].value = "leaky_relu"
    assert (parameter.description, parameter.value) == ("negative_slope", 0.2)
    explorer.controls["activation"].value = "sigmoid"
    assert parameter.disabled and parameter.description == "(none)"
    assert repr(explorer).startswith("ActivationExplorer(activation='sigmoid', mean=")
    explorer.update(activation="elu", parameter=1.5)  # a value given with it is kept
    assert parameter.value == 1.5 and explorer.parameters() == {"alpha": 1.5}


def test_the_menu_lists_elementwise_activations_and_softmax_is_refused(explorer):
    assert tuple(explorer.controls["activation"].options) == ELEMENTWISE
    assert "softmax" not in ELEMENTWISE
    with pytest.raises(ValueError, match="'activation' must be one of the element-wise"):
        make_activation_explorer("softmax")
    with pytest.raises(ValueError, match="'mean' must be within \\[-4, 4\\]"):
        make_activation_explorer(mean=5.0)


def test_moving_the_inputs_redraws_only_the_density(explorer):
    curve = explorer.plot.curve.get_data()[1].copy()
    density = explorer.plot.density.get_data()[1].copy()
    explorer.update(mean=2.0)
    np.testing.assert_array_equal(explorer.plot.curve.get_data()[1], curve)
    assert not np.array_equal(explorer.plot.density.get_data()[1], density)
    assert not explorer.figure.stale  # only the moving artist changed: a blitted redraw
