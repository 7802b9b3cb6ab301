"""The TensorFlow bridge: a quiet import, Keras layers carrying exactly our weights, and
agreement reports whose wording never changes from run to run."""

import subprocess
import sys

import numpy as np
import pytest

from nnlab.activations import ACTIVATIONS
from nnlab.tf_bridge import (
    keras_activation,
    keras_dense,
    keras_neuron,
    keras_outputs,
    max_abs_difference,
    report_agreement,
)

AGREE = "nnlab vs Keras: agree, max |difference| < 1e-12\n"  # the notebooks' line, unchanged


@pytest.mark.tf
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


@pytest.mark.tf
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


@pytest.mark.tf
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_the_record_decides_keras_twin_or_hand_worked_oracle(name, tf):
    import keras

    record = ACTIVATIONS[name]
    fn = keras_activation(name)
    if record.keras is not None and record.params:  # the twin, with the record's parameters
        assert fn.func is getattr(keras.activations, record.keras)
        assert fn.keywords == dict(record.params)
    elif record.keras is not None:
        assert fn is getattr(keras.activations, record.keras)
    else:  # the declared oracle in TensorFlow ops, not a Keras function
        assert fn not in vars(keras.activations).values()


@pytest.mark.tf
def test_aliases_reach_keras_too(rng, tf):
    X, w = rng.normal(size=(5, 3)), rng.normal(size=3)
    ours = keras_outputs(keras_neuron(w, 0.1, activation="sigmoid"), X)
    theirs = keras_outputs(keras_neuron(w, 0.1, activation="binary_sigmoid"), X)
    np.testing.assert_array_equal(ours, theirs)


def test_report_agreement_wording(capsys):
    assert report_agreement([1.0, 2.0], [1.0, 2.0 + 1e-15]) is None  # nothing for a cell to echo
    assert capsys.readouterr().out == AGREE
    report_agreement([1.0], [1.1], label="z")
    assert (
        capsys.readouterr().out == "z: DISAGREE, max |difference| = 1.000e-01 (tolerance 1e-12)\n"
    )


def test_report_agreement_with_rtol_and_atol(capsys):
    ours, theirs = np.array([1000.0, 1e-3]), np.array([1000.0 + 1e-9, 1e-3])
    report_agreement(ours, theirs)  # 1e-9 > atol 1e-12: too far in absolute terms
    assert "DISAGREE, max |difference| = 1.000e-09 (tolerance 1e-12)" in capsys.readouterr().out
    report_agreement(ours, theirs, label="float32", rtol=1e-10)  # 1e-9 < 1e-10 · 1000
    assert capsys.readouterr().out == "float32: agree, |difference| < 1e-12 + 1e-10·|theirs|\n"
    report_agreement([0.0], [1e-9], rtol=1e-3, atol=1e-12)  # rtol alone cannot cover 0
    assert "(rtol 1e-03, atol 1e-12)" in capsys.readouterr().out
    report_agreement([0.5], [0.5], atol=0)  # an exact match always agrees
    assert capsys.readouterr().out == "nnlab vs Keras: agree, max |difference| < 0e+00\n"
    with pytest.raises(ValueError, match="'atol' must be ≥ 0; got -1.0."):
        report_agreement([1.0], [1.0], atol=-1.0)


def test_shapes_must_match_not_just_sizes():
    # Before: a (2, 3) against its transpose compared entries that do not correspond.
    A = np.arange(6.0).reshape(2, 3)
    with pytest.raises(
        ValueError, match=r"'theirs' must have the same shape as 'ours' \(2, 3\); got \(3, 2\)\."
    ):
        max_abs_difference(A, A.reshape(3, 2))
    with pytest.raises(ValueError, match=r"same shape as 'ours' \(2,\); got \(2, 1\)"):
        report_agreement([1.0, 3.0], [[1.0], [3.0]])
    assert max_abs_difference(A, A + 0.25) == 0.25


@pytest.mark.parametrize("single", [0.5, [0.5], [[0.5]], np.float64(0.5), np.array([[0.5]])])
def test_a_single_value_may_be_shaped_either_way(single):
    # A neuron's output is a float here and a (1, 1) batch in Keras: the same one number.
    assert max_abs_difference(0.75, single) == 0.25
    assert max_abs_difference(single, [[0.75]]) == 0.25


def test_lists_aligned_with_params_are_compared_entry_by_entry(capsys, rng):
    params = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), np.zeros(2)]
    same = [p.copy() for p in params]
    report_agreement(params, same)
    assert capsys.readouterr().out == AGREE
    off = [*same[:2], same[2] + 0.5, same[3]]
    assert max_abs_difference(params, off) == 0.5
    report_agreement(params, off, label="weights")
    assert capsys.readouterr().out == (
        "weights: DISAGREE at entry [2], max |difference| = 5.000e-01 (tolerance 1e-12)\n"
    )
    with pytest.raises(ValueError, match=r"'theirs\[0\]' must have the same shape as 'ours\[0\]'"):
        report_agreement(params, [same[0].T, *same[1:]])
    with pytest.raises(
        ValueError, match="'theirs' must have 4 entries, one per entry of 'ours'; got 3"
    ):
        report_agreement(params, same[:3])
    with pytest.raises(ValueError, match="'theirs' must be a list of arrays aligned"):
        max_abs_difference(params, np.zeros(4))


@pytest.mark.tf
def test_params_list_against_a_keras_models_weights(rng, capsys, tf):
    import keras

    model = keras.Sequential(
        [
            keras.Input((3,), dtype="float64"),
            keras.layers.Dense(4, activation="tanh", dtype="float64"),
            keras.layers.Dense(2, dtype="float64"),
        ]
    )
    params = [
        rng.normal(size=(3, 4)),
        rng.normal(size=4),
        rng.normal(size=(4, 2)),
        rng.normal(size=2),
    ]
    model.set_weights(params)
    report_agreement(params, model.get_weights())
    assert capsys.readouterr().out == AGREE
    wrong = [params[0], params[1], params[2], params[3] + 1e-6]
    report_agreement(wrong, model.get_weights())
    assert "DISAGREE at entry [3], max |difference| = 1.000e-06" in capsys.readouterr().out
