"""Execution time of each notebook, top to bottom in a fresh kernel as nbval runs it
(target ≤ 20 s each, ≤ 120 s for the suite)."""

import os
import pathlib
import time

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"


def time_notebook(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, kernel_name="python3", timeout=600, resources={"metadata": {"path": path.parent}}
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main():
    os.environ.pop("MPLBACKEND", None)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    total = 0.0
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        seconds = time_notebook(path)
        total += seconds
        verdict = "ok" if seconds <= 20 else "MISSED"
        print(f"{path.name:<28} {seconds:6.1f} s   target ≤ 20 s   {verdict}")
    verdict = "ok" if total <= 120 else "MISSED"
    print(f"{'all notebooks':<28} {total:6.1f} s   target ≤ 120 s  {verdict}")


if __name__ == "__main__":
    main()
