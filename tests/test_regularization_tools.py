"""Notebook 09's tools beyond the weight penalties: image augmentation (against np.rot90,
hand-placed pixels and the exactness of bilinear interpolation on linear images), ensembles
(against the hand-computed mean of real MLPs), and hyperparameter search (bookkeeping with a
fake model whose score is known, one search with real MLPs, printouts and error messages)."""

import itertools

import numpy as np
import pytest
from conftest import TIGHT, assert_inputs_unchanged, read_only

from nnlab.datasets import blobs
from nnlab.losses import sparse_categorical_crossentropy
from nnlab.network import MLP
from nnlab.optimizers import SGD
from nnlab.regularization import (
    Ensemble,
    SearchResult,
    augment_images,
    cross_validate,
    grid_search,
    kfold_indices,
    log_uniform,
    random_search,
    rotate_images,
    shift_images,
    train_validation_split,
    uniform,
)

# --- shifts ------------------------------------------------------------------------------------


def _lit(row, col, shape=(8, 8)):
    """One flattened image, 0 everywhere but 1 at (row, col)."""
    image = np.zeros(shape)
    image[row, col] = 1.0
    return image.reshape(1, -1)


@pytest.mark.parametrize(("dx", "dy"), [(2, 0), (0, 3), (-1, 2), (3, -2), (-2, -3)])
def test_shift_moves_a_lit_pixel_dx_right_and_dy_down(dx, dy):
    shifted = shift_images(_lit(3, 4), dx, dy).reshape(8, 8)
    np.testing.assert_array_equal(shifted, _lit(3 + dy, 4 + dx).reshape(8, 8))


def test_shift_fills_with_zeros():
    # An all-ones 4×4 image moved 1 right and 2 down: column 0 and rows 0-1 are empty,
    # the other 3·2 = 6 pixels still 1.
    shifted = shift_images(np.ones((1, 16)), 1, 2).reshape(4, 4)
    expected = np.zeros((4, 4))
    expected[2:, 1:] = 1.0
    np.testing.assert_array_equal(shifted, expected)


def test_shift_off_the_image_leaves_zeros(rng):
    X = rng.random((3, 64))
    np.testing.assert_array_equal(shift_images(X, 8, 0), np.zeros((3, 64)))
    np.testing.assert_array_equal(shift_images(X, 0, -20), np.zeros((3, 64)))


def test_shift_by_zero_is_the_identity_and_a_new_array(rng):
    X = rng.random((5, 784))
    shifted = shift_images(X, 0, 0)
    np.testing.assert_array_equal(shifted, X)
    assert not np.shares_memory(shifted, X)


def test_shift_and_rotate_keep_float32_and_leave_inputs_alone(rng):
    X = rng.random((4, 64)).astype(np.float32)
    assert assert_inputs_unchanged(lambda X: shift_images(X, 1, -1), X).dtype == np.float32
    assert assert_inputs_unchanged(lambda X: rotate_images(X, 30), X).dtype == np.float32


def test_image_shape_is_inferred_given_or_refused(rng):
    X = rng.random((2, 63))  # 63 pixels: not a square
    with pytest.raises(ValueError, match="'image_shape' must be given"):
        shift_images(X, 1, 0)
    # Given as 7×9: a lit pixel at (6, 0) moves to (6, 8) when shifted 8 right.
    image = np.zeros((7, 9))
    image[6, 0] = 1.0
    moved = shift_images(image.reshape(1, -1), 8, 0, image_shape=(7, 9)).reshape(7, 9)
    assert moved[6, 8] == 1.0 and moved.sum() == 1.0
    with pytest.raises(ValueError, match=r"'image_shape' must hold as many pixels .* \(63\)"):
        rotate_images(X, 10, image_shape=(8, 8))
    with pytest.raises(ValueError, match="'image_shape' must be"):
        rotate_images(X, 10, image_shape=7)


def test_shift_amounts_must_be_whole_numbers(rng):
    with pytest.raises(ValueError, match="'dx' must be a whole number"):
        shift_images(rng.random((1, 64)), 0.5, 0)
    with pytest.raises(TypeError, match="'dy'"):
        shift_images(rng.random((1, 64)), 1, "2")


# --- rotations ---------------------------------------------------------------------------------


