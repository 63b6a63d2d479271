"""Requirement: a protocol step's own temperature (``at 60 degC``) and stack pressure (``under 5 MPa``)
reach the physics for that step only, in a run of a repeat, and show in timeseries.csv."""

import tomllib

import numpy as np
import pytest
from helpers import DATA
from mpi4py import MPI

from phasefield.case.loader import resolve
from phasefield.constants import thermal_voltage
from phasefield.coupling.simulation import Simulation
from phasefield.output.timeseries import read_timeseries
from phasefield.thermal_activation import arrhenius_from_reference


def run(path, output, steps=None) -> tuple:
    """The resolved case of ``path`` (its protocol ``steps`` if given) and the columns of its run."""
    output.mkdir(parents=True, exist_ok=True)
    raw = tomllib.loads(path.read_text())
    if steps is not None:
        raw["protocol"]["steps"] = steps
    resolved = resolve(path, raw)
    simulation = Simulation(resolved, MPI.COMM_WORLD, output)
    try:
        assert simulation.run().status == "completed"
    finally:
        simulation.close()
    return resolved, {key: np.array(values) for key, values in read_timeseries(output / "timeseries.csv").items()}


def full_contact_overpotential(resolved, current_density: float, temperature: float) -> float:
    """i (L_pellet / sigma(T) + R_ce) + eta_BV with alpha_a = alpha_c = 1/2: eta_BV = 2 RT/F asinh(i / 2 i0)."""
    metal, electrolyte = resolved.parameters("metal"), resolved.parameters("electrolyte")
    counter = resolved.parameters("counter_electrode")
    assert metal["anodic_transfer_coefficient"] == metal["cathodic_transfer_coefficient"] == 0.5
    sigma = arrhenius_from_reference(electrolyte["conductivity"], electrolyte["conductivity_reference_temperature"],
                                     electrolyte["conductivity_activation_energy"], temperature)
    ohmic = current_density * (electrolyte["pellet_thickness"] / sigma + counter["area_specific_resistance"])
    i0 = metal["exchange_current_density"]
    return ohmic + 2 * thermal_voltage(temperature) * np.arcsinh(current_density / (2 * i0))


def test_a_step_at_60_degC_gives_the_full_contact_overpotential_of_60_degC_in_each_cycle(tmp_path):
    resolved, data = run(DATA / "tiny_protocol.toml", tmp_path)
    # Repeat 2 times: 2 min at 25 degC, 2 min at 60 degC; then a rest: protocol steps 0-3 and 4
    assert sorted(set(data["protocol_step"].astype(int))) == [0, 1, 2, 3, 4]
    strip = data["current_density_mA_per_cm2"] > 0
    i = 5.0  # 0.5 mA/cm2 in A/m^2
    for temperature, steps in ((298.15, (0, 2)), (333.15, (1, 3))):
        rows = strip & np.isin(data["protocol_step"], steps)
        assert rows.sum() >= 4
        expected = full_contact_overpotential(resolved, i, temperature)
        assert data["overpotential_V"][rows] == pytest.approx(expected, rel=1e-6), temperature
    # the Arrhenius conductivity (E_a = 0.31 eV) halves the overpotential from 9.7 to 4.9 mV
    assert full_contact_overpotential(resolved, i, 333.15) / full_contact_overpotential(resolved, i, 298.15) \
        == pytest.approx(0.5026, abs=1e-3)


def test_a_step_under_5_MPa_speeds_the_creep_around_a_void_by_about_5_to_the_n(tmp_path):
    """Without voids the stack pressure only shifts the hydrostatic pressure: the flow of the first step
    under 5 MPa equals that under 1 MPa. Around the void nucleated in it, Norton creep (n = 6.6) is faster
    by at most 5^n (exact for the uncapped law) and by more than half of it (the vacancy sink flow, ~1 um/h
    at both pressures, adds to the slower one)."""
    first = "Strip at 0.5 mA/cm^2 until 0.005 mAh/cm^2"
    _, at_1 = run(DATA / "tiny_creep.toml", tmp_path / "1MPa", [first, "Strip at 0.5 mA/cm^2 until 0.01 mAh/cm^2"])
    resolved, at_5 = run(DATA / "tiny_creep.toml", tmp_path / "5MPa",
                         [first, "Strip at 0.5 mA/cm^2 until 0.01 mAh/cm^2 under 5 MPa"])
    speed_1, speed_5 = at_1["max_metal_speed_um_per_h"], at_5["max_metal_speed_um_per_h"]
    assert len(speed_1) == len(speed_5) == 4 and list(at_5["protocol_step"]) == [0, 0, 1, 1]
    assert speed_5[:3] == pytest.approx(speed_1[:3], rel=1e-6)
    assert at_5["voids_per_100um"][2] > 0
    bound = 5.0 ** resolved.parameters("metal")["creep_stress_exponent"]
    assert bound / 2 < speed_5[3] / speed_1[3] < bound
