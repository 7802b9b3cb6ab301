"""Textbook oracles for the loss tests: every loss in plain NumPy, written from the course notes'
formulas and independent of nnlab (no stability tricks, no clipping, no shared code).

Each oracle is ``oracle(y_true, y_pred, sample_weight=None, **params)`` on 2-D arrays
(n_samples, n_outputs) (integer labels (n,) for the sparse loss) and spells out the batch
reduction: one loss per sample lᵢ, then L = Σᵢ wᵢ·lᵢ / n (Keras' "sum_over_batch_size").
Valid on moderate inputs: probabilities inside (1e-7, 1 − 1e-7) with rows summing to 1,
logits and errors within ±30; nnlab's stable forms are tested on extreme inputs separately.

``LOSS_ORACLES[name]`` holds one for every loss. The ones Keras has no class for are the
"declared hand-worked oracles" that ``LOSSES[name].oracle`` names (the completeness test
requires them here): quantile and wasserstein.
"""

import numpy as np


def _batch_loss(per_sample, sample_weight):
    """L = Σᵢ wᵢ·lᵢ / n, with wᵢ = 1 when no weights are given."""
    per_sample = np.asarray(per_sample, dtype=float)
    w = np.ones(len(per_sample)) if sample_weight is None else np.asarray(sample_weight, float)
    return float(np.sum(w * per_sample) / len(per_sample))


def _arrays(y_true, y_pred):
    return np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)


def mse(y_true, y_pred, sample_weight=None):
    """lᵢ = (1/k)·Σ_j (ŷ_ij − y_ij)²."""
    y, p = _arrays(y_true, y_pred)
    return _batch_loss(((p - y) ** 2).mean(axis=1), sample_weight)


def mae(y_true, y_pred, sample_weight=None):
    """lᵢ = (1/k)·Σ_j |ŷ_ij − y_ij|."""
    y, p = _arrays(y_true, y_pred)
    return _batch_loss(np.abs(p - y).mean(axis=1), sample_weight)


def huber(y_true, y_pred, sample_weight=None, delta=1.0):
    """ℓ = ½e² for |e| ≤ δ, δ(|e| − ½δ) beyond; lᵢ the mean over the row."""
    y, p = _arrays(y_true, y_pred)
    e = p - y
    terms = np.where(np.abs(e) <= delta, e**2 / 2, delta * (np.abs(e) - delta / 2))
    return _batch_loss(terms.mean(axis=1), sample_weight)


def log_cosh(y_true, y_pred, sample_weight=None):
    """ℓ = log((e^e + e^−e) / 2), the definition of cosh; lᵢ the mean over the row."""
    y, p = _arrays(y_true, y_pred)
    e = p - y
    return _batch_loss(np.log((np.exp(e) + np.exp(-e)) / 2).mean(axis=1), sample_weight)


def quantile(y_true, y_pred, sample_weight=None, tau=0.5):
    """Pinball: ℓ = τ·e if e ≥ 0 else (τ − 1)·e, with e = y − ŷ; lᵢ the mean over the row."""
    y, p = _arrays(y_true, y_pred)
    e = y - p
    return _batch_loss(np.where(e >= 0, tau * e, (tau - 1) * e).mean(axis=1), sample_weight)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def binary_crossentropy(y_true, y_pred, sample_weight=None, from_logits=False, label_smoothing=0.0):
    """ℓ = −[y·log p + (1 − y)·log(1 − p)], p = σ(z) from logits; y smoothed to y(1 − s) + s/2."""
    y, p = _arrays(y_true, y_pred)
    y = y * (1 - label_smoothing) + label_smoothing / 2
    p = _sigmoid(p) if from_logits else p
    terms = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    return _batch_loss(terms.mean(axis=1), sample_weight)


def _softmax(z):
    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


def categorical_crossentropy(
    y_true, y_pred, sample_weight=None, from_logits=False, label_smoothing=0.0
):
    """lᵢ = −Σ_j y_ij·log p_ij, p = softmax(z) from logits; y smoothed to y(1 − s) + s/k."""
    y, p = _arrays(y_true, y_pred)
    y = y * (1 - label_smoothing) + label_smoothing / y.shape[1]
    p = _softmax(p) if from_logits else p
    return _batch_loss(-(y * np.log(p)).sum(axis=1), sample_weight)


def sparse_categorical_crossentropy(y_true, y_pred, sample_weight=None, from_logits=False):
    """lᵢ = −log p_(i, yᵢ): the probability given to the true class."""
    labels = np.asarray(y_true).astype(int)
    p = np.asarray(y_pred, dtype=float)
    p = _softmax(p) if from_logits else p
    return _batch_loss(-np.log(p[np.arange(len(p)), labels]), sample_weight)


def _plus_minus(y):
    """Labels 0/1 read as −1/+1 (when all labels are 0 or 1), as Keras' hinge losses do."""
    return 2 * y - 1 if np.isin(y, [0, 1]).all() else y


def hinge(y_true, y_pred, sample_weight=None):
    """ℓ = max(0, 1 − y·ŷ) with y = ±1; lᵢ the mean over the row."""
    y, p = _arrays(y_true, y_pred)
    return _batch_loss(np.maximum(0, 1 - _plus_minus(y) * p).mean(axis=1), sample_weight)


def squared_hinge(y_true, y_pred, sample_weight=None):
    """ℓ = max(0, 1 − y·ŷ)² with y = ±1; lᵢ the mean over the row."""
    y, p = _arrays(y_true, y_pred)
    return _batch_loss((np.maximum(0, 1 - _plus_minus(y) * p) ** 2).mean(axis=1), sample_weight)


def kl_divergence(y_true, y_pred, sample_weight=None):
    """lᵢ = Σ_j y_ij·(log y_ij − log ŷ_ij), the relative entropy of y with respect to ŷ."""
    y, p = _arrays(y_true, y_pred)
    return _batch_loss((y * (np.log(y) - np.log(p))).sum(axis=1), sample_weight)


def wasserstein(y_true, y_pred, sample_weight=None):
    """lᵢ = (1/k)·Σ_j y_ij·ŷ_ij: the critic's score, signed by the label (±1)."""
    y, p = _arrays(y_true, y_pred)
    return _batch_loss((y * p).mean(axis=1), sample_weight)


LOSS_ORACLES = {
    "mse": mse,
    "mae": mae,
    "huber": huber,
    "log_cosh": log_cosh,
    "quantile": quantile,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "hinge": hinge,
    "squared_hinge": squared_hinge,
    "kl_divergence": kl_divergence,
    "wasserstein": wasserstein,
}
