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
"""

import numpy as np

from nnlab._validation import as_float_array, check_scalar, check_size, describe
from nnlab.activations import get_activation
from nnlab.initializers import get_initializer

_DTYPES = ("float32", "float64")


def check_dtype(dtype):
    """``dtype`` as one of the two float types networks use: "float32" or "float64"."""
    name = np.dtype(dtype).name if isinstance(dtype, (type, np.dtype)) else dtype
    if name not in _DTYPES:
        raise ValueError(f"'dtype' must be 'float32' or 'float64'; got {describe(dtype)}.")
    return name


class Dense:
    """A fully connected layer: z = X @ W + b, a = f(z).

    Parameters
    ----------
    n_in, n_out : int ≥ 1
        Inputs per sample and units (neurons) in the layer.
    activation : str, default "linear"
        A name in ``nnlab.activations.ACTIVATIONS`` (its default parameters are used).
    initializer : str, default "glorot_uniform"
        How W starts (Keras' default); b starts at 0, as in Keras.
    rng : None, int or numpy.random.Generator
    dtype : "float64" (default, exact gradient checks) or "float32" (speed)

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
    ):
        n_in = check_scalar(n_in, "n_in", low=1, integer=True)
        n_out = check_scalar(n_out, "n_out", low=1, integer=True)
        self.activation = get_activation(activation)
        self.dtype = check_dtype(dtype)
        self.W = get_initializer(initializer)((n_in, n_out), rng=rng, dtype=self.dtype)
        self.b = np.zeros(n_out, dtype=self.dtype)

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
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r})"

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
