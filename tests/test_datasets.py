"""The data sets are what their docstrings say: shapes and dtypes, the generating formula (checked
with the noise turned off), exact class sizes, repeatable seeds, splits that keep the class
proportions, and errors that name the parameter."""

import numpy as np
import pytest
from conftest import assert_inputs_unchanged

from nnlab.datasets import (
    GATES,
    blobs,
    circles,
    imbalanced_binary,
    load_digits,
    logic_gate,
    one_hot,
    regression_with_outliers,
    spirals,
    train_test_split,
    two_moons,
    xor,
)

CLASSIFICATION = [two_moons, circles, spirals, blobs, imbalanced_binary]
GENERATORS = [regression_with_outliers, *CLASSIFICATION]


@pytest.mark.parametrize("make", GENERATORS)
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(make):
    first, again, other = make(rng=3), make(rng=np.random.default_rng(3)), make(rng=4)
    for a, b, c in zip(first, again, other):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype == c.dtype
    assert not np.array_equal(first[0], other[0]) or not np.array_equal(first[1], other[1])


@pytest.mark.parametrize("make", CLASSIFICATION)
@pytest.mark.parametrize("n_samples", [1, 7, 200])
def test_features_are_float64_rows_and_labels_int64_balanced_and_shuffled(make, n_samples):
    if make is imbalanced_binary and n_samples == 1:
        n_samples = 2  # needs one sample of each class
    X, y = make(n_samples=n_samples, rng=0)
    assert X.shape == (n_samples, 2) and X.dtype == np.float64
    assert y.shape == (n_samples,) and y.dtype == np.int64
    if make is not imbalanced_binary:
        sizes = np.bincount(y, minlength=2)
        assert sizes.sum() == n_samples and sizes.max() - sizes.min() <= 1
    if n_samples == 200:
        assert 0 < np.sum(y[1:] != y[:-1]) and not np.all(np.diff(y) >= 0)  # not sorted by class


def test_regression_shapes_and_the_true_line():
    x, y, is_outlier = regression_with_outliers(n_samples=50, n_outliers=0, noise=0.0, rng=1)
    assert x.shape == (50, 1) and y.shape == (50,) and is_outlier.shape == (50,)
    assert x.dtype == y.dtype == np.float64 and is_outlier.dtype == np.bool_
    assert np.all(np.diff(x[:, 0]) >= 0) and 0 <= x.min() and x.max() <= 10
    np.testing.assert_allclose(y, 1.0 + 2.0 * x[:, 0])  # noise 0: y = intercept + slope·x exactly


@pytest.mark.parametrize("seed", range(5))
def test_outliers_are_where_is_outlier_says(seed):
    slope, intercept, noise, shift = -1.5, 4.0, 0.5, 15.0
    x, y, is_outlier = regression_with_outliers(
        n_samples=80, n_outliers=9, slope=slope, intercept=intercept, noise=noise, rng=seed
    )
    residual = y - (intercept + slope * x[:, 0])
    assert is_outlier.sum() == 9
    assert residual[is_outlier].min() > shift / 2  # all pushed up, by about the shift
    assert np.abs(residual[~is_outlier]).max() < 5 * noise
    assert np.all(residual[is_outlier] < shift * 2.5)  # 1 + 0.2·|N(0, 1)|: "about" the shift


def test_regression_x_range_and_all_outliers():
    x, _, is_outlier = regression_with_outliers(n_samples=5, n_outliers=5, x_range=(-2, -1), rng=0)
    assert is_outlier.all() and -2 <= x.min() and x.max() <= -1


@pytest.mark.parametrize(
    ("n_samples", "minority_fraction", "n_minority"),
    [
        (1000, 0.05, 50),  # 1000·0.05 = 50
        (10, 0.01, 1),  # 10·0.01 = 0.1 rounds to 0: at least 1
        (7, 0.5, 3),  # 7·0.5 = 3.5 → round gives 4, capped at 7 // 2 = 3 so it stays a minority
        (2, 0.5, 1),
        (333, 0.1, 33),  # 33.3 → 33
    ],
)
def test_the_minority_class_has_exactly_the_asked_for_size(
    n_samples, minority_fraction, n_minority
):
    _, y = imbalanced_binary(n_samples=n_samples, minority_fraction=minority_fraction, rng=0)
    assert y.sum() == n_minority and len(y) == n_samples


