r"""CH-S1 with FiPy 4 (finite volumes on an N x N grid of squares), fixed steps.

The coupled (c, mu) form of FiPy's Cahn-Hilliard examples, backward Euler, with f'(c) linearised
about the previous sweep (so that sweeping is Newton's method):

    dc/dt = div(M grad mu),
    mu = f''(c*) c - f''(c*) c* + f'(c*) - div(lambda grad c).

FiPy's ImplicitSourceTerm keeps a source implicit only where that strengthens the diagonal, so
f''(c*) c, negative in the spinodal region, goes to the right-hand side there and the sweeps
converge linearly (about 0.3 per sweep). ``--linearization newton`` (default) keeps the whole term
in the matrix (a subclass that overrides that choice), which makes the sweeps Newton iterations
(quadratic, 2-3 sweeps a step); ``--linearization fipy`` is FiPy's stock behaviour.

Each step is swept until the largest change of c in a sweep is below --sweep-tolerance (at most
--max-sweeps); the linear solver is LinearLUSolver(tolerance=1e-12, criterion="initial") as
BENCHMARKS.md asks (FiPy's default GMRES does not converge on the coupled system, and its LU with the
default tolerance skips solves at small dt), with ``iterations=1`` by default: one LU solve per sweep,
never skipped (the criterion is relative to the residual itself); FiPy's default of 10 refinement
passes cannot reach 1e-12 of an already small residual and only repeats back-substitutions
(``--lu-iterations 10`` restores it). The factorisation is MUMPS through PETSc (also on 2 ranks).

The energy is the finite-volume one: the sum over cells of f(c) h^2 plus lambda/2 times the sum
over interior faces of (c_R - c_L)^2 (the face gradient squared times h^2).
"""

import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("FIPY_SOLVERS", "petsc")

from mpi4py import MPI  # noqa: E402  (before PETSc and DOLFINx)
from petsc4py import PETSc  # noqa: E402

# isort: split
import common  # noqa: E402
import fipy  # noqa: E402
import numpy as np  # noqa: E402
from fipy import (  # noqa: E402
    CellVariable,
    DiffusionTerm,
    Grid2D,
    ImplicitSourceTerm,
    LinearLUSolver,
    TransientTerm,
)


class NewtonSourceTerm(ImplicitSourceTerm):
    """An ImplicitSourceTerm that stays in the matrix whatever the sign of its coefficient."""

    def _getWeight(self, var, transientGeomCoeff=None, diffusionGeomCoeff=None):
        zero = np.zeros(var.shape, "d")
        return {"diagonal": np.ones(var.shape, bool), "old value": zero, "b vector": zero, "new value": zero}


def energy(c: CellVariable, cells: int) -> float:
    """Finite-volume free energy from the global cell values (x fastest, as FiPy numbers them)."""
    values = np.asarray(c.globalValue).reshape(cells, cells)
    h = 1.0 / cells
    bulk = np.sum(common.double_well(values)) * h * h
    gradient = np.sum(np.diff(values, axis=0) ** 2) + np.sum(np.diff(values, axis=1) ** 2)
    return float(bulk + 0.5 * common.GRADIENT_COEFFICIENT * gradient)


def main() -> None:
    parser = common.base_parser(__doc__)
    parser.add_argument("--dt", type=float, required=True)
    parser.add_argument("--sweep-tolerance", type=float, default=1e-9)
    parser.add_argument("--max-sweeps", type=int, default=20)
    parser.add_argument("--lu", default="mumps", help="PETSc factorisation package (mumps, petsc)")
    parser.add_argument("--lu-iterations", type=int, default=1)
    parser.add_argument("--linearization", choices=["newton", "fipy"], default="newton")
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    PETSc.Options()["pc_factor_mat_solver_type"] = args.lu
    t_end, reports, steps_at = common.fixed_step_schedule(args)

    start = time.perf_counter()
    n = args.cells
    mesh = Grid2D(nx=n, ny=n, dx=1.0 / n, dy=1.0 / n)
    c = CellVariable(mesh=mesh, name="c", hasOld=True)
    mu = CellVariable(mesh=mesh, name="mu", hasOld=True)
    c.value = common.initial_concentration(mesh.cellCenters.value)
    d2f = common.double_well_second_derivative(c)
    source_term = NewtonSourceTerm if args.linearization == "newton" else ImplicitSourceTerm
    eq_c = TransientTerm(var=c) == DiffusionTerm(coeff=common.MOBILITY, var=mu)
    eq_mu = (ImplicitSourceTerm(coeff=1.0, var=mu)
             == source_term(coeff=d2f, var=c) - d2f * c + common.double_well_derivative(c)
             - DiffusionTerm(coeff=common.GRADIENT_COEFFICIENT, var=c))
    equation = eq_c & eq_mu
    solver = LinearLUSolver(tolerance=1e-12, criterion="initial", iterations=args.lu_iterations)
    energies = {common.time_key(0.0): energy(c, n)}
    setup = time.perf_counter() - start

    loop_start = time.perf_counter()
    sweeps, unconverged = 0, 0
    for step in range(1, steps_at[-1] + 1):
        c.updateOld()
        mu.updateOld()
        count, change = 0, np.inf
        while count < args.max_sweeps and change >= args.sweep_tolerance:
            previous = np.array(c.value)
            equation.sweep(dt=args.dt, solver=solver)
            change = comm.allreduce(float(np.max(np.abs(np.asarray(c.value) - previous))), op=MPI.MAX)
            count += 1
        unconverged += change >= args.sweep_tolerance
        sweeps += count
        if step in steps_at:
            energies[common.time_key(reports[steps_at.index(step)])] = energy(c, n)
    loop = time.perf_counter() - loop_start

    record = {
        "code": "fipy", "setting": f"N={n} dt={args.dt:g} {args.linearization}", "ranks": comm.size,
        "cells": n,
        "mesh": f"unit square, {n} x {n} squares, cell-centred finite volumes",
        "scheme": f"backward Euler, coupled (c, mu), {args.linearization} sweeps to convergence, "
                  f"LinearLUSolver(tolerance=1e-12, criterion='initial', iterations={args.lu_iterations}), "
                  f"{args.lu}",
        "controller": {"dt": args.dt, "sweep_tolerance": args.sweep_tolerance, "max_sweeps": args.max_sweeps,
                       "linearization": args.linearization},
        "t_end": t_end, "steps": steps_at[-1], "nonlinear_iterations": sweeps,
        "unconverged_steps": unconverged,
        "setup_time_s": comm.allreduce(setup, op=MPI.MAX), "loop_time_s": comm.allreduce(loop, op=MPI.MAX),
        "wall_time_s": comm.allreduce(setup + loop, op=MPI.MAX),
        "versions": {"fipy": fipy.__version__, "petsc": ".".join(map(str, PETSc.Sys.getVersion())),
                     "fipy_solvers": os.environ["FIPY_SOLVERS"]},
    }
    common.finish(args, record, energies, comm.rank)


if __name__ == "__main__":
    main()
