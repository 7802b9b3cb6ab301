"""Median time of one widget update per control change (target ≤ 50 ms), measured headless:
set each control's value the way the browser does and let the observers redraw."""

import statistics
import time

from nnlab.widgets import make_neuron_playground

TARGET_MS = 50.0


def sweep_values(control, steps=8):
    """Values a student would slide or pick through, for any slider or dropdown."""
    if hasattr(control, "options"):
        return list(control.options) * 2
    span = control.max - control.min
    return [control.min + span * k / steps for k in range(steps + 1)]


def time_widget(widget, repeats=3):
    """Milliseconds per control change, over every control of ``widget``."""
    samples = []
    for _ in range(repeats):
        for control in widget.controls.values():
            for value in sweep_values(control):
                start = time.perf_counter()
                control.value = value
                samples.append((time.perf_counter() - start) * 1000)
    return samples


def main():
    for name, factory in [("neuron playground (01)", make_neuron_playground)]:
        samples = time_widget(factory())
        median, p90 = statistics.median(samples), statistics.quantiles(samples, n=10)[-1]
        verdict = "ok" if median <= TARGET_MS else "MISSED"
        print(
            f"{name:<24} median {median:5.1f} ms   p90 {p90:5.1f} ms"
            f"   ({len(samples)} changes)   target ≤ {TARGET_MS:.0f} ms   {verdict}"
        )


if __name__ == "__main__":
    main()
