"""Losses against independent oracles: the Keras loss classes in float64 (values, and
tf.GradientTape gradients), the textbook formulas in loss_oracles.py, central finite
differences, hand-worked values and identities from the notes. Parametrised over LOSSES: a newly
registered loss is tested at once (its inputs follow its task and its parameters), and the
completeness tests fail until it has a Keras class or a hand-worked oracle."""

import dataclasses
import inspect
import itertools
import math
import warnings

import numpy as np
import pytest
from conftest import FINITE_DIFFERENCE, TIGHT, assert_inputs_unchanged
from loss_oracles import LOSS_ORACLES

import nnlab.losses
from nnlab.losses import (
    ALIASES,
    LOSSES,
    TASKS,
    Loss,
    balanced_class_weight,
    binary_crossentropy,
    categorical_crossentropy,
    categorical_crossentropy_gradient,
    class_weight_to_sample_weight,
    get_loss,
    mse,
)
from nnlab.tf_bridge import keras_loss

NAMES = list(LOSSES)
N = 6  # samples per batch
SPARSE = "sparse_categorical_crossentropy"
# Values each hyperparameter takes in the parametrised tests (the first is Keras' default).
GRID = {
    "from_logits": [False, True],
    "label_smoothing": [0.0, 0.2],
    "delta": [1.0, 0.4],
    "tau": [0.5, 0.15],
}
# Keras subtracts log 2 rounded to float32 in LogCosh; nnlab subtracts log 2 itself.
KERAS_LOG_2_OFFSET = float(np.float32(math.log(2))) - math.log(2)  # ≈ +1.9e-9 per sample


def _param_sets(name):
    params = LOSSES[name].params
    return [dict(zip(params, values)) for values in itertools.product(*(GRID[p] for p in params))]


def _shapes(name):
    """(n,) and (n, 1) are n samples of one output; classes need (n, k) with k ≥ 2."""
    return [(N, 4)] if LOSSES[name].task == "multi-class classification" else [(N,), (N, 1), (N, 3)]


def _id(params):
    return ",".join(f"{key}={value}" for key, value in params.items()) or "defaults"


CASES = [
    pytest.param(name, params, shape, id=f"{name}-{_id(params)}-{shape}")
    for name in NAMES
    for params in _param_sets(name)
    for shape in _shapes(name)
]
PARAM_CASES = [  # each loss with each of its parameter sets, once
    pytest.param(name, params, id=f"{name}-{_id(params)}")
    for name in NAMES
    for params in _param_sets(name)
]


def _probabilities(shape, rng):
    """Rows of probabilities summing to 1 (a softmax of random scores); one output: (0, 1)."""
    if len(shape) == 1 or shape[1] == 1:
        return rng.uniform(0.05, 0.95, size=shape)
    z = rng.normal(size=shape)
    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


def _away_from(x, kinks):
    """Move entries within 1e-3 of a kink by 0.01, so finite differences never straddle one."""
    x = x.copy()
    for kink in kinks:
        x[np.abs(x - kink) < 1e-3] += 0.01
    return x


def _inputs(name, params, shape, rng):
    """Typical (y_true, y_pred) for the loss's task, away from kinks and clipping bounds."""
    task, k = LOSSES[name].task, (shape[1] if len(shape) == 2 else 1)
    if name == SPARSE:
        y_true = rng.integers(0, k, size=N)
    elif task == "multi-class classification":
        y_true = np.eye(k)[rng.integers(0, k, size=N)]  # one-hot rows
    elif task == "binary classification":
        y_true = rng.integers(0, 2, size=shape).astype(float)
    elif task == "distributions":
        y_true = _probabilities(shape, rng)
    elif task == "GANs":
        y_true = rng.choice([-1.0, 1.0], size=shape)  # real / generated
    else:
        y_true = rng.normal(size=shape)
    if params.get("from_logits"):
        y_pred = rng.normal(scale=3.0, size=shape)
    elif task in ("multi-class classification", "distributions") or "from_logits" in params:
        y_pred = _probabilities(shape, rng)
    elif task == "regression":  # errors of 0.05 to 2 either way: no kink at e = 0 or |e| = δ
        error = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.05, 2.0, size=shape)
        delta = params.get("delta", 1.0)
        y_pred = y_true + _away_from(error, [-delta, delta])
    else:  # scores: a hinge's kinks are at ŷ = ±1
        y_pred = _away_from(rng.uniform(-2.5, 2.5, size=shape), [-1.0, 1.0])
    return y_true, y_pred


def _sample_weight(weighted, rng):
    if not weighted:
        return None
    w = rng.uniform(0.0, 2.0, size=N)
    w[1] = 0.0  # a sample that does not count
    return w


def _as_2d(a):
    return a[:, None] if a.ndim == 1 else a


