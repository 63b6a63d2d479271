"""Run one case end to end: metadata, simulation, final metadata and figures.

Returns the run's status; a failed run is a result (its status says why), never an exit.
"""

import logging
import shutil
from pathlib import Path

from mpi4py import MPI

from phasefield.case import ResolvedCase
from phasefield.coupling.simulation import Progress, Simulation
from phasefield.output.line_scan_plot import plot_line_scans
from phasefield.output.metadata import run_metadata, write_json
from phasefield.output.voltage_plot import plot_voltage_curve
from phasefield.solvers.failures import SolverFailure
from phasefield.units import si_to

log = logging.getLogger(__name__)

SIGN_CONVENTION = (
    "current density > 0 strips the metal (Li+ into the electrolyte); cell_voltage = "
    "E(metal working electrode) - E(counter electrode); overpotential = cell_voltage - open-circuit "
    "voltage, > 0 while stripping"
)


def run_case(resolved: ResolvedCase, output: Path, progress: Progress | None = None,
             restart: Path | None = None) -> str:
    """Run ``resolved`` into the (empty) directory ``output``, or continue it from the checkpoint
    ``restart``, calling ``progress`` after each step; returns the run's status (``"completed"``,
    ``"stopped: ..."`` or ``"failed ..."``)."""
    comm = MPI.COMM_WORLD
    if comm.rank == 0 and restart is None:
        shutil.copyfile(resolved.path, output / "case.toml")
    simulation = Simulation(resolved, comm, output)
    revision = None  # the code that runs: read at the start, kept for the final run.json
    if comm.rank == 0:
        started = run_metadata(
            resolved, comm, status="running" if restart is None else f"running (restarted from {restart.name})",
            sign_convention=SIGN_CONVENTION, columns=simulation.columns)
        revision = started["git_revision"]
        write_json(output / "run.json", started)
    extra = {}
    try:
        summary = simulation.run(progress, restart=restart)
        status = summary.status
        extra = dict(step_end_reasons=summary.step_end_reasons, steps=summary.steps,
                     wall_time_s=summary.wall_time_s, final=summary.final_row)
    except SolverFailure as err:
        clock = simulation.clock
        capacity = si_to(clock.capacity, "areal_capacity", "mAh/cm^2")
        status = (f"failed at t = {clock.time:.6g} s, capacity {capacity:.4g} mAh/cm2: "
                  f"{err}; last accepted state in {simulation.last_checkpoint}")
    columns = simulation.columns
    simulation.close()
    if comm.rank == 0:
        write_json(output / "run.json", run_metadata(
            resolved, comm, status=status, sign_convention=SIGN_CONVENTION, columns=columns,
            git_revision=revision, **extra))
        plot_voltage_curve(output / "timeseries.csv", output / "voltage_vs_capacity.png",
                           resolved.case.meta.description)
        if any((output / "line_scans").glob("*.csv")):
            plot_line_scans(output / "line_scans", output / "mg_line_scans.png",
                            resolved.case.meta.description)
        log.info("%s; results in %s", status, output)
    return status
