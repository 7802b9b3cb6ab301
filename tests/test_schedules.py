"""Learning-rate schedules against their Keras twins (keras.optimizers.schedules, in float64) at
steps 0…200; StepDecay and OneCycle against hand-worked values; a schedule driving an optimizer;
and the errors bad hyperparameters get."""

import math

import numpy as np
import pytest

from nnlab.optimizers import SGD
from nnlab.schedules import (
    SCHEDULES,
    CosineDecay,
    ExponentialDecay,
    InverseTimeDecay,
    OneCycle,
    PiecewiseConstantDecay,
    StepDecay,
)

# (class, args, kwargs) for each Keras twin, including the staircase and warm-up branches.
KERAS_CASES = [
    (ExponentialDecay, (0.1, 7, 0.9), {}),
    (ExponentialDecay, (0.1, 7, 0.9), {"staircase": True}),
    (ExponentialDecay, (0.3, 2.5, 1.1), {}),  # a decay_rate > 1 grows, as in Keras
    (InverseTimeDecay, (0.1, 7, 0.5), {}),
    (InverseTimeDecay, (0.1, 7, 0.5), {"staircase": True}),
    (PiecewiseConstantDecay, ([10, 50, 120], [0.1, 0.05, 0.01, 0.001]), {}),
    (PiecewiseConstantDecay, ([100], [0.2, 0.02]), {}),
    (CosineDecay, (0.1, 150), {}),
    (CosineDecay, (0.1, 150), {"alpha": 0.1}),
    (CosineDecay, (0.0, 120), {"warmup_target": 0.1, "warmup_steps": 30}),
    (CosineDecay, (0.01, 100), {"alpha": 0.2, "warmup_target": 0.1, "warmup_steps": 50}),
    (CosineDecay, (0.1, 100), {"warmup_steps": 30}),  # no target: warmup_steps ignored
]
KERAS_IDS = [f"{cls.__name__}-{i}" for i, (cls, _, _) in enumerate(KERAS_CASES)]


def _float64(value):
    """Python floats as np.float64, lists elementwise: Keras then computes in float64 (a Python
    float would become a float32 tensor, ≈1e-7 relative error)."""
    if isinstance(value, list):
        return [_float64(v) for v in value]
    return np.float64(value) if isinstance(value, float) else value


@pytest.mark.tf
@pytest.mark.parametrize(("cls", "args", "kwargs"), KERAS_CASES, ids=KERAS_IDS)
def test_schedule_equals_keras_twin_in_float64(cls, args, kwargs, tf):
    import keras

    ours = cls(*args, **kwargs)
    theirs = getattr(keras.optimizers.schedules, cls.__name__)(
        *[_float64(a) for a in args], **{k: _float64(v) for k, v in kwargs.items()}
    )
    for step in range(201):
        value = theirs(step)
        assert value.dtype == tf.float64
        assert ours(step) == pytest.approx(float(value), rel=1e-12, abs=1e-15), f"step {step}"


@pytest.mark.tf
def test_keras_schedule_with_python_floats_computes_in_float32(tf):
    """Why the test above passes np.float64: Keras casts to the initial rate's dtype."""
    import keras

    theirs = keras.optimizers.schedules.ExponentialDecay(0.1, 7, 0.9)(3)
    assert theirs.dtype == tf.float32
    assert float(theirs) == pytest.approx(ExponentialDecay(0.1, 7, 0.9)(3), rel=1e-6)


def test_step_decay_hand_worked():
    schedule = StepDecay(0.2, drop=0.5, every=3)
    # 0.2 · 0.5^floor(step/3): steps 0-2 → 0.2, 3-5 → 0.1, 6-8 → 0.05, 9 → 0.025
    expected = [0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]
    assert [schedule(step) for step in range(10)] == pytest.approx(expected, rel=1e-15)


def test_one_cycle_hand_worked():
    schedule = OneCycle(0.5, total_steps=10, warmup_fraction=0.4, div_factor=5, final_div_factor=10)
    # η_start = 0.5/5 = 0.1, η_final = 0.1/10 = 0.01, w = 0.4·10 = 4 warm-up steps, 6 decay steps.
    warmup = [0.1, 0.2, 0.3, 0.4]  # 0.1 + 0.4·step/4
    # decay: 0.01 + 0.49·½(1 + cos(π·k/6)), k = 0…6; cos(π/3) = ½ → 0.01 + 0.49·0.75 = 0.3775
    half_root3 = math.sqrt(3) / 2
    decay = [
        0.5,
        0.01 + 0.49 * 0.5 * (1 + half_root3),
        0.3775,
        0.255,  # cos(π/2) = 0: halfway, 0.01 + 0.49/2
        0.01 + 0.49 * 0.25,  # cos(2π/3) = −½
        0.01 + 0.49 * 0.5 * (1 - half_root3),
        0.01,
    ]
    expected = warmup + decay + [0.01, 0.01]  # flat after total_steps
    assert [schedule(step) for step in range(13)] == pytest.approx(expected, rel=1e-12)


def test_one_cycle_defaults_are_pytorchs():
    schedule = OneCycle(0.1, total_steps=100)
    assert schedule.warmup_steps == 30  # pct_start 0.3
    assert schedule(0) == pytest.approx(0.1 / 25)
    assert schedule(30) == pytest.approx(0.1)
    assert schedule(100) == pytest.approx(0.1 / 25 / 1e4)


