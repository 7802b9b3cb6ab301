"""Initializers against independent oracles: the papers' variance formulas and the fans of each
test shape, written out below (not read from the records); sample moments within tolerances
derived from the sample size; the truncated normal's constants from math.erf; a two-sample
Kolmogorov–Smirnov test against draws of the Keras initializer of the same name; support bounds,
reproducibility and error messages. Parametrised over INITIALIZERS: a newly registered
initializer fails here until it has an oracle below."""

import copy
import dataclasses
import inspect
import math
import pickle

import numpy as np
import pytest

from nnlab.activations import ACTIVATIONS
from nnlab.initializers import (
    ALIASES,
    INITIALIZERS,
    TRUNCATED_STDDEV,
    get_initializer,
    random_normal,
    random_uniform,
)
from nnlab.layers import Dense

NAMES = list(INITIALIZERS)
RANDOM = [name for name in NAMES if name != "zeros"]

# Test shapes and their fans, worked by hand (Keras' compute_fans): a matrix (n_in, n_out) has
# fans (n_in, n_out); a vector (n,) has (n, n); a conv kernel (3, 3, 16, 32) has a receptive
# field of 3·3 = 9, so fan_in = 9·16 = 144 and fan_out = 9·32 = 288.
FANS = {
    (300, 200): (300, 200),
    (784, 128): (784, 128),
    (50, 1000): (50, 1000),
    (500,): (500, 500),
    (3, 3, 16, 32): (144, 288),
}

# Var(W) as the papers and Keras' docs state it, and E[W].
VARIANCE = {
    "zeros": lambda fan_in, fan_out: 0.0,
    "random_normal": lambda fan_in, fan_out: 0.05**2,  # stddev²
    "random_uniform": lambda fan_in, fan_out: 0.1**2 / 12,  # (b − a)² / 12 on [−0.05, 0.05)
    "glorot_uniform": lambda fan_in, fan_out: 2 / (fan_in + fan_out),
    "glorot_normal": lambda fan_in, fan_out: 2 / (fan_in + fan_out),
    "he_normal": lambda fan_in, fan_out: 2 / fan_in,
    "he_uniform": lambda fan_in, fan_out: 2 / fan_in,
    "lecun_normal": lambda fan_in, fan_out: 1 / fan_in,
    "lecun_uniform": lambda fan_in, fan_out: 1 / fan_in,
}
FORMULA = {
    "zeros": "0",
    "random_normal": "stddev²",
    "random_uniform": "(maxval − minval)² / 12",
    "glorot_uniform": "2 / (fan_in + fan_out)",
    "glorot_normal": "2 / (fan_in + fan_out)",
    "he_normal": "2 / fan_in",
    "he_uniform": "2 / fan_in",
    "lecun_normal": "1 / fan_in",
    "lecun_uniform": "1 / fan_in",
}

# N(0, 1) truncated at ±a, a = 2, with Z = Φ(a) − Φ(−a) = erf(a/√2) and φ(a) = e^(−a²/2)/√(2π):
# E[x²] = 1 − 2aφ(a)/Z and E[x⁴] = 3 − 2(a³ + 3a)φ(a)/Z (integration by parts).
_Z = math.erf(2 / math.sqrt(2))
_PHI = math.exp(-2) / math.sqrt(2 * math.pi)
TRUNCATED_M2 = 1 - 4 * _PHI / _Z  # ≈ 0.7737 = 0.87963²
TRUNCATED_M4 = 3 - 28 * _PHI / _Z
# Kurtosis E[x⁴]/E[x²]², which tells the three shapes apart whatever their variance.
KURTOSIS = {"normal": 3.0, "uniform": 9 / 5, "truncated_normal": TRUNCATED_M4 / TRUNCATED_M2**2}

