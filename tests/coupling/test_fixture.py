"""Requirement: with a bolted fixture the stack pressure on the metal falls as the foil thins
(p = p0 max(0, 1 - Q V_m / F / h_r)) and shows in timeseries.csv (the creep solve takes each step's
pressure: tests/coupling/test_step_conditions.py); a constant traction keeps it; a bolt without creep is
refused in one line."""

import tomllib

import numpy as np
import pytest
from helpers import DATA
from mpi4py import MPI

from phasefield.case import CaseError
from phasefield.case.feasibility import check_feasibility
from phasefield.case.loader import resolve
from phasefield.constants import FARADAY
from phasefield.coupling.simulation import Simulation
from phasefield.output.timeseries import read_timeseries
from phasefield.physics.fixture import fixture_pressure

C_PER_MAH_CM2 = 36e3  # 1 mAh/cm2 in C/m^2


def test_the_bolt_releases_its_preload_linearly_and_the_constant_traction_keeps_it():
    volume = 12.97e-6
    released = 20e-6 / volume * FARADAY  # C/m^2 that thin the foil by h_r = 20 um
    assert fixture_pressure("bolt", 2e5, 0.0, volume, 20e-6) == 2e5
    assert fixture_pressure("bolt", 2e5, 0.25 * released, volume, 20e-6) == pytest.approx(1.5e5, rel=1e-14)
    assert fixture_pressure("bolt", 2e5, 2.0 * released, volume, 20e-6) == 0.0
    assert fixture_pressure("bolt", 2e5, -0.5 * released, volume, 20e-6) == pytest.approx(3e5, rel=1e-14)  # plated
    assert fixture_pressure("constant_traction", 2e5, 0.9 * released, volume, 20e-6) == 2e5


def bolted(relaxation: str) -> dict:
    raw = tomllib.loads((DATA / "tiny_creep.toml").read_text())
    raw["cell"].update(fixture="bolt", preload_relaxation_thickness=relaxation)
    return raw


def test_a_bolted_run_writes_the_released_pressure_row_by_row(tmp_path):
    """tiny_creep (1 MPa, 0.015 mAh/cm2) with h_r = 0.1 um: the foil thins by 0.073 um, so the preload
    falls to 27%; the CSV pressure follows the law row by row to 1e-12."""
    resolved = resolve(DATA / "tiny_creep.toml", bolted("0.1 um"))
    check_feasibility(resolved)
    simulation = Simulation(resolved, MPI.COMM_WORLD, tmp_path)
    try:
        assert simulation.run().status == "completed"
    finally:
        simulation.close()
    data = {key: np.array(values) for key, values in read_timeseries(tmp_path / "timeseries.csv").items()}
    volume = resolved.parameters("metal")["molar_volume"]
    stripped = data["capacity_mAh_per_cm2"] * C_PER_MAH_CM2 * volume / FARADAY
    expected = 1.0 * np.maximum(0.0, 1.0 - stripped / 0.1e-6)
    # the pressure of a step is set from the capacity at its end (the clock passes the step first)
    assert data["stack_pressure_MPa"] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert data["stack_pressure_MPa"][-1] < 0.5


def test_a_bolt_without_creep_is_refused():
    raw = bolted("5 um")
    raw.pop("creep")
    with pytest.raises(CaseError, match=r"\[cell\] fixture.*power_law"):
        check_feasibility(resolve(DATA / "tiny_creep.toml", raw))
