"""The course's data sets and the helpers to use them (notebooks 02, 04–09).

Notebook 02 (perceptron) trains on the truth tables of ``logic_gate`` ("and", "or", "nand",
"nor", "xor") and shows on ``xor`` that one neuron is not enough. Notebook 04 (losses) fits lines
to ``regression_with_outliers`` (MSE against MAE and Huber) and scores classifiers on
``imbalanced_binary``; notebooks 02 and 05–09 classify ``two_moons``, ``circles``, ``spirals``
and ``blobs``. Notebook 05 trains the notes' digit classifier on real handwriting:
``load_digits`` (8×8, ships with scikit-learn, offline) and ``load_mnist`` (28×28, downloaded
once into a cache). ``train_test_split`` and ``one_hot`` prepare any of them for a network.

Every generator takes ``rng`` (None, an int seed or a ``numpy.random.Generator``): the same seed
gives the same data on every run. Features come as float64 ``X`` of shape
``(n_samples, n_features)``, class labels as int64 ``y`` of shape ``(n_samples,)``, shuffled
(truth tables and the digit sets keep their own order).
"""

import hashlib
import numbers
import os
import pathlib
import shutil
import zipfile

import numpy as np

from nnlab._validation import (
    as_float_array,
    as_labels,
    as_rng,
    check_choice,
    check_scalar,
    check_size,
)


def _check_n_samples(n_samples, low=1):
    return check_scalar(n_samples, "n_samples", low=low, integer=True)


def _balanced_sizes(n_samples, n_classes):
    """Class sizes that add up to ``n_samples`` and differ by at most 1: 7, 3 → [3, 2, 2]."""
    return [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]


def _labelled(parts, rng):
    """Stack the per-class point arrays ``parts`` (class k = parts[k]) into shuffled (X, y)."""
    X = np.concatenate(parts)
    y = np.repeat(np.arange(len(parts)), [len(part) for part in parts])
    order = rng.permutation(len(y))
    return X[order], y[order]


def regression_with_outliers(
    n_samples=60,
    n_outliers=6,
    slope=2.0,
    intercept=1.0,
    noise=0.5,
    outlier_shift=15.0,
    x_range=(0, 10),
    rng=None,
):
    """y = intercept + slope·x + noise·ε, ε ~ N(0, 1); ``n_outliers`` points moved up by ≈ shift.

    x is uniform on ``x_range``. The outliers, chosen at random, are moved up by
    ``outlier_shift·(1 + 0.2·|ε'|)``, ε' ~ N(0, 1): all upward, so a mean-squared-error line is
    visibly pulled towards them while MAE and Huber fits stay near the true line
    ``intercept + slope·x``.

    Returns
    -------
    x : ndarray, shape (n_samples, 1)
        Sorted ascending (a column, ready to be ``X``).
    y : ndarray, shape (n_samples,)
    is_outlier : ndarray of bool, shape (n_samples,)
        True for the ``n_outliers`` shifted points.

    >>> x, y, is_outlier = regression_with_outliers(rng=0)
    >>> x.shape, y.shape, int(is_outlier.sum())
    ((60, 1), (60,), 6)
    >>> x[:3, 0].round(3), y[:3].round(3)
    (array([0.027, 0.165, 0.283]), array([0.837, 0.746, 2.436]))
    >>> residual = y - (1.0 + 2.0 * x[:, 0])                 # from the true line
    >>> bool(residual[is_outlier].min() > 7.5), bool(abs(residual[~is_outlier]).max() < 2.5)
    (True, True)
    """
    n_samples = _check_n_samples(n_samples)
    n_outliers = check_scalar(n_outliers, "n_outliers", low=0, high=n_samples, integer=True)
    slope, intercept = check_scalar(slope, "slope"), check_scalar(intercept, "intercept")
    noise = check_scalar(noise, "noise", low=0)
    outlier_shift = check_scalar(outlier_shift, "outlier_shift", low=0)
    x_range = as_float_array(x_range, "x_range", ndim=1)
    check_size(len(x_range), "x_range", 2, "numbers (low, high)")
    check_scalar(x_range[1], "x_range[1]", low=x_range[0], low_inclusive=False)
    rng = as_rng(rng)

    x = np.sort(rng.uniform(x_range[0], x_range[1], size=n_samples))
    y = intercept + slope * x + noise * rng.standard_normal(n_samples)
    is_outlier = np.zeros(n_samples, dtype=bool)
    is_outlier[rng.choice(n_samples, size=n_outliers, replace=False)] = True
    y[is_outlier] += outlier_shift * (1 + 0.2 * np.abs(rng.standard_normal(n_outliers)))
    return x[:, None], y, is_outlier


