"""A multilayer perceptron trained by backpropagation (notebook 05; notebooks 02 and 06–09 use it).

``MLP(layer_sizes)`` is a stack of :class:`nnlab.layers.Dense` layers: ``layer_sizes = [2, 4, 1]``
means 2 inputs, one hidden layer of 4 units, 1 output. Its ``params`` are ``[W1, b1, W2, b2]``,
the arrays themselves, in the order of the Keras model ``tf_bridge.to_keras`` builds, so
gradients, weights and optimizer steps line up one to one with Keras'.

Training is the loop the notebook writes out by hand, once per mini-batch::

    out, caches = mlp.forward(X_batch)                  # layer by layer, keeping z and inputs
    loss, grads = mlp.loss_and_gradients(X_batch, y_batch, "mse")
    optimizer.step(mlp.params, grads)                   # w ← w − η·dL/dw (for SGD)

``fit`` runs it for you over epochs and mini-batches, with validation, callbacks and a
progress line per epoch, and returns a Keras-like ``History``.

Softmax + cross-entropy are fused, as Keras fuses them: when the output layer is a softmax and
the loss is (sparse) categorical cross-entropy, or a sigmoid with binary cross-entropy, the
loss is computed from the scores z ("from logits") and the gradient that starts
backpropagation is dL/dz = (a − y)·wᵢ/n directly. That is exact, cheaper than going through
the softmax's Jacobian, and stable when a probability rounds to 0.
"""

import numpy as np

from nnlab._validation import (
    as_float_array,
    as_labels,
    as_rng,
    check_dtype,
    check_layer_sizes,
    check_scalar,
    check_size,
    describe,
)
from nnlab.callbacks import History, ProgressLogger
from nnlab.layers import Activation, BatchNormalization, Dense, Dropout
from nnlab.losses import class_weight_to_sample_weight, get_loss
from nnlab.optimizers import get_optimizer
from nnlab.regularization import get_regularizer

# Output activation → the cross-entropies Keras computes from that activation's logits.
_FUSED = {
    "softmax": ("categorical_crossentropy", "sparse_categorical_crossentropy"),
    "sigmoid": ("binary_crossentropy",),
}
_ACCURACY = ("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy")