def test_rotate_by_zero_is_exactly_the_identity(rng):
    X = rng.random((6, 64))
    np.testing.assert_array_equal(rotate_images(X, 0), X)


@pytest.mark.parametrize("side", [8, 28, 5])
@pytest.mark.parametrize(("degrees", "quarter_turns"), [(90, 1), (180, 2), (270, 3), (-90, 3)])
def test_quarter_turns_equal_np_rot90(rng, side, degrees, quarter_turns):
    X = rng.random((3, side * side))
    expected = [np.rot90(x.reshape(side, side), quarter_turns).ravel() for x in X]
    np.testing.assert_array_equal(rotate_images(X, degrees), expected)


def test_positive_angles_turn_counter_clockwise_on_screen():
    # Drawn with imshow (row 0 at the top), +90° takes the top-right corner to the top left,
    # and the top left to the bottom left.
    np.testing.assert_array_equal(rotate_images(_lit(0, 7), 90), _lit(0, 0))
    np.testing.assert_array_equal(rotate_images(_lit(0, 0), 90), _lit(7, 0))


def test_rotate_by_360_is_the_identity(rng):
    X = rng.random((4, 64))
    np.testing.assert_allclose(rotate_images(X, 360), X, **TIGHT)


def test_bilinear_rotation_is_exact_on_a_linear_image():
    # Bilinear interpolation reproduces a linear function exactly. The image f = col rotated by
    # θ shows, at each pixel whose source lies inside, the source column
    #   c_s = 3.5 + (col − 3.5)·cos θ − (row − 3.5)·sin θ   (counter-clockwise on screen).
    theta = np.deg2rad(20.0)
    rows, cols = np.mgrid[0:8, 0:8]
    source_col = 3.5 + (cols - 3.5) * np.cos(theta) - (rows - 3.5) * np.sin(theta)
    source_row = 3.5 + (cols - 3.5) * np.sin(theta) + (rows - 3.5) * np.cos(theta)
    inside = (source_col >= 0) & (source_col <= 7) & (source_row >= 0) & (source_row <= 7)
    ramp = np.tile(np.arange(8.0), (8, 1))  # f(row, col) = col
    rotated = rotate_images(ramp.reshape(1, -1), 20.0).reshape(8, 8)
    assert inside.sum() > 30
    np.testing.assert_allclose(rotated[inside], source_col[inside], **TIGHT)


@pytest.mark.parametrize("degrees", [30.0, 45.0, -60.0])
def test_rotated_ones_fade_to_zero_over_one_pixel_outside(degrees):
    # An all-ones image is 1 inside and 0 outside; bilinear interpolation between them gives,
    # along each axis, g(t) = clip(min(t + 1, size − t), 0, 1) at source coordinate t: 1 inside,
    # a linear fade over the last pixel, 0 beyond it (the corners of a 45° turn read 0).
    theta = np.deg2rad(degrees)
    rows, cols = np.mgrid[0:8, 0:8]
    source_col = 3.5 + (cols - 3.5) * np.cos(theta) - (rows - 3.5) * np.sin(theta)
    source_row = 3.5 + (cols - 3.5) * np.sin(theta) + (rows - 3.5) * np.cos(theta)

    def g(t):
        return np.clip(np.minimum(t + 1, 8 - t), 0, 1)

    rotated = rotate_images(np.ones((1, 64)), degrees).reshape(8, 8)
    np.testing.assert_allclose(rotated, g(source_row) * g(source_col), **TIGHT)
    assert rotated[0, 0] == 0.0 and rotated[3, 3] == 1.0


def test_one_angle_per_image(rng):
    X = rng.random((3, 64))
    together = rotate_images(X, [0.0, 90.0, 33.0])
    for x, angle, row in zip(X, [0.0, 90.0, 33.0], together):
        np.testing.assert_array_equal(row, rotate_images(x[None], angle)[0])
    with pytest.raises(ValueError, match="'degrees' must have 3 angles"):
        rotate_images(X, [10.0, 20.0])


# --- augment_images ----------------------------------------------------------------------------


@pytest.fixture
def digits_like(rng):
    """20 images of 8×8 whole numbers 0 … 16, as scikit-learn's digits, with labels."""
    X = rng.integers(0, 17, size=(20, 64)).astype(float)
    return X, rng.integers(0, 10, size=20)


