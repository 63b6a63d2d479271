"""Checkpoint and restart: a run killed with SIGKILL at a random step and restarted (also on another
rank count) writes the uninterrupted run's CSV, every row."""

import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import DATA, run_command


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> Path:
    """The small Li-Mg case (interdiffusion, strip, rest, plate) with more steps and frequent checkpoints."""
    text = (DATA / "small_limg.toml").read_text()
    text = text.replace('capacity_step = "0.05 mAh/cm^2"', 'capacity_step = "0.01 mAh/cm^2"')
    text = text.replace("interface_profile_every = 3", "interface_profile_every = 3\ncheckpoint_every = 4")
    path = tmp_path_factory.mktemp("case") / "restart.toml"
    path.write_text(text)
    return path


def rows(path: Path) -> int:
    try:
        return max(0, len(path.read_text().splitlines()) - 1)
    except FileNotFoundError:
        return 0


@pytest.fixture(scope="module")
def uninterrupted(case, tmp_path_factory) -> np.ndarray:
    output = tmp_path_factory.mktemp("full") / "out"
    subprocess.run(run_command(case, output), check=True, capture_output=True, timeout=600)
    return np.genfromtxt(output / "timeseries.csv", delimiter=",", skip_header=1)


def kill_at_row(cmd: list[str], csv: Path, row: int) -> None:
    """Start ``cmd`` and SIGKILL its whole process group once the CSV has ``row`` data rows."""
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 600
    while rows(csv) < row and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def assert_same_rows(restarted: np.ndarray, uninterrupted: np.ndarray) -> None:
    """Every row and column of the restarted CSV equals the uninterrupted run's (rtol 1e-8): the rows
    kept up to the checkpoint, and those written after it, which replace the killed run's, not duplicate."""
    assert restarted.shape == uninterrupted.shape
    for k, (row, expected) in enumerate(zip(restarted, uninterrupted, strict=True)):
        np.testing.assert_allclose(row, expected, rtol=1e-8, atol=1e-12, equal_nan=True, err_msg=f"row {k + 1}")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_run_restarts_to_the_uninterrupted_rows(case, uninterrupted, tmp_path, seed):
    kill_row = int(np.random.default_rng(seed).integers(6, len(uninterrupted) - 4))
    output = tmp_path / "out"
    kill_at_row(run_command(case, output), output / "timeseries.csv", kill_row)
    assert rows(output / "timeseries.csv") < len(uninterrupted), "the run finished before it was killed"
    result = subprocess.run(run_command(case, output, restart=True), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert_same_rows(np.genfromtxt(output / "timeseries.csv", delimiter=",", skip_header=1), uninterrupted)


@pytest.mark.mpi
def test_run_killed_on_two_ranks_restarts_on_one(case, uninterrupted, tmp_path):
    output = tmp_path / "out"
    kill_at_row(run_command(case, output, ranks=2), output / "timeseries.csv", 20)
    result = subprocess.run(run_command(case, output, restart=True), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert_same_rows(np.genfromtxt(output / "timeseries.csv", delimiter=",", skip_header=1), uninterrupted)


def test_restart_of_a_different_case_is_refused(case, tmp_path):
    output = tmp_path / "out"
    subprocess.run(run_command(case, output), check=True, capture_output=True, timeout=600)
    other = tmp_path / "other.toml"
    other.write_text(case.read_text().replace('temperature = "25 degC"', 'temperature = "30 degC"'))
    result = subprocess.run(run_command(other, output, restart=True), capture_output=True, text=True, timeout=600)
    assert result.returncode == 2 and "differs from the case" in result.stderr
