"""Loss functions and their gradients (notebook 04; notebooks 05 onward train with them).

Every loss ``name(y_true, y_pred, sample_weight=None, **params)`` returns the number the
matching Keras loss *class* returns, e.g. ``keras.losses.MeanSquaredError()(y_true, y_pred)``,
built in three steps:

1. a term per entry, ℓ(y, ŷ): the squared error, the absolute error, …;
2. one loss per sample, lᵢ: the mean of row i's terms (regression losses, binary
   cross-entropy, hinge, Wasserstein) or their sum (categorical cross-entropies, KL
   divergence), as Keras reduces the last axis;
3. the batch loss L = Σᵢ wᵢ·lᵢ / n, with sample weights wᵢ (all 1 when none are given):
   Keras' "sum_over_batch_size", which divides by n, not by Σᵢ wᵢ.

``name_gradient`` (same arguments) returns ∂L/∂ŷ, shaped like ``y_pred`` (∂L/∂z, the logits,
for ``from_logits=True``): where backpropagation starts. It equals ``tf.GradientTape`` on the
Keras class, TensorFlow's choices at kinks included: d|e|/de = 0 at e = 0; ``max(a, b)`` sends
the gradient to ``a`` when a = b (``tf.maximum``), so a hinge margin of exactly 1 counts as
violated; a clipped probability passes the gradient at the clip bounds and none beyond them,
so a probability of exactly 0 or 1 gets gradient 0.

Shapes: ``y_true`` and ``y_pred`` are (n_samples, n_outputs), of one shape. A 1-D array (n,)
means n samples of one output each, i.e. (n, 1): how regression targets and binary labels are
usually passed. (Keras reads a 1-D batch as one sample of n outputs; the two agree unless
sample weights are given.) ``sparse_categorical_crossentropy`` takes integer labels (n,) with
``y_pred`` (n, n_classes). ``sample_weight`` is None or (n,): one finite weight ≥ 0 per sample.

dtypes: float32 ``y_true`` and ``y_pred`` give a ``numpy.float32`` loss and a float32 gradient
(for the sparse loss, float32 ``y_pred`` is enough); anything else is computed in float64 and
the loss is a Python float. Inputs are never modified.

``LOSSES[name]`` is a :class:`Loss` record (function, gradient, Keras twin or hand-worked
oracle, default parameters, task), the one list menus, the TensorFlow bridge and the tests are
built from. The notes' long names (``mean_squared_error``, ``kld``, ``pinball``, …) are in
``ALIASES``. For imbalanced classes, :func:`class_weight_to_sample_weight` gives the
``sample_weight`` that Keras' ``fit(class_weight=...)`` uses.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from nnlab._validation import (
    as_float_array,
    check_choice,
    check_same_shape,
    check_scalar,
    check_size,
    describe,
)

EPSILON = 1e-7  # keras.config.epsilon(): probabilities are clipped to [ε, 1 − ε]
_LOG_2 = math.log(2.0)  # exact (Keras rounds it to float32); a Python float keeps float32 float32

_BOUNDS = {  # each hyperparameter's allowed values, in check_scalar's terms
    "delta": {"low": 0, "low_inclusive": False},
    "tau": {"low": 0, "high": 1, "low_inclusive": False, "high_inclusive": False},
    "label_smoothing": {"low": 0, "high": 1},
}


def _checked(params):
    """The hyperparameters, validated: ``from_logits`` a bool, the others within ``_BOUNDS``."""
    checked = {}
    for name, value in params.items():
        if name != "from_logits":
            checked[name] = check_scalar(value, name, **_BOUNDS[name])
        elif isinstance(value, (bool, np.bool_)):
            checked[name] = bool(value)
        else:
            raise TypeError(f"'from_logits' must be True or False; got {describe(value)}.")
    return checked


def _labels(y, name, n_classes=None):
    """Whole-number class labels shaped (n,) or (n, 1), in [0, n_classes), as an int array (n,)."""
    y = as_float_array(y, name, ndim=(1, 2))
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"'{name}' must be integer class labels shaped (n,); got {y.shape}.")
    high = np.inf if n_classes is None else n_classes
    bad = (y != np.floor(y)) | (y < 0) | (y >= high)
    if bad.any():
        i = int(np.argmax(bad))
        where = "≥ 0" if n_classes is None else f"in [0, {n_classes}), one per column of 'y_pred'"
        raise ValueError(
            f"'{name}' must hold integer class labels {where}; got {y[i]:g} for sample {i}."
        )
    return y.astype(np.int64)


def _sample_weight(sample_weight, n, dtype):
    """One finite weight ≥ 0 per sample, (n,), in the loss's dtype; ones when None."""
    if sample_weight is None:
        return np.ones(n, dtype)
    w = as_float_array(sample_weight, "sample_weight", ndim=1)
    check_size(len(w), "sample_weight", n, "entries, one per sample (row) of 'y_pred'")
    if (w < 0).any():
        i = int(np.argmax(w < 0))
        raise ValueError(f"'sample_weight' must be ≥ 0; got {w[i]:g} for sample {i}.")
    return w.astype(dtype, copy=False)


