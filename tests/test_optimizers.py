"""Optimizers against Keras 3: every optimizer and option, fed the same 50 random gradients, ends
at Keras' parameters (exactly, up to rounding, when the hyperparameters are float32 numbers; within
float32 rounding with Keras' defaults); gradient clipping (clipvalue, clipnorm, global_clipnorm);
schedules; and the errors bad settings get. (Parity through MLP.fit is in test_network.py.)"""

import numpy as np
import pytest

from nnlab.optimizers import OPTIMIZERS, SGD, Adam, AdamW, Nadam, RMSprop

CLIPPING = [
    {"clipvalue": 0.25},
    {"clipnorm": 0.5},
    {"global_clipnorm": 0.75},
]


def _params_and_grads(rng):
    params = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 1))]
    grads = [2 * rng.normal(size=p.shape) for p in params]
    grads[1][:] = 0.01  # one small gradient: clipnorm leaves it, global_clipnorm scales it
    return params, grads


@pytest.mark.tf
@pytest.mark.parametrize("kind", ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW"])
@pytest.mark.parametrize("clipping", CLIPPING, ids=lambda c: next(iter(c)))
def test_clipped_steps_equal_keras(kind, clipping, rng, tf):
    import keras

    params, grads = _params_and_grads(rng)
    settings = {"learning_rate": 2**-4, **clipping}
    # Keras keeps hyperparameters in float32: values float32 holds exactly (see EXACT below).
    exact = EXACT[kind][1] if kind in EXACT else {}  # plain SGD: no other setting
    settings.update({k: v for k, v in exact.items() if k != "learning_rate"})
    ours = OPTIMIZERS[kind.lower()](**settings)
    theirs = getattr(keras.optimizers, kind)(**settings)
    variables = [keras.Variable(p, dtype="float64") for p in params]
    for _ in range(3):
        ours.step(params, grads)
        theirs.apply_gradients(
            [(tf.constant(g, dtype=tf.float64), v) for g, v in zip(grads, variables)]
        )
    for p, v in zip(params, variables):
        np.testing.assert_allclose(p, np.asarray(v), rtol=1e-10, atol=1e-13)


def test_clipping_does_what_its_name_says(rng):
    _, grads = _params_and_grads(rng)
    by_value = SGD(clipvalue=0.25).clip(grads)
    assert max(np.abs(g).max() for g in by_value) == 0.25
    by_norm = SGD(clipnorm=0.5).clip(grads)
    np.testing.assert_allclose([np.linalg.norm(g) for g in by_norm[::2]], 0.5)
    np.testing.assert_array_equal(by_norm[1], grads[1])  # its norm is below 0.5: unchanged
    by_global = SGD(global_clipnorm=0.75).clip(grads)
    total = np.sqrt(sum(np.sum(g**2) for g in by_global))
    assert total == pytest.approx(0.75)
    scale = by_global[0] / grads[0]
    np.testing.assert_allclose(by_global[1], grads[1] * scale.flat[0])  # one common factor


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_steps_leave_the_callers_gradients_alone(name, rng):
    params, grads = _params_and_grads(rng)
    before = [g.copy() for g in grads]
    for g in grads:
        g.setflags(write=False)
    optimizer = OPTIMIZERS[name](clipnorm=0.5)
    for _ in range(2):
        optimizer.step(params, grads)
    for g, b in zip(grads, before):
        np.testing.assert_array_equal(g, b)


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"clipnorm": 0}, r"'clipnorm' must be > 0; got 0"),
        ({"clipvalue": -1.0}, r"'clipvalue' must be > 0; got -1.0"),
        ({"global_clipnorm": 0.0}, r"'global_clipnorm' must be > 0; got 0.0"),
        ({"clipnorm": 1.0, "clipvalue": 1.0}, r"Only one of 'clipnorm', 'clipvalue' and"),
    ],
)
def test_bad_clipping_settings_get_clear_errors(settings, match):
    with pytest.raises(ValueError, match=match):
        Adam(**settings)


# name → (class name, settings): hyperparameters float32 holds exactly, since Keras rounds them
# (and Adagrad's initial accumulator) to float32 even for float64 variables (PITFALLS.md).
_ADAM_LIKE = {"learning_rate": 2**-6, "beta_1": 0.875, "beta_2": 1 - 2**-7, "epsilon": 2**-23}
_RMSPROP = {"learning_rate": 2**-6, "rho": 0.875, "epsilon": 2**-23}
EXACT = {
    "SGD-momentum": ("SGD", {"learning_rate": 2**-5, "momentum": 0.875}),
    "Adagrad": ("Adagrad", {"learning_rate": 2**-4, "initial_accumulator_value": 2**-3}),
    "Adagrad-from-zero": (
        "Adagrad",
        {"learning_rate": 2**-4, "initial_accumulator_value": 0.0, "epsilon": 2**-23},
    ),
    "RMSprop": ("RMSprop", _RMSPROP),
    "RMSprop-momentum": ("RMSprop", {**_RMSPROP, "momentum": 0.75}),
    "RMSprop-centered": ("RMSprop", {**_RMSPROP, "centered": True}),
    "RMSprop-centered-momentum": ("RMSprop", {**_RMSPROP, "momentum": 0.5, "centered": True}),
    "Adam": ("Adam", _ADAM_LIKE),
    "Adam-amsgrad": ("Adam", {**_ADAM_LIKE, "amsgrad": True}),
    "AdamW": ("AdamW", {**_ADAM_LIKE, "weight_decay": 2**-5}),
    "AdamW-amsgrad": ("AdamW", {**_ADAM_LIKE, "weight_decay": 2**-5, "amsgrad": True}),
    "Nadam": ("Nadam", _ADAM_LIKE),
}


