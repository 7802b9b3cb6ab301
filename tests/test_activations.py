"""Activations against independent oracles: TensorFlow/Keras (values and tf.GradientTape
derivatives), the textbook formulas in oracles.py, central finite differences, and identities
from the notes. Parametrised over ACTIVATIONS, so a newly registered activation is tested at
once, and the completeness tests fail until it has a Keras twin or a hand-worked oracle."""

import dataclasses
import warnings

import numpy as np
import pytest
from conftest import FINITE_DIFFERENCE, TIGHT, assert_inputs_unchanged
from oracles import ACTIVATION_ORACLES, DERIVATIVE_AT_ZERO, SELU_ALPHA, softmax_jacobian
from oracles import softmax as softmax_oracle

from nnlab.activations import (
    ACTIVATIONS,
    ALIASES,
    SATURATION,
    Activation,
    get_activation,
    sigmoid,
    softmax,
)
from nnlab.tf_bridge import keras_activation

NAMES = sorted(ACTIVATIONS)
# Each output depends on its own input only: f' has z's shape. (Softmax mixes a row.)
ELEMENTWISE = [n for n in NAMES if ACTIVATIONS[n].elementwise]
WITH_PARAMS = [n for n in NAMES if ACTIVATIONS[n].params and ACTIVATIONS[n].elementwise]
# Every output must lie in the record's output_range, however far out z goes.
WIDE = np.concatenate([[-1e3, -1e2, 0.0], np.linspace(-40, 40, 801), [1e2, 1e3]])
MODERATE = np.linspace(-5, 5, 101)  # where an open end of the range is not reached in floats


def _as_keras_has_it(name):
    """The record's parameters as Keras computes with them: tf.nn.leaky_relu keeps its slope as
    a float32 attribute (0.2 → 0.20000000298…); every other parameter is used as given."""
    params = dict(ACTIVATIONS[name].params)
    if "negative_slope" in params:
        params["negative_slope"] = float(np.float32(params["negative_slope"]))
    return params


def _inputs(rng):
    # Spread over the interesting range, kept away from the kinks of step and ReLU at 0.
    z = rng.uniform(-6, 6, size=(7, 5))
    z[np.abs(z) < 1e-3] = 0.5
    return z


# --- the registry: complete, and records that cannot be half-made ---------------------------


@pytest.mark.tf
@pytest.mark.parametrize("name", [n for n in NAMES if ACTIVATIONS[n].keras is not None])
def test_a_keras_twin_is_a_real_keras_activation(name, tf):
    import keras

    assert callable(getattr(keras.activations, ACTIVATIONS[name].keras, None)), name


@pytest.mark.parametrize("name", [n for n in NAMES if ACTIVATIONS[n].keras is None])
def test_a_declared_oracle_is_implemented_in_oracles_py(name):
    assert ACTIVATIONS[name].oracle, name
    assert name in ACTIVATION_ORACLES, f"tests/oracles.py has no oracle for {name!r}"


def test_oracles_py_holds_only_registered_activations():
    assert set(ACTIVATION_ORACLES) <= set(ACTIVATIONS)
    assert set(DERIVATIVE_AT_ZERO) == set(ELEMENTWISE)


def test_a_record_needs_exactly_one_of_keras_twin_and_oracle():
    with pytest.raises(ValueError, match="'new' needs exactly one of 'keras'"):
        Activation("new", sigmoid, sigmoid, (0.0, 1.0))
    with pytest.raises(ValueError, match="exactly one of"):
        Activation("new", sigmoid, sigmoid, (0.0, 1.0), keras="sigmoid", oracle="1/(1+e^-z)")
    with pytest.raises(ValueError, match="'output_range' must be \\(low, high\\) with low < high"):
        Activation("new", sigmoid, sigmoid, (1.0, 0.0), keras="sigmoid")


