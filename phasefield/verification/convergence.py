"""Convergence studies: errors against a resolution, observed orders, and the check against theory.

For successive resolutions with sizes h_k (a cell size or a time step, relative) and errors e_k,
the observed order is p_k = log(e_{k+1} / e_k) / log(h_{k+1} / h_k). A measure matches theory when
the orders of the :data:`ASYMPTOTIC_PAIRS` finest refinements are within :data:`ORDER_TOLERANCE` of
the expected order; coarser pairs are reported and not judged (they may be pre-asymptotic), and a study
with fewer refinements than that misses. Each study's fast resolutions are chosen so that the next finer
level is within the tolerance too (docs/verification/README.md), so the verdict is not a coincidence of
two pre-asymptotic orders that happen to straddle theory.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from phasefield.solvers import kernel_compilation

#: Largest accepted |observed - expected| order.
ORDER_TOLERANCE = 0.1
#: How many of the finest refinements must match the expected order.
ASYMPTOTIC_PAIRS = 2


def observed_orders(sizes: Sequence[float], errors: Sequence[float]) -> np.ndarray:
    """log(e_{k+1}/e_k) / log(h_{k+1}/h_k) for successive refinements."""
    h, e = np.asarray(sizes, dtype=float), np.asarray(errors, dtype=float)
    return np.log(e[1:] / e[:-1]) / np.log(h[1:] / h[:-1])


@dataclass(frozen=True)
class Measure:
    """One error norm of a study and the order theory predicts for it (None: reported, not checked)."""

    norm: str
    expected: float | None


#: ``errors(resolutions)`` -> (relative sizes, errors with one column per measure)
ErrorFunction = Callable[[Sequence[int]], tuple[Sequence[float], np.ndarray]]


def at_each(errors_at: Callable[[int], Sequence[float]]) -> ErrorFunction:
    """The :data:`ErrorFunction` that evaluates ``errors_at(n)`` at each resolution n (sizes 1/n)."""

    def errors(resolutions: Sequence[int]) -> tuple[list[float], np.ndarray]:
        return [1.0 / n for n in resolutions], np.array([errors_at(n) for n in resolutions])

    return errors


@dataclass(frozen=True)
class ConvergenceStudy:
    """A convergence study of one sub-model in space (``h``) or time (``dt``).

    ``fast`` resolutions (cells or steps) run in the default test suite, ``full`` ones in
    ``phasefield verify --full``.
    """

    name: str
    submodel: str
    variable: Literal["h", "dt"]
    description: str
    measures: tuple[Measure, ...]
    fast: tuple[int, ...]
    full: tuple[int, ...]
    errors: ErrorFunction


@dataclass(frozen=True)
class StudyResult:
    """Errors of a study at its resolutions, and their observed orders."""

    study: ConvergenceStudy
    resolutions: tuple[int, ...]
    sizes: np.ndarray
    errors: np.ndarray  # (sizes, measures)
    wall_time_s: float

    def orders(self, measure: int) -> np.ndarray:
        """Observed orders of measure number ``measure`` over successive refinements."""
        return observed_orders(self.sizes, self.errors[:, measure])

    def deviation(self, measure: int) -> float:
        """Largest |observed - expected| over the :data:`ASYMPTOTIC_PAIRS` finest refinements (0 when not
        checked; infinite when there are fewer orders than that, which then cannot pass)."""
        expected = self.study.measures[measure].expected
        if expected is None:
            return 0.0
        orders = self.orders(measure)
        if len(orders) < ASYMPTOTIC_PAIRS:
            return float("inf")
        return float(np.max(np.abs(orders[-ASYMPTOTIC_PAIRS:] - expected)))

    def matches(self, measure: int) -> bool:
        return self.deviation(measure) <= ORDER_TOLERANCE

    @property
    def passed(self) -> bool:
        return all(self.matches(k) for k in range(len(self.study.measures)))


def run_study(study: ConvergenceStudy, resolutions: Sequence[int]) -> StudyResult:
    """Compute the errors of ``study`` at ``resolutions``."""
    kernel_compilation.configure()
    start = time.perf_counter()
    sizes, errors = study.errors(resolutions)
    errors = np.asarray(errors, dtype=float).reshape(len(sizes), len(study.measures))
    return StudyResult(study, tuple(resolutions), np.asarray(sizes, dtype=float), errors,
                       time.perf_counter() - start)
