"""Requirements of the Python API (``phasefield.Simulation``, ``load``, ``sweep``): a run with overrides
returns its results (the CSV as a DataFrame with the CSV's columns, pyvista readers of the fields, run.json,
a figure), the overrides take effect in them, ``load`` reopens a folder as the same Result, a non-empty
output folder is refused, a run that does not finish raises a typed exception carrying its results (never
an exit), a run interrupted through the API restarts through the API to the uninterrupted run's rows
(``Simulation.run(output, restart=True)``, refused without a checkpoint or for another case), a sweep gives
one DataFrame of every member, progress shows without a terminal, and ``import phasefield`` stays light
while ``help(phasefield)`` describes the API. The example script ``examples/python_api.py`` runs as a user
would run it."""

import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
import tomllib
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from helpers import DATA, MPIEXEC

import phasefield
from phasefield import api
from phasefield.constants import FARADAY, GAS_CONSTANT

ROOT = Path(__file__).resolve().parent.parent
CASE = DATA / "small_prescribed.toml"
EXAMPLE = ROOT / "examples" / "python_api.py"
ONE_STEP = {"time.max_steps": 1}


def charge_transfer_overpotential(current_density: float, exchange_current_density: float,
                                  temperature: float) -> float:
    """Symmetric Butler-Volmer (alpha_a = alpha_c = 1/2) solved for eta (V): (2RT/F) asinh(i / 2 i0)."""
    return 2 * GAS_CONSTANT * temperature / FARADAY * math.asinh(current_density / (2 * exchange_current_density))


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> tuple[Path, str]:
    """The example script run as a user runs it: its results folder and what it printed."""
    output = tmp_path_factory.mktemp("example") / "results"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, str(EXAMPLE), str(output)], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return output, done.stdout


def test_the_example_runs_with_its_override_and_prints_its_numbers(example):
    output, printed = example
    assert "status: completed" in printed
    assert "overrides: {'metal.exchange_current_density': '1 mA/cm^2'}" in printed
    assert "steps: 13" in printed and "stripped capacity: 0.300 mAh/cm2, contact there: 0.640" in printed
    assert (output / "python_api.png").stat().st_size > 10_000


def test_the_override_takes_effect_in_the_results(example, tmp_path):
    """Lowering i0 from 5 to 1 mA/cm2 raises the initial overpotential (full contact, uniform current) by the
    difference of the two charge-transfer overpotentials; the rest of the cell is unchanged."""
    changed = phasefield.load(example[0])
    baseline = phasefield.Simulation(CASE, overrides=ONE_STEP).run(tmp_path / "baseline", progress=False)
    assert baseline.status == "stopped: max_steps = 1 reached" and len(baseline.timeseries) == 2
    assert changed.metadata["parameters"]["metal"]["exchange_current_density"]["si"] == pytest.approx(10.0)
    assert changed.metadata["parameters"]["metal"]["exchange_current_density"]["source"] \
        == "overrides metal.exchange_current_density"
    assert baseline.metadata["parameters"]["metal"]["exchange_current_density"]["si"] == pytest.approx(50.0)
    temperature = baseline.metadata["case"]["cell"]["temperature"]
    current = 5.0  # A/m^2 = 0.5 mA/cm^2
    expected = (charge_transfer_overpotential(current, 10.0, temperature)
                - charge_transfer_overpotential(current, 50.0, temperature))
    rise = changed.timeseries["overpotential_V"].iloc[0] - baseline.timeseries["overpotential_V"].iloc[0]
    assert expected == pytest.approx(0.01015, rel=1e-3)
    assert rise == pytest.approx(expected, rel=1e-4)


def test_load_reopens_a_run_as_its_result(example):
    output = example[0]
    result = phasefield.load(output)
    assert isinstance(result, phasefield.Result) and result.status == "completed"
    lines = (output / "timeseries.csv").read_text().splitlines()
    series = result.timeseries
    assert list(series.columns) == lines[0].split(",") and len(series) == len(lines) - 1 == 14
    assert series["capacity_mAh_per_cm2"].max() == pytest.approx(0.3, rel=1e-9)
    assert result.metadata == json.loads((output / "run.json").read_text())
    assert sorted(result.fields) == ["electrolyte", "metal"]
    metal = result.fields["metal"]
    assert len(metal.time_values) == 8  # fields_every = 2 over 13 steps: 0, 2, ..., 12 and the last
    assert metal.time_values[-1] == pytest.approx(series["time_s"].iloc[-1])
    assert "metal_fraction" in metal.read()[0].point_data


