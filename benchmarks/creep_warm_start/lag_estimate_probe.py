"""Could a void case skip creep solves under an estimate of the lag's displacement error? Per-step data (issue 24).

Wraps ``CreepSinkFlow.advance`` of a headline run from outside (nothing in the package changes; every step solves)
and writes per step, as JSON with machine, date and revision:

- ``forced``: whether the step had to solve whatever an estimate says: the first step, or the unilateral contact
  set lagged from the last step changed (``CreepFlow.drivers_change`` is then infinite);
- ``phi_change``: the largest change of the metal fraction at a vertex since the last solve (1 at a nucleation);
- ``displacement_um`` and ``velocity_change_displacement_um``: the largest velocity component (of the P2 velocity
  dofs, the void ersatz included), and the largest change of one since the last solve, times the step (um);
- ``predicted_lag_error_um``: the displacement error of keeping the last flow one more step, estimated from the last
  two solves, |v_j - v_i|_max / (t_j - t_i) x (t - t_j + dt) x dt;
- the creep iterations and seconds.

``steps_forced_by_the_contact_set`` counts the forced steps, the first one included. The probe's clock adds up the
steps it is called for (a run with rejected steps would need the simulation's own time).

    OMP_NUM_THREADS=1 .venv/bin/mpiexec -n 2 .venv/bin/python benchmarks/creep_warm_start/lag_estimate_probe.py \\
        --capacity 0.6 --output F.json --results RUN
"""

import argparse  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import importlib.util
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from mpi4py import MPI

import numpy as np

from phasefield.coupling.simulation import Simulation
from phasefield.output.metadata import git_revision, versions, write_json
from phasefield.submodels import flow as flow_module

HEADLINE = Path(__file__).parents[1] / "headline" / "headline_li.toml"
_spec = importlib.util.spec_from_file_location("profile_headline", HEADLINE.with_name("profile_headline.py"))
profile_headline = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(profile_headline)


def recording_advance(comm: MPI.Comm, steps: list[dict]):
    """``CreepSinkFlow.advance`` that solves every step and appends the module docstring's data to ``steps``."""
    clock = {"time": 0.0, "solves": []}  # the last two solves: (time, local velocity array)

    def largest(values: np.ndarray) -> float:
        return comm.allreduce(float(np.max(np.abs(values), initial=0.0)), op=MPI.MAX)

    def advance(self, step):
        if step.stack_pressure is not None:
            self.flow.set_stack_pressure(step.stack_pressure)
        flow, now, solves = self.flow, clock["time"], clock["solves"]
        row = {"dt_s": step.dt, "forced": not flow.solved_drivers}
        if not row["forced"]:
            row["phi_change"] = largest(flow._driver_values()[0] - flow.solved_drivers[0])
        if len(solves) == 2 and not row["forced"]:
            (first, before), (last, after) = solves
            row["predicted_lag_error_um"] = largest(after - before) / (last - first) * (now - last + step.dt) \
                * step.dt * 1e6
        start = time.perf_counter()
        self.iterations = sum(flow.solve())
        row["creep_s"] = time.perf_counter() - start
        row["creep_iterations"] = self.iterations
        velocity = flow.velocity.x.array.copy()
        if solves:
            row["velocity_change_displacement_um"] = largest(velocity - solves[-1][1]) * step.dt * 1e6
        row["displacement_um"] = largest(velocity) * step.dt * 1e6
        solves.append((now, velocity))
        del solves[:-2]
        clock["time"] = now + step.dt
        steps.append(row)

    return advance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=Path, default=HEADLINE)
    parser.add_argument("--capacity", type=float, required=True, help="stop the strip here (mAh/cm2)")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    steps: list[dict] = []
    flow_module.CreepSinkFlow.advance = recording_advance(comm, steps)
    if comm.rank == 0:
        args.results.mkdir(parents=True, exist_ok=True)
    comm.barrier()  # the folder exists on every rank before the run writes into it
    start = time.perf_counter()
    simulation = Simulation(profile_headline.shortened(args.case, args.capacity), comm, args.results)
    summary = simulation.run()
    simulation.close()
    wall = time.perf_counter() - start
    if comm.rank == 0:
        forced = sum(row["forced"] for row in steps)
        write_json(args.output, {
            "benchmark": __doc__.splitlines()[0], "case": str(args.case), "stopped_at_mAh_per_cm2": args.capacity,
            "git_revision": git_revision(), "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"platform": platform.platform(), "processor": platform.processor(),
                        "cpu_count": os.cpu_count()},
            "versions": versions(), "ranks": comm.size, "status": summary.status, "wall_time_s": wall,
            "steps_forced_by_the_contact_set": forced, "steps": steps, "results": str(args.results)})


if __name__ == "__main__":
    main()
