"""nnlab: the helper package of the nnlab neural-network fundamentals course.

NumPy maths, one module per concept in the order the notebooks teach them; plots in
``nnlab.plotting``, widgets in ``nnlab.widgets`` and the TensorFlow oracle in
``nnlab.tf_bridge`` are imported only when asked for, so ``import nnlab`` stays fast.
"""

from nnlab import (
    activations,
    callbacks,
    checks,
    datasets,
    diagnostics,
    gradcheck,
    initializers,
    layers,
    losses,
    network,
    neurons,
    optimizers,
    perceptron,
    regularization,
    schedules,
    surfaces,
)

__version__ = "0.1.0"
__all__ = [
    "activations",
    "callbacks",
    "checks",
    "datasets",
    "diagnostics",
    "gradcheck",
    "initializers",
    "layers",
    "losses",
    "network",
    "neurons",
    "optimizers",
    "perceptron",
    "regularization",
    "schedules",
    "surfaces",
]