def test_records_are_frozen_and_read_by_attribute():
    record = ACTIVATIONS["sigmoid"]
    assert (record.name, record.keras, record.oracle) == ("sigmoid", "sigmoid", None)
    assert record.output_range == (0.0, 1.0) and dict(record.params) == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.keras = None
    with pytest.raises(TypeError):
        record.params["axis"] = 0
    assert "0x" not in repr(record)  # no memory addresses in a notebook's output


def test_range_text_reads_as_in_the_notes():
    # The strings the registry held before output_range became numbers.
    expected = {
        "linear": "(−∞, ∞)",
        "step": "{0, 1}",
        "sigmoid": "(0, 1)",
        "bipolar_sigmoid": "(−1, 1)",
        "tanh": "(−1, 1)",
        "hard_tanh": "[−1, 1]",
        "relu": "[0, ∞)",
        "leaky_relu": "(−∞, ∞)",
        "elu": "(−1, ∞)",
        "selu": "(−1.7581, ∞)",
        "swish": "[−0.278465, ∞)",
        "softplus": "(0, ∞)",
        "softmax": "(0, 1)",
    }
    assert {name: record.range_text for name, record in ACTIVATIONS.items()} == expected


# --- values and derivatives against independent oracles -------------------------------------


@pytest.mark.tf
@pytest.mark.parametrize("name", NAMES)
def test_values_match_keras(name, rng, tf):
    z = _inputs(rng)
    ours = ACTIVATIONS[name].function(z, **_as_keras_has_it(name))
    theirs = keras_activation(name)(tf.constant(z, dtype=tf.float64)).numpy()
    np.testing.assert_allclose(ours, theirs, **TIGHT)


def _random_params(name, rng):
    """Parameters other than the defaults: a slope in [0, 2) exactly representable in float32
    (Keras may keep it in float32), softmax over the batch axis."""
    slope = float(np.float32(rng.uniform(0, 2)))
    return {key: 0 if key == "axis" else slope for key in ACTIVATIONS[name].params}


@pytest.mark.tf
@pytest.mark.parametrize("name", [n for n in NAMES if ACTIVATIONS[n].params])
def test_values_and_backward_match_keras_with_random_parameters(name, rng, tf):
    import functools

    import keras

    record, params = ACTIVATIONS[name], _random_params(name, rng)
    twin = functools.partial(getattr(keras.activations, record.keras), **params)
    z, da = _inputs(rng), rng.normal(size=(7, 5))
    zt = tf.Variable(z, dtype=tf.float64)
    with tf.GradientTape() as tape:
        out = twin(zt)
    np.testing.assert_allclose(record.function(z, **params), out.numpy(), **TIGHT)
    theirs = tape.gradient(out, zt, output_gradients=tf.constant(da)).numpy()
    np.testing.assert_allclose(record.backward(da, z, **params), theirs, **TIGHT)


@pytest.mark.tf
@pytest.mark.parametrize("name", NAMES)
def test_backward_matches_gradient_tape(name, rng, tf):
    # backward(da, z) is the vector-Jacobian product TensorFlow computes with output_gradients.
    z, da = tf.Variable(_inputs(rng), dtype=tf.float64), rng.normal(size=(7, 5))
    with tf.GradientTape() as tape:
        out = keras_activation(name)(z)
    grad = tape.gradient(out, z, output_gradients=tf.constant(da))
    theirs = np.zeros(z.shape) if grad is None else grad.numpy()
    ours = ACTIVATIONS[name].backward(da, z.numpy(), **_as_keras_has_it(name))
    np.testing.assert_allclose(ours, theirs, **TIGHT)


@pytest.mark.tf
def test_softmax_jacobian_matches_gradient_tape(rng, tf):
    z = tf.Variable(_inputs(rng), dtype=tf.float64)
    with tf.GradientTape() as tape:
        out = keras_activation("softmax")(z)
    theirs = tape.batch_jacobian(out, z).numpy()  # (7, 5, 5): one Jacobian per row
    np.testing.assert_allclose(ACTIVATIONS["softmax"].derivative(z.numpy()), theirs, **TIGHT)


