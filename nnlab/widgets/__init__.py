"""Interactive widgets, one module per notebook; each ``make_*()`` returns a widget to display.

Widgets are thin: controls, one ``update(**values)`` that calls the core maths and redraws in
place, and a short text form (what nbval compares and what GitHub shows without a kernel).
"""

from nnlab.widgets.neurons import make_neuron_playground

__all__ = ["make_neuron_playground"]
