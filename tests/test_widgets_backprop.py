"""The backprop stepper: every number it shows equals a forward and backward pass written out by
hand below (the oracle), each stage reveals its own numbers and no others, the update is one SGD
step, the loss falls over the iterations, each control moves what it should and bad values are
refused. What every widget must do is in test_widgets.py."""

import re

import numpy as np
import pytest
from oracles import ACTIVATION_ORACLES

from nnlab.network import MLP
from nnlab.optimizers import SGD
from nnlab.widgets.backprop import (
    ACTIVATIONS,
    ITERATIONS,
    LAST_STEP,
    LOSS_VIEW,
    LOSSES,
    STAGES,
    START,
    X,
    Y,
    make_backprop_stepper,
    training_run,
)

TIGHT = {"rtol": 1e-12, "atol": 1e-14}
SETTINGS = [(a, loss) for a in ACTIVATIONS for loss in LOSSES]
ONE_SAMPLE_LOSSES = {  # (L, dL/dŷ) of one sample with one output, as the notes write them
    "mse": (lambda p, y: (p - y) ** 2, lambda p, y: 2 * (p - y)),  # Keras: no ½
    "binary_crossentropy": (
        lambda p, y: -(y * np.log(p) + (1 - y) * np.log(1 - p)),
        lambda p, y: -y / p + (1 - y) / (1 - p),
    ),
}


def oracle_step(params, activation, loss, learning_rate):
    """One training step of the 2-2-1 network on (X, Y), by hand: every intermediate number."""
    W1, b1, W2, b2 = params
    f, df = ACTIVATION_ORACLES[activation]
    sigma, dsigma = ACTIVATION_ORACLES["sigmoid"]
    L, dL = ONE_SAMPLE_LOSSES[loss]
    x, y = X[0], Y[0, 0]
    z1 = np.array([x[0] * W1[0, j] + x[1] * W1[1, j] + b1[j] for j in range(2)])
    a1 = f(z1)
    z2 = a1[0] * W2[0, 0] + a1[1] * W2[1, 0] + b2[0]
    a2 = sigma(z2)
    da2 = dL(a2, y)
    dz2 = da2 * dsigma(z2)
    dW2 = np.array([[a1[0] * dz2], [a1[1] * dz2]])
    da1 = np.array([dz2 * W2[0, 0], dz2 * W2[1, 0]])
    dz1 = da1 * df(z1)
    dW1 = np.array([[x[i] * dz1[j] for j in range(2)] for i in range(2)])
    grads = (dW1, dz1, dW2, np.array([dz2]))  # db = dz: one sample
    updated = tuple(p - learning_rate * g for p, g in zip(params, grads))
    numbers = {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "loss": L(a2, y), "da2": da2, "dz2": dz2}
    numbers |= {"da1": da1, "dz1": dz1, "dW1": dW1, "db1": dz1, "dW2": dW2, "db2": dz2}
    return numbers, grads, updated


def oracle_run(activation, loss, learning_rate, iterations=ITERATIONS + 1):
    """The oracle's numbers at iterations 0 … iterations, each from the one before's update."""
    params, run = START, []
    for _ in range(iterations + 1):
        numbers, grads, updated = oracle_step(params, activation, loss, learning_rate)
        run.append((params, numbers, grads, updated))
        params = updated
    return run


def shown(value, digits):
    """A number as the widget writes it: fixed decimals, a true minus sign."""
    return f"{round(float(value), digits) + 0.0:.{digits}f}".replace("-", "−")


def diagram_numbers(widget):
    """Every number written on the diagram, as text."""
    texts = "\n".join(text for text, _ in widget.plot.numbers.texts.values())
    return set(re.findall(r"−?\d+\.\d+", texts))


@pytest.fixture
def stepper():
    return make_backprop_stepper()


def test_starts_at_the_fixed_weights_with_a_short_text_form(stepper):
    assert repr(stepper) == (
        "BackpropStepper(activation='sigmoid', loss='mse', learning_rate=0.50, iteration=0, "
        "step=0/14)"
    )
    assert "nnlab-backprop-stepper" in stepper._dom_classes
    assert stepper.children[-2:] == (stepper.image, stepper.readout)  # the formula under it
    for ours, start in zip(stepper.current.params, START):
        np.testing.assert_array_equal(ours, start)
    assert stepper.readout.value.startswith("<b>step 0/14 · forward: the sample x")
    # Hand-worked: z₁ = x·W₁ + b₁ = (1·(−0.35) + 0.5·(−0.36) + 0.74, 1·0.97 + 0.5·0.58 − 0.22)
    np.testing.assert_allclose(stepper.current.z1, [0.21, 1.04], **TIGHT)
    stepper.update(step=1)
    assert "h₁: 1.0000·(−0.3500) + 0.5000·(−0.3600) + 0.7400 = 0.2100" in stepper.readout.value
    assert "h₂: 1.0000·0.9700 + 0.5000·0.5800 + (−0.2200) = 1.0400" in stepper.readout.value