def _keras(tf, name, params, y_true, y_pred, sample_weight=None):
    """Keras' float64 loss and tf.GradientTape's ∂L/∂y_pred (shaped like y_pred).

    1-D inputs go to Keras as (n, 1), what nnlab means by them (Keras would read one sample).
    """
    z = tf.Variable(_as_2d(np.asarray(y_pred, dtype=float)), dtype=tf.float64)
    y = np.asarray(y_true) if name == SPARSE else _as_2d(np.asarray(y_true, dtype=float))
    with tf.GradientTape() as tape:
        loss = keras_loss(name, **params)(y, z, sample_weight=sample_weight)
    return float(loss), tape.gradient(loss, z).numpy().reshape(np.shape(y_pred))


def _keras_offset(name, sample_weight):
    """nnlab − Keras by construction: LogCosh's float32 log 2, weighted as the losses are."""
    if name != "log_cosh":
        return 0.0
    return KERAS_LOG_2_OFFSET * (1.0 if sample_weight is None else np.mean(sample_weight))


# --- the registry: complete, consistent, and records that cannot be half-made ---------------


def test_losses_are_registered_in_the_course_order():
    assert NAMES == [
        "mse",
        "mae",
        "huber",
        "log_cosh",
        "quantile",
        "binary_crossentropy",
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "hinge",
        "squared_hinge",
        "kl_divergence",
        "wasserstein",
    ]


@pytest.mark.tf
@pytest.mark.parametrize("name", [n for n in NAMES if LOSSES[n].keras is not None])
def test_a_keras_twin_is_a_real_keras_loss_class(name, tf):
    import keras

    cls = getattr(keras.losses, LOSSES[name].keras, None)
    assert isinstance(cls, type) and issubclass(cls, keras.losses.Loss), name


@pytest.mark.parametrize("name", [n for n in NAMES if LOSSES[n].keras is None])
def test_a_declared_oracle_is_implemented_in_loss_oracles_py(name):
    assert LOSSES[name].oracle, name
    assert name in LOSS_ORACLES, f"tests/loss_oracles.py has no oracle for {name!r}"


def test_loss_oracles_py_holds_only_registered_losses():
    assert set(LOSS_ORACLES) <= set(LOSSES)


@pytest.mark.parametrize("name", NAMES)
def test_a_record_holds_the_module_pair_and_its_defaults(name):
    record = LOSSES[name]
    assert record.function is getattr(nnlab.losses, name)
    assert record.gradient is getattr(nnlab.losses, f"{name}_gradient")
    assert record.task in TASKS
    for function in (record.function, record.gradient):
        signature = inspect.signature(function)
        assert list(signature.parameters)[:3] == ["y_true", "y_pred", "sample_weight"]
        defaults = {
            key: parameter.default
            for key, parameter in signature.parameters.items()
            if parameter.default is not inspect.Parameter.empty and key != "sample_weight"
        }
        assert defaults == dict(record.params), function.__name__


def test_a_record_needs_exactly_one_of_keras_class_and_oracle_and_a_known_task():
    with pytest.raises(ValueError, match="'new' needs exactly one of 'keras'"):
        Loss("new", mse, mse, "regression")
    with pytest.raises(ValueError, match="exactly one of"):
        Loss("new", mse, mse, "regression", keras="MeanSquaredError", oracle="mean e²")
    with pytest.raises(ValueError, match="'task' must be one of .*got 'regresion'"):
        Loss("new", mse, mse, "regresion", keras="MeanSquaredError")


def test_records_are_frozen_and_read_by_attribute():
    record = LOSSES["huber"]
    assert (record.name, record.keras, record.oracle) == ("huber", "Huber", None)
    assert dict(record.params) == {"delta": 1.0} and record.task == "regression"
    assert LOSSES["quantile"].keras is None and "max(τ·e" in LOSSES["quantile"].oracle
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.keras = None
    with pytest.raises(TypeError):
        record.params["delta"] = 2.0
    assert "0x" not in repr(record)  # no memory addresses in a notebook's output


@pytest.mark.parametrize(("alias", "canonical"), sorted(ALIASES.items()))
def test_the_notes_names_resolve_to_the_canonical_record(alias, canonical):
    assert get_loss(alias) is LOSSES[canonical]
    assert alias not in LOSSES  # menus list canonical names only


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("mean_sqared_error", "mse"),
        ("hubber", "huber"),
        ("binary_crossentropi", "binary_crossentropy"),
        ("categorical_cross_entropi", "categorical_crossentropy"),
        ("kl_divergance", "kl_divergence"),
        ("pinbal", "quantile"),
    ],
)
def test_unknown_name_suggests_the_right_loss(typo, meant):
    with pytest.raises(
        ValueError, match=f"'loss' must be one of .*got '{typo}'. Did you mean '{meant}'\\?"
    ):
        get_loss(typo)


