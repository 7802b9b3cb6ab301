"""Layers with a forward and a backward pass (notebook 05; notebooks 06–09 train with them).

Every layer follows one protocol, in the style of Stanford's cs231n assignments::

    out, cache = layer.forward(X, training=False)   # cache: what backward needs
    dX, grads = layer.backward(dout, cache)         # grads aligned with layer.params

``dout`` is dL/d(out), the gradient arriving from the layer above; ``dX`` is dL/dX, passed on
to the layer below; ``grads[i]`` is dL/d(params[i]), shaped like it. ``backward`` never
modifies ``dout`` or the cache, and ``forward`` never modifies ``X``.

Why the activation lives inside :class:`Dense` (as in ``keras.layers.Dense(units,
activation=...)``) rather than in a layer of its own: a network is then a list of Dense layers,
one per weight matrix, exactly like the Keras model it is compared with, and the output layer
keeps its scores ``z`` in the cache, which the fused softmax + cross-entropy gradient needs
(``nnlab.network``). The two halves stay visible in the code: ``z = X @ W + b``, then ``a = f(z)``;
backward applies f's chain rule, then the affine part.

Networks that normalise between the affine map and the activation (notebook 09) use a linear
:class:`Dense`, then :class:`BatchNormalization`, then an :class:`Activation` layer, as in Keras.
The one stateful effect of any forward pass here: ``BatchNormalization.forward(X,
training=True)`` updates the layer's moving statistics.
"""

import numpy as np

from nnlab._validation import as_float_array, as_rng, check_dtype, check_scalar, check_size
from nnlab.activations import get_activation
from nnlab.initializers import get_initializer
from nnlab.regularization import get_regularizer


