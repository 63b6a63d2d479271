"""Where the members of a sweep run: on this machine, ``jobs`` at a time, or as tasks of a Dask cluster.

A member is one command (``[mpiexec -n K] python -m phasefield run CASE -o DIR ...``) and its log file; an
executor runs every command to its end. With Dask (``dask.distributed``, the optional dependency group
``cluster``) each member is one task that runs its command as a process on a worker, so the results folder
must lie on a file system that the workers share:

- ``scheduler = ADDRESS``: the workers of a running Dask scheduler, one member per worker thread (start the
  workers with ``--nthreads`` = their cores / K);
- ``jobqueue = "slurm"`` (or ``pbs``, ``sge``, ``lsf``, ``htcondor``, ``moab``, ``oar``): ``jobs`` batch
  jobs through dask-jobqueue, each one worker on K cores that runs one member at a time; queue, account,
  walltime and memory from Dask's jobqueue configuration (``~/.config/dask/jobqueue.yaml``) or
  ``job_options`` (the keyword arguments of dask-jobqueue's cluster classes);
- neither: a Dask LocalCluster of ``jobs`` single-threaded workers on this machine.
"""

import logging
import subprocess
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

#: the batch systems of dask-jobqueue, by the name the CLI takes
JOBQUEUE_CLUSTERS = {"slurm": "SLURMCluster", "pbs": "PBSCluster", "sge": "SGECluster", "lsf": "LSFCluster",
                     "htcondor": "HTCondorCluster", "moab": "MoabCluster", "oar": "OARCluster"}
#: the worker resource a member takes on the clusters started here (one member at a time per worker)
MEMBER_RESOURCE = "member"


class ExecutorError(RuntimeError):
    """The executor cannot run the members (Dask missing, a scheduler unreachable, a cluster misconfigured)."""


@dataclass(frozen=True)
class MemberCommand:
    """One member's command line and the file that takes its output."""

    label: str
    command: list[str]
    log: Path


def run_command(command: list[str], log_path: Path) -> int:
    """Run ``command`` with its output into ``log_path`` and return its exit status (also on a Dask worker)."""
    with Path(log_path).open("w") as stream:
        return subprocess.run(command, stdout=stream, stderr=subprocess.STDOUT).returncode


@dataclass(frozen=True)
class LocalExecutor:
    """``jobs`` member processes at a time on this machine."""

    jobs: int = 1

    def run(self, members: list[MemberCommand], finished: Callable[[str], None]) -> None:
        """Run every member; ``finished(label)`` after each ends."""
        pending, running = list(members), []
        while pending or running:
            while pending and len(running) < self.jobs:
                member = pending.pop(0)
                stream = member.log.open("w")
                running.append((member, stream, subprocess.Popen(member.command, stdout=stream,
                                                                 stderr=subprocess.STDOUT)))
            for entry in list(running):
                if entry[2].poll() is not None:
                    running.remove(entry)
                    entry[1].close()
                    finished(entry[0].label)
            time.sleep(0.2)