def _batch(y_true, y_pred, sample_weight, targets):
    """(t, p, w, shape): y_true, y_pred as (n, k) arrays of one dtype, weights (n,), y_pred's shape.

    ``targets`` is "values" (y_true shaped like y_pred), "one-hot" (the same, with at least 2
    classes) or "labels" (integer labels (n,) for y_pred (n, k), returned one-hot).
    """
    p = as_float_array(y_pred, "y_pred", ndim=(1, 2) if targets == "values" else 2, dtype=None)
    if p.size == 0:
        raise ValueError(f"'y_pred' must hold at least one sample; got shape {p.shape}.")
    if targets != "values" and p.shape[1] < 2:
        raise ValueError(
            f"'y_pred' must have one column per class, at least 2; got shape {p.shape}. "
            "For one output per sample use binary_crossentropy."
        )
    if targets == "labels":
        labels = _labels(y_true, "y_true", n_classes=p.shape[1])
        check_size(len(labels), "y_true", len(p), "labels, one per row of 'y_pred'")
        t = (labels[:, None] == np.arange(p.shape[1])).astype(p.dtype)  # one-hot, (n, k)
    else:
        t = as_float_array(y_true, "y_true", dtype=None)
        check_same_shape(t, p, "y_true", "y_pred")
        dtype = np.float32 if t.dtype == p.dtype == np.float32 else np.float64
        t, p = t.astype(dtype, copy=False), p.astype(dtype, copy=False)
    shape = p.shape
    if p.ndim == 1:  # n samples of one output each
        t, p = t[:, None], p[:, None]
    return t, p, _sample_weight(sample_weight, len(p), p.dtype), shape


def _per_sample(over, targets="values"):
    """Marks a loss kernel ``kernel(t, p, gradient, **params)``, which returns the terms ℓ_ij
    (or with ``gradient=True`` the derivative of each row's sum of terms): a sample's loss is
    the ``over`` ("mean" or "sum") of its row; ``targets`` as in :func:`_batch`."""

    def mark(kernel):
        kernel.over, kernel.targets = over, targets
        return kernel

    return mark


def _loss(kernel, y_true, y_pred, sample_weight, **params):
    """L = Σᵢ wᵢ·lᵢ / n, lᵢ the mean or sum of row i of ``kernel``'s terms."""
    t, p, w, _ = _batch(y_true, y_pred, sample_weight, kernel.targets)
    terms = kernel(t, p, gradient=False, **_checked(params))  # (n, k)
    per_sample = terms.mean(axis=1) if kernel.over == "mean" else terms.sum(axis=1)  # (n,)
    loss = np.sum(w * per_sample) / len(w)
    return loss if loss.dtype == np.float32 else float(loss)


def _gradient(kernel, y_true, y_pred, sample_weight, **params):
    """∂L/∂ŷ_ij = wᵢ/n · ∂(Σ_j ℓ_ij)/∂ŷ_ij (the kernel's part), divided by k for a mean."""
    t, p, w, shape = _batch(y_true, y_pred, sample_weight, kernel.targets)
    d_terms = kernel(t, p, gradient=True, **_checked(params))  # (n, k)
    n, k = p.shape
    scale = w / (n * k) if kernel.over == "mean" else w / n  # (n,)
    return (d_terms * scale[:, None]).reshape(shape)


# --- regression ---------------------------------------------------------------------------


@_per_sample("mean")
def _squared_error(t, p, gradient):
    e = p - t
    return 2 * e if gradient else e * e


def mse(y_true, y_pred, sample_weight=None):
    """Mean squared error: lᵢ = mean_j (ŷ_ij − y_ij)², L = Σᵢ wᵢ·lᵢ / n.

    Parameters
    ----------
    y_true : array_like, (n_samples, n_outputs) or (n,) (one output per sample)
        The targets.
    y_pred : array_like, the shape of ``y_true``
        The predictions.
    sample_weight : array_like (n,), optional
        One weight ≥ 0 per sample (e.g. from :func:`class_weight_to_sample_weight`).

    Returns
    -------
    float (numpy.float32 when y_true and y_pred are float32)

    >>> mse([1.0, 2.0], [1.0, 4.0])  # ((1 − 1)² + (4 − 2)²) / 2
    2.0
    """
    return _loss(_squared_error, y_true, y_pred, sample_weight)


def mse_gradient(y_true, y_pred, sample_weight=None):
    """∂L/∂ŷ_ij = 2(ŷ_ij − y_ij)·wᵢ / (n·k), shaped like ``y_pred`` (arguments as in mse).

    >>> mse_gradient([1.0, 2.0], [1.0, 4.0])  # 2·(0, 2) / 2
    array([0., 2.])
    """
    return _gradient(_squared_error, y_true, y_pred, sample_weight)


@_per_sample("mean")
def _absolute_error(t, p, gradient):
    e = p - t
    return np.sign(e) if gradient else np.abs(e)


def mae(y_true, y_pred, sample_weight=None):
    """Mean absolute error: lᵢ = mean_j |ŷ_ij − y_ij| (arguments as in mse).

    Less swayed by outliers than mse: a large error counts linearly, not squared.

    >>> mae([1.0, 2.0], [1.5, 4.0])  # (0.5 + 2) / 2
    1.25
    """
    return _loss(_absolute_error, y_true, y_pred, sample_weight)


