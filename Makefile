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

DEMO_CASES := li limg
DEMO_OUT := results/demo

.PHONY: venv demo test test-all lint clean verify reproduce reproduce-quick calibration

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: no Python 3.12 found (looked in pyenv and on PATH); install it or run 'make PYTHON=/path/to/python3.12'" >&2; exit 1; fi
	@echo "creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

# The coupled model (voids, creep, contact-limited Butler-Volmer) for Li and Li0.97Mg0.03 on a 20 um window
# (cases/demo/, both at once, one core each), then their figures (postprocessing/demo_figure.py): README.
demo: venv
	@mkdir -p $(DEMO_OUT)/logs
	@echo "running cases/demo/li_demo.toml and cases/demo/limg_demo.toml (2-4 min; logs in $(DEMO_OUT)/logs)"
	@printf '%s\n' $(DEMO_CASES) | xargs -P 2 -I{} sh -c '$(VENV)/bin/phasefield run cases/demo/{}_demo.toml \
	  -o $(DEMO_OUT)/{} --overwrite -q > $(DEMO_OUT)/logs/{}.log 2>&1 && echo "{}: completed" \
	  || echo "{}: not completed (see $(DEMO_OUT)/{}/run.json)"'
	$(PY) postprocessing/demo_figure.py $(DEMO_OUT)/li $(DEMO_OUT)/limg $(DEMO_OUT)
	@echo "demo runs in $(DEMO_OUT)/li and $(DEMO_OUT)/limg (timeseries.csv, fields/, run.json, voltage_vs_capacity.png)"

test: venv
	$(PY) -m pytest -m "not slow" -q

test-all: venv
	$(PY) -m pytest -q

# Convergence studies of every sub-model and of the coupled model at the full resolutions (~20 min):
# observed vs theoretical orders in docs/verification (orders.md, orders.csv, one PNG per study).
verify: venv
	$(VENV)/bin/phasefield verify --full -o docs/verification

# The seed paper's targets T1-T7: every case, then the report (postprocessing/report.py; results only).
# Single runs go two at a time, sweep members two at a time; a run that fails or stops is a result, reported
# with its status, and the report is built in any case. Wall times on 2 cores: README, "Reproducing the paper".
PF := $(VENV)/bin/phasefield
FULL_RUNS := $(basename $(notdir $(wildcard cases/t[12567]_*.toml)))
QUICK_RUNS := $(patsubst %_quick,%,$(basename $(notdir $(wildcard cases/quick/t[12567]_*_quick.toml))))
# The full T3 sweep runs on the 20 um window (t3_li_pressure_sweep_small_window): the 60 um one
# (cases/t3_li_pressure_sweep.toml) takes many hours per member (docs/creep.md); make T3_SWEEP=... to change.
T3_SWEEP := t3_li_pressure_sweep_small_window
# $(1): case folder, $(2): case-name suffix, $(3): results folder, $(4): run names, $(5): T3 sweep name
define reproduce_runs
	@mkdir -p $(3)/logs
	@printf '%s\n' $(4) | xargs -P 2 -I{} sh -c '$(PF) run $(1)/{}$(2).toml -o $(3)/{} --overwrite -q \
	  > $(3)/logs/{}.log 2>&1 && echo "{}: completed" || echo "{}: not completed (see $(3)/{}/run.json)"'
	-$(PF) sweep $(1)/$(5)$(2).toml -o $(3)/$(5) --overwrite -j 2
	-$(PF) sweep $(1)/t4_limg_pressure_sweep$(2).toml -o $(3)/t4_limg_pressure_sweep --overwrite -j 2
endef

# Every full case and sweep into results/ (many hours), then docs/reproduction.md with its figures.
reproduce: venv
	$(call reproduce_runs,cases,,results,$(FULL_RUNS),$(T3_SWEEP))
	$(PY) postprocessing/report.py results docs --figures figures/reproduction

# The quick set (cases/quick: coarser windows, larger steps, shorter protocols) into results/quick/,
# then results/quick/report/reproduction.md.
reproduce-quick: venv
	$(call reproduce_runs,cases/quick,_quick,results/quick,$(QUICK_RUNS),t3_li_pressure_sweep)
	$(PY) postprocessing/report.py results/quick results/quick/report --quick

# The T1 calibration study of the void knobs (cases/calibration: three sweeps, 13 members; 34 min one at a
# time on a shared 2-core machine), then its table and figure in docs/calibration/
# (postprocessing/calibration.py); discussed in docs/calibration.md.
CALIBRATION := t1_sink_spacing t1_nucleation_barrier t1_nucleation_prefactor
calibration: venv
	-for study in $(CALIBRATION); do \
	  $(PF) sweep cases/calibration/$$study.toml -o results/calibration/$$study --overwrite -j 2; done
	$(PY) postprocessing/calibration.py $(addprefix results/calibration/,$(CALIBRATION)) --output docs/calibration

lint: venv
	$(PY) -m ruff check .

clean:
	rm -rf results .pytest_cache
