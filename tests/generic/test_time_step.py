"""Variable-step BDF weights, the Milne error estimate and the adaptive controller (requirement: a
generic error-controlled stepper that rejects, recovers, and lands on given times)."""

import math

import numpy as np
import pytest

from phasefield.generic.time_step import (
    AdaptiveTimeStepper,
    StepOutcome,
    bdf_coefficients,
    extrapolation_weights,
    milne_factor,
)
from phasefield.solvers.failures import SolverFailure


@pytest.mark.parametrize("order", [1, 2, 3])
def test_bdf_weights_differentiate_polynomials_of_their_order_exactly_on_variable_steps(order):
    times = [1.0, 0.7, 0.55, 0.1][: order + 1]
    weights = bdf_coefficients(times)
    for degree in range(order + 1):
        derivative = sum(w * t**degree for w, t in zip(weights, times, strict=True))
        assert derivative == pytest.approx(degree * times[0] ** max(degree - 1, 0), abs=1e-10)


def test_extrapolation_weights_reproduce_a_quadratic():
    times = [0.9, 0.5, 0.2]
    weights = extrapolation_weights(times, 1.3)
    assert sum(w * (3 * t**2 - t + 2) for w, t in zip(weights, times, strict=True)) == pytest.approx(
        3 * 1.3**2 - 1.3 + 2, abs=1e-12)


def test_milne_factor_gives_the_constant_step_error_constants():
    assert milne_factor(1.0, [0.0, -1.0]) == pytest.approx(1 / 3)
    assert milne_factor(2.0, [1.0, 0.0, -1.0]) == pytest.approx(2 / 11)


def exact(t: float) -> float:
    """Solution of y' = -y + cos(t), y(0) = 1."""
    return 0.5 * (math.cos(t) + math.sin(t)) + 0.5 * math.exp(-t)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_milne_estimate_is_asymptotically_exact_on_variable_steps(order):
    """From exact history on uneven steps, estimate / true local error -> 1 as h -> 0."""
    h = 2e-3
    times = [1.0 - h * s for s in (0, 0.8, 1.9, 2.5)][: order + 1]
    target = 1.0 + h
    w = bdf_coefficients([target, *times[:order]])
    new = (math.cos(target) - sum(wj * exact(t) for wj, t in zip(w[1:], times, strict=False))) / (w[0] + 1)
    predicted = sum(e * exact(t) for e, t in zip(extrapolation_weights(times, target), times, strict=True))
    ratio = milne_factor(target, times) * (new - predicted) / (new - exact(target))
    print(f"order {order}: estimate / true local error = {ratio:.4f}")
    assert abs(ratio - 1) < 0.05


class ScalarBDF:
    """y' = -y + cos(t) by variable-step BDF with the Milne estimate, as a Stepper; ``fail_above``
    makes every attempt with a larger step fail (a solver failure)."""

    def __init__(self, order: int, fail_above: float = math.inf):
        self.order, self.fail_above = order, fail_above
        self.times, self.values = [0.0], [1.0]
        self.attempts = self.rejections = 0

    def attempt(self, dt: float) -> StepOutcome:
        self.attempts += 1
        target = self.times[0] + dt
        if dt > self.fail_above:
            return StepOutcome(False, 1)
        order = max(1, min(self.order, len(self.times) - 1))
        w = bdf_coefficients([target, *self.times[:order]])
        history = sum(wj * y for wj, y in zip(w[1:], self.values, strict=False))
        self.pending = (target, (math.cos(target) - history) / (w[0] + 1.0))
        known = self.times[: order + 1]
        if len(known) < order + 1:
            return StepOutcome(True, 1)
        weights = extrapolation_weights(known, target)
        predicted = sum(e * y for e, y in zip(weights, self.values, strict=False))
        return StepOutcome(True, 1, milne_factor(target, known) * abs(self.pending[1] - predicted))

    def accept(self):
        self.times.insert(0, self.pending[0])
        self.values.insert(0, self.pending[1])

    def reject(self):
        self.rejections += 1