@pytest.mark.tf
def test_keras_loss_passes_parameters_under_keras_names_and_refuses_others(tf):
    import keras

    huber = keras_loss("huber", delta=0.4)
    assert isinstance(huber, keras.losses.Huber)
    assert math.isclose(float(huber([[0.0]], [[1.0]])), 0.32)  # |e| = 1 > δ: 0.4·1 − 0.4²/2
    assert isinstance(keras_loss("pinball", tau=0.2), keras.losses.Loss)  # the oracle, wrapped
    with pytest.raises(TypeError, match="'mse' has no parameter 'delta'; its parameters: none"):
        keras_loss("mse", delta=1.0)


# --- values and gradients against independent oracles -----------------------------------------


@pytest.mark.tf
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize(("name", "params", "shape"), CASES)
def test_values_match_keras(name, params, shape, weighted, rng, tf):
    y_true, y_pred = _inputs(name, params, shape, rng)
    w = _sample_weight(weighted, rng)
    theirs, _ = _keras(tf, name, params, y_true, y_pred, w)
    ours = LOSSES[name].function(y_true, y_pred, w, **params)
    assert type(ours) is float
    np.testing.assert_allclose(ours, theirs + _keras_offset(name, w), **TIGHT)


@pytest.mark.tf
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize(("name", "params", "shape"), CASES)
def test_gradients_match_gradient_tape(name, params, shape, weighted, rng, tf):
    y_true, y_pred = _inputs(name, params, shape, rng)
    w = _sample_weight(weighted, rng)
    _, theirs = _keras(tf, name, params, y_true, y_pred, w)
    ours = LOSSES[name].gradient(y_true, y_pred, w, **params)
    assert ours.shape == y_pred.shape
    np.testing.assert_allclose(ours, theirs, **TIGHT)


@pytest.mark.parametrize(("name", "params", "shape"), CASES)
def test_values_match_the_textbook_oracle(name, params, shape, rng):
    y_true, y_pred = _inputs(name, params, shape, rng)
    w = _sample_weight(True, rng)
    y = y_true if name == SPARSE else _as_2d(y_true)
    expected = LOSS_ORACLES[name](y, _as_2d(y_pred), w, **params)
    np.testing.assert_allclose(
        LOSSES[name].function(y_true, y_pred, w, **params), expected, **TIGHT
    )


@pytest.mark.parametrize(("name", "params", "shape"), CASES)
def test_gradients_match_finite_differences(name, params, shape, rng):
    record, h = LOSSES[name], 1e-6
    y_true, y_pred = _inputs(name, params, shape, rng)
    w = _sample_weight(True, rng)
    numeric = np.zeros_like(y_pred)
    for i in np.ndindex(y_pred.shape):
        step = np.zeros_like(y_pred)
        step[i] = h
        up = record.function(y_true, y_pred + step, w, **params)
        down = record.function(y_true, y_pred - step, w, **params)
        numeric[i] = (up - down) / (2 * h)
    np.testing.assert_allclose(
        record.gradient(y_true, y_pred, w, **params), numeric, **FINITE_DIFFERENCE
    )


def _edge_inputs(name, params):
    """(y_true, y_pred) at kinks, ties, clip bounds, exact 0 and 1, and logits of ±1e4."""
    task, eps = LOSSES[name].task, 1e-7
    if params.get("from_logits"):
        z = np.array([[-1e4, 1e4, 0.0], [1e4, 1e4, -1e4], [0.0, 0.0, 0.0], [-1e4, 0.0, 50.0]])
        if name == SPARSE:
            return np.array([0, 2, 1, 1]), z
        if task == "multi-class classification":
            return np.eye(3)[[0, 2, 1, 1]], z
        return np.array([[1.0, 0.0, 1.0], [1, 1, 0], [0, 1, 0], [0, 0, 1]]), z
    if task == "regression":  # e = 0 (|e|'s kink), |e| = δ (Huber's seam), huge errors
        delta = params.get("delta", 1.0)
        error = np.array([0.0, delta, -delta, 1e4, -1e4, 0.5, -2.0, 0.0])
        return np.zeros((8, 1)), error[:, None]
    if task == "binary classification" and "from_logits" not in params:  # hinge margins of 0
        return np.array([[1.0], [0], [1], [0], [1], [0]]), np.array(
            [[1.0], [-1.0], [1e4], [-1e4], [-1e4], [0.5]]
        )
    if task == "GANs":
        return np.array([[1.0, -1.0], [-1, 1]]), np.array([[1e4, -1e4], [0.0, 0.5]])
    if task == "distributions":  # zeros in both; ŷ = 1 is KL's upper clip bound itself
        return np.array([[0.0, 1.0], [1, 0], [0.5, 0.5], [eps, 1 - eps]]), np.array(
            [[0.0, 1.0], [0.5, 0.5], [1, 0], [eps, 1]]
        )
    # probabilities: exactly 0 and 1, the clip bounds ε and 1 − ε themselves, an unscaled row
    p = np.array([[1.0, 0, 0], [0, 1, 0], [0.5, 0.5, 0], [eps, 1 - eps, 0], [2.0, 0, 0]])
    labels = np.array([0, 0, 2, 1, 1])
    if name == SPARSE:
        return labels, p
    if task == "multi-class classification":
        return np.eye(3)[labels], p
    return np.array([[1.0, 0, 1], [0, 1, 0], [1, 1, 0], [0, 1, 1], [1, 0, 0]]), p