@dataclass(frozen=True)
class DaskExecutor:
    """The members as tasks of a Dask cluster (see the module docstring); ``ranks`` cores per member."""

    jobs: int = 1
    ranks: int = 1
    scheduler: str | None = None
    jobqueue: str | None = None
    job_options: dict = field(default_factory=dict)

    def run(self, members: list[MemberCommand], finished: Callable[[str], None]) -> None:
        """Submit every member, wait for all; ``finished(label)`` after each ends. A task that fails (a lost
        worker) is logged; the member's status stays that of its run.json."""
        distributed = _import("distributed")
        with ExitStack() as stack:
            client = self._client(distributed, stack)
            resources = None if self.scheduler else {MEMBER_RESOURCE: 1}
            tag = uuid.uuid4().hex[:8]  # task keys unique to this sweep on a shared scheduler
            futures = {client.submit(run_command, member.command, member.log, key=f"phasefield-{member.label}-{tag}",
                                     pure=False, resources=resources): member.label for member in members}
            for future in distributed.as_completed(futures):
                try:
                    future.result()
                except Exception as error:  # noqa: BLE001 - a lost worker or task: the member's run.json tells
                    log.warning("%s: the Dask task failed: %s", futures[future], error)
                finished(futures[future])

    def _client(self, distributed, stack: ExitStack):
        """A client of the scheduler, or of a cluster started here; both closed with ``stack``."""
        try:
            target = self.scheduler if self.scheduler is not None else stack.enter_context(self._cluster(distributed))
            return stack.enter_context(distributed.Client(target, timeout="30s"))
        except (OSError, TimeoutError, TypeError, ValueError) as error:
            where = f"the Dask scheduler at {self.scheduler}" if self.scheduler else "a Dask cluster"
            raise ExecutorError(f"cannot start or reach {where}: {error}") from error

    def _cluster(self, distributed):
        if self.jobqueue is None:
            return distributed.LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                            resources={MEMBER_RESOURCE: 1}, dashboard_address=None)
        cluster = self.job_cluster()
        cluster.scale(jobs=self.jobs)
        return cluster

    def job_cluster(self):
        """The dask-jobqueue cluster of ``jobqueue`` before it submits any job: each job one worker process
        on ``ranks`` cores that takes one member at a time (its job script: ``job_cluster().job_script()``)."""
        cluster_class = getattr(_import("dask_jobqueue"), JOBQUEUE_CLUSTERS[self.jobqueue])
        return cluster_class(cores=self.ranks, processes=1, worker_extra_args=["--resources", f"{MEMBER_RESOURCE}=1"],
                             **self.job_options)


#: the arguments of a dask-jobqueue cluster that the executor sets itself
FIXED_JOB_OPTIONS = ("cores", "processes", "worker_extra_args")


def make_executor(kind: str | None = None, jobs: int = 1, ranks: int = 1, scheduler: str | None = None,
                  jobqueue: str | None = None, job_options: dict | None = None) -> LocalExecutor | DaskExecutor:
    """The executor ``kind`` ("local" or "dask"; by default "dask" where a ``scheduler`` or a ``jobqueue`` is
    given, else "local"); raises :class:`ExecutorError` for options that do not go together."""
    kind = kind or ("dask" if scheduler or jobqueue else "local")
    job_options = dict(job_options or {})
    if kind not in ("local", "dask"):
        raise ExecutorError(f"executor: expected local or dask, got {kind!r}")
    if kind == "local" and (scheduler or jobqueue):
        raise ExecutorError("--scheduler and --jobqueue run members on Dask: use them with --executor dask")
    if scheduler and jobqueue:
        raise ExecutorError(f"give a running --scheduler or a --jobqueue to start, not both (got {scheduler!r} and "
                            f"{jobqueue!r})")
    if jobqueue is not None and jobqueue not in JOBQUEUE_CLUSTERS:
        raise ExecutorError(f"--jobqueue: expected one of {', '.join(JOBQUEUE_CLUSTERS)}, got {jobqueue!r}")
    if job_options and jobqueue is None:
        raise ExecutorError("--job-option sets a batch job of --jobqueue: give --jobqueue too")
    fixed = sorted(set(job_options) & set(FIXED_JOB_OPTIONS))
    if fixed:
        raise ExecutorError(f"--job-option {fixed[0]}: set by phasefield (cores = --ranks, one worker process "
                            f"per job that runs one member at a time)")
    if kind == "local":
        return LocalExecutor(jobs)
    _import("distributed")  # missing: said now, before anything runs
    if jobqueue is not None:
        _import("dask_jobqueue")
    return DaskExecutor(jobs, ranks, scheduler, jobqueue, job_options)


def _import(module: str):
    """``module`` of the optional group ``cluster``, or an :class:`ExecutorError` saying how to install it."""
    try:
        return __import__(module)
    except ImportError as error:
        raise ExecutorError(f"the Dask executor needs {module}: pip install 'phasefield[cluster]' ({error})") from None
