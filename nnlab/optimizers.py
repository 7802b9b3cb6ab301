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

from nnlab._validation import as_float_array, check_choice, check_scalar, check_size, describe

_RATE = {"low": 0, "low_inclusive": False}  # learning_rate > 0
_DECAY = {"low": 0, "high": 1, "high_inclusive": False}  # a moving-average factor in [0, 1)


def _check_learning_rate(learning_rate):
    if callable(learning_rate):
        return learning_rate
    return check_scalar(learning_rate, "learning_rate", **_RATE)


def _check_bool(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"'{name}' must be True or False; got {describe(value)}.")
    return bool(value)


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

    _config = ("learning_rate",)  # the hyperparameters __repr__ shows, in signature order

    def __repr__(self):
        settings = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._config)
        return f"{type(self).__name__}({settings})"

    def clip(self, grads):
        """The gradients after this optimizer's clipping (new arrays; ``grads`` is unchanged).

        >>> SGD(global_clipnorm=1.0).clip([np.array([3.0]), np.array([4.0])])  # norm 5 → 1
        [array([0.6]), array([0.8])]
        """
        grads = [as_float_array(g, f"grads[{i}]", dtype=None) for i, g in enumerate(grads)]
        return self._clip(grads)

    def _clip(self, grads):
        """:meth:`clip` on arrays already checked (``step``'s hot path)."""
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
            grads = self._clip(grads)
        rate = self.current_learning_rate
        t = self.iterations + 1  # Keras' local_step: 1 on the first step
        self._start_step(t)
        for p, g, slots in zip(params, grads, self._slots):
            self._update(p, g, slots, rate, t)
        self.iterations = t

    def _new_slots(self, param):
        return ()

    def _start_step(self, t):
        """State shared by all parameters, updated once per step before them (Nadam's)."""

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
        self.nesterov = _check_bool(nesterov, "nesterov")

    _config = ("learning_rate", "momentum", "nesterov")

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


class Adagrad(Optimizer):
    """Adagrad: a ← a + g², w ← w − η·g / √(a + ε).

    Each entry's step shrinks with the sum of its squared gradients so far, so rarely updated
    weights keep larger steps (Duchi, Hazan & Singer, 2011). Keras 3's rule
    (``keras.optimizers.Adagrad``): a starts at ``initial_accumulator_value``, ε inside the root.

    Parameters
    ----------
    learning_rate : float > 0 or schedule, default 0.001
    initial_accumulator_value : float ≥ 0, default 0.1
    epsilon : float > 0, default 1e-7
    clipnorm, clipvalue, global_clipnorm : float > 0, optional
        Gradient clipping (the module docstring), at most one.

    >>> w = np.array([1.0])
    >>> Adagrad(learning_rate=0.1, initial_accumulator_value=0.0).step([w], [np.array([3.0])])
    >>> w.round(6)                            # a = 3² = 9: w − 0.1·3/√9
    array([0.9])
    """

    _config = ("learning_rate", "initial_accumulator_value", "epsilon")

    def __init__(
        self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **clipping
    ):
        super().__init__(learning_rate, **clipping)
        self.initial_accumulator_value = check_scalar(
            initial_accumulator_value, "initial_accumulator_value", low=0
        )
        self.epsilon = check_scalar(epsilon, "epsilon", **_RATE)

    def _new_slots(self, param):
        return np.full_like(param, self.initial_accumulator_value), np.empty_like(param)

    def _update(self, p, g, slots, rate, t):
        a, scratch = slots  # a: the sum of squared gradients; scratch: working space
        np.multiply(g, g, out=scratch)
        a += scratch  # a ← a + g²
        np.add(a, self.epsilon, out=scratch)
        np.sqrt(scratch, out=scratch)
        np.divide(g, scratch, out=scratch)
        scratch *= rate
        p -= scratch  # w ← w − η·g / √(a + ε)


