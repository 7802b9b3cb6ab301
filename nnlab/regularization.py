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

import itertools
import math

import numpy as np

from nnlab._validation import (
    as_float_array,
    as_labels,
    as_rng,
    check_choice,
    check_same_shape,
    check_scalar,
    check_size,
    describe,
)
from nnlab.datasets import train_test_split
from nnlab.losses import get_loss


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


# --- data augmentation for digit images --------------------------------------------------------


def _images(X, image_shape):
    """``X`` validated as (n, h·w) rows, and (h, w): given, or the square the row length is."""
    X = as_float_array(X, "X", ndim=2, dtype=None)  # float32 stays float32
    n_pixels = X.shape[1]
    if image_shape is None:
        side = math.isqrt(n_pixels)
        if side * side != n_pixels:
            raise ValueError(
                "'image_shape' must be given as (height, width) when the rows of 'X' are not "
                "square images (64 = 8×8 digits, 784 = 28×28 MNIST); "
                f"got rows of {n_pixels} pixels."
            )
        return X, (side, side)
    try:
        h, w = (check_scalar(size, "image_shape", low=1, integer=True) for size in image_shape)
    except (TypeError, ValueError):
        raise ValueError(
            "'image_shape' must be (height, width), two whole numbers ≥ 1; "
            f"got {describe(image_shape)}."
        ) from None
    if h * w != n_pixels:
        raise ValueError(
            f"'image_shape' must hold as many pixels as a row of 'X' ({n_pixels}); "
            f"got {(h, w)}, {h * w} pixels."
        )
    return X, (h, w)


_CHUNK = 2048  # images warped at once: bounds the temporary arrays (MNIST has 60,000 images)


def _warp(X, image_shape, degrees, dx, dy):
    """Row i of X as an image, rotated by degrees[i] about its centre, then moved dx[i] right
    and dy[i] down (bilinear, zeros outside). Validated inputs, ``degrees, dx, dy`` (n,)."""
    out = np.empty_like(X)
    for start in range(0, len(X), _CHUNK):
        part = slice(start, start + _CHUNK)
        out[part] = _warp_chunk(X[part], image_shape, degrees[part], dx[part], dy[part])
    return out


def _warp_chunk(X, image_shape, degrees, dx, dy):
    (h, w), n = image_shape, len(X)
    theta = np.deg2rad(degrees)[:, None, None]  # (n, 1, 1)
    cos, sin = np.cos(theta), np.sin(theta)
    cos[np.abs(cos) < 1e-12] = 0.0  # cos 90° is 6e-17 in floating point: quarter turns stay exact
    sin[np.abs(sin) < 1e-12] = 0.0
    rows, cols = np.mgrid[0:h, 0:w]  # (h, w) each
    # Output pixel (row, col) shows the input point that lands on it: undo the shift, then the
    # rotation. u points right and v down from the centre, so +θ turns counter-clockwise on screen.
    u = cols - dx[:, None, None] - (w - 1) / 2  # (n, h, w)
    v = rows - dy[:, None, None] - (h - 1) / 2
    source_col = (w - 1) / 2 + u * cos - v * sin
    source_row = (h - 1) / 2 + u * sin + v * cos
    top, bottom, a = _neighbours(source_row, h)  # a: how far below the top row, in [0, 1)
    left, right, b = _neighbours(source_col, w)  # b: how far right of the left column
    a, b = a.reshape(n, -1), b.reshape(n, -1)  # (n, h·w)
    padded = np.pad(X.reshape(n, h, w), ((0, 0), (1, 1), (1, 1))).reshape(n, -1)  # zero border

    def pixel(r, c):  # the padded images' values at rows r, columns c
        return np.take_along_axis(padded, (r * (w + 2) + c).reshape(n, -1), axis=1)

    out = (1 - a) * ((1 - b) * pixel(top, left) + b * pixel(top, right))
    out += a * ((1 - b) * pixel(bottom, left) + b * pixel(bottom, right))
    return out


def _neighbours(coordinate, size):
    """For points at ``coordinate`` along an axis of ``size`` pixels: the padded indices of the
    pixels before and after each point (the zero border for those outside the image), and how
    far past the first one the point lies."""
    before = np.floor(coordinate)
    i = np.clip(before, -2, size).astype(np.intp)  # -2 … size: far-away points read the border
    return np.maximum(i, -1) + 1, np.minimum(i + 1, size) + 1, coordinate - before


