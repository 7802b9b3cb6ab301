"""The backprop stepper of notebook 05: one training step of a 2-2-1 network, a stage at a time.

The network is the one the notes derive by hand (PYQ 7, PYQ 11): inputs x₁, x₂, a hidden
layer of two units h₁, h₂ (activation f from the menu), one sigmoid output o, one training
sample, the mean squared error or binary cross-entropy. Layer 1 is the hidden layer, layer 2
the output: W₁ is the notes' V, W₂ their W. The "step" slider walks through the forward pass
(z then a, layer by layer), the loss, the backward pass (dL/da, dL/dz, dW and db of the output
layer, then of the hidden layer) and the SGD update w ← w − η·dL/dw; the "iteration" slider
shows the network after k such updates, so the loss falls.

Every number comes from nnlab: ``Dense.forward``, the activation's ``backward``,
``Dense.backward_from_z``, the registered loss and its gradient, ``SGD.step``. They are computed
once per setting (activation, loss, learning rate) for every iteration and cached; moving the
step or iteration slider only rewrites texts and colours.
"""

import functools
import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.colors import to_hex
from matplotlib.patches import Circle
from PIL import Image, ImageDraw, ImageFont

from nnlab.activations import get_activation
from nnlab.losses import get_loss
from nnlab.network import MLP
from nnlab.optimizers import SGD
from nnlab.plotting import COLORS
from nnlab.widgets._base import (
    PlotWidget,
    course_figure,
    dropdown,
    int_slider,
    slider,
)

ACTIVATIONS = ("sigmoid", "tanh", "relu")  # the hidden layer's menu
LOSSES = ("mse", "binary_crossentropy")  # both apply to the sigmoid output ŷ in (0, 1)
LEARNING_RATE_RANGE = (0.01, 2.0)
ITERATIONS = 20
# The loss axis's top: every run falls from its first loss, at most 0.556 (mse) and 1.369
# (binary cross-entropy) from START, so one fixed scale fits every setting (and a new setting
# redraws only the curve).
LOSS_VIEW = 1.5
X = np.array([[1.0, 0.5]])  # the one training sample, (1, 2)
Y = np.array([[1.0]])  # its target, (1, 1)
# Drawn once from uniform(−1, 1) with seed 8 and rounded to 2 decimals, so every product can
# be checked by hand: [W₁ (2, 2), b₁ (2,), W₂ (2, 1), b₂ (1,)], Keras' kernel layout.
START = (
    np.array([[-0.35, 0.97], [-0.36, 0.58]]),
    np.array([0.74, -0.22]),
    np.array([[-0.12], [-0.25]]),
    np.array([-0.79]),
)

# (key, phase, what the stage computes), in the order the step slider walks through them.
STAGES = (
    ("input", "forward", "the sample x, its target y and the weights"),
    ("z1", "forward", "hidden layer: weighted sums z₁"),
    ("a1", "forward", "hidden layer: activations a₁"),
    ("z2", "forward", "output layer: weighted sum z₂"),
    ("a2", "forward", "output layer: prediction ŷ = a₂"),
    ("loss", "loss", "the loss L"),
    ("da2", "backward", "output layer: dL/da₂"),
    ("dz2", "backward", "output layer: dL/dz₂"),
    ("dW2", "backward", "output layer: dL/dW₂"),
    ("db2", "backward", "output layer: dL/db₂"),
    ("da1", "backward", "hidden layer: dL/da₁"),
    ("dz1", "backward", "hidden layer: dL/dz₁"),
    ("dW1", "backward", "hidden layer: dL/dW₁"),
    ("db1", "backward", "hidden layer: dL/db₁"),
    ("update", "update", "every weight and bias: w ← w − η·dL/dw"),
)
LAST_STEP = len(STAGES) - 1
PHASE_COLORS = {
    "forward": COLORS["curve"],
    "loss": COLORS["point"],
    "backward": COLORS["slope"],
    "update": COLORS["positive"],
}
HIDDEN, INPUTS = ("h1", "h2"), ("x1", "x2")
EDGES_1 = tuple((x, h) for x in INPUTS for h in HIDDEN)  # W₁[i, j] joins xᵢ to hⱼ
EDGES_2 = tuple((h, "o") for h in HIDDEN)  # W₂[j, 0] joins hⱼ to o
NAMES = {"x1": "x₁", "x2": "x₂", "h1": "h₁", "h2": "h₂", "o": "o", "L": "L"}  # as shown
HIGHLIGHTS = {  # the nodes and edges each stage computes, marked in its phase's colour
    "input": (*INPUTS, "L"),
    "z1": (*HIDDEN, *EDGES_1),
    "a1": HIDDEN,
    "z2": ("o", *EDGES_2),
    "a2": ("o",),
    "loss": ("L", ("o", "L")),
    "da2": ("o", ("o", "L")),
    "dz2": ("o",),
    "dW2": EDGES_2,
    "db2": ("o",),
    "da1": (*HIDDEN, *EDGES_2),
    "dz1": HIDDEN,
    "dW1": EDGES_1,
    "db1": HIDDEN,
    "update": (*HIDDEN, "o", *EDGES_1, *EDGES_2),
}


