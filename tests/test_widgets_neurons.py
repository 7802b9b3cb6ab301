"""The neuron playground: every control moves what is drawn, the numbers come from
nnlab.neurons, the operating point stays on the plot, and the text form (what nbval compares)
is the one notebook 01 shows. What every widget must do is in test_widgets.py."""

import numpy as np
import pytest

from nnlab.activations import ACTIVATIONS, ELEMENTWISE
from nnlab.neurons import neuron, weighted_sum
from nnlab.widgets import make_neuron_playground


@pytest.fixture
def playground():
    return make_neuron_playground()


def test_starts_at_the_pyq6_neuron(playground):
    assert playground.z == pytest.approx(0.41)
    assert repr(playground) == "NeuronPlayground(z=0.4100, y=0.6011, activation='sigmoid')"
    assert "0.8×0.2 + 0.6×0.1 + 0.2×(-0.3) + 0.25 = 0.4100" in playground.readout.value
    assert playground.image.value[:4] == b"\x89PNG"


def _state(p):
    return p.readout.value, p.image.value, p.plot.point.get_data()


@pytest.mark.parametrize("control", ["x1", "x2", "x3", "w1", "w2", "w3", "b"])
def test_every_slider_changes_the_result_and_the_picture(playground, control):
    before = _state(playground)
    playground.controls[control].value = 1.5  # as the browser would set it
    after = _state(playground)
    assert after[0] != before[0] and after[1] != before[1]
    assert after[2][0][0] != before[2][0][0]  # the point moved along z
    values = {n: c.value for n, c in playground.controls.items()}
    x, w = [values[f"x{i}"] for i in (1, 2, 3)], [values[f"w{i}"] for i in (1, 2, 3)]
    assert playground.z == pytest.approx(weighted_sum(x, w, values["b"]))
    assert playground.y == pytest.approx(neuron(x, w, values["b"], "sigmoid"))
    assert playground.plot.point.get_data()[1][0] == pytest.approx(playground.y)


@pytest.mark.parametrize("activation", sorted(set(ELEMENTWISE) - {"sigmoid"}))
def test_activation_menu_redraws_curve_and_output(playground, activation):
    before = _state(playground)
    playground.controls["activation"].value = activation
    assert playground.image.value != before[1]
    assert playground.y == pytest.approx(ACTIVATIONS[activation].function(0.41))
    z, a = playground.plot.curve.get_data()
    np.testing.assert_allclose(a, ACTIVATIONS[activation].function(z))
    assert f"y = {activation}(0.4100)" in playground.readout.value


def test_update_sets_several_controls_and_redraws_once(playground, monkeypatch):
    calls = []
    original = playground.plot.update
    monkeypatch.setattr(playground.plot, "update", lambda **kw: calls.append(kw) or original(**kw))
    playground.update(x1=1.0, w1=1.0, b=0.0, activation="linear")
    assert len(calls) == 1
    # z = 1·1 + 0.6·0.1 + 0.2·(−0.3) + 0 = 1.0
    assert playground.y == pytest.approx(1.0)


def test_unknown_control_and_bad_construction_are_explained(playground):
    with pytest.raises(ValueError, match="'control' must be one of .*got 'x9'"):
        playground.update(x9=1.0)
    with pytest.raises(ValueError, match="'w' must have 2 entries, one per input in 'x'; got 3"):
        make_neuron_playground(x=(1, 2), w=(1, 2, 3))
    with pytest.raises(ValueError, match="Did you mean 'tanh'"):
        make_neuron_playground(activation="tahn")


def test_the_notes_names_for_an_activation_start_its_menu_entry():
    assert make_neuron_playground(activation="logistic").controls["activation"].value == "sigmoid"


def test_any_number_of_inputs():
    p = make_neuron_playground(x=(1, 2, 1), w=(0.5, -1, 0.25), b=0.0)  # PYQ 2
    assert set(p.controls) == {"x1", "x2", "x3", "w1", "w2", "w3", "b", "activation"}
    assert repr(p) == "NeuronPlayground(z=-1.2500, y=0.2227, activation='sigmoid')"


def test_values_outside_a_slider_are_refused_not_clamped(playground):
    with pytest.raises(
        ValueError, match=r"^'x' must be within \[-2, 2\] \(the slider's range\); got 3\.$"
    ):
        make_neuron_playground(x=(3, 0, 0))
    with pytest.raises(
        ValueError, match=r"^'b' must be within \[-3, 3\] \(the slider's range\); got -4\.$"
    ):
        make_neuron_playground(b=-4)
    with pytest.raises(
        ValueError, match=r"^'x1' must be within \[-2, 2\] \(the slider's range\); got 5\.$"
    ):
        playground.update(x1=5)
    assert playground.controls["x1"].value == 0.8 and playground.z == pytest.approx(0.41)


@pytest.mark.parametrize("activation", sorted(ELEMENTWISE))
@pytest.mark.parametrize("sign", [1, -1])
def test_the_operating_point_stays_on_the_plot(activation, sign):
    # The largest |z| the sliders allow: z = 3·(2·2) + 3 = 15 (or −15).
    p = make_neuron_playground(x=(2, 2, 2), w=(2 * sign,) * 3, b=3 * sign, activation=activation)
    assert p.z == pytest.approx(15 * sign)
    (z,), (y,) = p.plot.point.get_data()
    assert (z, y) == (p.z, pytest.approx(p.y))  # drawn where it is, not clipped to an edge
    (z_low, z_high), (y_low, y_high) = p.plot.ax.get_xlim(), p.plot.ax.get_ylim()
    assert z_low < z < z_high and y_low < y < y_high
    assert z_low == -z_high  # widened symmetrically
    p.update(w1=0.0, w2=0.0, w3=0.0, b=0.5)  # back near 0: the usual view returns
    assert p.plot.ax.get_xlim() == (-6.0, 6.0)
    assert p.plot.point.get_data()[0][0] == pytest.approx(0.5)


def test_slider_values_count_as_their_readout_shows_them(playground):
    # A browser sends the slider position -0.16 as -0.16000000000000014; unrounded, z would be
    # -1e-16 and the step would not fire at the threshold the notebook names (z = 0 at b = -0.16).
    playground.update(activation="step")
    playground.controls["b"].value = -0.16000000000000014
    assert playground.values()["b"] == -0.16
    assert playground.y == 1.0 and "+ (-0.16) =" in playground.readout.value
    playground.controls["b"].value = -0.17
    assert playground.y == 0.0


def test_the_menu_offers_the_elementwise_activations_only(playground):
    # softmax of one weighted sum is always 1: it has no curve for one neuron to sit on.
    assert tuple(playground.controls["activation"].options) == ELEMENTWISE
    with pytest.raises(ValueError, match="got 'softmax'"):
        make_neuron_playground(activation="softmax")
