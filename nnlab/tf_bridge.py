"""TensorFlow/Keras, the course's reference oracle (every notebook's "check with TensorFlow").

Only this module (and the tests) imports TensorFlow, and only when one of its functions is
called, so ``import nnlab`` stays fast and works without TensorFlow installed.
"""

import contextlib
import functools
import os
import sys
import tempfile

import numpy as np

from nnlab._validation import (
    as_float_array,
    check_same_shape,
    check_scalar,
    check_size,
    describe,
)

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
    with quiet_stderr():
        import tensorflow as tf

        tf.config.list_physical_devices()
        tf.constant(0.0).numpy()  # first op: device set-up logs go to the scratch file too
    tf.get_logger().setLevel("ERROR")
    return tf


@contextlib.contextmanager
def quiet_stderr():
    """Send the process's stderr (file descriptor 2) to a scratch file inside the block.

    For TensorFlow's C++ log lines, which ignore ``TF_CPP_MIN_LOG_LEVEL`` at some levels: the
    start-up lines (see :func:`import_tensorflow`), and the internal notice "NodeDef mentions
    attribute use_unbounded_threadpool…" that TF 2.21 prints the first time Keras' ``fit``
    builds its input pipeline. In a notebook they would land in the cell's output with a
    timestamp. Python's own errors inside the block still raise as usual.
    """
    sys.stderr.flush()
    saved_fd = os.dup(2)
    try:
        with tempfile.TemporaryFile() as scratch:
            os.dup2(scratch.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved_fd, 2)
        os.close(saved_fd)


def _oracles_in_tensorflow(tf, keras):
    """TensorFlow forms of the hand-worked oracles that ``ACTIVATIONS`` declares (``oracle``)."""
    return {
        "step": lambda z: tf.cast(z >= 0, z.dtype),  # "z >= 0 cast to float"
        "bipolar_sigmoid": lambda z: 2 * keras.activations.sigmoid(z) - 1,  # "2·sigmoid(z) − 1"
    }


def keras_activation(name):
    """The TensorFlow function for the nnlab activation ``name`` (aliases accepted).

    The record decides: ``keras.activations.<record.keras>`` (with the record's ``params``) when
    Keras has a twin, otherwise the record's declared hand-worked oracle written with TensorFlow
    ops (the step as ``z ≥ 0``, the bipolar sigmoid as ``2·sigmoid(z) − 1``, its textbook form,
    not nnlab's ``tanh(z/2)``).
    """
    from nnlab.activations import get_activation

    record = get_activation(name)
    tf = import_tensorflow()
    import keras

    if record.keras is None:
        oracles = _oracles_in_tensorflow(tf, keras)
        if record.name not in oracles:
            raise NotImplementedError(
                f"No TensorFlow form of {record.name!r}'s hand-worked oracle "
                f"({record.oracle}) yet: add one to tf_bridge._oracles_in_tensorflow."
            )
        return oracles[record.name]
    twin = keras.activations.get(record.keras)
    return functools.partial(twin, **record.params) if record.params else twin


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


def _is_array(value):
    """True for an array or tensor (something with a shape), False for numbers and plain lists."""
    return hasattr(value, "shape") and not isinstance(value, np.generic)


def _aligned_pairs(ours, theirs):
    """[(where, ours_i, theirs_i), …]: float64 arrays of one shape, ready to subtract.

    Two lists of arrays (``MLP.params`` against ``model.get_weights()``) give one pair per
    entry, ``where`` = "[i]"; anything else is one pair, ``where`` = "". Shapes must match,
    except that a single value may be shaped (), (1,) or (1, 1) on either side.
    """
    entrywise = [
        isinstance(v, (list, tuple)) and len(v) > 0 and all(_is_array(e) for e in v)
        for v in (ours, theirs)
    ]
    if not any(entrywise):
        pairs = [("", ours, theirs)]
    else:
        for value, label in ((ours, "ours"), (theirs, "theirs")):
            if not isinstance(value, (list, tuple)):
                raise ValueError(
                    f"'{label}' must be a list of arrays aligned with the other list (e.g. "
                    f"MLP.params and a Keras model's get_weights()); got {describe(value)}."
                )
        check_size(len(theirs), "theirs", len(ours), "entries, one per entry of 'ours'")
        pairs = [(f"[{i}]", a, b) for i, (a, b) in enumerate(zip(ours, theirs))]
    aligned = []
    for where, a, b in pairs:
        a = as_float_array(a, f"ours{where}")
        b = as_float_array(b, f"theirs{where}")
        if a.size != 1 or b.size != 1:
            check_same_shape(a, b, f"ours{where}", f"theirs{where}")
        aligned.append((where, a, b.reshape(a.shape)))
    return aligned