# Sample-size tolerances: Z_SCORE standard errors. For n draws with standard deviation σ and
# kurtosis κ, SE(mean) = σ/√n and SE(mean of (W − μ)²) = σ²·√((κ − 1)/n) ≤ σ²·√(2/n), as κ ≤ 3
# for every distribution here. 5 SE: a correct initializer fails with probability ~6e-7 per check.
Z_SCORE = 5


def _pre_truncation_stddev(name, fan_in, fan_out):
    """s of N(0, s²) before truncation: Keras' √Var / 0.8796, from the oracle's variance."""
    return math.sqrt(VARIANCE[name](fan_in, fan_out) / TRUNCATED_M2)


def ks_statistic(a, b):
    """Two-sample Kolmogorov–Smirnov statistic D = max |F_a(x) − F_b(x)| over both samples."""
    a, b = np.sort(np.ravel(a)), np.sort(np.ravel(b))
    x = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, x, side="right") / a.size
    cdf_b = np.searchsorted(b, x, side="right") / b.size
    return float(np.abs(cdf_a - cdf_b).max())


# Two samples of N draws each from one distribution give D > c(α)·√(2/N) with probability α,
# c(α) = √(−ln(α/2)/2). N = 100 000 and α = 0.001: D_crit ≈ 0.0087, small enough to catch an
# untruncated normal of the right variance (D ≈ 0.02; checked below).
KS_SHAPE, KS_ALPHA = (500, 200), 0.001
KS_CRITICAL = math.sqrt(-math.log(KS_ALPHA / 2) / 2) * math.sqrt(2 / math.prod(KS_SHAPE))


def keras_draw(tf, name, shape, seed):
    """Draws of ``keras.initializers.get(name)`` (default parameters) with ``seed``, in float64."""
    import keras

    initializer = keras.initializers.get(INITIALIZERS[name].keras)
    config = initializer.get_config()
    if "seed" in config:  # Zeros has none
        config["seed"] = seed
    return np.asarray(type(initializer).from_config(config)(shape, dtype="float64"))


# --- the registry -----------------------------------------------------------------------------


def test_every_initializer_has_an_oracle_here():
    assert set(NAMES) == set(VARIANCE) == set(FORMULA)
    assert set(NAMES) >= {"zeros", "glorot_uniform", "he_normal", "lecun_uniform"}


@pytest.mark.parametrize("name", NAMES)
def test_a_record_reads_as_the_table_in_notebook_06_does(name):
    record = INITIALIZERS[name]
    assert record.name == name
    assert record.variance_formula == FORMULA[name]
    assert set(record.suits) <= set(ACTIVATIONS), record.suits
    signature = inspect.signature(record.function)
    assert list(signature.parameters)[:3] == ["shape", "rng", "dtype"]
    defaults = {p: signature.parameters[p].default for p in list(signature.parameters)[3:]}
    assert defaults == dict(record.params)  # the record's params are the function's defaults


def test_the_course_pairs_schemes_with_activations():
    assert "tanh" in INITIALIZERS["glorot_uniform"].suits
    assert "relu" in INITIALIZERS["he_normal"].suits
    assert INITIALIZERS["lecun_normal"].suits == ("selu",)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", FANS)
def test_the_record_variance_is_the_papers_formula(name, shape):
    fans = FANS[shape]
    assert INITIALIZERS[name].variance(*fans) == pytest.approx(VARIANCE[name](*fans), rel=1e-12)


def test_the_record_follows_given_parameters():
    assert INITIALIZERS["random_normal"].variance(1, 1, stddev=0.2) == pytest.approx(0.04)
    assert INITIALIZERS["random_normal"].mean(mean=0.5) == 0.5
    assert INITIALIZERS["random_uniform"].variance(1, 1, minval=0.0, maxval=6.0) == 3.0
    assert INITIALIZERS["random_uniform"].mean(minval=0.0, maxval=6.0) == 3.0


