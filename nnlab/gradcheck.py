"""Gradient checking: backpropagation against central differences (notebook 05, backpropagation;
homework).

A backward pass is easy to get almost right. A gradient check compares it with the definition
of the derivative: nudge one entry θᵢ by ±h, recompute the loss L, and

    ∂L/∂θᵢ ≈ (L(θ + h·eᵢ) − L(θ − h·eᵢ)) / 2h        (central difference, error O(h²))

then measure the disagreement with :func:`relative_error`. Three checks share one core:

- :func:`check_gradients`: a model's ``loss_and_gradients(X, y, loss) -> (loss, grads)``;
- :func:`check_layer`: a layer's ``backward(dout, cache) -> (dX, grads)``;
- :func:`check_backward`: plain functions ``forward(*inputs)`` and ``backward(dout, *inputs)``.

Each returns a :class:`GradientReport`, one row per checked array, printed as a table. Only the
protocol matters (duck typing): ``params``, a list of the live parameter arrays, and optionally
``param_names`` (``["W1", "b1", …]``). Checks work on copies (the model or layer goes
through ``copy.deepcopy``), so the caller's objects and arrays never change.

Precision: checks need float64. A float32 central difference carries rounding error
~ε·|L|/h ≈ 1e-7 / 1e-5 = 1e-2, so every check would fail; models or layers with float32
parameters are refused with a TypeError (build them with ``dtype="float64"`` to check them).
"""

import copy
import math
from dataclasses import dataclass

import numpy as np

from nnlab._validation import as_float_array, as_rng, check_same_shape, check_scalar, describe

# The checks' floor for relative_error: an entry under 1% of the largest |a| + |b| in the whole
# check is judged on that scale, since its central difference is mostly rounding noise.
_FLOOR, _FLOOR_FRACTION = 1e-8, 1e-2


def numerical_gradient(f, x, h=1e-5):
    """∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for every entry i of x (central differences).

    Parameters
    ----------
    f : callable
        f(x) -> a single number, for an array x shaped like ``x``.
    x : array_like, any shape
        Where to differentiate. Never modified: f is evaluated on a float64 copy.
    h : float, default 1e-5
        The step. The error is ~h²·|f'''| (truncation) plus ~ε·|f|/h (rounding, ε ≈ 2.2e-16):
        about 1e-10 near h = 1e-5 in float64, the best compromise.

    Returns
    -------
    ndarray, shaped like x, float64

    >>> numerical_gradient(lambda x: np.sum(x**2), [1.0, -2.0]).round(6)  # ∇ Σ x² = 2x
    array([ 2., -4.])
    """
    x = np.array(as_float_array(x, "x"))  # a private copy: perturbed in place below
    h = check_scalar(h, "h", low=0, low_inclusive=False)
    gradient = _central_differences(lambda: _number(f(x), "f"), x, np.arange(x.size), h)
    return gradient.reshape(x.shape)


def _central_differences(f, x, flat_indices, h, dout=1.0):
    """Σ (f(x + h·eᵢ) − f(x − h·eᵢ)) ⊙ dout / 2h at the given entries i of ``x``, which is
    changed in place one entry at a time and restored exactly; ``f()`` reads ``x``.

    With an array-valued f (a layer's output), the difference comes before the sum: outputs
    that entry i does not touch cancel exactly, so the rounding noise does not grow with them.
    """
    gradient = np.empty(len(flat_indices))
    for k, i in enumerate(flat_indices):
        index = np.unravel_index(i, x.shape)
        original = x[index]
        x[index] = original + h
        f_plus = f()
        x[index] = original - h
        f_minus = f()
        x[index] = original
        gradient[k] = np.sum((f_plus - f_minus) * dout) / (2 * h)
    return gradient


def _number(value, what):
    """``value`` as a finite float, or an error saying that ``what`` must return one."""
    try:
        number = float(value) if np.ndim(value) == 0 else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise TypeError(f"{what} must return a single number; got {describe(value)}.")
    if not math.isfinite(number):
        raise ValueError(
            f"{what} returned {number} near the point being checked; a gradient check needs "
            "a function that is finite within ±h of it."
        )
    return number


