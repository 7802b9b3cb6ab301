"""A single artificial neuron and a layer of them (notebook 01), and one neuron trained by
gradient descent on any loss (notebook 04).

Symbols as in the notebook: inputs ``x`` (one sample) or ``X`` (a batch, one row per sample),
weights ``w`` / ``W``, bias ``b``, weighted sum ``z``, output ``a = f(z)``. A layer's ``W`` is
shaped ``(n_in, n_out)``, Keras' kernel layout, so ``z = X @ W + b``.
"""

from typing import NamedTuple

import numpy as np

from nnlab._validation import (
    as_float_array,
    check_scalar,
    check_size,
    scalar_or_array,
)
from nnlab.activations import get_activation
from nnlab.losses import get_loss


def weighted_sum(x, w, b=0.0):
    """z = x₁w₁ + x₂w₂ + … + xₙwₙ + b = x · w + b.

    Parameters
    ----------
    x : array_like, shape (n_features,) or (n_samples, n_features)
        One input, or a batch of inputs (one per row).
    w : array_like, shape (n_features,)
        One weight per input feature.
    b : float, default 0
        The bias: shifts z, and so moves the neuron's threshold.

    Returns
    -------
    float, or ndarray of shape (n_samples,) for a batch.

    >>> weighted_sum([1, 2, 1], [0.5, -1, 0.25])          # PYQ 2: no bias
    -1.25
    >>> round(weighted_sum([0.8, 0.6, 0.2], [0.2, 0.1, -0.3], b=0.25), 10)  # PYQ 6
    0.41
    """
    x = as_float_array(x, "x", ndim=(1, 2))
    w = as_float_array(w, "w", ndim=1)
    b = as_float_array(b, "b", ndim=0)
    check_size(w.shape[0], "w", x.shape[-1], "entries, one per feature of 'x'")
    z = x @ w + b  # () or (n_samples,)
    return scalar_or_array(z)


def neuron(x, w, b=0.0, activation="sigmoid"):
    """y = f(x · w + b): the output of one artificial neuron.

    Parameters
    ----------
    x, w, b
        As in :func:`weighted_sum`.
    activation : str, default "sigmoid"
        A name in ``nnlab.activations.ACTIVATIONS`` (e.g. "step", "sigmoid",
        "bipolar_sigmoid", "tanh", "linear") or one of the notes' aliases ("binary_sigmoid").

    Returns
    -------
    float, or ndarray of shape (n_samples,) for a batch.

    >>> round(neuron([1, 2, 1], [0.5, -1, 0.25]), 4)                     # PYQ 2
    0.2227
    >>> round(neuron([0.3, 0.5, 0.8, 0.6], [-0.21, 0.53, 0.31, 0.82], b=1 * 0.25,
    ...              activation="bipolar_sigmoid"), 4)                     # PYQ 9
    0.5342
    """
    f = get_activation(activation).function
    return f(weighted_sum(x, w, b))


def layer_forward(X, W, b, activation="sigmoid"):
    """A = f(X @ W + b): a layer of ``n_out`` neurons; column j of ``W`` holds neuron j's weights.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_in) or (n_in,)
        A batch of inputs, or one input.
    W : array_like, shape (n_in, n_out)
        Column j holds the weights of neuron j.
    b : array_like, shape (n_out,)
        One bias per neuron.
    activation : str, default "sigmoid"

    Returns
    -------
    ndarray, shape (n_samples, n_out), or (n_out,) for one input.

    >>> layer_forward([[1.0, 2.0]], [[1.0, 0.0, -1.0], [0.0, 1.0, 1.0]], [0.0, 0.0, 0.5],
    ...               activation="linear")
    array([[1. , 2. , 1.5]])
    """
    f = get_activation(activation).function
    X = as_float_array(X, "X", ndim=(1, 2))
    W = as_float_array(W, "W", ndim=2)
    b = as_float_array(b, "b", ndim=1)
    check_size(W.shape[0], "W", X.shape[-1], "rows (n_in), one per feature of 'X'")
    check_size(b.shape[0], "b", W.shape[1], "entries, one per column (neuron) of 'W'")
    z = X @ W + b  # (n_samples, n_out)
    return f(z)


