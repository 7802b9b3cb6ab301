"""Interactive widgets, one module per notebook; each ``make_*()`` returns a widget to display.

Widgets are thin: controls, one ``update(**values)`` that calls the core maths and redraws in
place, and a short text form (what nbval compares and what GitHub shows without a kernel).
The shared base is ``nnlab.widgets._base``.

``WIDGETS`` maps each widget's name to its factory; the widget tests, the widget benchmark and
the browser test read it, so a widget registered here is tested and timed at once::

    from nnlab.widgets import WIDGETS, make_neuron_playground

Imported lazily: ``import nnlab.widgets`` loads neither ipywidgets nor matplotlib; asking for a
factory, ``WIDGETS`` or a widget module does.
"""

import importlib

# Widget name → (module in this package, factory). Add a line here for each new widget; its
# page element carries the class "nnlab-<name with - for _>" (the browser test finds it by that).
_REGISTRY = {
    "neuron_playground": ("neurons", "make_neuron_playground"),
    "activation_explorer": ("activations", "make_activation_explorer"),
    "loss_explorer": ("losses", "make_loss_explorer"),
    "perceptron_trainer": ("perceptron", "make_perceptron_trainer"),
    "xor_explorer": ("perceptron", "make_xor_explorer"),
    "backprop_stepper": ("backprop", "make_backprop_stepper"),
    "initialization_explorer": ("initialization", "make_initialization_explorer"),
    "gradient_flow_explorer": ("gradients", "make_gradient_flow_explorer"),
    "optimizer_race": ("race", "make_optimizer_race"),
    "regularization_explorer": ("regularization", "make_regularization_explorer"),
}

__all__ = ["WIDGETS", *(factory for _, factory in _REGISTRY.values())]


def __getattr__(name):
    """Import a widget module the first time one of its names is used (PEP 562)."""
    for module, factory in _REGISTRY.values():
        if name in (module, factory):
            loaded = importlib.import_module(f"{__name__}.{module}")
            return loaded if name == module else getattr(loaded, factory)
    if name == "WIDGETS":
        return {key: __getattr__(factory) for key, (_, factory) in _REGISTRY.items()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
