"""The perceptron follows Rosenblatt's rule step by step (a hand-worked trace), learns the linearly
separable gates, never settles on XOR and says so, and names bad inputs."""

import warnings

import numpy as np
import pytest
from conftest import assert_inputs_unchanged

from nnlab.activations import step
from nnlab.datasets import logic_gate
from nnlab.perceptron import NotConvergedWarning, Perceptron


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor"])
def test_learns_every_linearly_separable_gate(gate):
    X, y = logic_gate(gate)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NotConvergedWarning
        perceptron = Perceptron().fit(X, y)
    assert perceptron.converged_ and perceptron.errors_[-1] == 0
    assert perceptron.n_epochs_ == len(perceptron.errors_) < 100
    np.testing.assert_array_equal(perceptron.predict(X), y)
    assert perceptron.predict(X).dtype == np.int64 and perceptron.score(X, y) == 1.0
    # the converged weights put every sample on its own side (z = 0 counts as class 1)
    z = X @ perceptron.w_ + perceptron.b_
    assert np.all((z >= 0) == (y == 1))


def test_the_and_trace_matches_the_hand_worked_one():
    # AND, w = (0, 0), b = 0, η = 1; rows 00 → 0, 01 → 0, 10 → 0, 11 → 1; ŷ = 1 iff z ≥ 0.
    # epoch 1, w=(0,0) b=0:  00 z=0 ŷ=1 wrong → w=(0,0) b=−1;  01 z=−1 ok;  10 z=−1 ok;
    #                        11 z=−1 ŷ=0 wrong → w=(1,1) b=0.                        2 errors
    # epoch 2:  00 z=0 wrong → b=−1;  01 z=1−1=0 wrong → w=(1,0) b=−2;  10 z=1−2=−1 ok;
    #           11 z=1+0−2=−1 wrong → w=(2,1) b=−1.                                  3 errors
    # epoch 3:  00 z=−1 ok;  01 z=1−1=0 wrong → w=(2,0) b=−2;  10 z=2−2=0 wrong → w=(1,0) b=−3;
    #           11 z=1−3=−2 wrong → w=(2,1) b=−2.                                     3 errors
    # epoch 4:  00 z=−2 ok;  01 z=1−2=−1 ok;  10 z=2−2=0 wrong → w=(1,1) b=−3;
    #           11 z=2−3=−1 wrong → w=(2,2) b=−2.                                     2 errors
    # epoch 5:  00 z=−2 ok;  01 z=2−2=0 wrong → w=(2,1) b=−3;  10 z=2−3=−1 ok;  11 z=3−3=0 ok.
    #                                                                                1 error
    # epoch 6, w=(2,1) b=−3:  z = −3, −2, −1, 0 → ŷ = 0, 0, 0, 1: all right.          0 errors
    X, y = logic_gate("and")
    perceptron = Perceptron(learning_rate=1.0, w=[0.0, 0.0], b=0.0).fit(X, y)
    assert perceptron.errors_ == [2, 3, 3, 2, 1, 0]
    assert perceptron.n_epochs_ == 6 and perceptron.converged_
    np.testing.assert_array_equal(perceptron.w_, [2.0, 1.0])
    assert perceptron.b_ == -3.0
    # the recorded updates: (epoch, sample) of every mistake, with the weights after it
    assert [(u.epoch, u.index) for u in perceptron.updates_] == [
        (1, 0), (1, 3), (2, 0), (2, 1), (2, 3), (3, 1), (3, 2), (3, 3), (4, 2), (4, 3), (5, 1),
    ]  # fmt: skip
    first, last = perceptron.updates_[0], perceptron.updates_[-1]
    np.testing.assert_array_equal(first.w, [0.0, 0.0])
    assert first.b == -1.0
    np.testing.assert_array_equal(last.w, [2.0, 1.0])
    assert last.b == -3.0
    np.testing.assert_array_equal(perceptron.updates_[4].w, [2.0, 1.0])  # after epoch 2's 11
    assert perceptron.updates_[4].b == -1.0