class MLP:
    """A multilayer perceptron: Dense layers, hidden ones with ``activation``, the last with
    ``output_activation``.

    Parameters
    ----------
    layer_sizes : sequence of int ≥ 1, at least two
        Inputs, then the units of each layer: ``[784, 128, 128, 10]``.
    activation : str, default "relu"
        The hidden layers' activation (a name in ``nnlab.activations.ACTIVATIONS``).
    output_activation : str, default "linear"
        "softmax" for classes, "sigmoid" for yes/no outputs, "linear" for numbers.
    initializer : str or callable, default "glorot_uniform"
        How the weights start (Keras' default); biases start at 0. A name or a function
        ``f(shape, rng=, dtype=)``, as :class:`~nnlab.layers.Dense` takes it.
    rng : None, int or numpy.random.Generator
        Seeds the initial weights, and later the shuffling in ``fit``.
    dtype : "float64" (default) or "float32"
        float64 for exact gradient checks, float32 for speed (as Keras trains).
    batch_norm : bool, default False
        Each hidden layer becomes Dense (no activation) → BatchNormalization → Activation: the
        weighted sums are normalised over the batch before the activation (notebooks 06, 07).
    residual : bool, default False
        Add a skip connection around each hidden layer whose input and output widths match
        (every hidden layer after the first, in a network of equal widths): that layer outputs
        f(z) + its input, so the gradient also flows past it unchanged (notebook 07).
    kernel_regularizer : None, "l1", "l2" or a penalty, default None
        A weight penalty on every layer's W, as Keras' ``kernel_regularizer`` on each Dense:
        ``nnlab.regularization.L2(0.001)``. The training loss (and ``evaluate``'s, as in Keras)
        becomes L + Σ R(W); its gradient adds dR/dW to each dW (notebook 09).
    dropout : float in [0, 1), default 0.0
        Inverted dropout after each hidden layer (:class:`~nnlab.layers.Dropout`): in
        training, that fraction of the layer's outputs is set to 0 and the rest scaled by
        1/(1 − dropout); in ``predict`` and ``evaluate`` nothing is dropped (notebook 09).

    Attributes
    ----------
    layers : list of layers
        Dense layers, one per weight matrix (with ``batch_norm``, each hidden one followed by a
        BatchNormalization and an Activation layer).
    blocks : list of lists of layers
        The layers grouped per weight matrix: block k is ``layer_sizes[k] → layer_sizes[k+1]``.
    skips : tuple of int
        The blocks with a residual connection around them.
    params : list of ndarray, [W1, b1, W2, b2, …]
        ``W`` is (n_in, n_out), ``b`` is (n_out,): Keras' kernel layout. With ``batch_norm``,
        each hidden block adds its γ and β: [W1, b1, gamma1, beta1, W2, …].
    param_names : list of str, ["W1", "b1", …]

    >>> mlp = MLP([2, 3, 1], activation="tanh", output_activation="sigmoid", rng=0)
    >>> [p.shape for p in mlp.params]
    [(2, 3), (3,), (3, 1), (1,)]
    >>> mlp
    MLP([2, 3, 1], activation='tanh', output_activation='sigmoid', dtype='float64')
    """

    def __init__(
        self,
        layer_sizes,
        activation="relu",
        output_activation="linear",
        initializer="glorot_uniform",
        rng=None,
        dtype="float64",
        batch_norm=False,
        residual=False,
        kernel_regularizer=None,
        dropout=0.0,
    ):
        sizes = check_layer_sizes(layer_sizes)
        self.dtype = check_dtype(dtype)
        self._rng = as_rng(rng)
        self._sizes = sizes
        self.batch_norm, self.residual = (
            _flag(batch_norm, "batch_norm"),
            _flag(residual, "residual"),
        )
        self.kernel_regularizer = get_regularizer(kernel_regularizer)
        self.dropout = check_scalar(dropout, "dropout", low=0.0, high=1.0, high_inclusive=False)
        dense = {"initializer": initializer, "rng": self._rng, "dtype": dtype}
        dense["kernel_regularizer"] = self.kernel_regularizer
        last = len(sizes) - 2
        self.blocks = []
        for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):  # noqa: RUF007
            f = output_activation if k == last else activation
            if self.batch_norm and k < last:  # z = XW + b → normalise → f
                block = [
                    Dense(n_in, n_out, "linear", **dense),
                    BatchNormalization(n_out, dtype=self.dtype),
                    Activation(f, dtype=self.dtype),
                ]
            else:
                block = [Dense(n_in, n_out, f, **dense)]
            if self.dropout and k < last:
                block.append(Dropout(self.dropout, rng=self._rng, dtype=self.dtype))
            self.blocks.append(block)
        self.layers = [layer for block in self.blocks for layer in block]
        self.skips = ()
        if self.residual:
            self.skips = tuple(k for k in range(1, last) if sizes[k] == sizes[k + 1])
            if not self.skips:
                raise ValueError(
                    "'residual' needs two hidden layers in a row of the same width, e.g. "
                    f"[2, 16, 16, 1]; got layer_sizes {sizes}."
                )
        self._activation, self._output_activation = (
            _activation_of(self.blocks[0]).name if last else None,
            self.layers[-1].activation.name,
        )
        offsets = np.cumsum([0] + [len(layer.params) for layer in self.layers])
        self._penalized = [  # (index of W in params, its Dense layer)
            (int(offsets[i]), layer)
            for i, layer in enumerate(self.layers)
            if getattr(layer, "kernel_regularizer", None) is not None
        ]
        self.stop_training = False

    # --- what the network is --------------------------------------------------------------

    @property
    def layer_sizes(self):
        return list(self._sizes)

    @property
    def params(self):
        return [p for layer in self.layers for p in layer.params]

    @property
    def param_names(self):
        return [
            f"{name}{k}"
            for k, block in enumerate(self.blocks, start=1)
            for layer in block
            for name in layer.param_names
        ]

    def __repr__(self):
        activation = self._activation or "relu"
        options = "".join(
            f", {name}=True" for name in ("batch_norm", "residual") if getattr(self, name)
        )
        if self.kernel_regularizer is not None:
            options += f", kernel_regularizer={self.kernel_regularizer!r}"
        if self.dropout:
            options += f", dropout={self.dropout:g}"
        return (
            f"MLP({self.layer_sizes}, activation={activation!r}, "
            f"output_activation={self._output_activation!r}, dtype={self.dtype!r}{options})"
        )

    def count_params(self):
        """The number of trainable numbers: Σ (n_in·n_out + n_out) over the layers."""
        return sum(p.size for p in self.params)

    def summary(self):
        """A table of the layers, their shapes and parameter counts (like Keras' summary).

        >>> print(MLP([784, 128, 10], output_activation="softmax", rng=0).summary())
        layer  shape      activation  params
        1      784 → 128  relu        100480
        2      128 → 10   softmax     1290
        total                         101770

        With ``batch_norm``, a hidden layer's γ and β count too (2 per unit); a "+ skip" marks a
        residual connection, "+ dropout 0.5" a dropout layer after it.
        """
        rows = [("layer", "shape", "activation", "params")]
        for k, block in enumerate(self.blocks):
            dense = block[0]
            shape = f"{dense.n_in} → {dense.n_out}"
            f = _activation_of(block).name
            f += " + batch norm" if any(isinstance(x, BatchNormalization) for x in block) else ""
            f += f" + dropout {self.dropout:g}" if isinstance(block[-1], Dropout) else ""
            f += " + skip" if k in self.skips else ""
            rows.append(
                (str(k + 1), shape, f, str(sum(p.size for layer in block for p in layer.params)))
            )
        rows.append(("total", "", "", str(self.count_params())))
        widths = [max(len(row[j]) for row in rows) for j in range(3)]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3]
            for row in rows
        )

    def penalty(self):
        """Σ R(W) over the layers: the kernel regularizer's part of the loss (0.0 without one).

        Keras keeps these terms in ``model.losses``; ``fit``, ``loss_and_gradients`` and
        ``evaluate`` add them to the loss, as Keras' ``fit`` and ``evaluate`` do.
        """
        return float(sum(layer.penalty() for _, layer in self._penalized))

    def get_weights(self):
        """Copies of ``params`` (Keras' name): keep them to restore the network later."""
        return [p.copy() for p in self.params]

    def set_weights(self, weights):
        """Copy ``weights`` (a list like ``get_weights()`` returns) into the network's params."""
        params = self.params
        check_size(len(weights), "weights", len(params), "arrays, one per entry of params")
        for name, p, w in zip(self.param_names, params, weights):
            w = as_float_array(w, name)
            if w.shape != p.shape:
                raise ValueError(f"'{name}' must have shape {p.shape}; got {w.shape}.")
            p[...] = w

    # --- forward and backward -------------------------------------------------------------

    def _inputs(self, X, name="X"):
        """``X`` validated: (n_samples, n_inputs), finite, in the network's dtype."""
        X = as_float_array(X, name, ndim=2, dtype=None)  # float32 stays float32: no float64 copy
        if len(X) == 0:
            raise ValueError(f"'{name}' must hold at least one sample (row); got shape {X.shape}.")
        check_size(
            X.shape[1], name, self.layers[0].n_in, "columns, one per input of layer_sizes[0]"
        )
        return X.astype(self.dtype, copy=False)

    def forward(self, X, training=False):
        """The output a_L and each layer's cache, layer by layer: a_l = f_l(a_(l−1) @ W_l + b_l).

        Parameters
        ----------
        X : array_like (n_samples, layer_sizes[0])
        training : bool, default False

        Returns
        -------
        out : ndarray (n_samples, layer_sizes[-1])
        caches : list, one per layer, for :meth:`backward`
        """
        return self._forward(self._inputs(X), training)

    def _forward(self, X, training=False):
        caches = []
        a = X
        for k, block in enumerate(self.blocks):
            block_input = a
            for layer in block:
                a, cache = layer.forward(a, training)
                caches.append(cache)
            if k in self.skips:
                a = a + block_input  # the residual connection: f(z) + the block's input
        return a, caches

    def backward(self, dout, caches):
        """dL/d(params), aligned with ``params``, from dout = dL/d(out) and the forward caches.

        Each layer turns the gradient arriving from above into its own gradients and the one
        it passes down (the chain rule, one layer at a time, from the output to the input).
        """
        out_shape = caches[-1][1].shape
        dout = as_float_array(dout, "dout", ndim=2)
        if dout.shape != out_shape:
            raise ValueError(f"'dout' must have the output's shape {out_shape}; got {dout.shape}.")
        return self._backward(dout.astype(self.dtype, copy=False), caches, from_z=False)

    def _backward(self, d, caches, from_z):
        """Backpropagation; ``d`` is dL/da of the output, or dL/dz when ``from_z`` (fused)."""
        grads = []
        i = len(self.layers)  # the flat index of the layer below the one being processed
        for k in range(len(self.blocks) - 1, -1, -1):
            d_block = d  # dL/d(block output): also dL/d(block input) through a skip
            for layer in reversed(self.blocks[k]):
                i -= 1
                first, cache = i == 0, caches[i]
                if from_z and i == len(self.layers) - 1:
                    d, layer_grads = layer.backward_from_z(d, cache, input_gradient=not first)
                else:
                    d, layer_grads = layer.backward(d, cache, input_gradient=not first)
                grads[:0] = layer_grads
            if k in self.skips:
                d = d + d_block  # the skip passes the gradient through unchanged
        return grads

    # --- losses ---------------------------------------------------------------------------

    def loss_and_gradients(self, X, y, loss="mse", sample_weight=None):
        """The loss L on (X, y) and dL/d(params), a list aligned with ``params``.

        Parameters
        ----------
        X : array_like (n_samples, layer_sizes[0])
        y : array_like
            Targets in the loss's format: (n_samples, n_outputs) values or one-hot rows,
            (n_samples,) when there is one output, or integer labels (n_samples,) for
            sparse_categorical_crossentropy.
        loss : str
            A name in ``nnlab.losses.LOSSES``.
        sample_weight : array_like (n_samples,), optional

        Returns
        -------
        loss : float
        grads : list of ndarray, [dW1, db1, dW2, db2, …]

        >>> mlp = MLP([2, 2, 1], activation="tanh", output_activation="sigmoid", rng=0)
        >>> loss, grads = mlp.loss_and_gradients([[0.0, 1.0]], [1.0], "binary_crossentropy")
        >>> [g.shape for g in grads]
        [(2, 2), (2,), (2, 1), (1,)]
        """
        objective = _Objective(loss, self)
        X = self._inputs(X)
        y = objective.targets(y, len(X))
        w = objective.weights(sample_weight, None, y, len(X))
        loss_value, grads, _ = self._step_gradients(X, y, objective, w)
        return loss_value, grads

    def _step_gradients(self, X, y, objective, w):
        """(loss, grads, out) on validated arrays: the body of every training step."""
        out, caches = self._forward(X, training=True)
        loss_value, d, from_z = objective.value_and_gradient(y, out, caches[-1][1], w)
        if not np.isfinite(loss_value):
            return loss_value, None, out
        grads = self._backward(d, caches, from_z)
        if self._penalized:  # L + Σ R(W): each penalised dW gains dR/dW
            loss_value += self.penalty()
            for i, layer in self._penalized:
                grads[i] += layer.penalty_gradient()
        return loss_value, grads, out

    def predict(self, X):
        """The network's output for each row of X: (n_samples, layer_sizes[-1])."""
        return self._forward(self._inputs(X))[0]

    def evaluate(self, X, y, loss="mse", sample_weight=None, penalty=True):
        """The loss (and accuracy, for the cross-entropies) on (X, y), as a dict.

        The loss includes the kernel regularizer's penalty Σ R(W), as Keras' ``evaluate``
        reports it; ``penalty=False`` gives the data loss alone, which compares networks with
        different penalties fairly (notebook 09).

        >>> mlp = MLP([1, 1], output_activation="linear", initializer="zeros")
        >>> mlp.evaluate([[1.0], [2.0]], [1.0, 3.0])        # predictions 0: (1 + 9) / 2
        {'loss': 5.0}
        """
        objective = _Objective(loss, self)
        X = self._inputs(X)
        y = objective.targets(y, len(X))
        weights = objective.weights(sample_weight, None, y, len(X))
        return self._logs(objective, X, y, weights, _flag(penalty, "penalty"))

    def _logs(self, objective, X, y, w, penalty=True):
        """{"loss", …} on a whole data set in inference mode, the penalty included if asked."""
        out, caches = self._forward(X)
        logs = objective.logs(y, out, caches[-1][1], w)
        if penalty:
            logs["loss"] += self.penalty()
        return logs

    # --- training -------------------------------------------------------------------------

    def fit(
        self,
        X,
        y,
        loss="mse",
        optimizer="sgd",
        epochs=1,
        batch_size=32,
        validation_data=None,
        shuffle=True,
        callbacks=None,
        verbose=1,
        sample_weight=None,
        class_weight=None,
        rng=None,
    ):
        """Train by mini-batch gradient descent; returns a :class:`~nnlab.callbacks.History`.

        Each epoch visits every sample once, in mini-batches of ``batch_size`` (the last one
        may be smaller), in a new random order when ``shuffle``. Each batch is one forward
        pass, one backward pass and one ``optimizer.step`` (the loop in the module docstring).

        Parameters
        ----------
        X, y : the training data, as in :meth:`loss_and_gradients`
        loss : str, default "mse"
        optimizer : str or optimizer, default "sgd"
            An ``nnlab.optimizers`` object (``Adam(learning_rate=0.01)``), or a name for one
            with Keras' defaults. Its state (momentum, Adam's averages) carries over between
            calls to ``fit``, as in Keras.
        epochs : int ≥ 1, default 1
        batch_size : int ≥ 1, default 32 (Keras' default); n_samples for full-batch descent
        validation_data : (X_val, y_val), optional
            Evaluated after each epoch: ``val_loss`` (and ``val_accuracy``) in the history.
        shuffle : bool, default True
        callbacks : list of Callback, optional
        verbose : 0, 1 or 2
            0 prints nothing, 1 a line for 10 evenly spaced epochs, 2 a line per epoch.
        sample_weight : array_like (n_samples,), optional
        class_weight : dict {class: weight} or "balanced", optional
            Multiplies each sample's weight by its class's weight (Keras' ``class_weight``).
        rng : None, int or Generator
            The shuffling order; by default the stream that initialised the weights.

        Returns
        -------
        History
            ``history.history`` holds "loss" (the mean of the epoch's batch losses, weighted by
            batch size, as Keras reports it), "accuracy" for the cross-entropies, and their
            ``val_`` forms; ``history.stop_reason`` says why training stopped early, if it did.

        Training stops when the loss becomes NaN or infinite (the learning rate is too large,
        usually): a message says so, and the weights are put back to those before the step
        that broke them, the last ones with a finite loss.
        """
        objective = _Objective(loss, self)
        X = self._inputs(X)
        y = objective.targets(y, len(X))
        weights = objective.weights(sample_weight, class_weight, y, len(X))
        epochs = check_scalar(epochs, "epochs", low=1, integer=True)
        batch_size = check_scalar(batch_size, "batch_size", low=1, integer=True)
        optimizer = get_optimizer(optimizer)
        validation = self._validation(validation_data, objective)
        if verbose not in (0, 1, 2):
            raise ValueError(f"'verbose' must be 0, 1 or 2; got {describe(verbose)}.")
        order_rng = self._rng if rng is None else as_rng(rng)

        history = History()
        callbacks = [*(callbacks or []), history]  # last, as in Keras: it sees what they log
        if verbose:
            callbacks.append(ProgressLogger(epochs, lines=10 if verbose == 1 else None))
        for callback in callbacks:
            callback.set_model(self)
            callback.on_train_begin({})
        self.optimizer, self.stop_training = optimizer, False
        trainer = _Trainer(self, objective, optimizer, batch_size)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in range(epochs):
                for callback in callbacks:
                    callback.on_epoch_begin(epoch, {})
                order = order_rng.permutation(len(X)) if shuffle else None
                logs = trainer.epoch(X, y, weights, order, callbacks)
                if validation and trainer.stop_reason is None:
                    val = self._logs(objective, *validation, None)
                    logs.update({f"val_{key}": value for key, value in val.items()})
                for callback in callbacks:
                    callback.on_epoch_end(epoch, logs)
                if trainer.stop_reason is not None:
                    history.stop_reason = trainer.stop_reason.format(epoch=epoch + 1)
                    print(history.stop_reason)
                    break
                if self.stop_training:
                    break
        for callback in callbacks:
            callback.on_train_end({})
        return history

    def _validation(self, validation_data, objective):
        if validation_data is None:
            return None
        try:
            X_val, y_val = validation_data
        except (TypeError, ValueError):
            raise ValueError(
                f"'validation_data' must be a pair (X_val, y_val); got {describe(validation_data)}."
            ) from None
        X_val = self._inputs(X_val, "X_val")
        return X_val, objective.targets(y_val, len(X_val), "y_val")