@pytest.mark.tf
@pytest.mark.parametrize(("name", "params"), PARAM_CASES)
def test_kinks_clip_bounds_and_extremes_match_keras(name, params, tf):
    # TensorFlow's choices where the derivative is not unique: d|e|/de = 0 at 0, tf.maximum
    # sends a tie's gradient to its first argument, a clip passes it at the bound itself.
    y_true, y_pred = _edge_inputs(name, params)
    theirs, their_gradient = _keras(tf, name, params, y_true, y_pred)
    ours = LOSSES[name].function(y_true, y_pred, **params)
    np.testing.assert_allclose(ours, theirs + _keras_offset(name, None), **TIGHT)
    gradient = LOSSES[name].gradient(y_true, y_pred, **params)
    np.testing.assert_allclose(gradient, their_gradient, **TIGHT)


def test_gradients_at_kinks_follow_tensorflow_by_hand():
    r = nnlab.losses
    # d|e|/de = 0 at e = 0: mae's gradient of (0, 2) errors over n = 2 is (0, 1/2)
    np.testing.assert_array_equal(r.mae_gradient([0.0, 0.0], [0.0, 2.0]), [0.0, 0.5])
    # hinge margin exactly 0 (y·ŷ = 1) counts as violated: −y/n = (−1/2, +1/2)
    np.testing.assert_array_equal(r.hinge_gradient([1.0, -1.0], [1.0, -1.0]), [-0.5, 0.5])
    # quantile at e = 0 takes the τ side: −τ/n = −0.3
    np.testing.assert_array_equal(r.quantile_gradient([1.0], [1.0], tau=0.3), [-0.3])
    # probabilities 0 and 1 are clipped: no gradient; ε itself is inside the clip range
    np.testing.assert_array_equal(r.binary_crossentropy_gradient([1.0, 0.0], [0.0, 1.0]), [0, 0])
    assert r.binary_crossentropy_gradient([1.0], [1e-7])[0] == -1 / 1e-7


# --- hand-worked values and identities from the notes -------------------------------------------


def test_hand_worked_values():
    r = nnlab.losses
    assert r.mse([1.0, 2.0], [1.0, 4.0]) == 2.0  # (0² + 2²) / 2
    assert r.mae([[1.0, 2.0]], [[2.0, 4.0]]) == 1.5  # one sample: (1 + 2) / 2
    assert r.huber([0.0, 0.0], [0.5, 3.0]) == 1.3125  # (0.5²/2 + (3 − 0.5)) / 2
    assert r.huber([0.0], [3.0], delta=2.0) == 4.0  # 2·3 − 2²/2
    assert r.quantile([1.0, 1.0], [0.0, 2.0], tau=0.9) == 0.5  # (0.9·1 + 0.1·1) / 2
    assert r.hinge([1.0, -1.0], [0.3, -2.0]) == 0.35  # (0.7 + 0) / 2
    assert r.wasserstein([1.0, -1.0], [0.5, 2.0]) == -0.75  # (0.5 − 2) / 2
    # log cosh 0 = 0 exactly; log cosh 1 = log((e + 1/e)/2) = log 1.543081 = 0.433781
    assert r.log_cosh([0.0], [0.0]) == 0.0
    assert round(r.log_cosh([0.0], [1.0]), 6) == 0.433781
    # −(log 0.9 + log 0.8) / 2 = (0.105361 + 0.223144) / 2 = 0.164252
    assert round(r.binary_crossentropy([1.0, 0.0], [0.9, 0.2]), 6) == 0.164252
    # one sample, three classes, true class 1: −log 0.7 = 0.356675; logits all 0: log 3
    assert round(r.categorical_crossentropy([[0, 1, 0]], [[0.2, 0.7, 0.1]]), 6) == 0.356675
    assert math.isclose(
        r.categorical_crossentropy([[0, 1, 0]], [[0.0, 0.0, 0.0]], from_logits=True), math.log(3)
    )
    assert round(r.sparse_categorical_crossentropy([1], [[0.2, 0.7, 0.1]]), 6) == 0.356675
    # 0.5·log(0.5/0.25) + 0.5·log(0.5/0.75) = 0.5·(0.693147 − 0.405465) = 0.143841
    assert round(r.kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]), 6) == 0.143841
    # a probability of exactly 0 for the true class costs −log ε = 16.118096, not infinity
    assert round(r.binary_crossentropy([1.0], [0.0]), 6) == 16.118096


