"""Verification: manufactured-solution and self-convergence studies of every sub-model and of the
coupled model, their observed orders against theory, and the report (``phasefield verify``)."""

from phasefield.verification.convergence import (
    ORDER_TOLERANCE,
    ConvergenceStudy,
    Measure,
    StudyResult,
    observed_orders,
    run_study,
)

__all__ = ["ORDER_TOLERANCE", "ConvergenceStudy", "Measure", "StudyResult", "observed_orders", "run_study"]