def imbalanced_binary(
    n_samples=1000, minority_fraction=0.05, separation=1.5, n_features=2, rng=None
):
    """x ~ N(μ_y, I): class 0 centred at −separation/2, class 1 (the minority) at +separation/2
    along the first axis (all other coordinates of the means are 0).

    Class 1 has exactly ``round(n_samples·minority_fraction)`` samples, at least 1 and at most
    ``n_samples // 2``; class 0 the rest. Accuracy looks good here even for a model that always
    says 0, which is the point of the notebook's precision/recall and weighted-loss sections.

    Returns
    -------
    X : ndarray, shape (n_samples, n_features)
    y : ndarray of int64, shape (n_samples,)
        0 or 1, shuffled.

    >>> X, y = imbalanced_binary(rng=0)
    >>> X.shape, y.dtype, int(y.sum())
    ((1000, 2), dtype('int64'), 50)
    """
    n_samples = _check_n_samples(n_samples, low=2)
    minority_fraction = check_scalar(
        minority_fraction, "minority_fraction", low=0, high=0.5, low_inclusive=False
    )
    separation = check_scalar(separation, "separation", low=0)
    n_features = check_scalar(n_features, "n_features", low=1, integer=True)
    rng = as_rng(rng)

    n_minority = min(max(round(n_samples * minority_fraction), 1), n_samples // 2)
    means = np.zeros((2, n_features))
    means[:, 0] = [-separation / 2, separation / 2]
    parts = [
        mean + rng.standard_normal((size, n_features))
        for mean, size in zip(means, [n_samples - n_minority, n_minority])
    ]
    return _labelled(parts, rng)


def two_moons(n_samples=200, noise=0.1, rng=None):
    """Two interleaving half circles plus Gaussian noise·ε, ε ~ N(0, I).

    Class 0: (cos t, sin t); class 1: (1 − cos t, 0.5 − sin t); t evenly spaced on [0, π].
    No straight line separates them: the first data set that needs a hidden layer.

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray of int64, shape (n_samples,)
        0 or 1, class sizes differing by at most 1, shuffled.

    >>> X, y = two_moons(rng=0)
    >>> X.shape, np.bincount(y)
    ((200, 2), array([100, 100]))
    """
    n_samples = _check_n_samples(n_samples)
    noise = check_scalar(noise, "noise", low=0)
    rng = as_rng(rng)

    t0, t1 = (np.linspace(0, np.pi, size) for size in _balanced_sizes(n_samples, 2))
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X, y = _labelled([upper, lower], rng)
    return X + noise * rng.standard_normal(X.shape), y


def circles(n_samples=200, noise=0.05, factor=0.5, rng=None):
    """A circle of radius ``factor`` (class 1) inside one of radius 1 (class 0), plus noise·ε.

    Points are (r·cos t, r·sin t) with t evenly spaced on [0, 2π), ε ~ N(0, I). A network needs
    a closed boundary here: one hidden layer of three or more units.

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray of int64, shape (n_samples,)
        0 (outer) or 1 (inner), class sizes differing by at most 1, shuffled.

    >>> X, y = circles(rng=0)
    >>> X.shape, np.bincount(y)
    ((200, 2), array([100, 100]))
    """
    n_samples = _check_n_samples(n_samples)
    noise = check_scalar(noise, "noise", low=0)
    factor = check_scalar(
        factor, "factor", low=0, high=1, low_inclusive=False, high_inclusive=False
    )
    rng = as_rng(rng)

    parts = []
    for radius, size in zip([1.0, factor], _balanced_sizes(n_samples, 2)):
        t = np.linspace(0, 2 * np.pi, size, endpoint=False)
        parts.append(radius * np.column_stack([np.cos(t), np.sin(t)]))
    X, y = _labelled(parts, rng)
    return X + noise * rng.standard_normal(X.shape), y


def blobs(n_samples=200, centers=2, spread=1.0, rng=None):
    """x = c_y + spread·ε, ε ~ N(0, I): one Gaussian blob per class around its centre c_y.

    ``centers`` is a number of classes K or the centres themselves, an array of shape
    (K, n_features). K centres given as a number sit evenly on a circle around the origin,
    the first on the positive x₁ axis, neighbours 6 apart (radius 3 / sin(π/K); the origin for
    K = 1): with ``spread=1`` the blobs are well apart, with ``spread=3`` they overlap.

    Returns
    -------
    X : ndarray, shape (n_samples, 2), or (n_samples, n_features) for given centres
    y : ndarray of int64, shape (n_samples,)
        0 … K − 1, class sizes differing by at most 1, shuffled.

    >>> X, y = blobs(n_samples=7, centers=3, rng=0)
    >>> X.shape, np.bincount(y)
    ((7, 2), array([3, 2, 2]))
    >>> blobs(n_samples=4, centers=[[0, 0, 0], [5, 5, 5]], rng=0)[0].shape
    (4, 3)
    """
    n_samples = _check_n_samples(n_samples)
    if isinstance(centers, numbers.Number):
        n_centers = check_scalar(centers, "centers", low=1, integer=True)
        angle = 2 * np.pi * np.arange(n_centers) / n_centers
        radius = 3 / np.sin(np.pi / n_centers) if n_centers > 1 else 0.0
        centers = radius * np.column_stack([np.cos(angle), np.sin(angle)])  # (K, 2)
    else:
        centers = as_float_array(centers, "centers", ndim=2)
        check_scalar(len(centers), "len(centers)", low=1)
    spread = check_scalar(spread, "spread", low=0)
    rng = as_rng(rng)

    parts = [
        center + spread * rng.standard_normal((size, centers.shape[1]))
        for center, size in zip(centers, _balanced_sizes(n_samples, len(centers)))
    ]
    return _labelled(parts, rng)


def train_test_split(X, y, test_fraction=0.25, stratify=True, rng=None):
    """Split the rows of ``X`` and ``y`` at random into a training and a test part.

    Each group of rows (each class of ``y`` when ``stratify``, else all rows) sends
    round(test_fraction · group size) rows to the test part, at least 1 and at most all but 1,
    so a stratified split keeps the class proportions and every class with two or more samples
    appears on both sides, even a 5 % minority. For a regression target pass ``stratify=False``.

    Parameters
    ----------
    X : array_like, shape (n_samples, …)
    y : array_like, shape (n_samples,) or (n_samples, k)
        Labels (or one-hot rows, or targets); rows keep their dtype.
    test_fraction : float in (0, 1)
    stratify : bool
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X_train, X_test : ndarray, shapes (n_train, …) and (n_test, …)
    y_train, y_test : ndarray, shapes (n_train,) and (n_test,) (or with k columns, as ``y``)
        Rows shuffled within each part.

    >>> X, y = imbalanced_binary(n_samples=1000, rng=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, rng=0)
    >>> X_train.shape, X_test.shape, int(y_train.sum()), int(y_test.sum())
    ((750, 2), (250, 2), 38, 12)
    """
    X = as_float_array(X, "X", ndim=(1, 2, 3, 4), dtype=None)
    as_float_array(y, "y", ndim=(1, 2))  # numbers, finite; the split keeps y's own dtype
    y = np.asarray(y)
    check_size(len(y), "y", len(X), "rows, one per row (sample) of 'X'")
    test_fraction = check_scalar(
        test_fraction, "test_fraction", low=0, high=1, low_inclusive=False, high_inclusive=False
    )
    if len(y) < 2:
        raise ValueError(f"'X' must have at least 2 samples (rows) to split; got {len(y)}.")
    rng = as_rng(rng)

    order = rng.permutation(len(y))
    if stratify:
        _, group = np.unique(y[order], axis=0, return_inverse=True)
        group = group.reshape(-1)  # (n_samples,): the class of each row in `order`
        groups = [order[group == k] for k in range(group.max() + 1)]
    else:
        groups = [order]
    train, test = [], []
    for members in groups:
        n_test = min(max(round(test_fraction * len(members)), 1), len(members) - 1)
        test.append(members[:n_test])
        train.append(members[n_test:])
    if sum(len(part) for part in test) == 0:  # every class has a single sample
        raise ValueError(
            "'y' must have at least 2 samples of some class for stratify=True; got "
            f"{len(y)} samples, all of different classes (a regression target? "
            "pass stratify=False)."
        )
    train, test = rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))
    return X[train], X[test], y[train], y[test]


