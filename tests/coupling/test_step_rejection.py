"""Step rejection: a huge time step makes the Darken interdiffusion Newton diverge (with sinks 1.3 nm from the
interface, the limit in which the lattice is annihilated at the interface and Mg piles up in a sharp Peclet
layer; with 100 um grains the sink frame spreads the pile-up over 13 um and even an 8 h step converges); the step is
rejected, retried with half the step and the run recovers to the small fixed-step answer within the
time-discretisation error. When the retries run out, the run stops with one clear message and a
final checkpoint of the last accepted state."""

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import DATA, run_command

from phasefield.output.checkpoint import latest_checkpoint
from phasefield.output.timeseries import read_timeseries

QUANTITIES = ("interface_x_Mg", "overpotential_V")


def strip_case(directory: Path, capacity_step: str, max_retries: int = 6) -> Path:
    """The small Li-Mg column stripped to 4 mAh/cm^2 in steps of ``capacity_step`` (no dt_max), with 10 nm grains
    (sink length 1.3 nm)."""
    text = (DATA / "small_limg.toml").read_text()
    text = text.replace('set = "Li0.97Mg0.03"', 'set = "Li0.97Mg0.03"\nvacancy_sink_spacing = "10 nm"')
    text = text.replace('steps = ["Strip at 0.5 mA/cm^2 until 0.3 mAh/cm^2", "Rest for 10 min", '
                        '"Plate at 0.5 mA/cm^2 until 0.1 mAh/cm^2"]',
                        'steps = ["Strip at 0.5 mA/cm^2 until 4 mAh/cm^2"]')
    text = text.replace('dt_max = "5 min"', f'dt_max = "100 h"\nmax_retries = {max_retries}')
    text = text.replace('capacity_step = "0.05 mAh/cm^2"', f'capacity_step = "{capacity_step}"')
    assert "until 4 mAh" in text and "100 h" in text and capacity_step in text and "10 nm" in text
    path = directory / f"strip_{capacity_step.split()[0]}.toml"
    path.write_text(text)
    return path


def final_values(case: Path, output: Path) -> tuple[dict[str, float], dict[str, list[float]]]:
    result = subprocess.run(run_command(case, output), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    data = read_timeseries(output / "timeseries.csv")
    return {key: data[key][-1] for key in QUANTITIES}, data


@pytest.fixture(scope="module")
def fixed_steps(tmp_path_factory) -> dict[float, dict[str, float]]:
    """Final values with fixed steps of 360 s and 180 s (0.05 and 0.025 mAh/cm^2)."""
    directory = tmp_path_factory.mktemp("fixed")
    runs = {}
    for dt, step in ((360.0, "0.05 mAh/cm^2"), (180.0, "0.025 mAh/cm^2")):
        values, data = final_values(strip_case(directory, step), directory / f"out_{dt:.0f}")
        assert max(data["rejected_steps"]) == 0 and max(data["dt_s"]) == pytest.approx(dt)
        runs[dt] = values
    return runs


def test_huge_step_is_rejected_retried_and_recovers_the_small_step_answer(fixed_steps, tmp_path):
    """The first step (28800 s, the whole strip) diverges; after rejections the run completes and its
    final interface x_Mg and overpotential differ from the 180 s run by no more than the first-order
    error constant (from the 360/180 s pair) times the largest step it accepted (x2 margin)."""
    case = strip_case(tmp_path, "4 mAh/cm^2")
    result = subprocess.run(run_command(case, tmp_path / "out"), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "rejected (interdiffusion Newton failed" in result.stderr
    data = read_timeseries(tmp_path / "out" / "timeseries.csv")
    adaptive = {key: data[key][-1] for key in QUANTITIES}
    rejected, largest = data["rejected_steps"][-1], max(data["dt_s"])
    assert rejected >= 1 and data["dt_s"][1] < 28800.0
    assert data["capacity_mAh_per_cm2"][-1] == pytest.approx(4.0, rel=1e-9)
    fine, coarse = fixed_steps[180.0], fixed_steps[360.0]
    for key in QUANTITIES:
        error_constant = abs(coarse[key] - fine[key]) / 180.0  # first order: e(dt) ~ C dt
        difference = abs(adaptive[key] - fine[key])
        print(f"{key}: adaptive {adaptive[key]:.6g} (largest dt {largest:.0f} s, {rejected:.0f} rejections), "
              f"180 s {fine[key]:.6g}, |diff| {difference:.3g}, bound {2 * error_constant * largest:.3g}")
        assert difference <= 2.0 * error_constant * largest
        assert difference > 0.0  # a different path was taken: the comparison is not vacuous


def test_exhausted_retries_stop_with_one_message_and_a_final_checkpoint(tmp_path):
    """With one retry the diverging first step cannot recover: exit 3, a single error line naming the
    failure and the retries, no traceback, run.json says failed, a checkpoint of the last state."""
    case = strip_case(tmp_path, "4 mAh/cm^2", max_retries=1)
    output = tmp_path / "out"
    result = subprocess.run(run_command(case, output), capture_output=True, text=True, timeout=600)
    assert result.returncode == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("phasefield: error:")]
    assert len(errors) == 1 and "Traceback" not in result.stderr
    assert "interdiffusion Newton failed" in errors[0] and "gave up after 1 retries" in errors[0]
    assert "max_retries" in errors[0]
    assert json.loads((output / "run.json").read_text())["status"].startswith("failed at t = 0 s")
    checkpoint = latest_checkpoint(output / "checkpoints")
    assert checkpoint is not None and str(checkpoint) in errors[0]
    data = read_timeseries(output / "timeseries.csv")
    assert len(data["step"]) == 1 and np.isclose(data["interface_x_Mg"][0], 0.03)


def test_a_collapsing_time_step_stops_at_dt_min(tmp_path):
    """Halving below [time] dt_min stops the run (exit 3, one error line naming dt_min) instead of
    stepping on at vanishing steps: the diverging first step (28800 s) may not retry at 14400 s when
    dt_min is 10 h. Without dt_min the same case recovers (the test above)."""
    case = strip_case(tmp_path, "4 mAh/cm^2", max_retries=10)
    case.write_text(case.read_text().replace("max_retries = 10", 'max_retries = 10\ndt_min = "10 h"'))
    output = tmp_path / "out"
    result = subprocess.run(run_command(case, output), capture_output=True, text=True, timeout=600)
    assert result.returncode == 3, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("phasefield: error:")]
    assert len(errors) == 1 and "time step collapsed" in errors[0] and "dt_min = 3.6e+04 s" in errors[0]
    assert "rejected" not in result.stderr  # it stopped at the first failure, without a retry
    assert json.loads((output / "run.json").read_text())["status"].startswith("failed")
