"""Real-browser test: every course notebook runs in JupyterLab, started as `make lab` starts it.

nbval checks what the kernel computes; it has no browser, so it cannot see whether a student
actually gets working widgets. This test opens each notebook in headless Chromium (Playwright)
and proves, per notebook in ``notebooks/`` (one test each, named after the file):

- ``make lab`` brings up a working JupyterLab (the Makefile's ``LAB_CMD``, token auth on);
- Run ▸ Run All Cells executes every code cell: each non-empty one gets an execution count;
- no cell shows an error or anything on stderr (except cells tagged to raise);
- "Error displaying widget" appears nowhere, and every widget the kernel displayed (each
  widget-view output in the notebook as JupyterLab saves it) is rendered by the widget front end,
  which fails when ipywidgets and jupyterlab_widgets do not match;
- for 01_neurons.ipynb: moving a slider of the neuron playground with the keyboard changes the
  readout and the picture, a full round trip browser → kernel → browser.

JupyterLab serves a copy of ``notebooks/`` with the outputs cleared (its autosave never touches
the committed notebooks; every output on the page comes from this run), and keeps its settings
and workspaces in the same temporary folder. One server and one browser serve all notebooks; each
notebook gets a fresh page, and its kernel is shut down afterwards. Screenshots go to
``test-artifacts/browser/``: the window after each run, each driven widget after its control
moved, and the whole notebook when a test fails.

Needs Chromium (Debian/Ubuntu: ``sudo apt-get install chromium``). Without it the tests skip,
unless ``NNLAB_REQUIRE_BROWSER=1`` (CI), which turns the skip into a failure.
"""

import contextlib
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "notebooks"
NOTEBOOKS = sorted(SOURCE.glob("*.ipynb"))
ARTIFACTS = REPO / "test-artifacts" / "browser"

CHROMIUM_ARGS = [
    "--no-sandbox",  # required as root
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "The browser test needs Chromium: install it with `sudo apt-get install chromium` "
    "(Playwright's own browser download is not used)."
)

SERVER_START_TIMEOUT = 120  # s; `make lab` may first reinstall .venv if pyproject.toml changed
SERVER_STOP_TIMEOUT = 20  # s to shut down kernels after SIGTERM, before SIGKILL
OPEN_TIMEOUT = 60_000  # ms, all timeouts below are Playwright's milliseconds
RUN_TIMEOUT = 120_000  # per notebook; nbval's target is 20 s each
WIDGET_TIMEOUT = 20_000  # for widgets to render and to answer a control

# JupyterLab settings for the test only: no news pop-up over the page; every cell attached to the
# DOM (not only those in view) and no blank space after the last one, so cells can be counted and
# the screenshot shows them all.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none", "scrollPastEnd": False},
}
# Cells that are meant to raise (nbval's and JupyterLab's markers): their error is the lesson.
RAISES_TAGS = {"raises-exception", "nbval-raises-exception"}
RAISES_COMMENT = "# NBVAL_RAISES_EXCEPTION"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
EXECUTED = re.compile(r"\[\d+\]:")  # a code cell's prompt once it has run

