"""Rosenblatt's perceptron (1958), the first neuron that learns from its mistakes (notebook 02).

One neuron with a step activation, ŷ = step(x · w + b), trained one sample at a time with the
perceptron rule. It learns AND, OR and NAND, whose classes a straight line separates, and it
never stops making mistakes on XOR, whose classes no line separates: the reason networks need
hidden layers. Labels are 0 and 1, as in the notes.
"""

import warnings
from typing import NamedTuple

import numpy as np

from nnlab._validation import as_float_array, as_labels, as_rng, check_scalar, check_size
from nnlab.activations import step


class NotConvergedWarning(UserWarning):
    """Issued by :meth:`Perceptron.fit` when an epoch without mistakes never came."""


class Update(NamedTuple):
    """One change of the weights: in ``epoch`` (1, 2, …), sample ``index`` was misclassified and
    moved the weights to ``w`` (a copy) and the bias to ``b``."""

    epoch: int
    index: int
    w: np.ndarray
    b: float


class Perceptron:
    """w ← w + η (y − ŷ) x,  b ← b + η (y − ŷ),  with ŷ = step(x · w + b): one sample at a time.

    Each epoch visits every sample once, in order (or in a fresh random order if ``shuffle``).
    A correctly classified sample changes nothing (y − ŷ = 0); a misclassified one moves the
    line w · x + b = 0 towards its own side. Training stops after the first epoch without a
    single mistake, or after ``max_epochs``.

    Parameters
    ----------
    learning_rate : float > 0, default 1
        η, the step size of each update.
    max_epochs : int ≥ 1, default 100
    rng : None, int or numpy.random.Generator
        Only used with ``shuffle=True``, to draw each epoch's order.
    w : array_like, shape (n_features,), optional
        Starting weights (default zeros). Given without ``fit``, they (and ``b``) are the
        weights :meth:`predict` uses: a hand-set perceptron such as the notes' AND gate.
    b : float, default 0
        Starting bias.
    shuffle : bool, default False

    Attributes (set by :meth:`fit`)
    -------------------------------
    w_ : ndarray, shape (n_features,)
    b_ : float
    errors_ : list of int, one per epoch
        How many samples the perceptron got wrong in each epoch, each counted when it was
        visited, with the weights of that moment (so it equals the number of updates in the
        epoch; weights change between samples). The last entry is 0 when it converged.
    converged_ : bool
        True when an epoch had no mistakes: then ``w_``, ``b_`` classify every sample correctly.
    n_epochs_ : int
        The number of epochs run, ``len(errors_)``.
    updates_ : list of Update(epoch, index, w, b)
        Every update in order, so a plot can replay the line moving one mistake at a time.

    Warns
    -----
    NotConvergedWarning
        From ``fit``, when ``max_epochs`` epochs all had mistakes.

    >>> from nnlab.datasets import logic_gate
    >>> X, y = logic_gate("and")              # rows 00, 01, 10, 11; y = 0, 0, 0, 1
    >>> perceptron = Perceptron().fit(X, y)
    >>> perceptron.errors_, perceptron.converged_
    ([2, 3, 3, 2, 1, 0], True)
    >>> perceptron.w_, perceptron.b_
    (array([2., 1.]), -3.0)
    >>> perceptron.predict(X)
    array([0, 0, 0, 1])
    """

    def __init__(self, learning_rate=1.0, max_epochs=100, rng=None, w=None, b=0.0, shuffle=False):
        self.learning_rate = check_scalar(
            learning_rate, "learning_rate", low=0, low_inclusive=False
        )
        self.max_epochs = check_scalar(max_epochs, "max_epochs", low=1, integer=True)
        as_rng(rng)  # only to check it now; fit draws from it
        self.rng = rng
        self.w = None if w is None else as_float_array(w, "w", ndim=1).copy()
        self.b = float(as_float_array(b, "b", ndim=0))
        self.shuffle = bool(shuffle)

    def __repr__(self):
        return (
            f"Perceptron(learning_rate={self.learning_rate:g}, max_epochs={self.max_epochs}, "
            f"shuffle={self.shuffle})"
        )

    def fit(self, X, y):
        """Learn ``w_`` and ``b_`` from the samples ``X`` (n_samples, n_features) and their
        labels ``y`` (n_samples,) of 0 and 1, starting from ``w`` and ``b``. Returns self."""
        X = as_float_array(X, "X", ndim=2)
        check_scalar(len(X), "len(X)", low=1)
        y = as_labels(y, "y", n_classes=2)
        check_size(len(y), "y", len(X), "entries, one per row (sample) of 'X'")
        w = np.zeros(X.shape[1]) if self.w is None else self.w
        check_size(len(w), "w", X.shape[1], "entries, one per column (feature) of 'X'")
        b, eta, rng = self.b, self.learning_rate, as_rng(self.rng)

        self.errors_, self.updates_ = [], []
        for epoch in range(1, self.max_epochs + 1):
            order = rng.permutation(len(y)) if self.shuffle else range(len(y))
            errors = 0
            for i in order:
                y_hat = 1 if X[i] @ w + b >= 0 else 0  # step(z): fires at z = 0 too
                if y_hat != y[i]:
                    w = w + eta * (y[i] - y_hat) * X[i]  # Δw_i = η (y − ŷ) x_i: a new array
                    b = b + eta * (y[i] - y_hat)  # Δb = η (y − ŷ)
                    errors += 1
                    self.updates_.append(Update(epoch, int(i), w, float(b)))
            self.errors_.append(errors)
            if errors == 0:
                break

        self.w_, self.b_ = w.copy(), float(b)
        self.n_epochs_, self.converged_ = len(self.errors_), errors == 0
        if not self.converged_:
            warnings.warn(
                f"The perceptron did not converge in {self.max_epochs} epochs (still {errors} "
                f"of {len(y)} samples wrong in the last epoch): the classes may not be linearly "
                "separable (XOR is not).",
                NotConvergedWarning,
                stacklevel=2,
            )
        return self

    def decision_function(self, X):
        """z = X @ w + b: the weighted sum of each sample, shape (n_samples,)."""
        w, b = self._weights()
        X = as_float_array(X, "X", ndim=2)
        check_size(X.shape[1], "X", len(w), "columns, one per weight in 'w'")
        return X @ w + b  # (n_samples,)

    def replay(self, k):
        """The run after its first ``k`` updates: (update, errors), for replaying it.

        ``update`` is ``updates_[k − 1]`` (its epoch, the sample whose mistake made it, the
        weights and bias it left); for k = 0 the start, ``Update(1, None, w, b)``. ``errors``
        counts the mistakes per epoch so far: each finished epoch's (from ``errors_``), then
        those of the epoch under way up to update k ([] for k = 0). After the last update it is
        ``errors_`` but for a final epoch without mistakes.
        """
        if k == 0:
            return Update(1, None, self.w, self.b), []
        update = self.updates_[k - 1]
        so_far = sum(1 for earlier in self.updates_[:k] if earlier.epoch == update.epoch)
        return update, [*self.errors_[: update.epoch - 1], so_far]

    def predict(self, X):
        """ŷ = step(X @ w + b): labels 0 or 1 (int64), shape (n_samples,); z = 0 gives 1."""
        return step(self.decision_function(X)).astype(np.int64)

    def score(self, X, y):
        """Accuracy: the fraction of samples whose predicted label equals ``y``."""
        y_hat = self.predict(X)
        y = as_labels(y, "y", n_classes=2)
        check_size(len(y), "y", len(y_hat), "entries, one per row (sample) of 'X'")
        return float(np.mean(y_hat == y))

    def _weights(self):
        """The learned weights, else the ones given as ``w``; a clear error if there are none."""
        if hasattr(self, "w_"):
            return self.w_, self.b_
        if self.w is not None:
            return self.w, self.b
        raise ValueError(
            "This Perceptron has no weights yet: call fit(X, y) first, or create it with "
            "starting weights, e.g. Perceptron(w=[0.5, 0.5], b=-0.7)."
        )