class Dense:
    """A fully connected layer: z = X @ W + b, a = f(z).

    Parameters
    ----------
    n_in, n_out : int ≥ 1
        Inputs per sample and units (neurons) in the layer.
    activation : str, default "linear"
        A name in ``nnlab.activations.ACTIVATIONS`` (its default parameters are used).
    initializer : str or callable, default "glorot_uniform"
        How W starts (Keras' default); b starts at 0, as in Keras. A name in
        ``nnlab.initializers.INITIALIZERS``, or a function ``f(shape, rng=, dtype=)`` such as
        ``functools.partial(initializers.random_normal, stddev=0.01)``.
    rng : None, int or numpy.random.Generator
    dtype : "float64" (default, exact gradient checks) or "float32" (speed)
    kernel_regularizer : None, "l1", "l2" or a penalty (``nnlab.regularization.L2(0.01)``)
        Adds R(W) to the training loss and dR/dW to dW (Keras' ``kernel_regularizer``); the
        network adds them (:meth:`penalty`, :meth:`penalty_gradient`), ``backward`` does not.

    Attributes
    ----------
    W : ndarray (n_in, n_out)
        The kernel, in Keras' layout: column j holds unit j's weights.
    b : ndarray (n_out,)
    params : [W, b]
        The arrays themselves (an optimizer updates them in place).

    >>> layer = Dense(2, 1, activation="sigmoid", initializer="zeros")
    >>> out, cache = layer.forward(np.array([[1.0, 2.0]]))
    >>> out                                  # σ(0) = 0.5
    array([[0.5]])
    >>> dX, (dW, db) = layer.backward(np.array([[1.0]]), cache)
    >>> dW.ravel(), db                       # σ'(0) = 0.25, times the inputs
    (array([0.25, 0.5 ]), array([0.25]))
    """

    def __init__(
        self,
        n_in,
        n_out,
        activation="linear",
        *,
        initializer="glorot_uniform",
        rng=None,
        dtype="float64",
        kernel_regularizer=None,
    ):
        n_in = check_scalar(n_in, "n_in", low=1, integer=True)
        n_out = check_scalar(n_out, "n_out", low=1, integer=True)
        self.activation = get_activation(activation)
        self.dtype = check_dtype(dtype)
        draw = initializer if callable(initializer) else get_initializer(initializer)
        self.W = draw((n_in, n_out), rng=rng, dtype=self.dtype)
        self.b = np.zeros(n_out, dtype=self.dtype)
        self.kernel_regularizer = get_regularizer(kernel_regularizer)

    @property
    def params(self):
        return [self.W, self.b]

    @property
    def param_names(self):
        return ["W", "b"]

    @property
    def n_in(self):
        return self.W.shape[0]

    @property
    def n_out(self):
        return self.W.shape[1]

    def __repr__(self):
        reg = self.kernel_regularizer
        options = f", kernel_regularizer={reg!r}" if reg is not None else ""
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r}{options})"

    def penalty(self):
        """R(W), the kernel regularizer's term in the training loss (0.0 without one)."""
        reg = self.kernel_regularizer
        return 0.0 if reg is None else reg._penalty(self.W)

    def penalty_gradient(self):
        """dR/dW, shaped like W (zeros without a regularizer); b is not penalised."""
        reg = self.kernel_regularizer
        return np.zeros_like(self.W) if reg is None else reg._gradient(self.W)

    def set_params(self, W, b):
        """Replace W and b by copies of the given arrays (shapes must match), in this dtype."""
        W = as_float_array(W, "W", ndim=2)
        b = as_float_array(b, "b", ndim=1)
        check_size(W.shape[0], "W", self.n_in, "rows (n_in)")
        check_size(W.shape[1], "W", self.n_out, "columns (n_out)")
        check_size(b.shape[0], "b", self.n_out, "entries, one per unit")
        self.W[...] = W
        self.b[...] = b

    def forward(self, X, training=False):
        """a = f(X @ W + b).

        Parameters
        ----------
        X : ndarray (n_samples, n_in), in the layer's dtype
        training : bool
            Unused by Dense (Dropout and BatchNormalization behave differently in training).

        Returns
        -------
        a : ndarray (n_samples, n_out)
        cache : (X, z), with z = X @ W + b of shape (n_samples, n_out)
        """
        z = X @ self.W + self.b  # (n_samples, n_out)
        a = self.activation.kernel(z, **self.activation.params)
        return a, (X, z)

    def backward(self, da, cache, input_gradient=True):
        """dz = da ⊙ f'(z) (f's backward rule), dW = Xᵀ dz, db = Σ_samples dz, dX = dz Wᵀ.

        Parameters
        ----------
        da : ndarray (n_samples, n_out)
            dL/da from the layer above (or from the loss).
        cache : from :meth:`forward`
        input_gradient : bool, default True
            False skips dX (returned as None): the first layer's inputs are data, and their
            gradient is never used. That saves a third of the first layer's backward work.

        Returns
        -------
        dX : ndarray (n_samples, n_in), or None
        grads : [dW (n_in, n_out), db (n_out,)]
        """
        _, z = cache
        dz = self.activation.backward_kernel(da, z, **self.activation.params)
        return self.backward_from_z(dz, cache, input_gradient)

    def backward_from_z(self, dz, cache, input_gradient=True):
        """The affine half of :meth:`backward`, from dz = dL/dz (the fused softmax + cross-entropy
        gradient starts here)."""
        X, _ = cache
        dW = X.T @ dz  # (n_in, n_out): one sum over the batch per weight
        db = dz.sum(axis=0)  # (n_out,)
        dX = dz @ self.W.T if input_gradient else None  # (n_samples, n_in)
        return dX, [dW, db]


class _ParameterFree:
    """A layer with nothing to learn: empty ``params``; ``backward`` returns no grads."""

    @property
    def params(self):
        return []

    @property
    def param_names(self):
        return []


