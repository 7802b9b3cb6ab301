"""Optimizers: how a gradient becomes a step (notebook 05 trains with them; notebook 08 in depth).

Each optimizer is a small object with Keras 3's hyperparameter names, defaults and update rule:
``opt.step(params, grads)`` updates every array in ``params`` in place (the one place nnlab
modifies its arguments, as every framework does) and counts the step in ``opt.iterations``.
State such as momentum lives in the optimizer, one slot per parameter, in the order given; use
one optimizer per model.

``learning_rate`` is a number or a schedule: a callable ``schedule(step) -> learning_rate``
called with the number of steps taken so far (0 for the first), as Keras does.

Gradient clipping, as in Keras, is an option of every optimizer, applied to the gradients before
each step (at most one of the three): ``clipvalue=v`` clips each entry to [−v, v];
``clipnorm=c`` rescales each parameter's gradient g to norm at most c, g·c / max(‖g‖, c);
``global_clipnorm=c`` rescales all of them together so that their joint norm
√(Σ ‖gᵢ‖²) is at most c, keeping their directions relative to each other.
"""

import math

import numpy as np

from nnlab._validation import check_choice, check_scalar, check_size, describe

_RATE = {"low": 0, "low_inclusive": False}  # learning_rate > 0
_DECAY = {"low": 0, "high": 1, "high_inclusive": False}  # a moving-average factor in [0, 1)


def _check_learning_rate(learning_rate):
    if callable(learning_rate):
        return learning_rate
    return check_scalar(learning_rate, "learning_rate", **_RATE)


_CLIPPING = ("clipnorm", "clipvalue", "global_clipnorm")


class Optimizer:
    """The shared part: the learning rate (or schedule), clipping, the step counter, ``step``."""

    def __init__(self, learning_rate, clipnorm=None, clipvalue=None, global_clipnorm=None):
        self.learning_rate = _check_learning_rate(learning_rate)
        given = {
            name: value
            for name, value in zip(_CLIPPING, (clipnorm, clipvalue, global_clipnorm))
            if value is not None
        }
        if len(given) > 1:
            raise ValueError(
                "Only one of 'clipnorm', 'clipvalue' and 'global_clipnorm' can be set (as in "
                f"Keras); got {', '.join(f'{k}={v!r}' for k, v in given.items())}."
            )
        for name in _CLIPPING:
            value = given.get(name)
            setattr(self, name, None if value is None else check_scalar(value, name, **_RATE))
        self.iterations = 0
        self._slots = None  # one tuple of state arrays per parameter, made on the first step

    def clip(self, grads):
        """The gradients after this optimizer's clipping (new arrays; ``grads`` is unchanged).

        >>> SGD(global_clipnorm=1.0).clip([np.array([3.0]), np.array([4.0])])  # norm 5 → 1
        [array([0.6]), array([0.8])]
        """
        if self.clipvalue is not None:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            return [
                g * (self.clipnorm / max(float(np.linalg.norm(g)), self.clipnorm)) for g in grads
            ]
        if self.global_clipnorm is not None:
            norm = math.sqrt(sum(float(np.sum(np.square(g))) for g in grads))
            return [g * (self.global_clipnorm / max(norm, self.global_clipnorm)) for g in grads]
        return list(grads)

    @property
    def current_learning_rate(self):
        """The learning rate the next step uses (a schedule evaluated at ``iterations``)."""
        rate = self.learning_rate
        return float(rate(self.iterations)) if callable(rate) else rate

    def step(self, params, grads):
        """Update each array in ``params`` in place from its gradient in ``grads``: one step.

        Parameters
        ----------
        params : list of ndarray
            The model's parameters, e.g. ``mlp.params`` ([W1, b1, W2, b2, …]).
        grads : list of ndarray
            dL/d(param), aligned with ``params``, each shaped like its parameter.
        """
        check_size(len(grads), "grads", len(params), "arrays, one per entry of 'params'")
        if self._slots is None:
            self._slots = [self._new_slots(p) for p in params]
        check_size(len(params), "params", len(self._slots), "arrays, as in this optimizer's steps")
        for i, (p, g, slots) in enumerate(zip(params, grads, self._slots)):
            if np.shape(g) != p.shape or (slots and slots[0].shape != p.shape):
                raise ValueError(
                    f"'grads[{i}]' must have the shape of 'params[{i}]', {p.shape}; "
                    f"got {np.shape(g)}."
                )
        if self.clipnorm or self.clipvalue or self.global_clipnorm:
            grads = self.clip(grads)
        rate = self.current_learning_rate
        t = self.iterations + 1  # Keras' local_step: 1 on the first step
        for p, g, slots in zip(params, grads, self._slots):
            self._update(p, g, slots, rate, t)
        self.iterations = t

    def _new_slots(self, param):
        return ()

    def _update(self, p, g, slots, rate, t):
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent: w ← w − η·g; with momentum μ, m ← μ·m − η·g, w ← w + m.

    Nesterov momentum steps with the look-ahead w ← w + μ·m − η·g instead (m updated first).
    These are Keras 3's rules (``keras.optimizers.SGD``), with its defaults.

    Parameters
    ----------
    learning_rate : float > 0 or schedule, default 0.01
    momentum : float in [0, 1], default 0
    nesterov : bool, default False
    clipnorm, clipvalue, global_clipnorm : float > 0, optional
        Gradient clipping (the module docstring), at most one.

    >>> w = np.array([1.0, -2.0])
    >>> SGD(learning_rate=0.1).step([w], [np.array([0.5, 1.0])])
    >>> w                                   # w − 0.1·g
    array([ 0.95, -2.1 ])
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **clipping):
        super().__init__(learning_rate, **clipping)
        self.momentum = check_scalar(momentum, "momentum", low=0, high=1)
        if not isinstance(nesterov, (bool, np.bool_)):
            raise TypeError(f"'nesterov' must be True or False; got {describe(nesterov)}.")
        self.nesterov = bool(nesterov)

    def __repr__(self):
        return (
            f"SGD(learning_rate={self.learning_rate!r}, momentum={self.momentum!r}, "
            f"nesterov={self.nesterov!r})"
        )

    def _new_slots(self, param):
        return (np.zeros_like(param),) if self.momentum else ()

    def _update(self, p, g, slots, rate, t):
        if not self.momentum:
            p -= rate * g
            return
        (m,) = slots
        m *= self.momentum
        m -= rate * g  # m ← μ·m − η·g
        if self.nesterov:
            p += self.momentum * m - rate * g
        else:
            p += m