class RMSprop(Optimizer):
    """RMSprop: v ← ρv + (1 − ρ)g², w ← w − η·g / √(v + ε).

    A moving average of g² replaces Adagrad's ever-growing sum (Hinton, lecture 6e, 2012).
    ``centered=True`` divides by a variance estimate instead: ḡ ← ρḡ + (1 − ρ)g and √(v − ḡ² + ε).
    ``momentum`` μ > 0 accumulates the increments: m ← μm + η·g / √(…), w ← w − m.
    These are Keras 3's rules (``keras.optimizers.RMSprop``), with ε inside the root.

    Parameters
    ----------
    learning_rate : float > 0 or schedule, default 0.001
    rho : float in [0, 1), default 0.9
        Decay rate of the moving averages.
    momentum : float in [0, 1], default 0
    epsilon : float > 0, default 1e-7
    centered : bool, default False
    clipnorm, clipvalue, global_clipnorm : float > 0, optional
        Gradient clipping (the module docstring), at most one.

    >>> w = np.array([1.0])
    >>> RMSprop(learning_rate=0.1, rho=0.75).step([w], [np.array([2.0])])
    >>> w.round(6)                            # v = 0.25·2² = 1: w − 0.1·2/√1
    array([0.8])
    """

    _config = ("learning_rate", "rho", "momentum", "epsilon", "centered")

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
        **clipping,
    ):
        super().__init__(learning_rate, **clipping)
        self.rho = check_scalar(rho, "rho", **_DECAY)
        self.momentum = check_scalar(momentum, "momentum", low=0, high=1)
        self.epsilon = check_scalar(epsilon, "epsilon", **_RATE)
        self.centered = _check_bool(centered, "centered")

    def _new_slots(self, param):
        m = np.zeros_like(param) if self.momentum else None
        g_mean = np.zeros_like(param) if self.centered else None
        return np.zeros_like(param), np.empty_like(param), m, g_mean  # v, scratch, m, ḡ

    def _update(self, p, g, slots, rate, t):
        v, scratch, m, g_mean = slots
        rho = self.rho
        np.multiply(g, g, out=scratch)
        scratch *= 1 - rho
        v *= rho
        v += scratch  # v ← ρv + (1 − ρ)g²
        if self.centered:
            np.multiply(g, 1 - rho, out=scratch)
            g_mean *= rho
            g_mean += scratch  # ḡ ← ρḡ + (1 − ρ)g
            np.multiply(g_mean, g_mean, out=scratch)
            np.subtract(v, scratch, out=scratch)
            scratch += self.epsilon  # v − ḡ² + ε
        else:
            np.add(v, self.epsilon, out=scratch)  # v + ε
        np.sqrt(scratch, out=scratch)
        np.divide(g, scratch, out=scratch)
        scratch *= rate  # the increment η·g / √(…)
        if self.momentum:
            m *= self.momentum
            m += scratch  # m ← μm + increment
            p -= m
        else:
            p -= scratch


def _update_moments(m, v, g, scratch, beta_1, beta_2):
    """Adam's and Nadam's moving averages of g and g², in place (``scratch``: working space)."""
    np.subtract(g, m, out=scratch)
    scratch *= 1 - beta_1
    m += scratch  # m ← m + (g − m)(1 − β₁): Keras' form of β₁m + (1 − β₁)g
    np.multiply(g, g, out=scratch)
    scratch -= v
    scratch *= 1 - beta_2
    v += scratch  # v ← v + (g² − v)(1 − β₂)


class Adam(Optimizer):
    """Adam: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w − α·m / (√v + ε).

    α = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ) folds both bias corrections into the step size, and ε sits
    outside the root, not bias-corrected: Keras 3's rule (``keras.optimizers.Adam``), so
    ε = 1e-7 acts on √v, not on the corrected v̂ of the paper (Kingma & Ba, 2015).
    ``amsgrad=True`` divides by the largest v so far instead, v̂ ← max(v̂, v) (Reddi et al., 2018).

    Parameters
    ----------
    learning_rate : float > 0 or schedule, default 0.001
    beta_1, beta_2 : float in [0, 1), defaults 0.9 and 0.999
        Decay rates of the moving averages of g and g².
    epsilon : float > 0, default 1e-7
    amsgrad : bool, default False
    clipnorm, clipvalue, global_clipnorm : float > 0, optional
        Gradient clipping (the module docstring), at most one.

    >>> w = np.array([1.0])
    >>> Adam(learning_rate=0.1).step([w], [np.array([3.0])])
    >>> w.round(6)                            # the first step is ≈ η·sign(g), whatever |g|
    array([0.9])
    """

    _config = ("learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        **clipping,
    ):
        super().__init__(learning_rate, **clipping)
        self.beta_1 = check_scalar(beta_1, "beta_1", **_DECAY)
        self.beta_2 = check_scalar(beta_2, "beta_2", **_DECAY)
        self.epsilon = check_scalar(epsilon, "epsilon", **_RATE)
        self.amsgrad = _check_bool(amsgrad, "amsgrad")

    def _new_slots(self, param):
        v_max = np.zeros_like(param) if self.amsgrad else None
        return np.zeros_like(param), np.zeros_like(param), np.empty_like(param), v_max

    def _update(self, p, g, slots, rate, t):
        m, v, scratch, v_max = slots  # scratch: working space, so a step allocates nothing
        alpha = rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        _update_moments(m, v, g, scratch, self.beta_1, self.beta_2)
        if self.amsgrad:
            np.maximum(v_max, v, out=v_max)  # v̂ ← max(v̂, v)
            v = v_max
        np.sqrt(v, out=scratch)
        scratch += self.epsilon
        np.divide(m, scratch, out=scratch)
        scratch *= alpha
        p -= scratch  # w ← w − α·m / (√v + ε)