@dataclass(frozen=True, eq=False)
class Pass:
    """Every number of one training step on the sample, 1-D arrays over units (one sample).

    ``params``, ``grads`` and ``updated`` are [W₁, b₁, W₂, b₂] before the step, dL/d of each,
    and after ``SGD.step``; ``slope1`` = f′(z₁) and ``slope2`` = σ′(z₂)."""

    params: tuple
    z1: np.ndarray
    a1: np.ndarray
    slope1: np.ndarray
    z2: float
    a2: float
    slope2: float
    loss: float
    da2: float
    dz2: float
    da1: np.ndarray
    dz1: np.ndarray
    grads: tuple
    updated: tuple


def training_step(mlp, loss, optimizer):
    """One SGD step of ``mlp`` on (X, Y), stage by stage; returns the :class:`Pass`."""
    hidden, output = mlp.layers
    record = get_loss(loss)
    params = tuple(mlp.get_weights())
    a1, cache1 = hidden.forward(X)  # (1, 2); cache (X, z₁)
    a2, cache2 = output.forward(a1)  # (1, 1); cache (a₁, z₂)
    da2 = record.gradient(Y, a2)  # dL/da₂
    dz2 = output.activation.backward(da2, cache2[1])  # dL/da₂ · σ′(z₂)
    da1, (dW2, db2) = output.backward_from_z(dz2, cache2)  # dL/dz₂·W₂ᵀ, a₁ᵀ·dL/dz₂, Σ dL/dz₂
    dz1 = hidden.activation.backward(da1, cache1[1])  # dL/da₁ ⊙ f′(z₁)
    _, (dW1, db1) = hidden.backward_from_z(dz1, cache1, input_gradient=False)
    grads = (dW1, db1, dW2, db2)
    optimizer.step(mlp.params, list(grads))
    return Pass(
        params=params,
        z1=cache1[1][0],
        a1=a1[0],
        slope1=hidden.activation.derivative(cache1[1][0]),
        z2=float(cache2[1][0, 0]),
        a2=float(a2[0, 0]),
        slope2=float(output.activation.derivative(cache2[1][0, 0])),
        loss=float(record.function(Y, a2)),
        da2=float(da2[0, 0]),
        dz2=float(dz2[0, 0]),
        da1=da1[0],
        dz1=dz1[0],
        grads=grads,
        updated=tuple(mlp.get_weights()),
    )


@functools.lru_cache(maxsize=64)
def training_run(activation, loss, learning_rate):
    """The passes of iterations 0 … ITERATIONS + 1 from ``START`` (a tuple, cached per setting):
    one more than the slider shows, whose loss is what the last update achieves."""
    mlp = MLP([2, 2, 1], activation, "sigmoid", initializer="zeros")
    mlp.set_weights(START)
    optimizer = SGD(learning_rate)
    return tuple(training_step(mlp, loss, optimizer) for _ in range(ITERATIONS + 2))


