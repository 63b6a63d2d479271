"""Time-step control: the largest step allowed, its growth after success and its halving after failure.

Plain Python (no mesh): the limits of ``[time]``, a Courant limit ``courant_number x smallest metal
cell / largest metal speed`` of the last step, so that a void front moves by at most about a cell, and,
with ``[time] phase_tolerance``, an error control of the metal fraction phi: the contact sub-model
estimates the local error of phi in each step (backward Euler and the stabilisation's splitting,
:meth:`phasefield.physics.voids.VacancyVoidSystem._phase_error`), the next step is
``dt x min(STEP_GROWTH, PHASE_SAFETY (tol / error)^(1/3))`` (error ~ dt^2 to dt^3), and a step whose error
exceeds ``PHASE_REJECTION x tol`` (after a nucleus or a sudden release) is retried with the step that
would have met it (docs/voids.md, "Steps adapted to the void edges").
A failed step is retried with half the step; later steps start from the reduced step and grow it by
``STEP_GROWTH`` per step accepted at the first try, up to ``dt_max``.
"""

import math
from dataclasses import dataclass

from phasefield.solvers.failures import ModelBreakdown, SolverFailure

STEP_GROWTH = 1.5
#: a step whose phase error exceeds this multiple of ``phase_tolerance`` is rejected
PHASE_REJECTION = 2.0
#: the next step aims below the tolerance by this factor
PHASE_SAFETY = 0.9
#: the exponent of the error control (the phase error grows as dt^2 to dt^3)
PHASE_EXPONENT = 1.0 / 3.0


class PhaseErrorTooLarge(SolverFailure):
    """phi's local error was over the step control's bound: the step is retried with ``dt_retry``."""

    def __init__(self, message: str, dt_retry: float):
        super().__init__(message)
        self.dt_retry = dt_retry


@dataclass
class StepControl:
    """The step limits of one run; ``dt_limit`` (s) is the largest step after recent rejections."""

    dt_max: float
    dt_min: float
    max_retries: int
    courant_number: float
    smallest_cell: float
    dt_limit: float
    #: the local error of phi allowed per step (inf: no phase error control)
    phase_tolerance: float = math.inf

    def courant_limit(self, metal_speed: float) -> float:
        """courant_number x smallest cell / ``metal_speed`` (m/s); inf without a moving metal."""
        if metal_speed <= 0.0:
            return math.inf
        return self.courant_number * self.smallest_cell / metal_speed

    def phase_limit(self, error: float, dt: float) -> float:
        """The next step after a step ``dt`` (s) with the local phase ``error``; inf without one."""
        if error <= 0.0 or dt <= 0.0 or math.isinf(self.phase_tolerance):
            return math.inf
        return dt * min(STEP_GROWTH, PHASE_SAFETY * (self.phase_tolerance / error) ** PHASE_EXPONENT)

    def limit(self, metal_speed: float, phase_error: float = 0.0, phase_error_dt: float = 0.0) -> float:
        """The largest step now, after a step ``phase_error_dt`` with ``phase_error``; raises SolverFailure
        when it fell below ``dt_min`` (a stalled run)."""
        courant, phase = self.courant_limit(metal_speed), self.phase_limit(phase_error, phase_error_dt)
        limit = min(self.dt_limit, courant, phase)
        if limit < self.dt_min:
            raise SolverFailure(f"time step collapsed: the step limit {limit:.4g} s is below [time] dt_min = "
                                f"{self.dt_min:.4g} s (the Courant limit is {courant:.4g} s, the phase error "
                                f"limit {phase:.4g} s)")
        return limit

    def check_phase_error(self, error: float, dt: float) -> None:
        """Raise :class:`PhaseErrorTooLarge` when a step ``dt`` had a phase ``error`` over
        PHASE_REJECTION x phase_tolerance."""
        if error > PHASE_REJECTION * self.phase_tolerance:
            raise PhaseErrorTooLarge(
                f"the local error of phi, {error:.3g}, is over {PHASE_REJECTION:g} x [time] phase_tolerance = "
                f"{self.phase_tolerance:.3g}", self.phase_limit(error, dt))

    def accepted(self, attempt: int) -> None:
        """A step accepted at ``attempt`` (0: the first try) lets the limit grow."""
        if attempt == 0:
            self.dt_limit = min(STEP_GROWTH * self.dt_limit, self.dt_max)

    def retry(self, error: SolverFailure, attempt: int, dt: float) -> float:
        """The step to retry with after ``error`` at ``attempt`` with ``dt`` (dt/2, or after a phase error
        too large the step that meets the tolerance); raises when there is none: a model breakdown (a smaller
        step cannot help), the retries used up, or the retry step below dt_min."""
        if isinstance(error, ModelBreakdown):
            raise error
        if attempt == self.max_retries:
            raise SolverFailure(f"{error}; gave up after {attempt} retries, the last at dt = {dt:.4g} s "
                                "(raise [time] max_retries or lower [time] dt_max)") from error
        retry = error.dt_retry if isinstance(error, PhaseErrorTooLarge) else 0.5 * dt
        if retry < self.dt_min:
            raise SolverFailure(f"{error}; time step collapsed: the retry would use dt = {retry:.4g} s, "
                                f"below [time] dt_min = {self.dt_min:.4g} s") from error
        self.dt_limit = retry
        return self.dt_limit
