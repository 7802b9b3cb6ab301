"""`make bench`: every benchmark in one run. Prints measurements against the targets of
DESIGN.md; nothing here is a test, and nothing fails on a slow machine."""

import pathlib
import platform
import subprocess
import sys

import bench_grading
import bench_import
import bench_notebooks
import bench_widgets

HERE = pathlib.Path(__file__).resolve().parent

if __name__ == "__main__":
    print(
        f"nnlab benchmarks on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    for bench in (bench_import, bench_widgets, bench_notebooks, bench_grading):
        print(f"\n# {bench.__doc__.splitlines()[0]}", flush=True)
        bench.main()
    # In its own process: it sets the thread counts before NumPy and TensorFlow load.
    script = HERE / "mlp_vs_keras.py"
    print(f"\n# {script.read_text().split(chr(10))[0].strip(chr(34))}", flush=True)
    subprocess.run([sys.executable, str(script)], check=True)