def shift_images(X, dx, dy, image_shape=None):
    """Every image moved dx pixels right and dy pixels down; zeros fill the pixels left empty.

    A digit written a little off-centre is still the same digit: showing the network shifted
    copies teaches it that position does not matter (it cannot learn that from one position).

    Parameters
    ----------
    X : array_like (n_samples, h·w)
        One flattened image per row: 64 pixels for the 8×8 digits, 784 for 28×28 MNIST.
    dx, dy : int
        Pixels right (negative: left) and down (negative: up).
    image_shape : (h, w), optional
        Needed only when a row's length is not a square number.

    Returns
    -------
    ndarray (n_samples, h·w)
        A new array, in X's dtype (float32 stays float32); X is not changed.

    >>> image = np.arange(1.0, 10.0)             # one 3×3 image, rows 1 2 3 / 4 5 6 / 7 8 9
    >>> shift_images([image], dx=1, dy=0).reshape(3, 3)
    array([[0., 1., 2.],
           [0., 4., 5.],
           [0., 7., 8.]])
    """
    X, image_shape = _images(X, image_shape)
    n = len(X)
    dx, dy = check_scalar(dx, "dx", integer=True), check_scalar(dy, "dy", integer=True)
    return _warp(X, image_shape, np.zeros(n), np.full(n, dx), np.full(n, dy))


def rotate_images(X, degrees, image_shape=None):
    """Every image turned by ``degrees`` about its centre, counter-clockwise as ``imshow`` shows it.

    Output pixel p shows the input at R(−θ)·(p − centre) + centre, read by bilinear
    interpolation between the four nearest pixels; points outside the image read 0. A slightly
    tilted digit is still the same digit, so small random rotations are fair augmentations.

    Parameters
    ----------
    X : array_like (n_samples, h·w)
        One flattened image per row.
    degrees : float or array_like (n_samples,)
        The angle, or one angle per image. Positive turns counter-clockwise on screen (rows
        drawn downwards, as ``plt.imshow`` draws an image): ``rotate_images(X, 90)`` equals
        ``np.rot90`` of each image, exactly (at quarter turns every pixel lands on a pixel).
    image_shape : (h, w), optional
        Needed only when a row's length is not a square number.

    Returns
    -------
    ndarray (n_samples, h·w), in X's dtype; X is not changed.

    >>> image = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> rotate_images([image.ravel()], 90).reshape(2, 2)      # the top right corner moves left
    array([[2., 4.],
           [1., 3.]])
    >>> bar = [0, 0, 0, 1, 1, 1, 0, 0, 0]                      # a horizontal bar, 3×3
    >>> rotate_images([bar], 45).reshape(3, 3).round(3)        # its right end rises
    array([[0.   , 0.293, 0.586],
           [0.293, 1.   , 0.293],
           [0.586, 0.293, 0.   ]])
    """
    X, image_shape = _images(X, image_shape)
    n = len(X)
    angles = as_float_array(degrees, "degrees", ndim=(0, 1))
    if angles.ndim == 1:
        check_size(len(angles), "degrees", n, "angles, one per row (image) of 'X'")
    return _warp(X, image_shape, np.broadcast_to(angles, (n,)), np.zeros(n), np.zeros(n))


def _targets(y, n_samples, name="y"):
    """``y`` as an array with one entry (label or target row) per sample; its dtype is kept."""
    as_float_array(y, name, ndim=(1, 2))  # numbers only, finite; labels stay integers below
    y = np.asarray(y)
    check_size(len(y), name, n_samples, "entries, one per row (sample) of 'X'")
    return y


