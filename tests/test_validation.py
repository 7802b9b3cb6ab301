"""The one place user-input errors are worded: every message names the parameter, what was
expected and what was received."""

import numpy as np
import pytest

from nnlab._validation import (
    as_float_array,
    check_choice,
    check_layer_sizes,
    check_size,
    scalar_or_array,
)


def test_returns_float64_array_without_copying_one():
    x = np.array([1.0, 2.0])
    assert as_float_array(x, "x") is x
    assert as_float_array([1, 2], "x").dtype == np.float64


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
    import numpy as np

    assert check_layer_sizes(np.array([784, 128, 10])) == [784, 128, 10]