def test_augment_keeps_the_originals_first_and_copies_the_labels(digits_like):
    X, y = digits_like
    X_aug, y_aug = augment_images(X, y, copies=3, noise=0.5, rng=0)
    assert X_aug.shape == (80, 64)
    np.testing.assert_array_equal(X_aug[:20], X)
    np.testing.assert_array_equal(y_aug, np.concatenate([y, y, y, y]))
    assert y_aug.dtype == y.dtype
    assert not np.array_equal(X_aug[20:40], X)  # the copies did change


def test_augment_is_reproducible_with_a_seed_and_varies_without(digits_like):
    X, y = digits_like
    first = augment_images(X, y, copies=2, noise=0.3, rng=7)[0]
    np.testing.assert_array_equal(first, augment_images(X, y, copies=2, noise=0.3, rng=7)[0])
    assert not np.array_equal(first, augment_images(X, y, copies=2, noise=0.3, rng=8)[0])


def test_augment_stays_within_the_range_of_X(digits_like):
    X, y = digits_like
    X_aug, _ = augment_images(X, y, copies=5, shift=2, rotation=30, noise=4.0, rng=0)
    assert X_aug.min() == 0.0 and X_aug.max() == 16.0  # clipped, and noise 4 reaches both ends


def test_augment_noise_has_the_requested_standard_deviation():
    # Image 0 is constant 8; image 1 spans 0 … 16, so nothing near 8 ± 10·0.5 is clipped.
    X = np.vstack([np.full(64, 8.0), np.linspace(0, 16, 64)])
    X_aug, _ = augment_images(X, [0, 1], copies=30, shift=0, rotation=0, noise=0.5, rng=0)
    noisy = X_aug[2::2]  # the 30 copies of image 0: 1,920 pixels
    assert abs(noisy.std() - 0.5) < 0.03  # the estimate's own spread is about 0.5/√3840 ≈ 0.008
    assert abs(noisy.mean() - 8.0) < 0.05


def test_augment_with_nothing_random_copies_the_originals(digits_like):
    X, y = digits_like
    X_aug, _ = augment_images(X, y, copies=2, shift=0, rotation=0, noise=0, rng=0)
    np.testing.assert_array_equal(X_aug, np.vstack([X, X, X]))
    np.testing.assert_array_equal(augment_images(X, y, copies=0)[0], X)


def test_augment_shifts_stay_within_shift_and_take_every_value():
    # A lit pixel in the middle of a 9×9 image, no rotation: each copy's pixel moved by dx, dy
    # in {-2, …, 2}; over 200 copies every one of the 25 moves appears.
    X = _lit(4, 4, shape=(9, 9))
    X_aug, _ = augment_images(X, [1], copies=200, shift=2, rotation=0, rng=0)
    positions = [np.unravel_index(np.argmax(x), (9, 9)) for x in X_aug[1:]]
    moves = {(int(r) - 4, int(c) - 4) for r, c in positions}
    assert moves == set(itertools.product(range(-2, 3), repeat=2))
    np.testing.assert_array_equal(X_aug[1:].sum(axis=1), 1.0)  # whole-pixel moves: no blur


def test_augment_does_not_modify_its_inputs(digits_like):
    X, y = digits_like
    assert_inputs_unchanged(lambda X, y: augment_images(X, y, copies=2, noise=1.0, rng=0), X, y)


@pytest.mark.parametrize(
    ("arguments", "error", "name"),
    [
        ({"copies": -1}, ValueError, "copies"),
        ({"copies": 1.5}, ValueError, "copies"),
        ({"shift": -1}, ValueError, "shift"),
        ({"rotation": 200}, ValueError, "rotation"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"rng": 0.5}, TypeError, "rng"),
        ({"y": np.zeros(3)}, ValueError, "y"),
    ],
)
def test_augment_refuses_bad_input(digits_like, arguments, error, name):
    X, y = digits_like
    with pytest.raises(error, match=f"'{name}'"):
        augment_images(X, **{"y": y, **arguments})


# --- ensembles ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def three_classes():
    """Overlapping blobs, 3 classes, split in train and validation halves."""
    X, y = blobs(n_samples=240, centers=3, spread=2.5, rng=0)
    return X[:120], X[120:], y[:120], y[120:]