def relative_error(a, b, floor=1e-8):
    """max over entries of |a − b| / max(|a| + |b|, floor): how far two gradients disagree.

    The cs231n definition. It is scale-free, so it reads the same for gradients of size 1e-3
    or 1e3, and it lies in [0, 1]: 0 when a = b, 1 when they have opposite signs. The floor
    makes 0 against 0 an error of 0 rather than 0/0.

    Parameters
    ----------
    a, b : array_like, of one shape
        Typically a backpropagated gradient and a numerical one.
    floor : float, default 1e-8
        The smallest denominator: entries with |a| + |b| below it are judged on this scale.

    Returns
    -------
    float

    Notes
    -----
    Reading it, in float64 with h = 1e-5:

    - < 1e-7: the gradient is right;
    - < 1e-5: fine where the function has kinks (ReLU, abs, max): a ±h step can cross one;
    - > 1e-3: the gradient is wrong (a missing factor 2 gives 1/3, a sign error 1).

    A central difference carries rounding noise of ~1e-10 whatever the gradient's size, so an
    entry near 0 can show a large relative error although both numbers are right: in a
    784 × 128 layer, some of the 1000 sampled entries always are near 0, and a bias followed
    by a normalisation has a gradient of exactly 0. The checks below therefore raise the floor
    to 1% of the largest |a| + |b| they see; a wrong formula still gives ~1.

    >>> relative_error([3.0], [1.0])  # |3 − 1| / (3 + 1)
    0.5
    >>> relative_error([1.0, -2.0], [1.0, 2.0])  # a sign error: 4 / 4
    1.0
    """
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    check_same_shape(a, b, "a", "b")
    floor = check_scalar(floor, "floor", low=0, low_inclusive=False)
    errors = np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)
    return float(np.max(errors, initial=0.0))


@dataclass(frozen=True)
class GradientRow:
    """One checked array: backpropagation against central differences on ``checked`` entries.

    ``relative_error`` is :func:`relative_error` over the checked entries, its floor raised to
    1% of the largest |a| + |b| in the whole check; ``max_abs_error`` is max |a − b|. Both
    are ``inf`` when the gradient could not be compared, and ``problem`` says why.
    """

    name: str
    shape: tuple
    relative_error: float
    max_abs_error: float
    ok: bool
    checked: int = 0
    problem: str = ""


@dataclass(frozen=True, repr=False)
class GradientReport:
    """The rows of a gradient check and its tolerance; prints as a table.

    ``ok`` is True when every row passes (relative error ≤ tolerance), ``max_error`` is the
    largest relative error and ``failed`` names the rows that did not pass.
    """

    rows: tuple
    tolerance: float

    @property
    def ok(self):
        return all(row.ok for row in self.rows)

    @property
    def max_error(self):
        return max((row.relative_error for row in self.rows), default=0.0)

    @property
    def failed(self):
        return tuple(row.name for row in self.rows if not row.ok)

    def __str__(self):
        names = [row.name for row in self.rows]
        shapes = [str(row.shape) for row in self.rows]
        results = [_result_text(row, self.tolerance) for row in self.rows]
        widths = [max(map(len, column), default=0) for column in (names, shapes, results)]
        lines = []
        for row, *cells in zip(self.rows, names, shapes, results):
            line = "  ".join(cell.ljust(width) for cell, width in zip(cells, widths))
            line += "  ✓" if row.ok else "  ✗"
            if not row.problem and row.checked < math.prod(row.shape):
                line += f"  ({row.checked} of {math.prod(row.shape)} entries)"
            lines.append(line)
        if self.ok:
            lines.append(f"passed: every relative error ≤ {self.tolerance:g}")
        else:
            lines.append(f"failed (tolerance {self.tolerance:g}): {', '.join(self.failed)}")
        return "\n".join(lines)

    __repr__ = __str__


# Passing rows show only a bound: the exact relative error of a right gradient is rounding noise
# (1e-9 … 1e-12) whose digits change with the CPU and the BLAS library, so a notebook that
# printed it could not be compared run to run. Failing rows show their numbers.
_NOISE_BOUND = 1e-8