def test_imbalanced_class_means_sit_at_plus_minus_half_the_separation():
    X, y = imbalanced_binary(
        n_samples=40_000, minority_fraction=0.25, separation=3.0, n_features=3, rng=0
    )
    assert X.shape == (40_000, 3)
    # the standard error of a class mean is 1/√n_class ≤ 1/√10000 = 0.01: 5σ is 0.05
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-1.5, 0, 0], atol=0.05)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [1.5, 0, 0], atol=0.05)
    np.testing.assert_allclose(X[y == 1].std(axis=0), [1, 1, 1], atol=0.05)  # unit variance


def test_two_moons_without_noise_lie_on_their_half_circles():
    X, y = two_moons(n_samples=101, noise=0.0, rng=0)
    upper, lower = X[y == 0], X[y == 1]  # (cos t, sin t) and (1 − cos t, 0.5 − sin t)
    assert len(upper) == 51 and len(lower) == 50
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert upper[:, 1].min() >= -1e-12 and lower[:, 1].max() <= 0.5 + 1e-12


@pytest.mark.parametrize("factor", [0.3, 0.8])
def test_circles_without_noise_have_radii_one_and_factor(factor):
    X, y = circles(n_samples=60, noise=0.0, factor=factor, rng=0)
    radius = np.hypot(*X.T)
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], factor)


def test_noise_is_gaussian_with_the_given_standard_deviation():
    X, y = circles(n_samples=20_000, noise=0.05, factor=0.5, rng=0)
    radius = np.hypot(*X.T)
    assert np.std(radius[y == 0] - 1.0) == pytest.approx(0.05, rel=0.05)


@pytest.mark.parametrize("n_centers", [1, 2, 3, 6])
def test_blob_centres_sit_on_a_circle_with_neighbours_six_apart(n_centers):
    X, y = blobs(n_samples=6 * n_centers, centers=n_centers, spread=0.0, rng=0)
    centres = np.array([X[y == k][0] for k in range(n_centers)])
    np.testing.assert_allclose(X, centres[y])  # spread 0: every point on its centre
    if n_centers == 1:
        np.testing.assert_allclose(centres, [[0, 0]])
    else:
        steps = np.linalg.norm(centres - np.roll(centres, 1, axis=0), axis=1)
        np.testing.assert_allclose(steps, 6.0)
        np.testing.assert_allclose(centres[0, 1], 0.0, atol=1e-12)  # the first on the x₁ axis
        assert centres[0, 0] > 0


def test_blobs_around_given_centres_in_any_dimension():
    centres = np.array([[0.0, 0.0, 0.0], [10.0, 10.0, 10.0]])
    X, y = assert_inputs_unchanged(
        lambda c: blobs(n_samples=5000, centers=c, spread=0.5, rng=0), centres
    )
    assert X.shape == (5000, 3) and np.bincount(y).tolist() == [2500, 2500]
    np.testing.assert_allclose(X[y == 1].mean(axis=0), centres[1], atol=0.05)
    np.testing.assert_allclose(X[y == 1].std(axis=0), 0.5, rtol=0.05)


def test_stratified_split_keeps_the_class_proportions():
    X, y = imbalanced_binary(n_samples=1000, minority_fraction=0.05, rng=0)
    X_train, X_test, y_train, y_test = assert_inputs_unchanged(
        lambda X, y: train_test_split(X, y, test_fraction=0.2, rng=1), X, y
    )
    # 50 minority: 10 to test, 40 to train; 950 majority: 190 to test, 760 to train
    assert (len(y_train), len(y_test), y_train.sum(), y_test.sum()) == (800, 200, 40, 10)
    assert y_train.dtype == y_test.dtype == np.int64 and X_test.shape == (200, 2)
    # the rows travel with their labels: every (x, y) pair comes from the original set
    original = {(*row, label) for row, label in zip(X.tolist(), y.tolist())}
    split = zip(np.vstack([X_train, X_test]).tolist(), np.concatenate([y_train, y_test]).tolist())
    assert {(*row, label) for row, label in split} == original


def test_a_stratified_split_puts_every_class_on_both_sides():
    y = np.array([0] * 97 + [1] * 3)  # 3·0.1 = 0.3 would round to no minority in the test part
    X = np.arange(100.0)[:, None]
    _, _, y_train, y_test = train_test_split(X, y, test_fraction=0.1, rng=0)
    assert set(y_train) == set(y_test) == {0, 1} and y_test.sum() == 1