class NeuronFit(NamedTuple):
    """What :func:`fit_neuron` learned: weights ``w`` (n_features,), bias ``b``, and ``losses``
    (epochs + 1,): the loss before each step and, last, after the final one."""

    w: np.ndarray
    b: float
    losses: np.ndarray


def fit_neuron(
    X,
    y,
    activation="linear",
    loss="mse",
    *,
    learning_rate=0.1,
    epochs=100,
    sample_weight=None,
    w=None,
    b=0.0,
    loss_params=None,
):
    """Train one neuron a = f(X·w + b) by full-batch gradient descent on ``loss``.

    Each epoch is one forward pass, one backward pass and one step, with the chain rule written
    out (notebook 05 does the same for whole networks)::

        z = X @ w + b                     # (n_samples,)
        a = f(z)                          # the prediction
        dL_da = loss_gradient(y, a)       # from nnlab.losses
        dL_dz = f.backward(dL_da, z)      # dL/da · f'(z)
        w -= learning_rate * X.T @ dL_dz  # dL/dw = Xᵀ · dL/dz
        b -= learning_rate * dL_dz.sum()  # dL/db = Σ dL/dz

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
    y : array_like, shape (n_samples,)
        Targets: values for regression, 0/1 labels for binary classification.
    activation, loss : str
        Names in ``ACTIVATIONS`` (element-wise) and ``LOSSES``.
    learning_rate : float > 0
    epochs : int ≥ 1
    sample_weight : array_like (n_samples,), optional
        Passed to the loss (class weights: ``losses.class_weight_to_sample_weight``).
    w, b : starting weights (default zeros) and bias.
    loss_params : dict, optional
        The loss's hyperparameters, e.g. ``{"delta": 1.0}`` for Huber.

    Returns
    -------
    NeuronFit(w, b, losses)

    Raises
    ------
    ValueError
        If the loss becomes NaN or infinite (the learning rate is too large), naming the epoch.

    >>> fit = fit_neuron([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0], epochs=2000)  # y = 2x + 1
    >>> fit.w.round(4), round(fit.b, 4), bool(fit.losses[-1] < 1e-12)
    (array([2.]), 1.0, True)
    """
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    check_size(y.shape[0], "y", X.shape[0], "entries, one per row (sample) of 'X'")
    record, objective = get_activation(activation), get_loss(loss)
    learning_rate = check_scalar(learning_rate, "learning_rate", low=0, low_inclusive=False)
    epochs = check_scalar(epochs, "epochs", low=1, integer=True)
    w = np.zeros(X.shape[1]) if w is None else as_float_array(w, "w", ndim=1).copy()
    check_size(w.shape[0], "w", X.shape[1], "entries, one per column (feature) of 'X'")
    b = float(as_float_array(b, "b", ndim=0))
    params = dict(loss_params or {})
    losses = []
    for epoch in range(epochs + 1):
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
            z = X @ w + b
            a = record.function(z) if np.isfinite(z).all() else z
            loss_value = (
                objective.function(y, a, sample_weight, **params)
                if np.isfinite(a).all()
                else np.inf
            )
            if not np.isfinite(loss_value):
                raise ValueError(_diverged(epoch, learning_rate))
            losses.append(loss_value)
            if epoch == epochs:
                break
            dL_dz = record.backward(objective.gradient(y, a, sample_weight, **params), z)
            w -= learning_rate * (X.T @ dL_dz)
            b -= learning_rate * float(dL_dz.sum())
    return NeuronFit(w, b, np.array(losses))


def _diverged(epoch, learning_rate):
    return (
        f"Training diverged: the loss became infinite at epoch {epoch}. "
        f"'learning_rate' = {learning_rate:g} is too large; try a smaller one."
    )