def _n(value, digits=4):
    """``value`` to ``digits`` decimals with a true minus sign, never "−0.0000"."""
    return f"{round(float(value), digits) + 0.0:.{digits}f}".replace("-", "−")


def _f(value):
    """A factor in a product: negative numbers in parentheses."""
    return f"({_n(value)})" if value < 0 else _n(value)


def formula(p, key, activation, loss, learning_rate, next_loss):
    """The lines under the picture for stage ``key`` of pass ``p``: the formula, its numbers."""
    W1, b1, W2, b2 = p.params
    dW1, db1, dW2, _ = p.grads
    f, x, y, units = activation, X[0], float(Y[0, 0]), list(enumerate(HIDDEN))
    if key == "input":
        return [
            f"one training sample x = ({_n(x[0])}, {_n(x[1])}) with target y = {_n(y)}",
            f"hidden units f = {f}, output σ = sigmoid, loss {loss}",
        ]
    if key == "z1":
        return ["z₁ = x·W₁ + b₁, one weighted sum per hidden unit"] + [
            f"{NAMES[h]}: {_n(x[0])}·{_f(W1[0, j])} + {_n(x[1])}·{_f(W1[1, j])} + {_f(b1[j])} "
            f"= {_n(p.z1[j])}"
            for j, h in units
        ]
    if key == "a1":
        return [
            f"a₁ = f(z₁) with f = {f}",
            "   ".join(f"{NAMES[h]}: {f}({_n(p.z1[j])}) = {_n(p.a1[j])}" for j, h in units),
        ]
    if key == "z2":
        return [
            f"z₂ = a₁·W₂ + b₂ = {_n(p.a1[0])}·{_f(W2[0, 0])} + {_n(p.a1[1])}·{_f(W2[1, 0])} "
            f"+ {_f(b2[0])} = {_n(p.z2)}"
        ]
    if key == "a2":
        return [f"ŷ = a₂ = σ(z₂) = σ({_n(p.z2)}) = {_n(p.a2)}"]
    if key == "loss" and loss == "mse":
        return [f"L = (ŷ − y)² = ({_n(p.a2)} − {_n(y)})² = {_n(p.loss)}"]
    if key == "loss":
        return [
            "L = −[y·log ŷ + (1 − y)·log(1 − ŷ)]",
            f"  = −[{_n(y)}·log {_n(p.a2)} + {_n(1 - y)}·log {_n(1 - p.a2)}] = {_n(p.loss)}",
        ]
    if key == "da2" and loss == "mse":
        return [
            f"dL/da₂ = 2(ŷ − y) = 2·({_n(p.a2)} − {_n(y)}) = {_n(p.da2)}",
            "(the notes' ½(ŷ − y)² gives ŷ − y: the same direction, half the size)",
        ]
    if key == "da2":
        return [
            f"dL/da₂ = −y/ŷ + (1 − y)/(1 − ŷ) = −{_n(y)}/{_n(p.a2)} + {_n(1 - y)}/{_n(1 - p.a2)} "
            f"= {_n(p.da2)}"
        ]
    if key == "dz2":
        lines = [f"dL/dz₂ = dL/da₂ · σ′(z₂) = {_n(p.da2)} · {_n(p.slope2)} = {_n(p.dz2)}"]
        if loss == "binary_crossentropy":
            lines.append(f"(after a sigmoid, BCE's dL/dz₂ is simply ŷ − y = {_n(p.a2 - y)})")
        return lines
    if key == "dW2":
        return [
            "dL/dW₂ = a₁ᵀ · dL/dz₂ (the notes' ∂Loss/∂W)",
            "   ".join(
                f"{NAMES[h]}→o: {_n(p.a1[j])}·{_f(p.dz2)} = {_n(dW2[j, 0])}" for j, h in units
            ),
        ]
    if key == "db2":
        return [f"dL/db₂ = dL/dz₂ = {_n(p.dz2)} (summed over the batch: here one sample)"]
    if key == "da1":
        return [
            "dL/da₁ = dL/dz₂ · W₂ᵀ: the error sent back along each weight",
            "   ".join(
                f"{NAMES[h]}: {_f(p.dz2)}·{_f(W2[j, 0])} = {_n(p.da1[j])}" for j, h in units
            ),
        ]
    if key == "dz1":
        return [
            f"dL/dz₁ = dL/da₁ ⊙ f′(z₁) with f = {f}",
            "   ".join(
                f"{NAMES[h]}: {_f(p.da1[j])}·{_n(p.slope1[j])} = {_n(p.dz1[j])}" for j, h in units
            ),
        ]
    if key == "dW1":
        return ["dL/dW₁ = xᵀ · dL/dz₁ (the notes' ∂Loss/∂V)"] + [
            "   ".join(
                f"{NAMES[xi]}→{NAMES[h]}: {_n(x[i])}·{_f(p.dz1[j])} = {_n(dW1[i, j])}"
                for j, h in units
            )
            for i, xi in enumerate(INPUTS)
        ]
    if key == "db1":
        return [f"dL/db₁ = dL/dz₁: h₁ {_n(db1[0])}, h₂ {_n(db1[1])}"]
    new_W2, new_b2 = p.updated[2:]
    return [
        f"w ← w − η·dL/dw for all 9 weights and biases at once, η = {learning_rate:.2f}",
        f"e.g. W₂ h₁→o: {_n(W2[0, 0])} − {learning_rate:.2f}·{_f(dW2[0, 0])} = "
        f"{_n(new_W2[0, 0])}   b₂: {_n(b2[0])} − {learning_rate:.2f}·{_f(p.grads[3][0])} = "
        f"{_n(new_b2[0])}",
        f"the loss on this sample: {_n(p.loss)} → {_n(next_loss)}",
    ]