# What the page shows for each cell of the open notebook, in notebook order.
CELL_STATES_JS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'), cell => {
    const outputs = Array.from(cell.querySelectorAll('.jp-OutputArea-output'));
    const stderr = outputs.filter(o => o.dataset.mimeType === 'application/vnd.jupyter.stderr');
    return {
        prompt: (cell.querySelector('.jp-InputArea-prompt')?.textContent ?? '').trim(),
        stderr: stderr.map(output => output.innerText),
        widgets: outputs.filter(output => output.querySelector(':scope > .jupyter-widgets')).length,
    };
})"""
# True once the notebook has a kernel (its name shows) and that kernel is idle. The status shows
# "idle" once before the kernel is even chosen ("No Kernel"); Run All then would do nothing.
KERNEL_READY_JS = """() => {
    const panel = document.querySelector('.jp-NotebookPanel');
    const name = panel?.querySelector('[data-jp-item-name="kernelName"]')?.textContent.trim();
    const status = panel?.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status;
    return !!name && name !== 'No Kernel' && status === 'idle';
}"""
# True once Run All has reached at least one of the cells in `mustRun` (its prompt is no longer
# empty: "[*]:" while queued or running, "[n]:" after).
RUN_STARTED_JS = f"""(mustRun) => {{
    const cells = ({CELL_STATES_JS})();
    return mustRun.some(i => (cells[i]?.prompt ?? '[ ]:') !== '[ ]:');
}}"""
# True once every cell in `mustRun` has an execution count, or once an unexpected error shows
# (no point waiting for the rest), and the kernel is idle.
RUN_FINISHED_JS = f"""([mustRun, mayFail]) => {{
    const cells = ({CELL_STATES_JS})();
    const indicator = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
    const idle = indicator?.dataset.status === 'idle';
    const ran = mustRun.every(i => /^\\[\\d+\\]:$/.test(cells[i]?.prompt ?? ''));
    const failed = cells.some((cell, i) => cell.stderr.length > 0 && !mayFail.includes(i));
    return idle && (ran || failed);
}}"""
# True once each cell shows at least as many widgets as `expected[i]`.
WIDGETS_RENDERED_JS = f"""(expected) => {{
    const cells = ({CELL_STATES_JS})();
    return expected.every((n, i) => (cells[i]?.widgets ?? 0) >= n);
}}"""


# --- JupyterLab, started through `make lab` ---------------------------------------------------


@dataclass
class Lab:
    """A running JupyterLab: where it listens, its token, and the folder it serves."""

    url: str
    token: str
    root: Path

    def api(self, path, method="GET", timeout=10):
        request = urllib.request.Request(
            f"{self.url}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self):
        """End every session and its kernel, as closing a notebook and its kernel would."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_notebooks(destination):
    """Copy ``notebooks/`` without outputs: the page will show only what this run produces."""
    shutil.copytree(SOURCE, destination, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for path in destination.glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(notebook, path)


def write_lab_settings(settings_dir):
    for plugin, values in LAB_SETTINGS.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def wait_for_server(process, lab, log):
    """Poll /api/status until JupyterLab answers; fail with its output if it exits or hangs."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while process.poll() is None and time.monotonic() < deadline:
        try:
            lab.api("status", timeout=2)
            return
        except OSError:  # not listening, or not answering, yet
            time.sleep(0.25)
    problem = (
        f"exited with code {process.returncode}"
        if process.poll() is not None
        else f"did not answer within {SERVER_START_TIMEOUT} s"
    )
    pytest.fail(f"`make lab` {problem}. Its output:\n{log.read_text()[-5000:]}")


def stop_process_group(process):
    """SIGTERM the whole group (make and JupyterLab, which then shuts down its kernels);
    SIGKILL whatever is left after SERVER_STOP_TIMEOUT."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):  # the group is gone already
            os.killpg(process.pid, sig)
        deadline = time.monotonic() + SERVER_STOP_TIMEOUT
        while group_alive(process) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not group_alive(process):
            return


def group_alive(process):
    process.poll()  # reap make once it has exited, so it no longer counts
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of notebooks/, started with `make -s lab` exactly as a student
    starts it; stopped (with its kernels) when the module's tests are done, pass or fail."""
    tmp = tmp_path_factory.mktemp("lab")
    root, state = tmp / "notebooks", tmp / "state"
    copy_notebooks(root)
    write_lab_settings(state / "settings")
    port, token = free_port(), secrets.token_hex(24)
    lab_args = [
        "--no-browser",
        "--ServerApp.port_retries=0",  # fail at once if the port was taken meanwhile
        f"--LabApp.user_settings_dir={state / 'settings'}",
        f"--LabApp.workspaces_dir={state / 'workspaces'}",
    ]
    command = [
        "make", "-s", "lab", f"LAB_PORT={port}", f"NOTEBOOK_DIR={root}",
        f"LAB_ARGS={shlex.join(lab_args)}",
    ]  # fmt: skip
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_RUNTIME_DIR": str(state / "runtime")}
    env.pop("MPLBACKEND", None)
    log = tmp / "lab.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown can end all of it
        )
    lab = Lab(url=f"http://127.0.0.1:{port}", token=token, root=root)
    try:
        wait_for_server(process, lab, log)
        yield lab
    finally:
        stop_process_group(process)


