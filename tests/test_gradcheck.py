"""Tests for nnlab.gradcheck: central differences, relative error, and the model/layer checks.

Oracles: derivatives known in closed form (x², sin, a matrix product), hand-worked relative
errors, and stand-in models and layers written here in plain NumPy with hand-derived gradients
(the checks rely only on the protocol, not on nnlab.layers or nnlab.network). Deliberately wrong
variants must fail, and the report must name what is wrong.
"""

import math
from types import MappingProxyType

import numpy as np
import pytest
from conftest import FINITE_DIFFERENCE, assert_inputs_unchanged, read_only

from nnlab.gradcheck import (
    GradientReport,
    GradientRow,
    check_backward,
    check_gradients,
    check_layer,
    numerical_gradient,
    relative_error,
)

# ---------------------------------------------------------------------------------------------
# Stand-ins


class TanhNet:
    """A 2-3-1 network, L = mean((tanh(X W1 + b1) W2 + b2 − y)²), with hand-derived gradients.

    ``bug`` plants a mistake a student makes: "b1 sign" flips db1, "W2 half" drops the 2 of
    d(e²)/de = 2e in dW2 only.
    """

    param_names = ("W1", "b1", "W2", "b2")

    def __init__(self, rng, bug=None):
        self.params = [
            rng.standard_normal((2, 3)),
            rng.standard_normal(3),
            rng.standard_normal((3, 1)),
            rng.standard_normal(1),
        ]
        self.bug = bug

    def loss_and_gradients(self, X, y, loss):
        if loss != "mse":
            raise ValueError(f"TanhNet only knows 'mse'; got {loss!r}")
        W1, b1, W2, b2 = self.params
        a1 = np.tanh(X @ W1 + b1)  # (n, 3)
        error = a1 @ W2 + b2 - y  # (n, 1)
        dout = 2 * error / len(X)  # dL/d(output)
        dW2, db2 = a1.T @ dout, dout.sum(axis=0)
        dz1 = (dout @ W2.T) * (1 - a1**2)  # tanh' = 1 − tanh²
        dW1, db1 = X.T @ dz1, dz1.sum(axis=0)
        if self.bug == "b1 sign":
            db1 = -db1
        if self.bug == "W2 half":
            dW2 = dW2 / 2
        return float(np.mean(error**2)), [dW1, db1, dW2, db2]


class Quadratic:
    """L = loss(X w − Y) for one parameter w (n_in, n_out); ``loss(r) -> (value, dvalue/dr)``.

    No ``param_names``: rows are named "params[0]". The loss is a callable so that a test can
    count evaluations (the check passes ``loss`` on as it is).
    """

    def __init__(self, w):
        self.params = [w]

    def loss_and_gradients(self, X, y, loss):
        value, dr = loss(X @ self.params[0] - y)
        return value, [X.T @ dr]


