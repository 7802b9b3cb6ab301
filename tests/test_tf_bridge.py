"""The TensorFlow bridge: a quiet import, Keras layers carrying exactly our weights, and
agreement reports whose wording never changes from run to run."""

import subprocess
import sys

import numpy as np
import pytest

from nnlab.tf_bridge import keras_dense, max_abs_difference, report_agreement


def test_import_tensorflow_writes_nothing_to_stderr():
    code = (
        "from nnlab.tf_bridge import import_tensorflow\n"
        "tf = import_tensorflow()\n"
        "print(float(tf.reduce_sum(tf.constant([1.0, 2.0]))))\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("TF_")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3.0"
    assert done.stderr == ""


def test_keras_dense_holds_our_weights_in_float64(rng, tf):
    W, b = rng.normal(size=(4, 2)), rng.normal(size=2)
    layer = keras_dense(W, b)
    kernel, bias = layer.get_weights()
    np.testing.assert_array_equal(kernel, W)
    np.testing.assert_array_equal(bias, b)
    assert layer.dtype == "float64"


def test_keras_dense_rejects_mismatched_bias():
    with pytest.raises(ValueError, match="'b' must have 2 entries, one per column"):
        keras_dense(np.ones((3, 2)), np.ones(3))


def test_report_agreement_wording(capsys):
    assert report_agreement([1.0, 2.0], [1.0, 2.0 + 1e-15]) is None  # nothing for a cell to echo
    assert capsys.readouterr().out == "nnlab vs Keras: agree, max |difference| < 1e-12\n"
    report_agreement([1.0], [1.1], label="z")
    assert "z: DISAGREE, max |difference| = 1.000e-01" in capsys.readouterr().out


def test_max_abs_difference():
    assert max_abs_difference([[1.0], [3.0]], [1.5, 2.0]) == 1.0  # |3 − 2| = 1, shapes flattened
    with pytest.raises(
        ValueError, match="'theirs' must have as many entries as 'ours' \\(2\\); got 3"
    ):
        max_abs_difference([1, 2], [1, 2, 3])