@pytest.mark.tf
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivatives_match_gradient_tape(name, rng, tf):
    z = tf.Variable(_inputs(rng), dtype=tf.float64)
    with tf.GradientTape() as tape:
        out = keras_activation(name)(z)
    grad = tape.gradient(out, z)  # element-wise f, so d(sum f)/dz_i = f'(z_i)
    theirs = np.zeros(z.shape) if grad is None else grad.numpy()  # step: no gradient at all
    ours = ACTIVATIONS[name].derivative(z.numpy(), **_as_keras_has_it(name))
    np.testing.assert_allclose(ours, theirs, **TIGHT)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_values_and_derivatives_match_the_textbook_oracle(name, rng):
    f, df = ACTIVATION_ORACLES[name]
    z = np.concatenate([np.linspace(-30, 30, 241), [0.0, -1e-9, 1e-9]])  # kinks included
    record = ACTIVATIONS[name]
    np.testing.assert_allclose(record.function(z), f(z), **TIGHT)
    np.testing.assert_allclose(record.derivative(z), df(z), **TIGHT)
    da = rng.normal(size=z.shape)
    np.testing.assert_allclose(record.backward(da, z), da * df(z), **TIGHT)  # the chain rule


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_at_exactly_zero_follows_the_convention(name):
    # relu'(0) = 0 and step'(0) = 0 are choices (the function has a kink / jump there).
    expected = DERIVATIVE_AT_ZERO[name]
    assert ACTIVATIONS[name].derivative(0.0) == expected
    assert ACTIVATION_ORACLES[name][1](0.0) == expected


@pytest.mark.tf
@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if ACTIVATIONS[n].keras is not None])
def test_derivative_at_zero_matches_gradient_tape(name, tf):
    z = tf.Variable([0.0], dtype=tf.float64)
    with tf.GradientTape() as tape:
        out = keras_activation(name)(z)
    assert tape.gradient(out, z).numpy()[0] == ACTIVATIONS[name].derivative(
        0.0, **_as_keras_has_it(name)
    )


@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if n != "step"])
def test_derivatives_match_finite_differences(name, rng):
    f, df = ACTIVATIONS[name].function, ACTIVATIONS[name].derivative
    z, h = _inputs(rng), 1e-5
    z[np.abs(np.abs(z) - 1) < 1e-3] = 0.5  # away from hard_tanh's corners too
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    np.testing.assert_allclose(df(z), numeric, **FINITE_DIFFERENCE)


def test_softmax_jacobian_matches_finite_differences_and_the_formula(rng):
    z, h = rng.normal(size=4), 1e-5
    numeric = np.column_stack(
        [(softmax(z + h * e) - softmax(z - h * e)) / (2 * h) for e in np.eye(4)]
    )  # column j = ∂s/∂z_j
    jacobian = ACTIVATIONS["softmax"].derivative(z)
    np.testing.assert_allclose(jacobian, numeric, **FINITE_DIFFERENCE)
    np.testing.assert_allclose(jacobian, softmax_jacobian(z), **TIGHT)


# --- output range, dtypes, shapes, read-only inputs, huge and bad inputs -----------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", NAMES)
def test_outputs_lie_within_output_range(name, dtype):
    record = ACTIVATIONS[name]
    (low, high), ends = record.output_range, record.range_ends
    out = record.function(WIDE.astype(dtype))
    assert low <= out.min() and out.max() <= high, (name, out.min(), out.max())
    if ends == "{}":  # exactly the two values, both taken
        assert set(np.unique(out)) == {low, high}
        return
    inner = record.function(MODERATE.astype(dtype))
    fine = record.function(np.linspace(-5, 5, 200_001))  # swish's minimum is not on a round z
    for end, bound, reached, closest in (
        (ends[0], low, inner.min(), fine.min()),
        (ends[1], high, inner.max(), fine.max()),
    ):
        if np.isfinite(bound) and end in "()":  # open: approached, not reached
            assert reached != bound, (name, bound)
        if end in "[]":  # closed: reached
            assert abs(closest - bound) < 1e-9, (name, bound, closest)


