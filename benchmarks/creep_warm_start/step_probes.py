"""Three probes of the creep solves of a void case, step by step, as JSON (machine, date, revision).

- ``split``: the creep iterations and wall time of each step's first solve against the solves after a change of
  the unilateral contact set (``PowerLawCreep.solve(newton_first=True)``);
- ``velocity_change``: how much the creep velocity changes from one step's solve to the next (relative, in the max
  and the Euclidean norm of the velocity dofs): whether a solve could be skipped and the last flow kept;
- ``extrapolate``: the warm start extrapolated linearly from the last two steps' solutions (2 u_n - u_(n-1); the
  headline's steps are equal) instead of the last solution; the creep iterations per step are written for a
  comparison with a run without it (``split`` writes them too).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/creep_warm_start/step_probes.py split \\
        --capacity 0.4 --output benchmarks/creep_warm_start/split_headline_0p4_1rank_20261207.json

The probes wrap the creep solvers from outside (nothing in the package changes); one rank."""

import argparse  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import importlib.util
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from mpi4py import MPI

import numpy as np

from phasefield.coupling.simulation import Simulation
from phasefield.output.metadata import git_revision, versions, write_json
from phasefield.output.timeseries import read_timeseries
from phasefield.physics import creep, creep_flow

HEADLINE = Path(__file__).parents[1] / "headline" / "headline_li.toml"
_spec = importlib.util.spec_from_file_location("profile_headline", HEADLINE.with_name("profile_headline.py"))
profile_headline = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(profile_headline)


def probe_split(record: dict) -> None:
    """Iterations and seconds of first solves and contact re-solves."""
    record.update(first={"solves": 0, "iterations": 0, "wall_time_s": 0.0},
                  contact_resolves={"solves": 0, "iterations": 0, "wall_time_s": 0.0})
    original = creep.PowerLawCreep.solve

    def solve(self, newton_first: bool = False):
        start = time.perf_counter()
        iterations = original(self, newton_first=newton_first)
        kind = record["contact_resolves" if newton_first else "first"]
        kind["solves"] += 1
        kind["iterations"] += int(sum(iterations))
        kind["wall_time_s"] += time.perf_counter() - start
        return iterations

    creep.PowerLawCreep.solve = solve


def probe_velocity_change(record: dict) -> None:
    """The relative change of the velocity between consecutive steps' solves."""
    record.update(max_norm=[], euclidean_norm=[])
    last = []
    original = creep_flow.CreepFlow.solve

    def solve(self):
        iterations = original(self)
        velocity = self.velocity.x.array.copy()
        if last:
            change = velocity - last[0]
            record["max_norm"].append(float(np.max(np.abs(change)) / np.max(np.abs(velocity))))
            record["euclidean_norm"].append(float(np.linalg.norm(change) / np.linalg.norm(velocity)))
        last[:] = [velocity]
        return iterations

    creep_flow.CreepFlow.solve = solve


def probe_extrapolate(record: dict) -> None:
    """The warm start 2 u_n - u_(n-1) where the state is still the last step's solution (not after a restore)."""
    record.update(extrapolated_starts=0)
    history = []
    original = creep_flow.CreepFlow.solve

    def solve(self):
        state = self.creep.u.x.array
        if len(history) == 2 and np.array_equal(state, history[-1]):
            state[:] = 2.0 * history[-1] - history[-2]
            record["extrapolated_starts"] += 1
        iterations = original(self)
        history.append(self.creep.u.x.array.copy())
        del history[:-2]
        return iterations

    creep_flow.CreepFlow.solve = solve


PROBES = {"split": probe_split, "velocity_change": probe_velocity_change, "extrapolate": probe_extrapolate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("probe", choices=sorted(PROBES))
    parser.add_argument("--case", type=Path, default=HEADLINE)
    parser.add_argument("--capacity", type=float, required=True, help="stop the strip here (mAh/cm2)")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    if comm.size != 1:
        parser.error("one rank: the probes read local arrays")
    record: dict = {}
    PROBES[args.probe](record)
    directory = Path(tempfile.mkdtemp(prefix="probe_"))
    start = time.perf_counter()
    simulation = Simulation(profile_headline.shortened(args.case, args.capacity), comm, directory)
    summary = simulation.run()
    simulation.close()
    wall = time.perf_counter() - start
    data = read_timeseries(directory / "timeseries.csv")
    write_json(args.output, {
        "benchmark": f"creep step probe '{args.probe}' ({__doc__.splitlines()[0]})", "case": str(args.case),
        "stopped_at_mAh_per_cm2": args.capacity, "git_revision": git_revision(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "processor": platform.processor(), "cpu_count": os.cpu_count()},
        "versions": versions(), "ranks": comm.size, "status": summary.status, "wall_time_s": wall,
        "creep_iterations_per_step": [int(k) for k in data["creep_iterations"]],
        "overpotential_V": [float(v) for v in data["overpotential_V"]],
        "contact_fraction": [float(v) for v in data["contact_fraction"]],
        args.probe: record, "results": str(directory)})


if __name__ == "__main__":
    main()
