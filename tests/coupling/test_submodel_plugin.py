"""Requirement: a new sub-model is one module plus one case section. The module
``plugin/decaying_tracer.py`` is installed only as an entry point (a ``*.dist-info`` folder on the
path), nothing in phasefield is edited, and a case with a ``[tracer]`` section runs it on 2 ranks
through coupled steps, rejected steps, checkpoints and a restart."""

import json
import math
import os
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest
from helpers import DATA, run_command

PLUGIN = Path(__file__).parent / "plugin"
RATE = 0.01  # 1/s
TRACER = f'\n[tracer]\ndecay_rate = "{RATE} s^-1"\nreject_above = "5 s"\n'


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory) -> dict[str, str]:
    """An environment whose path holds the plugin module and a distribution declaring its entry point."""
    site = tmp_path_factory.mktemp("site")
    info = site / "decaying_tracer-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: decaying-tracer\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[phasefield.submodels]\ntracer = decaying_tracer\n")
    path = os.pathsep.join([str(site), str(PLUGIN), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path}


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> Path:
    """The tiny void case, ten steps of 7.2 s, checkpoints every 4 steps, and the [tracer] section."""
    text = (DATA / "tiny_phase_field.toml").read_text()
    text = text.replace('capacity_step = "0.005 mAh/cm^2"', 'capacity_step = "0.001 mAh/cm^2"')
    text = text.replace("interface_profile_every = 5", "interface_profile_every = 5\ncheckpoint_every = 4")
    path = tmp_path_factory.mktemp("case") / "tracer.toml"
    path.write_text(text + TRACER)
    return path


@pytest.fixture(scope="module")
def full_run(case, plugin_env, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("full") / "out"
    result = subprocess.run(run_command(case, output, ranks=2), env=plugin_env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    return output


def table(output: Path) -> dict[str, np.ndarray]:
    data = np.genfromtxt(output / "timeseries.csv", delimiter=",", names=True)
    return {name: data[name] for name in data.dtype.names}


@pytest.mark.mpi
def test_plugin_columns_follow_the_exact_decay_through_rejected_steps(full_run):
    data = table(full_run)
    assert data["rejected_steps"][-1] > 0, "no step was rejected: the retry path was not exercised"
    assert data["capacity_mAh_per_cm2"][-1] == pytest.approx(0.01, rel=1e-9)
    # a rejected attempt had already decayed the tracer: only a restored snapshot keeps it on exp(-k t)
    np.testing.assert_allclose(data["tracer_time_s"], data["time_s"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(data["tracer_amount"], np.exp(-RATE * data["time_s"]), rtol=1e-12)
    meta = json.loads((full_run / "run.json").read_text())
    assert meta["status"] == "completed" and meta["mpi_ranks"] == 2
    assert list(meta["columns"])[-3:] == ["tracer_amount", "tracer_time_s", "rejected_steps"]
    last = sorted((full_run / "checkpoints").glob("checkpoint_*.h5"))[-1]
    with h5py.File(last) as h5:
        assert "tracer" in h5["functions"]
        assert json.loads(h5.attrs["state"])["tracer_time"] == pytest.approx(data["time_s"][-1], rel=1e-12)


@pytest.mark.mpi
def test_plugin_run_restarts_on_two_ranks_to_the_same_rows(full_run, case, plugin_env, tmp_path):
    output = tmp_path / "out"
    subprocess.run(["cp", "-r", str(full_run), str(output)], check=True)
    checkpoints = sorted((output / "checkpoints").glob("checkpoint_*.h5"))
    checkpoints[-1].unlink()  # the final one: the restart starts from the one before and redoes the rest
    resumed_from = int(checkpoints[-2].stem.split("_")[1])
    assert resumed_from < len(table(full_run)["step"]) - 1
    result = subprocess.run(run_command(case, output, ranks=2, restart=True), env=plugin_env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    full, restarted = table(full_run), table(output)
    assert list(restarted) == list(full)
    for name in full:  # every row, not only the last
        np.testing.assert_allclose(restarted[name], full[name], rtol=1e-8, atol=1e-12, equal_nan=True, err_msg=name)
    assert restarted["tracer_amount"][-1] == pytest.approx(math.exp(-RATE * full["time_s"][-1]), rel=1e-12)


def test_plugin_section_is_validated_like_a_case_table(case, plugin_env, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(case.read_text().replace(f'decay_rate = "{RATE} s^-1"', 'decay_rate = "-1 s^-1"'))
    result = subprocess.run([*run_command(bad, tmp_path / "out")[:3], "check", str(bad)], env=plugin_env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "[tracer] decay_rate" in result.stderr, result.stderr
    unknown = tmp_path / "unknown.toml"
    unknown.write_text(case.read_text())
    result = subprocess.run([*run_command(unknown, tmp_path / "out")[:3], "check", str(unknown)],
                            capture_output=True, text=True, timeout=120)  # without the plugin installed
    assert result.returncode == 2 and "[tracer]" in result.stderr and "unknown key" in result.stderr, result.stderr