class AdamW(Adam):
    """AdamW: w ← w − η·λ·w, then Adam's step (decoupled weight decay λ).

    Decaying the weights directly, rather than adding λw to the gradient, keeps the decay out
    of Adam's moving averages, so √v does not rescale it (Loshchilov & Hutter, 2019). As in
    Keras 3 (``keras.optimizers.AdamW``) the decay comes after clipping and before the Adam
    step, and scales with the step's learning rate η (a schedule's current value).

    Parameters
    ----------
    learning_rate : float > 0 or schedule, default 0.001
    weight_decay : float ≥ 0, default 0.004
    beta_1, beta_2, epsilon, amsgrad
        As in ``Adam``.
    clipnorm, clipvalue, global_clipnorm : float > 0, optional
        Gradient clipping (the module docstring), at most one.

    >>> w = np.array([1.0])
    >>> AdamW(learning_rate=0.1, weight_decay=0.5).step([w], [np.array([3.0])])
    >>> w.round(6)                            # 1 − 0.1·0.5·1 = 0.95, then Adam's ≈ −0.1
    array([0.85])
    """

    _config = ("learning_rate", "weight_decay", "beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        **clipping,
    ):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, **clipping)
        self.weight_decay = check_scalar(weight_decay, "weight_decay", low=0)

    def _update(self, p, g, slots, rate, t):
        scratch = slots[2]
        np.multiply(p, self.weight_decay * rate, out=scratch)
        p -= scratch  # w ← w − η·λ·w
        super()._update(p, g, slots, rate, t)


class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum, w ← w − η·m̂ / (√v̂ + ε).

    m ← β₁m + (1 − β₁)g and v ← β₂v + (1 − β₂)g² as in Adam; v̂ = v / (1 − β₂ᵗ), and m̂ looks
    one momentum step ahead, m̂ = μₜ₊₁·m / (1 − Πₜ₊₁) + (1 − μₜ)·g / (1 − Πₜ), with the momentum
    schedule μₜ = β₁(1 − ½·0.96ᵗ) and its running product Πₜ = μ₁μ₂⋯μₜ (Dozat, 2016).
    Keras 3's rule (``keras.optimizers.Nadam``): Πₜ is one number the optimizer keeps, shared by
    all parameters and updated once per step; ε sits outside the root. (Keras rounds the 0.96
    to float32 in μₜ but not in Πₜ; nnlab keeps it exact: ~1e-8 relative per step.)

    Parameters
    ----------
    learning_rate : float > 0 or schedule, default 0.001
    beta_1, beta_2 : float in [0, 1), defaults 0.9 and 0.999
    epsilon : float > 0, default 1e-7
    clipnorm, clipvalue, global_clipnorm : float > 0, optional
        Gradient clipping (the module docstring), at most one.

    >>> w = np.array([1.0])
    >>> Nadam(learning_rate=0.1).step([w], [np.array([3.0])])
    >>> w.round(6)                            # m̂ = 0.188 + 3, v̂ = 9: w − 0.1·3.188/3
    array([0.893721])
    """

    _config = ("learning_rate", "beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **clipping):
        super().__init__(learning_rate, **clipping)
        self.beta_1 = check_scalar(beta_1, "beta_1", **_DECAY)
        self.beta_2 = check_scalar(beta_2, "beta_2", **_DECAY)
        self.epsilon = check_scalar(epsilon, "epsilon", **_RATE)
        self._u_product = 1.0  # Πₜ, the product of the momentum schedule so far

    def _momentum_at(self, t):
        return self.beta_1 * (1 - 0.5 * 0.96**t)  # μₜ

    def _start_step(self, t):
        self._u_product *= self._momentum_at(t)  # Πₜ = Πₜ₋₁·μₜ

    def _new_slots(self, param):
        return np.zeros_like(param), np.zeros_like(param), np.empty_like(param)  # m, v, scratch

    def _update(self, p, g, slots, rate, t):
        m, v, scratch = slots
        mu, mu_next = self._momentum_at(t), self._momentum_at(t + 1)
        product, product_next = self._u_product, self._u_product * mu_next
        _update_moments(m, v, g, scratch, self.beta_1, self.beta_2)
        m_hat = m * (mu_next / (1 - product_next)) + g * ((1 - mu) / (1 - product))
        np.divide(v, 1 - self.beta_2**t, out=scratch)  # v̂
        np.sqrt(scratch, out=scratch)
        scratch += self.epsilon
        m_hat /= scratch
        m_hat *= rate
        p -= m_hat  # w ← w − η·m̂ / (√v̂ + ε)


OPTIMIZERS = {
    "sgd": SGD,
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adam": Adam,
    "adamw": AdamW,
    "nadam": Nadam,
}


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