def test_quantile_at_one_half_is_half_the_mae(rng):
    y_true, y_pred = rng.normal(size=(N, 3)), rng.normal(size=(N, 3))
    w = rng.uniform(0, 2, size=N)
    r = nnlab.losses
    assert math.isclose(r.quantile(y_true, y_pred, w, tau=0.5), r.mae(y_true, y_pred, w) / 2)
    np.testing.assert_allclose(
        r.quantile_gradient(y_true, y_pred, w), r.mae_gradient(y_true, y_pred, w) / 2, **TIGHT
    )


def test_wasserstein_is_the_mean_of_label_times_score():
    # critic scores 3 and −1 for a real (−1) and a generated (+1) sample: (−3 − 1) / 2 = −2
    assert nnlab.losses.wasserstein([-1.0, 1.0], [3.0, -1.0]) == -2.0
    np.testing.assert_array_equal(
        nnlab.losses.wasserstein_gradient([-1.0, 1.0], [3, -1]), [-0.5, 0.5]
    )


@pytest.mark.parametrize(
    "name", [n for n in NAMES if LOSSES[n].task != "multi-class classification"]
)
def test_a_1d_batch_is_n_samples_of_one_output(name, rng):
    record = LOSSES[name]
    y_true, y_pred = _inputs(name, _param_sets(name)[0], (N,), rng)
    w = _sample_weight(True, rng)
    assert record.function(y_true, y_pred, w) == record.function(
        y_true[:, None], y_pred[:, None], w
    )
    gradient = record.gradient(y_true, y_pred, w)
    assert gradient.shape == (N,)
    np.testing.assert_array_equal(
        gradient, record.gradient(y_true[:, None], y_pred[:, None], w)[:, 0]
    )


@pytest.mark.tf
def test_keras_reads_a_1d_batch_as_one_sample_which_only_sample_weights_reveal(tf):
    import keras

    y_true, y_pred, w = np.array([0.0, 1, 2, 3]), np.ones(4), np.array([1.0, 0, 0, 0])
    # nnlab: 4 samples, only the first counts: (1 − 0)² · 1 / 4 = 0.25
    assert mse(y_true, y_pred, w) == 0.25
    # Keras: one sample of 4 outputs, loss mean(1, 0, 1, 4) = 1.5, times mean(w) = 0.375
    assert float(keras.losses.MeanSquaredError(dtype="float64")(y_true, y_pred, w)) == 0.375
    assert float(keras.losses.MeanSquaredError(dtype="float64")(y_true, y_pred)) == mse(
        y_true, y_pred
    )


def test_sample_weights_of_one_change_nothing_and_scale_linearly(rng):
    for name in NAMES:
        params = _param_sets(name)[-1]
        y_true, y_pred = _inputs(name, params, _shapes(name)[-1], rng)
        f = LOSSES[name].function
        assert f(y_true, y_pred, np.ones(N), **params) == f(y_true, y_pred, **params), name
        np.testing.assert_allclose(
            f(y_true, y_pred, np.full(N, 2.5), **params), 2.5 * f(y_true, y_pred, **params), **TIGHT
        )


def test_hinge_reads_0_1_labels_as_minus_1_plus_1(rng):
    labels = rng.integers(0, 2, size=(N, 2)).astype(float)
    scores = rng.normal(size=(N, 2))
    for name in ("hinge", "squared_hinge"):
        f, g = LOSSES[name].function, LOSSES[name].gradient
        assert f(labels, scores) == f(2 * labels - 1, scores)
        np.testing.assert_array_equal(g(labels, scores), g(2 * labels - 1, scores))


def test_categorical_crossentropy_on_logits_is_softmax_then_log(rng):
    z = rng.normal(scale=2, size=(N, 4))
    y = np.eye(4)[rng.integers(0, 4, size=N)]
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    ours = categorical_crossentropy(y, z, from_logits=True)
    np.testing.assert_allclose(ours, categorical_crossentropy(y, p), **TIGHT)
    # the fused gradient: softmax(z) − y, over n samples
    np.testing.assert_allclose(
        categorical_crossentropy_gradient(y, z, from_logits=True), (p - y) / N, **TIGHT
    )
    # rescaling p/Σp makes the loss blind to scaling p: Σ_j p_j·∂L/∂p_j = 0 per row
    row_sums = (p * categorical_crossentropy_gradient(y, p)).sum(axis=1)
    np.testing.assert_allclose(row_sums, 0, atol=1e-14)


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_is_categorical_with_one_hot_rows(from_logits, rng):
    labels = rng.integers(0, 4, size=N)
    y_pred = rng.normal(size=(N, 4)) if from_logits else _probabilities((N, 4), rng)
    r = nnlab.losses
    args = (labels, y_pred), (np.eye(4)[labels], y_pred)
    np.testing.assert_allclose(
        r.sparse_categorical_crossentropy(*args[0], from_logits=from_logits),
        r.categorical_crossentropy(*args[1], from_logits=from_logits),
        **TIGHT,
    )
    np.testing.assert_allclose(
        r.sparse_categorical_crossentropy_gradient(*args[0], from_logits=from_logits),
        r.categorical_crossentropy_gradient(*args[1], from_logits=from_logits),
        **TIGHT,
    )


