"""Run one case end to end: metadata, simulation, final metadata and figures.

Returns the run's status; a failed run is a result (its status says why), never an exit.
"""

import logging
import signal
from dataclasses import dataclass
from pathlib import Path

from mpi4py import MPI

from phasefield.case import ResolvedCase
from phasefield.coupling.interrupt import Interrupt
from phasefield.coupling.simulation import Progress, Simulation
from phasefield.output.line_scan_plot import plot_line_scans
from phasefield.output.metadata import run_metadata, write_case_copy, write_json
from phasefield.output.voltage_plot import plot_voltage_curve
from phasefield.solvers import kernel_compilation
from phasefield.solvers.failures import SolverFailure
from phasefield.units import si_to

log = logging.getLogger(__name__)

SIGN_CONVENTION = (
    "current density > 0 strips the metal (Li+ into the electrolyte); cell_voltage = "
    "E(metal working electrode) - E(counter electrode); overpotential = cell_voltage - open-circuit "
    "voltage, > 0 while stripping"
)


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended: ``status`` as in run.json (``"completed"``, ``"short-circuit"``, ``"stopped: ..."``,
    ``"cut off: ..."``, ``"interrupted"`` or ``"failed ..."``), the interrupting ``signal`` (0: none), the steps
    done."""

    status: str
    signal: int = 0
    steps: int = 0


def run_case(resolved: ResolvedCase, output: Path, progress: Progress | None = None,
             restart: Path | None = None) -> RunOutcome:
    """Run ``resolved`` into the (empty) directory ``output``, or continue it from the checkpoint
    ``restart``, calling ``progress`` after each step. SIGINT and SIGTERM end it after the current step
    with a checkpoint (status ``"interrupted"``); a solver failure ends it as ``"failed ..."``. In every
    case run.json and the figures are written."""
    comm = MPI.COMM_WORLD
    revision = None  # the code that runs: read at the start, kept for every later run.json
    flags = kernel_compilation.configure()  # the finite-element kernels' compiler flags, recorded in run.json
    if comm.rank == 0:  # run.json first: the folder is a phasefield run from now on (--overwrite may replace it)
        starting = run_metadata(resolved, comm, status="starting", kernel_compile_flags=flags)
        revision = starting["git_revision"]
        write_json(output / "run.json", starting)
        write_case_copy(resolved, output / "case.toml")
    simulation = Simulation(resolved, comm, output)
    if comm.rank == 0:
        write_json(output / "run.json", run_metadata(
            resolved, comm, status="running" if restart is None else f"running (restarted from {restart.name})",
            kernel_compile_flags=flags,
            sign_convention=SIGN_CONVENTION, columns=simulation.columns, git_revision=revision))
    extra, signum = {}, 0
    try:
        with Interrupt(comm) as interrupt:
            summary = simulation.run(progress, restart=restart, interrupt=interrupt)
        status, signum = summary.status, summary.signal
        extra = dict(step_end_reasons=summary.step_end_reasons, steps=summary.steps,
                     wall_time_s=summary.wall_time_s, final=summary.final_row)
        if signum:
            extra["signal"] = signal.Signals(signum).name
    except SolverFailure as err:
        clock = simulation.clock
        capacity = si_to(clock.capacity, "areal_capacity", "mAh/cm^2")
        status = (f"failed at t = {clock.time:.6g} s, capacity {capacity:.4g} mAh/cm2: "
                  f"{err}; last accepted state in {simulation.last_checkpoint}")
    columns, steps = simulation.columns, simulation.counters.index
    simulation.close()
    if comm.rank == 0:
        write_json(output / "run.json", run_metadata(
            resolved, comm, status=status, sign_convention=SIGN_CONVENTION, columns=columns,
            git_revision=revision, kernel_compile_flags=flags, **extra))
        plot_voltage_curve(output / "timeseries.csv", output / "voltage_vs_capacity.png",
                           resolved.case.meta.description)
        if any((output / "line_scans").glob("*.csv")):
            plot_line_scans(output / "line_scans", output / "mg_line_scans.png",
                            resolved.case.meta.description)
        log.info("%s; results in %s", status, output)
    return RunOutcome(status, signum, steps)