def diagram_texts(p, step):
    """{(slot, node or edge): text}: what the diagram shows once stages 0 … ``step`` are done.

    Slots as in :class:`_NetworkDiagram`; each line of a slot's text appears with its stage.
    """
    W1, b1, W2, b2 = p.params
    dW1, _, dW2, _ = p.grads
    new_W1, new_b1, new_W2, new_b2 = p.updated
    units = [(h, p.z1[j], p.a1[j], p.da1[j], p.dz1[j], "1") for j, h in enumerate(HIDDEN)]
    units.append(("o", p.z2, p.a2, p.da2, p.dz2, "2"))  # (node, z, a, dL/da, dL/dz, layer)
    weights = [  # (edge, w, dL/dw, w after the step, layer)
        (edge, W1[i, j], dW1[i, j], new_W1[i, j], "1")
        for (i, j), edge in zip(np.ndindex(2, 2), EDGES_1)
    ] + [(edge, W2[j, 0], dW2[j, 0], new_W2[j, 0], "2") for j, edge in enumerate(EDGES_2)]
    biases = [*zip(HIDDEN, b1, new_b1), ("o", b2[0], new_b2[0])]

    lines = [(("value", x), "input", f"x = {_n(X[0, i], 3)}") for i, x in enumerate(INPUTS)]
    lines += [(("value", "L"), "input", f"y = {_n(Y[0, 0], 3)}")]
    lines += [(("value", "L"), "loss", f"L = {_n(p.loss, 3)}")]
    for node, z, a, da, dz, layer in units:
        lines += [
            (("value", node), "z" + layer, f"z = {_n(z, 3)}"),
            (("value", node), "a" + layer, f"a = {_n(a, 3)}"),
            (("gradient", node), "da" + layer, f"da = {_n(da, 3)}"),
            (("gradient", node), "dz" + layer, f"dz = {_n(dz, 3)}"),
            (("gradient", node), "db" + layer, f"db = {_n(dz, 3)}"),  # one sample: db = dz
        ]
    for edge, w, dw, new, layer in weights:
        lines += [
            (("weight", edge), "input", _n(w, 3)),
            (("weight", edge), "update", f"→ {_n(new, 3)}"),
            (("weight_gradient", edge), "dW" + layer, f"dw = {_n(dw, 3)}"),
        ]
    for node, b, new in biases:
        lines += [(("param", node), "input", f"b = {_n(b, 3)}")]
        lines += [(("param", node), "update", f"→ {_n(new, 3)}")]

    done = {key for key, _, _ in STAGES[: step + 1]}
    texts = {}
    for slot, key, line in lines:
        if key in done:
            texts[slot] = f"{texts[slot]}\n{line}" if slot in texts else line
    return texts


