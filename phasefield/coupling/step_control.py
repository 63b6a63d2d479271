"""Time-step control: the largest step allowed, its growth after success and its halving after failure.

Plain Python (no mesh): the limits of ``[time]`` and a Courant limit ``courant_number x smallest metal
cell / largest metal speed`` of the last step, so that a void front moves by at most about a cell.
A failed step is retried with half the step; later steps start from the reduced step and grow it by
``STEP_GROWTH`` per step accepted at the first try, up to ``dt_max``.
"""

import math
from dataclasses import dataclass

from phasefield.solvers.failures import ModelBreakdown, SolverFailure

STEP_GROWTH = 1.5


@dataclass
class StepControl:
    """The step limits of one run; ``dt_limit`` (s) is the largest step after recent rejections."""

    dt_max: float
    dt_min: float
    max_retries: int
    courant_number: float
    smallest_cell: float
    dt_limit: float

    def courant_limit(self, metal_speed: float) -> float:
        """courant_number x smallest cell / ``metal_speed`` (m/s); inf without a moving metal."""
        if metal_speed <= 0.0:
            return math.inf
        return self.courant_number * self.smallest_cell / metal_speed

    def limit(self, metal_speed: float) -> float:
        """The largest step now; raises SolverFailure when it fell below ``dt_min`` (a stalled run)."""
        limit = min(self.dt_limit, self.courant_limit(metal_speed))
        if limit < self.dt_min:
            raise SolverFailure(f"time step collapsed: the step limit {limit:.4g} s is below [time] dt_min = "
                                f"{self.dt_min:.4g} s (the Courant limit is {self.courant_limit(metal_speed):.4g} s)")
        return limit

    def accepted(self, attempt: int) -> None:
        """A step accepted at ``attempt`` (0: the first try) lets the limit grow."""
        if attempt == 0:
            self.dt_limit = min(STEP_GROWTH * self.dt_limit, self.dt_max)

    def retry(self, error: SolverFailure, attempt: int, dt: float) -> float:
        """The step to retry with after ``error`` at ``attempt`` with ``dt``; raises when there is none:
        a model breakdown (a smaller step cannot help), the retries used up, or dt/2 below dt_min."""
        if isinstance(error, ModelBreakdown):
            raise error
        if attempt == self.max_retries:
            raise SolverFailure(f"{error}; gave up after {attempt} retries, the last at dt = {dt:.4g} s "
                                "(raise [time] max_retries or lower [time] dt_max)") from error
        if 0.5 * dt < self.dt_min:
            raise SolverFailure(f"{error}; time step collapsed: the retry would use dt = {0.5 * dt:.4g} s, "
                                f"below [time] dt_min = {self.dt_min:.4g} s") from error
        self.dt_limit = 0.5 * dt
        return self.dt_limit
