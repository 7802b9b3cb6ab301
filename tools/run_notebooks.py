"""Execute course notebooks in place, keeping only what the code computes (`make notebooks`).

    .venv/bin/python tools/run_notebooks.py [NOTEBOOK ...]    (default: notebooks/*.ipynb)

Each notebook runs top to bottom in a fresh kernel, in its own folder, with the environment
`make` gives kernels (quiet TensorFlow, no MPLBACKEND). Then everything that changes from run to
run without the code changing is left out, so re-running on a clean checkout leaves `git status`
clean:

- cell timings (`metadata.execution`) and saved widget state (`metadata.widgets`): not recorded;
- the widget-view part of a widget's output, which names a random model id: dropped; the
  output keeps its text form and, for nnlab's widgets, a PNG of the widget's first state, which
  is what a reader without a kernel (GitHub, a fresh JupyterLab tab) sees;
- the interpreter's patch version in `metadata.language_info`: dropped;
- how printed text was cut into stream outputs (the kernel sends it in chunks as time passes):
  consecutive outputs of one stream are merged, so a cell's text is one output however it came.

`clean(nb)` is what tests/test_notebook_files.py holds every committed notebook to.
"""

import os
import pathlib
import sys

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def kernel_env():
    env = {name: value for name, value in os.environ.items() if name != "MPLBACKEND"}
    env.update(TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0")
    return env


def clean(nb):
    """Drop from ``nb`` (in place) what differs between two runs of the same code; return it."""
    nb.metadata.pop("widgets", None)
    nb.metadata.get("language_info", {}).pop("version", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        merged = []
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
            previous = merged[-1] if merged else None
            if (
                output.get("output_type") == "stream"
                and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")
            ):
                previous["text"] += output["text"]
            else:
                merged.append(output)
        if "outputs" in cell:
            cell.outputs = merged
    return nb


def execute(nb, folder, *, allow_errors=False, timeout=300):
    """Run ``nb`` (modified in place) top to bottom in a fresh python3 kernel started in
    ``folder``, with the environment `make` gives kernels; return it.

    The one way notebooks are executed outside nbval: `make notebooks`, the homework tests and
    the notebook benchmark all call it.
    """
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        store_widget_state=False,
        record_timing=False,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute(env=kernel_env())
    return nb


def run(path):
    """Execute the notebook at ``path`` and write it back, cleaned."""
    nb = nbformat.read(path, as_version=4)
    nbformat.write(clean(execute(nb, path.parent)), path)


def main(argv):
    paths = [pathlib.Path(p) for p in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"executing {path} …", flush=True)
        run(path)


if __name__ == "__main__":
    main(sys.argv[1:])