def _call(record, kind, z):
    """record.function(z), record.derivative(z), or record.backward(da, z) with da = 1 like z."""
    if kind == "backward":
        return record.backward(np.ones_like(np.asarray(z)), z)
    return getattr(record, kind)(z)


@pytest.mark.parametrize("kind", ["function", "derivative", "backward"])
@pytest.mark.parametrize("name", NAMES)
def test_float32_stays_float32_and_everything_else_becomes_float64(name, kind):
    record = ACTIVATIONS[name]
    for z, dtype in [
        (np.linspace(-2, 2, 6, dtype=np.float32), np.float32),
        (np.linspace(-2, 2, 6), np.float64),
        ([-2, 0, 3], np.float64),
        (np.arange(-3, 3), np.float64),
        (np.linspace(-2, 2, 6, dtype=np.float16), np.float64),
    ]:
        assert _call(record, kind, z).dtype == dtype, (name, kind, np.asarray(z).dtype)
    if not record.elementwise:
        return
    # A single number comes back as a Python float, float32 too (widened exactly).
    assert type(_call(record, kind, 0.3)) is float
    assert type(_call(record, kind, np.float32(0.3))) is float


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", NAMES)
def test_inputs_are_never_modified(name, dtype, rng):
    record = ACTIVATIONS[name]
    z, da = _inputs(rng).astype(dtype), rng.normal(size=(7, 5)).astype(dtype)
    out = assert_inputs_unchanged(record.function, z)
    assert out.shape == z.shape and out.dtype == dtype
    assert assert_inputs_unchanged(record.derivative, z).dtype == dtype
    assert assert_inputs_unchanged(record.backward, da, z).dtype == dtype


def test_the_unchanged_inputs_check_can_fail():
    z = np.array([1.0, -2.0])
    with pytest.raises(ValueError, match="read-only"):
        assert_inputs_unchanged(lambda z: np.negative(z, out=z), z)

    def writes_when_it_can(z):
        target = z if z.flags.writeable else z.copy()
        target *= 2
        return target

    with pytest.raises(AssertionError, match="changed its input"):
        assert_inputs_unchanged(writes_when_it_can, z)


