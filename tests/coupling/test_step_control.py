"""Requirement: step control (limits, growth after success, halving after failure) is plain Python,
checked here without a mesh."""

import math

import pytest

from phasefield.coupling.step_control import PHASE_SAFETY, STEP_GROWTH, PhaseErrorTooLarge, StepControl
from phasefield.solvers.failures import ModelBreakdown, SolverFailure


def control(**changes) -> StepControl:
    values = dict(dt_max=100.0, dt_min=1e-3, max_retries=3, courant_number=0.25, smallest_cell=1e-6, dt_limit=100.0)
    return StepControl(**(values | changes))


def test_courant_limit_moves_a_front_by_a_quarter_cell_and_is_off_without_a_moving_metal():
    assert control().courant_limit(1e-9) == pytest.approx(0.25 * 1e-6 / 1e-9)
    assert control().courant_limit(0.0) == math.inf
    assert control().limit(1e-9) == pytest.approx(100.0)  # dt_limit is the smaller one
    assert control().limit(1e-7) == pytest.approx(2.5)


def test_a_limit_below_dt_min_stops_the_run():
    with pytest.raises(SolverFailure, match="time step collapsed"):
        control(dt_limit=1e-4).limit(0.0)


def test_a_failure_halves_the_step_and_success_at_the_first_try_grows_it_back_to_dt_max():
    c = control()
    assert c.retry(SolverFailure("x"), attempt=0, dt=40.0) == 20.0 and c.dt_limit == 20.0
    c.accepted(attempt=1)  # accepted on a retry: no growth
    assert c.dt_limit == 20.0
    c.accepted(attempt=0)
    assert c.dt_limit == pytest.approx(20.0 * STEP_GROWTH)
    for _ in range(10):
        c.accepted(attempt=0)
    assert c.dt_limit == 100.0


def test_no_retry_after_a_breakdown_the_last_retry_or_below_dt_min():
    with pytest.raises(ModelBreakdown):
        control().retry(ModelBreakdown("x_Mg > 1"), attempt=0, dt=1.0)
    with pytest.raises(SolverFailure, match="gave up after 3 retries"):
        control().retry(SolverFailure("x"), attempt=3, dt=1.0)
    with pytest.raises(SolverFailure, match="below \\[time\\] dt_min"):
        control().retry(SolverFailure("x"), attempt=0, dt=1.5e-3)



def test_phase_error_control_aims_at_the_tolerance_with_the_third_root_and_is_off_without_error():
    c = control(phase_tolerance=0.01)
    assert c.phase_limit(0.0, 10.0) == math.inf
    assert control().phase_limit(1.0, 10.0) == math.inf  # phase_tolerance = inf: no control
    assert c.phase_limit(0.08, 10.0) == pytest.approx(10.0 * PHASE_SAFETY * 0.5)  # (0.01/0.08)^(1/3) = 1/2
    assert c.phase_limit(1e-9, 10.0) == pytest.approx(10.0 * STEP_GROWTH)  # growth capped
    assert c.limit(0.0, 0.08, 10.0) == pytest.approx(4.5)


def test_a_step_with_more_than_twice_the_tolerated_phase_error_is_retried_with_the_step_that_meets_it():
    c = control(phase_tolerance=0.01)
    c.check_phase_error(0.02, dt=10.0)  # twice the tolerance: accepted (the next step is shortened instead)
    with pytest.raises(PhaseErrorTooLarge) as caught:
        c.check_phase_error(0.08, dt=10.0)
    assert c.retry(caught.value, attempt=0, dt=10.0) == pytest.approx(4.5)
    with pytest.raises(SolverFailure, match="below \\[time\\] dt_min"):
        control(phase_tolerance=0.01, dt_min=5.0).retry(caught.value, attempt=0, dt=10.0)
