"""Learning-rate schedules: η as a function of the step (notebook 08; any optimizer accepts one).

A schedule is a small callable object, ``schedule(step) -> learning_rate``, where ``step`` is
the number of optimizer steps taken so far (0 for the first), as in Keras. Pass one as an
optimizer's ``learning_rate``; the optimizer calls it at ``optimizer.iterations`` before
every step::

    SGD(learning_rate=ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5))

``ExponentialDecay``, ``InverseTimeDecay``, ``PiecewiseConstantDecay`` and ``CosineDecay`` have
Keras 3's names, defaults and formulas (``keras.optimizers.schedules``); ``StepDecay`` and
``OneCycle`` have no Keras twin. ``SCHEDULES`` maps each name to its class, for menus.
"""

import bisect
import itertools
import math

from nnlab._validation import check_scalar, describe

_RATE = {"low": 0}  # a learning rate ≥ 0 (a warm-up may start at 0)
_POSITIVE = {"low": 0, "low_inclusive": False}


class Schedule:
    """The shared part: ``__call__`` gives η at a step; the repr lists the hyperparameters."""

    _params = ()  # the hyperparameters' names, in the order of __init__, for the repr

    def __call__(self, step):
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._params)
        return f"{type(self).__name__}({args})"


class _Decay(Schedule):
    """The hyperparameters ExponentialDecay and InverseTimeDecay share (checked once, here)."""

    _params = ("initial_learning_rate", "decay_steps", "decay_rate", "staircase")

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        self.initial_learning_rate = check_scalar(
            initial_learning_rate, "initial_learning_rate", **_RATE
        )
        self.decay_steps = check_scalar(decay_steps, "decay_steps", **_POSITIVE)
        self.decay_rate = check_scalar(decay_rate, "decay_rate", low=0)
        self.staircase = _flag(staircase, "staircase")

    def _progress(self, step):
        """step / decay_steps, floored when ``staircase``."""
        p = step / self.decay_steps
        return math.floor(p) if self.staircase else p


class ExponentialDecay(_Decay):
    """η(step) = η₀ · decay_rate^(step / decay_steps); with ``staircase``, the exponent is floored.

    Parameters
    ----------
    initial_learning_rate : float ≥ 0
        η₀, the learning rate at step 0.
    decay_steps : float > 0
        Steps over which η is multiplied by ``decay_rate`` once.
    decay_rate : float ≥ 0
    staircase : bool, default False
        Decay in jumps every ``decay_steps`` steps instead of smoothly.

    >>> schedule = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> schedule(0), schedule(10), schedule(20)        # halves every 10 steps
    (0.1, 0.05, 0.025)
    >>> ExponentialDecay(0.1, 10, 0.5, staircase=True)(19)   # floor(19/10) = 1
    0.05
    """

    def __call__(self, step):
        return self.initial_learning_rate * self.decay_rate ** self._progress(step)


class InverseTimeDecay(_Decay):
    """η(step) = η₀ / (1 + decay_rate · step / decay_steps); with ``staircase``, the ratio floored.

    Parameters are those of :class:`ExponentialDecay`.

    >>> schedule = InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0)
    >>> schedule(0), schedule(10), schedule(30)        # 0.1/1, 0.1/2, 0.1/4
    (0.1, 0.05, 0.025)
    """

    def __call__(self, step):
        return self.initial_learning_rate / (1 + self.decay_rate * self._progress(step))