# Where each node sits in the diagram (data units), and its fill by kind (the first letter).
POSITIONS = {
    "x1": (0, 2),
    "x2": (0, -2),
    "h1": (3.5, 2),
    "h2": (3.5, -2),
    "o": (7, 0),
    "L": (10, 0),
}
FILL = {"x": COLORS["input"], "h": COLORS["hidden"], "o": COLORS["output"], "L": "white"}
LEGEND = (
    ("values", "black"),
    ("gradients dL/d·", COLORS["slope"]),
    ("updated", COLORS["positive"]),
)


class _TextLayer(Artist):
    """Many small texts in one artist, drawn by Pillow in one pass, each on a white box.

    Why not matplotlib's ``Text``: matplotlib 3.11 lays out and renders text glyph by glyph in
    Python, ≈ 55 µs a glyph, so the ≈ 400 glyphs of numbers on a late stage would cost ≈ 30 ms
    a frame. Pillow draws the same font (matplotlib's DejaVu Sans) in C, about 3× faster.
    ``place(key, x, y, anchor)`` fixes a slot: data coordinates and Pillow's two-letter anchor
    ("md": centred above the point, "ma": centred below, "ld": to the right, above it);
    ``texts[key] = (text, colour)`` sets what it shows (blank: nothing).
    """

    def __init__(self, ax, fontsize=8):
        super().__init__()
        self.ax, self.fontsize, self._fonts = ax, fontsize, {}
        self.places, self.texts = {}, {}
        ax.add_artist(self)

    def _font(self, renderer):
        """The font at ``fontsize`` points in this renderer's pixels (made once per size)."""
        pixels = round(renderer.points_to_pixels(self.fontsize))
        if pixels not in self._fonts:
            path = font_manager.findfont(font_manager.FontProperties())  # the default font
            self._fonts[pixels] = ImageFont.truetype(path, pixels)
        return self._fonts[pixels]

    def place(self, key, x, y, anchor):
        self.places[key] = (x, y, anchor)
        self.texts[key] = ("", "black")

    def draw(self, renderer):
        if not self.get_visible():
            return
        width, height = renderer.get_canvas_width_height()
        image = Image.new("RGBA", (int(width), int(height)))
        pen, font = ImageDraw.Draw(image), self._font(renderer)
        for key, (text, color) in self.texts.items():
            if not text:
                continue
            x, y, anchor = self.places[key]
            px, py = self.ax.transData.transform((x, y))
            xy = (px, height - py)  # Pillow counts rows from the top
            style = {"font": font, "anchor": anchor, "spacing": 1}
            style["align"] = "left" if anchor[0] == "l" else "center"
            left, top, right, bottom = pen.multiline_textbbox(xy, text, **style)
            pen.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill="white")
            pen.multiline_text(xy, text, fill=to_hex(color), **style)
        renderer.draw_image(renderer.new_gc(), 0, 0, np.asarray(image)[::-1])
        self.stale = False