@pytest.mark.parametrize("name", NAMES)
def test_shapes_and_parameters(name):
    record = ACTIVATIONS[name]
    assert record.function([0.3, -0.2]).shape == (2,)
    assert record.function(np.zeros((2, 3, 4)), **record.params).shape == (2, 3, 4)
    assert record.backward(np.ones((2, 3)), np.zeros((2, 3)), **record.params).shape == (2, 3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", NAMES)
def test_huge_inputs_are_finite_and_silent(name, dtype):
    # 1e30: far beyond any real score, yet scale·z (selu) and z − max z (softmax) stay finite in
    # float32, as they must; at finfo.max they would overflow in any framework.
    z = np.array([-1e30, -1e4, -800.0, 0.0, 800.0, 1e4, 1e30], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(ACTIVATIONS[name].function(z)).all()
        assert np.isfinite(ACTIVATIONS[name].derivative(z)).all()


@pytest.mark.parametrize("name", NAMES)
def test_bad_input_is_rejected_with_the_parameter_named(name):
    record = ACTIVATIONS[name]
    with pytest.raises(ValueError, match="'z' must contain only finite numbers; got NaN"):
        record.function([0.0, np.nan])
    with pytest.raises(TypeError, match="'z' must be a number or an array of numbers"):
        record.function("1.0")
    with pytest.raises(
        ValueError, match=r"'da' must have the same shape as 'z' \(2, 3\); got \(3, 2\)\."
    ):
        record.backward(np.ones((3, 2)), np.ones((2, 3)))


# --- the notes: identities, hand-worked values, names -------------------------------------------


def test_identities_from_the_notes(rng):
    z = _inputs(rng)
    a = ACTIVATIONS
    # tanh(z) = 2σ(2z) − 1 and bipolar(z) = tanh(z / 2)
    np.testing.assert_allclose(a["tanh"].function(z), 2 * sigmoid(2 * z) - 1, **TIGHT)
    np.testing.assert_allclose(a["bipolar_sigmoid"].function(z), np.tanh(z / 2), **TIGHT)
    # σ'(z) ≤ 0.25 with equality at 0
    assert a["sigmoid"].derivative(z).max() <= 0.25


def test_hand_worked_values():
    # σ(0) = 1/(1+1) = 0.5; step fires at the threshold itself; relu(−2) = 0
    assert sigmoid(0.0) == 0.5
    np.testing.assert_array_equal(ACTIVATIONS["step"].function([-1e-9, 0.0, 3.0]), [0, 1, 1])
    assert ACTIVATIONS["relu"].function(-2.0) == 0.0
    # σ(−1.25) = 1 / (1 + e^1.25) = 1 / (1 + 3.490343) = 0.222700
    assert round(sigmoid(-1.25), 6) == 0.222700


@pytest.mark.parametrize(("alias", "canonical"), sorted(ALIASES.items()))
def test_the_notes_names_resolve_to_the_canonical_record(alias, canonical):
    assert get_activation(alias) is ACTIVATIONS[canonical]
    assert alias not in ACTIVATIONS  # menus list canonical names only


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("sigmod", "sigmoid"),
        ("binary_sigmiod", "sigmoid"),  # before aliases: "Did you mean 'bipolar_sigmoid'"
        ("binary_sigmod", "sigmoid"),
        ("logistc", "sigmoid"),
        ("bipolar_sigmod", "bipolar_sigmoid"),
        ("identiy", "linear"),
        ("heavyside", "step"),
    ],
)
def test_unknown_name_suggests_the_right_function(typo, meant):
    with pytest.raises(
        ValueError, match=f"'activation' must be one of .*got '{typo}'. Did you mean '{meant}'\\?"
    ):
        get_activation(typo)


# --- parameters, softmax, saturation ----------------------------------------------------------


def test_more_identities_from_the_notes(rng):
    z, a = _inputs(rng), ACTIVATIONS
    np.testing.assert_allclose(a["softplus"].derivative(z), sigmoid(z), **TIGHT)  # softplus' = σ
    np.testing.assert_allclose(a["swish"].function(z), z * sigmoid(z), **TIGHT)
    np.testing.assert_allclose(a["hard_tanh"].function(z), np.clip(z, -1, 1), **TIGHT)
    np.testing.assert_array_equal(
        a["leaky_relu"].function(z, negative_slope=0), a["relu"].function(z)
    )
    selu_by_elu = 1.0507009873554805 * a["elu"].function(z, alpha=SELU_ALPHA)
    np.testing.assert_allclose(a["selu"].function(z), selu_by_elu, **TIGHT)


def test_parameters_are_positional_or_keyword_and_checked():
    leaky = ACTIVATIONS["leaky_relu"].function
    assert leaky(-2.0) == -0.4  # Keras' function default 0.2 (its LeakyReLU layer: 0.3)
    assert leaky(-2.0, 0.3) == leaky(-2.0, negative_slope=0.3) == -0.6
    assert ACTIVATIONS["elu"].function(-1e3, alpha=2.0) == -2.0  # saturates at −alpha
    with pytest.raises(ValueError, match="'negative_slope' must be ≥ 0; got -0.1"):
        leaky(1.0, negative_slope=-0.1)
    with pytest.raises(ValueError, match="'alpha' must be ≥ 0; got -1.0"):
        ACTIVATIONS["elu"].derivative(1.0, alpha=-1.0)