def augment_images(X, y, copies=1, shift=1, rotation=10.0, noise=0.0, image_shape=None, rng=None):
    """The images followed by ``copies`` randomly shifted, rotated and noisy versions of each.

    Data augmentation: new training examples made from old ones by changes that keep the
    label, so the network learns what does not matter (a digit's exact position, a slight
    tilt, speckles) instead of memorising the training images.

    Each new image gets its own random integer shift in [−shift, shift] along each axis, an
    angle uniform in [−rotation, rotation] degrees (turned first, then shifted, one bilinear
    resampling), and Gaussian noise of standard deviation ``noise``, in the units of X's
    pixels; the result is clipped to the range of X's values (0 … 1 for ``load_digits``).

    There are no flips: a mirrored 2, 3 or 7 is not a digit any more, and a 6 turned upside
    down is a 9. Flips suit photos (a mirrored cat is still a cat), not writing.

    Parameters
    ----------
    X : array_like (n_samples, h·w)
        One flattened image per row.
    y : array_like (n_samples,) or (n_samples, k)
        Labels (or one-hot rows); each copy keeps its original's label.
    copies : int ≥ 0, default 1
        New versions per image: the result has (copies + 1)·n_samples rows.
    shift : int ≥ 0, default 1
        The largest shift in pixels.
    rotation : float in [0, 180], default 10.0
        The largest angle in degrees.
    noise : float ≥ 0, default 0.0
        The noise's standard deviation.
    image_shape : (h, w), optional
        Needed only when a row's length is not a square number.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X_aug : ndarray ((copies + 1)·n_samples, h·w), in X's dtype
        The originals, unchanged, then the first copy of every image, then the second, …
    y_aug : ndarray ((copies + 1)·n_samples, …), y's labels repeated in the same order

    >>> X = np.zeros((2, 64)); X[:, 27] = 1.0     # two 8×8 images with one lit pixel
    >>> X_aug, y_aug = augment_images(X, [3, 5], copies=2, rng=0)
    >>> X_aug.shape, y_aug
    ((6, 64), array([3, 5, 3, 5, 3, 5]))
    """
    X, image_shape = _images(X, image_shape)
    y = _targets(y, len(X))
    copies = check_scalar(copies, "copies", low=0, integer=True)
    shift = check_scalar(shift, "shift", low=0, integer=True)
    rotation = check_scalar(rotation, "rotation", low=0, high=180)
    noise = check_scalar(noise, "noise", low=0)
    rng = as_rng(rng)

    m = copies * len(X)  # the number of new images
    originals = np.tile(X, (copies, 1))  # (m, h·w): copy 1 of every image, then copy 2, …
    dx = rng.integers(-shift, shift + 1, size=m)
    dy = rng.integers(-shift, shift + 1, size=m)
    degrees = rng.uniform(-rotation, rotation, size=m)
    new = _warp(originals, image_shape, degrees, dx, dy)
    if noise > 0:
        new += (noise * rng.standard_normal(new.shape)).astype(new.dtype)
    if m:
        np.clip(new, X.min(), X.max(), out=new)
    return np.concatenate([X, new]), np.concatenate([y] * (copies + 1))


# --- ensembles ---------------------------------------------------------------------------------

_CROSSENTROPIES = (
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
)


def _prediction_logs(y, p, loss):
    """{"loss": L(y, p), "accuracy": …} of predictions p (n, k); accuracy for the cross-entropies,
    counted as ``MLP.evaluate`` counts it."""
    record = get_loss(loss)
    sparse = record.name == "sparse_categorical_crossentropy"
    y = np.asarray(y)
    if sparse:
        y = as_labels(y[:, 0] if y.ndim == 2 and y.shape[1] == 1 else y, "y", p.shape[1])
        check_size(len(y), "y", len(p), "labels, one per row (sample) of 'X'")
    else:
        y = as_float_array(y, "y", ndim=(1, 2))
        y = y[:, None] if y.ndim == 1 and p.shape[1] == 1 else y
        check_same_shape(p, y, "the predictions", "y")
    logs = {"loss": float(record.function(y, p))}
    if record.name not in _CROSSENTROPIES:
        return logs
    if sparse:
        correct = p.argmax(axis=1) == y
    elif p.shape[1] == 1 or record.name == "binary_crossentropy":
        correct = (p > 0.5) == (y > 0.5)  # Keras' binary_accuracy, threshold 0.5
    else:
        correct = p.argmax(axis=1) == y.argmax(axis=1)
    logs["accuracy"] = float(correct.mean())
    return logs