def one_hot(y, n_classes=None):
    """Y[i, k] = 1 if y[i] = k else 0: integer labels as one-hot rows.

    Parameters
    ----------
    y : array_like of whole numbers, shape (n_samples,)
        Labels 0 … n_classes − 1.
    n_classes : int, optional
        The number of columns; by default max(y) + 1.

    Returns
    -------
    ndarray of float64, shape (n_samples, n_classes)
        ``Y.argmax(axis=1)`` gives ``y`` back.

    >>> one_hot([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    >>> one_hot([0, 3], n_classes=3)
    Traceback (most recent call last):
    ...
    ValueError: 'y[1]' must be a whole number in [0, 2]; got 3.0.
    """
    if n_classes is not None:
        n_classes = check_scalar(n_classes, "n_classes", low=1, integer=True)
    y = as_labels(y, "y", n_classes)
    if n_classes is None:
        n_classes = int(y.max()) + 1 if len(y) else 0
    Y = np.zeros((len(y), n_classes))
    Y[np.arange(len(y)), y] = 1.0
    return Y


_GATE_OUTPUTS = {  # y for the inputs 00, 01, 10, 11
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
    "xor": (0, 1, 1, 0),
}
GATES = tuple(_GATE_OUTPUTS)


def logic_gate(name):
    """The truth table of a two-input logic gate: X = the inputs 00, 01, 10, 11, y = the output.

    Parameters
    ----------
    name : str
        One of ``GATES``: "and", "or", "nand", "nor", "xor" (upper case works too).

    Returns
    -------
    X : ndarray of float64, shape (4, 2)
        The rows (0, 0), (0, 1), (1, 0), (1, 1), in that order (not shuffled).
    y : ndarray of int64, shape (4,)

    >>> X, y = logic_gate("xor")
    >>> X
    array([[0., 0.],
           [0., 1.],
           [1., 0.],
           [1., 1.]])
    >>> y
    array([0, 1, 1, 0])
    """
    name = check_choice(name, "name", GATES, {gate.upper(): gate for gate in GATES})
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array(_GATE_OUTPUTS[name], dtype=np.int64)


