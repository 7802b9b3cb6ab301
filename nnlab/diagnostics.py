"""Per-layer diagnostics of a network: activation statistics, saturation, dead units and gradient
norms (notebooks 06 initialization and 07 vanishing/exploding gradients, and their widgets).

Three questions tell whether a deep network can learn, each answered by one function:

- :func:`activation_stats`: do the signals keep their size layer after layer, or do they collapse
  to 0 or blow up? Are the units saturated (f' ≈ 0) or dead (ReLU output 0 for every sample)?
- :func:`gradient_norms`: does the gradient reach the first layers, or does it vanish (or explode)
  on its way down from the loss?
- :func:`histograms`: what do the activations of each layer look like (notebook 06's plots)?

Each call costs one forward pass (``gradient_norms``: one forward and one backward pass, a single
``mlp.loss_and_gradients``), so calling them every epoch, or on every widget update, is cheap.
They return small frozen tables: print one for a fixed-precision table, or read its columns as
NumPy arrays over the layers (``stats.std``, ``norms.dW_norm``) to plot per-layer curves.
Plotting lives in ``nnlab.plotting``.

One row per weight matrix W_k, numbered k = 1 … L from the input as in ``mlp.summary()`` and
``mlp.param_names``: row k is a Dense layer, z = X @ W + b, a = f(z), or, in a batch-normalised
network, Dense → BatchNormalization → Activation, where z is what the activation receives (the
normalised weighted sums). a = f(z) is the row's own output: in a residual network, before the
skip connection adds the block's input."""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from nnlab._validation import check_choice, check_scalar, describe
from nnlab.layers import Dense
from nnlab.network import MLP

_LARGEST = np.finfo(np.float64).max


class _Output(NamedTuple):
    """One row's arrays from the forward pass: z and a are (n_samples, n_units)."""

    layer: int
    activation: object  # the ACTIVATIONS record
    z: np.ndarray
    a: np.ndarray


def _check_mlp(mlp):
    if not isinstance(mlp, MLP):
        raise TypeError(f"'mlp' must be an nnlab.network.MLP; got {describe(mlp)}.")


def _rows(mlp):
    """Indices into ``mlp.layers``, one list per weight matrix: a row starts at each layer with
    a weight W (a Dense layer) and holds the layers after it up to the next one."""
    rows = []
    for i, layer in enumerate(mlp.layers):
        if "W" in layer.param_names or not rows:
            rows.append([])
        rows[-1].append(i)
    return rows


def _activation_layer(mlp, row):
    """The index of the row's last layer with an activation (its f), or None."""
    with_activation = [i for i in row if hasattr(mlp.layers[i], "activation")]
    return with_activation[-1] if with_activation else None


def _forward(mlp, X, training):
    """One ``mlp.forward``: z and a = f(z) of each row's activation, read from the caches."""
    _check_mlp(mlp)
    _, caches = mlp.forward(X, training)  # checks X as every MLP method does
    outputs = []
    for k, row in enumerate(_rows(mlp), start=1):
        i = _activation_layer(mlp, row)
        if i is None:
            continue
        layer, f = mlp.layers[i], mlp.layers[i].activation
        z = caches[i][1] if isinstance(layer, Dense) else caches[i]  # (X, z); an Activation's: z
        outputs.append(_Output(k, f, z, f.kernel(z, **f.params)))  # the layer's a, recomputed
    return outputs


def _number(x):
    """Fixed precision that reads across decades: 0.1234, −1.5000, 1.234e-05, 3.000e+08, nan."""
    if x == 0 or 1e-3 <= abs(x) < 1e4:
        return f"{x:.4f}"
    return f"{x:.3e}"


def _percent(x):
    return "n/a" if np.isnan(x) else f"{100 * x:.1f}%"


def _table(headers, columns):
    """Rows of text: the first two columns (layer, activation) left-aligned, numbers right."""
    rows = [headers, *zip(*columns)]
    widths = [max(len(row[j]) for row in rows) for j in range(len(headers))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if j < 2 else cell.rjust(w)
            for j, (cell, w) in enumerate(zip(row, widths))
        )
        for row in rows
    )


def _read_only(values, dtype=np.float64):
    array = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


