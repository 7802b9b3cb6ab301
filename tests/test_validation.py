"""The one place user-input errors are worded: every message names the parameter, what was
expected and what was received."""

import numpy as np
import pytest

from nnlab._validation import (
    as_float_array,
    as_rng,
    check_choice,
    check_layer_sizes,
    check_same_shape,
    check_scalar,
    check_size,
    scalar_or_array,
)


def test_returns_float64_array_without_copying_one():
    x = np.array([1.0, 2.0])
    assert as_float_array(x, "x") is x
    assert as_float_array([1, 2], "x").dtype == np.float64
    assert as_float_array(x.astype(np.float32), "x").dtype == np.float64  # the default


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        (np.ones(3, dtype=np.float32), np.float32),
        (np.float32(0.5), np.float32),
        (np.ones(3), np.float64),
        ([1, 2], np.float64),
        (np.arange(3), np.float64),
        (np.ones(3, dtype=np.float16), np.float64),
        (np.array([True, False]), np.float64),
        (0.5, np.float64),
        (2, np.float64),
    ],
)
def test_dtype_none_keeps_float32_and_makes_the_rest_float64(value, dtype):
    array = as_float_array(value, "x", dtype=None)
    assert array.dtype == dtype
    if isinstance(value, np.ndarray) and value.dtype == dtype:
        assert array is value  # no copy, and so nothing to modify


@pytest.mark.parametrize(
    ("value", "error", "words"),
    [
        (None, TypeError, ["'x'", "number", "None"]),
        ("abc", TypeError, ["'x'", "number", "'abc'"]),
        ([1, "a"], TypeError, ["'x'", "[1, 'a']"]),
        ([[1, 2], [3]], TypeError, ["'x'"]),
        ([1.0, np.nan], ValueError, ["'x'", "finite", "NaN"]),
        ([1.0, np.inf], ValueError, ["'x'", "finite", "infinite"]),
    ],
)
def test_bad_values_are_named_and_shown(value, error, words):
    with pytest.raises(error) as raised:
        as_float_array(value, "x")
    for word in words:
        assert word in str(raised.value)


def test_wrong_number_of_dimensions():
    with pytest.raises(ValueError, match=r"'W' must be a 2-D array; got 1-D with shape \(3,\)"):
        as_float_array([1, 2, 3], "W", ndim=2)
    with pytest.raises(ValueError, match="'x' must be a 1-D array or a 2-D array; got 0-D"):
        as_float_array(1.0, "x", ndim=(1, 2))


def test_scalar_or_array():
    assert scalar_or_array(np.float64(0.5)) == 0.5
    assert type(scalar_or_array(np.array(0.5))) is float
    assert isinstance(scalar_or_array(np.array([0.5])), np.ndarray)


def test_check_choice_resolves_aliases_and_suggests_the_choice_they_mean():
    aliases = {"logistic": "sigmoid", "binary_sigmoid": "sigmoid"}
    choices = ["sigmoid", "bipolar_sigmoid"]
    assert check_choice("logistic", "activation", choices, aliases) == "sigmoid"
    assert check_choice("bipolar_sigmoid", "activation", choices, aliases) == "bipolar_sigmoid"
    with pytest.raises(ValueError) as raised:
        check_choice("binary_sigmiod", "activation", choices, aliases)
    assert str(raised.value) == (
        "'activation' must be one of 'sigmoid', 'bipolar_sigmoid'; got 'binary_sigmiod'. "
        "Did you mean 'sigmoid'?"
    )


def test_check_choice_suggests_the_closest_name():
    assert check_choice("tanh", "activation", ["tanh", "relu"]) == "tanh"
    with pytest.raises(ValueError, match="got 'rleu'. Did you mean 'relu'"):
        check_choice("rleu", "activation", ["tanh", "relu"])
    with pytest.raises(ValueError) as raised:
        check_choice("softmaxx2000", "activation", ["tanh"])
    assert "Did you mean" not in str(raised.value)
    with pytest.raises(TypeError, match="'activation' must be one of 'tanh'; got 3"):
        check_choice(3, "activation", ["tanh"])


def test_check_size():
    check_size(3, "w", 3, "entries")
    with pytest.raises(ValueError, match="'w' must have 3 entries, one per feature; got 2."):
        check_size(2, "w", 3, "entries, one per feature")


@pytest.mark.parametrize("bad", [[3], [3, 0], [3, -1], [3, 2.5], "32", None, [3, "a"]])
def test_check_layer_sizes_rejects(bad):
    with pytest.raises(ValueError, match="'layer_sizes' must be at least two whole numbers"):
        check_layer_sizes(bad)


def test_check_layer_sizes_accepts_numpy_ints():
    assert check_layer_sizes(np.array([784, 128, 10])) == [784, 128, 10]