def test_an_unstratified_split_is_a_random_partition_of_the_rows():
    X = np.arange(40.0).reshape(20, 2)
    y = np.linspace(0.0, 1.0, 20)  # a regression target
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=False, rng=0)
    assert len(X_test) == 5 and len(X_train) == 15  # round(20·0.25)
    rows = np.vstack([X_train, X_test])[:, 0] / 2  # row i holds (2i, 2i + 1)
    assert sorted(rows) == list(range(20)) and not np.all(np.diff(rows) > 0)  # shuffled
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), y[rows.astype(int)])


def test_a_split_is_repeatable_and_stratifies_one_hot_rows():
    X, y = blobs(n_samples=90, centers=3, rng=0)
    first, again = train_test_split(X, y, rng=5), train_test_split(X, y, rng=5)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    *_, Y_train, Y_test = train_test_split(X, one_hot(y), test_fraction=1 / 3, rng=0)
    assert Y_train.sum(axis=0).tolist() == [20, 20, 20] and Y_test.sum(axis=0).tolist() == [10] * 3


def test_one_hot_round_trips_and_pads_to_n_classes():
    y = np.array([2, 0, 1, 2])
    Y = assert_inputs_unchanged(one_hot, y)
    assert Y.shape == (4, 3) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y.argmax(axis=1), y)
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    np.testing.assert_array_equal(one_hot([1.0, 0.0], n_classes=4), [[0, 1, 0, 0], [1, 0, 0, 0]])


BAD_INPUTS = [
    (two_moons, {"n_samples": 0}, ValueError, r"'n_samples' must be a whole number ≥ 1; got 0"),
    (circles, {"n_samples": 2.5}, ValueError, r"'n_samples' must be a whole number ≥ 1; got 2.5"),
    (blobs, {"n_samples": "10"}, TypeError, r"'n_samples' must be a whole number; got '10'"),
    (two_moons, {"noise": -0.1}, ValueError, r"'noise' must be ≥ 0; got -0.1"),
    (circles, {"factor": 1.0}, ValueError, r"'factor' must be in \(0, 1\); got 1.0"),
    (blobs, {"centers": 0}, ValueError, r"'centers' must be a whole number ≥ 1; got 0"),
    (blobs, {"centers": [1, 2]}, ValueError, r"'centers' must be a 2-D array; got 1-D"),
    (blobs, {"spread": -1}, ValueError, r"'spread' must be ≥ 0; got -1"),
    (blobs, {"rng": 0.5}, TypeError, r"'rng' must be None, an int seed"),
    (
        imbalanced_binary,
        {"minority_fraction": 0.6},
        ValueError,
        r"'minority_fraction' must be in \(0, 0.5\]; got 0.6",
    ),
    (imbalanced_binary, {"minority_fraction": 0}, ValueError, r"'minority_fraction' must be in"),
    (imbalanced_binary, {"n_samples": 1}, ValueError, r"'n_samples' must be a whole number ≥ 2"),
    (imbalanced_binary, {"n_features": 0}, ValueError, r"'n_features' must be a whole number ≥ 1"),
    (imbalanced_binary, {"separation": -1}, ValueError, r"'separation' must be ≥ 0"),
    (
        regression_with_outliers,
        {"n_outliers": 61},
        ValueError,
        r"'n_outliers' must be a whole number in \[0, 60\]; got 61",
    ),
    (regression_with_outliers, {"noise": -1}, ValueError, r"'noise' must be ≥ 0"),
    (regression_with_outliers, {"outlier_shift": -5}, ValueError, r"'outlier_shift' must be ≥ 0"),
    (regression_with_outliers, {"slope": np.nan}, ValueError, r"'slope' must be a finite number"),
    (regression_with_outliers, {"x_range": (0, 1, 2)}, ValueError, r"'x_range' must have 2"),
    (regression_with_outliers, {"x_range": (5, 5)}, ValueError, r"'x_range\[1\]' must be > 5"),
]


@pytest.mark.parametrize(("make", "kwargs", "error", "message"), BAD_INPUTS)
def test_bad_generator_arguments_are_named(make, kwargs, error, message):
    with pytest.raises(error, match=message):
        make(**kwargs)