def mae_gradient(y_true, y_pred, sample_weight=None):
    """∂L/∂ŷ_ij = sign(ŷ_ij − y_ij)·wᵢ / (n·k); 0 where ŷ = y (TensorFlow's d|e|/de at 0).

    >>> mae_gradient([1.0, 2.0], [1.0, 4.0])  # (sign 0, sign 2) / 2
    array([0. , 0.5])
    """
    return _gradient(_absolute_error, y_true, y_pred, sample_weight)


@_per_sample("mean")
def _huber(t, p, gradient, delta):
    e = p - t
    small = np.abs(e) <= delta  # the quadratic part, |e| ≤ δ (Keras: the bound included)
    if gradient:
        return np.where(small, e, delta * np.sign(e))
    return np.where(small, 0.5 * e * e, delta * np.abs(e) - 0.5 * delta * delta)


def huber(y_true, y_pred, sample_weight=None, delta=1.0):
    """Huber: ℓ = e²/2 if |e| ≤ δ else δ·|e| − δ²/2, with e = ŷ − y; lᵢ = mean_j ℓ_ij.

    Quadratic like mse for small errors, linear like mae for large ones; the two pieces meet
    with the same value and slope at |e| = δ.

    Parameters
    ----------
    y_true, y_pred, sample_weight
        As in :func:`mse`.
    delta : float > 0, default 1.0
        Where the quadratic part ends.

    >>> huber([0.0, 0.0], [0.5, 3.0])  # (0.5²/2 + (3 − 1/2)) / 2 = (0.125 + 2.5) / 2
    1.3125
    """
    return _loss(_huber, y_true, y_pred, sample_weight, delta=delta)


def huber_gradient(y_true, y_pred, sample_weight=None, delta=1.0):
    """∂L/∂ŷ = (e if |e| ≤ δ else δ·sign(e))·wᵢ / (n·k), with e = ŷ − y.

    >>> huber_gradient([0.0, 0.0], [0.5, 3.0])  # (0.5, 1) / 2
    array([0.25, 0.5 ])
    """
    return _gradient(_huber, y_true, y_pred, sample_weight, delta=delta)


@_per_sample("mean")
def _log_cosh(t, p, gradient):
    e = p - t
    if gradient:
        return np.tanh(e)
    a = np.abs(e)
    return a + np.log1p(np.exp(-2 * a)) - _LOG_2  # log cosh e, as cosh would overflow


def log_cosh(y_true, y_pred, sample_weight=None):
    """Log-cosh: ℓ = log(cosh(ŷ − y)), lᵢ = mean_j ℓ_ij (arguments as in mse).

    About e²/2 for small errors and |e| − log 2 for large ones: Huber's shape, smooth.

    Notes
    -----
    Computed as |e| + log(1 + e^(−2|e|)) − log 2, finite for any e. Keras uses log 2 rounded
    to float32, so its value is lower by (log 2 in float32 − log 2)·Σwᵢ/n ≈ 1.9e-9·Σwᵢ/n.

    >>> round(log_cosh([0.0, 0.0], [1.0, -1.0]), 4)  # log cosh 1 = log 1.5431
    0.4338
    """
    return _loss(_log_cosh, y_true, y_pred, sample_weight)


def log_cosh_gradient(y_true, y_pred, sample_weight=None):
    """∂L/∂ŷ = tanh(ŷ − y)·wᵢ / (n·k).

    >>> log_cosh_gradient([0.0, 0.0], [1.0, -1.0]).round(4)  # ±tanh 1 / 2
    array([ 0.3808, -0.3808])
    """
    return _gradient(_log_cosh, y_true, y_pred, sample_weight)


@_per_sample("mean")
def _quantile(t, p, gradient, tau):
    e = t - p  # positive: the prediction is too low
    if gradient:
        return np.where(e >= 0, -tau, 1 - tau).astype(p.dtype)  # e = 0: tf.maximum takes τ·e
    return np.maximum(tau * e, (tau - 1) * e)


def quantile(y_true, y_pred, sample_weight=None, tau=0.5):
    """Quantile (pinball): ℓ = max(τ·e, (τ − 1)·e), with e = y − ŷ; lᵢ = mean_j ℓ_ij.

    Minimised when ŷ is the τ-quantile of y: under-predictions cost τ per unit, over-predictions
    1 − τ. At τ = 0.5 it is half the mae (the median). Keras has no class for it: the tests
    use TensorFlow Addons' PinballLoss formula, written with TensorFlow ops.

    Parameters
    ----------
    y_true, y_pred, sample_weight
        As in :func:`mse`.
    tau : float in (0, 1), default 0.5
        The quantile.

    >>> quantile([1.0, 1.0], [0.0, 2.0], tau=0.9)  # (0.9·1 + 0.1·1) / 2
    0.5
    """
    return _loss(_quantile, y_true, y_pred, sample_weight, tau=tau)


def quantile_gradient(y_true, y_pred, sample_weight=None, tau=0.5):
    """∂L/∂ŷ = (−τ if y ≥ ŷ else 1 − τ)·wᵢ / (n·k); at y = ŷ the −τ side.

    >>> quantile_gradient([1.0, 1.0], [0.0, 2.0], tau=0.9)  # (−0.9, 0.1) / 2
    array([-0.45,  0.05])
    """
    return _gradient(_quantile, y_true, y_pred, sample_weight, tau=tau)