def _train_mlp(X, y, learning_rate=0.1, seed=0, epochs=5):
    mlp = MLP([2, 8, 3], output_activation="softmax", rng=seed)
    mlp.fit(
        X,
        y,
        loss="sparse_categorical_crossentropy",
        optimizer=SGD(learning_rate),
        epochs=epochs,
        verbose=0,
    )
    return mlp


@pytest.fixture(scope="module")
def two_mlps(three_classes):
    X_train, _, y_train, _ = three_classes
    return [_train_mlp(X_train, y_train, seed=seed) for seed in (1, 2)]


def test_ensemble_predicts_the_mean_of_its_members(three_classes, two_mlps):
    X_val = three_classes[1]
    first, second = (mlp.predict(X_val) for mlp in two_mlps)
    assert not np.allclose(first, second)  # the members do differ
    np.testing.assert_allclose(Ensemble(two_mlps).predict(X_val), (first + second) / 2, **TIGHT)


def test_ensemble_evaluate_against_the_hand_computed_loss_and_accuracy(three_classes, two_mlps):
    _, X_val, _, y_val = three_classes
    mean = (two_mlps[0].predict(X_val) + two_mlps[1].predict(X_val)) / 2
    loss = -np.mean(np.log(mean[np.arange(len(y_val)), y_val]))  # −log p̄ of the true class
    accuracy = np.mean(mean.argmax(axis=1) == y_val)
    logs = Ensemble(two_mlps).evaluate(X_val, y_val, "sparse_categorical_crossentropy")
    assert logs.keys() == {"loss", "accuracy"}
    np.testing.assert_allclose(logs["loss"], loss, rtol=1e-12)
    assert logs["accuracy"] == accuracy


def test_ensemble_of_one_model_is_that_model(three_classes, two_mlps):
    _, X_val, _, y_val = three_classes
    mlp, loss = two_mlps[0], "sparse_categorical_crossentropy"
    ensemble = Ensemble([mlp])
    np.testing.assert_array_equal(ensemble.predict(X_val), mlp.predict(X_val))
    ours, theirs = ensemble.evaluate(X_val, y_val, loss), mlp.evaluate(X_val, y_val, loss)
    np.testing.assert_allclose(ours["loss"], theirs["loss"], rtol=1e-9)  # from p vs from z
    assert ours["accuracy"] == theirs["accuracy"]


def test_members_evaluate_gives_each_members_numbers(three_classes, two_mlps):
    _, X_val, _, y_val = three_classes
    loss = "sparse_categorical_crossentropy"
    members = Ensemble(two_mlps).members_evaluate(X_val, y_val, loss)
    assert len(members) == 2
    for logs, mlp in zip(members, two_mlps):
        p = mlp.predict(X_val)
        np.testing.assert_allclose(logs["loss"], sparse_categorical_crossentropy(y_val, p))
        assert logs["accuracy"] == np.mean(p.argmax(axis=1) == y_val)


class _Constant:
    """A stand-in model predicting the same rows for every X."""

    def __init__(self, rows):
        self.rows = np.asarray(rows, dtype=float)

    def predict(self, X):
        return np.tile(self.rows, (len(X), 1))


def test_ensemble_accuracy_of_one_column_uses_the_half_threshold():
    # Members say 0.9 and 0.2: the mean 0.55 > 0.5 votes 1 for every sample.
    ensemble = Ensemble([_Constant([0.9]), _Constant([0.2])])
    assert ensemble.evaluate(np.zeros((2, 3)), [1.0, 1.0], "binary_crossentropy")["accuracy"] == 1
    logs = ensemble.evaluate(np.zeros((2, 3)), [1.0, 0.0], "binary_crossentropy")
    assert logs["accuracy"] == 0.5
    np.testing.assert_allclose(logs["loss"], -(np.log(0.55) + np.log(0.45)) / 2, rtol=1e-6)
    mse = ensemble.evaluate(np.zeros((2, 3)), [1.0, 0.0], "mse")  # (0.45² + 0.55²) / 2
    assert mse.keys() == {"loss"}
    np.testing.assert_allclose(mse["loss"], (0.45**2 + 0.55**2) / 2, rtol=1e-12)


