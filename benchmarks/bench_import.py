"""`import nnlab` time (target ≤ 0.3 s) in fresh interpreters, beside `import tensorflow`
measured the same way, and the heavy packages the import pulls in (target: none)."""

import statistics
import subprocess
import sys

PROBE = """
import sys, time
start = time.perf_counter()
import {module}
elapsed = time.perf_counter() - start
heavy = [m for m in ("tensorflow", "keras", "matplotlib", "ipywidgets") if m in sys.modules]
print(elapsed, ",".join(heavy))
"""


def time_import(module, repeats=5):
    """Median import time over ``repeats`` fresh interpreters, and the heavy modules loaded."""
    times = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(module=module)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        times.append(float(out[0]))
        heavy = out[1] if len(out) > 1 else ""
    return statistics.median(times), heavy


def main():
    nnlab_s, heavy = time_import("nnlab")
    tf_s, _ = time_import("tensorflow", repeats=3)
    verdict = "ok" if nnlab_s <= 0.3 and not heavy else "MISSED"
    print(f"import nnlab        {nnlab_s:6.3f} s   target ≤ 0.300 s   {verdict}")
    print(f"  heavy modules loaded: {heavy or 'none'} (target: none)")
    print(f"import tensorflow   {tf_s:6.3f} s   ({tf_s / nnlab_s:.0f}× nnlab, for scale)")


if __name__ == "__main__":
    main()