# --- classification -------------------------------------------------------------------------


@_per_sample("mean")
def _bce(t, p, gradient, from_logits, label_smoothing):
    t = t * (1 - label_smoothing) + 0.5 * label_smoothing  # labels squeezed towards 1/2
    if from_logits:  # p holds logits z; log σ(z) and log(1 − σ(z)) from e^(−|z|) ≤ 1
        e = np.exp(-np.abs(p))
        if gradient:  # σ(z) − t, with σ(z) = 1 − e/(1 + e) for z ≥ 0, e/(1 + e) below
            return np.where(p >= 0, (1 - t) - e / (1 + e), e / (1 + e) - t)
        return np.maximum(p, 0) - p * t + np.log1p(e)
    q = np.clip(p, EPSILON, 1 - EPSILON)
    if gradient:
        inside = (p >= EPSILON) & (p <= 1 - EPSILON)  # beyond the clip bounds: no gradient
        return np.where(inside, -t / q + (1 - t) / (1 - q), 0)
    return -(t * np.log(q) + (1 - t) * np.log(1 - q))


def binary_crossentropy(y_true, y_pred, sample_weight=None, from_logits=False, label_smoothing=0.0):
    """Binary cross-entropy: ℓ = −(y·log p + (1 − y)·log(1 − p)), lᵢ = mean_j ℓ_ij.

    Parameters
    ----------
    y_true : array_like, (n_samples, n_outputs) or (n,)
        Labels 0 or 1 (or probabilities), one per output.
    y_pred : array_like, the shape of ``y_true``
        Probabilities p of class 1 (a sigmoid's output), or logits z with ``from_logits=True``.
    sample_weight : array_like (n,), optional
    from_logits : bool, default False
        True: ``y_pred`` holds logits and p = σ(z) is computed inside, stably. Prefer it.
    label_smoothing : float in [0, 1], default 0.0
        Labels become y·(1 − s) + s/2.

    Notes
    -----
    Probabilities are clipped to [ε, 1 − ε], ε = 1e-7, as Keras does, so p = 0 or 1 gives a
    finite loss (and gradient 0). From logits, ℓ = max(z, 0) − z·y + log(1 + e^(−|z|)).

    >>> round(binary_crossentropy([1, 0], [0.9, 0.2]), 4)  # −(log 0.9 + log 0.8) / 2
    0.1643
    >>> round(binary_crossentropy([1.0], [0.0], from_logits=True), 4)  # −log σ(0) = log 2
    0.6931
    """
    return _loss(
        _bce,
        y_true,
        y_pred,
        sample_weight,
        from_logits=from_logits,
        label_smoothing=label_smoothing,
    )


def binary_crossentropy_gradient(
    y_true, y_pred, sample_weight=None, from_logits=False, label_smoothing=0.0
):
    """∂L/∂p = (−y/p + (1 − y)/(1 − p))·wᵢ/(n·k); from logits ∂L/∂z = (σ(z) − y)·wᵢ/(n·k).

    >>> binary_crossentropy_gradient([1, 0], [0.9, 0.2]).round(4)  # (−1/0.9, 1/0.8) / 2
    array([-0.5556,  0.625 ])
    >>> binary_crossentropy_gradient([1.0], [0.0], from_logits=True)  # σ(0) − 1
    array([-0.5])
    """
    return _gradient(
        _bce,
        y_true,
        y_pred,
        sample_weight,
        from_logits=from_logits,
        label_smoothing=label_smoothing,
    )


