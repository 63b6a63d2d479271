"""Shared by the creep solver studies (``creep_ldlt/``, ``creep_fieldsplit/``): the creep model of a case restored
from a checkpoint, and the JSON record of a study (machine, date, versions, revision)."""

import argparse  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import os
import platform
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from mpi4py import MPI

from dolfinx.fem.petsc import assemble_matrix, assign

from phasefield.case.loader import load_case
from phasefield.coupling.simulation import Simulation
from phasefield.output.metadata import git_revision, versions, write_json

HEADLINE = Path(__file__).parent / "headline_li.toml"


def study_arguments(description: str, repeats: int | None = None) -> argparse.ArgumentParser:
    """A parser with the arguments every study takes: ``--checkpoint``, ``--case``, ``--output``; and
    ``--repeats`` (timed repetitions) with this default where given."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--case", type=Path, default=HEADLINE)
    parser.add_argument("--output", type=Path, required=True)
    if repeats is not None:
        parser.add_argument("--repeats", type=int, default=repeats)
    return parser


def restored_creep(args: argparse.Namespace, comm: MPI.Comm) -> tuple[Simulation, object]:
    """The simulation of ``args.case`` at ``args.checkpoint`` (results in a temporary folder) and its creep model
    (:class:`phasefield.physics.creep.PowerLawCreep`)."""
    directory = Path(tempfile.mkdtemp(prefix="creep_study_")) if comm.rank == 0 else None
    simulation = Simulation(load_case(args.case), comm, Path(comm.bcast(str(directory) if directory else None)))
    simulation.restore_checkpoint(args.checkpoint)
    return simulation, simulation.models.flow.flow.creep


def creep_systems(creep):
    """For the Newton and the Kacanov system of ``creep`` at its state (the Kacanov viscosity frozen there): the
    name, the solver's matrix (flagged symmetric) assembled there, a function that assembles it again (a numeric
    refactorisation follows), and the same matrix assembled without the symmetry flags."""
    for name, (problem, bcs) in creep.operators().items():
        matrix = problem.A
        assign(creep.u, problem.x)

        def reassemble(problem=problem, matrix=matrix):
            problem.solver.computeJacobian(problem.x, matrix)

        reassemble()
        plain = assemble_matrix(problem.J, bcs=bcs)
        plain.assemble()
        yield name, matrix, reassemble, plain


def write_study(path: Path, benchmark: str, args: argparse.Namespace, comm: MPI.Comm, results: dict,
                **extra) -> None:
    """The JSON of a study on rank 0: what, the case and checkpoint, ``extra`` settings, machine, versions."""
    if comm.rank != 0:
        return
    write_json(path, {
        "benchmark": benchmark, "case": str(args.case), "checkpoint": str(args.checkpoint), **extra,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "processor": platform.processor(),
                    "cpu_count": os.cpu_count(), "load_average": os.getloadavg()},
        "versions": versions(), "git_revision": git_revision(), "ranks": comm.size, "results": results})