class Ensemble:
    """p̄(x) = (1/M)·Σₘ pₘ(x): the mean of M trained models' predictions ("soft voting").

    Networks trained from different random starts (or on different data) make partly
    different mistakes; averaging their probabilities cancels some of them, so the ensemble
    is usually better than its average member, at M times the cost of one prediction.

    Parameters
    ----------
    models : list of trained models
        Anything with ``predict(X)``, e.g. MLPs; all must predict arrays of one shape.

    Attributes
    ----------
    models : list, the members

    >>> from nnlab.network import MLP
    >>> members = [MLP([2, 4, 3], output_activation="softmax", rng=seed) for seed in (0, 1)]
    >>> ensemble = Ensemble(members)
    >>> X = np.array([[0.5, -1.0], [2.0, 0.0]])
    >>> bool(np.allclose(ensemble.predict(X), (members[0].predict(X) + members[1].predict(X)) / 2))
    True
    >>> ensemble
    Ensemble(2 models)
    """

    def __init__(self, models):
        if isinstance(models, (str, bytes)) or not hasattr(models, "__iter__"):
            raise TypeError(f"'models' must be a list of trained models; got {describe(models)}.")
        self.models = list(models)
        if not self.models:
            raise ValueError("'models' must hold at least one trained model; got none.")
        for i, model in enumerate(self.models):
            if not callable(getattr(model, "predict", None)):
                raise TypeError(
                    f"'models[{i}]' must be a trained model with a predict(X) method, such as "
                    f"an MLP; got {describe(model)}."
                )

    def __repr__(self):
        return f"Ensemble({len(self.models)} model{'s' if len(self.models) != 1 else ''})"

    def _member_predictions(self, X):
        predictions = []
        for i, model in enumerate(self.models):
            p = as_float_array(model.predict(X), f"models[{i}].predict(X)", ndim=(1, 2))
            p = p[:, None] if p.ndim == 1 else p  # (n, k)
            if predictions and p.shape != predictions[0].shape:
                raise ValueError(
                    f"'models[{i}]' must predict the shape 'models[0]' predicts, "
                    f"{predictions[0].shape}, to be averaged with it; got {p.shape}."
                )
            predictions.append(p)
        return predictions

    def predict(self, X):
        """The mean of the members' predictions for X: (n_samples, n_outputs)."""
        return np.mean(self._member_predictions(X), axis=0)

    def evaluate(self, X, y, loss="mse"):
        """{"loss": …, "accuracy": …} of the averaged prediction, as ``MLP.evaluate`` reports.

        The loss is ``nnlab.losses.get_loss(loss).function(y, p̄)``, on the averaged
        probabilities; "accuracy" comes with the cross-entropies (argmax of the columns; for a
        single column, p̄ > 0.5). For sparse_categorical_crossentropy y holds labels.
        """
        return _prediction_logs(y, self.predict(X), loss)

    def members_evaluate(self, X, y, loss="mse"):
        """Each member's {"loss": …, "accuracy": …}, computed as :meth:`evaluate` computes the
        ensemble's, so the numbers compare one to one."""
        return [_prediction_logs(y, p, loss) for p in self._member_predictions(X)]


# --- hyperparameter search on a validation set ---------------------------------------------------
#
# One convention for all three: ``train(X, y, **params)`` builds a new model, fits it on (X, y)
# with the hyperparameters ``params`` and returns it. grid_search and random_search call it on
# the training set and score the model on the validation set; cross_validate calls it once per
# fold. Write it once, use it everywhere.


def train_validation_split(X, y, validation_split=0.2, rng=None):
    """Shuffle the samples and hold out a fraction of them to choose hyperparameters on.

    The validation set plays the test set's role while tuning: models never train on it, so
    its score estimates how well a setting generalises. (Keep a separate test set untouched
    for the final report: after many trials the best validation score is optimistic.)

    Parameters
    ----------
    X : array_like (n_samples, …)
    y : array_like (n_samples,) or (n_samples, k); its dtype is kept (labels stay integers)
    validation_split : float in (0, 1), default 0.2
        round(validation_split · n_samples) samples go to validation, at least 1, and at
        least 1 stays for training.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X_train, X_val, y_train, y_val : ndarray
        In scikit-learn's order.

    >>> X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    >>> X_train, X_val, y_train, y_val = train_validation_split(X, y, rng=0)
    >>> X_train.shape, X_val.shape, y_val
    ((8, 2), (2, 2), array([6, 4]))
    """
    validation_split = check_scalar(
        validation_split,
        "validation_split",
        low=0,
        high=1,
        low_inclusive=False,
        high_inclusive=False,
    )
    return train_test_split(X, y, test_fraction=validation_split, stratify=False, rng=rng)


