"""What ``MLP.fit`` calls while it trains (notebook 05; notebooks 08–09 add their own callbacks).

The protocol is Keras': a callback is told when training, each epoch and each batch begins
and ends, with ``logs`` (a dict such as ``{"loss": 0.31, "accuracy": 0.9}``), and can stop
training by setting ``model.stop_training = True``. Subclass :class:`Callback` and override
the methods you need::

    class PrintEveryTen(Callback):
        def on_epoch_end(self, epoch, logs):
            if epoch % 10 == 0:
                print(epoch, logs["loss"])

``fit`` always adds a :class:`History` (returned to you) and, when ``verbose``, a
:class:`ProgressLogger`. :class:`EarlyStopping` and :class:`ReduceLROnPlateau` watch a logged
quantity (``val_loss`` by default) and act when it stops improving, as in Keras 3.
"""

import warnings

from nnlab._validation import check_choice, check_scalar, describe
from nnlab.losses import LOSSES


class Callback:
    """Does nothing at every point; subclasses override the ones they need."""

    model = None

    def set_model(self, model):
        self.model = model

    def on_train_begin(self, logs):
        pass

    def on_epoch_begin(self, epoch, logs):
        pass

    def on_train_batch_end(self, batch, logs):
        pass

    def on_epoch_end(self, epoch, logs):
        pass

    def on_train_end(self, logs):
        pass


class History(Callback):
    """Records each epoch's logs: ``history.history["loss"]`` is the list of epoch losses.

    Attributes
    ----------
    history : dict of str → list of float
        One list per logged quantity ("loss", "accuracy", "val_loss", …), one entry per epoch.
    epoch : list of int
        The epochs trained (0-based), as Keras counts them.
    stop_reason : str or None
        Why training ended early (e.g. the loss became NaN), or None if it ran every epoch.
    """

    def __init__(self):
        self.history, self.epoch, self.stop_reason = {}, [], None

    def on_epoch_end(self, epoch, logs):
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self):
        last = ", ".join(f"{key}={values[-1]:.4g}" for key, values in self.history.items())
        return f"History({len(self.epoch)} epochs{': ' if last else ''}{last})"


