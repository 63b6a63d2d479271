"""Requirements: `phasefield sweep --executor dask` runs the members as tasks of a real Dask cluster (a
LocalCluster started by the sweep, members in parallel; or the workers of a running scheduler) into the
results layout of the serial sweep, with the same combined table; executor options that do not go together
are refused in one line, before anything runs; a dask-jobqueue batch job takes --ranks cores and runs one
member at a time."""

import subprocess
import sys
from pathlib import Path

import pytest
from distributed import LocalCluster
from helpers import DATA

from phasefield.api import sweep
from phasefield.coupling.sweep_executors import ExecutorError, make_executor

SEEDS = '\n[sweep]\nparameter = "voids.seed"\nvalues = [7, 8]\n'


def seed_sweep(tmp_path: Path) -> Path:
    path = tmp_path / "seeds.toml"
    path.write_text((DATA / "tiny_phase_field.toml").read_text() + SEEDS)
    return path


def phasefield(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "phasefield", *args], capture_output=True, text=True, timeout=300)


def test_a_dask_sweep_gives_the_serial_sweep_table_and_layout(tmp_path):
    """On a LocalCluster the sweep starts (CLI), and on a running scheduler's workers (API)."""
    case = seed_sweep(tmp_path)
    serial = phasefield("sweep", str(case), "-o", str(tmp_path / "serial"))
    assert serial.returncode == 0, serial.stderr
    dask = phasefield("sweep", str(case), "-o", str(tmp_path / "dask"), "--executor", "dask", "-j", "2")
    assert dask.returncode == 0, dask.stderr
    assert dask.stdout.splitlines()[:2] == ["seed_7: completed", "seed_8: completed"]
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as running:
        swept = sweep(case, tmp_path / "scheduler", scheduler=running.scheduler_address)
    assert swept.statuses == {"seed_7": "completed", "seed_8": "completed"}
    layout = {path.relative_to(tmp_path / "serial") for path in (tmp_path / "serial").rglob("*")}
    for executor in ("dask", "scheduler"):
        for name in ("sweep.csv", "ensemble.csv"):
            assert (tmp_path / executor / name).read_text() == (tmp_path / "serial" / name).read_text()
        assert layout == {path.relative_to(tmp_path / executor) for path in (tmp_path / executor).rglob("*")}
    seeds = (tmp_path / "dask" / "sweep.csv").read_text().splitlines()
    assert {row.split(",")[0] for row in seeds[1:]} == {"seed_7", "seed_8"}  # both members, distinct runs


@pytest.mark.parametrize(("options", "message"), [
    (["--executor", "local", "--scheduler", "tcp://127.0.0.1:8786"], "use them with --executor dask"),
    (["--scheduler", "tcp://127.0.0.1:8786", "--jobqueue", "slurm"], "not both"),
    (["--job-option", "queue=short"], "give --jobqueue too"),
    (["--jobqueue", "slurm", "--job-option", "cores=8"], "--job-option cores: set by phasefield"),
])
def test_executor_options_that_do_not_go_together_are_refused_in_one_line(tmp_path, options, message):
    result = phasefield("sweep", str(seed_sweep(tmp_path)), "-o", str(tmp_path / "out"), *options)
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_a_job_option_without_a_value_is_refused_by_the_parser(tmp_path):
    result = phasefield("sweep", str(seed_sweep(tmp_path)), "--jobqueue", "slurm", "--job-option", "walltime")
    assert result.returncode == 2 and "expected KEY=VALUE" in result.stderr


def test_a_slurm_job_asks_for_the_ranks_as_cores_and_runs_one_member_at_a_time():
    executor = make_executor(jobs=3, ranks=4, jobqueue="slurm",
                             job_options={"memory": "8GB", "walltime": "01:00:00", "queue": "short"})
    cluster = executor.job_cluster()
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    for line in ("#SBATCH --cpus-per-task=4", "#SBATCH -p short", "#SBATCH -t 01:00:00", "--resources member=1"):
        assert line in script


def test_an_unknown_job_system_is_refused():
    with pytest.raises(ExecutorError, match="expected one of slurm, pbs"):
        make_executor(jobqueue="torque")


def test_without_dask_the_dask_executor_says_what_to_install_and_the_local_one_runs(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as in an install without the group `cluster`
    with pytest.raises(ExecutorError, match=r"pip install 'phasefield\[cluster\]'"):
        make_executor("dask")
    assert make_executor(jobs=2).jobs == 2