@pytest.mark.tf
def test_tensorflows_fused_gradient_assumes_label_rows_summing_to_1(rng, tf):
    # Rows of y summing to 1.7: TF's kernel still returns softmax(z) − y, which is not the
    # derivative of the loss it computes; nnlab returns softmax(z)·Σy − y, the derivative.
    z, y = rng.normal(size=(3, 4)), rng.uniform(0, 1, size=(3, 4))
    y = 1.7 * y / y.sum(axis=1, keepdims=True)
    theirs, their_gradient = _keras(tf, "categorical_crossentropy", {"from_logits": True}, y, z)
    assert math.isclose(categorical_crossentropy(y, z, from_logits=True), theirs, rel_tol=1e-12)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(their_gradient, (p - y) / 3, **TIGHT)
    ours = categorical_crossentropy_gradient(y, z, from_logits=True)
    np.testing.assert_allclose(ours, (1.7 * p - y) / 3, **TIGHT)


@pytest.mark.tf
def test_categorical_crossentropy_rescales_probability_rows_like_keras(rng, tf):
    y = np.eye(4)[rng.integers(0, 4, size=N)]
    p = rng.uniform(0.05, 1.0, size=(N, 4))  # rows summing to anything
    theirs, their_gradient = _keras(tf, "categorical_crossentropy", {}, y, p)
    np.testing.assert_allclose(categorical_crossentropy(y, p), theirs, **TIGHT)
    np.testing.assert_allclose(categorical_crossentropy_gradient(y, p), their_gradient, **TIGHT)


@pytest.mark.tf
def test_log_cosh_differs_from_keras_only_by_its_float32_log_2(rng, tf):
    assert 1.8e-9 < KERAS_LOG_2_OFFSET < 2.0e-9  # float32(log 2) = 0.6931471824645996
    y_true, y_pred = rng.normal(size=(N, 3)), rng.normal(size=(N, 3))
    w = rng.uniform(0, 2, size=N)
    theirs, _ = _keras(tf, "log_cosh", {}, y_true, y_pred, w)
    difference = nnlab.losses.log_cosh(y_true, y_pred, w) - theirs
    assert math.isclose(difference, KERAS_LOG_2_OFFSET * np.mean(w), rel_tol=1e-6)


def test_binary_label_smoothing_squeezes_labels_towards_one_half():
    # s = 1: every label becomes 1/2, so 0 and 1 labels give the same loss
    p = np.array([0.3, 0.8])
    assert binary_crossentropy([0.0, 0.0], p, label_smoothing=1.0) == binary_crossentropy(
        [1.0, 1.0], p, label_smoothing=1.0
    )
    # s = 0.2: label 1 → 0.9; −(0.9·log 0.8 + 0.1·log 0.2) = 0.200829 + 0.160944 = 0.361773
    assert round(binary_crossentropy([1.0], [0.8], label_smoothing=0.2), 6) == 0.361773


# --- dtypes, read-only inputs, extreme inputs ----------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_float32_in_float32_out_and_everything_else_float64(name, rng):
    record = LOSSES[name]
    for params in _param_sets(name):
        y_true, y_pred = _inputs(name, params, _shapes(name)[-1], rng)
        t32 = y_true if name == SPARSE else y_true.astype(np.float32)  # labels stay integers
        p32 = y_pred.astype(np.float32)
        value = record.function(t32, p32, np.ones(N), **params)
        assert type(value) is np.float32, (name, params)
        assert record.gradient(t32, p32, **params).dtype == np.float32, (name, params)
        np.testing.assert_allclose(value, record.function(y_true, y_pred, **params), rtol=1e-5)
        # lists and ints compute in float64, as does a float32 / float64 mix
        assert type(record.function(y_true.tolist(), y_pred.tolist(), **params)) is float
        assert record.gradient(y_true, p32, **params).dtype == np.float64 or name == SPARSE


@pytest.mark.tf
@pytest.mark.parametrize("name", NAMES)
def test_float32_agrees_with_keras_default_float32_class(name, rng, tf):
    params = _param_sets(name)[-1]
    y_true, y_pred = _inputs(name, params, _shapes(name)[-1], rng)
    p32 = y_pred.astype(np.float32)
    t32 = y_true if name == SPARSE else y_true.astype(np.float32)
    theirs = keras_loss(name, dtype="float32", **params)(t32, p32)
    assert theirs.dtype == tf.float32
    np.testing.assert_allclose(LOSSES[name].function(t32, p32, **params), theirs.numpy(), rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", NAMES)
def test_inputs_are_never_modified(name, dtype, rng):
    record = LOSSES[name]
    for params in _param_sets(name):
        y_true, y_pred = _inputs(name, params, _shapes(name)[-1], rng)
        y_true = y_true if name == SPARSE else y_true.astype(dtype)
        w = rng.uniform(0, 1, size=N)

        def both(t, p, w, params=params):
            return record.function(t, p, w, **params), record.gradient(t, p, w, **params)

        _, gradient = assert_inputs_unchanged(both, y_true, y_pred.astype(dtype), w)
        assert gradient.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("name", "params"), PARAM_CASES)
