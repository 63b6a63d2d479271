# phasefield: set-up, demo and tests. `make demo` and `make test` work on a fresh clone.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1

# Python 3.12: PYTHON if given, else pyenv's, else the one on PATH.
PYTHON ?= $(shell for p in "$$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3.12 \
                  $$HOME/.pyenv/versions/3.12*/bin/python3.12 /root/.pyenv/versions/3.12*/bin/python3.12 \
                  "$$(command -v python3.12)"; do [ -x "$$p" ] && { echo "$$p"; break; }; done)

DEMO_CASE := cases/li_prescribed_contact.toml
DEMO_OUT := results/demo

.PHONY: venv demo test test-all lint clean

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: no Python 3.12 found (looked in pyenv and on PATH); install it or run 'make PYTHON=/path/to/python3.12'" >&2; exit 1; fi
	@echo "creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

demo: venv
	$(VENV)/bin/phasefield run $(DEMO_CASE) -o $(DEMO_OUT) --overwrite
	@echo "demo results in $(DEMO_OUT): timeseries.csv, fields/*.pvd, run.json, voltage_vs_capacity.png"

test: venv
	$(PY) -m pytest -m "not slow" -q

test-all: venv
	$(PY) -m pytest -q

lint: venv
	$(PY) -m ruff check .

clean:
	rm -rf results .pytest_cache
