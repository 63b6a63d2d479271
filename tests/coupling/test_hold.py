"""Requirement: a hold fixes the overpotential Phi_m - U_bulk and the run reports the solved current: on a
full-contact window it is the Butler-Volmer plus ohmic current of that overpotential, the capacity integrates
it, and a hold ends when its current falls to the limit (not before, not after); the step temperature and
stack pressure are CSV columns only where a step sets them."""

from functools import partial

import numpy as np
import pytest
from helpers import DATA
from mpi4py import MPI
from scipy.optimize import brentq
from test_step_conditions import full_contact_overpotential

import phasefield
from phasefield.case.protocol import parse_step
from phasefield.coupling.protocol_clock import ProtocolState, finished_reason, next_time_step, secant_estimate
from phasefield.coupling.simulation import Simulation
from phasefield.output.checkpoint import checkpoint_path
from phasefield.output.timeseries import read_timeseries

MAH_PER_CM2 = 36000.0  # C/m^2


def hold(case: str, steps: list[str], output) -> tuple:
    """The resolved case, the CSV columns (arrays) and the step end reasons of ``case`` run with ``steps``."""
    simulation = phasefield.Simulation(DATA / case, overrides={"protocol.steps": steps})
    result = simulation.run(output, progress=False)
    data = {name: column.to_numpy() for name, column in result.timeseries.items()}
    return simulation.resolved, data, result.metadata["step_end_reasons"]


def held_current(resolved, overpotential: float, temperature: float) -> float:
    """The i (A/m^2) of eta = i (L_pellet / sigma(T) + R_ce) + 2RT/F asinh(i / 2 i0) on full contact."""
    return brentq(lambda i: full_contact_overpotential(resolved, i, temperature) - overpotential, -1e3, 1e3,
                  xtol=1e-14, rtol=1e-14)


def test_a_hold_ends_when_its_current_falls_to_the_limit_and_sizes_its_steps_with_the_last_current():
    step = parse_step("Hold at 50 mV until 0.01 mA/cm2 or 0.1 mAh/cm2")
    state = ProtocolState()
    assert finished_reason(step, state, 0.0, 0.05, current_density=0.11) is None
    assert finished_reason(step, state, 0.0, 0.05, current_density=-0.1) == "current"
    # sized with the estimate: 0.025 mAh/cm2 at 2 A/m^2, then what is left of the capacity limit
    assert next_time_step(step, state, 1e5, 0.025 * MAH_PER_CM2, current_density=2.0) == pytest.approx(450.0)
    state.advance(450.0, 6.0)  # the solved current passed 2700 of the 3600 C/m^2
    assert next_time_step(step, state, 1e5, 1e9, current_density=6.0) == pytest.approx(150.0)


def test_the_secant_estimate_finds_the_current_a_linear_solve_answers_in_one_step():
    def solve(i: float) -> float:  # the current answered at the estimate i; the hold's current is 4
        return 3.0 + 0.25 * i

    first = secant_estimate(None, 1.0, solve(1.0))
    assert first == solve(1.0)
    assert secant_estimate((1.0, solve(1.0)), first, solve(first)) == pytest.approx(4.0, rel=1e-14)
    assert secant_estimate((2.0, 5.0), 2.0, 5.0) == 5.0  # a flat secant falls back on the solved current


def test_a_hold_on_full_contact_gives_the_butler_volmer_and_ohmic_current_of_its_overpotential(tmp_path):
    resolved, data, reasons = hold("tiny_protocol.toml", ["Hold at 20 mV for 3 min",
                                                          "Hold at -20 mV for 2 min at 60 degC"], tmp_path)
    assert reasons == ["time", "time"]
    current = data["current_density_mA_per_cm2"] * 10.0  # A/m^2
    for index, eta, temperature in ((0, 0.02, 298.15), (1, -0.02, 333.15)):
        rows = data["protocol_step"] == index
        if index == 0:
            rows[0] = True  # the initial state is solved under the first hold
        assert rows.sum() >= 3
        expected = held_current(resolved, eta, temperature)
        assert current[rows] == pytest.approx(expected, rel=1e-6), (eta, temperature)
        assert data["overpotential_V"][rows] == pytest.approx(eta, abs=1e-12)
        assert data["temperature_K"][rows] == pytest.approx(temperature)
    # 20 mV drive ~1.03 mA/cm2 at 25 degC and, with the conductivity doubled, ~2.06 mA/cm2 at 60 degC
    assert current[1] == pytest.approx(10.30, abs=0.01) and current[-1] == pytest.approx(-20.57, abs=0.01)
    # the capacity integrates the solved current
    passed = np.cumsum(data["current_density_mA_per_cm2"] * data["dt_s"]) / 3600.0
    assert data["capacity_mAh_per_cm2"] == pytest.approx(passed, rel=1e-9, abs=1e-12)
    assert "stack_pressure_MPa" not in data