@pytest.mark.parametrize("name", NAMES)
def test_records_are_frozen_and_copy_and_pickle_by_name(name):
    record = INITIALIZERS[name]
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.scale = 3.0
    with pytest.raises(TypeError):
        record.params["stddev"] = 1.0
    assert copy.deepcopy(record) is record
    assert pickle.loads(pickle.dumps(record)) is record


@pytest.mark.parametrize(("alias", "name"), ALIASES.items())
def test_pytorch_and_notes_names_resolve(alias, name):
    assert get_initializer(alias) is INITIALIZERS[name]


def test_pytorchs_name_for_he_is_kaiming():  # 003 Q7: nn.init.kaiming_normal_
    assert get_initializer("kaiming_normal").name == "he_normal"
    assert get_initializer("kaiming_uniform").name == "he_uniform"


@pytest.mark.parametrize("name", NAMES)
def test_the_record_is_called_like_its_function_and_dense_uses_it(name):
    record = INITIALIZERS[name]
    np.testing.assert_array_equal(record((4, 3), rng=5), record.function((4, 3), rng=5))
    for dtype in ("float64", "float32"):
        layer = Dense(4, 3, initializer=name, rng=5, dtype=dtype)
        np.testing.assert_array_equal(layer.W, record.function((4, 3), rng=5, dtype=dtype))
        assert layer.W.dtype == dtype


# --- the distributions ------------------------------------------------------------------------


def test_the_truncation_constant_is_the_truncated_normals_stddev():
    # 0.87962566103423978 in Keras' VarianceScaling: √E[x²] of N(0, 1) cut at ±2.
    assert TRUNCATED_STDDEV == pytest.approx(math.sqrt(TRUNCATED_M2), rel=1e-15)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", FANS)
def test_sample_mean_and_variance_match_the_formula(name, shape, rng):
    W = INITIALIZERS[name](shape, rng=rng)
    assert W.shape == shape and W.dtype == np.float64
    variance, n = VARIANCE[name](*FANS[shape]), W.size
    if variance == 0:
        np.testing.assert_array_equal(W, 0)
        return
    # E[W] = 0 for every default here; (W − 0)² averages to Var(W), truncated or not.
    assert abs(W.mean()) <= Z_SCORE * math.sqrt(variance / n)
    assert abs((W**2).mean() - variance) <= Z_SCORE * variance * math.sqrt(2 / n)


@pytest.mark.parametrize("name", RANDOM)
def test_the_shape_of_the_distribution_shows_in_its_kurtosis(name, rng):
    # One million draws: a truncated normal (κ ≈ 2.37) is neither a normal (3) nor a uniform
    # (1.8). The sample kurtosis has SE ≤ √(24/n) ≈ 0.005 (the normal's, the largest here).
    W = INITIALIZERS[name]((1000, 1000), rng=rng)
    kurtosis = (W**4).mean() / (W**2).mean() ** 2
    expected = KURTOSIS[INITIALIZERS[name].distribution]
    assert kurtosis == pytest.approx(expected, abs=Z_SCORE * math.sqrt(24 / W.size))


def _bound(name, fan_in, fan_out):
    """The largest possible |W − E[W]|: √(3·Var) for a uniform, 2s for a truncated normal."""
    if INITIALIZERS[name].distribution == "uniform":
        return math.sqrt(3 * VARIANCE[name](fan_in, fan_out))  # Var(U(−limit, limit)) = limit²/3
    return 2 * _pre_truncation_stddev(name, fan_in, fan_out)


BOUNDED = [n for n in RANDOM if INITIALIZERS[n].distribution != "normal"]


@pytest.mark.parametrize("name", BOUNDED)
@pytest.mark.parametrize("shape", FANS)
def test_draws_stay_within_the_support(name, shape, rng):
    W = INITIALIZERS[name](shape, rng=rng)
    centre = INITIALIZERS[name].mean()  # random_uniform's midpoint, else 0
    assert np.abs(W - centre).max() <= _bound(name, *FANS[shape])
    if name == "random_uniform":
        assert W.min() >= -0.05 and W.max() < 0.05  # [minval, maxval)


