"""Failures of a sub-model solve that end (or, with retries, reject) a time step."""

from petsc4py import PETSc

from phasefield.solvers.direct_solver import reset_factorisation


class SolverFailure(RuntimeError):
    """A sub-model could not produce a valid state for the step."""


class BoundViolation(SolverFailure):
    """A field left its physical range (e.g. x_Mg outside [0, 1])."""


class ModelBreakdown(BoundViolation):
    """The model itself leaves its range (e.g. a linear Fick model piling x_Mg past 1): a smaller time
    step cannot help, so the step is not retried."""


def at_round_off_floor(solver: PETSc.SNES, drop: float, stall: int = 0) -> bool:
    """The residual norms of the last SNES solve (its convergence history, reset per solve) fell
    by at least ``drop`` and, with ``stall`` > 0, their last ``stall`` values lie within 1% of each
    other: the Newton has reached the round-off floor of its residual rather than failed."""
    norms, _ = solver.getConvergenceHistory()
    if len(norms) <= max(stall, 1) or norms[-1] > drop * norms[0]:
        return False
    return stall == 0 or bool(max(norms[-stall:]) <= 1.01 * min(norms[-stall:]))


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