def max_abs_difference(ours, theirs):
    """max |ours − theirs| over all entries, as a float.

    Parameters
    ----------
    ours, theirs : array_like of one shape, or lists of arrays aligned entry by entry
        A single value may be shaped (), (1,) or (1, 1); any other shape difference, such as
        (2, 3) against (3, 2), raises ValueError rather than comparing entries that do not
        correspond.

    >>> max_abs_difference([[1.0, 2.0]], [[1.0, 2.5]])
    0.5
    >>> max_abs_difference(np.ones((2, 3)), np.ones((3, 2)))
    Traceback (most recent call last):
    ...
    ValueError: 'theirs' must have the same shape as 'ours' (2, 3); got (3, 2).
    """
    differences = [np.abs(a - b) for _, a, b in _aligned_pairs(ours, theirs)]
    return max((float(d.max()) for d in differences if d.size), default=0.0)


def report_agreement(ours, theirs, label="nnlab vs Keras", *, rtol=0.0, atol=AGREEMENT_TOLERANCE):
    """Print whether |ours − theirs| < atol + rtol·|theirs| everywhere, in words fixed run to run.

    Parameters
    ----------
    ours, theirs : array_like of one shape, or lists of arrays aligned entry by entry
        As in :func:`max_abs_difference`; e.g. ``mlp.params`` and ``model.get_weights()``.
    label : str
        Starts the printed line.
    rtol, atol : float ≥ 0
        Relative and absolute tolerance; an exact match always agrees.

    The difference itself is rounding noise that can vary between CPUs, so it is printed only
    when it is too large, which is exactly when the reader needs to see it; for lists, one line
    per entry that disagrees. Returns nothing, so a notebook cell ending with it shows just the
    printed lines.

    >>> report_agreement([0.5, 1.0], [0.5, 1.0 + 1e-15])
    nnlab vs Keras: agree, max |difference| < 1e-12
    >>> report_agreement([np.zeros((2, 2)), np.zeros(2)], [np.zeros((2, 2)), np.ones(2)])
    nnlab vs Keras: DISAGREE at entry [1], max |difference| = 1.000e+00 (tolerance 1e-12)
    """
    rtol = check_scalar(rtol, "rtol", low=0)
    atol = check_scalar(atol, "atol", low=0)
    if rtol == 0:
        bound, tolerance = f"max |difference| < {atol:.0e}", f"tolerance {atol:.0e}"
    else:
        bound = f"|difference| < {atol:.0e} + {rtol:.0e}·|theirs|"
        tolerance = f"rtol {rtol:.0e}, atol {atol:.0e}"
    disagreements = []
    for where, a, b in _aligned_pairs(ours, theirs):
        difference = np.abs(a - b)
        if not np.all((difference < atol + rtol * np.abs(b)) | (difference == 0)):
            at = f" at entry {where}" if where else ""
            disagreements.append(f"DISAGREE{at}, max |difference| = {difference.max():.3e}")
    if not disagreements:
        print(f"{label}: agree, {bound}")
    for line in disagreements:
        print(f"{label}: {line} ({tolerance})")