def test_ensemble_refuses_bad_members():
    with pytest.raises(ValueError, match="'models' must hold at least one"):
        Ensemble([])
    with pytest.raises(TypeError, match=r"'models\[1\]' must be a trained model"):
        Ensemble([_Constant([0.5]), "not a model"])
    with pytest.raises(TypeError, match="'models' must be a list"):
        Ensemble(_Constant([0.5]))
    mixed = Ensemble([_Constant([0.5, 0.5]), _Constant([0.2, 0.3, 0.5])])
    with pytest.raises(ValueError, match=r"'models\[1\]' must predict the shape"):
        mixed.predict(np.zeros((2, 1)))


# --- splitting ---------------------------------------------------------------------------------


def test_train_validation_split_shuffles_and_partitions(rng):
    X, y = rng.random((50, 3)), np.arange(50)
    X_train, X_val, y_train, y_val = train_validation_split(X, y, validation_split=0.2, rng=3)
    assert (len(X_train), len(X_val)) == (40, 10)
    np.testing.assert_array_equal(np.sort(np.concatenate([y_train, y_val])), np.arange(50))
    np.testing.assert_array_equal(X_val, X[y_val])  # rows stay with their labels
    assert not np.array_equal(y_train, np.arange(10, 50))  # shuffled, not the tail
    again = train_validation_split(X, y, validation_split=0.2, rng=3)[3]
    np.testing.assert_array_equal(again, y_val)
    other = train_validation_split(X, y, validation_split=0.2, rng=4)[3]
    assert not np.array_equal(np.sort(other), np.sort(y_val))


@pytest.mark.parametrize("split", [0, 1, -0.2, 1.5])
def test_train_validation_split_refuses_fractions_outside_0_1(rng, split):
    with pytest.raises(ValueError, match="'validation_split' must be in \\(0, 1\\)"):
        train_validation_split(rng.random((10, 2)), np.arange(10), validation_split=split)


def test_train_validation_split_keeps_both_parts_non_empty(rng):
    X_train, X_val, _, _ = train_validation_split(rng.random((3, 2)), [0, 1, 2], 0.01, rng=0)
    assert (len(X_train), len(X_val)) == (2, 1)


# --- grid and random search: bookkeeping with a fake model --------------------------------------


class _Fake:
    """A "trained" model whose validation accuracy is known in advance from its parameters."""

    def __init__(self, **params):
        self.params = params

    def evaluate(self, X, y, loss):
        score = self.params.get("learning_rate", 0.0) + 0.01 * self.params.get("units", 0)
        return {"loss": 1.0 - score, "accuracy": score}


def _recording_train(calls):
    def train(X, y, **params):
        calls.append((X, y, params))
        return _Fake(**params)

    return train


def test_grid_search_trains_every_combination_in_product_order_and_keeps_the_best():
    calls, X, y = [], np.zeros((4, 2)), np.zeros(4)
    grid = {"learning_rate": [0.1, 0.3, 0.2], "units": [4, 16]}
    result = grid_search(_recording_train(calls), grid, X, y, None, None, "mse", verbose=0)
    expected = [
        {"learning_rate": lr, "units": units} for lr, units in itertools.product(*grid.values())
    ]
    assert [params for _, _, params in calls] == expected
    assert all(X_seen is X and y_seen is y for X_seen, y_seen, _ in calls)
    assert [trial["params"] for trial in result.trials] == expected
    np.testing.assert_allclose(
        [trial["score"] for trial in result.trials], [0.14, 0.26, 0.34, 0.46, 0.24, 0.36]
    )
    assert result.best_params == {"learning_rate": 0.3, "units": 16}
    assert result.best_score == pytest.approx(0.46)
    assert result.best_model.params == result.best_params
    assert result.metric == "accuracy"


def test_grid_search_on_the_loss_keeps_the_lowest():
    grid = {"learning_rate": [0.1, 0.3, 0.2]}
    result = grid_search(_recording_train([]), grid, None, None, None, None, "mse", "loss", 0)
    assert result.best_params == {"learning_rate": 0.3}
    assert result.best_score == pytest.approx(0.7)