def _result_text(row, tolerance):
    """The result column of one row: a problem, a bound for a pass, the errors for a failure."""
    if row.problem:
        return row.problem
    if row.ok:
        below_noise = row.relative_error < _NOISE_BOUND
        return f"rel. error < {min(tolerance, _NOISE_BOUND) if below_noise else tolerance:.0e}"
    return f"rel. error {row.relative_error:.1e}  abs. error {row.max_abs_error:.1e}"


def check_gradients(model, X, y, loss, *, h=1e-5, max_entries=1000, tolerance=1e-6, rng=None):
    """∂L/∂θ from ``model.loss_and_gradients`` against central differences of L, per parameter.

    Parameters
    ----------
    model : object with ``params`` and ``loss_and_gradients(X, y, loss) -> (loss, grads)``
        ``params`` lists the float64 parameter arrays (``[W1, b1, W2, b2, …]``), ``grads`` is
        aligned with it; ``param_names`` (optional) labels the rows, else "params[0]", ….
        A deep copy is checked: ``model`` itself never changes.
    X : array_like (n_samples, n_features)
    y, loss
        Passed on to ``loss_and_gradients`` as they are (copied).
    h : float, default 1e-5
        The central-difference step.
    max_entries : int or None, default 1000
        Parameters with more entries are checked on this many random entries (from ``rng``),
        since each entry costs two loss evaluations; None checks every entry.
    tolerance : float, default 1e-6
        A parameter passes when its relative error (see :class:`GradientRow`) is ≤ tolerance.
    rng : None, int or numpy.random.Generator
        Picks the sampled entries; pass a seed for a report that is the same every run.

    Returns
    -------
    GradientReport
        One row per parameter.

    A network with dropout draws new masks on every call; here each evaluation starts its
    layers' random streams (``layer.rng``) from the same state, so every evaluation drops the
    same units and the loss is one function of the parameters.
    """
    X = as_float_array(X, "X")
    options = _options(h, max_entries, tolerance, rng)
    model, X, y = _deep_copy((model, X, y), "model")  # the check changes the copy's parameters
    params, names = _parameters(model, "model")
    what = "model.loss_and_gradients"
    streams = {  # id → (Generator, its state now): the same dropout masks in every evaluation
        id(layer.rng): (layer.rng, layer.rng.bit_generator.state)
        for layer in getattr(model, "layers", ())
        if isinstance(getattr(layer, "rng", None), np.random.Generator)
    }

    def evaluate():
        for generator, state in streams.values():
            generator.bit_generator.state = state
        return _pair(model.loss_and_gradients(X, y, loss), what, "(loss, grads)")

    def f():
        return _number(evaluate()[0], what)

    _, grads = evaluate()
    grads = _aligned(grads, names, f"the grads from {what}", "model.params")
    return _check(f, params, names, grads, *options)


def check_layer(layer, X, *, training=False, h=1e-5, max_entries=1000, tolerance=1e-6, rng=None):
    """A layer's ``backward(dout, cache)`` against central differences of f = Σ forward(X) ⊙ dout.

    For a random upstream gradient dout, f's gradient w.r.t. X and each parameter is exactly
    what ``backward`` must return: (dX, grads).

    Parameters
    ----------
    layer : object with ``params``, ``forward(X, training) -> (out, cache)`` and
        ``backward(dout, cache) -> (dX, grads)``, ``grads`` aligned with ``params``
        (float64 arrays; ``param_names`` optional). A deep copy is checked.
    X : array_like (n_samples, n_in)
        Never modified.
    training : bool, default False
        Passed to ``forward``. With True, the output must still be a function of X
        (BatchNormalization, yes; Dropout draws a new mask per call and cannot be checked so).
    h, max_entries, tolerance, rng
        As in :func:`check_gradients`; ``rng`` also draws dout (shaped like the output).

    Returns
    -------
    GradientReport
        Rows "X", then one per parameter. A gradient that is None, not an array, of the
        wrong shape or not finite gets a failing row that says so.

    Raises
    ------
    TypeError, ValueError
        When ``backward`` returns None, not a pair, or a number of grads other than the
        number of parameters.

    Notes
    -----
    Kinks: where a ±h step moves some z across a ReLU's 0, that entry's central difference
    is wrong (relative error up to ~1e-2). The more samples, the likelier: check ReLU layers
    on a few samples (≤ 10), or near no kink.
    """
    X = as_float_array(X, "X")
    options = _options(h, max_entries, tolerance, rng)
    layer, X = _deep_copy((layer, X), "layer")
    params, names = _parameters(layer, "layer")

    def forward():
        return _pair(layer.forward(X, training=training), "layer.forward", "(out, cache)")

    def backward(dout, cache):
        dX, grads = _pair(layer.backward(dout, cache), "layer.backward", "(dX, grads)")
        return [dX, *_aligned(grads, names, "the grads from layer.backward", "layer.params")]

    return _check_backward(forward, backward, [X, *params], ["X", *names], "layer.forward", options)


