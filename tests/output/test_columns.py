"""Requirement (issue 26, item 6a): the CSV has a column only for what the run's sub-models compute.

Each tiny test case is run in-process for one short step; its ``timeseries.csv`` header and the columns
listed in ``run.json`` must be exactly the expected set: the clock's, the electrochemistry's, then the
columns of the active interdiffusion, contact and flow, and ``rejected_steps``. A pure-Li run has no Mg
column, full contact no void column, prescribed voids their prescribed count (never 0 once open) and size,
only a creep run the creep iterations. Every value written is finite.
"""

import csv
import math

import pytest
from helpers import DATA
from mpi4py import MPI

from phasefield.case import load_case
from phasefield.coupling.simulation import Simulation
from phasefield.output.timeseries import TimeSeriesWriter

CLOCK = ["step", "protocol_step", "time_s", "dt_s", "capacity_mAh_per_cm2", "step_capacity_mAh_per_cm2",
         "current_density_mA_per_cm2"]
ELECTROCHEMISTRY = ["cell_voltage_V", "overpotential_V", "contact_fraction", "max_current_density_mA_per_cm2",
                    "current_focusing", "newton_iterations"]
MAGNESIUM = ["interface_x_Mg", "max_x_Mg", "foil_mean_x_Mg", "plated_layer_relative_Mg", "mg_created_relative"]
PRESCRIBED = ["voids_per_100um", "mean_void_width_um", "max_void_height_um"]
PHASE_FIELD = ["voids_per_100um", "mean_void_width_um", "max_void_width_um", "max_void_height_um", "gap",
               "nucleation_events", "interface_supersaturation_kT", "interface_mg_coverage", "void_newton_iterations",
               "phase_error",
               "void_volume_share", "effective_void_height_um"]
EXPECTED = {
    "small_limg.toml": [*MAGNESIUM, "max_metal_speed_um_per_h"],
    "small_prescribed.toml": [*PRESCRIBED, "max_metal_speed_um_per_h"],
    "tiny_phase_field.toml": [*PHASE_FIELD, "max_metal_speed_um_per_h"],
    "tiny_creep.toml": [*PHASE_FIELD, "creep_iterations", "lifted_off_share", "max_metal_speed_um_per_h"],
}
#: one step that opens the prescribed voids (their table reaches 0.4 at 0.5 mAh/cm2)
SHORT_PROTOCOL = '[protocol]\nsteps = ["Strip at 0.5 mA/cm^2 until 0.05 mAh/cm^2"]\n'


def short_case(name: str, directory) -> object:
    """``name`` with its protocol cut to one 0.05 mAh/cm2 strip (the phase-field cases are that short already)."""
    text = (DATA / name).read_text()
    if name.startswith("small_"):
        start = text.index("[protocol]")
        end = text.index("\n[", start) + 1
        text = text[:start] + SHORT_PROTOCOL + "\n" + text[end:]
    path = directory / name
    path.write_text(text)
    return path


def run_rows(case, output) -> tuple[list[str], list[dict[str, str]], dict]:
    output.mkdir()
    simulation = Simulation(load_case(case), MPI.COMM_WORLD, output)
    try:
        summary = simulation.run()
        listed = simulation.columns
    finally:
        simulation.close()
    assert summary.status == "completed"
    with (output / "timeseries.csv").open(newline="") as stream:
        reader = csv.DictReader(stream)
        return list(reader.fieldnames), list(reader), listed


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_run_writes_exactly_the_columns_of_its_active_submodels(name, tmp_path):
    header, rows, listed = run_rows(short_case(name, tmp_path), tmp_path / "out")
    model_columns = [c for c in header if c not in CLOCK + ELECTROCHEMISTRY + ["rejected_steps"]]
    assert header[:len(CLOCK)] == CLOCK and header[-1] == "rejected_steps"
    assert header[len(CLOCK):len(CLOCK) + len(ELECTROCHEMISTRY)] == ELECTROCHEMISTRY
    assert sorted(model_columns) == sorted(EXPECTED[name]), model_columns
    assert list(listed) == header  # run.json's column list
    assert len(rows) >= 2
    finite = [key for key in header if key != "plated_layer_relative_Mg"]  # NaN before anything is plated
    assert all(math.isfinite(float(row[key])) for row in rows for key in finite)
    if name == "small_prescribed.toml":
        last = rows[-1]
        assert float(last["voids_per_100um"]) == pytest.approx(4 * 100 / 40)  # 4 voids in 40 um
        assert 0 < float(last["mean_void_width_um"]) < 10  # open, narrower than the 10 um spacing
        assert float(last["max_void_height_um"]) > 0


def test_a_restart_appends_in_the_new_columns_to_a_file_with_more(tmp_path):
    """A CSV written with extra (inactive, all-zero) columns keeps its rows up to the restart step, in
    the run's own columns; a column the file lacks (a newer version writes it) is nan in the kept rows."""
    path = tmp_path / "timeseries.csv"
    path.write_text("step,time_s,voids_per_100um\n0,0.0,0.0\n1,10.0,0.0\n2,20.0,0.0\n")
    writer = TimeSeriesWriter(path, MPI.COMM_WORLD, ["step", "time_s"], resume_after=1)
    writer.write({"step": 2, "time_s": 21.0})
    writer.close()
    assert path.read_text().splitlines() == ["step,time_s", "0,0.0", "1,10.0", "2,2.100000000000e+01"]
    TimeSeriesWriter(path, MPI.COMM_WORLD, ["step", "time_s", "x_Mg"], resume_after=1).close()
    assert path.read_text().splitlines() == ["step,time_s,x_Mg", "0,0.0,nan", "1,10.0,nan"]
