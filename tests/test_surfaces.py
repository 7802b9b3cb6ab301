"""Loss surfaces and optimizer paths: every surface's gradient equals central differences and
TensorFlow's; its minima are flat and lowest, the saddle is a saddle; ``trajectory`` with SGD is
the hand-written loop p ← p − η∇f(p), with Adam and others Keras' steps on the same surface;
divergence stops the path at its last finite point; bad inputs are refused by name."""

import copy
import dataclasses
import warnings

import numpy as np
import pytest
from conftest import FINITE_DIFFERENCE, TIGHT, read_only

from nnlab.gradcheck import numerical_gradient
from nnlab.optimizers import OPTIMIZERS, SGD, Adagrad, Adam, RMSprop
from nnlab.surfaces import DIVERGED, SURFACES, Surface, get_surface, trajectory

NAMES = list(SURFACES)


def points_on(surface, rng, n=6):
    """``n`` random points (n, 2) inside the surface's plot ranges, its start and minima."""
    low, high = (surface.xlim[0], surface.ylim[0]), (surface.xlim[1], surface.ylim[1])
    return np.vstack([rng.uniform(low, high, size=(n, 2)), [surface.start], surface.minima])


def tf_function(tf, name, x, y):
    """The surfaces written again in TensorFlow, for its automatic differentiation."""
    if name == "bowl":
        return (x**2 + 10 * y**2) / 2
    if name == "rosenbrock":
        return (1 - x) ** 2 + 100 * (y - x**2) ** 2
    return x**2 + y**4 / 4 - y**2 / 2


def test_the_three_surfaces_and_their_formulas():
    assert NAMES == ["bowl", "rosenbrock", "saddle"]
    assert [s.name for s in SURFACES.values()] == NAMES
    # f at (2, 3), by hand: bowl (4 + 90)/2; rosenbrock 1 + 100·(3 − 4)²; saddle 4 + 81/4 − 9/2
    values = [SURFACES[name].function([2.0, 3.0]) for name in NAMES]
    assert values == [47.0, 101.0, 19.75]
    assert all(isinstance(v, float) for v in values)
    assert SURFACES["rosenbrock"].formula == r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2"
    assert all("$" not in s.formula for s in SURFACES.values())


@pytest.mark.parametrize("name", NAMES)
def test_records_are_frozen_and_consistent(name):
    surface = SURFACES[name]
    with pytest.raises(dataclasses.FrozenInstanceError):
        surface.start = (0.0, 0.0)
    for x, y in [surface.start, *surface.minima]:
        assert surface.xlim[0] < x < surface.xlim[1] and surface.ylim[0] < y < surface.ylim[1]
    assert surface.description.endswith(".") and "\n" not in surface.description
    assert get_surface(name) is surface and get_surface(surface) is surface


@pytest.mark.parametrize("name", NAMES)
def test_gradient_equals_central_differences(name, rng):
    surface = SURFACES[name]
    for point in points_on(surface, rng):
        expected = numerical_gradient(surface.function, point)
        # atol: the truncation error h²·|f‴|/6 reaches 1e-10·2400/6 = 4e-8 at Rosenbrock's
        # minimum (1, 1), where the gradient itself is 0
        np.testing.assert_allclose(surface.gradient(point), expected, rtol=1e-6, atol=1e-7)


@pytest.mark.tf
@pytest.mark.parametrize("name", NAMES)
def test_value_and_gradient_equal_tensorflows(name, rng, tf):
    surface = SURFACES[name]
    points = points_on(surface, rng)
    xy = tf.Variable(points, dtype=tf.float64)
    with tf.GradientTape() as tape:
        f = tf_function(tf, name, xy[:, 0], xy[:, 1])
        total = tf.reduce_sum(f)  # the points do not interact: ∂Σf/∂pᵢ = ∇f(pᵢ)
    np.testing.assert_allclose(surface.function(points), f.numpy(), **TIGHT)
    np.testing.assert_allclose(surface.gradient(points), tape.gradient(total, xy), **TIGHT)


@pytest.mark.parametrize("name", NAMES)
def test_a_contour_grid_is_evaluated_point_by_point(name):
    surface = SURFACES[name]
    X, Y = np.meshgrid(np.linspace(*surface.xlim, 7), np.linspace(*surface.ylim, 5))
    grid = read_only(np.stack([X, Y], axis=-1))[0]  # (5, 7, 2), never written to
    values, gradients = surface.function(grid), surface.gradient(grid)
    assert values.shape == (5, 7) and gradients.shape == (5, 7, 2)
    for i, j in np.ndindex(5, 7):
        assert values[i, j] == surface.function(grid[i, j])
        np.testing.assert_array_equal(gradients[i, j], surface.gradient(grid[i, j]))