@pytest.mark.parametrize("name", BOUNDED)
def test_draws_fill_the_support(name, rng):
    # Not cut tighter than the bound: of 10⁶ draws, the largest lies within 1 % of it (the
    # chance that none does is below (1 − 0.0005)^(10⁶) ≈ e^(−500) for every shape here).
    W = INITIALIZERS[name]((1000, 1000), rng=rng)
    assert np.abs(W).max() > 0.99 * _bound(name, 1000, 1000)


def test_the_truncated_normal_keeps_the_target_variance_where_a_naive_one_would_not(rng):
    # Cutting N(0, σ²) at ±2σ leaves 0.774·σ²; Keras widens σ by 1/0.8796 first, so the
    # variance after the cut is σ² again. 10⁶ draws: 5 SE ≈ 0.7 %, far below the 23 % gap.
    W = INITIALIZERS["he_normal"]((1000, 1000), rng=rng)
    target = 2 / 1000
    assert (W**2).mean() == pytest.approx(target, rel=Z_SCORE * math.sqrt(2 / W.size))
    naive = rng.normal(0, math.sqrt(target), W.size)
    naive = naive[np.abs(naive) <= 2 * math.sqrt(target)]
    assert (naive**2).mean() == pytest.approx(TRUNCATED_M2 * target, rel=0.01)


# --- against Keras ----------------------------------------------------------------------------


def test_the_ks_statistic_matches_scipy(rng):
    from scipy.stats import ks_2samp

    a, b = rng.normal(size=1000), rng.normal(0.1, 1.0, size=700)
    assert ks_statistic(a, b) == pytest.approx(ks_2samp(a, b).statistic, rel=1e-12)


def test_the_ks_test_has_the_power_to_see_a_missing_truncation(rng):
    # The likeliest mistake: an untruncated normal with the right variance (PyTorch's
    # kaiming_normal_). At the sample size used against Keras it is rejected.
    ours = INITIALIZERS["he_normal"](KS_SHAPE, rng=rng)
    untruncated = rng.normal(0, math.sqrt(2 / KS_SHAPE[0]), size=KS_SHAPE)
    assert ks_statistic(ours, untruncated) > 2 * KS_CRITICAL


@pytest.mark.tf
@pytest.mark.parametrize("name", NAMES)
def test_the_keras_twin_has_the_same_settings(name, tf):
    import keras

    record, twin = INITIALIZERS[name], keras.initializers.get(INITIALIZERS[name].keras)
    if record.mode is not None:
        assert (twin.scale, twin.mode, twin.distribution) == (
            record.scale,
            record.mode,
            record.distribution,
        )
    for param, value in record.params.items():
        assert getattr(twin, param) == value, param


@pytest.mark.tf
@pytest.mark.parametrize("name", NAMES)
def test_draws_match_keras_in_distribution(name, rng, tf):
    ours = INITIALIZERS[name](KS_SHAPE, rng=rng)
    theirs = keras_draw(tf, name, KS_SHAPE, seed=11)
    assert theirs.shape == KS_SHAPE and theirs.dtype == np.float64
    if name == "zeros":
        np.testing.assert_array_equal(ours, theirs)
    else:
        assert ks_statistic(ours, theirs) < KS_CRITICAL


@pytest.mark.tf
@pytest.mark.parametrize("name", ["he_uniform", "glorot_normal"])
@pytest.mark.parametrize("shape", [(500,), (3, 3, 16, 32)])
def test_fans_of_vectors_and_conv_kernels_match_keras(name, shape, rng, tf):
    # Many draws of these small shapes, compared with as many Keras draws (different seeds).
    ours = np.stack([INITIALIZERS[name](shape, rng=rng) for _ in range(25)])
    theirs = np.stack([keras_draw(tf, name, shape, seed) for seed in range(25)])
    critical = math.sqrt(-math.log(KS_ALPHA / 2) / 2) * math.sqrt(2 / ours.size)
    assert ks_statistic(ours, theirs) < critical


