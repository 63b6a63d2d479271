"""Protocol bookkeeping: steps land exactly on capacity and time limits; cut-offs end steps."""

import pytest

from phasefield.case.protocol import parse_step
from phasefield.coupling.protocol_clock import ProtocolState, finished_reason, next_time_step


def march(step, dt_max=600.0, capacity_step=900.0):
    state, steps = ProtocolState(), 0
    while finished_reason(step, state, 0.0, 0.0) is None:
        state.advance(next_time_step(step, state, dt_max, capacity_step), step.current_density)
        steps += 1
    return state, steps


def test_strip_lands_exactly_on_its_capacity_limit():
    state, steps = march(parse_step("Strip at 0.5 mA/cm^2 until 1.01 mAh/cm^2"))
    assert state.capacity == pytest.approx(1.01 * 36000.0, rel=1e-12)
    assert state.time == pytest.approx(1.01 / 0.5 * 3600.0, rel=1e-12)
    assert steps == 41  # 40 steps of 0.025 mAh/cm^2 and one of 0.01


def test_plating_counts_negative_capacity_and_rest_passes_time_only():
    state, _ = march(parse_step("Plate at 0.28 mA/cm^2 until 2.6 mAh/cm^2"))
    assert state.capacity == pytest.approx(-2.6 * 36000.0)
    state, steps = march(parse_step("Rest for 25 min"))
    assert state.capacity == 0.0 and state.time == pytest.approx(1500.0) and steps == 3


def test_voltage_and_overpotential_cutoffs_end_a_step():
    strip = parse_step("Strip at 0.5 mA/cm^2 until 4 mAh/cm^2 or overpotential 0.5 V or voltage 0 V")
    state = ProtocolState()
    assert finished_reason(strip, state, -0.6, 0.02) is None
    assert finished_reason(strip, state, -0.1, 0.52) == "overpotential cut-off"
    assert finished_reason(strip, state, 0.01, 0.3) == "voltage cut-off"
    plate = parse_step("Plate at 0.5 mA/cm^2 until 2 h or voltage -1 V")
    assert finished_reason(plate, state, -0.9, -0.3) is None
    assert finished_reason(plate, state, -1.1, -0.5) == "voltage cut-off"
