"""Two-dimensional loss surfaces for watching optimizers move (notebook 08, optimizers).

A real network's loss lives in millions of dimensions; these three live in two, so a contour
plot shows the whole landscape and the path an optimizer takes across it:

- ``"bowl"``: an ill-conditioned quadratic, 10× steeper in y than in x. Gradient descent fast
  enough for x zig-zags across the narrow y direction.
- ``"rosenbrock"``: a curved, narrow, nearly flat valley (Rosenbrock, 1960). Reaching the
  valley is easy; following it to the minimum is slow.
- ``"saddle"``: a saddle point between two minima. Started almost on the saddle's ridge,
  gradient descent crawls before it leaves.

``SURFACES[name]`` is a :class:`Surface` record: the function f(x, y), its gradient beside it,
the minima, a start and plot ranges. :func:`trajectory` runs an optimizer from
``nnlab.optimizers`` on a surface and returns the path, the points a contour plot connects.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnlab._validation import (
    as_float_array,
    check_choice,
    check_scalar,
    check_size,
    describe,
    scalar_or_array,
)
from nnlab.optimizers import get_optimizer

DIVERGED = 1e12  # |f| above it: the optimizer has diverged (trajectory stops)


@dataclass(frozen=True)
class Surface:
    """A loss surface f(x, y) and everything needed to draw an optimizer's path over it.

    ``function(xy)`` takes points ``xy`` of shape (2,) or (..., 2) and returns f at each
    (a float for one point, an array of shape (...) for many, so a contour grid (n, n, 2)
    works); ``gradient(xy)`` returns ∇f = (∂f/∂x, ∂f/∂y) with the shape of ``xy``.
    ``formula`` is LaTeX without the $ signs; ``minima`` the (x, y) of every minimum;
    ``start`` a start that shows the surface's difficulty; ``xlim``, ``ylim`` the plot ranges.

    >>> bowl = SURFACES["bowl"]
    >>> bowl.function([2.0, 1.0])                   # (2² + 10·1²) / 2
    7.0
    >>> bowl.gradient([2.0, 1.0])                   # (x, 10·y)
    array([ 2., 10.])
    >>> bowl.function(np.zeros((4, 3, 2))).shape    # a grid of 4 × 3 points
    (4, 3)
    """

    name: str
    formula: str
    function: Callable
    gradient: Callable
    minima: tuple
    start: tuple
    xlim: tuple
    ylim: tuple
    description: str

    @property
    def f_min(self):
        """The lowest value of f: f at the lowest of ``minima``.

        >>> SURFACES["saddle"].f_min                    # 1/4 − 1/2 at (0, ±1)
        -0.25
        """
        return min(float(self.function(minimum)) for minimum in self.minima)


def _points(xy):
    """``xy`` as a float64 array of points (..., 2). Not checked for NaN or ±inf: as in NumPy's
    functions, a non-finite point gives a non-finite value (``trajectory`` relies on it)."""
    points = np.asarray(xy)
    if points.dtype.kind not in "biuf":
        raise TypeError(f"'xy' must be points (x, y) of numbers; got {describe(xy)}.")
    if points.ndim == 0 or points.shape[-1] != 2:
        raise ValueError(
            f"'xy' must have shape (2,) or (..., 2), points (x, y); got shape {points.shape}."
        )
    return points.astype(np.float64, copy=False)


def _pointwise(kernel):
    """The public form of ``kernel(x, y) -> f``: f at each point of ``xy`` (..., 2), a float
    for one point."""

    def function(xy):
        xy = _points(xy)
        return scalar_or_array(kernel(xy[..., 0], xy[..., 1]))

    function.__name__ = function.__qualname__ = kernel.__name__.lstrip("_")  # "bowl"
    function.__doc__ = kernel.__doc__
    return function


def _stacked(kernel):
    """The public form of ``kernel(x, y) -> (∂f/∂x, ∂f/∂y)``: ∇f at each point of ``xy``,
    one array shaped like ``xy``."""

    def gradient(xy):
        xy = _points(xy)
        g = np.empty(xy.shape)
        g[..., 0], g[..., 1] = kernel(xy[..., 0], xy[..., 1])
        return g

    gradient.__name__ = gradient.__qualname__ = kernel.__name__.lstrip("_")  # "bowl_gradient"
    gradient.__doc__ = kernel.__doc__
    return gradient


def _bowl(x, y):
    """f(x, y) = (x² + 10·y²) / 2: curvature 1 along x, 10 along y."""
    return (x**2 + 10 * y**2) / 2


def _bowl_gradient(x, y):
    """∇f = (x, 10·y)."""
    return x, 10 * y


def _rosenbrock(x, y):
    """f(x, y) = (1 − x)² + 100·(y − x²)²: zero only at (1, 1), on the valley floor y = x²."""
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_gradient(x, y):
    """∇f = (−2·(1 − x) − 400·x·(y − x²), 200·(y − x²))."""
    valley = y - x**2  # zero on the valley floor
    return -2 * (1 - x) - 400 * x * valley, 200 * valley


def _saddle(x, y):
    """f(x, y) = x² + y⁴/4 − y²/2: a saddle at (0, 0), minima f = −1/4 at (0, ±1)."""
    return x**2 + y**4 / 4 - y**2 / 2


def _saddle_gradient(x, y):
    """∇f = (2·x, y³ − y)."""
    return 2 * x, y**3 - y


SURFACES = {
    "bowl": Surface(
        name="bowl",
        formula=r"f(x, y) = \frac{1}{2}\left(x^2 + 10\,y^2\right)",
        function=_pointwise(_bowl),
        gradient=_stacked(_bowl_gradient),
        minima=((0.0, 0.0),),
        start=(-4.0, 1.5),
        xlim=(-4.5, 4.5),
        ylim=(-2.0, 2.0),
        description="A bowl 10 times steeper across than along: a step size that is fast "
        "along x overshoots across y, so plain gradient descent zig-zags.",
    ),
    "rosenbrock": Surface(
        name="rosenbrock",
        formula=r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
        function=_pointwise(_rosenbrock),
        gradient=_stacked(_rosenbrock_gradient),
        minima=((1.0, 1.0),),
        start=(-1.5, 2.0),
        xlim=(-2.0, 2.0),
        ylim=(-1.0, 3.0),
        description="A narrow curved valley with a nearly flat floor: reaching the valley is "
        "quick, following its floor to the minimum at (1, 1) is slow.",
    ),
    "saddle": Surface(
        name="saddle",
        formula=r"f(x, y) = x^2 + \frac{y^4}{4} - \frac{y^2}{2}",
        function=_pointwise(_saddle),
        gradient=_stacked(_saddle_gradient),
        minima=((0.0, -1.0), (0.0, 1.0)),
        start=(-2.0, 1e-3),
        xlim=(-2.5, 2.5),
        ylim=(-1.75, 1.75),
        description="A saddle point at (0, 0) between two minima: started near its ridge, "
        "plain gradient descent stalls at the saddle before it slides off.",
    ),
}


def get_surface(surface):
    """The :class:`Surface` named ``surface`` in ``SURFACES``, or a Surface as it is.

    >>> get_surface("bowl").minima
    ((0.0, 0.0),)
    >>> get_surface("valley")
    Traceback (most recent call last):
    ...
    ValueError: 'surface' must be one of 'bowl', 'rosenbrock', 'saddle'; got 'valley'.
    """
    if isinstance(surface, Surface):
        return surface
    if isinstance(surface, str):
        return SURFACES[check_choice(surface, "surface", SURFACES)]
    raise TypeError(
        f"'surface' must be a name ({', '.join(SURFACES)}) or a Surface; got {describe(surface)}."
    )


def trajectory(optimizer, surface, start=None, steps=100):
    """The path p₀, p₁, …, p_steps of ``optimizer`` descending ``surface`` from ``start``.

    Each step is ``optimizer.step([p], [surface.gradient(p)])`` on a float64 position p of
    shape (2,): p ← p − η·∇f(p) for plain SGD, the optimizer's own rule otherwise.

    Parameters
    ----------
    optimizer : Optimizer or str
        An optimizer from ``nnlab.optimizers`` (e.g. ``SGD(learning_rate=0.1)``) or a name
        ("adam": Keras' defaults). It is copied (``copy.deepcopy``) and the copy takes the
        steps, so the caller's optimizer never changes. The copy keeps any state the optimizer
        already has: pass a fresh one for a path that starts at rest.
    surface : str or Surface
        A name in ``SURFACES`` or a :class:`Surface`.
    start : (float, float), optional
        Where to start, (x, y); default ``surface.start``. Never modified.
    steps : int ≥ 1, default 100

    Returns
    -------
    ndarray (n_points, 2), float64
        The positions, the start first: ``steps + 1`` rows, or fewer if the optimizer
        diverged. Divergence (a non-finite position, or |f(p)| > 1e12) stops the run; the
        path holds the finite points before it, so its last row is the last sane position.

    >>> from nnlab.optimizers import SGD
    >>> trajectory(SGD(learning_rate=0.1), "bowl", steps=2)  # p ← p − 0.1·(x, 10·y)
    array([[-4.  ,  1.5 ],
           [-3.6 ,  0.  ],
           [-3.24,  0.  ]])
    >>> path = trajectory(SGD(learning_rate=0.3), "bowl", steps=100)  # y ← (1 − 3)·y
    >>> len(path), float(path[-1, 1])   # step 19 takes |f| past 1e12: p₀ … p₁₈ are kept
    (19, 393216.0)
    """
    optimizer = copy.deepcopy(get_optimizer(optimizer))
    surface = get_surface(surface)
    steps = check_scalar(steps, "steps", low=1, integer=True)
    if start is None:
        start = surface.start
    p = np.array(as_float_array(start, "start", ndim=1))  # our own copy: stepped in place
    check_size(p.size, "start", 2, "numbers, (x, y)")
    path = [p.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            optimizer.step([p], [surface.gradient(p)])
            if not np.isfinite(p).all() or abs(surface.function(p)) > DIVERGED:
                break
            path.append(p.copy())
    return np.array(path)