def xor(n_samples=None, noise=None, rng=None):
    """y = x₁ XOR x₂: the four corners of the unit square, or points scattered around them.

    Without ``n_samples``, the truth table of :func:`logic_gate` ("xor"). With it, the points
    are the corners, each used by a quarter of the samples (sizes differing by at most 1),
    plus noise·ε, ε ~ N(0, I), shuffled: (0, 0) and (1, 1) are class 0, (0, 1) and (1, 0)
    class 1. No straight line separates the classes.

    Parameters
    ----------
    n_samples : int ≥ 1, optional
    noise : float ≥ 0, optional
        By default 0 for the truth table and 0.15 for ``n_samples`` points.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of float64, shape (4, 2) or (n_samples, 2)
    y : ndarray of int64, shape (4,) or (n_samples,)

    >>> X, y = xor(n_samples=200, rng=0)
    >>> X.shape, np.bincount(y)
    ((200, 2), array([100, 100]))
    """
    if n_samples is not None:
        n_samples = _check_n_samples(n_samples)
    if noise is None:
        noise = 0.0 if n_samples is None else 0.15
    noise = check_scalar(noise, "noise", low=0)
    rng = as_rng(rng)

    corners, labels = logic_gate("xor")
    if n_samples is None:
        corner = np.arange(4)
    else:
        corner = rng.permutation(np.repeat(np.arange(4), _balanced_sizes(n_samples, 4)))
    X = corners[corner]  # (n_samples, 2): each sample's corner
    if noise > 0:
        X = X + noise * rng.standard_normal(X.shape)
    return X, labels[corner]