_METRICS = ("accuracy", "loss")


def _rank(score, metric):
    """Sort key, smallest best: a higher accuracy or a lower loss first, NaN (diverged) last."""
    return (bool(np.isnan(score)), -score if metric == "accuracy" else score)


def _text(value):
    """A hyperparameter as the printout shows it: 0.001, relu, [64, 64]."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _params_text(params):
    return "  ".join(f"{name}={_text(value)}" for name, value in params.items())


class SearchResult:
    """What a hyperparameter search found: every trial, and the best of them.

    Attributes
    ----------
    trials : list of dict
        ``{"params": {name: value, …}, "score": float}``, one per trial, in the order run.
    metric : "accuracy" (higher is better) or "loss" (lower is better)
    best_params : dict
        The hyperparameters of the best trial (the first of equals).
    best_score : float
        Its validation score.
    best_model
        The model ``train`` returned for it, already trained.
    """

    def __init__(self, trials, metric, best_model):
        self.trials, self.metric, self.best_model = trials, metric, best_model
        best = min(trials, key=lambda trial: _rank(trial["score"], metric))
        self.best_params, self.best_score = dict(best["params"]), best["score"]

    def __repr__(self):
        return (
            f"SearchResult({len(self.trials)} trials, best val {self.metric} "
            f"{self.best_score:.4f} with {_params_text(self.best_params)})"
        )

    def table(self):
        """The trials as a text table, best first, scores to 4 decimals.

        >>> trials = [{"params": {"learning_rate": 0.1}, "score": 0.5},
        ...           {"params": {"learning_rate": 0.01}, "score": 0.75}]
        >>> print(SearchResult(trials, "accuracy", best_model=None).table())
        rank  trial  learning_rate  val accuracy
        1     2      0.01           0.7500
        2     1      0.1            0.5000
        """
        names = list(self.trials[0]["params"])
        order = sorted(
            range(len(self.trials)), key=lambda i: _rank(self.trials[i]["score"], self.metric)
        )
        rows = [["rank", "trial", *names, f"val {self.metric}"]]
        for rank, i in enumerate(order, start=1):
            trial = self.trials[i]
            values = [_text(trial["params"].get(name, "")) for name in names]
            rows.append([str(rank), str(i + 1), *values, f"{trial['score']:.4f}"])
        widths = [max(len(row[j]) for row in rows) for j in range(len(rows[0]) - 1)]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1]
            for row in rows
        )


def _check_train(train):
    if not callable(train):
        raise TypeError(
            "'train' must be a function train(X, y, **params) that builds, fits and returns a "
            f"model; got {describe(train)}."
        )


def _check_verbose(verbose):
    if verbose not in (0, 1) or isinstance(verbose, float):
        raise ValueError(f"'verbose' must be 0 or 1; got {describe(verbose)}.")


def _score(model, X_val, y_val, loss, metric, params):
    """``model.evaluate(X_val, y_val, loss=loss)[metric]``, with the usual mistakes explained."""
    if not callable(getattr(model, "evaluate", None)):
        raise TypeError(
            "'train' must return the trained model (something with evaluate(X, y, loss)); got "
            f"{describe(model)} for {_params_text(params) or 'no params'}. Does it end with "
            "`return model`?"
        )
    logs = model.evaluate(X_val, y_val, loss=loss)
    if metric not in logs:
        raise ValueError(
            f"'metric' must be one of what evaluate reports for loss {loss!r}, "
            f"{', '.join(map(repr, logs))}; got {metric!r}. Accuracy comes with the "
            "cross-entropies; use metric='loss'."
        )
    return float(logs[metric])


def _param_space(space, name, distributions):
    """``space`` checked: a non-empty dict of str → non-empty list (or, if ``distributions``,
    a distribution or a function of rng)."""
    example = "{'learning_rate': [0.01, 0.1]}"
    if not isinstance(space, dict):
        raise TypeError(
            f"'{name}' must be a dict {{name: values}}, e.g. {example}; got {describe(space)}."
        )
    if not space:
        raise ValueError(
            f"'{name}' must name at least one hyperparameter, e.g. {example}; got {{}}."
        )
    checked = {}
    for key, values in space.items():
        if not isinstance(key, str):
            raise TypeError(f"'{name}' keys must be parameter names (str); got {key!r}.")
        where = f"{name}[{key!r}]"
        if distributions and (callable(getattr(values, "sample", None)) or callable(values)):
            checked[key] = values
            continue
        if isinstance(values, np.ndarray):
            values = values.tolist()
        if not isinstance(values, (list, tuple, range)):
            expected = (
                "a list of values, a distribution such as log_uniform(1e-4, 1e-1), "
                "or a function of rng"
                if distributions
                else "a list of values to try, e.g. [0.01, 0.1]"
            )
            raise TypeError(f"'{where}' must be {expected}; got {describe(values)}.")
        if len(values) == 0:
            raise ValueError(f"'{where}' must hold at least one value; got an empty list.")
        checked[key] = list(values)
    return checked


def _search(train, candidates, X_train, y_train, X_val, y_val, loss, metric, verbose):
    """Train and score every dict of hyperparameters in ``candidates``: the shared loop."""
    trials, best_model, best_rank = [], None, None
    for i, params in enumerate(candidates, start=1):
        model = train(X_train, y_train, **params)
        score = _score(model, X_val, y_val, loss, metric, params)
        trials.append({"params": params, "score": score})
        if best_rank is None or _rank(score, metric) < best_rank:
            best_model, best_rank = model, _rank(score, metric)
        if verbose:
            print(
                f"trial {i}/{len(candidates)}  {_params_text(params)}  →  val {metric} {score:.4f}"
            )
    return SearchResult(trials, metric, best_model)


def grid_search(
    train, param_grid, X_train, y_train, X_val, y_val, loss, metric="accuracy", verbose=1
):
    """Train one model per combination of the listed values; keep the best on validation.

    Grid search is exhaustive and easy to read, but its cost multiplies: 4 values of each of
    3 hyperparameters is 4³ = 64 trainings, and most of them vary what matters little.

    Parameters
    ----------
    train : function ``train(X, y, **params) -> model``
        Builds a new model, fits it on (X, y) with the hyperparameters ``params`` and returns
        it (anything with ``evaluate(X, y, loss=...)`` returning a dict, e.g. an MLP).
    param_grid : dict {name: list of values}
        Every combination is tried, in ``itertools.product`` order (the last name varies fastest).
    X_train, y_train : the data ``train`` fits on
    X_val, y_val : the data each trained model is scored on
    loss : str
        Passed to ``model.evaluate``.
    metric : "accuracy" (default; higher is better) or "loss" (lower is better)
    verbose : 0 or 1, default 1
        1 prints a line per trial.

    Returns
    -------
    SearchResult

    >>> from nnlab.datasets import blobs
    >>> from nnlab.network import MLP
    >>> from nnlab.optimizers import SGD
    >>> X, y = blobs(n_samples=80, centers=3, rng=0)
    >>> X_train, X_val, y_train, y_val = train_validation_split(X, y, rng=0)
    >>> def train(X, y, learning_rate, units):
    ...     mlp = MLP([2, units, 3], output_activation="softmax", rng=0)
    ...     mlp.fit(X, y, loss="sparse_categorical_crossentropy", optimizer=SGD(learning_rate),
    ...             epochs=5, verbose=0)
    ...     return mlp
    >>> result = grid_search(train, {"learning_rate": [1e-4, 0.1], "units": [2, 8]},
    ...                      X_train, y_train, X_val, y_val, "sparse_categorical_crossentropy")
    trial 1/4  learning_rate=0.0001  units=2  →  val accuracy 0.5625
    trial 2/4  learning_rate=0.0001  units=8  →  val accuracy 0.5625
    trial 3/4  learning_rate=0.1  units=2  →  val accuracy 0.8125
    trial 4/4  learning_rate=0.1  units=8  →  val accuracy 1.0000
    >>> print(result.table())
    rank  trial  learning_rate  units  val accuracy
    1     4      0.1            8      1.0000
    2     3      0.1            2      0.8125
    3     1      0.0001         2      0.5625
    4     2      0.0001         8      0.5625
    >>> result.best_params
    {'learning_rate': 0.1, 'units': 8}
    """
    _check_train(train)
    param_grid = _param_space(param_grid, "param_grid", distributions=False)
    get_loss(loss)  # an unknown loss fails now, not after the first training
    metric = check_choice(metric, "metric", _METRICS)
    _check_verbose(verbose)
    candidates = [
        dict(zip(param_grid, values)) for values in itertools.product(*param_grid.values())
    ]
    return _search(train, candidates, X_train, y_train, X_val, y_val, loss, metric, verbose)


class uniform:
    """A hyperparameter drawn uniformly from [low, high], e.g. a dropout rate ``uniform(0, 0.5)``.

    >>> rate = uniform(0.0, 0.5)
    >>> rate
    uniform(0, 0.5)
    >>> 0.0 <= rate.sample(np.random.default_rng(0)) <= 0.5
    True
    """

    def __init__(self, low, high):
        self.low, self.high = check_scalar(low, "low"), check_scalar(high, "high")
        if self.low >= self.high:
            raise ValueError(f"'low' must be < 'high' ({self.high:g}); got {self.low:g}.")

    def __repr__(self):
        return f"{type(self).__name__}({self.low:g}, {self.high:g})"

    def sample(self, rng=None):
        """One draw, a float."""
        return float(as_rng(rng).uniform(self.low, self.high))


class log_uniform(uniform):
    """log x uniform in [log low, log high]: every decade equally likely (low > 0).

    For a learning rate or a penalty λ the order of magnitude is what matters: in
    log_uniform(1e-4, 1e-1) each of the decades 1e-4…1e-3, 1e-3…1e-2, 1e-2…1e-1 gets a third
    of the draws, where uniform(1e-4, 1e-1) would put 90 % of them above 0.01.

    >>> log_uniform(1e-4, 1e-1)
    log_uniform(0.0001, 0.1)
    """

    def __init__(self, low, high):
        super().__init__(check_scalar(low, "low", low=0, low_inclusive=False), high)

    def sample(self, rng=None):
        """One draw, a float."""
        x = np.exp(as_rng(rng).uniform(np.log(self.low), np.log(self.high)))
        return float(np.clip(x, self.low, self.high))  # exp(log(high)) may round past high


def _draw(values, rng):
    """One value: a distribution's sample, a function's result, or a list's random element."""
    if callable(getattr(values, "sample", None)):
        return values.sample(rng)
    if callable(values):
        return values(rng)
    return values[rng.integers(len(values))]


