"""CH-S1 with phasefield.generic.CahnHilliard: fixed steps (--dt) or adaptive (--tolerance).

    mpiexec -n 2 .venv/bin/python benchmarks/ch_s1/run_phasefield.py --cells 192 --tolerance 1e-4 \
        --reference results/ch_s1/reference_short.json --output results/ch_s1/pf.json

Fixed steps land on the report times (dt must divide 1e-5). Adaptive runs report the energy of the
BDF2 dense output (the quadratic through the last three accepted states) at the report times, so
the report times do not constrain the steps; --land-on-reports makes the controller stop on them.
"""

import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

from mpi4py import MPI  # noqa: E402  (before PETSc and DOLFINx)

# isort: split
import common  # noqa: E402
import dolfinx  # noqa: E402
from dolfinx import mesh as dmesh  # noqa: E402

from phasefield.generic.cahn_hilliard import CahnHilliard  # noqa: E402
from phasefield.output.metadata import versions  # noqa: E402

#: name of the time integrator of each --order
SCHEMES = {1: "backward Euler", 2: "BDF2", 3: "BDF3"}


def main() -> None:
    parser = common.base_parser(__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dt", type=float, help="fixed time step")
    mode.add_argument("--tolerance", type=float, help="adaptive: local error tolerance (RMS of c)")
    parser.add_argument("--dt-initial", type=float, default=1e-7)
    parser.add_argument("--dt-min", type=float, default=1e-10)
    parser.add_argument("--dt-max", type=float, default=1e-4)
    parser.add_argument("--degree", type=int, default=1)
    parser.add_argument("--order", type=int, default=2, choices=sorted(SCHEMES), help=str(SCHEMES))
    parser.add_argument("--linear-solver", choices=["gmres", "mumps"], default="gmres")
    parser.add_argument("--quadrature-degree", type=int, help="default: 2 x degree")
    parser.add_argument("--land-on-reports", action="store_true")
    parser.add_argument("--label", default="phasefield")
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    t_end = common.end_time(args)
    reports = [t for t in common.report_times(args.horizon) if t <= t_end * (1 + 1e-9)]

    start = time.perf_counter()
    mesh = dmesh.create_unit_square(comm, args.cells, args.cells, dmesh.CellType.triangle)
    model = CahnHilliard(mesh, common.double_well, common.GRADIENT_COEFFICIENT, common.MOBILITY,
                         degree=args.degree, order=args.order, linear_solver=args.linear_solver,
                         quadrature_degree=args.quadrature_degree)
    model.set_initial_condition(common.initial_concentration)
    energies = {common.time_key(0.0): model.free_energy()}
    amount = model.amount()
    setup = time.perf_counter() - start

    loop_start = time.perf_counter()
    if args.dt is not None:
        steps, iterations = fixed_steps(model, args.dt, reports, energies)
        setting = f"N={args.cells} P{args.degree} dt={args.dt:g}"
        controller = {"dt": args.dt}
        rejected = failed = 0
    else:
        pending = list(reports)

        def record(t, dt, outcome):
            while pending and pending[0] <= t * (1 + 1e-12):
                report = pending.pop(0)
                energies[common.time_key(report)] = model.free_energy(report)

        stats = model.run_adaptive(t_end, args.tolerance, args.dt_initial, args.dt_min, args.dt_max,
                                   stop_times=reports if args.land_on_reports else (), on_accept=record)
        steps, iterations, rejected, failed = (stats.accepted, stats.nonlinear_iterations, stats.rejected,
                                               stats.failed)
        setting = f"N={args.cells} P{args.degree} tol={args.tolerance:g}"
        controller = {"tolerance": args.tolerance, "dt_initial": args.dt_initial, "dt_min": args.dt_min,
                      "dt_max": args.dt_max, "land_on_reports": args.land_on_reports,
                      "dt_smallest": min(stats.step_sizes), "dt_largest": max(stats.step_sizes)}
    loop = time.perf_counter() - loop_start
    wall = comm.allreduce(setup + loop, op=MPI.MAX)

    record = {
        "code": args.label, "setting": setting, "ranks": comm.size, "cells": args.cells,
        "mesh": f"unit square, {args.cells} x {args.cells} x 2 triangles, P{args.degree} x P{args.degree}",
        "scheme": f"{SCHEMES[args.order]}, monolithic Newton (SNES), "
                  f"{args.linear_solver}", "controller": controller, "t_end": t_end, "steps": steps,
        "rejected_steps": rejected, "failed_steps": failed, "nonlinear_iterations": iterations,
        "setup_time_s": comm.allreduce(setup, op=MPI.MAX), "loop_time_s": comm.allreduce(loop, op=MPI.MAX),
        "wall_time_s": wall, "mass_drift": model.amount() / amount - 1.0,
        "versions": versions() | {"dolfinx": dolfinx.__version__},
    }
    common.finish(args, record, energies, comm.rank)


def fixed_steps(model: CahnHilliard, dt: float, reports: list[float], energies: dict) -> tuple[int, int]:
    """Constant steps to the last report time; the energy at every report time (a multiple of dt)."""
    steps_per_report = [round(t / dt) for t in reports]
    if any(abs(n * dt - t) > 1e-9 * t for n, t in zip(steps_per_report, reports, strict=True)):
        raise SystemExit(f"dt = {dt:g} does not divide the report times")
    iterations = 0
    for n in range(1, steps_per_report[-1] + 1):
        outcome = model.step(dt)
        if not outcome.converged:
            raise SystemExit(f"Newton failed at step {n}")
        iterations += outcome.iterations
        if n in steps_per_report:
            energies[common.time_key(reports[steps_per_report.index(n)])] = model.free_energy()
    return steps_per_report[-1], iterations


if __name__ == "__main__":
    main()
