r"""Variable-step BDF formulas, their local-error estimate, and an adaptive time-step controller.

Backward differentiation (BDF) of order p on the variable steps :math:`t_{n+1-j}`, j = 0..p,
approximates :math:`\dot c(t_{n+1})` by the derivative of the polynomial through the p + 1 newest
states (:func:`bdf_coefficients`). Its local error is estimated for free from an explicit predictor,
the polynomial through the p + 1 previous states extrapolated to :math:`t_{n+1}` (Milne's device,
:func:`extrapolation_weights`, :func:`milne_factor`): both errors are proportional to
:math:`c^{(p+1)}`, with

.. math::

    c_{corr} - c(t_{n+1}) \approx \frac{c^{(p+1)}}{(p+1)!}\,\frac{\prod_{j=1}^{p}(t_{n+1}-t_{n+1-j})}
        {\sum_{j=1}^{p} 1/(t_{n+1}-t_{n+1-j})} = A,\qquad
    c(t_{n+1}) - c_{pred} \approx \frac{c^{(p+1)}}{(p+1)!}\prod_{j=0}^{p}(t_{n+1}-t_{n-j}) = B,

so that :math:`c_{corr} - c(t_{n+1}) \approx A/(A+B)\,(c_{corr} - c_{pred})`. For constant steps
the factor is 1/3 (backward Euler) and 2/11 (BDF2).

:class:`AdaptiveTimeStepper` is independent of any model: it drives a :class:`Stepper` (anything
with ``attempt(dt)``, ``accept()`` and ``reject()``), accepts a step when the error estimate is
below the tolerance and proposes :math:`dt_{new} = dt\,\min(g_{max}, \max(g_{min},
s\,(tol/err)^{1/(p+1)}))`; a failed solve divides dt by 4. It clips steps to land on given stop
times, spreading the last two steps before a stop evenly.
"""

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from phasefield.solvers.failures import SolverFailure

logger = logging.getLogger(__name__)


def bdf_coefficients(times: Sequence[float]) -> list[float]:
    """Weights a_j with dc/dt(t_0) ~ sum_j a_j c(t_j), for times t_0 > t_1 > ... (newest first).

    One previous time gives backward Euler, two give the variable-step BDF2; the weights carry the
    unit 1/time."""
    newest = times[0]
    weights = [sum(1.0 / (newest - tk) for tk in times[1:])]
    for j, tj in enumerate(times[1:], start=1):
        weights.append(math.prod(newest - tk for k, tk in enumerate(times[1:], start=1) if k != j)
                       / math.prod(tj - tk for k, tk in enumerate(times) if k != j))
    return weights


def extrapolation_weights(times: Sequence[float], target: float) -> list[float]:
    """Lagrange weights w_j with p(target) = sum_j w_j c(t_j) for the polynomial through (t_j, c_j)."""
    return [math.prod((target - tk) / (tj - tk) for k, tk in enumerate(times) if k != j)
            for j, tj in enumerate(times)]


def milne_factor(target: float, previous: Sequence[float]) -> float:
    """A/(A+B) of the module docstring: the factor turning corrector - predictor into the local error
    of the BDF of order p = len(previous) - 1 from ``previous`` (newest first) to ``target``."""
    order = len(previous) - 1
    gaps = [target - t for t in previous]
    corrector = math.prod(gaps[:order]) / sum(1.0 / g for g in gaps[:order])
    predictor = math.prod(gaps)
    return corrector / (corrector + predictor)


@dataclass(frozen=True)
class StepOutcome:
    """Result of one attempted step.

    ``error`` is the local error estimate in the stepper's own norm (absolute, in the unit of its
    field), or None when the stepper has no history for one yet (its start-up step)."""

    converged: bool
    iterations: int
    error: float | None = None


class Stepper(Protocol):
    """A model advanced by :class:`AdaptiveTimeStepper`: ``attempt`` solves from the last accepted
    state without committing; ``accept`` commits the attempted state, ``reject`` restores the last
    accepted one."""

    def attempt(self, dt: float) -> StepOutcome: ...

    def accept(self) -> None: ...

    def reject(self) -> None: ...