def test_the_learning_rate_scales_every_update():
    # From w = 0, b = 0 every update is η·(±1)·x: all weights of η = 0.5 are half those of η = 1,
    # so every z is halved, its sign unchanged, and the same samples are wrong at the same time.
    X, y = logic_gate("and")
    one, half = Perceptron(learning_rate=1.0).fit(X, y), Perceptron(learning_rate=0.5).fit(X, y)
    assert half.errors_ == one.errors_
    np.testing.assert_array_equal(half.w_, one.w_ / 2)
    assert half.b_ == one.b_ / 2


def test_xor_never_converges_and_the_warning_says_why():
    X, y = logic_gate("xor")
    with pytest.warns(NotConvergedWarning) as caught:
        perceptron = Perceptron(max_epochs=100).fit(X, y)
    assert not perceptron.converged_ and perceptron.n_epochs_ == 100
    assert len(perceptron.errors_) == 100 and min(perceptron.errors_) > 0
    wrong = perceptron.errors_[-1]
    assert str(caught[0].message) == (
        f"The perceptron did not converge in 100 epochs (still {wrong} of 4 samples wrong in the "
        "last epoch): the classes may not be linearly separable (XOR is not)."
    )
    assert caught[0].filename == __file__  # points at the caller's fit line
    assert perceptron.score(X, y) < 1.0  # no line gets all four right
    assert issubclass(NotConvergedWarning, UserWarning)


def test_the_notes_and_weights_classify_all_four_rows_without_training():
    # w1 = w2 = 0.5, b = −0.7:  z = −0.7, −0.2, −0.2, 0.3 → ŷ = 0, 0, 0, 1 = AND
    X, y = logic_gate("and")
    perceptron = Perceptron(w=[0.5, 0.5], b=-0.7)
    np.testing.assert_allclose(perceptron.decision_function(X), [-0.7, -0.2, -0.2, 0.3])
    np.testing.assert_array_equal(perceptron.predict(X), y)
    assert perceptron.score(X, y) == 1.0
    # and fitting from them needs no update at all: one epoch, no errors
    fitted = Perceptron(w=[0.5, 0.5], b=-0.7).fit(X, y)
    assert fitted.errors_ == [0] and fitted.updates_ == [] and fitted.converged_


