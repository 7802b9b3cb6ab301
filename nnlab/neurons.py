"""A single artificial neuron and a layer of them (notebook 01).

Symbols as in the notebook: inputs ``x`` (one sample) or ``X`` (a batch, one row per sample),
weights ``w`` / ``W``, bias ``b``, weighted sum ``z``, output ``a = f(z)``. A layer's ``W`` is
shaped ``(n_in, n_out)``, Keras' kernel layout, so ``z = X @ W + b``.
"""

from nnlab._validation import as_float_array, check_size, scalar_or_array
from nnlab.activations import get_activation


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
