"""`phasefield run` end to end: outputs, serial vs 2-rank agreement, analytic full contact."""

import json
import os
import platform
import subprocess
import tomllib
from pathlib import Path

import numpy as np
import pytest
from dolfinx import jit
from helpers import DATA, run_command

from phasefield.case import load_case
from phasefield.constants import FARADAY, thermal_voltage
from phasefield.output.timeseries import read_timeseries


def run(case: Path, output: Path, ranks: int = 1) -> subprocess.CompletedProcess:
    result = subprocess.run(run_command(case, output, ranks), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def serial_run(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("serial") / "out"
    run(DATA / "small_prescribed.toml", output)
    return output


def test_run_writes_timeseries_fields_metadata_and_figure(serial_run):
    data = read_timeseries(serial_run / "timeseries.csv")
    assert list(data) == list(json.loads((serial_run / "run.json").read_text())["columns"])
    assert data["capacity_mAh_per_cm2"][-1] == pytest.approx(0.2, rel=1e-9)  # 0.3 stripped, 0.1 plated
    assert max(data["step_capacity_mAh_per_cm2"]) == pytest.approx(0.3, rel=1e-9)
    assert data["contact_fraction"][0] > 0.999 and min(data["contact_fraction"]) < 0.75
    assert all(v > 0 for v, i in zip(data["overpotential_V"], data["current_density_mA_per_cm2"],
                                    strict=True) if i > 0)
    meta = json.loads((serial_run / "run.json").read_text())
    assert meta["status"] == "completed" and meta["mpi_ranks"] == 1
    assert {"dolfinx", "petsc", "phasefield"} <= set(meta["versions"])
    # the kernels' flags of the run (phasefield's own unless PHASEFIELD_KERNEL_FLAGS or a JIT options file says else)
    assert meta["kernel_compile_flags"] == jit.get_options()["cffi_extra_compile_args"]
    if "PHASEFIELD_KERNEL_FLAGS" not in os.environ and platform.machine() == "x86_64":
        assert "-ffast-math" in meta["kernel_compile_flags"]
    assert meta["parameters"]["metal"]["exchange_current_density"]["source"]
    assert meta["git_revision"]
    assert (serial_run / "voltage_vs_capacity.png").stat().st_size > 10_000
    # the case as run, self-contained (the mesh include inlined): the same case when read back
    assert tomllib.loads((serial_run / "case.toml").read_text()) == load_case(DATA / "small_prescribed.toml").raw
    profiles = sorted((serial_run / "interface").glob("profile_*.csv"))
    assert len(profiles) >= 3
    table = np.genfromtxt(profiles[-1], delimiter=",", names=True, skip_header=1)
    assert np.all(np.diff(table["x_um"]) > 0) and table["x_um"][-1] == pytest.approx(40.0)


def test_fields_open_in_pyvista(serial_run):
    pyvista = pytest.importorskip("pyvista")
    reader = pyvista.get_reader(str(serial_run / "fields" / "electrolyte.pvd"))
    assert len(reader.time_values) >= 3
    reader.set_active_time_value(reader.time_values[-1])
    grid = reader.read()[0]
    assert "electrolyte_potential" in grid.point_data
    metal_reader = pyvista.get_reader(str(serial_run / "fields" / "metal.pvd"))
    metal_reader.set_active_time_value(metal_reader.time_values[-1])
    metal = metal_reader.read()[0]
    assert 0.0 <= metal.point_data["metal_fraction"].min() < 0.5


def test_alloy_run_conserves_mg_and_writes_line_scans(tmp_path):
    run(DATA / "small_limg.toml", tmp_path / "out")
    data = read_timeseries(tmp_path / "out" / "timeseries.csv")
    stripped = np.array(data["capacity_mAh_per_cm2"]) * 36000.0 * 12.97e-6 / FARADAY  # m of metal
    expected = 0.03 * 100e-6 / (100e-6 - stripped)  # all Mg stays in the remaining 100 um foil
    foil_mean = np.array(data["foil_mean_x_Mg"])
    stripping = np.array(data["protocol_step"]) < 2  # strip and rest: bulk alloy enters the window top
    np.testing.assert_allclose(foil_mean[stripping], expected[stripping], rtol=1e-10)
    # plating pushes the window's own metal out through its top, a little richer in Mg than the bulk (the sink frame
    # spreads the enrichment over the sink length, 13 um of this 40 um window), while the column counts the metal
    # above at the bulk x_Mg: never more, and within 1e-4
    assert np.all(foil_mean[~stripping] <= expected[~stripping]) and np.allclose(foil_mean, expected, rtol=1e-4)
    # Mg stays where the sinks remove the stripped sites: at the interface (at rest in the sink frame, sinks
    # j / l there) x grows as x0 exp(h / l) with the stripped thickness h (diffusion of Mg is slow on these scales)
    assert max(data["interface_x_Mg"]) == pytest.approx(0.03 * np.exp(max(stripped) / (100e-6 / np.sqrt(60))), rel=0.02)
    assert (tmp_path / "out" / "mg_line_scans.png").exists()
    assert len(list((tmp_path / "out" / "line_scans").glob("x_Mg_*.csv"))) >= 2


@pytest.mark.mpi
@pytest.mark.parametrize("case", ["small_prescribed.toml", "small_limg.toml"])
def test_two_ranks_give_the_serial_timeseries(case, tmp_path):
    run(DATA / case, tmp_path / "serial")
    run(DATA / case, tmp_path / "mpi", ranks=2)
    serial_run = tmp_path / "serial"
    serial = np.genfromtxt(serial_run / "timeseries.csv", delimiter=",", skip_header=1)
    parallel = np.genfromtxt(tmp_path / "mpi" / "timeseries.csv", delimiter=",", skip_header=1)
    assert serial.shape == parallel.shape
    np.testing.assert_allclose(parallel, serial, rtol=1e-8, atol=1e-14, equal_nan=True)
    assert json.loads((tmp_path / "mpi" / "run.json").read_text())["mpi_ranks"] == 2
    last = sorted((tmp_path / "mpi" / "interface").glob("*.csv"))[-1]
    np.testing.assert_allclose(
        np.genfromtxt(last, delimiter=",", skip_header=2),
        np.genfromtxt(serial_run / "interface" / last.name, delimiter=",", skip_header=2),
        rtol=1e-8, atol=1e-12,
    )


def test_full_contact_run_gives_the_analytic_cell_voltage(tmp_path):
    text = (DATA / "small_prescribed.toml").read_text()
    start = text.index('model = "prescribed_voids"')
    end = text.index("\n[", start)  # the prescribed-void keys go with the model: full contact reads none
    text = text[:start] + 'model = "full"' + text[end:]
    case = tmp_path / "full.toml"
    case.write_text(text)
    run(case, tmp_path / "out")
    data = read_timeseries(tmp_path / "out" / "timeseries.csv")
    i, i0, sigma = 5.0, 50.0, 0.35  # A/m^2, A/m^2 (5 mA/cm^2, the Li set), S/m
    eta = 2 * thermal_voltage(298.15) * np.arcsinh(i / (2 * i0)) + i * 500e-6 / sigma
    strip = [k for k, c in enumerate(data["current_density_mA_per_cm2"]) if c > 0]
    for k in strip:
        assert data["overpotential_V"][k] == pytest.approx(eta, rel=1e-6)
        assert data["cell_voltage_V"][k] == pytest.approx(eta - 0.623, rel=1e-6)
    rest = [k for k, c in enumerate(data["current_density_mA_per_cm2"]) if c == 0]
    assert all(abs(data["overpotential_V"][k]) < 1e-12 for k in rest)
    plate = [k for k, c in enumerate(data["current_density_mA_per_cm2"]) if c < 0]
    assert all(data["overpotential_V"][k] == pytest.approx(-eta, rel=1e-6) for k in plate)


#: the creep on the coarser mesh under the metal-fraction rule, a step keeping the last velocity (tiny_creep: step 2)
LAGGED_COARSE_CREEP = 'mesh_coarsening = 2\ncontact = "metal_fraction"\nresolve_tolerance = 0.1'


@pytest.mark.mpi
@pytest.mark.parametrize("case,table,setting", [("tiny_phase_field.toml", None, None), ("tiny_creep.toml", None, None),
                                               ("tiny_creep.toml", "creep", "mesh_coarsening = 2"),
                                               ("tiny_creep.toml", "creep", LAGGED_COARSE_CREEP),
                                               ("tiny_phase_field.toml", "time", "phase_tolerance = 0.01"),
                                               ("tiny_phase_field.toml", "voids", "interface_layer = true")])
def test_void_model_gives_the_same_curve_and_nucleation_on_two_ranks(case, table, setting, tmp_path):
    """Same seed, same voids: the seeded nucleation and the coupled solve (lattice flow, or creep under 1 MPa, also
    on a coarser creep mesh partitioned on its own, also under the metal-fraction contact rule with lagged creep solves;
    with the phase error control, its steps and rejections too; with the interface vacancy layer, its trap field from
    the sites) agree to 1e-6 on 1 and 2 ranks."""
    path = DATA / case
    if setting is not None:
        path = tmp_path / "case.toml"
        path.write_text((DATA / case).read_text().replace(f"[{table}]\n", f"[{table}]\n{setting}\n"))
        assert setting in path.read_text()
    run(path, tmp_path / "serial")
    run(path, tmp_path / "mpi", ranks=2)
    serial = read_timeseries(tmp_path / "serial" / "timeseries.csv")
    parallel = read_timeseries(tmp_path / "mpi" / "timeseries.csv")
    assert sum(serial["nucleation_events"]) >= 1  # the case does nucleate
    assert serial["contact_fraction"][-1] < 0.95
    assert ("creep_iterations" in serial and max(serial["creep_iterations"]) > 0) == (case == "tiny_creep.toml")
    for key in ("cell_voltage_V", "contact_fraction", "voids_per_100um", "max_void_width_um",
                "interface_supersaturation_kT", "max_metal_speed_um_per_h", "dt_s", "rejected_steps"):
        np.testing.assert_allclose(parallel[key], serial[key], rtol=1e-6, atol=1e-12)
    if "resolve_tolerance" in (setting or ""):  # a step kept the last creep velocity, the same one on both
        assert 0.0 in serial["creep_iterations"][2:]
        np.testing.assert_array_equal(np.asarray(parallel["creep_iterations"]) == 0,
                                      np.asarray(serial["creep_iterations"]) == 0)
    if table == "time":  # the control acted: rejections after the nucleus, steps regrown
        assert serial["rejected_steps"][-1] >= 1 and len(set(serial["dt_s"][2:])) > 5
        assert max(serial["phase_error"]) <= 0.02


def test_fick_pile_up_past_one_ends_the_run_cleanly_without_retries(tmp_path):
    """x_Mg > 1 is a model breakdown (no time step can fix it): exit 3, one line, results kept. Sinks 1.3 nm from
    the interface (10 nm grains) pile Mg up in a layer D*_Mg / v thin, past 1 for Fick's constant D*_Mg."""
    fick = 'model = "full"\n\n[interdiffusion]\nmodel = "fick"'
    text = (DATA / "small_limg.toml").read_text().replace('model = "full"', fick)
    text = text.replace('set = "Li0.97Mg0.03"', 'set = "Li0.97Mg0.03"\nvacancy_sink_spacing = "10 nm"')
    case = tmp_path / "fick.toml"
    case.write_text(text)
    result = subprocess.run(run_command(case, tmp_path / "out"), capture_output=True, text=True, timeout=600)
    assert result.returncode == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("phasefield: error:")]
    assert len(errors) == 1 and "x_Mg left [0, 1]" in errors[0] and "Traceback" not in result.stderr
    meta = json.loads((tmp_path / "out" / "run.json").read_text())
    assert meta["status"].startswith("failed at t =")
    data = read_timeseries(tmp_path / "out" / "timeseries.csv")
    assert data["rejected_steps"][-1] == 0 and data["max_x_Mg"][-1] <= 1.001
    assert (tmp_path / "out" / "voltage_vs_capacity.png").exists()


def test_run_json_keeps_the_revision_the_run_started_with(tmp_path, monkeypatch):
    """The final run.json names the code that ran, not the checkout at the end (a long run outlives
    commits): git_revision is read once, at the start."""
    from mpi4py import MPI  # noqa: F401, I001 - before dolfinx

    import phasefield.output.metadata as metadata
    from phasefield.case import load_case
    from phasefield.coupling.run import run_case

    revisions = iter(["at-start", "at-end", "at-end"])
    monkeypatch.setattr(metadata, "git_revision", lambda: next(revisions))
    output = tmp_path / "out"
    output.mkdir()
    run_case(load_case(DATA / "small_prescribed.toml"), output)
    info = json.loads((output / "run.json").read_text())
    assert info["status"] == "completed" and info["git_revision"] == "at-start"
