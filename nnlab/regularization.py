"""Regularization: what keeps a network from memorising its training set (notebook 09).

Weight penalties, as Keras' ``kernel_regularizer``: the training loss becomes

    L_total = L_data + Σ_layers R(W),   R(W) = l1·Σ|w| + l2·Σw²

so each step also pulls every weight towards 0: dR/dW = l1·sign(W) + 2·l2·W. L2 ("weight
decay") shrinks large weights most; L1 pushes small ones to exactly 0 (sparsity); both together
are the elastic net. Note Keras' L2 has no ½: its gradient is 2·l2·W. Biases are not penalised.

>>> from nnlab.network import MLP
>>> mlp = MLP([4, 8, 1], kernel_regularizer=L2(0.01), rng=0)     # every Dense kernel

Dropout is a layer (:class:`nnlab.layers.Dropout`, or ``MLP(dropout=0.5)``). Data
augmentation, ensembles and hyperparameter search are further down this module.
"""

import numpy as np

from nnlab._validation import as_float_array, check_scalar, describe


class L1L2:
    """The elastic-net penalty R(W) = l1·Σ|w| + l2·Σw² (Keras' ``regularizers.L1L2``).

    Parameters
    ----------
    l1, l2 : float ≥ 0, default 0.0
        The strength of each part; with both 0 there is no penalty.

    ``penalty(W)`` (or calling the object) gives R(W); ``gradient(W)`` gives dR/dW, the same
    shape as W, with sign(0) = 0 as TensorFlow differentiates |w|.

    >>> reg = L1L2(l1=0.1, l2=0.5)
    >>> W = np.array([[1.0, -2.0], [0.0, 3.0]])
    >>> float(reg(W))                   # 0.1·6 + 0.5·14
    7.6
    >>> reg.gradient(W)                 # 0.1·sign(W) + 2·0.5·W
    array([[ 1.1, -2.1],
           [ 0. ,  3.1]])
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = check_scalar(l1, "l1", low=0.0)
        self.l2 = check_scalar(l2, "l2", low=0.0)

    def __repr__(self):
        return f"{type(self).__name__}({self._arguments()})"

    def _arguments(self):
        return f"l1={self.l1:g}, l2={self.l2:g}"

    def __eq__(self, other):
        return type(other) is type(self) and (other.l1, other.l2) == (self.l1, self.l2)

    def __hash__(self):
        return hash((type(self).__name__, self.l1, self.l2))

    def __call__(self, W):
        return self.penalty(W)

    def penalty(self, W):
        """R(W) = l1·Σ|w| + l2·Σw², a float (in W's precision)."""
        W = as_float_array(W, "W", dtype=None)
        return self._penalty(W)

    def gradient(self, W):
        """dR/dW = l1·sign(W) + 2·l2·W, shaped like W."""
        W = as_float_array(W, "W", dtype=None)
        return self._gradient(W)

    def _penalty(self, W):
        total = W.dtype.type(0.0)
        if self.l1:
            total += W.dtype.type(self.l1) * np.abs(W).sum()
        if self.l2:
            total += W.dtype.type(self.l2) * np.square(W).sum()
        return float(total)

    def _gradient(self, W):
        grad = np.zeros_like(W)
        if self.l1:
            grad += W.dtype.type(self.l1) * np.sign(W)
        if self.l2:
            grad += W.dtype.type(2 * self.l2) * W
        return grad


class L1(L1L2):
    """R(W) = l1·Σ|w| (Keras' ``regularizers.L1``, default 0.01): drives weights to exactly 0.

    >>> L1(0.1).gradient(np.array([-3.0, 0.0, 2.0]))
    array([-0.1,  0. ,  0.1])
    """

    def __init__(self, l1=0.01):
        super().__init__(l1=l1, l2=0.0)

    def _arguments(self):
        return f"l1={self.l1:g}"


class L2(L1L2):
    """R(W) = l2·Σw² (Keras' ``regularizers.L2``, default 0.01): weight decay.

    >>> L2(0.1).gradient(np.array([-3.0, 0.0, 2.0]))           # 2·0.1·W
    array([-0.6,  0. ,  0.4])
    """

    def __init__(self, l2=0.01):
        super().__init__(l1=0.0, l2=l2)

    def _arguments(self):
        return f"l2={self.l2:g}"


REGULARIZERS = {"l1": L1, "l2": L2, "l1_l2": L1L2}


def get_regularizer(regularizer):
    """None, a penalty object, or a name ("l1", "l2": Keras' default strength 0.01).

    >>> get_regularizer("l2")
    L2(l2=0.01)
    """
    if regularizer is None or isinstance(regularizer, L1L2):
        return regularizer
    if isinstance(regularizer, str) and regularizer in ("l1", "l2"):
        return REGULARIZERS[regularizer]()
    raise ValueError(
        "'kernel_regularizer' must be None, 'l1', 'l2' or a penalty such as L2(0.001), "
        f"L1(0.001) or L1L2(l1=0.001, l2=0.01); got {describe(regularizer)}."
    )
