"""MUMPS's workspace setting reaches the factorisations (DOLFINx 0.11 applies ``petsc_options`` to the
SNES and KSP only and then deletes them, so ``mat_mumps_icntl_14`` given there was often unused)."""

from mpi4py import MPI  # noqa: I001 - before petsc4py / dolfinx

import ufl
from dolfinx import fem, mesh
from dolfinx.fem.petsc import NonlinearProblem

from helpers import DATA

from phasefield.case.loader import load_case
from phasefield.coupling.simulation import Simulation
from phasefield.physics.creep import ORDERING
from phasefield.solvers.direct_solver import WORKSPACE_INCREASE, enlarge_mumps_workspace

LU = {"snes_type": "newtonls", "ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps"}


def nonlinear_poisson(prefix: str, options: dict) -> NonlinearProblem:
    """-div((1 + u^2) grad u) = 1 on the unit square, u = 0 on the boundary."""
    domain = mesh.create_unit_square(MPI.COMM_WORLD, 8, 8)
    space = fem.functionspace(domain, ("Lagrange", 1))
    u, v = fem.Function(space), ufl.TestFunction(space)
    residual = ((1 + u**2) * ufl.inner(ufl.grad(u), ufl.grad(v)) - v) * ufl.dx
    domain.topology.create_connectivity(1, 2)
    boundary = mesh.exterior_facet_indices(domain.topology)
    bc = fem.dirichletbc(0.0, fem.locate_dofs_topological(space, 1, boundary), space)
    return NonlinearProblem(residual, u, bcs=[bc], petsc_options_prefix=prefix, petsc_options=options)


def icntl14_after_solve(problem: NonlinearProblem) -> int:
    problem.solve()
    assert problem.solver.getConvergedReason() > 0
    return problem.solver.getKSP().getPC().getFactorMatrix().getMumpsIcntl(14)


def test_the_workspace_increase_reaches_mumps():
    problem = nonlinear_poisson("direct_solver_test_", LU)
    enlarge_mumps_workspace(problem)
    assert icntl14_after_solve(problem) == WORKSPACE_INCREASE


def test_the_void_and_creep_solvers_factorise_with_it(tmp_path):
    """One step of the tiny creep case: the vacancy-void, creep Newton and creep Picard factorisations
    all run with ICNTL(14) = 200 (as a petsc_option it was reported unused for the void system and
    for some creep instances: it depended on whether the KSP had its operators when DOLFINx applied
    the options); the creep factorisations with the PORD ordering (INFOG(7): the ordering MUMPS used)."""
    simulation = Simulation(load_case(DATA / "tiny_creep.toml"), MPI.COMM_WORLD, tmp_path)
    simulation.start()
    simulation.step()
    creep = simulation.models.flow.flow.creep
    void_factor = simulation.models.contact.system.problem.solver.getKSP().getPC().getFactorMatrix()
    creep_factors = [creep._factors[problem].factor_matrix for problem in (creep._newton, creep._picard)]
    for factor in (void_factor, *creep_factors):
        assert factor.getMumpsIcntl(14) == WORKSPACE_INCREASE
    for factor in creep_factors:
        assert factor.getMumpsInfog(7) == ORDERING
