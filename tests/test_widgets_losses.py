"""The loss explorer: the curves are the registry's losses and gradients (checked against plain
NumPy formulas and hand-worked points), the parameter slider follows the loss, one outlier
moves the mean by Δ/13 and neither the median nor Huber's constant, and the text form (what
nbval compares) is the one notebook 04 shows. What every widget must do is in test_widgets.py.
"""

import numpy as np
import pytest

from nnlab.losses import LOSSES, best_constant
from nnlab.widgets.losses import DATA, REGRESSION, make_loss_explorer

# Plain-NumPy oracles: (loss, dL/dŷ) of one sample with error e = ŷ − y, at default parameters.
ONE_SAMPLE = {
    "mse": lambda e: (e**2, 2 * e),
    "mae": lambda e: (np.abs(e), np.sign(e)),
    "huber": lambda e: (  # δ = 1: quadratic within 1, linear beyond
        np.where(np.abs(e) <= 1, e**2 / 2, np.abs(e) - 0.5),
        np.clip(e, -1, 1),
    ),
    "log_cosh": lambda e: (np.log(np.cosh(e)), np.tanh(e)),
    "quantile": lambda e: (  # τ = 0.5: half the absolute error; at e = 0 the −τ side
        0.5 * np.abs(e),
        np.where(e <= 0, -0.5, 0.5),
    ),
}


@pytest.fixture
def explorer():
    return make_loss_explorer()


def redraws(widget):
    changes = []
    widget.image.observe(changes.append, names="value")
    return changes


def test_starts_at_huber_with_the_outlier_at_8(explorer):
    assert repr(explorer) == "LossExplorer(loss='huber', delta=1.00, target=0.00, outlier=8.00)"
    assert explorer.plot.ax_loss.get_title() == "huber: loss and gradient for y = 0.00"
    assert explorer.plot.ax_pull.get_xlim() == (-6.0, 21.0)
    assert explorer.readout.value.startswith("best constant: MSE ")
    # The 12 fixed targets, N(2, 0.5²) from seed 0, all far below the outlier
    assert DATA.shape == (12,) and DATA.max() < 4.0
    np.testing.assert_array_equal(DATA, np.random.default_rng(0).normal(2.0, 0.5, 12))


def test_the_menu_lists_the_registered_regression_losses(explorer):
    assert tuple(explorer.controls["loss"].options) == REGRESSION
    assert REGRESSION == ("mse", "mae", "huber", "log_cosh", "quantile")
    assert repr(make_loss_explorer("pinball")).startswith("LossExplorer(loss='quantile', tau=0.50")