def spirals(n_samples=200, n_classes=2, noise=0.05, rng=None):
    """Interleaved spiral arms, one per class, plus noise·ε, ε ~ N(0, I).

    Class k is r·(cos θ, sin θ) with θ = 2π(1.25·r + k/K), r evenly spaced on [0.1, 1]: each arm
    winds 1.125 turns outwards, turned by 1/K of a turn against its neighbour. The classic hard
    case for a small network: the boundary is a spiral too.

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray of int64, shape (n_samples,)
        0 … n_classes − 1, class sizes differing by at most 1, shuffled.

    >>> X, y = spirals(n_samples=300, n_classes=3, rng=0)
    >>> X.shape, np.bincount(y)
    ((300, 2), array([100, 100, 100]))
    """
    n_samples = _check_n_samples(n_samples)
    n_classes = check_scalar(n_classes, "n_classes", low=1, integer=True)
    noise = check_scalar(noise, "noise", low=0)
    rng = as_rng(rng)

    parts = []
    for k, size in enumerate(_balanced_sizes(n_samples, n_classes)):
        r = np.linspace(0.1, 1.0, size)
        theta = 2 * np.pi * (1.25 * r + k / n_classes)
        parts.append(r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)]))
    X, y = _labelled(parts, rng)
    return X + noise * rng.standard_normal(X.shape), y


