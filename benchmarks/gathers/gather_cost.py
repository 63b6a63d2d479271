"""What the per-step gathers of the metal field cost (issue 24, item 3), measured inside one run.

Runs a case with the phase-field contact (and ``--set`` overrides) step by step under ``mpiexec -n 2`` and,
after each accepted step, times on that state the per-step output work that item 3 changed, both ways
(``--repeats`` times each, alternating, the median kept):

- void statistics: before (9140dba^), phi gathered to rank 0 and counted there, then the interface
  profile gathered; after, the profile gathered (with x) and the column heights reduced by MPI MAX;
- the x_Mg layer mean of ``plated_layer_relative_Mg`` (Li-Mg cases): before, x_Mg gathered to rank 0 and
  summed per plane; after, each rank's plane sums reduced.

It also records the wall time of each step (the solve and all of its outputs) and the number of values
each way sends to rank 0 per step, with the machine, its load, the date and the revision.

    mpiexec -n 2 .venv/bin/python benchmarks/gathers/gather_cost.py cases/t2_limg_strip_voids.toml \
        --set creep.model=none --steps 20 --output benchmarks/gathers/gather_cost_t2_2ranks.json
"""

import argparse  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import os
import platform
import tempfile
import time
from functools import partial
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from mpi4py import MPI

from phasefield.case.loader import load_case
from phasefield.case.overrides import Overrides
from phasefield.coupling.simulation import Simulation
from phasefield.output.metadata import git_revision, versions, write_json
from phasefield.output.void_statistics import void_statistics


class GatheredStatistics:
    """The void statistics as computed before item 3: phi and the node coordinates on rank 0."""

    def __init__(self, contact):
        self.contact, self.comm = contact, contact._comm
        points = self.comm.gather(contact._points, root=0)
        self.points = np.concatenate(points) if self.comm.rank == 0 else None

    def __call__(self):
        contact = self.contact
        contact.metal_fraction.interpolate(contact.system.phi)
        phi = self.comm.gather(contact.metal_fraction.x.array[: contact._owned], root=0)
        result = None
        if self.comm.rank == 0:
            result = void_statistics(self.points, np.concatenate(phi), contact.window.normal_axis,
                                     contact.window.spec.width)
        stats = self.comm.bcast(result, root=0)
        contact._interface_samples()  # values() gathered the profile after the statistics
        return stats


class GatheredLineScan:
    """The line scan's plane sums as computed before item 3: the field gathered to rank 0."""

    def __init__(self, scan):
        self.scan, self.comm = scan, scan._comm
        plane, weights = self.comm.gather(scan._plane, root=0), self.comm.gather(scan._weights, root=0)
        if self.comm.rank == 0:
            self.plane, self.weights = np.concatenate(plane), np.concatenate(weights)

    def __call__(self, values):
        gathered = self.comm.gather(values[: self.scan._owned], root=0)
        if self.comm.rank != 0:
            return None
        return np.bincount(self.plane, weights=np.concatenate(gathered) * self.weights,
                           minlength=self.scan.distance.size)


def timed(function, comm: MPI.Comm) -> float:
    """Wall time (s) of ``function()`` on all ranks, from a barrier to a barrier."""
    comm.Barrier()
    start = time.perf_counter()
    function()
    comm.Barrier()
    return time.perf_counter() - start


def median_pair(before, after, repeats: int, comm: MPI.Comm) -> tuple[float, float]:
    """Medians of ``repeats`` alternating timings of ``before()`` and ``after()``."""
    times = np.array([(timed(before, comm), timed(after, comm)) for _ in range(repeats)])
    return float(np.median(times[:, 0])), float(np.median(times[:, 1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", type=Path)
    parser.add_argument("--set", action="append", default=[], metavar="TABLE.KEY=VALUE")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    load = os.getloadavg()
    resolved = load_case(args.case, overrides=Overrides.parse(args.set, args.case) if args.set else None)
    directory = Path(comm.bcast(tempfile.mkdtemp(prefix="gathers_") if comm.rank == 0 else None, root=0))
    simulation = Simulation(resolved, comm, directory)
    simulation.start()
    contact, interdiffusion = simulation.models.contact, simulation.models.interdiffusion
    old_statistics = GatheredStatistics(contact)
    scan = getattr(interdiffusion, "line_scan", None)
    old_scan = GatheredLineScan(scan) if scan is not None else None
    rows = []

    def new_statistics():
        return contact._statistics(contact._interface_samples())

    for _ in range(args.steps):
        if simulation.counters.protocol_index >= len(resolved.case.protocol.steps):
            break
        step_time = timed(simulation.step, comm)
        row = {"step": simulation.counters.index, "step_wall_s": step_time,
               "voids": int(new_statistics().count)}
        row["statistics_before_s"], row["statistics_after_s"] = median_pair(old_statistics, new_statistics,
                                                                            args.repeats, comm)
        if old_scan is not None:
            x = interdiffusion.transport.x.x.array
            row["line_scan_before_s"], row["line_scan_after_s"] = median_pair(partial(old_scan, x), partial(scan, x),
                                                                              args.repeats, comm)
        rows.append(row)
    metal = contact.metal_fraction.function_space.dofmap.index_map.size_global
    interface = comm.allreduce(len(contact.profile._dofs), op=MPI.SUM)
    simulation.close()
    if comm.rank != 0:
        return

    def summary(key: str) -> float:
        return float(np.median([row[key] for row in rows])) if rows and key in rows[0] else None

    write_json(args.output, {
        "what": __doc__.splitlines()[0],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": git_revision(),
        "machine": {"host": platform.node(), "cpus": os.cpu_count(),
                    "system": f"{platform.system()} {platform.release()} {platform.machine()}",
                    "load_average_1_5_15_min_at_start": list(load), "load_average_at_end": list(os.getloadavg())},
        "versions": versions(),
        "ranks": comm.size,
        "case": str(args.case), "overrides": args.set, "repeats": args.repeats,
        "metal_nodes": metal, "interface_nodes": interface,
        "values_gathered_on_rank0_per_step": {
            "before": metal * (2 if old_scan is not None else 1) + 4 * interface,
            "after": 5 * interface},
        "median_per_step_s": {key: summary(key) for key in (
            "step_wall_s", "statistics_before_s", "statistics_after_s", "line_scan_before_s", "line_scan_after_s")},
        "steps": rows,
    })


if __name__ == "__main__":
    main()
