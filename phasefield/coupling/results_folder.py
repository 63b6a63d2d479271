"""The output folder of a run: whether a folder holds phasefield results, an empty folder for a new run, and
the checkpoint a restart continues from.

The command line and the Python API share these checks and their one-line messages; each names its own
options in them (:class:`Options`: ``-o`` / ``--overwrite`` / ``--restart`` or ``output=`` /
``overwrite=True`` / ``restart=True``). A folder is refused, never removed, unless it holds phasefield
results and the user asked to overwrite it; a restart continues only the case the results were made with.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

from mpi4py import MPI

from phasefield.case.compare import differences
from phasefield.case.loader import ResolvedCase, load_case


@dataclass(frozen=True)
class Options:
    """How a user interface spells the output folder, overwriting and restarting, for its messages."""

    output: str
    overwrite: str
    restart: str


COMMAND_LINE = Options(output="-o", overwrite="--overwrite", restart="--restart")
PYTHON = Options(output="output=", overwrite="overwrite=True", restart="restart=True")


class OutputNotEmpty(FileExistsError):
    """The output folder holds files and overwriting was not asked for, or it holds files that are not
    phasefield results (which are never removed), or it is a file."""


class RestartRefused(ValueError):
    """The output folder has no checkpoint to continue from, or its results were made with another case."""


def holds_results(folder: Path) -> bool:
    """Whether ``folder`` holds a phasefield run or sweep (what overwriting may replace): its run.json or
    sweep.json, or a sweep member's run.json one level down."""
    return any(marker.is_file() for marker in [folder / "run.json", folder / "sweep.json", *folder.glob("*/run.json")])


def _output_problem(output: Path, overwrite: bool, options: Options) -> str | None:
    """Why ``output`` cannot become the empty folder of a new run, or None."""
    if output.exists() and not output.is_dir():
        return f"output path {output} exists and is not a directory"
    if not (output.exists() and any(output.iterdir())):
        return None
    if not overwrite:
        return (f"output directory {output} exists and is not empty; "
                f"choose another with {options.output} or pass {options.overwrite}")
    if not holds_results(output):
        return (f"{options.overwrite}: {output} holds no phasefield results (no run.json or sweep.json); "
                f"it is not removed: choose another directory with {options.output}")
    return None


def prepare_output(output: Path, overwrite: bool, options: Options) -> Path:
    """``output``, created empty for a new run (collective: rank 0 checks and writes, every rank raises
    :class:`OutputNotEmpty` with the same one-line message). A folder with files is replaced only with
    ``overwrite`` and only when it holds phasefield results."""
    comm = MPI.COMM_WORLD
    problem = None
    if comm.rank == 0:
        problem = _output_problem(output, overwrite, options)
        if problem is None:
            if output.exists():
                shutil.rmtree(output)
            output.mkdir(parents=True)
    problem = comm.bcast(problem, root=0)
    if problem:
        raise OutputNotEmpty(problem)
    return output


def restart_point(resolved: ResolvedCase, output: Path, allow_unused: bool, options: Options) -> Path:
    """The latest complete checkpoint in ``output``, to continue ``resolved`` from; raises
    :class:`RestartRefused` when there is none or when ``output/case.toml`` (the case the results were made
    with) differs from ``resolved`` beyond what a restart may change (``case.compare.MAY_CHANGE``), and
    :class:`phasefield.case.CaseError` when that copy no longer loads."""
    from phasefield.output.checkpoint import latest_checkpoint  # h5py and DOLFINx: only for a restart

    checkpoint = latest_checkpoint(output / "checkpoints") if output.is_dir() else None
    if checkpoint is None:
        raise RestartRefused(f"{options.restart}: no checkpoint in {output / 'checkpoints'} "
                             f"(run the case first, or drop {options.restart})")
    changed = differences(resolved, load_case(output / "case.toml", allow_unused))
    if changed:
        raise RestartRefused(f"{options.restart}: {resolved.path} differs from the case the results in {output} "
                             f"were made with ({output / 'case.toml'}) in {'; '.join(changed)}")
    return checkpoint