def test_z_equal_to_zero_is_class_one_as_in_activations_step():
    perceptron = Perceptron(w=[1.0, -1.0], b=0.0)
    X = np.array([[1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])  # z = 0, −1, 1
    np.testing.assert_array_equal(perceptron.predict(X), [1, 0, 1])
    np.testing.assert_array_equal(perceptron.predict(X), step(perceptron.decision_function(X)))


def test_inputs_and_starting_weights_are_never_modified():
    X, y = logic_gate("or")
    w0 = np.array([0.25, -0.5])
    fitted = assert_inputs_unchanged(lambda X, y, w: Perceptron(w=w).fit(X, y), X, y, w0)
    assert fitted.converged_
    perceptron = Perceptron(w=w0, b=0.1).fit(X, y)
    np.testing.assert_array_equal(perceptron.w, [0.25, -0.5])  # the start stays the start
    assert perceptron.w_ is not perceptron.w and perceptron.updates_[0].w is not perceptron.w_
    assert_inputs_unchanged(perceptron.predict, X)
    # refitting starts again from w, b: the same result
    np.testing.assert_array_equal(Perceptron(w=w0, b=0.1).fit(X, y).w_, perceptron.fit(X, y).w_)


def test_shuffling_is_repeatable_with_the_same_rng(rng):
    X, y = logic_gate("nand")
    X, y = np.repeat(X, 5, axis=0), np.repeat(y, 5)  # 20 samples: many possible orders
    first = Perceptron(shuffle=True, rng=7).fit(X, y)
    again = Perceptron(shuffle=True, rng=np.random.default_rng(7)).fit(X, y)
    assert first.errors_ == again.errors_ and first.converged_
    np.testing.assert_array_equal(first.w_, again.w_)
    assert [u.index for u in first.updates_] == [u.index for u in again.updates_]
    in_order = Perceptron().fit(X, y)
    orders = {tuple(u.index for u in p.updates_) for p in [first, in_order]}
    assert len(orders) == 2  # shuffling changed which samples were visited when
    assert Perceptron(shuffle=True, rng=rng).fit(X, y).converged_


def test_repr_has_no_memory_address():
    assert repr(Perceptron(learning_rate=0.5, max_epochs=20)) == (
        "Perceptron(learning_rate=0.5, max_epochs=20, shuffle=False)"
    )


X4, Y4 = logic_gate("and")
BAD_SETTINGS = [
    ({"learning_rate": -0.1}, ValueError, r"^'learning_rate' must be > 0; got -0.1\.$"),
    ({"learning_rate": 0}, ValueError, r"'learning_rate' must be > 0; got 0"),
    ({"learning_rate": "1"}, TypeError, r"'learning_rate' must be a number; got '1'"),
    ({"max_epochs": 0}, ValueError, r"'max_epochs' must be a whole number ≥ 1; got 0"),
    ({"max_epochs": 2.5}, ValueError, r"'max_epochs' must be a whole number ≥ 1; got 2.5"),
    ({"rng": 0.5}, TypeError, r"'rng' must be None, an int seed"),
    ({"w": [[0.5, 0.5]]}, ValueError, r"'w' must be a 1-D array; got 2-D"),
    ({"b": [1.0, 2.0]}, ValueError, r"'b' must be a single number; got 1-D"),
]


@pytest.mark.parametrize(("settings", "error", "message"), BAD_SETTINGS)
def test_bad_settings_are_named(settings, error, message):
    with pytest.raises(error, match=message):
        Perceptron(**settings)


BAD_DATA = [
    ({"X": X4[0]}, ValueError, r"'X' must be a 2-D array; got 1-D"),
    ({"X": X4[:0], "y": Y4[:0]}, ValueError, r"'len\(X\)' must be ≥ 1; got 0"),
    ({"y": [0, 1, 2, 1]}, ValueError, r"'y\[2\]' must be a whole number in \[0, 1\]; got 2.0"),
    ({"y": [0, -1, 0, 1]}, ValueError, r"'y\[1\]' must be a whole number in \[0, 1\]; got -1.0"),
    ({"y": Y4[:3]}, ValueError, r"'y' must have 4 entries, one per row \(sample\) of 'X'; got 3"),
    ({"X": [[np.nan, 0]] * 4}, ValueError, r"'X' must contain only finite numbers"),
]


@pytest.mark.parametrize(("changes", "error", "message"), BAD_DATA)
def test_bad_training_data_is_named(changes, error, message):
    arguments = {"X": X4, "y": Y4, **changes}
    with pytest.raises(error, match=message):
        Perceptron().fit(**arguments)


def test_weights_that_do_not_fit_the_data_are_named():
    with pytest.raises(ValueError, match=r"'w' must have 2 entries, one per column .*; got 3"):
        Perceptron(w=[0.0, 0.0, 0.0]).fit(X4, Y4)
    with pytest.raises(ValueError, match=r"'X' must have 2 columns, one per weight in 'w'; got 3"):
        Perceptron(w=[0.5, 0.5]).predict(np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"'y' must have 4 entries"):
        Perceptron(w=[0.5, 0.5]).score(X4, Y4[:2])


def test_predicting_without_weights_says_what_to_do():
    with pytest.raises(ValueError, match=r"no weights yet: call fit\(X, y\) first, or create it"):
        Perceptron().predict(X4)


def test_replay_counts_the_mistakes_of_the_epoch_under_way():
    X, y = logic_gate("and")
    run = Perceptron(learning_rate=1.0, w=[0.5, -0.5], b=0.1).fit(X, y)
    assert run.replay(0) == ((1, None, run.w, run.b), [])
    update, errors = run.replay(4)
    assert (update.epoch, update.index, errors) == (2, 2, [2, 2])
    assert run.replay(6)[1] == run.errors_[:-1]  # all but the final clean epoch
