# nnlab: the two commands are `make lab` (open the course) and `make test` (run every test).
# Each first builds .venv with the pinned versions; a second run skips that unless
# pyproject.toml or constraints.txt changed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
READY := $(VENV)/.nnlab-installed
LAB_PORT ?= 8888
LAB_ARGS ?=
NOTEBOOK_DIR ?= notebooks
# The target named in messages that suggest another interpreter.
GOAL := $(or $(firstword $(MAKECMDGOALS)),lab)
# Jupyter refuses to run as root unless told; add the flag only then.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# The lab command lives in one variable so the browser test starts JupyterLab exactly like this.
LAB_CMD = $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
	--ServerApp.root_dir=$(NOTEBOOK_DIR) $(ROOT_FLAG) $(LAB_ARGS)

# Quiet TensorFlow in every kernel; an exported MPLBACKEND would change notebook plot outputs.
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0
unexport MPLBACKEND

# pytest workers: both cores by default (each notebook's cells stay together on one worker).
JOBS ?= auto
PYTEST = $(BIN)/python -m pytest -n $(JOBS) --dist loadfile

.PHONY: lab print-lab-cmd test quick lint notebooks student grade bench clean help

help:
	@echo "make lab    open the course in JupyterLab (http://127.0.0.1:$(LAB_PORT), token printed below)"
	@echo "make test   lint, unit and widget tests, doctests, strict nbval of every notebook, browser test"
	@echo "make quick  everyday check: lint, unit, widget and doctests (no notebooks, browser or network)"
	@echo "make notebooks  re-execute every notebook in place (after changing nnlab or a notebook)"
	@echo "make student    build student versions of the notebooks into build/student (nbgrader)"
	@echo "make grade SUBMISSIONS=<folder>  grade one sub-folder per student (nbgrader): build/grading"
	@echo "make bench      print the performance targets' measurements"

# Before pip runs: is $(PYTHON) one the pins are tested on (tools/check_python.py says which)?
# Then build .venv, or rebuild one that a failed run left without a working pip.
$(READY): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "No '$(PYTHON)' found: name an installed \
		Python 3 (see README, Supported Python), e.g. make PYTHON=python3.12 $(GOAL)"; exit 1; }
	@$(PYTHON) tools/check_python.py "$(PYTHON)" "$(GOAL)"
	@if test -e $(VENV) && ! $(BIN)/python -m pip --version >/dev/null 2>&1; then \
		echo "$(VENV) is half-made (no working pip): removing it and starting again."; \
		rm -rf $(VENV); fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create $(VENV): on Debian/Ubuntu install python3-venv first."; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[course,dev]"
	@touch $@

lab: $(READY)
	$(LAB_CMD)

print-lab-cmd:
	@echo '$(LAB_CMD)'

lint: $(READY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(PYTEST)

quick: lint
	$(PYTEST) nnlab tests -m "not notebooks and not browser and not network"

notebooks: $(READY)
	$(BIN)/python tools/run_notebooks.py

student: $(READY)
	$(BIN)/python -m nnlab.homework notebooks build/student

# Seconds each cell of a submission may run before it is stopped; ONLY='01_neurons …' grades some.
TIMEOUT ?= 120
ONLY ?=
grade: $(READY)
	@test -n "$(SUBMISSIONS)" || { \
		echo "Usage: make grade SUBMISSIONS=<folder> [ONLY='01_neurons 02_perceptron'] [TIMEOUT=120]"; \
		echo "The folder holds one sub-folder per student, with that student's notebooks."; \
		exit 2; }
	$(BIN)/python -m nnlab.grading "$(SUBMISSIONS)" --source $(NOTEBOOK_DIR) --build build/grading \
		--timeout $(TIMEOUT) $(if $(ONLY),--only $(ONLY))

bench: $(READY)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build .pytest_cache test-artifacts