def _activation_of(block):
    """The activation record of a block: its last layer with one (Dense or Activation)."""
    return [layer for layer in block if hasattr(layer, "activation")][-1].activation


def _flag(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"'{name}' must be True or False; got {describe(value)}.")
    return bool(value)


class _Trainer:
    """One epoch of mini-batch steps, with the divergence guard (used by ``MLP.fit``)."""

    def __init__(self, mlp, objective, optimizer, batch_size):
        self.mlp, self.objective, self.optimizer = mlp, objective, optimizer
        self.batch_size = batch_size
        self.backup = [np.empty_like(p) for p in mlp.params]  # the weights before the last step
        self.stepped = False
        self.stop_reason = None

    def epoch(self, X, y, weights, order, callbacks):
        mlp, n = self.mlp, len(X)
        total = {}
        for batch, start in enumerate(range(0, n, self.batch_size)):
            rows = (
                slice(start, start + self.batch_size)
                if order is None
                else order[start : start + self.batch_size]
            )
            X_b, y_b = X[rows], y[rows]
            w_b = None if weights is None else weights[rows]
            loss_value, grads, out = mlp._step_gradients(X_b, y_b, self.objective, w_b)
            if grads is None:  # the loss is NaN or infinite: undo the step that caused it
                self._diverged(batch, loss_value)
                total["loss"] = total.get("loss", 0.0) + loss_value * len(X_b)
                break
            logs = {"loss": float(loss_value)}
            logs.update(self.objective.metrics(y_b, out))
            for key, value in logs.items():
                total[key] = total.get(key, 0.0) + value * len(X_b)
            params = mlp.params
            for saved, p in zip(self.backup, params):
                np.copyto(saved, p)
            self.optimizer.step(params, grads)
            self.stepped = True
            for callback in callbacks:
                callback.on_train_batch_end(batch, logs)
        seen = min(n, (batch + 1) * self.batch_size)
        return {key: value / seen for key, value in total.items()}

    def _diverged(self, batch, loss_value):
        if self.stepped:
            for saved, p in zip(self.backup, self.mlp.params):
                np.copyto(p, saved)
        rate = self.optimizer.current_learning_rate
        what = "NaN" if np.isnan(loss_value) else "infinite"
        kept = "the weights before that step" if self.stepped else "the initial weights"
        self.stop_reason = (
            f"Training stopped at epoch {{epoch}}, batch {batch + 1}: the loss became {what}. "
            f"Kept {kept}, the last with a finite loss. "
            f"The usual causes: a learning rate too large (it is {rate:g}), or weights that "
            "start too large."
        )