X4, Y4 = np.zeros((4, 2)), np.array([0, 1, 0, 1])
BAD_SPLITS = [
    ({"y": Y4[:3]}, ValueError, r"'y' must have 4 rows, one per row \(sample\) of 'X'; got 3"),
    ({"test_fraction": 1.0}, ValueError, r"'test_fraction' must be in \(0, 1\); got 1.0"),
    ({"test_fraction": 0}, ValueError, r"'test_fraction' must be in \(0, 1\); got 0"),
    ({"X": [[np.nan, 0]] * 4}, ValueError, r"'X' must contain only finite numbers"),
    ({"y": ["a", "b", "a", "b"]}, TypeError, r"'y' must be a number or an array of numbers"),
    ({"X": X4[:1], "y": Y4[:1]}, ValueError, r"'X' must have at least 2 samples .*; got 1"),
    ({"y": [0.1, 0.2, 0.3, 0.4]}, ValueError, r"'y' must have at least 2 samples of some class"),
]


@pytest.mark.parametrize(("changes", "error", "message"), BAD_SPLITS)
def test_bad_split_arguments_are_named(changes, error, message):
    arguments = {"X": X4, "y": Y4, **changes}
    with pytest.raises(error, match=message):
        train_test_split(**arguments)


@pytest.mark.parametrize(
    ("y", "n_classes", "message"),
    [
        ([0, 1, 3], 3, r"'y\[2\]' must be a whole number in \[0, 2\]; got 3.0"),
        ([0, -1], None, r"'y\[1\]' must be a whole number ≥ 0; got -1.0"),
        ([0, 0.5], None, r"'y\[1\]' must be a whole number ≥ 0; got 0.5"),
        ([[0, 1]], None, r"'y' must be a 1-D array; got 2-D"),
        ([0, 1], 0, r"'n_classes' must be a whole number ≥ 1; got 0"),
    ],
)
def test_bad_labels_for_one_hot_are_named(y, n_classes, message):
    with pytest.raises(ValueError, match=message):
        one_hot(y, n_classes=n_classes)


# The truth tables, written out by hand: inputs 00, 01, 10, 11.
TRUTH_TABLES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
    "xor": [0, 1, 1, 0],
}


def test_every_gate_has_a_hand_written_truth_table():
    assert set(GATES) == set(TRUTH_TABLES)


@pytest.mark.parametrize("gate", GATES)
def test_logic_gates_are_their_truth_tables(gate):
    X, y = logic_gate(gate)
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, TRUTH_TABLES[gate])
    np.testing.assert_array_equal(logic_gate(gate.upper())[1], y)  # "AND" as the notes write it


def test_a_gate_is_a_fresh_array_each_time():
    X, y = logic_gate("and")
    X[0, 0], y[0] = 5.0, 7
    X, y = logic_gate("and")
    assert X[0, 0] == 0.0 and y[0] == 0


def test_the_four_xor_rows_are_its_truth_table():
    X, y = xor()
    expected_X, expected_y = logic_gate("xor")
    np.testing.assert_array_equal(X, expected_X)
    np.testing.assert_array_equal(y, expected_y)
    X_noisy, y_noisy = xor(noise=0.1, rng=0)
    np.testing.assert_array_equal(y_noisy, expected_y)
    assert 0 < np.abs(X_noisy - expected_X).max() < 0.5


@pytest.mark.parametrize(("n_samples", "sizes"), [(200, [50, 50, 50, 50]), (7, [2, 2, 2, 1])])
def test_noisy_xor_points_sit_around_the_corners_with_the_corners_labels(n_samples, sizes):
    noise = 0.1
    X, y = xor(n_samples=n_samples, noise=noise, rng=0)
    assert X.shape == (n_samples, 2) and X.dtype == np.float64 and y.dtype == np.int64
    corner = np.rint(X).astype(int)  # 5σ = 0.5 from a corner at most: rounding finds it
    assert np.abs(X - corner).max() < 5 * noise
    np.testing.assert_array_equal(y, corner[:, 0] ^ corner[:, 1])  # label = x₁ XOR x₂
    counts = np.bincount(2 * corner[:, 0] + corner[:, 1], minlength=4)  # 00, 01, 10, 11
    assert sorted(counts, reverse=True) == sizes
    assert not np.all(np.diff(y) >= 0)  # shuffled