@pytest.mark.parametrize("order", [2, 3])
def test_controller_meets_the_tolerance_and_lands_on_stop_times(order):
    stops = [0.3, 1.0, 2.5]
    visited = []

    stepper = ScalarBDF(order)

    def on_accept(t, dt, outcome):
        visited.append(t)

    controller = AdaptiveTimeStepper(1e-6, 1e-3, 1e-9, 0.5, order=order)
    stats = controller.run(stepper, 0.0, 4.0, stop_times=stops, on_accept=on_accept)
    error = abs(stepper.values[0] - exact(4.0))
    print(f"BDF{order}: {stats.accepted} steps, {stats.rejected} rejected, error at t=4: {error:.2e}")
    assert all(any(abs(t - s) < 1e-14 for t in visited) for s in [*stops, 4.0])
    assert stats.time == 4.0 and error < 100 * 1e-6
    steps = stats.step_sizes
    assert all(b / a < controller.max_growth + 1e-12 for a, b in zip(steps[:-1], steps[1:],
                                                                       strict=True) if b > a)


class PulsedBDF(ScalarBDF):
    """y' = -y + cos(t) + 50 exp(-((t - 1)/0.02)^2): a sudden pulse the steps must shrink for."""

    def attempt(self, dt: float) -> StepOutcome:
        self.attempts += 1
        target = self.times[0] + dt
        order = max(1, min(self.order, len(self.times) - 1))
        w = bdf_coefficients([target, *self.times[:order]])
        forcing = math.cos(target) + 50.0 * math.exp(-(((target - 1.0) / 0.02) ** 2))
        history = sum(wj * y for wj, y in zip(w[1:], self.values, strict=False))
        self.pending = (target, (forcing - history) / (w[0] + 1.0))
        known = self.times[: order + 1]
        if len(known) < order + 1:
            return StepOutcome(True, 1)
        weights = extrapolation_weights(known, target)
        predicted = sum(e * y for e, y in zip(weights, self.values, strict=False))
        return StepOutcome(True, 1, milne_factor(target, known) * abs(self.pending[1] - predicted))


def test_controller_rejects_steps_at_a_sudden_change_and_recovers():
    from scipy.integrate import solve_ivp

    stepper = PulsedBDF(2)
    accepted_errors = []
    stats = AdaptiveTimeStepper(1e-6, 1e-3, 1e-9, 0.2, order=2).run(
        stepper, 0.0, 2.0, on_accept=lambda t, dt, outcome: accepted_errors.append(outcome.error or 0.0))
    reference = solve_ivp(lambda t, y: -y + math.cos(t) + 50.0 * math.exp(-(((t - 1.0) / 0.02) ** 2)),
                          (0.0, 2.0), [1.0], rtol=1e-12, atol=1e-14, max_step=1e-3).y[0, -1]
    error = abs(stepper.values[0] - reference)
    print(f"{stats.rejected} rejections, {stats.accepted} steps, smallest dt {min(stats.step_sizes):.2e}, "
          f"error at t=2 {error:.2e}")
    assert stats.rejected >= 1 and stepper.rejections == stats.rejected
    assert max(accepted_errors) <= 1e-6 and min(stats.step_sizes) < 0.01
    assert error < 1e-4


def test_controller_shrinks_the_step_after_solver_failures():
    stepper = ScalarBDF(2, fail_above=0.01)
    stats = AdaptiveTimeStepper(1e-3, 0.1, 1e-6, 1.0, order=2).run(stepper, 0.0, 0.2)
    assert stats.failed >= 2 and stats.time == 0.2
    assert max(stats.step_sizes) <= 0.01


def test_controller_gives_up_below_the_minimum_step():
    stepper = ScalarBDF(2, fail_above=0.0)
    with pytest.raises(SolverFailure, match="dt_min"):
        AdaptiveTimeStepper(1e-3, 0.1, 1e-3, 1.0).run(stepper, 0.0, 1.0)
    assert np.isclose(stepper.times[0], 0.0)
