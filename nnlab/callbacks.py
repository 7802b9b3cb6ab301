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
:class:`ProgressLogger`.
"""


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