def load_digits(flatten=True):
    """scikit-learn's 1,797 handwritten digits, 8×8 pixels: pixel / 16, so X lies in [0, 1].

    The digits ship with scikit-learn, so they work offline: the course's stand-in for MNIST.
    Rows come in scikit-learn's order (not shuffled; use :func:`train_test_split`).

    Parameters
    ----------
    flatten : bool, default True
        True gives one row of 64 pixels per image, False the 8×8 images.

    Returns
    -------
    X : ndarray of float64, shape (1797, 64), or (1797, 8, 8) if not ``flatten``
    y : ndarray of int64, shape (1797,)
        The digit shown, 0 … 9.

    >>> X, y = load_digits()
    >>> X.shape, X.dtype, float(X.min()), float(X.max()), y[:5]
    ((1797, 64), dtype('float64'), 0.0, 1.0, array([0, 1, 2, 3, 4]))
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits  # slow: only when asked
    except ImportError:
        raise ImportError(
            "load_digits needs scikit-learn: pip install scikit-learn (or nnlab[course])."
        ) from None
    pixels, y = sklearn_load_digits(return_X_y=True)  # (1797, 64) of whole numbers 0 … 16
    X = pixels.astype(np.float64) / 16
    return (X if flatten else X.reshape(-1, 8, 8)), y.astype(np.int64)


MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"  # as Keras


def load_mnist(cache_dir=None, url=MNIST_URL, sha256=MNIST_SHA256, normalize=False, flatten=False):
    """MNIST's 70,000 handwritten digits, 28×28 pixels: downloaded once, then read from a cache.

    The file is Keras' ``mnist.npz`` (what ``keras.datasets.mnist.load_data()`` reads), fetched
    with the standard library into ``cache_dir`` through a temporary file that is renamed only
    once complete and checked, so a failed download leaves nothing behind.

    Parameters
    ----------
    cache_dir : str or path, optional
        Where ``mnist.npz`` is kept: by default ``$NNLAB_DATA`` if set, else
        ``~/.cache/nnlab/mnist``. Created if missing.
    url : str, optional
        Where to download from when the cache is empty (any URL urllib reads, file:// too);
        by default Keras' copy, ``MNIST_URL``.
    sha256 : str or None
        The file's expected SHA-256 hex digest, checked after a download and on every read;
        None skips the check (for other copies of the data).
    normalize : bool, default False
        False gives pixels as uint8 0 … 255 like Keras; True gives float32 pixel / 255 in [0, 1]
        (float32: the training set alone is 376 MB in float64).
    flatten : bool, default False
        True gives rows of 784 pixels, False the 28×28 images.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: (60000, 28, 28) and (10000, 28, 28), or (…, 784) if ``flatten``;
        y: int64 digits 0 … 9, shapes (60000,) and (10000,).

    Raises
    ------
    ConnectionError
        If the download fails (offline, say): the message names the URL, the reason, and
        the offline alternative, :func:`load_digits`.
    ValueError
        If the downloaded or cached file is not the expected one: the message names the file.
    """
    cache_dir = pathlib.Path(
        cache_dir or os.environ.get("NNLAB_DATA") or "~/.cache/nnlab/mnist"
    ).expanduser()
    path, url = cache_dir / "mnist.npz", url or MNIST_URL
    if not path.exists():
        _download(url, path, sha256)
    elif sha256 is not None and _sha256(path) != sha256:
        raise ValueError(
            f"The cached MNIST file {path} is damaged or not the expected one (its SHA-256 "
            f"differs from {sha256}): delete it, and load_mnist() downloads it again."
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = [data[key] for key in ("x_train", "y_train", "x_test", "y_test")]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"The cached MNIST file {path} cannot be read ({error}): delete it, and "
            "load_mnist() downloads it again."
        ) from None
    x_train, y_train, x_test, y_test = arrays
    if normalize:
        x_train, x_test = (x.astype(np.float32) / 255 for x in (x_train, x_test))
    if flatten:
        x_train, x_test = (x.reshape(len(x), -1) for x in (x_train, x_test))
    return (x_train, y_train.astype(np.int64)), (x_test, y_test.astype(np.int64))


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url, path, sha256):
    """Fetch ``url`` into ``path`` through a temporary file in the same folder, renamed only
    when complete and (if ``sha256``) checked: ``path`` is either the whole file or absent."""
    import http.client  # the network modules load only when something is downloaded
    import tempfile
    import urllib.request

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix="mnist.", suffix=".part")
    part = pathlib.Path(name)
    try:
        try:
            with open(handle, "wb") as file, urllib.request.urlopen(url, timeout=60) as response:
                shutil.copyfileobj(response, file)
        except (OSError, ValueError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", None) or error
            raise ConnectionError(
                f"Could not download MNIST from {url} ({reason}). The course runs offline with "
                f"nnlab.datasets.load_digits(); or put mnist.npz in {path.parent}."
            ) from error
        if sha256 is not None and _sha256(part) != sha256:
            raise ValueError(
                f"The file downloaded from {url} is not the expected MNIST file (its SHA-256 "
                f"differs from {sha256}); nothing was saved in {path.parent}."
            )
        part.chmod(0o644)  # mkstemp's 0600 would hide a shared $NNLAB_DATA from other users
        os.replace(part, path)  # the whole file appears at once under its name
    finally:
        part.unlink(missing_ok=True)  # after a failure: no half file left behind