# --- activation statistics ------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class ActivationStats:
    """Per-layer statistics of one forward pass, from :func:`activation_stats`.

    Every array is (n_layers,), one entry per weight matrix W_k, from the input to the output.

    Attributes
    ----------
    layer : ndarray of int
        k, the number of the row's weight matrix W_k (1 = nearest the input).
    activation : tuple of str
        The row's activation name.
    mean, std : ndarray
        Mean and standard deviation of the layer's outputs a, over all samples and units.
    z_std : ndarray
        Standard deviation of the pre-activations z = X @ W + b (with batch normalisation: the
        normalised z that f receives), over all samples and units.
    saturated : ndarray
        Share of the entries of z where f is saturated, |f'(z)| ≤ 5 % of f''s peak
        (``Activation.saturated``); NaN for softmax, which is not element-wise.
    dead : ndarray
        Share of the layer's units whose output is exactly 0 for every sample of X: dead ReLU
        units, which pass no gradient for any of these samples.
    """

    layer: np.ndarray
    activation: tuple
    mean: np.ndarray
    std: np.ndarray
    z_std: np.ndarray
    saturated: np.ndarray
    dead: np.ndarray

    def __len__(self):
        return len(self.layer)

    def __str__(self):
        return _table(
            ("layer", "activation", "mean(a)", "std(a)", "std(z)", "saturated", "dead"),
            [
                [str(i) for i in self.layer],
                list(self.activation),
                *([_number(x) for x in column] for column in (self.mean, self.std, self.z_std)),
                *([_percent(x) for x in column] for column in (self.saturated, self.dead)),
            ],
        )

    __repr__ = __str__


def _saturated_fraction(record, z):
    """Share of the entries of z where ``record.saturated``; NaN for softmax or a NaN in z."""
    if not record.elementwise or np.isnan(z).any():
        return np.nan
    return float(record.saturated(np.clip(z, -_LARGEST, _LARGEST)).mean())  # ±inf → ±max


def activation_stats(mlp, X, training=False):
    """mean(a), std(a), std(z), saturated share and dead share of every layer, on the batch X.

    z = X @ W + b are a layer's pre-activations and a = f(z) its outputs, both
    (n_samples, n_units). A unit is *dead* when its output is 0 for every sample of X; an entry
    of z is *saturated* when |f'(z)| ≤ 5 % of the largest |f'| (``activations.SATURATION``).
    Well-initialised networks keep std(a) of the same order in every layer; too small weights
    make it shrink towards 0 layer after layer, too large ones make it grow or saturate f.

    Parameters
    ----------
    mlp : nnlab.network.MLP
    X : array_like (n_samples, layer_sizes[0])
        A representative batch (a few hundred samples): "dead" is judged on these samples only.
    training : bool, default False
        False computes what ``predict`` computes. True runs the layers as a training step does:
        dropout drops units and batch normalisation uses the batch's statistics (and, as in every
        training forward pass, updates its moving statistics).

    Returns
    -------
    ActivationStats
        Print it for a table; its columns are NumPy arrays over the layers.

    A hand-worked example: one ReLU layer whose second unit only ever sees z < 0, then a sigmoid.

    >>> mlp = MLP([1, 2, 1], activation="relu", output_activation="sigmoid")
    >>> mlp.set_weights([[[1.0, -1.0]], [0.0, 0.0], [[1.0], [1.0]], [0.0]])
    >>> activation_stats(mlp, [[1.0], [2.0]])   # z1 = [[1, −1], [2, −2]], a1 = [[1, 0], [2, 0]]
    layer  activation  mean(a)  std(a)  std(z)  saturated   dead
    1      relu         0.7500  0.8292  1.5811      50.0%  50.0%
    2      sigmoid      0.8059  0.0749  0.5000       0.0%   0.0%
    """
    with np.errstate(over="ignore", invalid="ignore"):  # an exploding network shows inf / nan
        outputs = _forward(mlp, X, training)
        return ActivationStats(
            layer=_read_only([o.layer for o in outputs], dtype=int),
            activation=tuple(o.activation.name for o in outputs),
            mean=_read_only([o.a.mean(dtype=np.float64) for o in outputs]),
            std=_read_only([o.a.std(dtype=np.float64) for o in outputs]),
            z_std=_read_only([o.z.std(dtype=np.float64) for o in outputs]),
            saturated=_read_only([_saturated_fraction(o.activation, o.z) for o in outputs]),
            dead=_read_only([np.all(o.a == 0, axis=0).mean() for o in outputs]),
        )


