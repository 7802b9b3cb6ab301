"""Execution time of each notebook, top to bottom in a fresh kernel as nbval runs it
(target ≤ 20 s each, ≤ 120 s for the suite)."""

import pathlib
import sys
import time

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from run_notebooks import execute  # noqa: E402


def time_notebook(path):
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    execute(notebook, path.parent, timeout=600)
    return time.perf_counter() - start


def main():
    total = 0.0
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        seconds = time_notebook(path)
        total += seconds
        verdict = "ok" if seconds <= 20 else "MISSED"
        print(f"{path.name:<28} {seconds:6.1f} s   target ≤ 20 s   {verdict}")
    verdict = "ok" if total <= 120 else "MISSED"
    print(f"{'all notebooks':<28} {total:6.1f} s   target ≤ 120 s  {verdict}")


if __name__ == "__main__":
    main()
