"""A MUMPS factorisation kept as the GMRES preconditioner while it serves (solvers/lagged_factorisation.py)."""

from mpi4py import MPI  # noqa: I001 - before petsc4py / dolfinx

import numpy as np
import ufl
from dolfinx import fem, mesh
from dolfinx.fem.petsc import NonlinearProblem

from phasefield.solvers.lagged_factorisation import KRYLOV_OPTIONS, LaggedFactorisation

NEWTON = {"snes_type": "newtonls", "snes_rtol": 1e-12, "snes_atol": 1e-13}


def nonlinear_poisson(prefix: str, options: dict) -> tuple[NonlinearProblem, fem.Constant]:
    """-div((k + u^2) grad u) = 1 on the unit square, u = 0 on the boundary; returns the problem and k."""
    domain = mesh.create_unit_square(MPI.COMM_WORLD, 16, 16)
    space = fem.functionspace(domain, ("Lagrange", 2))
    u, v = fem.Function(space), ufl.TestFunction(space)
    k = fem.Constant(domain, 0.01)
    residual = ((k + u**2) * ufl.inner(ufl.grad(u), ufl.grad(v)) - v) * ufl.dx
    domain.topology.create_connectivity(1, 2)
    boundary = mesh.exterior_facet_indices(domain.topology)
    bc = fem.dirichletbc(0.0, fem.locate_dofs_topological(space, 1, boundary), space)
    return NonlinearProblem(residual, u, bcs=[bc], petsc_options_prefix=prefix, petsc_options=options), k


def test_newton_with_old_factors_reaches_the_direct_solution_with_fewer_factorisations():
    direct, _ = nonlinear_poisson("lagged_direct_", NEWTON | {"ksp_type": "preonly", "pc_type": "lu",
                                                              "pc_factor_mat_solver_type": "mumps"})
    direct.solve()
    lagged, _ = nonlinear_poisson("lagged_gmres_", NEWTON | KRYLOV_OPTIONS | {"ksp_rtol": 1e-10})
    factors = LaggedFactorisation(lagged, refresh_after=8, factor="lu")
    factors.solve("test Newton")
    snes = lagged.solver
    assert snes.getConvergedReason() > 0
    iterations = snes.getIterationNumber()
    assert iterations >= 4  # a nonlinear problem: several Jacobians
    assert 1 <= factors.factorisations < iterations
    difference = np.max(np.abs(lagged.u.x.array - direct.u.x.array))
    assert MPI.COMM_WORLD.allreduce(difference, op=MPI.MAX) <= 1e-9 * np.max(np.abs(direct.u.x.array))


def test_a_krylov_solve_that_fails_with_old_factors_is_repeated_with_fresh_ones():
    """One GMRES iteration allowed: enough with the factors of the same matrix, not with those of a
    matrix whose coefficient changed 100-fold; the solve is then repeated with a fresh factorisation."""
    problem, k = nonlinear_poisson("lagged_retry_", NEWTON | KRYLOV_OPTIONS | {"ksp_rtol": 1e-8, "ksp_max_it": 1})
    factors = LaggedFactorisation(problem, refresh_after=100, factor="lu")
    factors.solve("first")
    assert problem.solver.getConvergedReason() > 0
    before = factors.factorisations
    k.value = 1.0
    factors.solve("after the change")
    assert problem.solver.getConvergedReason() > 0
    assert factors.factorisations > before


def test_an_expired_factorisation_is_rebuilt_at_the_next_solve():
    problem, k = nonlinear_poisson("lagged_expire_", NEWTON | KRYLOV_OPTIONS | {"ksp_rtol": 1e-10})
    factors = LaggedFactorisation(problem, refresh_after=100, factor="lu")
    factors.solve("first")
    k.value = 0.011
    kept = factors.factorisations
    factors.solve("kept")
    assert factors.factorisations == kept  # a 10% change: the old factors serve
    k.value = 0.012
    factors.expire()
    factors.solve("expired")
    assert factors.factorisations == kept + 1
