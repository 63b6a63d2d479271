"""Failures of a sub-model solve that end (or, with retries, reject) a time step."""

from petsc4py import PETSc

from phasefield.physics.direct_solver import reset_factorisation


class SolverFailure(RuntimeError):
    """A sub-model could not produce a valid state for the step."""


class BoundViolation(SolverFailure):
    """A field left its physical range (e.g. x_Mg outside [0, 1])."""


class ModelBreakdown(BoundViolation):
    """The model itself leaves its range (e.g. a linear Fick model piling x_Mg past 1): a smaller time
    step cannot help, so the step is not retried."""


def guarded_solve(problem, what: str) -> None:
    """``problem.solve()`` with a PETSc error raised as :class:`SolverFailure`, so that the step is
    rejected and retried. After a failed solve (an error, or SNES not converged) the factorisation is
    discarded: a failed MUMPS factorisation otherwise leaves the preconditioner unusable, and every
    retry of the step failed with PETSc errors 76 and 101 at time steps that succeed from scratch."""
    try:
        problem.solve()
    except PETSc.Error as err:
        reset_factorisation(problem)
        raise SolverFailure(f"{what}: PETSc error {err.ierr} in the solve") from err
    if problem.solver.getConvergedReason() <= 0:
        reset_factorisation(problem)