def _log_softmax(z):
    """log softmax(z) along each row, shifted by the row max: exp never overflows."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _softmax_crossentropy(t, z, gradient):
    """Terms −t·log softmax(z); gradient ∂/∂z of their row sum, softmax(z)·Σt − t."""
    log_q = _log_softmax(z)
    if gradient:  # = softmax(z) − t when t's rows sum to 1 (TensorFlow's fused kernel)
        return np.exp(log_q) * t.sum(axis=1, keepdims=True) - t
    return -t * log_q


@_per_sample("sum", targets="one-hot")
def _cce(t, p, gradient, from_logits, label_smoothing):
    t = t * (1 - label_smoothing) + label_smoothing / t.shape[1]  # s shared by the k classes
    if from_logits:
        return _softmax_crossentropy(t, p, gradient)
    total = p.sum(axis=1, keepdims=True)  # (n, 1): Keras first rescales p to sum to 1
    if not (total > 0).all():
        i = int(np.argmax(~(total[:, 0] > 0)))
        raise ValueError(
            f"'y_pred' rows must be probabilities with a positive sum (or logits with "
            f"from_logits=True); got a row summing to {total[i, 0]:g} at sample {i}."
        )
    r = p / total
    q = np.clip(r, EPSILON, 1 - EPSILON)
    if not gradient:
        return -t * np.log(q)
    g = np.where((r >= EPSILON) & (r <= 1 - EPSILON), -t / q, 0)  # ∂ℓ/∂r, 0 where clipped
    return g / total - (g * p).sum(axis=1, keepdims=True) / total**2  # through r = p / Σp


def categorical_crossentropy(
    y_true, y_pred, sample_weight=None, from_logits=False, label_smoothing=0.0
):
    """Categorical cross-entropy: lᵢ = −Σ_j y_ij·log p_ij, L = Σᵢ wᵢ·lᵢ / n.

    Parameters
    ----------
    y_true : array_like (n_samples, n_classes)
        One-hot rows (or probability rows).
    y_pred : array_like (n_samples, n_classes), at least 2 classes
        Probabilities (a softmax's output), or logits z with ``from_logits=True``.
    sample_weight : array_like (n,), optional
    from_logits : bool, default False
        True: ``y_pred`` holds logits, p = softmax(z) computed inside via log-sum-exp.
    label_smoothing : float in [0, 1], default 0.0
        Labels become y·(1 − s) + s/k.

    Notes
    -----
    As in Keras, probabilities are first rescaled to sum to 1 per row, p/Σp, then clipped to
    [ε, 1 − ε]. From logits, log p = z − max z − log Σ_j e^(z_j − max z), finite for any z.

    >>> round(categorical_crossentropy([[0, 1, 0]], [[0.2, 0.7, 0.1]]), 4)  # −log 0.7
    0.3567
    >>> round(categorical_crossentropy([[0, 1, 0]], [[0.0, 0.0, 0.0]], from_logits=True), 4)
    1.0986
    """
    return _loss(
        _cce,
        y_true,
        y_pred,
        sample_weight,
        from_logits=from_logits,
        label_smoothing=label_smoothing,
    )


def categorical_crossentropy_gradient(
    y_true, y_pred, sample_weight=None, from_logits=False, label_smoothing=0.0
):
    """From logits ∂L/∂z = (softmax(z) − y)·wᵢ/n: softmax and cross-entropy fused.

    Notes
    -----
    With ``from_logits=True`` the softmax's Jacobian and −y/p cancel to softmax(z) − y, the
    gradient a softmax output layer passes back (nothing can overflow). That holds when each
    row of y sums to 1, as one-hot and smoothed labels do; in general it is softmax(z)·Σ_j y_j
    − y, which nnlab returns (TensorFlow's fused kernel returns softmax(z) − y regardless).
    On probabilities, ∂L/∂p_j = (−y_j/p_j + 1)/n for rows with Σp = 1 and Σy = 1: rescaling
    p/Σp makes the loss blind to scaling every p_j up together.

    >>> categorical_crossentropy_gradient([[0, 1, 0]], [[0.0, 0.0, 0.0]], from_logits=True)
    array([[ 0.33333333, -0.66666667,  0.33333333]])
    >>> categorical_crossentropy_gradient([[0, 1, 0]], [[0.2, 0.7, 0.1]]).round(4)
    array([[ 1.    , -0.4286,  1.    ]])
    """
    return _gradient(
        _cce,
        y_true,
        y_pred,
        sample_weight,
        from_logits=from_logits,
        label_smoothing=label_smoothing,
    )


@_per_sample("sum", targets="labels")
def _sparse_cce(t, p, gradient, from_logits):
    if from_logits:
        return _softmax_crossentropy(t, p, gradient)
    q = np.clip(p, EPSILON, 1 - EPSILON)  # Keras clips first, then takes log q as logits
    out = _softmax_crossentropy(t, np.log(q), gradient)
    if not gradient:
        return out
    return np.where((p >= EPSILON) & (p <= 1 - EPSILON), out / q, 0)  # ∂ log q/∂p = 1/q


def sparse_categorical_crossentropy(y_true, y_pred, sample_weight=None, from_logits=False):
    """Sparse categorical cross-entropy: lᵢ = −log p_(i, yᵢ), with integer labels yᵢ.

    Parameters
    ----------
    y_true : array_like (n_samples,)
        Integer class labels in [0, n_classes), not one-hot rows.
    y_pred : array_like (n_samples, n_classes), at least 2 classes
        Probabilities, or logits with ``from_logits=True``.
    sample_weight : array_like (n,), optional
    from_logits : bool, default False

    Notes
    -----
    Keras clips probabilities to [ε, 1 − ε] and then rescales them to sum to 1 (the other
    order than categorical_crossentropy's); for rows summing to 1 the two agree.

    >>> round(sparse_categorical_crossentropy([1], [[0.2, 0.7, 0.1]]), 4)  # −log 0.7
    0.3567
    """
    return _loss(_sparse_cce, y_true, y_pred, sample_weight, from_logits=from_logits)


def sparse_categorical_crossentropy_gradient(y_true, y_pred, sample_weight=None, from_logits=False):
    """From logits ∂L/∂z = (softmax(z) − onehot(y))·wᵢ/n, as categorical_crossentropy's.

    >>> sparse_categorical_crossentropy_gradient([1], [[0.0, 0.0]], from_logits=True)
    array([[ 0.5, -0.5]])
    """
    return _gradient(_sparse_cce, y_true, y_pred, sample_weight, from_logits=from_logits)


def _signed(t):
    """Keras' hinge labels: 0/1 labels (if all of them are) become −1/+1; others stay."""
    return 2 * t - 1 if ((t == 0) | (t == 1)).all() else t


@_per_sample("mean")
def _hinge(t, p, gradient):
    y = _signed(t)
    margin = 1 - y * p  # > 0: on the wrong side of, or too close to, the boundary
    if gradient:
        return np.where(margin >= 0, -y, 0)  # margin exactly 0: tf.maximum's tie → −y
    return np.maximum(margin, 0)


def hinge(y_true, y_pred, sample_weight=None):
    """Hinge: ℓ = max(1 − y·ŷ, 0), lᵢ = mean_j ℓ_ij, labels y = ±1 (arguments as in mse).

    The SVM loss on a raw score ŷ: zero once a sample is on the right side with margin
    y·ŷ ≥ 1. Labels 0/1 (all of them) are read as −1/+1, as Keras does.

    >>> hinge([1, 0], [0.3, -2.0])  # labels (1, −1): (max(0.7, 0) + max(−1, 0)) / 2
    0.35
    """
    return _loss(_hinge, y_true, y_pred, sample_weight)


def hinge_gradient(y_true, y_pred, sample_weight=None):
    """∂L/∂ŷ = (−y where 1 − y·ŷ ≥ 0, else 0)·wᵢ/(n·k); a margin of exactly 1 counts.

    >>> hinge_gradient([1, 0], [0.3, -2.0])  # (−1, 0) / 2
    array([-0.5,  0. ])
    """
    return _gradient(_hinge, y_true, y_pred, sample_weight)


@_per_sample("mean")
def _squared_hinge(t, p, gradient):
    y = _signed(t)
    m = np.maximum(1 - y * p, 0)
    return -2 * y * m if gradient else m * m


def squared_hinge(y_true, y_pred, sample_weight=None):
    """Squared hinge: ℓ = max(1 − y·ŷ, 0)², lᵢ = mean_j ℓ_ij (labels as in hinge).

    >>> round(squared_hinge([1, 0], [0.3, -2.0]), 4)  # (0.7² + 0²) / 2
    0.245
    """
    return _loss(_squared_hinge, y_true, y_pred, sample_weight)


def squared_hinge_gradient(y_true, y_pred, sample_weight=None):
    """∂L/∂ŷ = −2y·max(1 − y·ŷ, 0)·wᵢ/(n·k).

    >>> squared_hinge_gradient([1, 0], [0.3, -2.0])  # (−2·0.7, 0) / 2
    array([-0.7,  0. ])
    """
    return _gradient(_squared_hinge, y_true, y_pred, sample_weight)


# --- distributions and GANs ----------------------------------------------------------------


@_per_sample("sum")
def _kl(t, p, gradient):
    t = np.clip(t, EPSILON, 1)
    q = np.clip(p, EPSILON, 1)
    if gradient:
        return np.where((p >= EPSILON) & (p <= 1), -t / q, 0)
    return t * np.log(t / q)


def kl_divergence(y_true, y_pred, sample_weight=None):
    """Kullback-Leibler divergence: lᵢ = Σ_j y_ij·log(y_ij / ŷ_ij) (arguments as in mse).

    How much information is lost when the distribution y_true is approximated by y_pred
    (rows of probabilities); 0 when they are equal. Both are clipped to [ε, 1] first, as in
    Keras, so zeros give finite results.

    >>> round(kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]), 4)  # 0.5·log 2 + 0.5·log(2/3)
    0.1438
    """
    return _loss(_kl, y_true, y_pred, sample_weight)


def kl_divergence_gradient(y_true, y_pred, sample_weight=None):
    """∂L/∂ŷ = −(y/ŷ)·wᵢ/n (0 where ŷ was clipped, i.e. ŷ < ε or ŷ > 1).

    >>> kl_divergence_gradient([[0.5, 0.5]], [[0.25, 0.75]]).round(4)  # (−0.5/0.25, −0.5/0.75)
    array([[-2.    , -0.6667]])
    """
    return _gradient(_kl, y_true, y_pred, sample_weight)


@_per_sample("mean")
def _wasserstein(t, p, gradient):
    return t if gradient else t * p


def wasserstein(y_true, y_pred, sample_weight=None):
    """Wasserstein (WGAN critic): lᵢ = mean_j y_ij·ŷ_ij (arguments as in mse).

    With labels −1 for real and +1 for generated samples, the critic minimising it learns to
    score real samples high and generated ones low. Keras has no class for it.

    >>> wasserstein([1, -1], [0.5, 2.0])  # (1·0.5 + (−1)·2) / 2
    -0.75
    """
    return _loss(_wasserstein, y_true, y_pred, sample_weight)


def wasserstein_gradient(y_true, y_pred, sample_weight=None):
    """∂L/∂ŷ = y·wᵢ/(n·k).

    >>> wasserstein_gradient([1, -1], [0.5, 2.0])
    array([ 0.5, -0.5])
    """
    return _gradient(_wasserstein, y_true, y_pred, sample_weight)


# --- the registry ----------------------------------------------------------------------------

TASKS = (
    "regression",
    "binary classification",
    "multi-class classification",
    "distributions",
    "GANs",
)


@dataclass(frozen=True)
class Loss:
    """Everything the course knows about one loss; build from it, never from a second list.

    Attributes
    ----------
    name : str
        The canonical name, the key in ``LOSSES``.
    function, gradient : callable
        ``function(y_true, y_pred, sample_weight=None, **params)`` → L, and ``gradient`` with
        the same arguments → ∂L/∂y_pred.
    task : str
        What it is for, one of ``TASKS`` (menus group by it).
    keras : str or None
        The Keras loss class, e.g. "MeanSquaredError" (``keras.losses.MeanSquaredError``).
    oracle : str or None
        When Keras has no class: the hand-worked oracle the tests implement instead, in words.
        A record has exactly one of the two.
    params : mapping
        Default hyperparameters, under Keras' names (read-only).
    """

    name: str
    function: Callable = field(repr=False)
    gradient: Callable = field(repr=False)
    task: str
    keras: str | None = None
    oracle: str | None = None
    params: Mapping = field(default_factory=dict)

    def __post_init__(self):
        if (self.keras is None) == (self.oracle is None):
            raise ValueError(
                f"Loss {self.name!r} needs exactly one of 'keras' (its Keras class) and "
                f"'oracle' (a hand-worked oracle); got keras={self.keras!r}, "
                f"oracle={self.oracle!r}."
            )
        check_choice(self.task, "task", TASKS)
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __reduce__(self):
        """Copies and pickles refer to the registry entry by name (its params are read-only)."""
        return get_loss, (self.name,)


_CROSSENTROPY = {"from_logits": False, "label_smoothing": 0.0}

LOSSES = {
    record.name: record
    for record in [
        Loss("mse", mse, mse_gradient, "regression", keras="MeanSquaredError"),
        Loss("mae", mae, mae_gradient, "regression", keras="MeanAbsoluteError"),
        Loss("huber", huber, huber_gradient, "regression", keras="Huber", params={"delta": 1.0}),
        Loss("log_cosh", log_cosh, log_cosh_gradient, "regression", keras="LogCosh"),
        Loss(
            "quantile",
            quantile,
            quantile_gradient,
            "regression",
            oracle="mean over the last axis of max(τ·e, (τ − 1)·e), e = y − ŷ (TF Addons' pinball)",
            params={"tau": 0.5},
        ),
        Loss(
            "binary_crossentropy",
            binary_crossentropy,
            binary_crossentropy_gradient,
            "binary classification",
            keras="BinaryCrossentropy",
            params=_CROSSENTROPY,
        ),
        Loss(
            "categorical_crossentropy",
            categorical_crossentropy,
            categorical_crossentropy_gradient,
            "multi-class classification",
            keras="CategoricalCrossentropy",
            params=_CROSSENTROPY,
        ),
        Loss(
            "sparse_categorical_crossentropy",
            sparse_categorical_crossentropy,
            sparse_categorical_crossentropy_gradient,
            "multi-class classification",
            keras="SparseCategoricalCrossentropy",
            params={"from_logits": False},
        ),
        Loss("hinge", hinge, hinge_gradient, "binary classification", keras="Hinge"),
        Loss(
            "squared_hinge",
            squared_hinge,
            squared_hinge_gradient,
            "binary classification",
            keras="SquaredHinge",
        ),
        Loss(
            "kl_divergence",
            kl_divergence,
            kl_divergence_gradient,
            "distributions",
            keras="KLDivergence",
        ),
        Loss(
            "wasserstein",
            wasserstein,
            wasserstein_gradient,
            "GANs",
            oracle="mean over the last axis of y·ŷ",
        ),
    ]
}

# The course notes' (and Keras') other names; menus list only the canonical names.
ALIASES = {
    "mean_squared_error": "mse",
    "mean_absolute_error": "mae",
    "huber_loss": "huber",
    "logcosh": "log_cosh",
    "pinball": "quantile",
    "pinball_loss": "quantile",
    "binary_cross_entropy": "binary_crossentropy",
    "categorical_cross_entropy": "categorical_crossentropy",
    "sparse_categorical_cross_entropy": "sparse_categorical_crossentropy",
    "kld": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence",
    "wasserstein_loss": "wasserstein",
}


def get_loss(name):
    """The record ``LOSSES[name]``; aliases resolve; an unknown name gets a helpful error.

    >>> get_loss("mean_squared_error").keras
    'MeanSquaredError'
    >>> dict(get_loss("huber").params)
    {'delta': 1.0}
    """
    return LOSSES[check_choice(name, "loss", LOSSES, ALIASES)]


# --- class weights for imbalanced data ---------------------------------------------------------


def _classes(y):
    """Class labels (n,) from integer labels (n,) / (n, 1) or one-hot rows (n, k) (argmax)."""
    array = np.asarray(y)
    if array.ndim == 2 and array.shape[1] > 1:
        return np.argmax(as_float_array(y, "y"), axis=1)
    return _labels(y, "y")


def balanced_class_weight(y):
    """w_c = n_samples / (n_classes · count_c) for each class c in ``y``: "balanced" weights.

    Each class then carries the same total weight, n_samples / n_classes, as scikit-learn's
    ``class_weight="balanced"`` and the Keras tutorials on imbalanced data compute it.

    Parameters
    ----------
    y : array_like
        Integer labels (n,) or (n, 1), or one-hot rows (n, n_classes).

    Returns
    -------
    dict {class (int): weight (float)}, for the classes present in ``y``

    >>> balanced_class_weight([0, 0, 0, 1])  # 4 / (2·3) and 4 / (2·1)
    {0: 0.6666666666666666, 1: 2.0}
    """
    classes, counts = np.unique(_classes(y), return_counts=True)
    n = counts.sum()
    return {int(c): float(n / (len(classes) * count)) for c, count in zip(classes, counts)}


def class_weight_to_sample_weight(y, class_weight):
    """wᵢ = class_weight[yᵢ]: class weights as one weight per sample, as Keras' fit does.

    A class-weighted loss is then ``loss(y, p, sample_weight=class_weight_to_sample_weight(y,
    cw))``, the value ``model.fit(..., class_weight=cw)`` trains on.

    Parameters
    ----------
    y : array_like
        Integer labels (n,) or (n, 1), or one-hot rows (n, n_classes).
    class_weight : dict {class: weight ≥ 0} or "balanced"
        Every class in ``y`` needs a weight (Keras would silently use 1 for a missing one).

    Returns
    -------
    ndarray (n,), float64

    >>> class_weight_to_sample_weight([0, 1, 1], {0: 2.0, 1: 0.5})
    array([2. , 0.5, 0.5])
    """
    classes = _classes(y)
    if isinstance(class_weight, str):
        check_choice(class_weight, "class_weight", ["balanced"])
        class_weight = balanced_class_weight(classes)
    if not isinstance(class_weight, Mapping):
        raise TypeError(
            f"'class_weight' must be a dict {{class: weight}} or 'balanced'; "
            f"got {describe(class_weight)}."
        )
    weights = {
        int(c): check_scalar(w, f"class_weight[{c}]", low=0) for c, w in class_weight.items()
    }
    missing = sorted(set(classes.tolist()) - set(weights))
    if missing:
        raise ValueError(
            f"'class_weight' must have a weight for every class in 'y'; got none for class "
            f"{missing[0]} (it has {sorted(weights)})."
        )
    return np.array([weights[c] for c in classes.tolist()], dtype=np.float64)


# --- the best constant prediction ------------------------------------------------------------


def _bisect(slope, y, below):
    """Where ``below(slope(c))`` stops holding, for c in [min y, max y], to 1e-10.

    ``slope`` never decreases. The bracket [low, high] keeps ``below`` true at ``low`` and false
    at ``high`` (the ends of the data count as such). A target inside the final bracket is
    returned as it is: mae's and quantile's slopes jump at a target, so that is the answer.
    """
    low, high = float(y.min()), float(y.max())
    tolerance = 1e-10 * max(1.0, abs(low), abs(high))  # relative for large targets
    for _ in range(100):
        if high - low <= tolerance:
            break
        middle = 0.5 * (low + high)
        if below(slope(middle)):
            low = middle
        else:
            high = middle
    inside = y[(low <= y) & (y <= high)]
    return float(inside[0]) if inside.size else 0.5 * (low + high)


def best_constant(y, loss="mse", sample_weight=None, **params):
    """c* = argmin_c L(y, c·1): the one prediction c for every sample with the least loss.

    mse gives the mean of y, mae the median, quantile(τ) the τ-quantile, huber and log_cosh
    something in between: how far one outlier pulls c* shows how robust the loss is.

    Parameters
    ----------
    y : array_like (n,)
        The targets, one output per sample.
    loss : str, default "mse"
        A regression loss from ``LOSSES``: mse, mae, huber, log_cosh or quantile.
    sample_weight : array_like (n,), optional
        One weight ≥ 0 per sample, as in the loss.
    **params
        The loss's hyperparameters, e.g. ``delta=2.0`` for huber or ``tau=0.9`` for quantile.

    Returns
    -------
    float, in [min y, max y]

    Notes
    -----
    These losses are convex in c, so the slope dL/dc = Σᵢ ∂L/∂ŷᵢ (the registered gradient at
    ŷ = c·1) never decreases, and c* is where it crosses 0: found by bisection on
    [min y, max y] to 1e-10 (relative beyond |y| = 1), at most 100 steps. Where the slope is 0
    on a whole interval (mae on an even number of targets: any c between the two middle ones)
    the middle of the interval is returned, as ``np.median`` does: one bisection finds its
    left end, another its right end.

    >>> round(best_constant([1, 2, 3, 10]), 6)  # the mean, (1 + 2 + 3 + 10) / 4
    4.0
    >>> best_constant([1, 2, 3, 10], "mae")  # a median: any c in [2, 3]; their middle
    2.5
    """
    y = as_float_array(y, "y", ndim=1)
    if y.size == 0:
        raise ValueError("'y' must hold at least one target; got an empty array.")
    record = get_loss(loss)
    if record.task != "regression":
        names = ", ".join(repr(n) for n, other in LOSSES.items() if other.task == "regression")
        raise ValueError(
            f"'loss' must be a regression loss, one of {names}; got {record.name!r} "
            f"(a {record.task} loss)."
        )
    unknown = sorted(set(params) - set(record.params))
    if unknown:
        allowed = ", ".join(repr(name) for name in record.params) or "none"
        raise TypeError(
            f"'params' must be parameters of {record.name} ({allowed}); got {unknown[0]!r}."
        )
    record.function(y, y, sample_weight, **params)  # checks the weights and parameters, once

    def slope(c):  # dL/dc at the constant prediction c
        return record.gradient(y, np.full_like(y, c), sample_weight, **params).sum()

    left = _bisect(slope, y, lambda g: g < 0)  # the least c where the slope is ≥ 0
    right = _bisect(slope, y, lambda g: g <= 0)  # the greatest c where it is ≤ 0
    return 0.5 * (left + right)