class _NetworkDiagram:
    """A 2-2-1 network and its loss node, with text slots around every node and weight.

    Slots: "value" above a node (black), "gradient" below it (gradient colour), "param" beside
    a unit (its bias), "weight" and "weight_gradient" on an edge. ``show`` sets every slot's
    text (missing ones blank) and marks the highlighted nodes (a ring) and edges (a thick line
    over them) in one colour. The grey network is drawn once; ``moving`` lists what changes
    from stage to stage: the rings, the thick edges and ``numbers`` (a :class:`_TextLayer`)
    over them.
    """

    def __init__(self, ax, radius=0.45):
        ax.set_xlim(-0.8, 10.9)
        ax.set_ylim(-3.6, 3.4)
        ax.set_aspect("equal")
        ax.axis("off")
        at = POSITIONS
        self.edges, self.rings = {}, {}
        self.numbers = _TextLayer(ax)
        for edge in (*EDGES_1, *EDGES_2, ("o", "L")):
            start, end = np.array(at[edge[0]], float), np.array(at[edge[1]], float)
            ax.plot(*zip(start, end), color=COLORS["guide"], lw=0.8, zorder=1)
            gap = radius * (end - start) / np.linalg.norm(end - start)  # circle to circle
            (self.edges[edge],) = ax.plot(*zip(start + gap, end - gap), lw=2.5, visible=False)
        for node, (x, y) in at.items():
            ax.add_patch(Circle((x, y), radius, facecolor=FILL[node[0]], edgecolor="black"))
            ax.text(x, y, NAMES[node], ha="center", va="center")
            self.rings[node] = ax.add_patch(Circle((x, y), radius, fill=False, lw=2.5))
            self.rings[node].set_visible(False)
            self.numbers.place(("value", node), x, y + radius + 0.1, "md")
            self.numbers.place(("gradient", node), x, y - radius - 0.1, "ma")
        for node in (*HIDDEN, "o"):  # the bias on the side away from the unit's outgoing edge
            (x, y), below = at[node], at[node][1] < at["o"][1]
            self.numbers.place(("param", node), x + radius + 0.1, y, "la" if below else "ld")
        for edge in (*EDGES_1, *EDGES_2):
            (x0, y0), (x1, y1) = at[edge[0]], at[edge[1]]
            t = 0.3 if y0 != y1 and edge[1] != "o" else 0.5  # crossing edges: near the inputs
            x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
            self.numbers.place(("weight", edge), x, y + 0.05, "md")
            self.numbers.place(("weight_gradient", edge), x, y - 0.05, "ma")
        self.moving = (*self.edges.values(), *self.rings.values(), self.numbers)

    def show(self, texts, highlight=(), color="black", updated_color="black"):
        """Write ``texts`` ({slot: text}) into the slots and mark ``highlight`` (nodes and
        edges) in ``color``; the "param" and "weight" slots are drawn in ``updated_color``."""
        colors = {"gradient": COLORS["slope"], "weight_gradient": COLORS["slope"]}
        colors.update(param=updated_color, weight=updated_color)
        for slot in self.numbers.texts:
            self.numbers.texts[slot] = (texts.get(slot, ""), colors.get(slot[0], "black"))
        self.numbers.stale = True
        for key, artist in (*self.edges.items(), *self.rings.items()):
            artist.set_visible(key in highlight)
            artist.set_color(color)


