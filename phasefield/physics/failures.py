"""Failures of a sub-model solve that end (or, with retries, reject) a time step."""


class SolverFailure(RuntimeError):
    """A sub-model could not produce a valid state for the step."""


class BoundViolation(SolverFailure):
    """A field left its physical range (e.g. x_Mg outside [0, 1])."""


class ModelBreakdown(BoundViolation):
    """The model itself leaves its range (e.g. a linear Fick model piling x_Mg past 1): a smaller time
    step cannot help, so the step is not retried."""
