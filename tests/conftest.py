"""Shared fixtures and tolerances for nnlab's tests (the oracles live in oracles.py)."""

import os
import pathlib
import sys

import numpy as np
import pytest

# The project's scripts (tools/: pins, check_python, run_notebooks) are importable in tests.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))

# Set before anything imports TensorFlow, so its start-up stays quiet in the test log too.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

# float64 against float64: differences are rounding only.
TIGHT = {"rtol": 1e-12, "atol": 1e-14}
# Finite differences carry truncation error ~h² ≈ 1e-12 and cancellation ~eps/h ≈ 1e-10.
FINITE_DIFFERENCE = {"rtol": 1e-6, "atol": 1e-8}


@pytest.fixture
def rng():
    """A fresh, seeded generator per test: tests are independent and repeatable."""
    return np.random.default_rng(20261121)


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, imported quietly through nnlab's bridge (the reference oracle)."""
    from nnlab.tf_bridge import import_tensorflow

    return import_tensorflow()


def read_only(*arrays):
    """Copies of ``arrays`` that raise if anything writes to them.

    An array keeps its dtype (so float32 stays float32); anything else becomes float64.
    """
    copies = []
    for array in arrays:
        copy = np.array(array, dtype=None if isinstance(array, np.ndarray) else float)
        copy.setflags(write=False)
        copies.append(copy)
    return copies


def assert_inputs_unchanged(f, *arrays):
    """Call ``f(*arrays)`` twice: on read-only copies (an in-place write raises) and on writable
    copies, compared with the originals afterwards (catches a function that writes only when
    it can). Returns the first call's result."""
    result = f(*read_only(*arrays))
    writable = [np.array(array) for array in arrays]
    f(*writable)
    for before, after in zip(arrays, writable):
        np.testing.assert_array_equal(after, before, err_msg="the function changed its input")
    return result
