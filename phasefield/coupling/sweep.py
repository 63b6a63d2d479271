"""Run the members of a parameter sweep (``phasefield sweep``), then collect one CSV and a figure.

Each member runs as its own ``phasefield run`` process (on ``ranks`` MPI ranks), ``jobs`` of them at a
time, into ``OUTPUT/<label>/``; its case file is ``OUTPUT/cases/<label>.toml`` and its log
``OUTPUT/logs/<label>.log``. With ``resume``, completed members are kept, members with a checkpoint
continue from it, and the others start again. A sweep over ``voids.seed`` is an ensemble of one case:
it also writes ``ensemble.csv`` and ``ensemble.json`` (mean +- sd over the seeds,
:mod:`phasefield.output.ensemble`).
"""

import json
import logging
import subprocess
import sys
import time
from pathlib import Path

from phasefield.case.sweep import SweepMember
from phasefield.output.checkpoint import latest_checkpoint
from phasefield.output.ensemble import ENSEMBLE_PARAMETER, write_ensemble
from phasefield.output.metadata import write_json
from phasefield.output.sweep_table import plot_sweep, write_sweep_table

log = logging.getLogger(__name__)


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


def run_sweep(members: list[SweepMember], parameter: str, output: Path, jobs: int = 1, ranks: int = 1,
              resume: bool = False, allow_unused: bool = False) -> dict[str, str]:
    """Run every member (see the module docstring); returns each member's final status."""
    for folder in ("cases", "logs"):
        (output / folder).mkdir(parents=True, exist_ok=True)
    pending = []
    for member in members:
        case = output / "cases" / f"{member.label}.toml"
        if not (resume and case.exists()):
            case.write_text(member.toml())
        directory = output / member.label
        if resume and member_status(directory) == "completed":
            log.info("%s: completed already, kept", member.label)
            continue
        restart = resume and latest_checkpoint(directory / "checkpoints") is not None
        pending.append((member.label, _command(case, directory, ranks, restart, allow_unused)))
    running: list[tuple[str, subprocess.Popen]] = []
    while pending or running:
        while pending and len(running) < jobs:
            label, command = pending.pop(0)
            log.info("%s: %s", label, " ".join(command[command.index("run"):]))
            with (output / "logs" / f"{label}.log").open("w") as stream:
                running.append((label, subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT)))
        for label, process in list(running):
            if process.poll() is not None:
                running.remove((label, process))
                log.info("%s: %s", label, member_status(output / label))
        time.sleep(0.2)
    statuses = {member.label: member_status(output / member.label) for member in members}
    directories = [(m.label, m.value, output / m.label) for m in members]
    write_sweep_table(output / "sweep.csv", directories, parameter)
    if parameter == ENSEMBLE_PARAMETER and write_ensemble(output, directories, parameter):
        log.info("ensemble of %d seeds: ensemble.csv, ensemble.json", len(members))
    plot_sweep(output / "sweep.csv", output / "overpotential_vs_capacity.png", parameter)
    write_json(output / "sweep.json", {"parameter": parameter, "members": {
        m.label: {"value": m.value, "status": statuses[m.label]} for m in members}})
    return statuses