@pytest.mark.parametrize("name", NAMES)
def test_minima_are_flat_and_lowest(name):
    surface = SURFACES[name]
    X, Y = np.meshgrid(np.linspace(*surface.xlim, 201), np.linspace(*surface.ylim, 201))
    lowest_on_grid = surface.function(np.stack([X, Y], axis=-1)).min()
    for minimum in surface.minima:
        np.testing.assert_array_equal(surface.gradient(minimum), [0.0, 0.0])
        assert surface.function(minimum) <= lowest_on_grid
        # and every small step away goes up
        for step in [(1e-3, 0), (0, 1e-3), (-1e-3, 1e-3)]:
            assert surface.function(np.add(minimum, step)) > surface.function(minimum)


def test_minimum_values():
    assert [SURFACES[name].function(SURFACES[name].minima[0]) for name in NAMES] == [
        0.0,
        0.0,
        -0.25,  # 1/4 − 1/2 at y = ±1
    ]


def test_the_saddle_is_a_saddle():
    surface = SURFACES["saddle"]
    h = 1e-5
    # Hessian by central differences of the gradient: column j is ∂∇f/∂(xy)ⱼ
    hessian = np.column_stack(
        [(surface.gradient(h * e) - surface.gradient(-h * e)) / (2 * h) for e in np.eye(2)]
    )
    np.testing.assert_allclose(hessian, [[2.0, 0.0], [0.0, -1.0]], **FINITE_DIFFERENCE)
    eigenvalues = np.linalg.eigvalsh(hessian)
    assert eigenvalues[0] < 0 < eigenvalues[1]  # up along x, down along y
    np.testing.assert_array_equal(surface.gradient([0.0, 0.0]), [0.0, 0.0])
    assert surface.function([0.0, 0.0]) > surface.function(surface.minima[0])


def test_sgd_trajectory_is_the_plain_gradient_descent_loop():
    path = trajectory(SGD(learning_rate=0.1), "bowl", steps=30)
    p, expected = np.array([-4.0, 1.5]), [[-4.0, 1.5]]
    for _ in range(30):
        x, y = p
        p = p - 0.1 * np.array([x, 10 * y])  # ∇f = (x, 10y) for f = (x² + 10y²)/2
        expected.append(p)
    assert path.shape == (31, 2) and path.dtype == np.float64
    np.testing.assert_allclose(path, expected, **TIGHT)
    np.testing.assert_allclose(path[-1], [-4.0 * 0.9**30, 0.0], **TIGHT)  # x shrinks 10 %


# Optimizers with hyperparameters float32 holds exactly: Keras rounds them to float32.
KERAS_TWINS = {
    "SGD-momentum": ("SGD", {"learning_rate": 2**-10, "momentum": 0.875}),
    "Adam": ("Adam", {"learning_rate": 2**-4, "beta_1": 0.875, "beta_2": 1 - 2**-7}),
}


@pytest.mark.tf
@pytest.mark.parametrize(
    ("name", "twin"),
    [
        ("bowl", "Adam"),
        ("rosenbrock", "Adam"),
        ("saddle", "Adam"),
        ("rosenbrock", "SGD-momentum"),
    ],
)
def test_trajectory_follows_keras_on_the_same_surface(name, twin, tf):
    import keras

    kind, settings = KERAS_TWINS[twin]
    start = SURFACES[name].start
    ours = trajectory(OPTIMIZERS[kind.lower()](**settings), name, steps=50)
    keras_optimizer = getattr(keras.optimizers, kind)(**settings)
    xy = tf.Variable(start, dtype=tf.float64)
    theirs = [np.array(start)]
    for _ in range(50):
        with tf.GradientTape() as tape:
            f = tf_function(tf, name, xy[0], xy[1])
        keras_optimizer.apply_gradients([(tape.gradient(f, xy), xy)])
        theirs.append(xy.numpy())
    assert np.abs(ours[-1] - ours[0]).max() > 0.1  # it really moved
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)  # exact up to rounding


