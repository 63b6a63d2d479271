"""MUMPS settings that the PETSc options of a DOLFINx problem cannot carry.

DOLFINx 0.11 applies ``petsc_options`` to the SNES and KSP only and then deletes them from the options
database; the factor matrix that MUMPS works on often does not exist yet and then never sees them
(PETSc reported ``voids_mat_mumps_icntl_14`` as unused, and MUMPS ran with its default). So ICNTL values
are set on the factor matrix itself, the pattern of the DOLFINx demos.
"""

from dolfinx.fem.petsc import NonlinearProblem
from petsc4py import PETSc

#: MUMPS ICNTL(14): workspace increase over its estimate (%). MUMPS's default, 20, overflowed
#: (INFOG(1) = -9) on the fill of delayed pivots in the void and creep matrices.
WORKSPACE_INCREASE = 200


def enlarge_mumps_workspace(problem: NonlinearProblem, percent: int = WORKSPACE_INCREASE) -> None:
    """Set ICNTL(14) = ``percent`` on the MUMPS factor of ``problem`` (its KSP must use pc lu + mumps)."""
    pc = problem.solver.getKSP().getPC()
    pc.setOperators(problem.A, problem.P_mat or problem.A)  # SNES sets the same ones at each solve
    enlarge_pc_workspace(pc, percent)


def enlarge_pc_workspace(pc: PETSc.PC, percent: int = WORKSPACE_INCREASE, ordering: int | None = None) -> None:
    """Set ICNTL(14) = ``percent`` on the MUMPS factor of ``pc`` (lu or cholesky with mumps, operators set),
    and its fill-reducing ordering ICNTL(7) = ``ordering`` where given (MUMPS's automatic choice otherwise)."""
    pc.setFactorSetUpSolverType()
    factor = pc.getFactorMatrix()
    factor.setMumpsIcntl(14, percent)
    if ordering is not None:
        factor.setMumpsIcntl(7, ordering)


def reset_factorisation(problem: NonlinearProblem) -> None:
    """Discard the factorisation of ``problem`` (the next solve factorises afresh), keeping its MUMPS
    workspace setting if it had one."""
    pc = problem.solver.getKSP().getPC()
    if pc.getType() != "lu":
        return
    workspace = pc.getFactorMatrix().getMumpsIcntl(14) if pc.getFactorSolverType() == "mumps" else None
    pc.reset()
    if workspace is not None:
        enlarge_mumps_workspace(problem, workspace)