def random_search(
    train,
    param_distributions,
    n_trials,
    X_train,
    y_train,
    X_val,
    y_val,
    loss,
    metric="accuracy",
    rng=None,
    verbose=1,
):
    """Train ``n_trials`` models with hyperparameters drawn at random; keep the best on validation.

    With the same budget random search tries n_trials different values of every
    hyperparameter, where a grid repeats the same few: when only one or two of them really
    matter (often), random search explores those better (Bergstra & Bengio, 2012).

    Parameters
    ----------
    train : function ``train(X, y, **params) -> model``, as for :func:`grid_search`
    param_distributions : dict {name: values}
        Each value is a list (an element drawn uniformly), a distribution with
        ``sample(rng)`` (:class:`uniform`, :class:`log_uniform`), or a function ``f(rng)``.
    n_trials : int ≥ 1
    X_train, y_train, X_val, y_val, loss, metric, verbose : as for :func:`grid_search`
    rng : None, int or numpy.random.Generator
        The draws; all of them are made before the first training, in the dict's order.

    Returns
    -------
    SearchResult

    >>> class Fake:                  # a stand-in model whose score is its learning rate
    ...     def __init__(self, learning_rate): self.learning_rate = learning_rate
    ...     def evaluate(self, X, y, loss): return {"loss": self.learning_rate}
    >>> result = random_search(lambda X, y, **params: Fake(**params),
    ...                        {"learning_rate": log_uniform(1e-4, 1e-1)}, 3,
    ...                        None, None, None, None, "mse", metric="loss", rng=0)
    trial 1/3  learning_rate=0.00814489  →  val loss 0.0081
    trial 2/3  learning_rate=0.000644704  →  val loss 0.0006
    trial 3/3  learning_rate=0.000132715  →  val loss 0.0001
    >>> result.best_params
    {'learning_rate': 0.0001327151712530881}
    """
    _check_train(train)
    space = _param_space(param_distributions, "param_distributions", distributions=True)
    n_trials = check_scalar(n_trials, "n_trials", low=1, integer=True)
    get_loss(loss)
    metric = check_choice(metric, "metric", _METRICS)
    _check_verbose(verbose)
    rng = as_rng(rng)
    candidates = [
        {name: _draw(values, rng) for name, values in space.items()} for _ in range(n_trials)
    ]
    return _search(train, candidates, X_train, y_train, X_val, y_val, loss, metric, verbose)


