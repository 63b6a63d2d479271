"""Failures of a sub-model solve that end (or, with retries, reject) a time step."""


class SolverFailure(RuntimeError):
    """A sub-model could not produce a valid state for the step."""


class BoundViolation(SolverFailure):
    """A field left its physical range (e.g. x_Mg outside [0, 1])."""