class _NadamAsKeras(Nadam):
    """Nadam with Keras' one extra rounding: its update_step casts the schedule constant 0.96
    through float32 for μₜ and μₜ₊₁ (``ops.cast(0.96, float64)``), while its product Πₜ uses
    0.96 exactly. nnlab keeps 0.96 exact everywhere; this twin shows that is the only difference."""

    def _momentum_at(self, t):
        return self.beta_1 * (1 - 0.5 * float(np.float32(0.96)) ** t)

    def _start_step(self, t):
        self._u_product *= self.beta_1 * (1 - 0.5 * 0.96**t)


def _ours(kind, settings):
    return (_NadamAsKeras if kind == "Nadam" else OPTIMIZERS[kind.lower()])(**settings)


def _run_both(ours, theirs, rng, tf, steps=50):
    """Start values, our parameters and Keras' (float64 variables) after the same random steps."""
    import keras

    start = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 1))]
    params = [p.copy() for p in start]
    variables = [keras.Variable(p, dtype="float64") for p in params]
    for _ in range(steps):
        # Gradients of mixed sizes and signs, so every term of the rules counts.
        grads = [rng.normal(size=p.shape) * rng.choice([1e-3, 0.1, 1.0, 5.0]) for p in params]
        ours.step(params, grads)
        theirs.apply_gradients(
            [(tf.constant(g, dtype=tf.float64), v) for g, v in zip(grads, variables)]
        )
    return start, params, [np.asarray(v) for v in variables]


@pytest.mark.tf
@pytest.mark.parametrize("name", list(EXACT))
def test_fifty_steps_give_keras_parameters(name, rng, tf):
    import keras

    kind, settings = EXACT[name]
    theirs = getattr(keras.optimizers, kind)(**settings)
    _, ours, keras_params = _run_both(_ours(kind, settings), theirs, rng, tf)
    for p, k in zip(ours, keras_params):
        np.testing.assert_allclose(p, k, rtol=1e-12, atol=1e-14)


@pytest.mark.tf
def test_nadam_with_its_exact_096_stays_within_float32_rounding_of_keras(rng, tf):
    import keras

    theirs = keras.optimizers.Nadam(**_ADAM_LIKE)
    _, ours, keras_params = _run_both(Nadam(**_ADAM_LIKE), theirs, rng, tf)
    for p, k in zip(ours, keras_params):
        # 0.96 in float32 is 1.6e-8 relative off: μₜ moves by ~1e-8, the parameters by ~1e-7.
        np.testing.assert_allclose(p, k, rtol=1e-6, atol=1e-9)