# --- gradient norms -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class GradientNorms:
    """Per-layer gradient norms of one training step, from :func:`gradient_norms`.

    Every array is (n_layers,), one entry per weight matrix W_k, from the input to the output.

    Attributes
    ----------
    loss : float
        The loss on the batch (NaN or inf when it diverged; the norms are then NaN).
    layer : ndarray of int
        k, the number of the row's weight matrix W_k (1 = nearest the input).
    activation : tuple of str
    dW_norm, db_norm : ndarray
        ‖dL/dW‖ and ‖dL/db‖, Frobenius (L2) norms: √(Σ entries²).
    W_norm : ndarray
        ‖W‖, the size of the weights the gradient updates.
    """

    loss: float
    layer: np.ndarray
    activation: tuple
    dW_norm: np.ndarray
    db_norm: np.ndarray
    W_norm: np.ndarray

    def __len__(self):
        return len(self.layer)

    @property
    def update_ratio(self):
        """‖dW‖ / ‖W‖ per layer: one SGD step changes W by learning_rate × this, relatively
        (around 1e-3 per step is the classic healthy value). inf or NaN where W is all 0."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.dW_norm / self.W_norm

    @property
    def first_to_last(self):
        """‖dW‖ of the first layer over ‖dW‖ of the last: ≪ 1 vanishing, ≫ 1 exploding."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(self.dW_norm[0] / self.dW_norm[-1])

    def __str__(self):
        table = _table(
            ("layer", "activation", "‖dW‖", "‖db‖", "‖W‖", "‖dW‖/‖W‖"),
            [
                [str(i) for i in self.layer],
                list(self.activation),
                *(
                    [f"{x:.3e}" for x in column]
                    for column in (self.dW_norm, self.db_norm, self.W_norm, self.update_ratio)
                ),
            ],
        )
        return f"{table}\nfirst/last ‖dW‖ = {self.first_to_last:.3e}, loss = {_number(self.loss)}"

    __repr__ = __str__


def _norm(array):
    """The Frobenius norm √(Σ x²), computed as m·‖x / m‖ with m = max |x|, in float64: the
    squares of weights beyond 1e154 would overflow, their norm does not."""
    x = np.abs(np.asarray(array, dtype=np.float64)).ravel()
    m = x.max(initial=0.0)
    if m == 0 or not np.isfinite(m):
        return float(m)
    return float(m * np.linalg.norm(x / m))


def gradient_norms(mlp, X, y, loss="mse", sample_weight=None):
    """‖dL/dW‖, ‖dL/db‖ and ‖W‖ of every layer (W_k, b_k), from one ``mlp.loss_and_gradients``.

    ‖G‖ = √(Σᵢⱼ Gᵢⱼ²) (Frobenius). Backpropagation multiplies the gradient by Wᵀ and f'(z) once
    per layer on its way to the input, so in a deep network it shrinks geometrically when those
    factors are below 1 (sigmoid: f' ≤ 1/4, vanishing gradients) and grows when they are above 1
    (large weights, exploding gradients). ``first_to_last`` sums it up in one number.

    Parameters
    ----------
    mlp : nnlab.network.MLP
    X, y, loss, sample_weight
        As in ``MLP.loss_and_gradients`` (a training step: batch normalisation uses the batch's
        statistics and updates its moving ones, dropout drops units).

    Returns
    -------
    GradientNorms
        Print it for a table; its columns are NumPy arrays over the layers.

    >>> mlp = MLP([1, 1, 1], activation="linear")
    >>> mlp.set_weights([[[2.0]], [0.0], [[3.0]], [0.0]])
    >>> norms = gradient_norms(mlp, [[1.0]], [0.0])   # ŷ = 6, L = 36, dL/dŷ = 12
    >>> norms.dW_norm                                 # dW1 = 12·3·1, dW2 = 12·(2·1)
    array([36., 24.])
    >>> print(norms)
    layer  activation       ‖dW‖       ‖db‖        ‖W‖   ‖dW‖/‖W‖
    1      linear      3.600e+01  3.600e+01  2.000e+00  1.800e+01
    2      linear      2.400e+01  1.200e+01  3.000e+00  8.000e+00
    first/last ‖dW‖ = 1.500e+00, loss = 36.0000
    """
    _check_mlp(mlp)
    with np.errstate(over="ignore", invalid="ignore"):
        loss_value, grads = mlp.loss_and_gradients(X, y, loss, sample_weight=sample_weight)
        first = np.cumsum([0] + [len(layer.params) for layer in mlp.layers])  # into grads
        rows = []
        for k, row in enumerate(_rows(mlp), start=1):
            dense = mlp.layers[row[0]]
            names = list(dense.param_names)
            if "W" not in names:
                continue
            dW = db = np.nan
            if grads is not None:  # None: the loss is NaN or inf, there is no gradient
                dW = _norm(grads[first[row[0]] + names.index("W")])
                db = _norm(grads[first[row[0]] + names.index("b")]) if "b" in names else np.nan
            f = mlp.layers[_activation_layer(mlp, row)].activation.name
            rows.append((k, f, dW, db, _norm(dense.params[names.index("W")])))
    columns = list(zip(*rows)) if rows else [()] * 5
    return GradientNorms(
        loss=float(loss_value),
        layer=_read_only(columns[0], dtype=int),
        activation=tuple(columns[1]),
        dW_norm=_read_only(columns[2]),
        db_norm=_read_only(columns[3]),
        W_norm=_read_only(columns[4]),
    )