@dataclass
class RunStatistics:
    """What an adaptive run did."""

    time: float
    accepted: int = 0
    rejected: int = 0
    failed: int = 0
    nonlinear_iterations: int = 0
    step_sizes: list[float] = field(default_factory=list)


@dataclass
class AdaptiveTimeStepper:
    """Error-controlled step sizes for a :class:`Stepper` of the given order (see module docstring).

    ``tolerance`` is in the unit of the stepper's error estimate; dt_min and dt_max bound the step,
    ``max_growth`` limits the ratio of successive steps (default 2 up to order 2, below the 1 + sqrt 2
    that keeps variable-step BDF2 zero-stable, and 1.5 for BDF3)."""

    tolerance: float
    dt_initial: float
    dt_min: float
    dt_max: float
    order: int = 2
    safety: float = 0.9
    max_growth: float | None = None
    min_shrink: float = 0.2
    failure_shrink: float = 0.25

    def __post_init__(self):
        if not 0 < self.dt_min <= self.dt_initial <= self.dt_max:
            raise ValueError("need 0 < dt_min <= dt_initial <= dt_max")
        if self.tolerance <= 0:
            raise ValueError("tolerance must be positive")
        if self.max_growth is None:
            self.max_growth = 2.0 if self.order <= 2 else 1.5
        self.dt = self.dt_initial

    def proposal(self, dt: float, error: float | None) -> float:
        """The next step after a step of size dt with the given error estimate."""
        if error is None:
            return dt
        factor = self.safety * (self.tolerance / max(error, 1e-300)) ** (1.0 / (self.order + 1))
        return min(self.dt_max, dt * min(self.max_growth, max(self.min_shrink, factor)))

    def _clipped(self, t: float, stops: list[float]) -> tuple[float, float]:
        """(dt, t + dt), with dt cut to land on the next stop and the last two steps before it even."""
        stop = next(s for s in stops if s > t)
        remaining = stop - t
        if self.dt >= remaining * (1 - 1e-9):
            return remaining, stop
        if self.dt > 0.5 * remaining:
            return 0.5 * remaining, t + 0.5 * remaining
        return self.dt, t + self.dt

    def run(self, stepper: Stepper, t_start: float, t_end: float, stop_times: Sequence[float] = (),
            on_accept: Callable[[float, float, StepOutcome], None] | None = None) -> RunStatistics:
        """Advance ``stepper`` from t_start to exactly t_end, landing on every stop time on the way.

        ``on_accept(t, dt, outcome)`` is called after each accepted step with the new time. Raises
        :class:`~phasefield.solvers.failures.SolverFailure` when a step below dt_min fails."""
        stops = sorted({*(s for s in stop_times if t_start < s < t_end), t_end})
        stats = RunStatistics(time=t_start)
        t = t_start
        while t < t_end:
            dt, t_next = self._clipped(t, stops)
            outcome = stepper.attempt(dt)
            stats.nonlinear_iterations += outcome.iterations
            if not outcome.converged:
                stepper.reject()
                stats.failed += 1
                self.dt = dt * self.failure_shrink
                logger.debug("t = %.6g: solve failed at dt = %.3g", t, dt)
            elif outcome.error is not None and outcome.error > self.tolerance:
                stepper.reject()
                stats.rejected += 1
                self.dt = self.proposal(dt, outcome.error)
                logger.debug("t = %.6g: rejected dt = %.3g (error %.3g)", t, dt, outcome.error)
            else:
                stepper.accept()
                t = t_next
                stats.accepted += 1
                stats.step_sizes.append(dt)
                stats.time = t
                self.dt = max(self.proposal(dt, outcome.error), self.dt_min)
                if on_accept is not None:
                    on_accept(t, dt, outcome)
                continue
            if self.dt < self.dt_min:
                raise SolverFailure(f"time step fell below dt_min = {self.dt_min:g} at t = {t:g}")
        return stats