def test_plot_returns_the_run_figure(example):
    result = phasefield.load(example[0])
    figure = result.plot()
    top, bottom = figure.axes
    first = top.lines[0]
    assert first.get_ydata()[0] == pytest.approx(1e3 * result.timeseries["overpotential_V"].iloc[0])
    assert bottom.get_ylabel() == "contact loss (%)"
    assert max(bottom.lines[0].get_ydata()) == pytest.approx(100 * (1 - result.timeseries["contact_fraction"].min()))


def test_load_refuses_a_folder_without_results(tmp_path):
    with pytest.raises(FileNotFoundError, match="no run.json, not a phasefield results folder"):
        phasefield.load(tmp_path)


def test_a_run_refuses_a_folder_with_files_and_replaces_only_results_with_overwrite(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "thesis.tex").write_text("precious")
    simulation = phasefield.Simulation(CASE, overrides=ONE_STEP)
    for overwrite in (False, True):
        with pytest.raises(phasefield.OutputNotEmpty):
            simulation.run(notes, overwrite=overwrite, progress=False)
    assert [path.name for path in notes.iterdir()] == ["thesis.tex"]
    first = simulation.run(tmp_path / "run", progress=False)
    with pytest.raises(phasefield.OutputNotEmpty, match="overwrite=True"):
        simulation.run(tmp_path / "run", progress=False)
    (first.directory / "marker").write_text("from the first run")
    again = simulation.run(tmp_path / "run", overwrite=True, progress=False)
    assert again.status == "stopped: max_steps = 1 reached" and not (again.directory / "marker").exists()


def test_bad_cases_and_overrides_raise_case_error_naming_the_key():
    with pytest.raises(phasefield.CaseError, match=r"overrides cell\.stack_presure: unknown key; did you mean"):
        phasefield.Simulation(CASE, overrides={"cell.stack_presure": "1 MPa"})
    with pytest.raises(phasefield.CaseError, match=r"<case>: \(text\): malformed TOML"):
        phasefield.Simulation("[meta\ndescription = 'x'\n")
    document = tomllib.loads(CASE.read_text())
    del document["mesh"]
    with pytest.raises(phasefield.CaseError, match=r"<case>: \[mesh\]: required key is missing"):
        phasefield.Simulation(document)
    with pytest.raises(phasefield.CaseError, match="runs with phasefield.sweep"):
        phasefield.Simulation(ROOT / "cases" / "t3_li_pressure_sweep.toml").run("unused", progress=False)
    assert not Path("unused").exists()


def test_a_case_given_as_text_or_a_dict_runs_like_the_file(tmp_path):
    text = phasefield.Simulation(CASE.read_text(), overrides=ONE_STEP).run(tmp_path / "text", progress=False)
    document = phasefield.Simulation(tomllib.loads(CASE.read_text()), overrides=ONE_STEP).resolved
    assert document.case == phasefield.Simulation(CASE, overrides=ONE_STEP).resolved.case
    assert text.metadata["case_file"] == "<case>" and len(text.timeseries) == 2


def test_a_cut_off_raises_cut_off_with_the_results(tmp_path):
    steps = ["Strip at 50 mA/cm^2 until 1 mAh/cm^2 or overpotential 10 mV", "Rest for 1 h"]
    simulation = phasefield.Simulation(CASE, overrides={"protocol.steps": steps})
    with pytest.raises(phasefield.CutOff) as caught:
        simulation.run(tmp_path / "out", progress=False)
    assert caught.value.status.startswith("cut off: protocol step 0")
    assert caught.value.result.status == caught.value.status and len(caught.value.result.timeseries) == 2


def test_a_solver_failure_raises_solver_failed_instead_of_exiting(tmp_path):
    """A linear Fick model piles Mg past x = 1 at the receding interface (with the sinks 1.3 nm from it, 10 nm
    grains): the model breaks down."""
    simulation = phasefield.Simulation(DATA / "small_limg.toml", overrides={"interdiffusion.model": "fick",
                                                                           "metal.vacancy_sink_spacing": "10 nm"})
    with pytest.raises(phasefield.SolverFailed, match="x_Mg left") as caught:
        simulation.run(tmp_path / "out", progress=False)
    result = caught.value.result
    assert result.status.startswith("failed at t =") and result.timeseries["max_x_Mg"].iloc[-1] <= 1.001
    assert isinstance(caught.value, phasefield.RunError)


