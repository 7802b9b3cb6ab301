"""best_constant: the constant prediction with the least loss. Oracles: the mean, the median and
np.quantile, a hand-worked Huber example, weights as repeated samples, and a brute-force
property (no nearby c, and for the piecewise-linear losses no target, does better)."""

import numpy as np
import pytest
from conftest import assert_inputs_unchanged

from nnlab.losses import LOSSES, best_constant

REGRESSION = [name for name, record in LOSSES.items() if record.task == "regression"]
BISECTION = {"rel": 0, "abs": 1e-9}  # bisection to 1e-10 × max(1, |y|) on data within ±10


@pytest.fixture
def skewed(rng):
    """A right-skewed sample (exponential): median < mean."""
    return rng.exponential(2.0, size=41)


def test_the_docstring_example_by_hand():
    # mean (1 + 2 + 3 + 10) / 4 = 4; any c in [2, 3] minimises |c−1| + |c−2| + |c−3| + |c−10|
    assert best_constant([1, 2, 3, 10]) == pytest.approx(4.0, **BISECTION)
    assert best_constant([1, 2, 3, 10], "mae") == 2.5
    # Huber, δ = 2, on (0, 1, 10): for c ∈ [1, 2] the slope is c + (c − 1) − 2 = 0 at c = 1.5,
    # between the median 1 and the mean 11/3: the outlier pulls with at most δ.
    assert best_constant([0, 1, 10], "huber", delta=2.0) == pytest.approx(1.5, **BISECTION)


@pytest.mark.parametrize("n", [1, 2, 7, 50])
def test_mse_gives_the_mean(rng, n):
    y = rng.normal(3.0, 2.0, size=n)
    assert best_constant(y, "mse") == pytest.approx(np.mean(y), **BISECTION)


@pytest.mark.parametrize("n", [1, 3, 7, 51])
def test_mae_gives_exactly_the_median_for_odd_n(rng, n):
    y = rng.normal(size=n)
    assert best_constant(y, "mae") == np.median(y)


def test_mae_on_even_n_gives_the_middle_of_the_two_middle_targets(rng):
    y = rng.normal(size=10)
    middle = np.sort(y)[4:6]  # every c between them has the same, least, absolute error
    assert best_constant(y, "mae") == pytest.approx(middle.mean(), abs=1e-15)
    assert LOSSES["mae"].function(y, np.full(10, middle[0])) == pytest.approx(
        LOSSES["mae"].function(y, np.full(10, middle[1]))
    )


@pytest.mark.parametrize("tau", [0.05, 0.3, 0.5, 0.77, 0.95])
@pytest.mark.parametrize("n", [5, 20, 33])
def test_quantile_gives_a_tau_quantile(rng, tau, n):
    y = np.sort(rng.normal(size=n))
    c = best_constant(y, "quantile", tau=tau)
    position = tau * (n - 1)  # where np.quantile interpolates, between two order statistics
    assert y[int(np.floor(position))] <= c <= y[int(np.ceil(position))]
    assert y[int(np.floor(position))] <= np.quantile(y, tau) <= y[int(np.ceil(position))]
    # A share ≤ τ of the targets lies below c and a share ≤ 1 − τ above it
    assert np.mean(y < c) <= tau + 1e-12 and np.mean(y > c) <= 1 - tau + 1e-12


def test_quantile_at_one_half_is_the_median(rng):
    y = rng.normal(size=15)  # pinball at τ = 0.5 is half the absolute error
    assert best_constant(y, "quantile", tau=0.5) == np.median(y)


@pytest.mark.parametrize("loss", ["mae", "quantile"])
def test_piecewise_linear_losses_have_no_better_target(rng, loss):
    y = rng.normal(size=12)  # their loss is linear between targets: the least is at a target
    record = LOSSES[loss]
    c = best_constant(y, loss)
    at_targets = [record.function(y, np.full_like(y, t)) for t in y]
    assert record.function(y, np.full_like(y, c)) == pytest.approx(min(at_targets), rel=1e-12)


@pytest.mark.parametrize("loss", REGRESSION)
def test_no_nearby_constant_does_better(skewed, loss):
    record = LOSSES[loss]
    c = best_constant(skewed, loss)
    best = record.function(skewed, np.full_like(skewed, c))
    for step in (1e-3, 1e-1):
        for other in (c - step, c + step):
            assert best <= record.function(skewed, np.full_like(skewed, other)) + 1e-12