@pytest.mark.parametrize(
    ("value", "bounds", "expected"),
    [
        (0.1, {"low": 0, "low_inclusive": False}, 0.1),
        (0, {"low": 0}, 0.0),
        (1, {"low": 0, "high": 1}, 1.0),
        (np.float32(0.5), {}, 0.5),
        (np.float64(0.9), {"low": 0, "high": 1, "high_inclusive": False}, 0.9),
        (3, {"low": 1, "integer": True}, 3),
        (3.0, {"low": 1, "integer": True}, 3),
        (np.int64(7), {"integer": True}, 7),
    ],
)
def test_check_scalar_accepts(value, bounds, expected):
    checked = check_scalar(value, "p", **bounds)
    assert checked == expected and type(checked) is type(expected)


@pytest.mark.parametrize(
    ("value", "bounds", "error", "message"),
    [
        (-0.1, {"low": 0, "low_inclusive": False}, ValueError, "'p' must be > 0; got -0.1."),
        (0.0, {"low": 0, "low_inclusive": False}, ValueError, "'p' must be > 0; got 0.0."),
        (-1, {"low": 0}, ValueError, "'p' must be ≥ 0; got -1."),
        (2.5, {"high": 1}, ValueError, "'p' must be ≤ 1; got 2.5."),
        (1.0, {"high": 1, "high_inclusive": False}, ValueError, "'p' must be < 1; got 1.0."),
        (1.5, {"low": 0, "high": 1, "high_inclusive": False}, ValueError,
         "'p' must be in [0, 1); got 1.5."),
        (0, {"low": 0, "high": 1, "low_inclusive": False}, ValueError,
         "'p' must be in (0, 1]; got 0."),
        (np.float64(-0.5), {"low": 1e-3}, ValueError, "'p' must be ≥ 0.001; got -0.5."),
        (float("nan"), {"low": 0}, ValueError, "'p' must be a finite number; got nan."),
        (float("inf"), {}, ValueError, "'p' must be a finite number; got inf."),
        (2.5, {"low": 1, "integer": True}, ValueError, "'p' must be a whole number ≥ 1; got 2.5."),
        (0, {"low": 1, "integer": True}, ValueError, "'p' must be a whole number ≥ 1; got 0."),
        (0.5, {"integer": True}, ValueError, "'p' must be a whole number; got 0.5."),
        ("0.1", {"low": 0}, TypeError, "'p' must be a number; got '0.1'."),
        (None, {}, TypeError, "'p' must be a number; got None."),
        ([0.1], {}, TypeError, "'p' must be a number; got [0.1]."),
        (np.array(0.1), {}, TypeError, "'p' must be a number; got an array of shape () and"),
        (True, {}, TypeError, "'p' must be a number; got True."),
        (False, {"integer": True}, TypeError, "'p' must be a whole number; got False."),
        (np.bool_(True), {}, TypeError, "'p' must be a number; got np.True_."),
    ],
)  # fmt: skip
def test_check_scalar_messages(value, bounds, error, message):
    with pytest.raises(error) as raised:
        check_scalar(value, "p", **bounds)
    assert str(raised.value).startswith(message)


def test_check_scalar_uses_the_template_from_the_style_guide():
    with pytest.raises(ValueError) as raised:
        check_scalar(-0.1, "learning_rate", low=0, low_inclusive=False)
    assert str(raised.value) == "'learning_rate' must be > 0; got -0.1."


def test_as_rng():
    generator = np.random.default_rng(5)
    assert as_rng(generator) is generator  # the caller's stream, not a copy
    assert isinstance(as_rng(None), np.random.Generator)
    assert as_rng(None).random() != as_rng(None).random()  # fresh entropy each time
    # a seed gives default_rng's stream, every time
    assert (
        as_rng(42).random() == as_rng(np.int64(42)).random() == np.random.default_rng(42).random()
    )


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (0.5, TypeError, "'rng' must be None, an int seed or a numpy.random.Generator; got 0.5."),
        ("7", TypeError, "'rng' must be None, an int seed or a numpy.random.Generator; got '7'."),
        (True, TypeError, "'rng' must be None, an int seed or a numpy.random.Generator; got True."),
        (np.random.RandomState(0), TypeError, "'rng' must be None, an int seed or a numpy"),
        (-1, ValueError, "'rng' must be a whole number ≥ 0; got -1."),
    ],
)
def test_as_rng_rejects(bad, error, message):
    with pytest.raises(error) as raised:
        as_rng(bad)
    assert str(raised.value).startswith(message)


def test_check_same_shape():
    check_same_shape(np.ones((2, 3)), np.zeros((2, 3)), "ours", "theirs")
    check_same_shape([1.0, 2.0], np.ones(2), "ours", "theirs")
    with pytest.raises(ValueError) as raised:
        check_same_shape(np.ones((2, 3)), np.ones((3, 2)), "ours", "theirs")
    assert str(raised.value) == "'theirs' must have the same shape as 'ours' (2, 3); got (3, 2)."
    with pytest.raises(
        ValueError, match=r"'da' must have the same shape as 'z' \(\); got \(1,\)\."
    ):
        check_same_shape(0.5, [0.5], "z", "da")
