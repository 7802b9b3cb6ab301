"""Plots draw what they claim: the curve is f(z), the point sits at (z, f(z)), the diagrams
carry the neuron's numbers."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlab import plotting
from nnlab.activations import ACTIVATIONS, ELEMENTWISE
from nnlab.plotting import (
    ActivationPlot,
    draw_network,
    draw_neuron,
    figure_to_png,
    plot_activations,
    plot_neuron_response,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_activation_plot_draws_the_function_and_point(name):
    _, ax = plt.subplots()
    view = ActivationPlot(ax, name, z=0.41)
    z, a = view.curve.get_data()
    np.testing.assert_allclose(a, ACTIVATIONS[name].function(z))
    assert view.point.get_data()[1][0] == pytest.approx(ACTIVATIONS[name].function(0.41))
    assert ax.get_title() == f"{name}: output range {ACTIVATIONS[name].range_text}"


def test_activation_plot_updates_in_place():
    _, ax = plt.subplots()
    view = ActivationPlot(ax, "sigmoid", z=0.0)
    curve, lines_before = view.curve, len(ax.lines)
    assert view.update(name="tanh", z=1.0) == pytest.approx(np.tanh(1.0))
    assert view.curve is curve and len(ax.lines) == lines_before
    np.testing.assert_allclose(view.curve.get_data()[1], np.tanh(view.grid))
    assert view.moving == (view.vline, view.hline, view.point)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_activation_plot_y_limits_come_from_the_output_range(name):
    _, ax = plt.subplots()
    view = ActivationPlot(ax, name)
    low, high = ACTIVATIONS[name].output_range  # numbers, ±inf where unbounded
    a = view.curve.get_data()[1]
    y_low, y_high = ax.get_ylim()
    assert y_low < a.min() and a.max() < y_high  # the whole curve is in view
    shown_low = low if np.isfinite(low) else a.min()  # an unbounded side follows the curve
    shown_high = high if np.isfinite(high) else a.max()
    margin = 0.1 * (shown_high - shown_low)
    assert (y_low, y_high) == pytest.approx((shown_low - margin, shown_high + margin))
    assert not hasattr(plotting, "Y_LIMITS")  # no second list of activation facts


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
@pytest.mark.parametrize("z", [100.0, -7.5, 5.9])
def test_the_view_follows_the_operating_point(name, z):
    _, ax = plt.subplots()
    view = ActivationPlot(ax, name, z=0.41)
    assert ax.get_xlim() == (-6.0, 6.0)
    y = view.update(z=z)
    (z_low, z_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    assert view.point.get_data() == ([z], [y])  # where it is, not clipped to an edge
    assert z_low == -z_high and 0.9 * z_low <= z <= 0.9 * z_high  # inside, with a margin
    assert y_low < y < y_high
    np.testing.assert_allclose(view.curve.get_data()[0][[0, -1]], [z_low, z_high])
    view.update(z=1.0)
    assert ax.get_xlim() == (-6.0, 6.0)


def test_draw_neuron_shows_the_worked_numbers():
    ax = draw_neuron([0.8, 0.6, 0.2], [0.2, 0.1, -0.3], b=0.25)
    texts = {t.get_text() for t in ax.texts}
    assert {"z = 0.41", "y = 0.6011", "w3 = -0.3", "bias b = 0.25", "x1\n0.8"} <= texts


def test_draw_neuron_rejects_bad_input_in_nnlab_words():
    with pytest.raises(TypeError, match="'x' must be a number or an array of numbers; got 'abc'"):
        draw_neuron("abc", [1.0])
    with pytest.raises(ValueError, match="'w' must have 2 entries, one per feature of 'x'; got 1"):
        draw_neuron([1.0, 2.0], [1.0])


def test_draw_network_has_one_node_per_unit_and_all_edges():
    ax = draw_network([3, 4, 2])
    assert len(ax.patches) == 3 + 4 + 2
    assert len(ax.lines) == 3 * 4 + 4 * 2
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["input\n(3)", "hidden\n(4)", "output\n(2)"]
    with pytest.raises(ValueError, match="'layer_sizes' must be at least two whole numbers"):
        draw_network([3, 2.5])


def test_plot_activations_and_png():
    fig = plot_activations(["step", "sigmoid"], points={"sigmoid": 0.41})
    assert [ax.get_title() for ax in fig.axes] == ["step: {0, 1}", "sigmoid: (0, 1)"]
    assert figure_to_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_neuron_response_curves_shift_by_minus_b_over_w():
    fig = plot_neuron_response([2.0], [-1.0, 0.0, 1.0], activation="step")
    for line, b in zip(fig.axes[0].lines, [-1.0, 0.0, 1.0]):
        x, y = line.get_data()
        assert x[np.argmax(y > 0.5)] == pytest.approx(-b / 2.0, abs=0.02)  # fires at x = −b/w
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "b = -1",
        "b = 0",
        "b = 1",
    ]


def test_neuron_response_curves_steepen_with_the_weight():
    fig = plot_neuron_response([0.5, 1.0, 4.0], [0.0], activation="sigmoid")
    slopes = []
    for line in fig.axes[0].lines:
        x, y = line.get_data()
        middle = np.argmin(np.abs(x))  # every curve crosses y = 0.5 at x = 0 (b = 0)
        assert y[middle] == pytest.approx(0.5, abs=0.01)
        slopes.append((y[middle + 1] - y[middle - 1]) / (x[middle + 1] - x[middle - 1]))
    assert slopes == sorted(slopes) and slopes[-1] == pytest.approx(4.0 * 0.25, rel=0.02)  # w·σ'(0)
    assert "weight sets how steep" in fig.axes[0].get_title()


# Decision boundaries, training curves and regression fits (notebooks 02, 04–09)

TWO_CLASSES_X = np.array([[-2.0, 0.0], [-1.0, 1.0], [1.0, -1.0], [2.0, 0.5]])
TWO_CLASSES_Y = np.array([0, 0, 1, 1])


def _contour_sets(ax):
    return [c for c in ax.collections if isinstance(c, matplotlib.contour.ContourSet)]


def _sigmoid_at_03(X):
    return 1 / (1 + np.exp(-4 * (X[:, 0] - 0.3)))  # P(class 1) = 0.5 exactly where x₁ = 0.3


@pytest.mark.parametrize("shape", ["(m,)", "(m, 1)"])
def test_decision_boundary_draws_p_half_where_the_probability_crosses_it(shape):
    def predict(X):
        p = _sigmoid_at_03(X)
        return p if shape == "(m,)" else p[:, None]

    fig = plotting.plot_decision_boundary(predict, TWO_CLASSES_X, TWO_CLASSES_Y)
    ax = fig.axes[0]
    filled, line = _contour_sets(ax)
    assert filled.filled and not line.filled and list(line.levels) == [0.5]
    boundary = np.concatenate([path.vertices for path in line.get_paths()])
    np.testing.assert_allclose(boundary[:, 0], 0.3, atol=1e-3)  # the vertical line x₁ = 0.3
    scatters = [c for c in ax.collections if c not in (filled, line)]
    assert len(scatters) == 2  # one per class
    np.testing.assert_array_equal(scatters[1].get_offsets(), TWO_CLASSES_X[2:])  # class 1 points
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "P(class 1)"  # the colour bar
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Decision boundary", "x₁", "x₂")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["boundary p = 0.5", "class 0", "class 1"]


def test_decision_boundary_of_integer_classes_in_a_given_ax():
    centres = np.array([[3.0, 0.0], [-1.5, 2.6], [-1.5, -2.6]])

    def nearest_centre(X):  # classes 0, 1, 2
        return np.argmin(((X[:, None, :] - centres) ** 2).sum(axis=2), axis=1)

    fig, ax = plt.subplots()
    returned = plotting.plot_decision_boundary(
        nearest_centre, centres, [0, 1, 2], ax=ax, resolution=50, title="Three blobs"
    )
    assert returned is ax and fig.axes == [ax]  # drawn in place, no colour bar added
    filled, lines = _contour_sets(ax)
    assert list(filled.levels) == [-0.5, 0.5, 1.5, 2.5] and list(lines.levels) == [0.5, 1.5]
    assert len(ax.collections) == 2 + 3 and ax.get_title() == "Three blobs"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "class boundaries",
        "class 0",
        "class 1",
        "class 2",
    ]


def test_decision_boundary_of_zero_one_predictions_and_softmax_rows():
    def step(X):  # a perceptron's 0/1 output: class 1 right of x₁ = 0.3
        return (X[:, 0] > 0.3).astype(int)

    def softmax_rows(X):  # (m, 2) class probabilities: argmax is class 1 right of x₁ = 0.3
        p = _sigmoid_at_03(X)
        return np.column_stack([1 - p, p])

    for predict in (step, softmax_rows):
        ax = plotting.plot_decision_boundary(
            predict, TWO_CLASSES_X, TWO_CLASSES_Y, ax=plt.subplots()[1]
        )
        boundary = np.concatenate([path.vertices for path in _contour_sets(ax)[1].get_paths()])
        spacing = (2.0 - -2.0) * 1.2 / 199  # the grid's step along x₁ (range plus 10 % margins)
        np.testing.assert_allclose(boundary[:, 0], 0.3, atol=spacing)


def test_a_plane_of_one_class_has_no_boundary_line():
    ax = plotting.plot_decision_boundary(
        lambda X: np.full(len(X), 0.9), TWO_CLASSES_X, TWO_CLASSES_Y, ax=plt.subplots()[1]
    )
    assert len(_contour_sets(ax)) == 1  # the filled map only
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"y": [0, 1, 1]}, ValueError, r"'y' must have 4 entries, one label per row of 'X'; got 3"),
        ({"X": np.zeros((4, 3))}, ValueError, r"'X' must have 2 columns .*; got 3"),
        ({"y": [0, 1, 0.5, 1]}, ValueError, r"'y\[2\]' must be a whole number ≥ 0; got 0.5"),
        ({"predict": "mlp"}, TypeError, r"'predict' must be a function of points X"),
        ({"predict": lambda X: X[:5, 0]}, ValueError, r"'predict\(X\)' must have 40000 values"),
        ({"predict": lambda X: 3 * X[:, 0]}, ValueError, r"'predict\(X\)' must be in \[0, 1\]"),
        ({"resolution": 1}, ValueError, r"'resolution' must be a whole number ≥ 2; got 1"),
    ],
)
def test_decision_boundary_rejects_bad_input_in_nnlab_words(changes, error, message):
    arguments = {"predict": _sigmoid_at_03, "X": TWO_CLASSES_X, "y": TWO_CLASSES_Y, **changes}
    with pytest.raises(error, match=message):
        plotting.plot_decision_boundary(**arguments)


class _History:  # what Keras' and nnlab's fit return: the per-epoch values in .history
    def __init__(self, history):
        self.history = history


def test_training_curves_one_colour_per_run_validation_dashed():
    histories = {
        "adam": {
            "loss": [1.0, 0.5, 0.3],
            "val_loss": [1.1, 0.6, 0.45],
            "accuracy": [0.5, 0.7, 0.8],
        },
        "sgd": _History({"loss": [1.0, 0.8, 0.7, 0.6]}),
        "by hand": np.array([2.0, 1.0]),
    }
    fig = plotting.plot_training_curves(histories, logy=True)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == [
        "adam",
        "adam (validation)",
        "sgd",
        "by hand",
    ]
    assert [line.get_linestyle() for line in ax.lines] == ["-", "--", "-", "-"]
    assert ax.lines[0].get_color() == ax.lines[1].get_color() != ax.lines[2].get_color()
    np.testing.assert_array_equal(ax.lines[2].get_xdata(), [1, 2, 3, 4])  # epochs count from 1
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [1.1, 0.6, 0.45])
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("loss per epoch", "epoch", "loss")
    assert ax.get_yscale() == "log" and len(ax.get_legend().get_texts()) == 4


def test_training_curves_of_one_history_and_another_metric():
    history = _History({"loss": [0.9, 0.4], "accuracy": [0.6, 0.9], "val_accuracy": [0.5, np.nan]})
    _, ax = plt.subplots()
    returned = plotting.plot_training_curves(history, metric="accuracy", ax=ax, title="Run 1")
    assert returned is ax and [line.get_label() for line in ax.lines] == ["training", "validation"]
    assert (
        ax.get_ylabel() == "accuracy" and ax.get_title() == "Run 1" and ax.get_yscale() == "linear"
    )
    assert np.isnan(ax.lines[1].get_ydata()[1])  # a diverged epoch is drawn as a gap, not refused
    fig = plotting.plot_training_curves({"loss": [3.0, 2.0], "val_loss": [3.5, 2.5]})
    assert [line.get_label() for line in fig.axes[0].lines] == ["training", "validation"]


@pytest.mark.parametrize(
    ("histories", "error", "message"),
    [
        (
            {"adam": {"accuracy": [0.5]}},
            ValueError,
            r"'metric' must be one of 'accuracy'; got 'loss'",
        ),
        ({"adam": "fast"}, TypeError, r"'histories\['adam'\]' must be a sequence of numbers"),
        ({"adam": [[1.0, 2.0]]}, TypeError, r"'histories\['adam'\]' must be a sequence of numbers"),
        ({}, ValueError, r"'histories' must hold at least one run; got an empty dict"),
    ],
)
def test_training_curves_reject_bad_input_in_nnlab_words(histories, error, message):
    with pytest.raises(error, match=message):
        plotting.plot_training_curves(histories)


def test_regression_fits_draw_the_data_the_outliers_and_each_line():
    x = np.array([[0.0], [1.0], [2.0], [3.0]])  # a column, as regression_with_outliers returns
    y = np.array([1.0, 3.0, 20.0, 7.0])
    is_outlier = np.array([False, False, True, False])
    lines = {"true line": (2.0, 1.0), "MSE fit": (2.5, -0.5)}
    fig = plotting.plot_regression_fits(x, y, lines, is_outlier=is_outlier)
    ax = fig.axes[0]
    data, outliers = ax.collections
    np.testing.assert_array_equal(outliers.get_offsets(), [[2.0, 20.0]])
    assert len(data.get_offsets()) == 3 and len(ax.lines) == 2
    for line, (slope, intercept) in zip(ax.lines, lines.values()):
        x_ends, y_ends = line.get_data()
        np.testing.assert_array_equal(x_ends, [0.0, 3.0])  # across the data
        np.testing.assert_allclose(y_ends, intercept + slope * x_ends)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "data",
        "outlier",
        "true line: y = 2.00·x + 1.00",
        "MSE fit: y = 2.50·x − 0.50",
    ]
    assert ax.get_title() == "Straight lines fitted to the data" and ax.get_xlabel() == "x"


def test_regression_fits_without_outliers_in_a_given_ax():
    _, ax = plt.subplots()
    returned = plotting.plot_regression_fits([0, 1], [1, 2], {"fit": (1, 1)}, ax=ax, title="Fit")
    assert returned is ax and len(ax.collections) == 1 and ax.get_title() == "Fit"


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"y": [1.0, 2.0]}, ValueError, r"'y' must have 3 entries, one per sample of 'x'; got 2"),
        (
            {"is_outlier": [True]},
            ValueError,
            r"'is_outlier' must have 3 entries, one per sample of 'x'; got 1",
        ),
        ({"x": np.zeros((3, 2))}, ValueError, r"'x' must have 1 column \(one feature\); got 2"),
        ({"lines": {"fit": (1.0,)}}, ValueError, r"'lines\['fit'\]' must have 2 numbers"),
        ({"lines": [(1.0, 2.0)]}, TypeError, r"'lines' must be a dict of label → \(slope, int"),
    ],
)
def test_regression_fits_reject_bad_input_in_nnlab_words(changes, error, message):
    arguments = {"x": [0.0, 1.0, 2.0], "y": [1.0, 2.0, 3.0], "lines": {"fit": (1.0, 1.0)}}
    with pytest.raises(error, match=message):
        plotting.plot_regression_fits(**{**arguments, **changes})