def test_extreme_inputs_are_finite_and_silent(name, params, dtype):
    y_true, y_pred = _edge_inputs(name, params)  # logits ±1e4, probabilities exactly 0 and 1
    y_true = y_true if name == SPARSE else y_true.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = LOSSES[name].function(y_true, y_pred.astype(dtype), **params)
        gradient = LOSSES[name].gradient(y_true, y_pred.astype(dtype), **params)
    assert np.isfinite(value) and np.isfinite(gradient).all()


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in NAMES if n != SPARSE])
def test_mismatched_shapes_are_rejected_naming_y_pred(name):
    with pytest.raises(
        ValueError, match=r"'y_pred' must have the same shape as 'y_true' \(4, 2\); got \(4, 3\)\."
    ):
        LOSSES[name].function(np.zeros((4, 2)), np.full((4, 3), 0.5))
    with pytest.raises(ValueError, match=r"same shape as 'y_true' \(4, 1\); got \(4, 2\)\."):
        LOSSES[name].gradient(np.zeros((4, 1)), np.full((4, 2), 0.5))


@pytest.mark.parametrize("name", NAMES)
def test_bad_sample_weights_and_non_finite_inputs_are_rejected(name):
    record, y_pred = LOSSES[name], np.full((4, 2), 0.5)
    y_true = np.array([0, 1, 1, 0]) if name == SPARSE else np.eye(2)[[0, 1, 1, 0]]
    with pytest.raises(ValueError, match=r"'sample_weight' must be ≥ 0; got -1 for sample 2\."):
        record.function(y_true, y_pred, [1.0, 0.5, -1.0, 1.0])
    with pytest.raises(
        ValueError,
        match="'sample_weight' must have 4 entries, one per sample \\(row\\) of 'y_pred'; got 3",
    ):
        record.gradient(y_true, y_pred, [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="'sample_weight' must contain only finite numbers"):
        record.function(y_true, y_pred, [1.0, np.nan, 1.0, 1.0])
    with pytest.raises(ValueError, match="'y_pred' must contain only finite numbers; got NaN"):
        record.function(y_true, np.where(np.eye(4, 2) > 0, np.nan, 0.5))
    with pytest.raises(TypeError, match="'y_pred' must be a number or an array of numbers"):
        record.function(y_true, "0.5")
    with pytest.raises(
        ValueError, match=r"'y_pred' must hold at least one sample; got shape \(0, 2\)"
    ):
        record.function(np.zeros(0) if name == SPARSE else np.zeros((0, 2)), np.zeros((0, 2)))


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([0, 1.5, 2, 0], r"in \[0, 3\), one per column of 'y_pred'; got 1.5 for sample 1\."),
        ([0, 1, 3, 0], r"in \[0, 3\), one per column of 'y_pred'; got 3 for sample 2\."),
        ([0, -1, 2, 0], r"got -1 for sample 1\."),
        (
            np.eye(3)[[0, 1, 2, 0]],
            r"'y_true' must be integer class labels shaped \(n,\); got \(4, 3\)",
        ),
        ([0, 1, 2], r"'y_true' must have 4 labels, one per row of 'y_pred'; got 3\."),
    ],
)
def test_sparse_labels_must_be_integers_in_range(labels, message):
    for f in (LOSSES[SPARSE].function, LOSSES[SPARSE].gradient):
        with pytest.raises(ValueError, match=message):
            f(labels, np.full((4, 3), 1 / 3))


@pytest.mark.parametrize(
    ("name", "params", "error", "message"),
    [
        ("huber", {"delta": 0.0}, ValueError, r"'delta' must be > 0; got 0\."),
        ("huber", {"delta": -1.0}, ValueError, r"'delta' must be > 0; got -1.0\."),
        ("quantile", {"tau": 0.0}, ValueError, r"'tau' must be in \(0, 1\); got 0\."),
        ("quantile", {"tau": 1.5}, ValueError, r"'tau' must be in \(0, 1\); got 1.5\."),
        ("quantile", {"tau": "0.5"}, TypeError, r"'tau' must be a number; got '0.5'\."),
        ("binary_crossentropy", {"label_smoothing": -0.1}, ValueError, r"in \[0, 1\]; got -0.1"),
        ("categorical_crossentropy", {"label_smoothing": 1.5}, ValueError, r"got 1.5\."),
        ("binary_crossentropy", {"from_logits": "yes"}, TypeError, "True or False; got 'yes'"),
        (SPARSE, {"from_logits": 1}, TypeError, r"'from_logits' must be True or False; got 1\."),
    ],
)
def test_hyperparameters_out_of_range_are_rejected(name, params, error, message):
    y_pred = np.full((4, 2), 0.5)
    y_true = np.array([0, 1, 1, 0]) if name == SPARSE else np.eye(2)[[0, 1, 1, 0]]
    for f in (LOSSES[name].function, LOSSES[name].gradient):
        with pytest.raises(error, match=message):
            f(y_true, y_pred, **params)