def test_piecewise_boundary_belongs_to_the_interval_on_its_left():
    schedule = PiecewiseConstantDecay([2, 4], [3.0, 2.0, 1.0])
    assert [schedule(step) for step in range(7)] == [3.0, 3.0, 3.0, 2.0, 2.0, 1.0, 1.0]


def test_optimizer_steps_with_the_schedule_at_its_iterations():
    optimizer = SGD(learning_rate=ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5))
    w = np.array([1.0])
    rates = []
    for _ in range(4):
        rates.append(optimizer.current_learning_rate)
        optimizer.step([w], [np.array([1.0])])  # w ← w − η(iterations)·1
    assert rates == pytest.approx([0.1, 0.05, 0.025, 0.0125])  # η(0), η(1), η(2), η(3)
    assert w[0] == pytest.approx(1 - 0.1875)  # 1 − (0.1 + 0.05 + 0.025 + 0.0125)
    assert optimizer.iterations == 4


# One example of each registered schedule: a new entry must be added here to be tested.
EXAMPLES = {
    "ExponentialDecay": ExponentialDecay(0.1, 10, 0.5),
    "InverseTimeDecay": InverseTimeDecay(0.1, 10, 0.5),
    "PiecewiseConstantDecay": PiecewiseConstantDecay([10], [0.1, 0.01]),
    "CosineDecay": CosineDecay(0.1, 100, warmup_target=0.2, warmup_steps=10),
    "StepDecay": StepDecay(0.1, 0.5, 10),
    "OneCycle": OneCycle(0.1, 100),
}


def test_every_registered_schedule_has_an_example():
    assert set(EXAMPLES) == set(SCHEDULES)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_registered_schedule_gives_finite_rates_and_a_repr_that_rebuilds_it(name):
    schedule = EXAMPLES[name]
    assert isinstance(schedule, SCHEDULES[name])
    rates = [schedule(step) for step in range(300)]
    assert all(isinstance(r, float) and math.isfinite(r) and r >= 0 for r in rates)
    assert schedule(np.int64(7)) == schedule(7)  # an optimizer's counter may be a NumPy int
    rebuilt = eval(repr(schedule), dict(SCHEDULES))  # the repr is valid Python
    assert [rebuilt(step) for step in range(300)] == rates


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: ExponentialDecay(-0.1, 10, 0.5),
            ValueError,
            "'initial_learning_rate' must be ≥ 0",
        ),
        (lambda: ExponentialDecay(0.1, 0, 0.5), ValueError, "'decay_steps' must be > 0; got 0"),
        (lambda: InverseTimeDecay(0.1, -5, 0.5), ValueError, "'decay_steps' must be > 0"),
        (lambda: ExponentialDecay(0.1, 10, -0.5), ValueError, "'decay_rate' must be ≥ 0"),
        (lambda: ExponentialDecay(0.1, 10, 0.5, staircase=1), TypeError, "'staircase'"),
        (
            lambda: PiecewiseConstantDecay([10, 5], [0.1, 0.01, 0.001]),
            ValueError,
            "'boundaries' must be increasing; got [10, 5].",
        ),
        (lambda: PiecewiseConstantDecay([5, 5], [0.1, 0.01, 0.001]), ValueError, "increasing"),
        (
            lambda: PiecewiseConstantDecay([10], [0.1]),
            ValueError,
            "'values' must have one more entry than 'boundaries' (2); got 1",
        ),
        (lambda: PiecewiseConstantDecay(10, [0.1]), TypeError, "'boundaries' must be a list"),
        (lambda: PiecewiseConstantDecay([10], [0.1, -0.1]), ValueError, "'values' must be ≥ 0"),
        (lambda: CosineDecay(0.1, 0), ValueError, "'decay_steps' must be > 0"),
        (lambda: CosineDecay(0.1, 10, alpha=1.5), ValueError, "'alpha' must be in [0, 1]"),
        (lambda: CosineDecay(0.1, 10, warmup_target=-1), ValueError, "'warmup_target'"),
        (lambda: CosineDecay(0.1, 10, warmup_steps=2.5), ValueError, "'warmup_steps'"),
        (lambda: StepDecay(0.1, drop=0, every=10), ValueError, "'drop' must be in (0, 1]"),
        (lambda: StepDecay(0.1, drop=0.5, every=0), ValueError, "'every'"),
        (lambda: OneCycle(0, 100), ValueError, "'max_learning_rate' must be > 0"),
        (lambda: OneCycle(0.1, 1), ValueError, "'total_steps'"),
        (lambda: OneCycle(0.1, 100, warmup_fraction=1), ValueError, "'warmup_fraction'"),
        (lambda: OneCycle(0.1, 100, div_factor=0.5), ValueError, "'div_factor' must be ≥ 1"),
        (lambda: ExponentialDecay("0.1", 10, 0.5), TypeError, "'initial_learning_rate'"),
    ],
)
def test_bad_hyperparameters_raise_naming_the_parameter(make, error, message):
    with pytest.raises(error) as excinfo:
        make()
    assert message in str(excinfo.value)
