r"""CH-S1 with the formulation of the DOLFINx 0.11 Cahn-Hilliard demo (python/demo/demo_cahn-hilliard.py).

As in the demo: P1 x P1 mixed space (``--degree 2``: P2 x P2), theta = 0.5 on the c equation,
(c - c0, q) + dt (grad mu_mid, grad q) = 0 and (mu, v) - (df/dc, v) - lambda (grad c, grad v) = 0 with
mu_mid = (1 - theta) mu0 + theta mu, df/dc by UFL differentiation, the form compiler's default
quadrature, NonlinearProblem with SNES newtonls, no line search, convergence on the update
(snes_stol = 1e-2 sqrt(machine epsilon), atol = rtol = 0), LU by MUMPS; fixed steps, starting
each Newton solve from the previous state.

The demo starts from mu = 0 (``--initial-mu zero``); the default here sets mu0 to the L2 projection
of f'(c0) - lambda lap(c0) (``consistent``), without which the first theta step is only first-order
accurate. Both keep the demo's formulation of every step.

``--solver phasefield`` solves the same residual with phasefield's Cahn-Hilliard solver options instead
of the demo's (``phasefield.generic.evolution.solver_options``: Newton with a basic line search,
converged on the residual, relative 1e-6, or on the update; ``--linear-solver`` GMRES + ASM/ILU(3),
phasefield's default, or MUMPS), which separates the formulation from the solver options.
"""

import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

from mpi4py import MPI  # noqa: E402  (before PETSc and DOLFINx)

# isort: split
import common  # noqa: E402
import numpy as np  # noqa: E402
import ufl  # noqa: E402
from basix.ufl import element, mixed_element  # noqa: E402
from dolfinx import default_real_type, fem  # noqa: E402
from dolfinx import mesh as dmesh  # noqa: E402
from dolfinx.fem.petsc import LinearProblem, NonlinearProblem  # noqa: E402

from phasefield.generic.evolution import LINEAR_SOLVERS, solver_options  # noqa: E402
from phasefield.output.metadata import versions  # noqa: E402

THETA = 0.5
#: The demo's own SNES + KSP options: Newton without line search, converged on the update, MUMPS LU.
DEMO_OPTIONS = {
    "snes_type": "newtonls", "snes_linesearch_type": "none",
    "snes_stol": np.sqrt(np.finfo(default_real_type).eps) * 1e-2, "snes_atol": 0, "snes_rtol": 0,
    "ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps",
}