class PiecewiseConstantDecay(Schedule):
    """η(step) = values[i] for boundaries[i−1] < step ≤ boundaries[i] (values[0] up to the first).

    Parameters
    ----------
    boundaries : list of numbers, strictly increasing
    values : list of floats ≥ 0, one more than ``boundaries``

    >>> schedule = PiecewiseConstantDecay([10, 20], [0.1, 0.05, 0.01])
    >>> schedule(10), schedule(11), schedule(20), schedule(21)   # a boundary belongs to the left
    (0.1, 0.05, 0.05, 0.01)
    """

    _params = ("boundaries", "values")

    def __init__(self, boundaries, values):
        boundaries = [check_scalar(b, "boundaries") for b in _as_list(boundaries, "boundaries")]
        values = [check_scalar(v, "values", **_RATE) for v in _as_list(values, "values")]
        if any(b >= c for b, c in itertools.pairwise(boundaries)):
            raise ValueError(f"'boundaries' must be increasing; got {_numbers(boundaries)}.")
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                f"'values' must have one more entry than 'boundaries' ({len(boundaries) + 1}); "
                f"got {len(values)}: {_numbers(values)}."
            )
        self.boundaries, self.values = boundaries, values

    def __call__(self, step):
        return self.values[bisect.bisect_left(self.boundaries, step)]  # first i: step ≤ b[i]


class CosineDecay(Schedule):
    """η(step) = η₀ · ((1 − α) · ½(1 + cos(π · min(step, decay_steps) / decay_steps)) + α).

    With ``warmup_target``, η first rises linearly from η₀ to ``warmup_target`` over
    ``warmup_steps`` steps, then decays as above from ``warmup_target`` (step counted from the
    end of the warm-up). Without it, ``warmup_steps`` is ignored, as in Keras.

    Parameters
    ----------
    initial_learning_rate : float ≥ 0
    decay_steps : float > 0
    alpha : float in [0, 1], default 0
        The final learning rate, as a fraction of the one the decay starts from.
    warmup_target : float ≥ 0, optional
    warmup_steps : int ≥ 0, default 0

    Notes
    -----
    Loshchilov & Hutter (2017), SGDR; linear warm-up: Goyal et al. (2017).

    >>> schedule = CosineDecay(0.1, decay_steps=10)
    >>> schedule(0), schedule(5), schedule(10), schedule(99)   # ½(1 + cos(π/2)) = 0.5 at step 5
    (0.1, 0.05, 0.0, 0.0)
    >>> CosineDecay(0.0, 10, warmup_target=0.1, warmup_steps=5)(3)   # 0.1 · 3/5
    0.06
    """

    _params = ("initial_learning_rate", "decay_steps", "alpha", "warmup_target", "warmup_steps")

    def __init__(
        self, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0
    ):
        self.initial_learning_rate = check_scalar(
            initial_learning_rate, "initial_learning_rate", **_RATE
        )
        self.decay_steps = check_scalar(decay_steps, "decay_steps", **_POSITIVE)
        self.alpha = check_scalar(alpha, "alpha", low=0, high=1)
        self.warmup_target = (
            None if warmup_target is None else check_scalar(warmup_target, "warmup_target", **_RATE)
        )
        self.warmup_steps = check_scalar(warmup_steps, "warmup_steps", low=0, integer=True)

    def __call__(self, step):
        if self.warmup_target is None:
            return _cosine(step, self.decay_steps, self.initial_learning_rate, self.alpha)
        if step < self.warmup_steps:
            fraction = step / self.warmup_steps
            return (
                self.initial_learning_rate
                + (self.warmup_target - self.initial_learning_rate) * fraction
            )
        return _cosine(step - self.warmup_steps, self.decay_steps, self.warmup_target, self.alpha)


class StepDecay(Schedule):
    """η(step) = η₀ · drop^floor(step / every): multiply by ``drop`` every ``every`` steps.

    Parameters
    ----------
    initial_learning_rate : float ≥ 0
    drop : float in (0, 1]
    every : int ≥ 1

    >>> schedule = StepDecay(0.1, drop=0.5, every=10)
    >>> schedule(9), schedule(10), schedule(25)        # 0.1, 0.1·0.5, 0.1·0.5²
    (0.1, 0.05, 0.025)
    """

    _params = ("initial_learning_rate", "drop", "every")

    def __init__(self, initial_learning_rate, drop, every):
        self.initial_learning_rate = check_scalar(
            initial_learning_rate, "initial_learning_rate", **_RATE
        )
        self.drop = check_scalar(drop, "drop", low=0, high=1, low_inclusive=False)
        self.every = check_scalar(every, "every", low=1, integer=True)

    def __call__(self, step):
        return self.initial_learning_rate * self.drop ** math.floor(step / self.every)