def test_search_keeps_the_first_of_equal_scores_and_puts_nan_last():
    trials = [
        {"params": {"a": 1}, "score": float("nan")},
        {"params": {"a": 2}, "score": 0.5},
        {"params": {"a": 3}, "score": 0.5},
    ]
    assert SearchResult(trials, "accuracy", None).best_params == {"a": 2}
    assert SearchResult(trials, "loss", None).best_params == {"a": 2}


def test_grid_search_prints_one_line_per_trial(capsys):
    grid = {"learning_rate": [0.01, 0.1], "units": [3]}
    grid_search(_recording_train([]), grid, None, None, None, None, "mse")
    assert capsys.readouterr().out == (
        "trial 1/2  learning_rate=0.01  units=3  →  val accuracy 0.0400\n"
        "trial 2/2  learning_rate=0.1  units=3  →  val accuracy 0.1300\n"
    )
    grid_search(_recording_train([]), grid, None, None, None, None, "mse", verbose=0)
    assert capsys.readouterr().out == ""


def test_search_result_table_is_sorted_best_first():
    grid = {"learning_rate": [0.01, 0.1, 0.05], "units": [3]}
    result = grid_search(_recording_train([]), grid, None, None, None, None, "mse", verbose=0)
    assert result.table() == (
        "rank  trial  learning_rate  units  val accuracy\n"
        "1     2      0.1            3      0.1300\n"
        "2     3      0.05           3      0.0800\n"
        "3     1      0.01           3      0.0400"
    )
    assert (
        repr(result)
        == "SearchResult(3 trials, best val accuracy 0.1300 with learning_rate=0.1  units=3)"
    )


def test_grid_search_with_real_networks_finds_the_learning_rate_that_learns(three_classes):
    X_train, X_val, y_train, y_val = three_classes
    loss = "sparse_categorical_crossentropy"

    def train(X, y, learning_rate):
        return _train_mlp(X, y, learning_rate=learning_rate, epochs=10)

    result = grid_search(
        train, {"learning_rate": [1e-6, 0.2]}, X_train, y_train, X_val, y_val, loss, verbose=0
    )
    slow, fast = (trial["score"] for trial in result.trials)
    assert fast > slow + 0.2  # 1e-6 barely moves the random start
    assert result.best_params == {"learning_rate": 0.2}
    assert isinstance(result.best_model, MLP)
    assert result.best_model.evaluate(X_val, y_val, loss)["accuracy"] == result.best_score


def test_random_search_is_reproducible_and_draws_from_each_kind_of_value():
    space = {
        "learning_rate": log_uniform(1e-4, 1e-1),
        "dropout": uniform(0.0, 0.5),
        "units": [8, 16, 32],
        "seed": lambda rng: int(rng.integers(1000)),
    }
    calls = []
    result = random_search(
        _recording_train(calls), space, 12, None, None, None, None, "mse", rng=3, verbose=0
    )
    again = random_search(
        _recording_train([]), space, 12, None, None, None, None, "mse", rng=3, verbose=0
    )
    other = random_search(
        _recording_train([]), space, 12, None, None, None, None, "mse", rng=4, verbose=0
    )
    assert result.trials == again.trials
    assert result.trials != other.trials
    drawn = [params for _, _, params in calls]
    assert len(drawn) == 12 and all(params.keys() == space.keys() for params in drawn)
    assert all(1e-4 <= params["learning_rate"] <= 1e-1 for params in drawn)
    assert all(0.0 <= params["dropout"] <= 0.5 for params in drawn)
    assert {params["units"] for params in drawn} == {8, 16, 32}
    assert len({params["seed"] for params in drawn}) > 1


def test_random_search_prints_like_grid_search(capsys):
    random_search(_recording_train([]), {"units": [5]}, 2, None, None, None, None, "mse", rng=0)
    assert capsys.readouterr().out == (
        "trial 1/2  units=5  →  val accuracy 0.0500\ntrial 2/2  units=5  →  val accuracy 0.0500\n"
    )