@pytest.mark.tf
@pytest.mark.parametrize("kind", ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Nadam"])
def test_with_keras_defaults_the_parameters_agree_within_float32_rounding(kind, rng, tf):
    import keras

    theirs = getattr(keras.optimizers, kind)()
    start, ours, keras_params = _run_both(OPTIMIZERS[kind.lower()](), theirs, rng, tf)
    for p, k, p0 in zip(ours, keras_params, start):
        # Keras rounds 0.001, 0.9, 0.999, 1e-7, 0.1, ... to float32: ~1e-7 relative in each step.
        np.testing.assert_allclose(p - p0, k - p0, rtol=1e-5, atol=1e-10)
        assert np.abs(p - p0).max() > 1e-3  # the parameters really moved
    assert type(keras.optimizers.get(kind.lower())).__name__ == kind  # Keras' registry names


def _piecewise(step):
    """2⁻⁵ for steps 0–9, 2⁻⁶ for 10–29, 2⁻⁷ after: Keras' PiecewiseConstantDecay([9, 29], …)."""
    return 2**-5 if step <= 9 else 2**-6 if step <= 29 else 2**-7


@pytest.mark.tf
@pytest.mark.parametrize("kind", ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Nadam"])
def test_a_schedule_as_learning_rate_gives_keras_parameters(kind, rng, tf):
    import keras

    settings = {**EXACT["SGD-momentum" if kind == "SGD" else kind][1]}
    del settings["learning_rate"]
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay([9, 29], [2**-5, 2**-6, 2**-7])
    ours = _ours(kind, {**settings, "learning_rate": _piecewise})
    theirs = getattr(keras.optimizers, kind)(**settings, learning_rate=schedule)
    _, ours_params, keras_params = _run_both(ours, theirs, rng, tf)
    for p, k in zip(ours_params, keras_params):
        np.testing.assert_allclose(p, k, rtol=1e-12, atol=1e-14)


def test_a_schedule_is_called_with_the_steps_taken_so_far():
    calls = []

    def schedule(step):
        calls.append(step)
        return 0.1

    optimizer = RMSprop(learning_rate=schedule)
    w = np.zeros(2)
    for _ in range(3):
        optimizer.step([w], [np.ones(2)])
    assert calls == [0, 1, 2]
    assert optimizer.iterations == 3


def test_adamw_without_decay_is_adam_and_decay_pulls_towards_zero(rng):
    grads = [rng.normal(size=5) for _ in range(10)]
    start = rng.normal(size=5)
    w_adam, w_adamw, w_decay = start.copy(), start.copy(), start.copy()
    adam, adamw, decay = Adam(0.01), AdamW(0.01, weight_decay=0.0), AdamW(0.01, weight_decay=0.5)
    for g in grads:
        adam.step([w_adam], [g])
        adamw.step([w_adamw], [g])
        decay.step([w_decay], [g])
    np.testing.assert_array_equal(w_adamw, w_adam)
    # The decay is decoupled: its only effect is w ← (1 − ηλ)w before each identical Adam step.
    assert np.linalg.norm(w_decay) < np.linalg.norm(w_adam)


def test_amsgrad_never_takes_a_larger_step_where_v_falls():
    # g = 1, then tiny: v falls, Adam's denominator shrinks and its steps grow; AMSGrad's don't.
    w_adam, w_ams = np.zeros(1), np.zeros(1)
    adam, ams = Adam(0.1, beta_2=0.5), Adam(0.1, beta_2=0.5, amsgrad=True)
    for g in [1.0, 1e-3, 1e-3, 1e-3]:
        adam.step([w_adam], [np.array([g])])
        ams.step([w_ams], [np.array([g])])
    assert abs(w_ams[0]) < abs(w_adam[0])


@pytest.mark.parametrize(
    ("kind", "settings", "error", "match"),
    [
        ("RMSprop", {"rho": 1.5}, ValueError, r"'rho' must be in \[0, 1\); got 1.5\."),
        ("RMSprop", {"rho": 1.0}, ValueError, r"'rho' must be in \[0, 1\); got 1.0\."),
        ("RMSprop", {"momentum": 1.5}, ValueError, r"'momentum' must be in \[0, 1\]; got 1.5"),
        ("RMSprop", {"epsilon": 0.0}, ValueError, r"'epsilon' must be > 0; got 0.0"),
        ("RMSprop", {"centered": "yes"}, TypeError, r"'centered' must be True or False; got"),
        ("RMSprop", {"learning_rate": 0}, ValueError, r"'learning_rate' must be > 0; got 0"),
        (
            "Adagrad",
            {"initial_accumulator_value": -0.1},
            ValueError,
            r"'initial_accumulator_value' must be ≥ 0; got -0.1",
        ),
        ("Adagrad", {"epsilon": -1e-7}, ValueError, r"'epsilon' must be > 0; got -1e-07"),
        ("Adam", {"beta_1": 1.0}, ValueError, r"'beta_1' must be in \[0, 1\); got 1.0"),
        ("Adam", {"amsgrad": 1}, TypeError, r"'amsgrad' must be True or False; got"),
        ("AdamW", {"weight_decay": -0.01}, ValueError, r"'weight_decay' must be ≥ 0; got -0.01"),
        ("AdamW", {"beta_2": -0.1}, ValueError, r"'beta_2' must be in \[0, 1\); got -0.1"),
        ("AdamW", {"amsgrad": None}, TypeError, r"'amsgrad' must be True or False; got"),
        ("Nadam", {"beta_2": 1.0}, ValueError, r"'beta_2' must be in \[0, 1\); got 1.0"),
        ("Nadam", {"epsilon": 0}, ValueError, r"'epsilon' must be > 0; got 0"),
        ("Nadam", {"clipnorm": -1.0}, ValueError, r"'clipnorm' must be > 0; got -1.0"),
    ],
)
def test_bad_settings_get_errors_naming_the_parameter(kind, settings, error, match):
    with pytest.raises(error, match=match):
        OPTIMIZERS[kind.lower()](**settings)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_registered_optimizer_steps_downhill_and_reads_back(name):
    # f(w) = ½‖w‖², g = w: a few small steps from (1, −2) must bring w closer to 0.
    optimizer = OPTIMIZERS[name](learning_rate=0.01)
    w = np.array([1.0, -2.0])
    for _ in range(5):
        optimizer.step([w], [w.copy()])
    assert np.linalg.norm(w) < np.linalg.norm([1.0, -2.0])
    assert repr(optimizer).startswith(f"{type(optimizer).__name__}(learning_rate=0.01")