def test_a_hold_ends_on_the_first_step_whose_current_falls_to_its_limit(tmp_path):
    """Prescribed voids: the contact falls from 1 to 0.4 over 0.5 mAh/cm2 and the current of a 20 mV hold
    with it, from 1.03 to 0.74 mA/cm2, where it stays. A limit of 0.85 mA/cm2 ends the first hold on the
    first step below it; 0.7 mA/cm2 is never reached and the second hold ends on its time."""
    _, data, reasons = hold("small_prescribed.toml", ["Hold at 20 mV until 0.85 mA/cm2 or 1 h",
                                                      "Hold at 20 mV until 0.7 mA/cm2 or 30 min"], tmp_path)
    assert reasons == ["current", "time"]
    current, step = data["current_density_mA_per_cm2"], data["protocol_step"]
    first = current[(step == 0)]
    assert np.all(first[:-1] > 0.85) and first[-1] <= 0.85
    assert np.all(np.diff(current[1:]) <= 1e-12)  # the current falls with the contact, never rises
    second = current[step == 1]
    assert second[-1] == pytest.approx(0.738, abs=2e-3) and second.min() > 0.7
    assert data["contact_fraction"][-1] == pytest.approx(0.4, abs=1e-6)
    passed = np.cumsum(current * data["dt_s"]) / 3600.0
    assert data["capacity_mAh_per_cm2"] == pytest.approx(passed, rel=1e-9, abs=1e-12)
    assert "temperature_K" not in data and "stack_pressure_MPa" not in data


def record_currents(simulation: Simulation, currents: list, row: dict, *_) -> None:
    """Progress callback: the row's current (mA/cm2) and the mean current (A/m^2) of the step's solve."""
    currents.append((row["current_density_mA_per_cm2"], simulation.models.electrochemistry.mean_current_density))


def test_a_hold_reports_the_current_its_state_answers_and_restarts_to_the_rows_of_the_whole_run(tmp_path):
    """Each row's current is the mean current of that step's solve (not the estimate the step started
    with), and the restart, which re-solves the checkpointed state under the hold, continues to the rows of
    the run that was not stopped."""
    steps = ["Hold at 20 mV until 0.85 mA/cm2 or 1 h", "Hold at 20 mV until 0.7 mA/cm2 or 30 min"]
    _, whole, _ = hold("small_prescribed.toml", steps, tmp_path / "whole")
    output = tmp_path / "stopped"
    output.mkdir()
    reported: list[tuple[float, float]] = []
    for overrides in ({"time.max_steps": 11, "output.checkpoint_every": 5}, {}):
        resolved = phasefield.Simulation(DATA / "small_prescribed.toml",
                                         overrides={"protocol.steps": steps, **overrides}).resolved
        simulation = Simulation(resolved, MPI.COMM_WORLD, output)
        try:
            summary = simulation.run(partial(record_currents, simulation, reported),
                                     restart=None if overrides else checkpoint_path(output / "checkpoints", 10))
        finally:
            simulation.close()
        assert summary.status.startswith("stopped" if overrides else "completed")
    # 2 % a step: a row with the current the step started at would be that far off
    row_current, solve_current = np.array(reported).T
    assert len(row_current) == len(whole["step"])  # steps 1-11, then 11-16 from the checkpoint of step 10
    assert np.ptp(row_current) > 0.1
    assert row_current == pytest.approx(solve_current / 10.0, rel=1e-6)
    continued = read_timeseries(output / "timeseries.csv")
    assert set(continued) == set(whole)
    for name, values in whole.items():
        assert np.asarray(continued[name]) == pytest.approx(values, rel=1e-8, abs=1e-12), name
