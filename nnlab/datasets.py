"""Small synthetic data sets and the helpers to use them (notebooks 02, 04–09).

Notebook 04 (losses) fits lines to ``regression_with_outliers`` (MSE against MAE and Huber) and
scores classifiers on ``imbalanced_binary``; notebooks 02 and 05–09 classify ``two_moons``,
``circles`` and ``blobs``. ``train_test_split`` and ``one_hot`` prepare any of them for a network.

Every generator takes ``rng`` (None, an int seed or a ``numpy.random.Generator``): the same seed
gives the same data on every run. Features come as float64 ``X`` of shape
``(n_samples, n_features)``, class labels as int64 ``y`` of shape ``(n_samples,)``, shuffled.
"""

import numbers

import numpy as np

from nnlab._validation import as_float_array, as_labels, as_rng, check_scalar, check_size


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