class SquaredLoss:
    """Σ r², gradient 2r; counts its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, r):
        self.calls += 1
        return float(np.sum(r**2)), 2 * r


class Affine:
    """out = X W + b: forward(X, training) -> (out, X), backward -> (dout Wᵀ, [Xᵀ dout, Σ dout])."""

    param_names = ("W", "b")

    def __init__(self, W, b):
        self.W, self.b = W, b

    @property
    def params(self):
        return [self.W, self.b]

    def forward(self, X, training=False):
        return X @ self.W + self.b, X

    def backward(self, dout, X):
        return dout @ self.W.T, [X.T @ dout, dout.sum(axis=0)]


class Tanh:
    """A layer without parameters (no ``params`` attribute at all)."""

    def forward(self, X, training=False):
        out = np.tanh(X)
        return out, out

    def backward(self, dout, out):
        return dout * (1 - out**2), []


@pytest.fixture
def net_data(rng):
    X = rng.standard_normal((5, 2))
    y = rng.standard_normal((5, 1))
    return X, y


@pytest.fixture
def affine(rng):
    return Affine(rng.standard_normal((3, 4)), rng.standard_normal(4))


# ---------------------------------------------------------------------------------------------
# numerical_gradient


def test_numerical_gradient_of_sum_of_squares_is_2x(rng):
    x = rng.standard_normal((3, 4))
    np.testing.assert_allclose(
        numerical_gradient(lambda x: np.sum(x**2), x), 2 * x, **FINITE_DIFFERENCE
    )


def test_numerical_gradient_of_sin_is_cos(rng):
    x = rng.uniform(-3, 3, size=7)
    np.testing.assert_allclose(
        numerical_gradient(lambda x: np.sum(np.sin(x)), x), np.cos(x), **FINITE_DIFFERENCE
    )


def test_numerical_gradient_of_a_matrix_product(rng):
    # f = Σ (A W) ⊙ G: ∂f/∂W = Aᵀ G and ∂f/∂A = G Wᵀ, the two halves of a Dense backward pass.
    A, W, G = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
    dW = numerical_gradient(lambda W: np.sum((A @ W) * G), W)
    dA = numerical_gradient(lambda A: np.sum((A @ W) * G), A)
    np.testing.assert_allclose(dW, A.T @ G, **FINITE_DIFFERENCE)
    np.testing.assert_allclose(dA, G @ W.T, **FINITE_DIFFERENCE)


def test_numerical_gradient_of_a_single_number():
    # d(x³)/dx at 2 is 3·2² = 12; central differences add h² = 1e-10 (exactly, for a cubic).
    gradient = numerical_gradient(lambda x: x**3, 2.0)
    assert gradient.shape == ()
    assert gradient == pytest.approx(12.0, abs=1e-8)


def test_numerical_gradient_never_writes_to_x(rng):
    x = rng.standard_normal((2, 3))
    gradient = assert_inputs_unchanged(lambda x: numerical_gradient(np.sum, x), x)
    np.testing.assert_allclose(gradient, np.ones((2, 3)), **FINITE_DIFFERENCE)


def test_numerical_gradient_is_float64_for_float32_input():
    x = np.array([1.0, 2.0], dtype=np.float32)
    assert numerical_gradient(lambda x: np.sum(x**2), x).dtype == np.float64


def test_numerical_gradient_needs_a_scalar_function():
    with pytest.raises(TypeError, match=r"f must return a single number; got an array of shape"):
        numerical_gradient(lambda x: x**2, [1.0, 2.0])


def test_numerical_gradient_needs_a_finite_function():
    with pytest.raises(ValueError, match=r"f returned nan near the point being checked"):
        with np.errstate(invalid="ignore"):
            numerical_gradient(lambda x: np.sum(np.log(x)), [0.0, 1.0])  # log(−h) is NaN


@pytest.mark.parametrize("h", [0, -1e-5])
def test_numerical_gradient_rejects_a_step_that_is_not_positive(h):
    with pytest.raises(ValueError, match=r"'h' must be > 0"):
        numerical_gradient(np.sum, [1.0], h=h)


# ---------------------------------------------------------------------------------------------
# relative_error


def test_relative_error_hand_worked():
    assert relative_error([3.0], [1.0]) == 0.5  # |3 − 1| / (3 + 1)
    assert relative_error([1.0, -2.0], [1.0, 2.0]) == 1.0  # sign error: |−2 − 2| / (2 + 2)
    assert relative_error([2.0, 4.0], [1.0, 4.0]) == pytest.approx(1 / 3)  # missing factor 2
    assert relative_error([[1.0, 2.0]], [[1.0, 2.0]]) == 0.0


def test_relative_error_is_symmetric_and_takes_the_largest_entry():
    a, b = [1.0, 10.0, 0.5], [1.1, 10.0, 0.4]
    # entries: 0.1 / 2.1 ≈ 0.0476, 0, 0.1 / 0.9 ≈ 0.111 → the largest is 1/9
    assert relative_error(a, b) == relative_error(b, a) == pytest.approx(1 / 9)


def test_relative_error_floor():
    assert relative_error([0.0], [0.0]) == 0.0  # no 0/0
    assert relative_error([1e-10], [0.0]) == pytest.approx(1e-2)  # 1e-10 / max(1e-10, 1e-8)
    assert relative_error([], []) == 0.0


def test_relative_error_with_a_raised_floor():
    # |1e-10 − 0| / max(1e-10, 1e-4) = 1e-6; entries above the floor are unaffected: 2 / 4.
    assert relative_error([1e-10], [0.0], floor=1e-4) == pytest.approx(1e-6)
    assert relative_error([3.0], [1.0], floor=1e-4) == 0.5
    with pytest.raises(ValueError, match=r"'floor' must be > 0; got 0"):
        relative_error([1.0], [1.0], floor=0)


def test_relative_error_needs_one_shape():
    with pytest.raises(
        ValueError, match=r"'b' must have the same shape as 'a' \(2, 3\); got \(3, 2\)"
    ):
        relative_error(np.ones((2, 3)), np.ones((3, 2)))


# ---------------------------------------------------------------------------------------------
# check_gradients


def test_a_correct_model_passes(rng, net_data):
    report = check_gradients(TanhNet(rng), *net_data, "mse")
    assert report.ok
    assert report.max_error < 1e-8
    assert [row.name for row in report.rows] == ["W1", "b1", "W2", "b2"]
    assert [row.shape for row in report.rows] == [(2, 3), (3,), (3, 1), (1,)]
    assert [row.checked for row in report.rows] == [6, 3, 3, 1]  # small: every entry
    assert str(report).endswith("passed: every relative error ≤ 1e-06")


@pytest.mark.parametrize(
    ("bug", "name", "error"),
    [
        ("b1 sign", "b1", 1.0),  # |−g − g| / (|g| + |g|)
        ("W2 half", "W2", 1 / 3),  # |g/2 − g| / (|g/2| + |g|) = (1/2) / (3/2)
    ],
)
def test_a_wrong_gradient_fails_and_is_named(rng, net_data, bug, name, error):
    report = check_gradients(TanhNet(rng, bug=bug), *net_data, "mse")
    assert not report.ok
    assert report.failed == (name,)
    row = {row.name: row for row in report.rows}[name]
    assert row.relative_error == pytest.approx(error, rel=1e-6)
    assert report.max_error == row.relative_error
    assert f"failed (tolerance 1e-06): {name}" in str(report)


def test_check_gradients_leaves_the_model_and_arrays_alone(rng, net_data):
    model = TanhNet(rng)
    before = [p.copy() for p in model.params]
    originals = list(model.params)
    for p in model.params:
        p.setflags(write=False)  # a write to the caller's parameters would raise
    X, y = read_only(*net_data)
    assert check_gradients(model, X, y, "mse").ok
    assert all(p is q for p, q in zip(model.params, originals))
    for p, q in zip(model.params, before):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(X, net_data[0])


def test_unnamed_parameters_are_numbered(rng):
    model = Quadratic(rng.standard_normal((3, 2)))
    X, Y = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    report = check_gradients(model, X, Y, SquaredLoss())
    assert report.ok
    assert [row.name for row in report.rows] == ["params[0]"]


def test_big_parameters_are_sampled_reproducibly(rng):
    w = rng.standard_normal((40, 50))  # 2000 entries
    X, Y = rng.standard_normal((6, 40)), rng.standard_normal((6, 50))
    loss = SquaredLoss()
    report = check_gradients(Quadratic(w), X, Y, loss, max_entries=30, rng=7)
    assert report.ok
    assert report.rows[0].checked == 30
    assert loss.calls == 1 + 2 * 30  # the gradients once, then two losses per checked entry
    assert "(30 of 2000 entries)" in str(report)
    again = check_gradients(Quadratic(w), X, Y, SquaredLoss(), max_entries=30, rng=7)
    assert again == report  # the same entries, the same errors to the last bit
    other = check_gradients(Quadratic(w), X, Y, SquaredLoss(), max_entries=30, rng=8)
    assert other.rows[0].relative_error != report.rows[0].relative_error


def test_max_entries_none_checks_everything(rng):
    w = rng.standard_normal((40, 30))
    X, Y = rng.standard_normal((3, 40)), rng.standard_normal((3, 30))
    report = check_gradients(Quadratic(w), X, Y, SquaredLoss(), max_entries=None)
    assert report.rows[0].checked == 1200
    assert "entries)" not in str(report)


def test_float32_models_are_refused(rng, net_data):
    model = TanhNet(rng)
    model.params = [p.astype(np.float32) for p in model.params]
    with pytest.raises(TypeError, match=r"'model' has float32 parameters \(W1\); .* need float64"):
        check_gradients(model, *net_data, "mse")


def test_a_model_that_cannot_be_copied_is_explained(rng, net_data):
    model = TanhNet(rng)
    model.settings = MappingProxyType({"loss": "mse"})  # deepcopy cannot copy a mappingproxy
    with pytest.raises(TypeError, match=r"'model' must support copy.deepcopy, since the check"):
        check_gradients(model, *net_data, "mse")


def test_params_must_be_the_live_arrays(rng, net_data):
    class Copying(TanhNet):
        @property
        def params(self):
            return [p.copy() for p in self._params]

        @params.setter
        def params(self, value):
            self._params = value

    with pytest.raises(TypeError, match=r"must return the parameter arrays themselves, not copies"):
        check_gradients(Copying(rng), *net_data, "mse")


def test_wrong_number_of_gradients_is_explained(rng, net_data):
    class ThreeGrads(TanhNet):
        def loss_and_gradients(self, X, y, loss):
            value, grads = super().loss_and_gradients(X, y, loss)
            return value, grads[:3]

    message = (
        r"the grads from model.loss_and_gradients must hold one gradient per entry of "
        r"model.params \(W1, b1, W2, b2\), in order; got 3 for 4."
    )
    with pytest.raises(ValueError, match=message):
        check_gradients(ThreeGrads(rng), *net_data, "mse")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tolerance": 0}, r"'tolerance' must be > 0; got 0"),
        ({"max_entries": 0}, r"'max_entries' must be a whole number ≥ 1; got 0"),
        ({"h": -1.0}, r"'h' must be > 0; got -1.0"),
        ({"rng": 0.5}, r"'rng' must be None, an int seed or a numpy.random.Generator"),
    ],
)
def test_check_gradients_validates_its_options(rng, net_data, kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        check_gradients(TanhNet(rng), *net_data, "mse", **kwargs)


# ---------------------------------------------------------------------------------------------
# check_layer


def test_a_correct_layer_passes(affine, rng):
    X = rng.standard_normal((5, 3))
    report = check_layer(affine, X, rng=0)
    assert report.ok
    assert report.max_error < 1e-8
    assert [(row.name, row.shape) for row in report.rows] == [
        ("X", (5, 3)),
        ("W", (3, 4)),
        ("b", (4,)),
    ]


def test_check_layer_leaves_the_layer_and_x_alone(affine, rng):
    W, b = read_only(affine.W, affine.b)
    layer = Affine(W, b)
    X = read_only(rng.standard_normal((5, 3)))[0]
    assert check_layer(layer, X, rng=0).ok
    assert layer.W is W and layer.b is b
    np.testing.assert_array_equal(W, affine.W)


def test_check_layer_is_deterministic_with_a_seed(affine, rng):
    X = rng.standard_normal((5, 3))
    assert check_layer(affine, X, rng=3) == check_layer(affine, X, rng=3)


def test_a_layer_without_parameters(rng):
    report = check_layer(Tanh(), rng.standard_normal((4, 2)), rng=0)
    assert report.ok
    assert [row.name for row in report.rows] == ["X"]


def test_training_is_passed_to_forward(rng):
    class TrainingDoubles:
        params = ()

        def forward(self, X, training=False):
            return (2 * X if training else X), None

        def backward(self, dout, cache):
            return 2 * dout, []  # right for training=True only

    X = rng.standard_normal((3, 2))
    assert check_layer(TrainingDoubles(), X, training=True, rng=0).ok
    assert check_layer(TrainingDoubles(), X, rng=0).failed == ("X",)


def broken(backward):
    """An Affine layer whose backward is replaced by ``backward(self, dout, X)``."""
    return type("Broken", (Affine,), {"backward": backward})


@pytest.mark.parametrize(
    ("backward", "name", "problem"),
    [
        (
            lambda self, dout, X: (dout @ self.W.T, [(X.T @ dout).T, dout.sum(axis=0)]),
            "W",
            "wrong shape: expected (3, 4), got (4, 3)",
        ),
        (
            lambda self, dout, X: (dout @ self.W.T, [X.T @ dout, dout.sum(axis=0, keepdims=True)]),
            "b",
            "wrong shape: expected (4,), got (1, 4)",
        ),
        (
            lambda self, dout, X: (dout @ self.W.T, [X.T @ dout, None]),
            "b",
            "missing: the gradient is None",
        ),
        (
            lambda self, dout, X: (None, [X.T @ dout, dout.sum(axis=0)]),
            "X",
            "missing: the gradient is None",
        ),
        (
            lambda self, dout, X: (dout @ self.W.T, [X.T @ dout, "db"]),
            "b",
            "not an array of numbers: got 'db'",
        ),
        (
            lambda self, dout, X: (dout @ self.W.T, [X.T @ dout, np.full(4, np.nan)]),
            "b",
            "not finite: the gradient contains NaN or inf",
        ),
    ],
)
def test_unusable_gradients_get_a_failing_row_that_says_why(affine, rng, backward, name, problem):
    layer = broken(backward)(affine.W, affine.b)
    report = check_layer(layer, rng.standard_normal((5, 3)), rng=0)
    assert report.failed == (name,)  # the other rows are still checked, and pass
    row = {row.name: row for row in report.rows}[name]
    assert row.problem == problem
    assert row.relative_error == math.inf
    assert report.max_error == math.inf
    assert problem in str(report)


@pytest.mark.parametrize(
    ("backward", "name"),
    [
        (lambda self, dout, X: (-dout @ self.W.T, [X.T @ dout, dout.sum(axis=0)]), "X"),
        (lambda self, dout, X: (dout @ self.W.T, [X.T @ dout, dout.mean(axis=0)]), "b"),
        (
            lambda self, dout, X: (dout @ self.W.T, [X.T @ dout / len(X), dout.sum(axis=0)]),
            "W",
        ),
    ],
)
def test_a_wrong_layer_gradient_is_named(affine, rng, backward, name):
    layer = broken(backward)(affine.W, affine.b)
    report = check_layer(layer, rng.standard_normal((5, 3)), rng=0)
    assert report.failed == (name,)
    assert report.max_error > 1e-3


def test_backward_returning_none_is_explained(affine, rng):
    def forgot_return(self, dout, X):
        dX = dout @ self.W.T  # noqa: F841 (the student's mistake)

    layer = broken(forgot_return)(affine.W, affine.b)
    with pytest.raises(
        TypeError, match=r"layer.backward returned None; it must return \(dX, grads\)"
    ):
        check_layer(layer, rng.standard_normal((5, 3)), rng=0)


def test_backward_returning_a_single_array_is_explained(affine, rng):
    layer = broken(lambda self, dout, X: dout @ self.W.T)(affine.W, affine.b)
    with pytest.raises(
        TypeError, match=r"layer.backward must return a pair \(dX, grads\); got an array"
    ):
        check_layer(layer, rng.standard_normal((5, 3)), rng=0)


def test_backward_returning_too_few_grads_is_explained(affine, rng):
    layer = broken(lambda self, dout, X: (dout @ self.W.T, [X.T @ dout]))(affine.W, affine.b)
    message = (
        r"the grads from layer.backward must hold one gradient per entry of layer.params "
        r"\(W, b\), in order; got 1 for 2."
    )
    with pytest.raises(ValueError, match=message):
        check_layer(layer, rng.standard_normal((5, 3)), rng=0)


def test_grads_that_are_not_a_list_are_explained(affine, rng):
    layer = broken(lambda self, dout, X: (dout @ self.W.T, X.T @ dout))(affine.W, affine.b)
    message = (
        r"must be a list with one gradient per entry of layer.params \(W, b\), in order; got an"
    )
    with pytest.raises(TypeError, match=message):
        check_layer(layer, rng.standard_normal((5, 3)), rng=0)


def test_forward_must_return_out_and_cache(rng):
    class NoCache(Tanh):
        def forward(self, X, training=False):
            return np.tanh(X)

    with pytest.raises(TypeError, match=r"layer.forward must return a pair \(out, cache\)"):
        check_layer(NoCache(), rng.standard_normal((4, 2)), rng=0)


# ---------------------------------------------------------------------------------------------
# check_backward


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_check_backward_of_a_correct_pair(rng):
    report = check_backward(
        sigmoid,
        lambda dout, z: dout * sigmoid(z) * (1 - sigmoid(z)),
        [rng.standard_normal((3, 2))],
        rng=0,
    )
    assert report.ok
    assert report.max_error < 1e-8
    assert [row.name for row in report.rows] == ["inputs[0]"]


def test_check_backward_with_two_inputs_names_the_wrong_one(rng):
    x, y = rng.standard_normal(4), rng.standard_normal(4)

    def product_backward(dout, x, y):
        return dout * y, dout * y  # d(xy)/dy should be x

    report = check_backward(np.multiply, product_backward, [x, y], rng=0)
    assert report.failed == ("inputs[1]",)


def test_rounding_noise_on_a_zero_gradient_does_not_fail_the_check():
    # out = (x + b) − mean over samples of (x + b): b cancels, so ∂/∂b of Σ out ⊙ dout is
    # exactly 0 (a bias before batch normalisation), while its central differences are
    # rounding noise. cs231n's floor 1e-8 would call noise of 2e-11 a relative error of 2e-3;
    # judged on 1% of the largest entry (dX = dout − its column means, ~1), it is ~1e-9.
    x = np.array([[0.3, -1.7, 2.9], [1.1, 0.6, -2.3], [-0.4, 2.2, 0.8], [2.5, -0.9, -1.3]])
    b = np.array([0.7, -0.2, 1.9])

    def forward(x, b):
        return (x + b) - np.mean(x + b, axis=0)

    def backward(dout, x, b):
        return dout - np.mean(dout, axis=0), np.zeros_like(b)

    report = check_backward(forward, backward, [x, b], rng=0)
    noise = report.rows[1].max_abs_error
    assert 1e-13 < noise < 1e-9  # there is noise, and plain relative_error would say noise / 1e-8
    assert report.ok
    assert report.max_error < 1e-8


def test_check_backward_leaves_its_inputs_alone(rng):
    def backward(dout, x, y):
        return dout * y, dout * x

    def run(x, y):
        return check_backward(np.multiply, backward, [x, y], rng=0)

    assert assert_inputs_unchanged(run, rng.standard_normal(3), rng.standard_normal(3)).ok


def test_check_backward_explains_a_wrong_number_of_gradients(rng):
    message = (
        r"the result of backward must hold one gradient per entry of inputs "
        r"\(inputs\[0\], inputs\[1\]\), in order; got 1 for 2."
    )
    with pytest.raises(ValueError, match=message):
        check_backward(np.multiply, lambda dout, x, y: (dout * y,), [np.ones(2), np.ones(2)], rng=0)


def test_check_backward_explains_a_missing_return(rng):
    message = (
        r"the result of backward must be a list with one gradient per entry of inputs "
        r"\(inputs\[0\]\), in order; got None."
    )
    with pytest.raises(TypeError, match=message):
        check_backward(np.tanh, lambda dout, z: None, [np.ones(2)], rng=0)


# ---------------------------------------------------------------------------------------------
# The report


def test_report_text():
    report = GradientReport(
        (
            GradientRow("W1", (2, 3), 3.14e-11, 2.0e-12, True, 6),
            GradientRow("b1", (3,), 0.25, 0.5, False, 3),
            GradientRow("W2", (300, 10), 1.2e-10, 3.0e-11, True, 100),
            GradientRow(
                "b2",
                (10,),
                math.inf,
                math.inf,
                ok=False,
                problem="wrong shape: expected (10,), got (1, 10)",
            ),
        ),
        tolerance=1e-6,
    )
    assert (
        str(report)
        == repr(report)
        == (
            "W1  (2, 3)     rel. error < 1e-08                        ✓\n"
            "b1  (3,)       rel. error 2.5e-01  abs. error 5.0e-01    ✗\n"
            "W2  (300, 10)  rel. error < 1e-08                        ✓  (100 of 3000 entries)\n"
            "b2  (10,)      wrong shape: expected (10,), got (1, 10)  ✗\n"
            "failed (tolerance 1e-06): b1, b2"
        )
    )
    assert not report.ok
    assert report.failed == ("b1", "b2")
    assert report.max_error == math.inf


def test_report_of_a_passing_check():
    report = GradientReport((GradientRow("W", (2, 2), 1e-12, 1e-13, True, 4),), tolerance=1e-7)
    assert str(report) == ("W  (2, 2)  rel. error < 1e-08  ✓\npassed: every relative error ≤ 1e-07")
    near = GradientReport((GradientRow("W", (2,), 3e-7, 1e-9, True, 2),), tolerance=1e-6)
    assert str(near).splitlines()[0] == "W  (2,)  rel. error < 1e-06  ✓"  # above the noise
    assert report.ok
    assert report.max_error == 1e-12


def test_report_is_frozen():
    report = GradientReport((), tolerance=1e-6)
    with pytest.raises(AttributeError):
        report.tolerance = 1.0
    assert report.ok and report.max_error == 0.0