def test_distributions_draw_within_their_bounds_log_uniform_per_decade(rng):
    flat = np.array([uniform(-1.0, 3.0).sample(rng) for _ in range(3000)])
    assert flat.min() >= -1.0 and flat.max() <= 3.0
    assert abs(np.mean(flat < 1.0) - 0.5) < 0.05  # half below the middle
    logs = np.array([log_uniform(1e-4, 1e-1).sample(rng) for _ in range(3000)])
    assert logs.min() >= 1e-4 and logs.max() <= 1e-1
    per_decade = np.histogram(np.log10(logs), bins=[-4, -3, -2, -1])[0] / 3000
    np.testing.assert_allclose(per_decade, 1 / 3, atol=0.04)  # uniform would give 1 %, 9 %, 90 %
    assert repr(uniform(0, 0.5)) == "uniform(0, 0.5)"
    assert repr(log_uniform(1e-4, 0.1)) == "log_uniform(0.0001, 0.1)"


def test_distributions_refuse_bad_bounds():
    with pytest.raises(ValueError, match="'low' must be < 'high'"):
        uniform(1.0, 1.0)
    with pytest.raises(ValueError, match="'low' must be < 'high'"):
        log_uniform(0.1, 0.01)
    with pytest.raises(ValueError, match="'low' must be > 0"):
        log_uniform(0.0, 1.0)
    with pytest.raises(TypeError, match="'high'"):
        uniform(0.0, "1")


# --- cross-validation --------------------------------------------------------------------------


@pytest.mark.parametrize(("n_samples", "k"), [(10, 5), (11, 3), (7, 7), (2, 2)])
def test_kfold_indices_partition_the_samples(n_samples, k):
    folds = kfold_indices(n_samples, k, rng=0)
    assert len(folds) == k
    validated = np.concatenate([val_idx for _, val_idx in folds])
    np.testing.assert_array_equal(np.sort(validated), np.arange(n_samples))  # each once
    sizes = [len(val_idx) for _, val_idx in folds]
    assert max(sizes) - min(sizes) <= 1
    for train_idx, val_idx in folds:
        np.testing.assert_array_equal(
            np.sort(np.concatenate([train_idx, val_idx])), np.arange(n_samples)
        )
    repeated = kfold_indices(n_samples, k, rng=0)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, repeated))


def test_kfold_indices_shuffle():
    folds = kfold_indices(100, 4, rng=0)
    assert not np.array_equal(folds[0][1], np.arange(25))


class _Echo:
    """A stand-in model that remembers its training rows; its "accuracy" is the mean of y_val."""

    def __init__(self, X, y, offset=0.0):
        self.X, self.offset = X, offset

    def evaluate(self, X, y, loss):
        assert not set(X[:, 0]) & set(self.X[:, 0])  # never validated on a training row
        return {"accuracy": float(np.mean(y)) + self.offset, "loss": 0.0}


def test_cross_validate_scores_each_fold_on_its_own_validation_part():
    X = np.arange(12.0).reshape(12, 1)
    y = np.arange(12.0)
    scores = cross_validate(
        lambda X, y, offset: _Echo(X, y, offset), {"offset": 100.0}, X, y, "mse", k=4, rng=5
    )
    expected = [np.mean(y[val_idx]) + 100.0 for _, val_idx in kfold_indices(12, 4, rng=5)]
    np.testing.assert_allclose(scores, expected, **TIGHT)
    assert scores.shape == (4,)


def test_cross_validate_with_real_networks(three_classes, capsys):
    X, _, y, _ = three_classes
    scores = cross_validate(
        _train_mlp, {"learning_rate": 0.2}, X, y, "sparse_categorical_crossentropy", k=3, rng=0
    )
    assert scores.shape == (3,) and np.all((scores > 0.5) & (scores <= 1.0))
    assert capsys.readouterr().out == ""  # verbose=0 by default


