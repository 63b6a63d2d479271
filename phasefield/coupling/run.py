"""Run one case end to end: metadata, simulation with progress, final metadata and figure.

Returns the run's status; a failed run is a result (its status says why), never an exit.
"""

import logging
import shutil
import sys
from pathlib import Path

from mpi4py import MPI

from phasefield.case import ResolvedCase
from phasefield.coupling.simulation import Simulation
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


def _progress_bar(resolved: ResolvedCase):
    """A rich progress bar on rank 0 (capacity, voltage, dt, ETA), or None."""
    if MPI.COMM_WORLD.rank != 0 or not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                   TextColumn("{task.fields[status]}"), TimeRemainingColumn(), transient=False)
    tasks = {}

    def update(row, protocol_index, step, state):
        if protocol_index not in tasks:
            tasks[protocol_index] = bar.add_task(f"step {protocol_index + 1}", total=1.0, status="")
        done = max(state.step_capacity / step.capacity_limit if step.capacity_limit else 0.0,
                   state.step_time / step.time_limit if step.time_limit else 0.0)
        bar.update(tasks[protocol_index], completed=min(done, 1.0), status=(
            f"Q={row['capacity_mAh_per_cm2']:.3f} mAh/cm2  eta={1e3 * row['overpotential_V']:.1f} mV"
            f"  dt={row['dt_s']:.0f} s"))

    return bar, update


def run_case(resolved: ResolvedCase, output: Path, progress: bool = True, restart: Path | None = None) -> str:
    """Run ``resolved`` into the (empty) directory ``output``, or continue it from the checkpoint
    ``restart``; returns the run's status (``"completed"``, ``"stopped: ..."`` or ``"failed ..."``)."""
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
    bar, update = _progress_bar(resolved) if progress else (None, None)
    extra = {}
    try:
        if bar is not None:
            with bar:
                summary = simulation.run(update, restart=restart)
        else:
            summary = simulation.run(restart=restart)
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