def _loss_oracles_in_tensorflow(tf):
    """TensorFlow forms of the hand-worked oracles that ``LOSSES`` declares: per-sample losses."""

    def quantile(y_true, y_pred, tau):  # TF Addons' PinballLoss: max(τ·e, (τ − 1)·e), e = y − ŷ
        e = y_true - y_pred
        return tf.reduce_mean(tf.maximum(tau * e, (tau - 1) * e), axis=-1)

    def wasserstein(y_true, y_pred):  # mean of y·ŷ over the last axis
        return tf.reduce_mean(y_true * y_pred, axis=-1)

    return {"quantile": quantile, "wasserstein": wasserstein}


def keras_loss(name, dtype="float64", **params):
    """The Keras loss for the nnlab loss ``name`` (aliases accepted), called like Keras' classes.

    The record decides: ``keras.losses.<record.keras>(**params, dtype=dtype)`` when Keras has
    the class, otherwise the record's declared hand-worked oracle written with TensorFlow ops,
    wrapped in a ``keras.losses.Loss`` so it reduces as Keras does ("sum_over_batch_size").

    Parameters
    ----------
    name : str
        An nnlab loss name, e.g. "mse" or "categorical_crossentropy".
    dtype : str, default "float64"
        Keras computes losses in float32 unless told otherwise.
    **params
        The loss's hyperparameters under Keras' names (``from_logits``, ``label_smoothing``,
        ``delta``; ``tau`` for the quantile oracle); the record's defaults otherwise.

    Returns
    -------
    callable ``loss(y_true, y_pred, sample_weight=None)`` returning a scalar tensor.
    """
    from nnlab.losses import get_loss

    record = get_loss(name)
    unknown = sorted(set(params) - set(record.params))
    if unknown:
        known = ", ".join(repr(p) for p in record.params) or "none"
        raise TypeError(
            f"The loss {record.name!r} has no parameter {unknown[0]!r}; its parameters: {known}."
        )
    params = {**record.params, **params}
    tf = import_tensorflow()
    import keras

    if record.keras is not None:
        return getattr(keras.losses, record.keras)(dtype=dtype, **params)
    oracles = _loss_oracles_in_tensorflow(tf)
    if record.name not in oracles:
        raise NotImplementedError(
            f"No TensorFlow form of {record.name!r}'s hand-worked oracle "
            f"({record.oracle}) yet: add one to tf_bridge._loss_oracles_in_tensorflow."
        )

    class OracleLoss(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return oracles[record.name](y_true, y_pred, **params)

    return OracleLoss(name=record.name, dtype=dtype)


def to_keras(mlp):
    """The Keras twin of an ``nnlab.network.MLP``: the same layers, activations and weights.

    A functional ``keras.Model`` in the MLP's dtype: ``Dense`` layers (with ``batch_norm``,
    each hidden one followed by ``BatchNormalization`` and ``Activation``, with the same
    moving statistics), and an ``Add`` for each residual connection. Its ``trainable_weights``
    line up one to one with ``mlp.params``, so outputs, gradients and optimizer steps can be
    compared entry by entry. Later changes to either model do not reach the other. For
    example, ``to_keras(MLP([2, 3, 1]))`` has trainable weights of shapes (2, 3), (3,), (3, 1),
    (1,), as ``mlp.params``.
    """
    import_tensorflow()
    import keras

    from nnlab.layers import Activation, BatchNormalization, Dense, Dropout

    dtype = mlp.dtype
    inputs = keras.Input((mlp.layer_sizes[0],), dtype=dtype)
    a, pairs = inputs, []  # (nnlab layer, its Keras twin)
    for k, block in enumerate(mlp.blocks):
        block_input = a
        for layer in block:
            if isinstance(layer, Dense):
                twin = keras.layers.Dense(
                    layer.n_out,
                    activation=keras_activation(layer.activation.name),
                    kernel_regularizer=keras_regularizer(layer.kernel_regularizer),
                    dtype=dtype,
                )
            elif isinstance(layer, BatchNormalization):
                twin = keras.layers.BatchNormalization(
                    momentum=layer.momentum, epsilon=layer.epsilon, dtype=dtype
                )
            elif isinstance(layer, Activation):
                twin = keras.layers.Activation(keras_activation(layer.activation.name), dtype=dtype)
            elif isinstance(layer, Dropout):
                twin = keras.layers.Dropout(layer.rate, dtype=dtype)
            else:
                raise NotImplementedError(f"No Keras twin for {layer!r} yet.")
            a = twin(a)
            pairs.append((layer, twin))
        if k in mlp.skips:
            a = keras.layers.Add(dtype=dtype)([a, block_input])
    model = keras.Model(inputs, a)
    for layer, twin in pairs:
        weights = [p.copy() for p in layer.params]
        if isinstance(layer, BatchNormalization):
            weights += [layer.moving_mean.copy(), layer.moving_variance.copy()]
        if weights:
            twin.set_weights(weights)
    return model


def keras_regularizer(regularizer):
    """The Keras form of an ``nnlab.regularization`` penalty (None stays None).

    ``L1(l1)`` → ``keras.regularizers.L1(l1)``, ``L2(l2)`` → ``L2(l2)``, ``L1L2(l1, l2)`` →
    ``L1L2(l1, l2)``: the same R(W) = l1·Σ|w| + l2·Σw².
    """
    if regularizer is None:
        return None
    import_tensorflow()
    import keras

    from nnlab.regularization import get_regularizer

    regularizer = get_regularizer(regularizer)
    name = type(regularizer).__name__
    if name == "L1":
        return keras.regularizers.L1(regularizer.l1)
    if name == "L2":
        return keras.regularizers.L2(regularizer.l2)
    return keras.regularizers.L1L2(l1=regularizer.l1, l2=regularizer.l2)


def keras_gradients(model, X, y, loss, sample_weight=None):
    """(L, grads): a Keras model's loss on (X, y) and its gradients from ``tf.GradientTape``.

    ``grads`` is a list of NumPy arrays aligned with ``model.trainable_weights``, which for
    :func:`to_keras`'s model is the order of ``mlp.params``. ``loss`` is an nnlab loss name
    (its Keras class via :func:`keras_loss`), computed in the model's dtype; ``y`` is passed
    as the nnlab network takes it (one output: (n,) or (n, 1)). The model's regularization
    losses (``model.losses``, its kernel regularizers' penalties) are added, as Keras' ``fit``
    adds them.
    """
    tf = import_tensorflow()
    dtype = np.dtype(model.trainable_weights[0].dtype).name  # the weights', not the model's policy
    loss_fn = keras_loss(loss, dtype=dtype)
    X = tf.constant(as_float_array(X, "X", ndim=2), dtype=dtype)
    y = np.asarray(y)
    outputs = model.outputs[0].shape[-1]
    if y.ndim == 1 and outputs == 1:
        y = y[:, None]
    with tf.GradientTape() as tape:
        out = model(X, training=True)
        value = loss_fn(y, out, sample_weight=sample_weight)
        if model.losses:
            value = value + tf.add_n(model.losses)
    grads = tape.gradient(value, model.trainable_weights)
    return float(value), [np.asarray(g) for g in grads]


def keras_trajectory(optimizer, surface, start=None, steps=100):
    """:func:`nnlab.surfaces.trajectory` with a Keras optimizer: the same path, taken by
    ``optimizer.apply_gradients`` on a float64 ``keras.Variable``.

    ``optimizer`` is a fresh ``keras.optimizers`` object (it builds its state on the first
    step); the gradient at each position is ``surface.gradient``, as nnlab's path uses. Returns
    an ndarray (steps + 1, 2), the start first, compared row by row with nnlab's path.
    """
    import_tensorflow()
    import keras

    from nnlab.surfaces import DIVERGED, get_surface

    surface = get_surface(surface)
    steps = check_scalar(steps, "steps", low=1, integer=True)
    p = keras.Variable(np.array(surface.start if start is None else start, dtype="float64"))
    path = [np.array(p.numpy())]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            optimizer.apply_gradients([(surface.gradient(p.numpy()), p)])
            position = np.array(p.numpy())
            if not np.isfinite(position).all() or abs(surface.function(position)) > DIVERGED:
                break
            path.append(position)
    return np.array(path)