def check_backward(
    forward, backward, inputs, *, h=1e-5, max_entries=1000, tolerance=1e-6, rng=None
):
    """``backward(dout, *inputs)`` against central differences of f = Σ forward(*inputs) ⊙ dout.

    The function form of :func:`check_layer`, for a forward and backward written as plain
    functions, e.g. ``sigmoid(z)`` and ``sigmoid_backward(dout, z)``.

    Parameters
    ----------
    forward : callable
        forward(*inputs) -> out, an array of any shape.
    backward : callable
        backward(dout, *inputs) -> a tuple of gradients aligned with ``inputs``, each shaped
        like its input (with one input, the gradient alone is fine too).
    inputs : sequence of array_like
        Never modified; the rows are named "inputs[0]", "inputs[1]", ….
    h, max_entries, tolerance, rng
        As in :func:`check_layer`.

    Returns
    -------
    GradientReport

    >>> def tanh_backward(dout, z):
    ...     return dout * (1 - np.tanh(z) ** 2)  # tanh' = 1 − tanh²
    >>> check_backward(np.tanh, tanh_backward, [np.array([0.5, -1.0])], rng=0).ok
    True
    """
    inputs = [np.array(as_float_array(x, f"inputs[{i}]")) for i, x in enumerate(inputs)]
    names = [f"inputs[{i}]" for i in range(len(inputs))]
    options = _options(h, max_entries, tolerance, rng)

    def backward_of(dout, _):
        grads = backward(dout, *[x.copy() for x in inputs])
        if len(inputs) == 1 and isinstance(grads, np.ndarray):
            grads = [grads]
        return _aligned(grads, names, "the result of backward", "inputs")

    return _check_backward(
        lambda: (forward(*inputs), None), backward_of, inputs, names, "forward", options
    )


def _options(h, max_entries, tolerance, rng):
    """The checks' shared options, validated: (h, max_entries, tolerance, rng)."""
    h = check_scalar(h, "h", low=0, low_inclusive=False)
    if max_entries is not None:
        max_entries = check_scalar(max_entries, "max_entries", low=1, integer=True)
    tolerance = check_scalar(tolerance, "tolerance", low=0, low_inclusive=False)
    return h, max_entries, tolerance, as_rng(rng)


def _deep_copy(objects, role):
    """``copy.deepcopy(objects)``, or an error saying that ``role`` must allow it."""
    try:
        return copy.deepcopy(objects)
    except (TypeError, copy.Error) as error:  # e.g. "cannot pickle 'mappingproxy' object"
        raise TypeError(
            f"'{role}' must support copy.deepcopy, since the check works on a copy; got: {error}."
        ) from error


def _parameters(owner, role):
    """(``owner.params``, their names): the live float64 arrays the check will perturb."""
    params = list(getattr(owner, "params", []))
    names = list(
        getattr(owner, "param_names", None) or [f"params[{i}]" for i in range(len(params))]
    )
    if len(names) != len(params):
        raise ValueError(
            f"'{role}.param_names' must name each of its {len(params)} parameters; got {names}."
        )
    for name, param in zip(names, params):
        if not isinstance(param, np.ndarray):
            raise TypeError(f"'{role}.params' must hold NumPy arrays; {name} is {describe(param)}.")
        if param.dtype != np.float64:
            raise TypeError(
                f"'{role}' has {param.dtype} parameters ({name}); gradient checks need float64 "
                "(float32 central differences are off by ~1e-2): build it with dtype='float64'."
            )
    again = getattr(owner, "params", [])
    if not all(np.may_share_memory(a, b) for a, b in zip(params, again)):
        raise TypeError(
            f"'{role}.params' must return the parameter arrays themselves, not copies: the check "
            "changes them one entry at a time."
        )
    return params, names