class BackpropStepper(PlotWidget):
    """One training step, stage by stage. ``controls``: "activation" (the hidden units' f),
    "loss", "learning_rate", "iteration" (the network after that many SGD steps) and "step"
    (the stage shown, 0 … 14, in ``STAGES``). ``run`` holds the cached passes of the current
    setting, ``current`` the pass of the current iteration; ``plot`` is the network diagram,
    ``curve`` and ``marker`` the loss per iteration beside it, ``readout`` the stage and its
    formula with numbers, under the picture."""

    def __init__(self, activation, loss, learning_rate, iteration, step):
        controls = {
            "activation": dropdown(
                "hidden f", get_activation(activation).name, ACTIVATIONS, name="activation"
            ),
            "loss": dropdown("loss", get_loss(loss).name, LOSSES, name="loss"),
            "learning_rate": slider(
                "learning rate η", learning_rate, *LEARNING_RATE_RANGE, name="learning_rate"
            ),
            "iteration": int_slider("iteration", iteration, 0, ITERATIONS, name="iteration"),
            "step": int_slider("step", step, 0, LAST_STEP, name="step"),
        }
        play = widgets.Play(value=step, min=0, max=LAST_STEP, interval=1500, description="play")
        widgets.jslink((play, "value"), (controls["step"], "value"))  # in the browser only
        figure, (ax, ax_loss) = course_figure(size=(8.4, 4.0), ncols=2)
        ax.set_position([0.0, 0.0, 0.78, 1.0])
        ax_loss.set_position([0.83, 0.25, 0.155, 0.5])
        self.plot = _NetworkDiagram(ax)
        for i, (words, color) in enumerate(LEGEND):
            figure.text(0.83, 0.97 - 0.05 * i, words, color=color, fontsize=8, va="top")
        (self.curve,) = ax_loss.plot([], [], color=COLORS["curve"], lw=1.5)
        (self.marker,) = ax_loss.plot([], [], "o", color=COLORS["point"], ms=6, zorder=3)
        self.loss_title = ax_loss.set_title("", fontsize=8)
        ax_loss.set_xlim(-1, ITERATIONS + 1)
        ax_loss.set_ylim(0.0, LOSS_VIEW)
        ax_loss.set_xlabel("iteration", fontsize=8)
        ax_loss.set_ylabel("loss L", fontsize=8)
        ax_loss.tick_params(labelsize=7)
        self.run = None
        self.readout = widgets.HTML()  # the stage and its formula, under the picture
        rows = [
            widgets.HBox([controls["activation"], controls["loss"], controls["learning_rate"]]),
            widgets.HBox([controls["iteration"], controls["step"], play]),
        ]
        moving = (*self.plot.moving, self.curve, self.marker, self.loss_title)
        super().__init__(controls, rows, figure, moving=moving, css_class="nnlab-backprop-stepper")
        self.children = (*self.children, self.readout)

    def redraw(self):
        """The cached run of this setting; the diagram and texts of (iteration, step)."""
        values = self.values()
        run = training_run(values["activation"], values["loss"], values["learning_rate"])
        k, step = values["iteration"], values["step"]
        if run is not self.run:  # a new setting: a new loss curve
            self.run, losses = run, [p.loss for p in run[: ITERATIONS + 1]]
            self.curve.set_data(range(ITERATIONS + 1), losses)
        self.current = p = run[k]
        key, phase, what = STAGES[step]
        self.plot.show(
            diagram_texts(p, step),
            HIGHLIGHTS[key],
            color=PHASE_COLORS[phase],
            updated_color=PHASE_COLORS["update"] if key == "update" else "black",
        )
        lines = formula(
            p, key, values["activation"], values["loss"], values["learning_rate"], run[k + 1].loss
        )
        self.readout.value = (
            f"<b>step {step}/{LAST_STEP} · {phase}: {html.escape(what)}</b>"
            + "".join(f"<br><code>{html.escape(line)}</code>" for line in lines)
        )
        self.marker.set_data([k], [p.loss])
        self.loss_title.set_text(f"iteration {k}: L = {_n(p.loss)}")

    def __repr__(self):
        v = self.values()
        return (
            f"BackpropStepper(activation={v['activation']!r}, loss={v['loss']!r}, "
            f"learning_rate={v['learning_rate']:.2f}, iteration={v['iteration']}, "
            f"step={v['step']}/{LAST_STEP})"
        )


def make_backprop_stepper(activation="sigmoid", loss="mse", learning_rate=0.5, iteration=0, step=0):
    """Build the backprop stepper: a 2-2-1 network, one sample, one SGD step at a time.

    Parameters
    ----------
    activation : str
        The hidden units' activation: sigmoid, tanh or relu (the notes' aliases accepted). The
        output unit is always a sigmoid.
    loss : str
        "mse" (Keras' mean squared error, no ½) or "binary_crossentropy".
    learning_rate : float
        η of the SGD update, in [0.01, 2].
    iteration : int
        Show the network after this many SGD steps on the sample, 0 … 20.
    step : int
        The stage shown, 0 … 14: the inputs, z₁, a₁, z₂, a₂, L, dL/da₂, dL/dz₂, dL/dW₂,
        dL/db₂, dL/da₁, dL/dz₁, dL/dW₁, dL/db₁, the update.

    Returns
    -------
    BackpropStepper
        An ipywidgets box; display it by making it a cell's last expression.

    Raises
    ------
    ValueError
        For a value outside its control's range (it is not clamped), a step or iteration that
        is not a whole number, or an activation or loss not in the menus.
    """
    return BackpropStepper(activation, loss, learning_rate, iteration, step)