def test_softmax_rows_are_probabilities_and_stable(rng):
    z = rng.normal(size=(6, 4))
    s = softmax(z)
    np.testing.assert_allclose(s.sum(axis=1), 1.0, **TIGHT)
    np.testing.assert_allclose(s, softmax_oracle(z), **TIGHT)
    np.testing.assert_allclose(softmax(z + 1000.0), s, **TIGHT)  # a shift changes nothing
    np.testing.assert_allclose(softmax(z, axis=0).sum(axis=0), 1.0, **TIGHT)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(softmax([1e4, 0.0, -1e4]), [1.0, 0.0, 0.0])
    # softmax([1, 2, 3]) = (e, e², e³) / (e + e² + e³) = (0.0900, 0.2447, 0.6652)
    np.testing.assert_allclose(
        softmax([1.0, 2.0, 3.0]), [0.09003057, 0.24472847, 0.66524096], rtol=1e-7
    )


def test_softmax_backward_is_the_cross_entropy_shortcut(rng):
    # L = −Σ y log s with one-hot y: dL/ds = −y / s, and backward turns it into s − y.
    z = rng.normal(size=(5, 3))
    y = np.eye(3)[[0, 2, 1, 1, 0]]
    s = softmax(z)
    np.testing.assert_allclose(ACTIVATIONS["softmax"].backward(-y / s, z), s - y, **TIGHT)
    jacobian = ACTIVATIONS["softmax"].derivative(z)  # (5, 3, 3), symmetric, rows sum to 0
    np.testing.assert_allclose(jacobian, np.swapaxes(jacobian, 1, 2), **TIGHT)
    np.testing.assert_allclose(jacobian.sum(axis=2), 0.0, atol=1e-15)


def test_softmax_refuses_one_number_and_a_missing_axis():
    with pytest.raises(ValueError, match="'z' must be an array of scores"):
        softmax(2.0)
    with pytest.raises(ValueError, match=r"'axis' must be a whole number in \[-2, 1\]; got 2"):
        softmax(np.ones((2, 3)), axis=2)


@pytest.mark.parametrize(
    ("name", "z", "expected"),
    [
        # σ'(z) ≤ 0.05 · 0.25 from |z| ≈ 4.36 on: σ'(4) = 0.0177 (no), σ'(5) = 0.0066 (yes)
        ("sigmoid", [0.0, 4.0, 5.0, -5.0], [False, False, True, True]),
        # tanh'(z) = 1 − tanh² ≤ 0.05 from |z| ≈ 2.18 on: tanh'(2) = 0.071, tanh'(2.5) = 0.027
        ("tanh", [2.0, 2.5, -2.5], [False, True, True]),
        ("relu", [-1.0, 0.0, 1e-9], [True, True, False]),  # dead for z ≤ 0: f' is exactly 0
        ("leaky_relu", [-100.0, 5.0], [False, False]),  # slope 0.2 > 5 % of 1: never
        ("linear", [-100.0, 100.0], [False, False]),
        ("step", [-1.0, 0.0, 1.0], [True, True, True]),  # no gradient anywhere
    ],
)
def test_saturated_inputs(name, z, expected):
    assert SATURATION == 0.05
    np.testing.assert_array_equal(ACTIVATIONS[name].saturated(z), expected)


def test_saturation_needs_an_elementwise_activation():
    with pytest.raises(ValueError, match="must be element-wise to have saturated inputs"):
        ACTIVATIONS["softmax"].saturated([1.0, 2.0])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_kernels_compute_what_the_checked_functions_compute(name, rng):
    """The engine's unchecked kernels are the same maths as the public, checked functions."""
    record = ACTIVATIONS[name]
    z, da = _inputs(rng), rng.standard_normal((7, 5))
    params = dict(record.params)
    np.testing.assert_array_equal(record.kernel(z, **params), record.function(z, **params))
    np.testing.assert_array_equal(
        record.backward_kernel(da, z, **params), record.backward(da, z, **params)
    )
    with np.errstate(invalid="ignore", over="ignore"):
        nan_in = record.kernel(np.array([[np.nan, 1.0]]), **params)  # no raise
    assert np.isnan(nan_in).any() or name == "step"  # NaN passes on (the step makes it 0)