class Adam(Optimizer):
    """Adam: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w − α·m / (√v + ε).

    α = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ) folds both bias corrections into the step size, and ε sits
    outside the root, not bias-corrected: Keras 3's rule (``keras.optimizers.Adam``), so
    ε = 1e-7 acts on √v, not on the corrected v̂ of the paper (Kingma & Ba, 2015).

    Parameters
    ----------
    learning_rate : float > 0 or schedule, default 0.001
    beta_1, beta_2 : float in [0, 1), defaults 0.9 and 0.999
        Decay rates of the moving averages of g and g².
    epsilon : float > 0, default 1e-7
    clipnorm, clipvalue, global_clipnorm : float > 0, optional
        Gradient clipping (the module docstring), at most one.

    >>> w = np.array([1.0])
    >>> Adam(learning_rate=0.1).step([w], [np.array([3.0])])
    >>> w.round(6)                            # the first step is ≈ η·sign(g), whatever |g|
    array([0.9])
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **clipping):
        super().__init__(learning_rate, **clipping)
        self.beta_1 = check_scalar(beta_1, "beta_1", **_DECAY)
        self.beta_2 = check_scalar(beta_2, "beta_2", **_DECAY)
        self.epsilon = check_scalar(epsilon, "epsilon", **_RATE)

    def __repr__(self):
        return (
            f"Adam(learning_rate={self.learning_rate!r}, beta_1={self.beta_1!r}, "
            f"beta_2={self.beta_2!r}, epsilon={self.epsilon!r})"
        )

    def _new_slots(self, param):
        return np.zeros_like(param), np.zeros_like(param), np.empty_like(param)  # m, v, scratch

    def _update(self, p, g, slots, rate, t):
        m, v, scratch = slots  # scratch: working space, so a step allocates nothing
        alpha = rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        np.subtract(g, m, out=scratch)
        scratch *= 1 - self.beta_1
        m += scratch  # m ← m + (g − m)(1 − β₁): Keras' form of β₁m + (1 − β₁)g
        np.multiply(g, g, out=scratch)
        scratch -= v
        scratch *= 1 - self.beta_2
        v += scratch  # v ← v + (g² − v)(1 − β₂)
        np.sqrt(v, out=scratch)
        scratch += self.epsilon
        np.divide(m, scratch, out=scratch)
        scratch *= alpha
        p -= scratch  # w ← w − α·m / (√v + ε)


OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def get_optimizer(optimizer):
    """An optimizer object as it is, or a new one with Keras' defaults from its name ("adam")."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str):
        return OPTIMIZERS[check_choice(optimizer.lower(), "optimizer", OPTIMIZERS)]()
    raise TypeError(
        f"'optimizer' must be a name ({', '.join(OPTIMIZERS)}) or an optimizer such as "
        f"SGD(learning_rate=0.1); got {describe(optimizer)}."
    )