@pytest.mark.parametrize(("activation", "loss"), SETTINGS)
@pytest.mark.parametrize("learning_rate", [0.5, 1.7])
def test_every_number_of_every_iteration_equals_the_oracle(activation, loss, learning_rate):
    run = training_run(activation, loss, learning_rate)
    assert len(run) == ITERATIONS + 2  # one beyond the slider: the last update's result
    for p, (params, numbers, grads, updated) in zip(
        run, oracle_run(activation, loss, learning_rate)
    ):
        for ours, theirs in [
            *zip(p.params, params),
            *zip(p.grads, grads),
            *zip(p.updated, updated),
        ]:
            np.testing.assert_allclose(ours, theirs, **TIGHT)
        for name in ("z1", "a1", "z2", "a2", "loss", "da2", "dz2", "da1", "dz1"):
            np.testing.assert_allclose(getattr(p, name), numbers[name], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("activation", "loss", "iteration"), [("sigmoid", "mse", 0), ("tanh", "binary_crossentropy", 3)]
)
def test_each_stage_writes_its_numbers_and_reveals_no_later_ones(activation, loss, iteration):
    learning_rate = 0.5
    widget = make_backprop_stepper(activation, loss, learning_rate, iteration)
    run = oracle_run(activation, loss, learning_rate, iterations=iteration + 1)
    params, numbers, _, updated = run[iteration]
    given = [*X[0], Y[0, 0], *(v for p in params for v in np.ravel(p))]
    revealed = {shown(v, 3) for v in given}
    for step, (key, _, _) in enumerate(STAGES):
        widget.update(step=step)
        if key == "update":
            fresh = [v for p in updated for v in np.ravel(p)]  # W₁ (4), b₁ (2), W₂ (2), b₂
            # the example weight W₂[h₁→o] and bias b₂, and the loss after the step
            text = [shown(fresh[6], 4), shown(fresh[8], 4), shown(run[iteration + 1][1]["loss"], 4)]
        else:
            fresh = list(np.ravel(numbers.get(key, [])))
            text = [shown(v, 4) for v in fresh]
        for number in text:  # the formula line states this stage's numbers (4 decimals)
            assert number in widget.readout.value, (key, number)
        revealed |= {shown(v, 3) for v in fresh}
        assert diagram_numbers(widget) == revealed, key  # all revealed so far, nothing later


@pytest.mark.parametrize(("activation", "loss"), SETTINGS)
def test_the_update_stage_shows_one_sgd_step(activation, loss):
    learning_rate = 0.75
    widget = make_backprop_stepper(activation, loss, learning_rate, iteration=2, step=LAST_STEP)
    mlp = MLP([2, 2, 1], activation, "sigmoid")  # an independent path: network.py's gradients
    mlp.set_weights(widget.current.params)
    _, grads = mlp.loss_and_gradients(X, Y, loss)
    SGD(learning_rate).step(mlp.params, grads)
    params, _, oracle_grads, _ = oracle_run(activation, loss, learning_rate, iterations=2)[2]
    for ours, sgd, p, g in zip(widget.current.updated, mlp.params, params, oracle_grads):
        np.testing.assert_allclose(ours, sgd, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours, p - learning_rate * g, **TIGHT)  # w ← w − η·dL/dw
    texts = widget.plot.numbers.texts
    assert texts["weight", ("h1", "o")][0] == (
        f"{shown(params[2][0, 0], 3)}\n→ {shown(widget.current.updated[2][0, 0], 3)}"
    )
    assert texts["param", "o"][0].endswith(f"→ {shown(widget.current.updated[3][0], 3)}")
    assert f"η = {learning_rate:.2f}" in widget.readout.value


@pytest.mark.parametrize(("activation", "loss"), SETTINGS)
def test_the_loss_falls_with_every_iteration_and_stays_on_the_axis(activation, loss):
    widget = make_backprop_stepper(activation, loss)
    start = widget.current.loss
    for k in (1, 5, ITERATIONS):
        widget.update(iteration=k)
        assert widget.current.loss < start
        assert widget.loss_title.get_text() == f"iteration {k}: L = {shown(widget.current.loss, 4)}"
        assert widget.marker.get_data() == ([k], [widget.current.loss])
    for learning_rate in (0.01, 0.5, 2.0):
        losses = [p.loss for p in training_run(activation, loss, learning_rate)]
        assert np.all(np.diff(losses) < 0) and max(losses) < LOSS_VIEW