def _pair(result, what, parts):
    """``result`` as a pair, or an error saying that ``what`` must return ``parts``."""
    if result is None:
        raise TypeError(f"{what} returned None; it must return {parts}. Is a 'return' missing?")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError(f"{what} must return a pair {parts}; got {describe(result)}.")
    return result


def _aligned(grads, names, what, aligned_with):
    """``grads`` as a list, one gradient per name, or an error naming what was returned."""
    expected = f"one gradient per entry of {aligned_with} ({', '.join(names)}), in order"
    if not isinstance(grads, (tuple, list)):
        raise TypeError(f"{what} must be a list with {expected}; got {describe(grads)}.")
    if len(grads) != len(names):
        raise ValueError(f"{what} must hold {expected}; got {len(grads)} for {len(names)}.")
    return list(grads)


def _check_backward(forward, backward, variables, names, what, options):
    """The core of check_layer and check_backward: f = Σ out ⊙ dout for a random dout, where
    ``forward() -> (out, cache)`` reads ``variables``, against ``backward(dout, cache)``."""
    out, cache = forward()
    out = as_float_array(out, f"the output of {what}")
    dout = options[3].standard_normal(out.shape)
    gradients = backward(dout.copy(), cache)  # a copy: a backward that edits dout cannot hurt

    def f():
        return as_float_array(forward()[0], f"the output of {what}")

    return _check(f, variables, names, gradients, *options, dout=dout)


def _check(f, variables, names, gradients, h, max_entries, tolerance, rng, dout=1.0):
    """The shared core: each gradient against central differences of Σ f() ⊙ dout w.r.t. its
    variable, which is perturbed in place (callers pass copies)."""
    # Copies first: a model may hand out buffers that the next evaluation of f overwrites.
    comparable = [_as_gradient(g, x.shape) for g, x in zip(gradients, variables)]
    pairs = []  # (backprop, central differences) on the checked entries; None for a bad row
    for x, (gradient, problem) in zip(variables, comparable):
        indices = _entries(x.size, max_entries, rng)  # drawn even for a bad row: same stream
        if not problem:
            pairs.append(
                (gradient.reshape(-1)[indices], _central_differences(f, x, indices, h, dout))
            )
        else:
            pairs.append(None)
    scale = max(
        (np.max(np.abs(a) + np.abs(b), initial=0.0) for a, b in filter(None, pairs)), default=0.0
    )
    floor = max(_FLOOR_FRACTION * scale, _FLOOR)
    rows = []
    for x, name, (_, problem), pair in zip(variables, names, comparable, pairs):
        if pair is None:
            rows.append(GradientRow(name, x.shape, math.inf, math.inf, False, 0, problem))
            continue
        analytic, numeric = pair
        error = relative_error(analytic, numeric, floor=floor)
        largest = float(np.max(np.abs(analytic - numeric), initial=0.0))
        rows.append(GradientRow(name, x.shape, error, largest, error <= tolerance, len(analytic)))
    return GradientReport(tuple(rows), tolerance)


def _entries(size, max_entries, rng):
    """Flat indices to check: all of them, or ``max_entries`` random ones in increasing order."""
    if max_entries is None or size <= max_entries:
        return np.arange(size)
    return np.sort(rng.choice(size, size=max_entries, replace=False))


def _as_gradient(value, shape):
    """(``value`` as a float64 copy, "") or (None, what is wrong with it)."""
    if value is None:
        return None, "missing: the gradient is None"
    try:
        gradient = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"not an array of numbers: got {describe(value)}"
    if gradient.shape != shape:
        return None, f"wrong shape: expected {shape}, got {gradient.shape}"
    if not np.isfinite(gradient).all():
        return None, "not finite: the gradient contains NaN or inf"
    return gradient, ""