# --- histograms -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Histograms:
    """Per-layer histograms over common bins, from :func:`histograms`.

    Attributes
    ----------
    of : "a" or "z"
        What was counted: the outputs a or the pre-activations z.
    layer : ndarray of int (n_layers,)
    activation : tuple of str (n_layers,)
    edges : ndarray (bins + 1,)
        Bin edges shared by all layers, so their histograms can be compared side by side.
    counts : ndarray of int (n_layers, bins)
        How many entries (samples × units) of each layer fall in each bin.
    n_values : ndarray of int (n_layers,)
        Entries per layer, n_samples × n_units; those outside the range are not counted.
    """

    of: str
    layer: np.ndarray
    activation: tuple
    edges: np.ndarray
    counts: np.ndarray
    n_values: np.ndarray

    def __len__(self):
        return len(self.layer)

    @property
    def centers(self):
        """The middle of each bin, (bins,): x coordinates for bars or lines."""
        return (self.edges[:-1] + self.edges[1:]) / 2

    @property
    def fractions(self):
        """counts / n_values: the share of each layer's entries in each bin, (n_layers, bins)."""
        return self.counts / self.n_values[:, None]

    def __str__(self):
        low, high = self.edges[0], self.edges[-1]
        return (
            f"Histograms of {self.of} for {len(self)} layers, {len(self.edges) - 1} bins "
            f"over [{_number(low)}, {_number(high)}]"
        )

    __repr__ = __str__


def _value_range(value_range, arrays):
    """(low, high): the given range, or the finite values' extent over all layers."""
    if value_range is not None:
        if not (isinstance(value_range, (tuple, list, np.ndarray)) and len(value_range) == 2):
            raise ValueError(
                f"'value_range' must be a pair (low, high); got {describe(value_range)}."
            )
        low = check_scalar(value_range[0], "value_range[0]")
        high = check_scalar(value_range[1], "value_range[1]")
        if not low < high:
            raise ValueError(f"'value_range' must have low < high; got ({low:g}, {high:g}).")
        return low, high
    finite = [v[np.isfinite(v)] for v in arrays]
    finite = [v for v in finite if v.size]
    if not finite:
        return 0.0, 1.0
    low, high = min(float(v.min()) for v in finite), max(float(v.max()) for v in finite)
    return (low - 0.5, high + 0.5) if low == high else (low, high)


def histograms(mlp, X, bins=30, value_range=None, of="a", training=False):
    """Per-layer histogram counts of the outputs a (or pre-activations z), over common bins.

    Parameters
    ----------
    mlp : nnlab.network.MLP
    X : array_like (n_samples, layer_sizes[0])
    bins : int ≥ 1, default 30
    value_range : (low, high), optional
        The bins' extent; by default from the smallest to the largest finite value over all
        layers. Fix it (e.g. (−1, 1) for tanh) to compare networks or redraw a widget in place.
    of : "a" (default) or "z"
    training : bool, default False
        As in :func:`activation_stats`.

    Returns
    -------
    Histograms
        ``edges`` (bins + 1,) and ``counts`` (n_layers, bins), one row per layer.

    >>> mlp = MLP([1, 2], activation="relu", output_activation="relu")
    >>> mlp.set_weights([[[1.0, -1.0]], [0.0, 0.0]])
    >>> h = histograms(mlp, [[1.0], [3.0]], bins=3, value_range=(0, 3))  # a = [[1, 0], [3, 0]]
    >>> h.edges, h.counts
    (array([0., 1., 2., 3.]), array([[2, 1, 1]]))
    """
    bins = check_scalar(bins, "bins", low=1, integer=True)
    of = check_choice(of, "of", ("a", "z"))
    with np.errstate(over="ignore", invalid="ignore"):
        outputs = _forward(mlp, X, training)
        arrays = [o.a if of == "a" else o.z for o in outputs]
        low, high = _value_range(value_range, arrays)
        edges = np.linspace(low, high, bins + 1)  # what np.histogram uses for (bins, range)
        counts = np.zeros((len(arrays), bins), dtype=int)
        for row, values in zip(counts, arrays):
            row[:] = np.histogram(values, bins=bins, range=(low, high))[0]  # NaN, ±inf: outside
    edges.setflags(write=False)
    counts.setflags(write=False)
    return Histograms(
        of=of,
        layer=_read_only([o.layer for o in outputs], dtype=int),
        activation=tuple(o.activation.name for o in outputs),
        edges=edges,
        counts=counts,
        n_values=_read_only([v.size for v in arrays], dtype=int),
    )