class Activation(_ParameterFree):
    """A parameter-free layer a = f(z), like ``keras.layers.Activation``.

    For networks that put :class:`BatchNormalization` between the affine map and the
    activation: ``Dense(n_in, n_out)`` (linear), ``BatchNormalization(n_out)``,
    ``Activation("relu")``. Not to be confused with ``nnlab.activations.Activation``, the
    registry record it reads f from.

    Parameters
    ----------
    activation : str
        A name in ``nnlab.activations.ACTIVATIONS`` (its default parameters are used).
    dtype : "float64" (default) or "float32"
        Kept for the network's bookkeeping; f keeps the dtype of its input.

    Attributes
    ----------
    activation : the ``ACTIVATIONS`` record
    params, param_names : []
        Nothing to learn; ``backward`` returns an empty list of grads.

    >>> layer = Activation("relu")
    >>> out, cache = layer.forward(np.array([[-1.0, 2.0]]))
    >>> out
    array([[0., 2.]])
    >>> dX, grads = layer.backward(np.array([[5.0, 5.0]]), cache)
    >>> dX, grads                            # relu' = 0 for z < 0, 1 for z > 0
    (array([[0., 5.]]), [])
    """

    def __init__(self, activation, dtype="float64"):
        self.activation = get_activation(activation)
        self.dtype = check_dtype(dtype)

    def __repr__(self):
        return f"Activation({self.activation.name!r})"

    def forward(self, z, training=False):
        """a = f(z), element-wise (softmax: along each row).

        Parameters
        ----------
        z : ndarray (n_samples, n_features)
        training : bool
            Unused (f is the same in training and inference).

        Returns
        -------
        a : ndarray (n_samples, n_features)
        cache : z
        """
        return self.activation.kernel(z, **self.activation.params), z

    def backward(self, da, cache, input_gradient=True):
        """dz = da ⊙ f'(z) (f's backward rule; softmax: its Jacobian-vector product).

        Parameters
        ----------
        da : ndarray (n_samples, n_features)
        cache : z, from :meth:`forward`
        input_gradient : bool, default True
            False skips dz (returned as None), for a first layer whose inputs are data.

        Returns
        -------
        dz : ndarray (n_samples, n_features), or None
        grads : []
        """
        if not input_gradient:
            return None, []
        return self.activation.backward_kernel(da, cache, **self.activation.params), []


class Dropout(_ParameterFree):
    """Inverted dropout, like ``keras.layers.Dropout``: in training, each value is kept with
    probability 1 − rate and scaled by 1/(1 − rate), or set to 0; in inference, the identity.

    Scaling the kept values in training (rather than the weights at inference) keeps each
    unit's expected output the same in both modes, so nothing changes when training ends.
    Every training forward pass draws a new mask from ``rng``; backward multiplies the gradient
    by the same mask and scale (a dropped unit passes no gradient back).

    Parameters
    ----------
    rate : float in [0, 1)
        The fraction of values dropped (0.5: half). 0 switches the layer off.
    rng : None, int or numpy.random.Generator
        The masks' random stream (a seed makes them repeat run after run).
    dtype : "float64" (default) or "float32"

    >>> layer = Dropout(0.5, rng=0)
    >>> X = np.ones((2, 4))
    >>> layer.forward(X)[0]                  # inference: unchanged
    array([[1., 1., 1., 1.],
           [1., 1., 1., 1.]])
    >>> out, cache = layer.forward(X, training=True)
    >>> out                                  # kept values × 1/(1 − 0.5), dropped ones 0
    array([[2., 0., 0., 0.],
           [2., 2., 2., 2.]])
    >>> layer.backward(np.ones((2, 4)), cache)[0]     # the same mask on the way back
    array([[2., 0., 0., 0.],
           [2., 2., 2., 2.]])
    """

    def __init__(self, rate, rng=None, dtype="float64"):
        self.rate = check_scalar(rate, "rate", low=0.0, high=1.0, high_inclusive=False)
        self.rng = as_rng(rng)
        self.dtype = check_dtype(dtype)

    def __repr__(self):
        return f"Dropout({self.rate:g})"

    def mask(self, shape):
        """A new keep-mask of ``shape``: True with probability 1 − rate (uniform ≥ rate)."""
        return self.rng.random(shape) >= self.rate

    def apply(self, X, mask):
        """X ⊙ mask / (1 − rate): the training output for a given keep-mask."""
        scale = np.asarray(mask, dtype=X.dtype) * X.dtype.type(1 / (1 - self.rate))
        return X * scale

    def forward(self, X, training=False):
        """Training: X ⊙ mask / (1 − rate) with a new mask; inference: X itself.

        Returns
        -------
        out : ndarray, shaped like X
        cache : the mask times 1/(1 − rate) (None in inference or with rate 0)
        """
        if not training or self.rate == 0:
            return X, None
        scale = self.mask(X.shape).astype(X.dtype) * X.dtype.type(1 / (1 - self.rate))
        return X * scale, scale

    def backward(self, dout, cache, input_gradient=True):
        """dX = dout ⊙ mask / (1 − rate), the forward pass's mask (dout itself in inference)."""
        if not input_gradient:
            return None, []
        return (dout if cache is None else dout * cache), []