def test_a_restart_that_fails_before_its_first_checkpoint_names_the_one_it_started_from(tmp_path):
    """The Fick breakdown above, restarted from the checkpoint of its last accepted state: it fails again in the
    same step, and the status points at that checkpoint (it said "None" when the restart wrote none)."""
    overrides = {"interdiffusion.model": "fick", "metal.vacancy_sink_spacing": "10 nm"}
    output = tmp_path / "out"
    with pytest.raises(phasefield.SolverFailed) as first:
        phasefield.Simulation(DATA / "small_limg.toml", overrides=overrides).run(output, progress=False)
    checkpoint = first.value.status.rpartition("last accepted state in ")[2]
    assert Path(checkpoint).is_file()
    with pytest.raises(phasefield.SolverFailed, match="x_Mg left") as again:
        phasefield.Simulation(DATA / "small_limg.toml", overrides=overrides).run(output, progress=False, restart=True)
    assert again.value.status.endswith(f"last accepted state in {checkpoint}")


def test_an_interrupt_ends_the_run_after_a_step_and_raises_interrupted(tmp_path):
    """SIGINT (a notebook's interrupt button) during a run of many short steps: the run ends after a step with
    a checkpoint, and Interrupted is raised instead of KeyboardInterrupt."""
    output = tmp_path / "out"
    simulation = phasefield.Simulation(CASE, overrides={"time.capacity_step": "0.0005 mAh/cm^2"})
    finished = threading.Event()

    def interrupt_after_five_rows() -> None:
        deadline = time.monotonic() + 120
        csv = output / "timeseries.csv"
        while time.monotonic() < deadline and not finished.is_set():
            if csv.exists() and len(csv.read_text().splitlines()) > 6:
                os.kill(os.getpid(), signal.SIGINT)
                return
            time.sleep(0.005)

    thread = threading.Thread(target=interrupt_after_five_rows, daemon=True)
    thread.start()
    try:
        with pytest.raises(phasefield.Interrupted) as caught:
            simulation.run(output, progress=False)
    finally:
        finished.set()
        thread.join()
    assert caught.value.signal == signal.SIGINT
    result = caught.value.result
    steps = result.metadata["steps"]
    assert result.status == "interrupted" and 5 <= steps < 600 and len(result.timeseries) == steps + 1
    assert (output / "checkpoints" / f"checkpoint_{steps:08d}.h5").exists()


#: small_prescribed.toml in 22 steps: 15 stripping, 2 resting, 5 plating
RESTARTABLE = {"time.capacity_step": "0.02 mAh/cm^2"}


def interrupt_after(steps: int):
    """A stand-in for ``api._progress`` whose callback sends this process SIGINT after ``steps`` steps (as a
    notebook's interrupt button would), at a known step rather than at a time."""

    @contextmanager
    def progress(step_count: int, show: bool):
        done = []

        def update(*_args) -> None:
            done.append(1)
            if len(done) == steps:
                signal.raise_signal(signal.SIGINT)

        yield update

    return progress


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> api.Result:
    output = tmp_path_factory.mktemp("uninterrupted") / "out"
    result = phasefield.Simulation(CASE, overrides=RESTARTABLE).run(output, progress=False)
    assert result.status == "completed" and result.metadata["steps"] == 22
    return result