# --- Chromium ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright; skipped (or failed, in CI) if missing."""
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("NNLAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{INSTALL_HINT} NNLAB_REQUIRE_BROWSER=1 makes this a failure.")
        pytest.skip(INSTALL_HINT)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, lab):  # browser first: no server is started when Chromium is missing
    """A fresh browser page; afterwards it is closed and its notebook's kernel shut down."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WIDGET_TIMEOUT)
    try:
        yield context.new_page()
    finally:
        context.close()
        lab.shut_down_kernels()


# --- Driving JupyterLab ------------------------------------------------------------------------


def open_notebook(page, lab, name, n_cells):
    """Open a notebook and wait until all its cells are on the page and its kernel is idle."""
    # ?reset: a fresh workspace, so notebooks opened by earlier tests do not reopen.
    page.goto(f"{lab.url}/lab/tree/{name}?reset&token={lab.token}")
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-Notebook .jp-Cell').length === n",
        arg=n_cells,
        timeout=OPEN_TIMEOUT,
    )
    try:
        page.wait_for_function(KERNEL_READY_JS, timeout=OPEN_TIMEOUT)
    except PlaywrightTimeout:
        status = page.locator(".jp-StatusBar-TextItem", has_text=" | ").first.text_content()
        pytest.fail(f"the kernel of {name} did not start; the status bar says {status!r}")


def run_all_cells(page, must_run, may_fail):
    """Run ▸ Run All Cells; return once the cells have run (or failed), or after RUN_TIMEOUT."""
    click_menu(page, "Run", "runmenu:run-all")
    if not must_run:
        return
    try:
        page.wait_for_function(RUN_STARTED_JS, arg=must_run, timeout=WIDGET_TIMEOUT)
    except PlaywrightTimeout:
        pytest.fail(f"Run All Cells started no cell within {WIDGET_TIMEOUT / 1000:.0f} s")
    wait_until(page, RUN_FINISHED_JS, [must_run, may_fail], RUN_TIMEOUT)


def click_menu(page, menu, command):
    """Open a main-menu menu and click the item bound to a JupyterLab command id."""
    page.get_by_role("menuitem", name=menu, exact=True).click()
    page.locator(f".lm-Menu-item[data-command='{command}']").click()


def wait_until(page, script, arg, timeout):
    """Wait for a JavaScript condition; on timeout just return: the assertions say what is wrong."""
    try:
        page.wait_for_function(script, arg=arg, timeout=timeout)
    except PlaywrightTimeout:
        pass


def save_notebook(page, path):
    """Save from the browser (File ▸ Save Notebook) and read what JupyterLab wrote."""
    click_menu(page, "File", "docmanager:save")
    dirty_tab = page.locator(".lm-DockPanel-tabBar .jp-mod-current.jp-mod-dirty")
    expect(dirty_tab, f"JupyterLab did not save {path.name}").to_have_count(
        0, timeout=WIDGET_TIMEOUT
    )
    return nbformat.read(path, as_version=4)


def screenshot_notebook(page, path):
    """Screenshot the whole notebook: grow the window until nothing scrolls, then shoot.

    Slow for a long notebook (~20 s), so taken only when a test fails."""
    scroller = page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").first
    extra = scroller.evaluate("el => el.scrollHeight - el.clientHeight") if scroller.count() else 0
    size = page.viewport_size
    if extra > 0:
        page.set_viewport_size({**size, "height": min(size["height"] + extra, 16_000)})
        fits = "el => el.scrollHeight <= el.clientHeight + 1"
        wait_until(page, fits, scroller.element_handle(), WIDGET_TIMEOUT)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(size)


def expected_errors(notebook):
    """Indices of the cells that are meant to raise."""
    return [
        i
        for i, cell in enumerate(notebook.cells)
        if RAISES_TAGS & set(cell.metadata.get("tags", [])) or RAISES_COMMENT in cell.source
    ]


def widget_outputs(notebook):
    """How many widgets each cell displayed (the widget-view outputs the kernel sent)."""
    return [
        sum(WIDGET_MIME in output.get("data", {}) for output in cell.get("outputs", []))
        for cell in notebook.cells
    ]


# --- Per-notebook widget checks ----------------------------------------------------------------


def assert_loaded(image):
    loaded = image.evaluate("img => img.decode().then(() => img.naturalWidth > 0, () => false)")
    assert loaded, f"the image {image.get_attribute('src')!r} does not load"


def move_slider(page, css_class, index, artifact):
    """Move slider number ``index`` of the widget with ``css_class`` to one end with the
    keyboard; the slider's value, the widget's text and its plotted PNG must all change.
    Returns (the text after the move, the slider's new value as its readout shows it)."""
    box = page.locator(f".{css_class}").first
    expect(box, f"no {css_class} on the page").to_be_visible(timeout=WIDGET_TIMEOUT)
    slider = box.locator(".widget-slider").nth(index)
    handle, value = slider.locator(".noUi-handle"), slider.locator(".widget-readout")
    readout, image = box.locator(".widget-html-content").first, box.locator("img").first
    assert_loaded(image)
    before = readout.inner_text(), image.get_attribute("src"), image.screenshot()
    before_value = value.inner_text()

    at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    handle.press("Home" if at_max else "End")  # the slider takes focus; End moves it to its max

    expect(value, "the slider did not move").not_to_have_text(before_value, timeout=WIDGET_TIMEOUT)
    expect(readout, "the readout did not change").not_to_have_text(
        before[0], timeout=WIDGET_TIMEOUT
    )
    expect(image, "the plot was not redrawn").not_to_have_attribute(
        "src", before[1], timeout=WIDGET_TIMEOUT
    )
    assert_loaded(image)
    assert image.screenshot() != before[2], "the new plot looks exactly like the old one"
    box.screenshot(path=ARTIFACTS / artifact)
    return readout.inner_text(), value.inner_text().replace("−", "-")


def check_neuron_playground(page):
    """Move x1 of the neuron playground: the z/y readout must use the slider's new value."""
    text, value = move_slider(page, "nnlab-neuron-playground", 0, "01_neurons-slider-moved.png")
    new_value = f"{float(value):g}"  # as the readout prints it
    assert re.search(rf"z = (.*\D)?{re.escape(new_value)}×", text), (
        f"the readout {text!r} does not use the slider's value {new_value}"
    )


def check_activation_explorer(page):
    """Move the input std of notebook 03's explorer (sigmoid, std 1) to its maximum, 4: the
    saturated share must become P(|z| ≥ 4.36) for z ~ N(0, 4²) = 27.6 %."""
    text, value = move_slider(
        page, "nnlab-activation-explorer", 2, "03_activations-slider-moved.png"
    )
    assert value == "4.00", f"the std slider's maximum should be 4.00; got {value}"
    assert "27.6%" in text, f"the readout {text!r} does not show the share at std 4"


def check_loss_explorer(page):
    """Move the outlier of notebook 04's explorer to its maximum, 20: the MSE line (the mean of
    the 13 values) must move to where the same widget built headless at outlier=20 puts it."""
    from nnlab.widgets import make_loss_explorer

    text, value = move_slider(page, "nnlab-loss-explorer", 2, "04_losses-slider-moved.png")
    assert value == "20.00", f"the outlier slider's maximum should be 20.00; got {value}"
    expected = re.search(r"MSE [-\d.]+", make_loss_explorer(outlier=20.0).readout.value)[0]
    assert expected in text, f"the readout {text!r} does not show {expected}"


def check_perceptron_trainer(page):
    """Move the update slider of notebook 02's trainer (AND) to its end: the readout must show
    the last update, as the headless trainer counts them."""
    from nnlab.widgets import make_perceptron_trainer

    last = len(make_perceptron_trainer().perceptron.updates_)
    text, value = move_slider(
        page, "nnlab-perceptron-trainer", 1, "02_perceptron-trainer-slider-moved.png"
    )
    assert value == str(last), f"the update slider's maximum should be {last}; got {value}"
    assert f"update {last} of {last}" in text, f"the readout {text!r} is not at the last update"


def check_xor_explorer(page):
    """Move the hidden-units slider of notebook 02's XOR explorer to its end, 8: the readout
    must give the accuracy the headless explorer trains to with 8 units."""
    from nnlab.widgets import make_xor_explorer

    text, value = move_slider(page, "nnlab-xor-explorer", 0, "02_perceptron-xor-slider-moved.png")
    assert value == "8", f"the hidden-units slider's maximum should be 8; got {value}"
    accuracy = make_xor_explorer(hidden_units=8).metrics["accuracy"]
    assert f"accuracy {accuracy:.1%}" in text, f"the readout {text!r} lacks {accuracy:.1%}"


def check_backprop_stepper(page):
    """Move the step slider of notebook 05's stepper to its end, 14: the readout must name the
    update stage with the weights it moved to, as the headless widget at step 14 shows them."""
    from nnlab.widgets import make_backprop_stepper

    text, value = move_slider(page, "nnlab-backprop-stepper", 2, "05_backprop-slider-moved.png")
    assert value == "14", f"the step slider's maximum should be 14; got {value}"
    expected = make_backprop_stepper(step=14).readout.value.split("<br>")[0]
    expected = re.sub(r"<[^>]+>", "", expected)  # the bold stage line, as the page shows it
    assert expected in text, f"the readout {text!r} does not show {expected!r}"


def check_initialization_explorer(page):
    """Move the depth slider of notebook 06's explorer to its end, 20: the readout must give the
    std range the headless explorer finds over 20 layers."""
    from nnlab.widgets import make_initialization_explorer

    text, value = move_slider(
        page, "nnlab-initialization-explorer", 1, "06_initialization-slider-moved.png"
    )
    assert value == "20", f"the depth slider's maximum should be 20; got {value}"
    expected = re.search(
        r"stays between [\d.]+ and [\d.]+ over the 20 layers",
        re.sub(r"<[^>]+>", "", make_initialization_explorer(depth=20).readout.value),
    )[0]
    assert expected in text, f"the readout {text!r} does not show {expected!r}"


def check_gradient_flow_explorer(page):
    """Move the depth slider of notebook 07's explorer to its end, 30: the readout must give the
    first/last gradient ratio the headless explorer computes for 30 sigmoid layers."""
    from nnlab.widgets import make_gradient_flow_explorer

    text, value = move_slider(
        page, "nnlab-gradient-flow-explorer", 0, "07_vanishing_gradients-slider-moved.png"
    )
    assert value == "30", f"the depth slider's maximum should be 30; got {value}"
    ratio = f"{make_gradient_flow_explorer(depth=30).norms.first_to_last:.3g}"
    assert ratio in text, f"the readout {text!r} does not show the ratio {ratio}"


def check_optimizer_race(page):
    """Move the momentum slider of notebook 08's race to its end, 0.99: the table must give the
    momentum racer's final distance that the headless race computes with μ = 0.99."""
    from nnlab.widgets import make_optimizer_race

    text, value = move_slider(page, "nnlab-optimizer-race", 1, "08_optimizers-slider-moved.png")
    assert value == "0.99", f"the momentum slider's maximum should be 0.99; got {value}"
    row = next(line for line in make_optimizer_race(momentum=0.99).table.splitlines()
               if line.startswith("SGD + momentum"))  # fmt: skip
    assert row.split()[-1] in text, f"the table {text!r} does not show {row!r}"


def check_regularization_explorer(page):
    """Move the λ slider of notebook 09's explorer to its end, 0.03: the readout must give the
    verdict the headless explorer gives for that much L2 (underfitting)."""
    from nnlab.widgets import make_regularization_explorer

    text, value = move_slider(
        page, "nnlab-regularization-explorer", 0, "09_regularization-slider-moved.png"
    )
    assert value == "0.03", f"the λ slider's last value should be 0.03; got {value}"
    verdict = repr(make_regularization_explorer(l2=0.03)).split(": ")[1].split(",")[0]
    assert verdict in text, f"the readout {text!r} does not give the verdict {verdict!r}"


# How each registered widget (nnlab.widgets.WIDGETS) is driven, and the notebook that shows it.
WIDGET_CHECKS = {
    "neuron_playground": ("01_neurons.ipynb", check_neuron_playground),
    "activation_explorer": ("03_activations.ipynb", check_activation_explorer),
    "loss_explorer": ("04_losses.ipynb", check_loss_explorer),
    "perceptron_trainer": ("02_perceptron.ipynb", check_perceptron_trainer),
    "xor_explorer": ("02_perceptron.ipynb", check_xor_explorer),
    "backprop_stepper": ("05_backprop.ipynb", check_backprop_stepper),
    "initialization_explorer": ("06_initialization.ipynb", check_initialization_explorer),
    "gradient_flow_explorer": ("07_vanishing_gradients.ipynb", check_gradient_flow_explorer),
    "optimizer_race": ("08_optimizers.ipynb", check_optimizer_race),
    "regularization_explorer": ("09_regularization.ipynb", check_regularization_explorer),
}


# --- Tests -------------------------------------------------------------------------------------


def describe(notebook, i):
    first_line = notebook.cells[i].source.strip().partition("\n")[0]
    return f"cell {i + 1} ({first_line[:60]!r})"


@pytest.mark.browser
@pytest.mark.parametrize("source", [pytest.param(p, id=p.name) for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab_with_working_widgets(page, lab, source):
    path = lab.root / source.name
    notebook = nbformat.read(path, as_version=4)
    must_run = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and cell.source.strip()
    ]
    may_fail = expected_errors(notebook)
    try:
        open_notebook(page, lab, source.name, len(notebook.cells))
        run_all_cells(page, must_run, may_fail)
        displayed = widget_outputs(save_notebook(page, path))
        wait_until(page, WIDGETS_RENDERED_JS, displayed, WIDGET_TIMEOUT)
    except BaseException:
        screenshot_notebook(page, ARTIFACTS / f"{source.stem}.png")  # the whole notebook: ~20 s
        raise
    page.screenshot(path=ARTIFACTS / f"{source.stem}.png")  # what the window shows: instant

    cells = page.evaluate(CELL_STATES_JS)
    errors = [
        f"{describe(notebook, i)}:\n{text}"
        for i, cell in enumerate(cells)
        if i not in may_fail
        for text in cell["stderr"]
    ]
    assert not errors, "error or stderr output in\n" + "\n".join(errors)
    not_run = [
        describe(notebook, i) for i in must_run if not EXECUTED.fullmatch(cells[i]["prompt"])
    ]
    assert not not_run, f"no execution count after Run All Cells: {', '.join(not_run)}"
    text = page.locator("body").text_content()
    broken = text.find("Error displaying widget")
    assert broken < 0, f"the page shows {text[broken : broken + 200]!r}"
    missing = [
        f"{describe(notebook, i)} displayed {n}, the page shows {cells[i]['widgets']}"
        for i, n in enumerate(displayed)
        if cells[i]["widgets"] < n
    ]
    assert not missing, (
        f"widgets not rendered: {'; '.join(missing)}. Is jupyterlab_widgets installed next to "
        "JupyterLab, in the version that matches ipywidgets (see constraints.txt)?"
    )
    for notebook_name, check in WIDGET_CHECKS.values():
        if notebook_name == source.name:
            check(page)


def test_every_registered_widget_is_driven_in_its_notebook():
    from nnlab.widgets import WIDGETS

    assert set(WIDGET_CHECKS) == set(WIDGETS), "add a browser check for each registered widget"
    names = {path.name for path in NOTEBOOKS}
    missing = {nb for nb, _ in WIDGET_CHECKS.values()} - names
    assert not missing, f"no notebook {missing}"