@pytest.mark.parametrize("loss", REGRESSION)
@pytest.mark.parametrize("target", [0.0, -1.25, 2.0])
def test_curves_are_the_registry_loss_and_gradient_of_one_sample(loss, target):
    widget = make_loss_explorer(loss, target=target)
    y_hat, curve = widget.plot.loss.get_data()
    _, slope = widget.plot.gradient.get_data()
    assert y_hat[0] == -4.0 and y_hat[-1] == 4.0 and len(curve) == len(slope) == len(y_hat)
    record = LOSSES[loss]
    for i in range(0, len(y_hat), 10):  # every 10th point, a batch of one sample
        assert curve[i] == record.function([target], [y_hat[i]])
        assert slope[i] == pytest.approx(record.gradient([target], [y_hat[i]])[0], rel=1e-12)
    expected_curve, expected_slope = ONE_SAMPLE[loss](y_hat - target)
    np.testing.assert_allclose(curve, expected_curve, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(slope, expected_slope, rtol=1e-12, atol=1e-12)
    assert widget.plot.target.get_data() == ([target], [0.0])  # L(y, y) = 0


def test_hand_worked_points_on_the_curves():
    widget = make_loss_explorer("mse")  # y = 0, ŷ = 2: L = (2 − 0)² = 4, dL/dŷ = 2·(2 − 0) = 4
    y_hat, curve = widget.plot.loss.get_data()
    _, slope = widget.plot.gradient.get_data()
    at_2 = np.flatnonzero(np.isclose(y_hat, 2.0))[0]
    assert (curve[at_2], slope[at_2]) == pytest.approx((4.0, 4.0))
    widget.update(loss="huber", parameter=0.5)  # e = 2 > δ: L = 0.5·2 − 0.5²/2 = 0.875, slope δ
    _, curve = widget.plot.loss.get_data()
    _, slope = widget.plot.gradient.get_data()
    assert (curve[at_2], slope[at_2]) == pytest.approx((0.875, 0.5))
    widget.update(loss="quantile", parameter=0.9)  # ŷ too high by 2: (1 − τ)·2 = 0.2, slope 0.1
    _, curve = widget.plot.loss.get_data()
    _, slope = widget.plot.gradient.get_data()
    assert (curve[at_2], slope[at_2]) == pytest.approx((0.2, 0.1))


def test_the_y_limits_fit_the_curves_of_every_target():
    widget = make_loss_explorer("quantile", parameter=0.9)
    # The largest errors shown are e = ŷ − y = ±6 (ŷ = ∓4, y = ±2): L = 0.9·6 = 5.4 below,
    # 0.1·6 = 0.6 above; the slope runs from −0.9 to 0.1. So the values span [−0.9, 5.4],
    # widened by 10 % of 6.3 at each end
    expected = (-0.9 - 0.63, 5.4 + 0.63)
    assert widget.plot.ax_loss.get_ylim() == pytest.approx(expected)
    for target in np.linspace(-2, 2, 9):  # sliding y moves the curves, never the axes
        widget.update(target=target)
        assert widget.plot.ax_loss.get_ylim() == pytest.approx(expected)
        low, high = widget.plot.ax_loss.get_ylim()
        for line in (widget.plot.loss, widget.plot.gradient):
            assert low < line.get_ydata().min() and line.get_ydata().max() < high
    widget.update(loss="mae")  # [−1, 6]: inside the view and filling over a third: it stays
    assert widget.plot.ax_loss.get_ylim() == pytest.approx(expected)
    widget.update(loss="mse")  # [−12, 36]: beyond it, the view is fitted again
    assert widget.plot.ax_loss.get_ylim() == pytest.approx((-12 - 4.8, 36 + 4.8))
    widget.update(loss="mae")  # fills 7/57.6 of that view, less than a third: fitted again
    assert widget.plot.ax_loss.get_ylim() == pytest.approx((-1 - 0.7, 6 + 0.7))


def test_the_parameter_slider_follows_the_loss(explorer):
    parameter, changes = explorer.controls["parameter"], redraws(explorer)
    shown = lambda: (  # noqa: E731
        parameter.description,
        parameter.value,
        parameter.min,
        parameter.max,
        parameter.disabled,
    )
    assert shown() == ("delta", 1.0, 0.05, 3.0, False)
    explorer.controls["parameter"].value = 2.5
    explorer.controls["loss"].value = "quantile"  # τ in (0, 1): the slider stops at 0.95
    assert shown() == ("tau", 0.5, 0.05, 0.95, False)
    explorer.controls["loss"].value = "mse"
    assert parameter.disabled and parameter.description == "(none)"
    assert repr(explorer) == "LossExplorer(loss='mse', target=0.00, outlier=8.00)"
    explorer.controls["loss"].value = "huber"  # back to Huber's range and default
    assert shown() == ("delta", 1.0, 0.05, 3.0, False)
    assert len(changes) == 4  # one redraw per change: the reset draws nothing of its own


def test_a_parameter_given_with_a_loss_is_checked_against_that_loss(explorer):
    explorer.update(loss="quantile", parameter=0.9)  # the loss first, then its τ
    assert explorer.parameters() == {"tau": 0.9}
    explorer.update(parameter=0.25, loss="huber")  # δ = 0.25, whatever the order given
    assert explorer.parameters() == {"delta": 0.25}
    explorer.update(loss="quantile")
    explorer.update(loss="huber", parameter=2.5)  # beyond τ's range, within δ's
    assert explorer.parameters() == {"delta": 2.5}
    before = explorer.image.value, repr(explorer)
    with pytest.raises(ValueError, match=r"'parameter' must be within \[0.05, 0.95\]"):
        explorer.update(loss="quantile", parameter=2.0)
    with pytest.raises(ValueError, match=r"'loss' must be one of 'mse', .*; got 'hinge'"):
        explorer.update(loss="hinge", parameter=1.0)
    assert (explorer.image.value, repr(explorer)) == before  # refused, nothing changed


def test_the_outlier_pulls_the_mean_but_not_the_median_or_huber(explorer):
    lines = explorer.plot.lines  # MSE, MAE, Huber (δ = 1)
    mean, median, huber = (line.get_xdata()[0] for line in lines)
    explorer.update(outlier=12.0)
    # 13 targets: the mean moves by Δ/13 = (12 − 8)/13
    assert lines[0].get_xdata()[0] - mean == pytest.approx(4 / 13, abs=1e-9)
    # The outlier stays the largest of the 13, so the median stays the 7th smallest
    assert lines[1].get_xdata()[0] == median == np.sort(DATA)[6]
    # Huber: an error beyond δ pulls with exactly δ, however far; so c does not move
    assert lines[2].get_xdata()[0] == pytest.approx(huber, abs=1e-9)
    assert np.median(DATA) < huber < mean


def test_moving_the_outlier_leaves_the_left_panel_alone(explorer):
    left = explorer.plot
    before = left.loss.get_ydata().copy(), left.gradient.get_ydata().copy(), left.title.get_text()
    explorer.update(outlier=-5.0)
    after = left.loss.get_ydata(), left.gradient.get_ydata(), left.title.get_text()
    np.testing.assert_array_equal(after[0], before[0])
    np.testing.assert_array_equal(after[1], before[1])
    assert after[2] == before[2] and left.outlier.get_data() == ([-5.0], [0.0])


@pytest.mark.parametrize(("loss", "delta"), [("huber", 2.5), ("quantile", 1.0), ("mse", 1.0)])
def test_the_readout_and_lines_are_best_constant(loss, delta):
    widget = make_loss_explorer(loss, 2.5 if loss == "huber" else None, outlier=15.0)
    y = np.append(DATA, 15.0)
    mse, mae = best_constant(y, "mse"), best_constant(y, "mae")
    huber = best_constant(y, "huber", delta=delta)  # the slider's δ, else Huber's default 1
    assert widget.constants == {"mse": mse, "mae": mae, "huber": huber}
    assert [line.get_xdata()[0] for line in widget.plot.lines] == [mse, mae, huber]
    assert widget.readout.value == (
        f"best constant: MSE {mse:.2f} (mean) · MAE {mae:.2f} (median) · "
        f"Huber(δ={delta:.2f}) {huber:.2f}"
    )
    legend = widget.plot.ax_pull.get_legend().get_texts()
    assert [text.get_text() for text in legend] == ["MSE: mean", "MAE: median", "Huber"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"loss": "hinge"}, r"'loss' must be one of the regression losses .*; got 'hinge'"),
        ({"loss": "mse_loss"}, r"'loss' must be one of .*; got 'mse_loss'"),
        ({"parameter": 3.5}, r"'parameter' must be within \[0.05, 3\]"),
        ({"loss": "quantile", "parameter": 1.0}, r"'parameter' must be within \[0.05, 0.95\]"),
        ({"target": 2.5}, r"'target' must be within \[-2, 2\] \(the slider's range\); got 2.5"),
        ({"outlier": -6.0}, r"'outlier' must be within \[-5, 20\]"),
    ],
)
def test_bad_values_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_loss_explorer(**kwargs)