@pytest.mark.parametrize("loss", ["huber", "log_cosh"])
def test_huber_and_log_cosh_lie_between_median_and_mean(skewed, loss):
    c = best_constant(skewed, loss)
    assert np.median(skewed) < c < np.mean(skewed)


def test_huber_tends_to_the_mean_for_large_delta_and_the_median_for_small(skewed):
    spread = np.ptp(skewed)  # δ beyond every residual: all quadratic, so exactly the mse
    assert best_constant(skewed, "huber", delta=spread) == pytest.approx(
        np.mean(skewed), **BISECTION
    )
    # δ below every gap between targets: each residual but the median's is clipped to ±δ,
    # 20 on each side cancel, so the slope is 0 at the median itself
    gaps = np.diff(np.sort(skewed)).min()
    assert best_constant(skewed, "huber", delta=gaps / 2) == pytest.approx(
        np.median(skewed), **BISECTION
    )
    deltas = [0.01, 0.1, 0.5, 1.0, 2.0, 5.0]  # in between, c moves from median to mean
    path = [best_constant(skewed, "huber", delta=d) for d in deltas]
    assert np.all(np.diff(path) >= 0)


def test_whole_weights_count_as_repeated_samples(rng):
    y, w = rng.normal(size=9), rng.integers(0, 4, size=9)
    repeated = np.repeat(y, w)
    for loss in REGRESSION:
        assert best_constant(y, loss, sample_weight=w) == pytest.approx(
            best_constant(repeated, loss), **BISECTION
        ), loss
    assert best_constant(y, "mse", sample_weight=w) == pytest.approx(
        np.average(y, weights=w), **BISECTION
    )


def test_constant_targets_give_that_constant_and_inputs_are_unchanged(rng):
    assert best_constant([2.5, 2.5, 2.5], "huber") == 2.5
    assert best_constant([-1.0]) == -1.0
    y, w = rng.normal(size=6), rng.uniform(size=6)
    result = assert_inputs_unchanged(
        lambda y, w: best_constant(y, "quantile", sample_weight=w, tau=0.2), y, w
    )
    assert min(y) <= result <= max(y)


def test_aliases_resolve():
    assert best_constant([1, 2, 3, 10], "mean_absolute_error") == 2.5


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"loss": "hinge"}, ValueError, r"'loss' must be a regression loss, one of 'mse', .*"),
        ({"loss": "binary_crossentropy"}, ValueError, r"got 'binary_crossentropy' \(a binary"),
        ({"loss": "mse_loss"}, ValueError, r"'loss' must be one of .*; got 'mse_loss'"),
        ({"loss": "huber", "tau": 0.5}, TypeError, r"'params' must be parameters of huber"),
        ({"loss": "mse", "delta": 1.0}, TypeError, r"of mse \(none\); got 'delta'"),
        ({"loss": "quantile", "tau": 1.0}, ValueError, r"'tau' must be in \(0, 1\); got 1.0"),
        ({"loss": "huber", "delta": 0.0}, ValueError, r"'delta' must be > 0; got 0.0"),
        ({"sample_weight": [1, -1, 1]}, ValueError, r"'sample_weight' must be ≥ 0; got -1"),
        ({"sample_weight": [1, 1]}, ValueError, r"'sample_weight' must have 3 entries"),
    ],
)
def test_bad_arguments_are_refused_with_what_was_expected(kwargs, error, message):
    with pytest.raises(error, match=message):
        best_constant([1.0, 2.0, 3.0], **kwargs)


@pytest.mark.parametrize(
    ("y", "error", "message"),
    [
        ([], ValueError, r"'y' must hold at least one target; got an empty array"),
        ([[1.0, 2.0]], ValueError, r"'y' must be a 1-D array; got 2-D"),
        ([1.0, np.nan], ValueError, r"'y' must contain only finite numbers; got NaN"),
        ("1, 2", TypeError, r"'y' must be a number or an array of numbers"),
    ],
)
def test_bad_targets_are_refused(y, error, message):
    with pytest.raises(error, match=message):
        best_constant(y)