def main() -> None:
    parser = common.base_parser(__doc__)
    parser.add_argument("--dt", type=float, required=True)
    parser.add_argument("--initial-mu", choices=["consistent", "zero"], default="consistent")
    parser.add_argument("--degree", type=int, choices=[1, 2], default=1, help="Lagrange degree of c and mu")
    parser.add_argument("--solver", choices=["demo", "phasefield"], default="demo",
                        help="the demo's SNES/KSP options or phasefield's Cahn-Hilliard ones")
    parser.add_argument("--linear-solver", choices=sorted(LINEAR_SOLVERS), default="gmres",
                        help="linear solver of --solver phasefield (default: phasefield's, gmres)")
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    t_end, reports, steps_at = common.fixed_step_schedule(args)

    start = time.perf_counter()
    msh = dmesh.create_unit_square(comm, args.cells, args.cells, dmesh.CellType.triangle)
    lagrange = element("Lagrange", msh.basix_cell(), args.degree)
    ME = fem.functionspace(msh, mixed_element([lagrange, lagrange]))
    q, v = ufl.TestFunctions(ME)
    u, u0 = fem.Function(ME), fem.Function(ME)
    c, mu = ufl.split(u)
    c0, mu0 = ufl.split(u0)
    u.x.array[:] = 0.0
    u.sub(0).interpolate(common.initial_concentration)
    u.x.scatter_forward()
    if args.initial_mu == "consistent":
        u.sub(1).interpolate(projected_potential(ME, u))
        u.x.scatter_forward()
    c = ufl.variable(c)
    f = common.double_well(c)
    dfdc = ufl.diff(f, c)
    mu_mid = (1.0 - THETA) * mu0 + THETA * mu
    dt = args.dt
    F0 = (ufl.inner(c, q) * ufl.dx - ufl.inner(c0, q) * ufl.dx
          + dt * ufl.inner(ufl.grad(mu_mid), ufl.grad(q)) * ufl.dx)
    F1 = (ufl.inner(mu, v) * ufl.dx - ufl.inner(dfdc, v) * ufl.dx
          - common.GRADIENT_COEFFICIENT * ufl.inner(ufl.grad(c), ufl.grad(v)) * ufl.dx)
    petsc_options = DEMO_OPTIONS if args.solver == "demo" else solver_options(args.linear_solver)
    problem = NonlinearProblem(F0 + F1, u, petsc_options_prefix="demo_ch_", petsc_options=petsc_options)
    c_now = ufl.split(u)[0]
    energy_form = fem.form((common.double_well(c_now) + 0.5 * common.GRADIENT_COEFFICIENT
                            * ufl.inner(ufl.grad(c_now), ufl.grad(c_now))) * ufl.dx)

    def energy() -> float:
        return comm.allreduce(fem.assemble_scalar(energy_form))

    energies = {common.time_key(0.0): energy()}
    setup = time.perf_counter() - start

    loop_start = time.perf_counter()
    u0.x.array[:] = u.x.array
    iterations = 0
    for n in range(1, steps_at[-1] + 1):
        problem.solve()
        reason = problem.solver.getConvergedReason()
        if reason <= 0:
            raise SystemExit(f"Newton failed at step {n} (SNES reason {reason})")
        iterations += problem.solver.getIterationNumber()
        u0.x.array[:] = u.x.array
        if n in steps_at:
            energies[common.time_key(reports[steps_at.index(n)])] = energy()
    loop = time.perf_counter() - loop_start

    solver = "demo" if args.solver == "demo" else f"phasefield/{args.linear_solver}"
    newton = ("Newton (SNES, stol), MUMPS LU" if args.solver == "demo"
              else f"phasefield's Newton (SNES, rtol/stol, basic line search), {args.linear_solver}")
    p = args.degree
    record = {
        "code": "demo", "setting": f"N={args.cells} P{p} dt={args.dt:g} mu0={args.initial_mu} solver={solver}",
        "ranks": comm.size, "cells": args.cells, "degree": p, "solver": solver,
        "mesh": f"unit square, {args.cells} x {args.cells} x 2 triangles, P{p} x P{p}",
        "scheme": f"theta = 0.5 (DOLFINx demo), {newton}",
        "controller": {"dt": args.dt, "initial_mu": args.initial_mu}, "t_end": t_end, "steps": steps_at[-1],
        "nonlinear_iterations": iterations,
        "setup_time_s": comm.allreduce(setup, op=MPI.MAX), "loop_time_s": comm.allreduce(loop, op=MPI.MAX),
        "wall_time_s": comm.allreduce(setup + loop, op=MPI.MAX), "versions": versions(),
        "petsc_options": {k: str(v) for k, v in petsc_options.items()},
    }
    common.finish(args, record, energies, comm.rank)


def projected_potential(ME: fem.FunctionSpace, u: fem.Function) -> fem.Function:
    """L2 projection of f'(c) - lambda lap(c) (integrated by parts) onto the mu space."""
    V, _ = ME.sub(1).collapse()
    trial, test = ufl.TrialFunction(V), ufl.TestFunction(V)
    c = ufl.split(u)[0]
    rhs = (common.double_well_derivative(c) * test
           + common.GRADIENT_COEFFICIENT * ufl.inner(ufl.grad(c), ufl.grad(test))) * ufl.dx
    problem = LinearProblem(trial * test * ufl.dx, rhs, petsc_options_prefix="demo_initial_mu_",
                            petsc_options={"ksp_type": "cg", "pc_type": "jacobi", "ksp_rtol": 1e-12})
    return problem.solve()


if __name__ == "__main__":
    main()