class _Objective:
    """A loss as the network trains with it: target checks, fused gradients, accuracy."""

    def __init__(self, loss, mlp):
        self.loss = get_loss(loss)
        self.n_out = mlp.layers[-1].n_out
        self.dtype = mlp.dtype
        output = mlp.layers[-1].activation.name
        self.fused = output if self.loss.name in _FUSED.get(output, ()) else None
        self.sparse = self.loss.name == "sparse_categorical_crossentropy"
        if self.sparse and self.n_out < 2:
            raise ValueError(
                "'loss' sparse_categorical_crossentropy needs one output per class, at least 2; "
                f"the network has {self.n_out}. For yes/no outputs use binary_crossentropy."
            )

    def targets(self, y, n_samples, name="y"):
        """``y`` validated and shaped as the loss reads it: labels (n,) or values (n, n_out)."""
        if self.sparse:
            y = np.asarray(y)
            y = y[:, 0] if y.ndim == 2 and y.shape[1] == 1 else y
            labels = as_labels(y, name, self.n_out)
            check_size(len(labels), name, n_samples, "labels, one per row (sample) of X")
            return labels
        y = as_float_array(y, name, ndim=(1, 2))
        if y.ndim == 1 and self.n_out == 1:
            y = y[:, None]
        if y.shape != (n_samples, self.n_out):
            one_hot = " (one-hot rows; or use sparse_categorical_crossentropy for labels)"
            hint = one_hot if self.loss.name == "categorical_crossentropy" else ""
            raise ValueError(
                f"'{name}' must have shape ({n_samples}, {self.n_out}), one row per sample and "
                f"one column per output{hint}; got {y.shape}."
            )
        return y.astype(self.dtype, copy=False)

    def weights(self, sample_weight, class_weight, y, n_samples):
        """One weight per sample (None when all are 1), the class weights folded in."""
        w = None
        if sample_weight is not None:
            w = as_float_array(sample_weight, "sample_weight", ndim=1)
            check_size(len(w), "sample_weight", n_samples, "entries, one per row (sample) of X")
            if (w < 0).any():
                raise ValueError(f"'sample_weight' must be ≥ 0; got {w[np.argmax(w < 0)]:g}.")
        if class_weight is not None:
            labels = y if self.sparse or self.n_out > 1 else y[:, 0]
            per_class = class_weight_to_sample_weight(labels, class_weight)
            w = per_class if w is None else w * per_class
        return None if w is None else w.astype(self.dtype)

    def value_and_gradient(self, y, out, z, w, gradient=True):
        """(L, d, from_z): the loss and dL/dz (fused) or dL/d(out), on validated arrays.

        With ``gradient=False`` only the loss is computed (d is None).
        """
        n = len(out)
        scale = (1.0 / n) if w is None else (w / n)[:, None]  # Keras: Σ wᵢ·lᵢ / n
        if self.fused == "softmax":
            shifted = z - z.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            rows = np.arange(n)
            per_sample = -log_p[rows, y] if self.sparse else -(y * log_p).sum(axis=1)
            if not gradient:
                return _mean(per_sample, w), None, True
            d = out.copy()
            if self.sparse:
                d[rows, y] -= 1  # p − onehot(y)
            else:
                d -= y
            return _mean(per_sample, w), d * scale, True
        if self.fused == "sigmoid":  # Keras' sigmoid_cross_entropy_with_logits
            terms = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
            d = (out - y) * (scale / self.n_out) if gradient else None
            return _mean(terms.mean(axis=1), w), d, True
        if not np.isfinite(out).all():
            return np.nan, None, False
        d = self.loss.gradient(y, out, w) if gradient else None
        return float(self.loss.function(y, out, w)), d, False

    def metrics(self, y, out):
        """{"accuracy": …} for the cross-entropies, else {}."""
        if self.loss.name not in _ACCURACY:
            return {}
        if self.sparse:
            correct = out.argmax(axis=1) == y
        elif self.n_out == 1 or self.loss.name == "binary_crossentropy":
            correct = (out > 0.5) == (y > 0.5)  # Keras' binary_accuracy, threshold 0.5
        else:
            correct = out.argmax(axis=1) == y.argmax(axis=1)
        return {"accuracy": float(correct.mean())}

    def logs(self, y, out, z, w):
        """{"loss": …, "accuracy": …} on a whole data set."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss_value, _, _ = self.value_and_gradient(y, out, z, w, gradient=False)
        return {"loss": float(loss_value), **self.metrics(y, out)}


def _mean(per_sample, w):
    """Σ wᵢ·lᵢ / n (Keras' sum_over_batch_size), as a float."""
    total = per_sample.sum() if w is None else (w * per_sample).sum()
    return float(total / len(per_sample))