def assert_same_rows(rows, expected) -> None:
    """The same columns and rows, every value to 1e-12 relative (1e-15 absolute: the round-off of a zero
    overpotential at rest, ~1e-13 V, differs between two runs at 1e-19 V)."""
    assert list(rows.columns) == list(expected.columns) and rows.shape == expected.shape
    np.testing.assert_allclose(rows.to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("interrupted_at", [9, 16])  # while stripping; in the rest between strip and plate
def test_a_run_interrupted_in_the_api_restarts_in_the_api_to_the_uninterrupted_rows(
        interrupted_at, uninterrupted, tmp_path, monkeypatch):
    """Simulation.run(output, restart=True) continues from the interrupt's checkpoint, as ``phasefield run
    --restart`` does: every CSV row of the uninterrupted run to round-off, none twice."""
    output = tmp_path / "out"
    monkeypatch.setattr(api, "_progress", interrupt_after(interrupted_at))
    with pytest.raises(phasefield.Interrupted) as caught:
        phasefield.Simulation(CASE, overrides=RESTARTABLE).run(output)
    assert caught.value.result.metadata["steps"] == interrupted_at
    assert_same_rows(caught.value.result.timeseries, uninterrupted.timeseries[:interrupted_at + 1])
    monkeypatch.undo()
    restarted = phasefield.Simulation(CASE, overrides=RESTARTABLE).run(output, restart=True, progress=False)
    assert restarted.status == "completed" and restarted.metadata["steps"] == 22
    assert f"metal_restart{interrupted_at:05d}" in restarted.fields  # continued, not run again from the start
    assert_same_rows(restarted.timeseries, uninterrupted.timeseries)


def test_a_restart_needs_a_checkpoint_and_the_same_case(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    simulation = phasefield.Simulation(CASE, overrides=ONE_STEP)
    with pytest.raises(phasefield.RestartRefused, match=r"^restart=True: no checkpoint in .*drop restart=True\)$"):
        simulation.run(empty, restart=True, progress=False)
    simulation.run(tmp_path / "run", progress=False)
    warmer = phasefield.Simulation(CASE, overrides={**ONE_STEP, "cell.temperature": "30 degC"})
    with pytest.raises(phasefield.RestartRefused, match=r"differs from the case .* in \[cell\] temperature"):
        warmer.run(tmp_path / "run", restart=True, progress=False)
    with pytest.raises(ValueError, match="pass one"):
        simulation.run(tmp_path / "run", restart=True, overwrite=True, progress=False)
    # from the folder's case copy (its overrides in place); max_steps may change
    longer = phasefield.Simulation(tmp_path / "run" / "case.toml", overrides={"time.max_steps": 2})
    assert len(longer.run(tmp_path / "run", restart=True, progress=False).timeseries) == 3


def test_a_sweep_gives_one_table_of_every_member(tmp_path):
    document = tomllib.loads(CASE.read_text())
    document["sweep"] = {"parameter": "metal.exchange_current_density", "values": ["1 mA/cm^2", "5 mA/cm^2"]}
    swept = phasefield.sweep(document, tmp_path / "sweep", overrides=ONE_STEP, jobs=2)
    table = swept.timeseries
    assert list(table.columns[:2]) == ["member", "metal.exchange_current_density"]
    assert sorted(set(table["member"])) == sorted(swept.members) and len(table) == 4  # two rows per member
    first = table[table["time_s"] == 0.0].set_index("metal.exchange_current_density")["overpotential_V"]
    assert first["1 mA/cm^2"] - first["5 mA/cm^2"] == pytest.approx(0.010149, rel=1e-3)
    assert set(swept.statuses.values()) == {"stopped: max_steps = 1 reached"}
    reopened = phasefield.load(tmp_path / "sweep")
    assert isinstance(reopened, phasefield.SweepResult) and reopened.timeseries.equals(table)
    assert all(len(member.timeseries) == 2 for member in reopened.members.values())


def test_progress_shows_as_log_lines_without_a_terminal(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(api, "PROGRESS_PERIOD", 0.0)
    caplog.set_level("INFO", logger="phasefield")
    phasefield.Simulation(CASE, overrides={"time.max_steps": 3}).run(tmp_path / "out")
    lines = [record.getMessage() for record in caplog.records if "% done, ETA" in record.getMessage()]
    assert [line.split()[1] for line in lines] == ["1", "2", "3"]  # one line per step at period 0


def test_import_is_light_and_help_describes_the_api():
    script = ("import pydoc, sys, phasefield\n"
              "light = not {'dolfinx', 'petsc4py', 'pandas', 'pyvista', 'phasefield.api'} & set(sys.modules)\n"
              "text = pydoc.render_doc(phasefield, renderer=pydoc.plaintext)\n"
              "print(light, 'dolfinx' in sys.modules)\n"
              "print(text)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    first, text = done.stdout.split("\n", 1)
    assert first == "True False"  # nothing heavy at import; help() loads the API but not DOLFINx
    for name in ("class Simulation", "class Result", "class SweepResult", "class SolverFailed", "class CutOff",
                 "class Interrupted", "class OutputNotEmpty", "load(path)", "sweep(case, output"):
        assert name in text, name
    with pytest.raises(AttributeError, match="no attribute 'simulate'"):
        phasefield.simulate  # noqa: B018


@pytest.mark.mpi
def test_a_run_on_two_ranks_gives_every_rank_the_final_result(tmp_path):
    script = tmp_path / "two_ranks.py"
    script.write_text(
        "import sys\nfrom mpi4py import MPI\nimport phasefield\n"
        f"sim = phasefield.Simulation({str(CASE)!r}, overrides={{'time.max_steps': 3}})\n"
        "result = sim.run(sys.argv[1], progress=False)\n"
        "seen = f'{result.status}, {len(result.timeseries)} rows, {result.metadata[\"mpi_ranks\"]} ranks'\n"
        "open(f'{sys.argv[1]}.rank{MPI.COMM_WORLD.rank}', 'w').write(seen)\n")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([MPIEXEC, "-n", "2", sys.executable, str(script), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    for rank in (0, 1):
        seen = (tmp_path / f"out.rank{rank}").read_text()
        assert seen == "stopped: max_steps = 3 reached, 4 rows, 2 ranks", f"rank {rank}"