@pytest.mark.parametrize("name", ["categorical_crossentropy", SPARSE])
def test_categorical_losses_need_two_classes_and_usable_probabilities(name):
    y_true = np.zeros(4) if name == SPARSE else np.ones((4, 1))
    with pytest.raises(
        ValueError, match=r"at least 2; got shape \(4, 1\)\. For one output .* binary_crossentropy"
    ):
        LOSSES[name].function(y_true, np.full((4, 1), 0.5))
    with pytest.raises(ValueError, match=r"'y_pred' must be a 2-D array; got 1-D"):
        LOSSES[name].function(y_true[:, 0] if y_true.ndim == 2 else y_true, np.full(4, 0.5))


def test_a_probability_row_summing_to_0_is_rejected():
    with pytest.raises(ValueError, match="positive sum .* got a row summing to 0 at sample 1"):
        categorical_crossentropy(np.eye(2), np.array([[0.5, 0.5], [0.0, 0.0]]))


# --- class weights for imbalanced data ------------------------------------------------------------


def test_balanced_class_weights_by_hand():
    # 4 samples, 2 classes: w_0 = 4 / (2·3) = 2/3, w_1 = 4 / (2·1) = 2
    assert balanced_class_weight([0, 0, 0, 1]) == {0: 2 / 3, 1: 2.0}
    # one-hot rows and an (n, 1) column mean the same labels
    assert balanced_class_weight(np.eye(2)[[0, 0, 0, 1]]) == {0: 2 / 3, 1: 2.0}
    assert balanced_class_weight([[0], [0], [0], [1]]) == {0: 2 / 3, 1: 2.0}


def test_balanced_weights_give_every_class_the_same_total_weight(rng):
    y = rng.choice([0, 1, 2], size=200, p=[0.8, 0.15, 0.05])
    w = class_weight_to_sample_weight(y, "balanced")
    totals = [w[y == c].sum() for c in range(3)]
    np.testing.assert_allclose(totals, 200 / 3, **TIGHT)  # n_samples / n_classes each


def test_a_class_weighted_loss_is_what_keras_fit_class_weight_trains_on():
    # Keras' fit(class_weight=cw) turns cw into sample weights w_i = cw[y_i] and calls the
    # loss with them; hand-worked for y = (0, 0, 0, 1), p = (0.1, 0.2, 0.1, 0.6):
    y, p = np.array([0.0, 0, 0, 1]), np.array([0.1, 0.2, 0.1, 0.6])
    w = class_weight_to_sample_weight(y, {0: 2 / 3, 1: 2.0})
    np.testing.assert_array_equal(w, [2 / 3, 2 / 3, 2 / 3, 2.0])
    # per-sample losses −log 0.9, −log 0.8, −log 0.9, −log 0.6 = 0.105361, 0.223144, 0.105361,
    # 0.510826; (2/3·0.433865 + 2·0.510826) / 4 = (0.289243 + 1.021651) / 4 = 0.327724
    assert round(binary_crossentropy(y, p, sample_weight=w), 6) == 0.327724


@pytest.mark.parametrize(
    ("class_weight", "error", "message"),
    [
        (
            {0: 1.0, 1: 2.0},
            ValueError,
            r"weight for every class in 'y'; got none for class 2 \(it has \[0, 1\]\)",
        ),
        ({0: -1.0, 1: 1.0, 2: 1.0}, ValueError, r"'class_weight\[0\]' must be ≥ 0; got -1.0\."),
        (
            "balance",
            ValueError,
            r"'class_weight' must be one of 'balanced'; got 'balance'\. Did you mean",
        ),
        (
            [1.0, 2.0, 3.0],
            TypeError,
            r"'class_weight' must be a dict \{class: weight\} or 'balanced'",
        ),
    ],
)
def test_bad_class_weights_are_rejected(class_weight, error, message):
    with pytest.raises(error, match=message):
        class_weight_to_sample_weight([0, 1, 2, 2], class_weight)


def test_class_labels_must_be_whole_numbers():
    with pytest.raises(
        ValueError, match=r"'y' must hold integer class labels ≥ 0; got 0.5 for sample 1\."
    ):
        balanced_class_weight([0, 0.5, 1])
