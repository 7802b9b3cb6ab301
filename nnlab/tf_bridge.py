"""TensorFlow/Keras, the course's reference oracle (every notebook's "check with TensorFlow").

Only this module (and the tests) imports TensorFlow, and only when one of its functions is
called, so ``import nnlab`` stays fast and works without TensorFlow installed.
"""

import os
import sys
import tempfile

import numpy as np

from nnlab._validation import as_float_array, check_choice, check_size

AGREEMENT_TOLERANCE = 1e-12  # float64 nnlab vs float64 Keras: rounding noise only


def import_tensorflow():
    """Import TensorFlow without log noise and return the ``tensorflow`` module.

    Sets ``TF_CPP_MIN_LOG_LEVEL=2`` and ``TF_ENABLE_ONEDNN_OPTS=0`` (unless already set), then
    imports TensorFlow and initialises its devices with the process's stderr (file
    descriptor 2) sent to a scratch file. TensorFlow's C++ start-up lines ("Could not find cuda
    drivers…", "failed call to cuInit…") bypass its log-level setting, and in a Jupyter kernel
    they would land on the students' screen and differ from run to run. Afterwards stderr works
    as before, so real errors still show. A second call returns the module at once.
    """
    if "tensorflow" in sys.modules and hasattr(sys.modules["tensorflow"], "constant"):
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    sys.stderr.flush()
    saved_fd = os.dup(2)
    try:
        with tempfile.TemporaryFile() as scratch:
            os.dup2(scratch.fileno(), 2)
            import tensorflow as tf

            tf.config.list_physical_devices()
            tf.constant(0.0).numpy()  # first op: device set-up logs go to the scratch file too
    finally:
        sys.stderr.flush()
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
    tf.get_logger().setLevel("ERROR")
    return tf


def keras_activation(name):
    """The TensorFlow function for the nnlab activation ``name``.

    Keras has ``linear``, ``sigmoid``, ``tanh`` and ``relu``; the step and the bipolar sigmoid it
    lacks are written with TensorFlow ops (the step as ``z ≥ 0``, the bipolar sigmoid as
    ``2·sigmoid(z) − 1``, its textbook form, not nnlab's ``tanh(z/2)``).
    """
    from nnlab.activations import ACTIVATIONS

    check_choice(name, "activation", ACTIVATIONS)
    tf = import_tensorflow()
    import keras

    built_from_ops = {
        "step": lambda z: tf.cast(z >= 0, z.dtype),
        "bipolar_sigmoid": lambda z: 2 * keras.activations.sigmoid(z) - 1,
    }
    return built_from_ops.get(name) or keras.activations.get(name)


def keras_dense(W, b, activation="linear", dtype="float64"):
    """A built ``keras.layers.Dense`` whose kernel is ``W`` and bias ``b``.

    Parameters
    ----------
    W : array_like, shape (n_in, n_out)
    b : array_like, shape (n_out,)
    activation : str
        An nnlab activation name (see :func:`keras_activation`).
    dtype : str, default "float64"
        Keras computes in float32 unless told otherwise; float64 makes the comparison with
        nnlab exact to rounding.

    Returns
    -------
    keras.layers.Dense
        Call it on a batch ``X`` of shape (n_samples, n_in).
    """
    W = as_float_array(W, "W", ndim=2)
    b = as_float_array(b, "b", ndim=1)
    check_size(b.shape[0], "b", W.shape[1], "entries, one per column (neuron) of 'W'")
    keras_fn = keras_activation(activation)
    import keras

    layer = keras.layers.Dense(W.shape[1], activation=keras_fn, dtype=dtype)
    layer.build((None, W.shape[0]))
    layer.set_weights([W, b])
    return layer


def keras_neuron(w, b=0.0, activation="sigmoid", dtype="float64"):
    """A one-unit Keras ``Dense`` layer: the Keras equivalent of ``nnlab.neurons.neuron``."""
    w = as_float_array(w, "w", ndim=1)
    b = as_float_array(b, "b", ndim=0)
    return keras_dense(w[:, None], b[None], activation=activation, dtype=dtype)


def keras_outputs(layer, X):
    """Run a Keras layer on ``X`` (a batch, or one sample) and return a NumPy array."""
    X = as_float_array(X, "X", ndim=(1, 2))
    out = np.asarray(layer(X[None] if X.ndim == 1 else X))
    return out[0] if X.ndim == 1 else out


def max_abs_difference(ours, theirs):
    """max |ours − theirs| over all entries, as a float."""
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    if ours.size != theirs.size:
        raise ValueError(
            f"'theirs' must have as many entries as 'ours' ({ours.size}); got {theirs.size}."
        )
    return float(np.max(np.abs(ours.ravel() - theirs.ravel()))) if ours.size else 0.0


def report_agreement(ours, theirs, label="nnlab vs Keras", tolerance=AGREEMENT_TOLERANCE):
    """Print whether two results agree to ``tolerance``, in words that never change run to run.

    The difference itself is rounding noise that can vary between CPUs, so it is printed only
    when it is too large, which is exactly when the reader needs to see it. Returns nothing, so
    a notebook cell ending with it shows just the printed line.
    """
    difference = max_abs_difference(ours, theirs)
    if difference < tolerance:
        print(f"{label}: agree, max |difference| < {tolerance:.0e}")
    else:
        print(f"{label}: DISAGREE, max |difference| = {difference:.3e} (tolerance {tolerance:.0e})")
