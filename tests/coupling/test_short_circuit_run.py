"""Requirement: a strip-then-plate run with ``[short_circuit]`` ends as ``"short-circuit"`` when a filament
crosses the electrolyte, with the step's outputs, and runs to the end of its protocol when the critical
current density is not reached; the plated capacity counts from the start of plating; a restart from a
checkpoint continues the filament."""

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import DATA, run_command

PELLET_MAH = 1.1 / 4.84  # mAh/cm2 of plating that move a front 1.1 um at the mean plating speed
STEP = 0.02  # mAh/cm2


def run(tmp_path: Path, critical: str, *options: str,
        restart: bool = False) -> tuple[dict, dict[str, np.ndarray], Path]:
    """The tiny strip-then-plate case at the critical current density ``critical``, checkpoints every 4 steps,
    with the CLI ``options`` (run.json, the CSV columns, the results folder)."""
    text = (DATA / "tiny_strip_plate.toml").read_text()
    tmp_path.mkdir(parents=True, exist_ok=True)
    case = tmp_path / "case.toml"
    text = text.replace("interface_profile_every = 5", "interface_profile_every = 5\ncheckpoint_every = 4")
    case.write_text(text.replace('pellet_thickness = "1.1 um"',
                                 f'pellet_thickness = "1.1 um"\ncritical_current_density = "{critical}"'))
    output = tmp_path / "out"
    done = subprocess.run(run_command(case, output, restart=restart) + list(options), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    data = np.genfromtxt(output / "timeseries.csv", delimiter=",", names=True)
    return json.loads((output / "run.json").read_text()), {n: data[n] for n in data.dtype.names}, output


def test_a_low_critical_current_density_shorts_the_cell_once_the_filament_crosses(tmp_path):
    """Below the plating current (0.3 mA/cm2) a filament starts with plating and the run ends in the step
    where its front passes the 1.1 um pellet: after 0.227 mAh/cm2 at the mean current, less where the
    current focuses on the refilling void's edge (within one step)."""
    meta, rows, output = run(tmp_path, "0.3 mA/cm^2")
    plated = rows["plated_capacity_mAh_per_cm2"]
    print(f"status {meta['status']}; short at {plated[-1]:.3f} mAh/cm2 plated, front "
          f"{rows['filament_length_um'][-1]:.3f} um, peak {rows['max_plating_current_density_mA_per_cm2'][-1]:.3f}")
    assert meta["status"] == "short-circuit"
    assert rows["short"][-1] == 1 and np.all(rows["short"][:-1] == 0)
    assert rows["filament_length_um"][-1] >= 1.1 > rows["filament_length_um"][-2]
    assert PELLET_MAH / 1.2 - STEP < plated[-1] < PELLET_MAH + STEP
    strip = rows["protocol_step"] == 0
    assert np.all(plated[strip] == 0.0)  # counted from the start of plating
    assert plated[-1] == pytest.approx(rows["step_capacity_mAh_per_cm2"][-1], rel=1e-9)
    times = np.genfromtxt(output / "fields" / "times.csv", delimiter=",", names=True)
    assert times["step"][-1] == rows["step"][-1]  # the fields (with the local current density) at the short
    assert "interface_current_density" in (output / "fields" / "electrolyte.pvd").read_text() or \
        "interface_current_density" in next((output / "fields").glob("electrolyte*.pvtu")).read_text()


def test_the_set_critical_current_density_lets_the_plating_complete(tmp_path):
    """At the set's 1 mA/cm2 (above every local plating current of this run) no filament starts."""
    meta, rows, _ = run(tmp_path, "1 mA/cm^2")
    peak = rows["max_plating_current_density_mA_per_cm2"].max()
    print(f"status {meta['status']}; largest plating current {peak:.3f}")
    assert meta["status"] == "completed"
    assert np.all(rows["short"] == 0) and np.all(rows["filament_length_um"] == 0.0)
    assert rows["plated_capacity_mAh_per_cm2"][-1] == pytest.approx(0.3, rel=1e-6)


def test_a_restart_before_the_short_gives_the_rows_of_the_whole_run(tmp_path):
    """The filament front and the plated charge come back from a checkpoint: stopped after 8 steps (the front
    already growing) and restarted, the run shorts in the same step with the same columns."""
    _, whole, _ = run(tmp_path / "whole", "0.3 mA/cm^2")
    stopped, _, _ = run(tmp_path / "parts", "0.3 mA/cm^2", "--set", "time.max_steps=8")
    assert stopped["status"].startswith("stopped")
    meta, rows, _ = run(tmp_path / "parts", "0.3 mA/cm^2", "--set", "time.max_steps=100", restart=True)
    assert meta["status"] == "short-circuit"
    assert rows["filament_length_um"][8] > 0.0
    for name in ("short", "plated_capacity_mAh_per_cm2", "max_plating_current_density_mA_per_cm2",
                 "filament_length_um", "cell_voltage_V"):
        assert np.allclose(rows[name], whole[name], rtol=1e-9, atol=1e-12), name
