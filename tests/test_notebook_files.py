"""The committed notebooks hold only what their code computes, run top to bottom once.

`make notebooks` (tools/run_notebooks.py) writes them that way: re-running it on a clean checkout
must leave `git status` clean, so nothing that changes from run to run may be stored: no cell
timings, no saved widget state, no widget-view outputs (they name random model ids), no
interpreter patch version.
"""

import copy
import pathlib

import nbformat
import pytest
from run_notebooks import WIDGET_VIEW, clean

ROOT = pathlib.Path(__file__).resolve().parent.parent

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(params=NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def notebook(request):
    return nbformat.read(request.param, as_version=4)


def test_nothing_per_run_is_stored(notebook):
    assert clean(copy.deepcopy(notebook)) == notebook, "run `make notebooks` to clean it"


def test_run_top_to_bottom_once(notebook):
    code = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))


def test_widget_outputs_keep_a_picture_for_readers_without_a_kernel(notebook):
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "NeuronPlayground(" in output.get("data", {}).get("text/plain", ""):
                assert output.data["image/png"]


def test_the_check_catches_timings_and_widget_ids():
    cell = nbformat.v4.new_code_cell("make_neuron_playground()", execution_count=1)
    cell.metadata["execution"] = {"iopub.status.busy": "2026-11-21T09:04:51.833970Z"}
    cell.outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={"text/plain": "NeuronPlayground(…)", WIDGET_VIEW: {"model_id": "10d3c9dd"}},
            execution_count=1,
        )
    ]
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={"widgets": {"state": {}}})
    cleaned = clean(copy.deepcopy(nb))
    assert cleaned != nb
    assert "execution" not in cleaned.cells[0].metadata and "widgets" not in cleaned.metadata
    assert WIDGET_VIEW not in cleaned.cells[0].outputs[0].data


def test_text_printed_in_chunks_is_stored_as_one_output_per_stream():
    cell = nbformat.v4.new_code_cell("print(1); print(2)", execution_count=1)
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="epoch 1\n"),
        nbformat.v4.new_output("stream", name="stdout", text="epoch 2\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "3"}, execution_count=1),
        nbformat.v4.new_output("stream", name="stdout", text="done\n"),
    ]
    cleaned = clean(nbformat.v4.new_notebook(cells=[cell]))
    outputs = cleaned.cells[0].outputs
    assert [o.output_type for o in outputs] == ["stream", "execute_result", "stream"]
    assert outputs[0].text == "epoch 1\nepoch 2\n"