# --- reproducibility and dtypes ---------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_same_rng_gives_the_same_draw(name):
    record = INITIALIZERS[name]
    np.testing.assert_array_equal(record((30, 20), rng=7), record((30, 20), rng=7))
    generator_a, generator_b = np.random.default_rng(7), np.random.default_rng(7)
    np.testing.assert_array_equal(record((30, 20), rng=generator_a), record((30, 20), rng=7))
    np.testing.assert_array_equal(record((30, 20), rng=generator_b), record((30, 20), rng=7))


@pytest.mark.parametrize("name", RANDOM)
def test_different_seeds_and_successive_calls_differ(name):
    record = INITIALIZERS[name]
    assert not np.array_equal(record((30, 20), rng=1), record((30, 20), rng=2))
    generator = np.random.default_rng(3)
    assert not np.array_equal(record((30, 20), rng=generator), record((30, 20), rng=generator))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["float32", np.float32, np.dtype("float32")])
def test_float32_on_request_is_the_float64_draw_rounded(name, dtype):
    W32 = INITIALIZERS[name]((30, 20), rng=4, dtype=dtype)
    assert W32.dtype == np.float32
    np.testing.assert_array_equal(W32, INITIALIZERS[name]((30, 20), rng=4).astype(np.float32))


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", [(0, 3), (3, -1), (), (2.5, 3), (True, 2), "3", None])
def test_a_bad_shape_gets_a_clear_error(name, shape):
    with pytest.raises(ValueError, match=r"'shape' must be whole numbers ≥ 1, e.g. \(n_in, n_o"):
        INITIALIZERS[name](shape)


def test_a_single_whole_number_is_a_vector_shape():
    assert INITIALIZERS["he_uniform"](5, rng=0).shape == (5,)
    assert INITIALIZERS["he_uniform"](np.int64(5), rng=0).shape == (5,)


@pytest.mark.parametrize(
    ("name", "hint"),
    [("he_norml", "he_normal"), ("xavier_uniformm", "glorot_uniform"), ("Zeros", "zeros")],
)
def test_an_unknown_name_gets_a_did_you_mean(name, hint):
    with pytest.raises(ValueError, match=rf"'initializer' must be one of .*Did you mean '{hint}'"):
        get_initializer(name)


def test_an_unknown_name_is_refused_where_networks_take_it():
    with pytest.raises(ValueError, match=r"'initializer' must be one of 'zeros', 'random_normal'"):
        Dense(2, 2, initializer="glorot")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: random_normal((2, 2), stddev=-1.0), ValueError, "'stddev' must be > 0; got -1.0."),
        (lambda: random_normal((2, 2), stddev=0), ValueError, "'stddev' must be > 0; got 0."),
        (lambda: random_normal((2, 2), mean="0"), TypeError, "'mean' must be a number; got '0'."),
        (
            lambda: random_uniform((2, 2), minval=0.1, maxval=0.1),
            ValueError,
            "'maxval' must be > 0.1; got 0.1.",
        ),
        (
            lambda: random_uniform((2, 2), minval=0.5, maxval=-0.5),
            ValueError,
            "'maxval' must be > 0.5; got -0.5.",
        ),
        (
            lambda: INITIALIZERS["he_normal"]((2, 2), dtype="float16"),
            ValueError,
            "'dtype' must be 'float32' or 'float64'; got 'float16'.",
        ),
        (
            lambda: INITIALIZERS["glorot_uniform"]((2, 2), rng="seed"),
            TypeError,
            "'rng' must be None, an int seed or a numpy.random.Generator; got 'seed'.",
        ),
    ],
)
def test_bad_parameters_get_clear_errors(call, error, message):
    with pytest.raises(error) as raised:
        call()
    assert str(raised.value) == message