class ProgressLogger(Callback):
    """Prints one line for each of ``lines`` evenly spaced epochs (always the first and last).

    The lines hold only numbers that repeat exactly on every run (no timings), so they can
    stay in a notebook's committed output::

        epoch   1/50  loss 0.6931  accuracy 0.500
        epoch  50/50  loss 0.0123  accuracy 1.000

    ``lines=None`` prints every epoch.
    """

    def __init__(self, epochs, lines=10):
        self.epochs = epochs
        self.every = 1 if lines is None else max(1, -(-epochs // lines))  # ceil(epochs / lines)

    def on_epoch_end(self, epoch, logs):
        done = epoch + 1
        if done == 1 or done == self.epochs or done % self.every == 0:
            print(self.line(done, logs))

    def line(self, done, logs):
        width = len(str(self.epochs))
        values = "  ".join(f"{key} {_format(key, value)}" for key, value in logs.items())
        return f"epoch {done:>{width}}/{self.epochs}  {values}"


def _format(key, value):
    """Accuracies with 3 decimals, losses with 4 (in scientific notation when large)."""
    if key.endswith("accuracy"):
        return f"{value:.3f}"
    return f"{value:.4f}" if abs(value) < 1e4 else f"{value:.3e}"


class _Monitor(Callback):
    """What EarlyStopping and ReduceLROnPlateau share: which logged quantity they watch and
    when a value of it counts as an improvement (Keras 3's ``MonitorCallback``).

    A value improves on the best so far when it is better by more than ``min_delta``:
    value < best − min_delta in "min" mode, value > best + min_delta in "max" mode. "auto"
    means "max" for accuracies and "min" for losses.
    """

    def __init__(self, monitor, mode, min_delta):
        if not isinstance(monitor, str):
            raise TypeError(f"'monitor' must be a logged quantity's name; got {describe(monitor)}.")
        self.monitor = monitor
        self.mode = check_choice(mode, "mode", ("auto", "min", "max"))
        self.min_delta = check_scalar(min_delta, "min_delta", low=0)
        if mode == "auto":
            name = monitor.removeprefix("val_")
            if name.endswith("accuracy"):
                mode = "max"
            elif name == "loss" or name in LOSSES:
                mode = "min"
            else:
                raise ValueError(
                    f"'mode' must be 'min' or 'max' for monitor={monitor!r}: 'auto' knows only "
                    "losses (minimised) and accuracies (maximised)."
                )
        self._minimise = mode == "min"
        self.best = None

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        if self._minimise:  # written as Keras writes it, so ties round the same way
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def _monitored(self, logs):
        """The monitored value in ``logs``, or None (with a warning, as in Keras) if absent."""
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(
                f"{type(self).__name__} monitors {self.monitor!r}, which is not in the logs; "
                f"available: {', '.join(logs or {}) or 'none'}. (Pass validation_data to fit "
                "for the val_ quantities.)",
                stacklevel=3,
            )
        return value


class EarlyStopping(_Monitor):
    """Stop ``fit`` once ``monitor`` has not improved for ``patience`` epochs (Keras 3's rules).

    Each epoch (from ``start_from_epoch`` on) adds one to ``wait``; an improvement on the best
    value so far (see :class:`_Monitor`) records it and resets ``wait`` to 0 — only if it also
    improves on ``baseline``, when one is given. An epoch without improvement, after the first,
    stops training when ``wait ≥ patience``.

    Parameters
    ----------
    monitor : str, default "val_loss"
    min_delta : float ≥ 0, default 0
    patience : int ≥ 0, default 0
    mode : "auto", "min" or "max", default "auto"
    baseline : float, optional
        Training stops after ``patience`` epochs unless the value beats it by then.
    restore_best_weights : bool, default False
        At the end of training — stopped early or not, as in Keras 3 — put back the weights
        of the best epoch (``model.set_weights``).
    start_from_epoch : int ≥ 0, default 0
        Epochs to train before watching (a warm-up).

    Attributes
    ----------
    stopped_epoch : int
        The (0-based) epoch after which training stopped; 0 if it did not stop.
    best, best_epoch, wait : the best value, its epoch and the epochs since it
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta)
        self.patience = check_scalar(patience, "patience", low=0, integer=True)
        self.baseline = None if baseline is None else check_scalar(baseline, "baseline")
        if not isinstance(restore_best_weights, bool):
            raise TypeError(
                "'restore_best_weights' must be True or False; "
                f"got {describe(restore_best_weights)}."
            )
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = check_scalar(
            start_from_epoch, "start_from_epoch", low=0, integer=True
        )
        self.on_train_begin({})

    def __repr__(self):
        return (
            f"EarlyStopping(monitor={self.monitor!r}, min_delta={self.min_delta!r}, "
            f"patience={self.patience!r}, mode={self.mode!r}, baseline={self.baseline!r}, "
            f"restore_best_weights={self.restore_best_weights!r}, "
            f"start_from_epoch={self.start_from_epoch!r})"
        )

    def on_train_begin(self, logs):
        # Reset, so one instance can serve several calls to fit (as in Keras).
        self.wait, self.stopped_epoch, self.best, self.best_epoch = 0, 0, None, 0
        self.best_weights = None

    def on_epoch_end(self, epoch, logs):
        value = self._monitored(logs)
        if value is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._is_improvement(value, self.best):
            self.best, self.best_epoch = value, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(value, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)


class ReduceLROnPlateau(_Monitor):
    """η ← max(η · factor, min_lr) once ``monitor`` has not improved for ``patience`` epochs.

    Keras 3's rules: an improvement resets ``wait``; otherwise ``wait`` grows by one and, at
    ``patience``, the optimizer's ``learning_rate`` is reduced (if still above ``min_lr``), after
    which ``wait`` restarts and ``cooldown`` epochs pass during which ``wait`` stays at 0.

    Parameters
    ----------
    monitor : str, default "val_loss"
    factor : float in (0, 1), default 0.1
    patience : int ≥ 0, default 10
    mode : "auto", "min" or "max", default "auto"
    min_delta : float ≥ 0, default 1e-4
    cooldown : int ≥ 0, default 0
    min_lr : float ≥ 0, default 0

    Each epoch's learning rate (before a reduction at its end) goes into the logs as
    "learning_rate", so ``history.history["learning_rate"]`` shows the schedule it made, as in
    Keras.

    The optimizer's ``learning_rate`` must be a number: a schedule already decides η at
    every step, so ``fit`` raises a TypeError rather than let the two fight (Keras too
    refuses to overwrite a schedule).
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
    ):
        super().__init__(monitor, mode, min_delta)
        self.factor = check_scalar(
            factor, "factor", low=0, high=1, low_inclusive=False, high_inclusive=False
        )
        self.patience = check_scalar(patience, "patience", low=0, integer=True)
        self.cooldown = check_scalar(cooldown, "cooldown", low=0, integer=True)
        self.min_lr = check_scalar(min_lr, "min_lr", low=0)
        self.on_train_begin({})

    def __repr__(self):
        return (
            f"ReduceLROnPlateau(monitor={self.monitor!r}, factor={self.factor!r}, "
            f"patience={self.patience!r}, mode={self.mode!r}, min_delta={self.min_delta!r}, "
            f"cooldown={self.cooldown!r}, min_lr={self.min_lr!r})"
        )

    def on_train_begin(self, logs):
        self.best, self.wait, self.cooldown_counter = None, 0, 0

    def on_epoch_begin(self, epoch, logs):
        rate = self.model.optimizer.learning_rate
        if callable(rate):
            raise TypeError(
                f"ReduceLROnPlateau changes the optimizer's learning_rate, but it is a schedule, "
                f"{rate!r}. Use a number as the learning_rate, or the schedule alone."
            )

    def on_epoch_end(self, epoch, logs):
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)  # as Keras logs it
        value = self._monitored(logs)
        if value is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(value, self.best):
            self.best, self.wait = value, 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience and self._reduce(self.model.optimizer):
                self.cooldown_counter, self.wait = self.cooldown, 0

    def _reduce(self, optimizer):
        """Multiply the learning rate by ``factor`` (not below ``min_lr``); False if at min_lr."""
        if optimizer.learning_rate <= self.min_lr:
            return False
        optimizer.learning_rate = max(optimizer.learning_rate * self.factor, self.min_lr)
        return True