class OneCycle(Schedule):
    """η rises linearly from η_max/div_factor to η_max, then falls along a cosine to η_final.

    With w = the warm-up steps (``warmup_fraction · total_steps``, rounded) and
    η_final = η_max / (div_factor · final_div_factor)::

        η(step) = η_start + (η_max − η_start) · step / w                       for step < w
        η(step) = η_final + (η_max − η_final) · ½(1 + cos(π · min(step − w, T − w) / (T − w)))

    Parameters
    ----------
    max_learning_rate : float > 0
        η_max, reached at the end of the warm-up.
    total_steps : int ≥ 2
        T, the length of the cycle (epochs × batches per epoch); after it η stays at η_final.
    warmup_fraction : float in (0, 1), default 0.3
    div_factor : float ≥ 1, default 25
        η_start = η_max / div_factor.
    final_div_factor : float ≥ 1, default 1e4
        η_final = η_start / final_div_factor.

    Notes
    -----
    Smith & Topin (2019), "Super-convergence"; the defaults are PyTorch's ``OneCycleLR``
    (``pct_start``, ``div_factor``, ``final_div_factor``). PyTorch and fast.ai warm up along a
    cosine too; this schedule warms up linearly, as in Smith's paper.

    >>> schedule = OneCycle(1.0, total_steps=10, warmup_fraction=0.2, div_factor=10,
    ...                     final_div_factor=100)
    >>> schedule(0), schedule(1), schedule(2)          # 0.1 → 1 linearly over w = 2 steps
    (0.1, 0.55, 1.0)
    >>> schedule(6), schedule(10)                      # 0.001 + 0.999·½ halfway down; η_final
    (0.5005, 0.001)
    """

    _params = (
        "max_learning_rate",
        "total_steps",
        "warmup_fraction",
        "div_factor",
        "final_div_factor",
    )

    def __init__(
        self,
        max_learning_rate,
        total_steps,
        warmup_fraction=0.3,
        div_factor=25.0,
        final_div_factor=1e4,
    ):
        self.max_learning_rate = check_scalar(max_learning_rate, "max_learning_rate", **_POSITIVE)
        self.total_steps = check_scalar(total_steps, "total_steps", low=2, integer=True)
        self.warmup_fraction = check_scalar(
            warmup_fraction, "warmup_fraction", low=0, high=1, low_inclusive=False,
            high_inclusive=False,
        )  # fmt: skip
        self.div_factor = check_scalar(div_factor, "div_factor", low=1)
        self.final_div_factor = check_scalar(final_div_factor, "final_div_factor", low=1)
        # at least one step of warm-up and one of decay
        self.warmup_steps = min(max(round(warmup_fraction * total_steps), 1), total_steps - 1)

    def __call__(self, step):
        start = self.max_learning_rate / self.div_factor
        if step < self.warmup_steps:
            return start + (self.max_learning_rate - start) * step / self.warmup_steps
        final = start / self.final_div_factor
        decay_steps = self.total_steps - self.warmup_steps
        fraction = min(step - self.warmup_steps, decay_steps) / decay_steps
        return final + (self.max_learning_rate - final) * 0.5 * (1 + math.cos(math.pi * fraction))


SCHEDULES = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        InverseTimeDecay,
        PiecewiseConstantDecay,
        CosineDecay,
        StepDecay,
        OneCycle,
    )
}


def _cosine(step, decay_steps, from_rate, alpha):
    """from_rate · ((1 − α) · ½(1 + cos(π · min(step, decay_steps) / decay_steps)) + α)."""
    fraction = min(step, decay_steps) / decay_steps
    return from_rate * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha)


def _flag(value, name):
    if not isinstance(value, bool):
        raise TypeError(f"'{name}' must be True or False; got {describe(value)}.")
    return value


def _as_list(value, name):
    try:
        return list(value)
    except TypeError:
        raise TypeError(f"'{name}' must be a list of numbers; got {describe(value)}.") from None


def _numbers(values):
    """[10.0, 5.0] → '[10, 5]': how a list reads in a message."""
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"