def kfold_indices(n_samples, k=5, rng=None):
    """k (train, validation) index pairs: the shuffled samples cut into k folds, each fold
    validating once while the other k − 1 train.

    Cross-validation uses every sample for validation exactly once, so its mean score is a
    steadier estimate than one split's, at k times the cost; useful when data are few.

    Parameters
    ----------
    n_samples : int ≥ 2
    k : int in [2, n_samples], default 5
        Folds differ in size by at most 1.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    list of k pairs (train_idx, val_idx) of sorted int arrays
        The val_idx partition range(n_samples); train_idx is the rest.

    >>> for train_idx, val_idx in kfold_indices(6, k=3, rng=0):
    ...     print(train_idx, val_idx)
    [0 1 4 5] [2 3]
    [0 1 2 3] [4 5]
    [2 3 4 5] [0 1]
    """
    n_samples = check_scalar(n_samples, "n_samples", low=2, integer=True)
    k = check_scalar(k, "k", low=2, high=n_samples, integer=True)
    folds = np.array_split(as_rng(rng).permutation(n_samples), k)
    return [
        (np.sort(np.concatenate(folds[:i] + folds[i + 1 :])), np.sort(fold))
        for i, fold in enumerate(folds)
    ]


def cross_validate(train, params, X, y, loss, k=5, metric="accuracy", rng=None, verbose=0):
    """The validation scores of k models, each trained on k − 1 folds and scored on the last.

    Parameters
    ----------
    train : function ``train(X, y, **params) -> model``, as for :func:`grid_search`
    params : dict {name: value}
        One setting of the hyperparameters ({} for none).
    X, y : all the data (no separate validation set: each fold takes its turn)
    loss : str
    k : int in [2, n_samples], default 5
    metric : "accuracy" (default) or "loss"
    rng : None, int or numpy.random.Generator
        How the samples are shuffled into folds (:func:`kfold_indices`).
    verbose : 0 (default) or 1
        1 prints a line per fold and the mean ± standard deviation.

    Returns
    -------
    ndarray (k,)
        The fold scores, in fold order.

    >>> class Fake:                  # a stand-in model: its score is the share of label-1 samples
    ...     def evaluate(self, X, y, loss): return {"accuracy": float(np.mean(y))}
    >>> X, y = np.zeros((8, 2)), np.array([1, 1, 1, 1, 0, 0, 0, 0])
    >>> scores = cross_validate(lambda X, y: Fake(), {}, X, y, "mse", k=4, rng=0, verbose=1)
    fold 1/4  →  val accuracy 0.5000
    fold 2/4  →  val accuracy 0.5000
    fold 3/4  →  val accuracy 0.5000
    fold 4/4  →  val accuracy 0.5000
    mean val accuracy 0.5000 ± 0.0000 (standard deviation over 4 folds)
    """
    _check_train(train)
    if not isinstance(params, dict) or not all(isinstance(name, str) for name in params):
        raise TypeError(
            "'params' must be a dict {name: value} of hyperparameters for train, e.g. "
            f"{{'learning_rate': 0.01}} ({{}} for none); got {describe(params)}."
        )
    X = as_float_array(X, "X", ndim=(1, 2, 3, 4), dtype=None)
    y = _targets(y, len(X))
    get_loss(loss)
    metric = check_choice(metric, "metric", _METRICS)
    _check_verbose(verbose)
    folds = kfold_indices(len(X), k, rng)
    scores = []
    for i, (train_idx, val_idx) in enumerate(folds, start=1):
        model = train(X[train_idx], y[train_idx], **params)
        scores.append(_score(model, X[val_idx], y[val_idx], loss, metric, params))
        if verbose:
            print(f"fold {i}/{len(folds)}  →  val {metric} {scores[-1]:.4f}")
    scores = np.array(scores)
    if verbose:
        print(
            f"mean val {metric} {scores.mean():.4f} ± {scores.std():.4f} "
            f"(standard deviation over {len(scores)} folds)"
        )
    return scores
