"""Failures of a sub-model solve that end (or, with retries, reject) a time step."""

from petsc4py import PETSc


class SolverFailure(RuntimeError):
    """A sub-model could not produce a valid state for the step."""


class BoundViolation(SolverFailure):
    """A field left its physical range (e.g. x_Mg outside [0, 1])."""


class ModelBreakdown(BoundViolation):
    """The model itself leaves its range (e.g. a linear Fick model piling x_Mg past 1): a smaller time
    step cannot help, so the step is not retried."""


def guarded_solve(problem, what: str) -> None:
    """``problem.solve()`` with a PETSc error (e.g. a failed MUMPS factorisation that leaves the
    solver unusable) raised as :class:`SolverFailure`, so that the step is rejected and retried."""
    try:
        problem.solve()
    except PETSc.Error as err:
        raise SolverFailure(f"{what}: PETSc error {err.ierr} in the solve") from err