def test_cross_validate_prints_each_fold_and_the_mean(capsys):
    # With rng=0 the folds of 6 samples validate on [2, 3], [4, 5], [0, 1] (kfold_indices'
    # doctest); the score is the mean of y there: 0, 0, 0.5 → mean 1/6, std √(1/72) = 0.2357.
    X, y = np.arange(6.0).reshape(6, 1), np.array([1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    scores = cross_validate(lambda X, y: _Echo(X, y), {}, X, y, "mse", k=3, rng=0, verbose=1)
    np.testing.assert_array_equal(scores, [0.0, 0.0, 0.5])
    assert capsys.readouterr().out.splitlines() == [
        "fold 1/3  →  val accuracy 0.0000",
        "fold 2/3  →  val accuracy 0.0000",
        "fold 3/3  →  val accuracy 0.5000",
        "mean val accuracy 0.1667 ± 0.2357 (standard deviation over 3 folds)",
    ]


# --- bad input to the searches -----------------------------------------------------------------


def _train_fake(X, y, **params):
    return _Fake(**params)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: grid_search(_train_fake, {}, 0, 0, 0, 0, "mse"), ValueError, "'param_grid'"),
        (lambda: grid_search(_train_fake, [0.1], 0, 0, 0, 0, "mse"), TypeError, "'param_grid'"),
        (
            lambda: grid_search(_train_fake, {"units": []}, 0, 0, 0, 0, "mse"),
            ValueError,
            r"'param_grid\['units'\]' must hold at least one value",
        ),
        (
            lambda: grid_search(_train_fake, {"units": 4}, 0, 0, 0, 0, "mse"),
            TypeError,
            r"'param_grid\['units'\]' must be a list",
        ),
        (
            lambda: grid_search(_train_fake, {"units": [4]}, 0, 0, 0, 0, "mse", "f1"),
            ValueError,
            "'metric'",
        ),
        (
            lambda: grid_search(_train_fake, {"units": [4]}, 0, 0, 0, 0, "msee"),
            ValueError,
            "'loss'",
        ),
        (lambda: grid_search(None, {"units": [4]}, 0, 0, 0, 0, "mse"), TypeError, "'train'"),
        (
            lambda: grid_search(lambda X, y, units: None, {"units": [4]}, 0, 0, 0, 0, "mse"),
            TypeError,
            "'train' must return the trained model .* for units=4",
        ),
        (
            lambda: random_search(_train_fake, {"units": [4]}, 0, 0, 0, 0, 0, "mse"),
            ValueError,
            "'n_trials'",
        ),
        (
            lambda: random_search(_train_fake, {}, 3, 0, 0, 0, 0, "mse"),
            ValueError,
            "'param_distributions'",
        ),
        (
            lambda: random_search(_train_fake, {"units": "16"}, 3, 0, 0, 0, 0, "mse"),
            TypeError,
            r"'param_distributions\['units'\]'",
        ),
        (lambda: kfold_indices(10, k=1), ValueError, "'k' must be a whole number in \\[2, 10\\]"),
        (lambda: kfold_indices(10, k=11), ValueError, "'k' must be a whole number in \\[2, 10\\]"),
        (lambda: kfold_indices(1, k=2), ValueError, "'n_samples'"),
        (
            lambda: cross_validate(_train_fake, {}, np.zeros((5, 1)), np.zeros(5), "mse", k=6),
            ValueError,
            "'k'",
        ),
        (
            lambda: cross_validate(_train_fake, None, np.zeros((5, 1)), np.zeros(5), "mse"),
            TypeError,
            "'params'",
        ),
        (
            lambda: cross_validate(_train_fake, {}, np.zeros((5, 1)), np.zeros(4), "mse"),
            ValueError,
            "'y'",
        ),
        (
            lambda: grid_search(_train_fake, {"units": [4]}, 0, 0, 0, 0, "mse", verbose=2),
            ValueError,
            "'verbose'",
        ),
    ],
)
def test_searches_refuse_bad_input_naming_the_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_a_metric_the_model_does_not_report_is_explained(three_classes):
    X_train, X_val, y_train, y_val = three_classes

    def train(X, y, units):  # a regression network: evaluate reports only the loss
        mlp = MLP([2, units, 1], rng=0)
        mlp.fit(X, y, loss="mse", epochs=1, verbose=0)
        return mlp

    with pytest.raises(ValueError, match="'metric' must be one of what evaluate reports .*'loss'"):
        grid_search(train, {"units": [2]}, X_train, y_train, X_val, y_val, "mse", verbose=0)


def test_searches_do_not_modify_the_data(three_classes):
    X_train, X_val, y_train, y_val = read_only(*three_classes)

    def train(X, y, learning_rate):
        return _train_mlp(X, y, learning_rate=learning_rate, epochs=1)

    loss = "sparse_categorical_crossentropy"
    grid_search(train, {"learning_rate": [0.1]}, X_train, y_train, X_val, y_val, loss, verbose=0)
    cross_validate(train, {"learning_rate": 0.1}, X_train, y_train, loss, k=2, rng=0)
