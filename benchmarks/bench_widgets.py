"""Widget update time per control (targets: median ≤ 50 ms, p90 ≤ 80 ms), measured headless:
set each control's value the way the browser does and let the observers redraw."""

import statistics
import time

from nnlab.widgets import WIDGETS

TARGET_MEDIAN_MS, TARGET_P90_MS = 50.0, 80.0


def sweep_values(control, steps=8):
    """Values a student would slide or pick through, for any slider or dropdown."""
    if hasattr(control, "options"):
        return list(control.options) * 2
    span = control.max - control.min
    return [control.min + span * k / steps for k in range(steps + 1)]


def time_controls(widget, repeats=3):
    """Milliseconds per change, for each control of ``widget`` on its own: {name: [ms, …]}."""
    samples = {name: [] for name in widget.controls}
    for _ in range(repeats):
        for name, control in widget.controls.items():
            for value in sweep_values(control):
                start = time.perf_counter()
                control.value = value
                samples[name].append((time.perf_counter() - start) * 1000)
    return samples


def main():
    print(f"targets: median ≤ {TARGET_MEDIAN_MS:.0f} ms, p90 ≤ {TARGET_P90_MS:.0f} ms per change")
    for widget_name, factory in WIDGETS.items():
        print(widget_name)
        for name, ms in time_controls(factory()).items():
            median, p90 = statistics.median(ms), statistics.quantiles(ms, n=10)[-1]
            slow = median > TARGET_MEDIAN_MS or p90 > TARGET_P90_MS
            print(
                f"  {name:<12} median {median:5.1f} ms   p90 {p90:5.1f} ms"
                f"   ({len(ms)} changes)   {'SLOW' if slow else 'ok'}"
            )


if __name__ == "__main__":
    main()
