"""Requirements: `phasefield sweep --executor dask` runs the members as tasks of a real Dask cluster (a
LocalCluster started by the sweep, members in parallel; or the workers of a running scheduler) into the
results layout of the serial sweep, with the same combined table; executor options that do not go together
are refused in one line, before anything runs; a dask-jobqueue batch job takes --ranks cores and runs one
member at a time, and `--jobqueue slurm` runs the members in SLURM jobs (a one-node SLURM cluster started by
the test, where Debian's slurm-wlm is installed and the tests run as root; skipped elsewhere)."""

import os
import platform
import shutil
import socket
import subprocess
import sys
import time
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


def phasefield(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "phasefield", *args], capture_output=True, text=True, timeout=300,
                          env=env)


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> Path:
    """The results folder of the seed sweep run one member after the other on this machine."""
    folder = tmp_path_factory.mktemp("serial")
    result = phasefield("sweep", str(seed_sweep(folder)), "-o", str(folder / "serial"))
    assert result.returncode == 0, result.stderr
    return folder / "serial"


def assert_same_results(folder: Path, serial: Path) -> None:
    """The serial sweep's combined tables, byte for byte, and its folder layout."""
    for name in ("sweep.csv", "ensemble.csv"):
        assert (folder / name).read_text() == (serial / name).read_text()
    layout = {path.relative_to(serial) for path in serial.rglob("*")}
    assert layout == {path.relative_to(folder) for path in folder.rglob("*")}


def test_a_dask_sweep_gives_the_serial_sweep_table_and_layout(tmp_path, serial):
    """On a LocalCluster the sweep starts (CLI), and on a running scheduler's workers (API)."""
    case = seed_sweep(tmp_path)
    dask = phasefield("sweep", str(case), "-o", str(tmp_path / "dask"), "--executor", "dask", "-j", "2")
    assert dask.returncode == 0, dask.stderr
    assert dask.stdout.splitlines()[:2] == ["seed_7: completed", "seed_8: completed"]
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as running:
        swept = sweep(case, tmp_path / "scheduler", scheduler=running.scheduler_address)
    assert swept.statuses == {"seed_7": "completed", "seed_8": "completed"}
    for executor in ("dask", "scheduler"):
        assert_same_results(tmp_path / executor, serial)
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


SLURM_CONF = """ClusterName=phasefield_test
SlurmctldHost={host}
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/slurmctld.log
SlurmdLogFile={root}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName={host} CPUs={cpus} RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("", 0))
        return probe.getsockname()[1]


@pytest.fixture
def slurm(tmp_path) -> dict:
    """A one-node SLURM cluster (slurmctld and slurmd of Debian's slurm-wlm, its own configuration and ports);
    the environment that reaches it."""
    if not (shutil.which("slurmctld") and shutil.which("slurmd") and shutil.which("sbatch")) or os.geteuid() != 0:
        pytest.skip("needs slurm-wlm (slurmctld, slurmd, sbatch) and root")
    root = tmp_path / "slurm_cluster"
    for folder in ("state", "spool"):
        (root / folder).mkdir(parents=True)
    (root / "slurm.conf").write_text(SLURM_CONF.format(host=platform.node(), ctld_port=free_port(),
                                                       d_port=free_port(), root=root, cpus=os.cpu_count()))
    env = {**os.environ, "SLURM_CONF": str(root / "slurm.conf"), "OMP_NUM_THREADS": "1"}
    daemons = [subprocess.Popen([shutil.which("slurmctld"), "-D", "-i"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)]
    time.sleep(1.0)
    daemons.append(subprocess.Popen([shutil.which("slurmd"), "-D"], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL))
    try:
        for _ in range(60):
            state = subprocess.run(["sinfo", "-h", "-o", "%T"], env=env, capture_output=True, text=True).stdout
            if state.strip() == "idle":
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"the SLURM node did not come up: {state!r}")
        yield env
    finally:
        for daemon in daemons:
            daemon.terminate()
            daemon.wait(timeout=30)


def test_a_slurm_sweep_runs_the_members_in_batch_jobs_with_the_serial_table(tmp_path, slurm, serial):
    jobs = tmp_path / "jobs"
    result = phasefield("sweep", str(seed_sweep(tmp_path)), "-o", str(tmp_path / "slurm"), "--jobqueue", "slurm",
                        "-j", "2", "--job-option", "memory=1GB", "--job-option", "walltime=00:10:00",
                        "--job-option", f"log_directory={jobs}", env=slurm)
    assert result.returncode == 0, result.stderr
    assert_same_results(tmp_path / "slurm", serial)
    # the only workers are those of the SLURM jobs (dask-worker-<job id>.err): one took the members at least
    assert any("Registered to:" in path.read_text() for path in jobs.glob("dask-worker-*.err"))