def state(widget):
    """What each part of the picture shows: (numbers, marks, curve, marker, loss title)."""
    plot = widget.plot
    marks = tuple(a.get_visible() for a in (*plot.edges.values(), *plot.rings.values()))
    colors = tuple(a.get_edgecolor() for a in plot.rings.values())
    return {
        "numbers": dict(plot.numbers.texts),
        "marks": (marks, colors),
        "curve": tuple(widget.curve.get_ydata()),
        "marker": widget.marker.get_data(),
        "title": widget.loss_title.get_text(),
        "readout": widget.readout.value,
    }


@pytest.mark.parametrize(
    ("control", "value", "changed"),
    [
        ("step", 7, {"numbers", "marks", "readout"}),  # the stage: texts and marks only
        ("iteration", 5, {"numbers", "marker", "title", "readout"}),
        ("learning_rate", 1.5, {"numbers", "marker", "title", "curve", "readout"}),
        ("activation", "relu", {"numbers", "marker", "title", "curve", "readout"}),
        ("loss", "binary_crossentropy", {"numbers", "marker", "title", "curve", "readout"}),
    ],
)
def test_each_control_changes_the_right_artists(control, value, changed):
    widget = make_backprop_stepper(iteration=2, step=14)
    if control == "step":
        widget.update(step=0)
    before, figure_drawn = state(widget), widget.image.value
    widget.controls[control].value = value  # as the browser does
    after = state(widget)
    assert {part for part in before if before[part] != after[part]} == changed
    assert widget.image.value != figure_drawn
    assert not widget.figure.stale, "only the moving artists changed: no full redraw"


def test_the_stages_mark_their_nodes_in_the_phase_colour(stepper):
    plot = stepper.plot
    stepper.update(step=7)  # dL/dz₂: the output unit, in the backward colour
    assert [n for n, ring in plot.rings.items() if ring.get_visible()] == ["o"]
    assert not any(edge.get_visible() for edge in plot.edges.values())
    stepper.update(step=12)  # dL/dW₁: the four input edges, no node
    assert [e for e, edge in plot.edges.items() if edge.get_visible()] == [
        ("x1", "h1"),
        ("x1", "h2"),
        ("x2", "h1"),
        ("x2", "h2"),
    ]
    assert not any(ring.get_visible() for ring in plot.rings.values())
    assert plot.numbers.texts["weight_gradient", ("x1", "h1")][1] == "#ff7f0e"  # gradients


def test_binary_crossentropy_after_a_sigmoid_gives_y_hat_minus_y():
    widget = make_backprop_stepper(loss="binary_crossentropy", step=7)
    p = widget.current
    assert p.dz2 == pytest.approx(p.a2 - Y[0, 0], rel=1e-12)
    assert f"simply ŷ − y = {shown(p.a2 - Y[0, 0], 4)}" in widget.readout.value


def test_the_notes_names_resolve():
    widget = make_backprop_stepper("logistic", "binary_cross_entropy")
    assert repr(widget).startswith(
        "BackpropStepper(activation='sigmoid', loss='binary_crossentropy'"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"activation": "elu"},
            r"'activation' must be one of 'sigmoid', 'tanh', 'relu'; got 'elu'",
        ),
        ({"loss": "mae"}, r"'loss' must be one of 'mse', 'binary_crossentropy'; got 'mae'"),
        ({"learning_rate": 0.0}, r"'learning_rate' must be within \[0.01, 2\] .*; got 0\."),
        ({"learning_rate": 2.5}, r"'learning_rate' must be within \[0.01, 2\]"),
        ({"iteration": 21}, r"'iteration' must be within \[0, 20\] \(the slider's range\); got 21"),
        ({"iteration": -1}, r"'iteration' must be within \[0, 20\]"),
        ({"step": 15}, r"'step' must be within \[0, 14\] \(the slider's range\); got 15\."),
        ({"step": 2.5}, r"'step' must be a whole number; got 2.5\."),
    ],
)
def test_bad_values_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_backprop_stepper(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"step": 2.5}, r"'step' must be a whole number; got 2.5\."),
        ({"iteration": 1.5, "step": 3}, r"'iteration' must be a whole number; got 1.5\."),
        ({"iteration": 25}, r"'iteration' must be within \[0, 20\]"),
    ],
)
def test_update_refuses_what_a_slider_would_truncate(stepper, kwargs, message):
    before = stepper.image.value, repr(stepper)
    with pytest.raises(ValueError, match=message):
        stepper.update(**kwargs)
    assert (stepper.image.value, repr(stepper)) == before  # refused, nothing changed
