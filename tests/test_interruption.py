"""Requirements: SIGINT and SIGTERM end a run cleanly on every rank (checkpoint, run.json status
"interrupted", one line, exit 130/143) and ``--restart`` continues it to the uninterrupted rows; a
cut-off in the first step of a protocol step ends the run with its own status and exit code 4;
``--overwrite`` replaces only a phasefield results folder; run.json is strict JSON."""

import json
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import DATA, run_command


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> Path:
    """The small prescribed-contact case with many short steps (a few ms each) and its mesh from an
    include, so that the run lasts long enough to be interrupted."""
    text = (DATA / "small_prescribed.toml").read_text()
    text = text.replace('capacity_step = "0.05 mAh/cm^2"', 'capacity_step = "0.0005 mAh/cm^2"')
    path = tmp_path_factory.mktemp("case") / "interrupt.toml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def uninterrupted(case, tmp_path_factory) -> np.ndarray:
    output = tmp_path_factory.mktemp("full") / "out"
    subprocess.run(run_command(case, output), check=True, capture_output=True, timeout=600)
    return np.genfromtxt(output / "timeseries.csv", delimiter=",", skip_header=1)


def rows(csv: Path) -> int:
    return max(0, len(csv.read_text().splitlines()) - 1) if csv.exists() else 0


@pytest.mark.parametrize(("signum", "ranks"), [(signal.SIGINT, 1), (signal.SIGTERM, 1), (signal.SIGINT, 2)])
def test_a_signal_ends_the_run_cleanly_and_restart_continues_it(case, uninterrupted, tmp_path, signum, ranks):
    output = tmp_path / "out"
    process = subprocess.Popen(run_command(case, output, ranks=ranks), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while rows(output / "timeseries.csv") < 20 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signum)  # to mpiexec for 2 ranks, which forwards it
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 128 + signum, stderr
    assert stderr.strip().count("\n") == 0 or ranks > 1, stderr  # one line (mpiexec adds its own notice)
    assert f"interrupted by {signal.Signals(signum).name}" in stderr and "--restart" in stderr
    meta = json.loads((output / "run.json").read_text())
    assert meta["status"] == "interrupted" and meta["signal"] == signal.Signals(signum).name
    steps = meta["steps"]
    assert 20 <= steps < len(uninterrupted) - 1
    assert (output / "checkpoints" / f"checkpoint_{steps:08d}.h5").exists()
    assert (output / "voltage_vs_capacity.png").exists()
    result = subprocess.run(run_command(case, output, ranks=3 - ranks, restart=True), capture_output=True,
                            text=True, timeout=600, cwd=tmp_path)  # another rank count, another directory
    assert result.returncode == 0, result.stderr
    restarted = np.genfromtxt(output / "timeseries.csv", delimiter=",", skip_header=1)
    assert restarted.shape == uninterrupted.shape
    np.testing.assert_allclose(restarted, uninterrupted, rtol=1e-8, atol=1e-12, equal_nan=True)


def test_a_cut_off_in_the_first_step_is_its_own_end(tmp_path):
    text = (DATA / "small_prescribed.toml").read_text()
    start = text.index("steps = [")
    end = text.index("]", start) + 1
    case = tmp_path / "cutoff.toml"
    case.write_text(text[:start] + 'steps = ["Strip at 50 mA/cm^2 until 1 mAh/cm^2 or overpotential 10 mV", '
                    '"Rest for 1 h"]' + text[end:])
    result = subprocess.run(run_command(case, tmp_path / "out"), capture_output=True, text=True, timeout=300)
    assert result.returncode == 4, result.stderr
    assert result.stderr.strip().count("\n") == 0 and "overpotential cut-off in its first time step" in result.stderr
    meta = json.loads((tmp_path / "out" / "run.json").read_text())
    assert meta["status"].startswith("cut off: protocol step 0") and meta["steps"] == 1


def test_overwrite_replaces_only_a_phasefield_results_folder(tmp_path):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "chapter1.tex").write_text("precious")
    result = subprocess.run([*run_command(DATA / "small_prescribed.toml", folder), "--overwrite"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "holds no phasefield results" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["chapter1.tex"]


def test_run_json_is_strict_json(tmp_path):
    """A Li-Mg run has NaN in plated_layer_relative_Mg until it plates: written as null, not as a bare NaN."""
    output = tmp_path / "out"
    case = tmp_path / "strip.toml"
    text = (DATA / "small_limg.toml").read_text()
    case.write_text(text[:text.index("[protocol]")] + '[protocol]\nsteps = ["Strip at 0.5 mA/cm^2 for 5 min"]\n')
    subprocess.run(run_command(case, output), check=True, capture_output=True, timeout=300)
    text = (output / "run.json").read_text()
    meta = json.loads(text, parse_constant=lambda name: pytest.fail(f"run.json holds {name}"))
    assert meta["final"]["plated_layer_relative_Mg"] is None