class BatchNormalization:
    """x̂ = (x − μ) / √(σ² + ε), out = γ ⊙ x̂ + β, per feature (Ioffe & Szegedy, 2015).

    In training, μ and σ² are the batch's mean and biased variance (divided by n_samples, as
    ``tf.nn.moments`` computes them), and every training forward pass updates the moving
    statistics that inference uses, exactly as ``keras.layers.BatchNormalization`` does::

        moving_mean     ← moving_mean · momentum     + μ  · (1 − momentum)
        moving_variance ← moving_variance · momentum + σ² · (1 − momentum)   (biased σ², too)

    In inference (``training=False``), μ and σ² are ``moving_mean`` and ``moving_variance``.

    Parameters
    ----------
    n_features : int ≥ 1
        Features per sample (the units of the layer below).
    momentum : float in [0, 1), default 0.99
        Keras' name and default: how much of the moving statistics a training batch keeps.
    epsilon : float > 0, default 1e-3
        Keras' default; keeps √(σ² + ε) away from 0 for a constant feature.
    dtype : "float64" (default) or "float32"

    Attributes
    ----------
    gamma, beta : ndarray (n_features,)
        Learned scale (starts at 1) and shift (starts at 0): ``params`` = [gamma, beta].
    moving_mean, moving_variance : ndarray (n_features,)
        Not trained by gradients: start at 0 and 1, updated by training forward passes.

    Notes
    -----
    ``forward(X, training=True)`` changes the layer: it is the one forward pass in nnlab with
    a side effect (the moving statistics, in place). ``backward`` follows the mode of the
    forward pass that made the cache: through the batch statistics in training, and through
    the simple affine map dX = dout ⊙ γ / √(moving_variance + ε) in inference.

    >>> layer = BatchNormalization(1)
    >>> out, cache = layer.forward(np.array([[0.0], [4.0]]), training=True)
    >>> out.round(4)                         # μ = 2, σ² = 4: ±2 / √4.001
    array([[-0.9999],
           [ 0.9999]])
    >>> layer.moving_mean, layer.moving_variance  # 0·0.99 + 2·0.01, 1·0.99 + 4·0.01
    (array([0.02]), array([1.03]))
    """

    def __init__(self, n_features, momentum=0.99, epsilon=1e-3, dtype="float64"):
        n_features = check_scalar(n_features, "n_features", low=1, integer=True)
        self.momentum = check_scalar(momentum, "momentum", low=0, high=1, high_inclusive=False)
        self.epsilon = check_scalar(epsilon, "epsilon", low=0, low_inclusive=False)
        self.dtype = check_dtype(dtype)
        self.gamma = np.ones(n_features, dtype=self.dtype)
        self.beta = np.zeros(n_features, dtype=self.dtype)
        self.moving_mean = np.zeros(n_features, dtype=self.dtype)
        self.moving_variance = np.ones(n_features, dtype=self.dtype)

    @property
    def params(self):
        return [self.gamma, self.beta]

    @property
    def param_names(self):
        return ["gamma", "beta"]

    @property
    def n_features(self):
        return self.gamma.shape[0]

    n_in = n_out = n_features  # the shared interface of sized layers (Dense has both)

    def __repr__(self):
        return (
            f"BatchNormalization({self.n_features}, momentum={self.momentum!r}, "
            f"epsilon={self.epsilon!r})"
        )

    def set_params(self, gamma, beta):
        """Replace gamma and beta by copies of the given arrays (n_features,), in this dtype."""
        self._set("gamma", gamma)
        self._set("beta", beta)

    def set_moving_statistics(self, moving_mean, moving_variance):
        """Replace the moving statistics by copies (n_features,); the variance must be ≥ 0."""
        moving_variance = self._check("moving_variance", moving_variance)
        if (moving_variance < 0).any():
            raise ValueError(
                "'moving_variance' must be ≥ 0 in every entry; got "
                f"{float(moving_variance.min())!r}."
            )
        self._set("moving_mean", moving_mean)
        self.moving_variance[...] = moving_variance

    def _check(self, name, value):
        value = as_float_array(value, name, ndim=1)
        check_size(value.shape[0], name, self.n_features, "entries, one per feature")
        return value

    def _set(self, name, value):
        getattr(self, name)[...] = self._check(name, value)

    def forward(self, X, training=False):
        """out = γ ⊙ (X − μ) / √(σ² + ε) + β: batch statistics in training (and the moving
        statistics updated in place), moving statistics in inference.

        Parameters
        ----------
        X : ndarray (n_samples, n_features), in the layer's dtype
        training : bool

        Returns
        -------
        out : ndarray (n_samples, n_features)
        cache : (x̂ (n_samples, n_features), 1/√(σ² + ε) (n_features,), training)
        """
        if training:
            mu = X.mean(axis=0)  # (n_features,)
            centred = X - mu  # (n_samples, n_features)
            var = (centred * centred).mean(axis=0)  # biased: divided by n_samples, as Keras
            m = self.momentum
            self.moving_mean[...] = self.moving_mean * m + mu * (1 - m)
            self.moving_variance[...] = self.moving_variance * m + var * (1 - m)
        else:
            centred = X - self.moving_mean
            var = self.moving_variance
        inv_std = 1 / np.sqrt(var + self.epsilon)  # (n_features,)
        x_hat = centred * inv_std  # (n_samples, n_features)
        return self.gamma * x_hat + self.beta, (x_hat, inv_std, bool(training))

    def backward(self, dout, cache, input_gradient=True):
        """dβ = Σ dout, dγ = Σ dout ⊙ x̂ (sums over the batch), dx̂ = dout ⊙ γ, and

        training:   dX = (1/√(σ² + ε)) · (dx̂ − mean(dx̂) − x̂ ⊙ mean(dx̂ ⊙ x̂))
        inference:  dX = dx̂ / √(moving_variance + ε)

        The training form is the compact one (cs231n): μ and σ² depend on every sample, which
        adds the two mean terms; in inference they are constants.

        Parameters
        ----------
        dout : ndarray (n_samples, n_features)
        cache : from :meth:`forward`
        input_gradient : bool, default True
            False skips dX (returned as None).

        Returns
        -------
        dX : ndarray (n_samples, n_features), or None
        grads : [dgamma (n_features,), dbeta (n_features,)]
        """
        x_hat, inv_std, training = cache
        dgamma = (dout * x_hat).sum(axis=0)  # (n_features,)
        dbeta = dout.sum(axis=0)  # (n_features,)
        if not input_gradient:
            return None, [dgamma, dbeta]
        dx_hat = dout * self.gamma  # (n_samples, n_features)
        if training:
            n = dout.shape[0]
            # mean(dx̂) = γ ⊙ dβ / n and mean(dx̂ ⊙ x̂) = γ ⊙ dγ / n: the sums above, reused
            dX = inv_std * (dx_hat - dbeta * self.gamma / n - x_hat * (dgamma * self.gamma / n))
        else:
            dX = dx_hat * inv_std
        return dX, [dgamma, dbeta]