def test_divergence_stops_at_the_last_finite_point():
    # η = 0.3 on the bowl: y ← (1 − 10·0.3)·y = −2y, so |y| doubles every step
    path = trajectory(SGD(learning_rate=0.3), "bowl", steps=100)
    surface = SURFACES["bowl"]
    assert len(path) == 19 and np.isfinite(path).all()
    assert abs(path[-1, 1]) == 1.5 * 2**18
    assert abs(surface.function(path[-1])) <= DIVERGED
    next_point = path[-1] - 0.3 * surface.gradient(path[-1])
    assert abs(surface.function(next_point)) > DIVERGED


def test_an_overflowing_run_returns_only_finite_points_and_warns_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow RuntimeWarning escapes
        path = trajectory(SGD(learning_rate=1.0), "rosenbrock", steps=100)
    assert 1 < len(path) < 10 and np.isfinite(path).all()


def test_the_callers_optimizer_and_start_are_unchanged():
    optimizer, (start,) = Adam(learning_rate=0.1), read_only([-1.0, 0.5])
    path = trajectory(optimizer, "rosenbrock", start=start, steps=20)
    assert optimizer.iterations == 0 and optimizer._slots is None
    np.testing.assert_array_equal(start, [-1.0, 0.5])
    np.testing.assert_array_equal(path[0], [-1.0, 0.5])
    again = trajectory(optimizer, "rosenbrock", start=start, steps=20)  # starts at rest again
    np.testing.assert_array_equal(again, path)


def test_a_used_optimizer_is_copied_with_its_state():
    optimizer = SGD(learning_rate=0.01, momentum=0.5)
    optimizer.step([np.zeros(2)], [np.array([1.0, -1.0])])  # momentum m = (−0.01, 0.01)
    before = copy.deepcopy(optimizer._slots)
    path = trajectory(optimizer, "bowl", start=(0.0, 0.0), steps=1)
    np.testing.assert_allclose(path[1], [-0.005, 0.005], **TIGHT)  # p + μ·m − η·∇f(0) = μ·m
    np.testing.assert_array_equal(optimizer._slots[0][0], before[0][0])


@pytest.mark.parametrize("name", ["adam", "rmsprop", "adagrad"])
def test_an_optimizer_by_name_has_keras_defaults(name):
    kind = {"adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad}[name]
    np.testing.assert_array_equal(
        trajectory(name, "saddle", steps=10), trajectory(kind(), "saddle", steps=10)
    )


def test_a_surface_of_ones_own():
    ridge = Surface(
        "ridge", "f = x^2", lambda xy: np.square(xy)[..., 0], lambda xy: 2 * xy * [1, 0],
        ((0.0, 0.0),), (1.0, 1.0), (-1, 1), (-1, 1), "A ridge.",
    )  # fmt: skip
    path = trajectory(SGD(learning_rate=0.25), ridge, steps=2)
    np.testing.assert_array_equal(path, [[1.0, 1.0], [0.5, 1.0], [0.25, 1.0]])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: get_surface("valley"), ValueError, r"'surface' must be one of 'bowl', "),
        (lambda: get_surface(3), TypeError, r"'surface' must be a name .* or a Surface; got 3"),
        (lambda: trajectory("adam", "bowel"), ValueError, r"got 'bowel'. Did you mean 'bowl'"),
        (lambda: trajectory("adam", "bowl", steps=0), ValueError, r"'steps' must be a whole "),
        (lambda: trajectory("adam", "bowl", steps=2.5), ValueError, r"'steps' .*; got 2.5"),
        (lambda: trajectory("adam", "bowl", steps="9"), TypeError, r"'steps' must be a whole"),
        (lambda: trajectory("adam", "bowl", (1, 2, 3)), ValueError, r"'start' must have 2 "),
        (lambda: trajectory("adam", "bowl", 1.0), ValueError, r"'start' must be a 1-D array"),
        (lambda: trajectory("adam", "bowl", (0, np.nan)), ValueError, r"'start' must contain "),
        (lambda: trajectory("adamm", "bowl"), ValueError, r"'optimizer' must be one of"),
        (lambda: trajectory(0.1, "bowl"), TypeError, r"'optimizer' must be a name"),
        (lambda: SURFACES["bowl"].function([1, 2, 3]), ValueError, r"'xy' must have shape"),
        (lambda: SURFACES["bowl"].gradient("1 2"), TypeError, r"'xy' must be points"),
    ],
)
def test_bad_inputs_are_refused_by_name(call, error, message):
    with pytest.raises(error, match=message):
        call()
