"""Run the members of a parameter sweep (``phasefield sweep``), then collect one CSV and a figure.

Each member runs as its own ``phasefield run`` process (on ``ranks`` MPI ranks) into ``OUTPUT/<label>/``,
where the executor puts it (:mod:`phasefield.coupling.sweep_executors`: ``jobs`` at a time on this machine,
or as tasks of a Dask cluster); its case file is ``OUTPUT/cases/<label>.toml`` and its log
``OUTPUT/logs/<label>.log``. With ``resume``, finished members (completed, or ended by a short circuit)
are kept, members with a checkpoint continue from it, and the others start again. A sweep over
``voids.seed`` is an ensemble of one case: it also writes ``ensemble.csv`` and ``ensemble.json`` (mean +- sd
over the seeds, :mod:`phasefield.output.ensemble`).
"""

import json
import logging
import sys
from pathlib import Path

from phasefield.case.sweep import SweepMember
from phasefield.coupling.sweep_executors import DaskExecutor, LocalExecutor, MemberCommand
from phasefield.output.checkpoint import latest_checkpoint
from phasefield.output.ensemble import ENSEMBLE_PARAMETER, write_ensemble
from phasefield.output.metadata import write_json
from phasefield.output.sweep_table import plot_sweep, write_sweep_table

log = logging.getLogger(__name__)


#: the statuses of a member that ran to its end: its protocol, or a short circuit (issue 27), which is a
#: result, not a failure; a resumed sweep keeps these members
FINISHED = ("completed", "short-circuit")


def finished(status: str) -> bool:
    """Whether a member with ``status`` ran to its end (:data:`FINISHED`)."""
    return status in FINISHED


def member_status(directory: Path) -> str:
    """The status in the member's run.json ("missing" before it started)."""
    try:
        return json.loads((directory / "run.json").read_text())["status"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return "missing"


def _command(case: Path, output: Path, ranks: int, restart: bool, allow_unused: bool) -> list[str]:
    command = [sys.executable, "-m", "phasefield", "run", str(case), "-o", str(output)]
    command += ["--restart"] if restart else ["--overwrite"]
    command += ["--allow-unused"] if allow_unused else []
    if ranks > 1:
        command = [str(Path(sys.executable).parent / "mpiexec"), "-n", str(ranks), *command]
    return command


def run_sweep(members: list[SweepMember], parameter: str, output: Path, ranks: int = 1, resume: bool = False,
              allow_unused: bool = False, executor: LocalExecutor | DaskExecutor | None = None) -> dict[str, str]:
    """Run every member with ``executor`` (default: one at a time here; see the module docstring); returns
    each member's final status."""
    for folder in ("cases", "logs"):
        (output / folder).mkdir(parents=True, exist_ok=True)
    pending = []
    for member in members:
        case = output / "cases" / f"{member.label}.toml"
        if not (resume and case.exists()):
            case.write_text(member.toml())
        directory = output / member.label
        if resume and finished(member_status(directory)):
            log.info("%s: %s already, kept", member.label, member_status(directory))
            continue
        restart = resume and latest_checkpoint(directory / "checkpoints") is not None
        command = _command(case.resolve(), directory.resolve(), ranks, restart, allow_unused)  # any worker's cwd
        log.info("%s: %s", member.label, " ".join(command[command.index("run"):]))
        pending.append(MemberCommand(member.label, command, (output / "logs" / f"{member.label}.log").resolve()))
    (executor or LocalExecutor()).run(pending, lambda label: log.info("%s: %s", label, member_status(output / label)))
    statuses = {member.label: member_status(output / member.label) for member in members}
    directories = [(m.label, m.value, output / m.label) for m in members]
    write_sweep_table(output / "sweep.csv", directories, parameter)
    if parameter == ENSEMBLE_PARAMETER and write_ensemble(output, directories, parameter):
        log.info("ensemble of %d seeds: ensemble.csv, ensemble.json", len(members))
    plot_sweep(output / "sweep.csv", output / "overpotential_vs_capacity.png", parameter)
    write_json(output / "sweep.json", {"parameter": parameter, "members": {
        m.label: {"value": m.value, "status": statuses[m.label]} for m in members}})
    return statuses