def test_xor_points_default_to_some_noise_and_repeat_with_a_seed():
    X, y = xor(n_samples=4000, rng=1)
    np.testing.assert_allclose(np.std(X - np.rint(X)), 0.15, rtol=0.05)
    again = xor(n_samples=4000, rng=1)
    np.testing.assert_array_equal(X, again[0])
    np.testing.assert_array_equal(y, again[1])
    exact, _ = xor(n_samples=8, noise=0, rng=1)
    assert set(map(tuple, exact.tolist())) == {(0, 0), (0, 1), (1, 0), (1, 1)}


@pytest.mark.parametrize("n_classes", [1, 2, 3, 5])
def test_spirals_without_noise_follow_their_formula(n_classes):
    X, y = spirals(n_samples=40 * n_classes, n_classes=n_classes, noise=0.0, rng=0)
    assert X.shape == (40 * n_classes, 2) and np.bincount(y).tolist() == [40] * n_classes
    r = np.hypot(*X.T)
    theta = 2 * np.pi * (1.25 * r + y / n_classes)  # class k: r·(cos θ, sin θ)
    np.testing.assert_allclose(X, r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)]))
    for k in range(n_classes):  # r evenly spaced on [0.1, 1] along each arm
        np.testing.assert_allclose(np.sort(r[y == k]), np.linspace(0.1, 1.0, 40))


def test_spiral_arms_are_a_turn_apart_at_equal_radius():
    # at the same radius, arm k is turned 1/K of a turn from arm 0: three arms, 120° apart
    X, y = spirals(n_samples=30, n_classes=3, noise=0.0, rng=0)
    ends = np.array([X[y == k][np.argmax(np.hypot(*X[y == k].T))] for k in range(3)])  # r = 1
    angles = np.degrees(np.arctan2(ends[:, 1], ends[:, 0]))
    np.testing.assert_allclose(np.diff(angles) % 360, [120, 120])


def test_digits_are_the_8x8_images_scaled_to_the_unit_interval():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(X * 16, np.rint(X * 16))  # pixel / 16 with pixels 0 … 16
    assert sorted(set(y.tolist())) == list(range(10)) and np.bincount(y).min() >= 170
    images, y_images = load_digits(flatten=False)
    assert images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(images.reshape(1797, 64), X)
    np.testing.assert_array_equal(y_images, y)
    # the first image is a 0 whose top row is 0 0 5 13 9 1 0 0 (of 16), with an empty centre
    np.testing.assert_array_equal(images[0, 0] * 16, [0, 0, 5, 13, 9, 1, 0, 0])
    assert y[0] == 0 and images[0, 3:5, 3:5].max() == 0.0


def test_importing_nnlab_loads_neither_scikit_learn_nor_the_network_modules():
    import subprocess
    import sys

    code = (
        "import sys, nnlab.datasets; "
        "print(sorted({'sklearn', 'urllib.request'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


BAD_NEW_INPUTS = [
    (logic_gate, {"name": "nad"}, ValueError, r"'name' must be one of 'and', .*; got 'nad'. "
                                              r"Did you mean 'nand'\?"),
    (logic_gate, {"name": 2}, TypeError, r"'name' must be one of 'and', 'or', .*; got 2"),
    (xor, {"n_samples": 0}, ValueError, r"'n_samples' must be a whole number ≥ 1; got 0"),
    (xor, {"noise": -0.5}, ValueError, r"'noise' must be ≥ 0; got -0.5"),
    (xor, {"rng": "seed"}, TypeError, r"'rng' must be None, an int seed"),
    (spirals, {"n_classes": 0}, ValueError, r"'n_classes' must be a whole number ≥ 1; got 0"),
    (spirals, {"n_samples": 1.5}, ValueError, r"'n_samples' must be a whole number ≥ 1; got 1.5"),
    (spirals, {"noise": -1}, ValueError, r"'noise' must be ≥ 0; got -1"),
]  # fmt: skip


@pytest.mark.parametrize(("make", "kwargs", "error", "message"), BAD_NEW_INPUTS)
def test_bad_arguments_of_the_gate_xor_and_spiral_sets_are_named(make, kwargs, error, message):
    with pytest.raises(error, match=message):
        make(**kwargs)
