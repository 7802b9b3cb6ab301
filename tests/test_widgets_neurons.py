"""The neuron playground: every control moves what is drawn, the numbers come from
nnlab.neurons, and the text form (what nbval compares) is short and deterministic."""

import numpy as np
import pytest

from nnlab.activations import ACTIVATIONS
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


@pytest.mark.parametrize("activation", sorted(set(ACTIVATIONS) - {"sigmoid"}))
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


def test_any_number_of_inputs():
    p = make_neuron_playground(x=(1, 2, 1), w=(0.5, -1, 0.25), b=0.0)  # PYQ 2
    assert set(p.controls) == {"x1", "x2", "x3", "w1", "w2", "w3", "b", "activation"}
    assert repr(p) == "NeuronPlayground(z=-1.2500, y=0.2227, activation='sigmoid')"
