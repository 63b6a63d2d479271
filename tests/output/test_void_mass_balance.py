"""The void mass balance columns (issue 22, item 7): ``void_volume_share`` phi_void = V_v / V_s and
``effective_void_height_um`` h_eff = V_v / A_v (definitions: phasefield/output/void_statistics.py).

Requirements: on a run, phi_void V_s = h_eff A_v = V_v in every row, and A_v / area = 1 - contact_fraction,
so the review's identity Q = f h_eff / ((V_m / F) phi_void) reads off the CSV; for a phase field set to a
rectangular void the columns take the analytic values (h_eff = the rectangle's height within the error of
its diffuse edges); without a phase field (full or prescribed contact) neither column is written.
"""

import tomllib

import numpy as np
import pytest
import tomli_w
from helpers import DATA
from mpi4py import MPI

from phasefield.case.loader import load_case
from phasefield.constants import FARADAY
from phasefield.coupling.simulation import Simulation
from phasefield.output.void_statistics import VoidMassBalance
from phasefield.submodels.base import StepConditions

C_PER_M2 = 36000.0  # 1 mAh/cm2
UM = 1e-6


def near(value: float, rel: float):
    """pytest.approx without its absolute floor of 1e-12 (a void volume is ~1e-11 m^2 per metre)."""
    return pytest.approx(value, rel=rel, abs=0.0)


def tiny_case(tmp_path):
    """tiny_phase_field.toml with J0 = 10 /(m s), so that it nucleates in its first step, to 0.03 mAh/cm2."""
    raw = tomllib.loads((DATA / "tiny_phase_field.toml").read_text())
    raw["metal"]["nucleation_prefactor"] = "10 /(m*s)"
    raw["protocol"]["steps"] = ["Strip at 0.5 mA/cm^2 until 0.03 mAh/cm^2"]
    path = tmp_path / "tiny.toml"
    path.write_text(tomli_w.dumps(raw))
    return load_case(path)


def test_mass_balance_ratios_and_their_zero_rules():
    balance = VoidMassBalance.from_capacity(2e-12, 4e-6, 0.5 * C_PER_M2, 12.97e-6, 20e-6)
    stripped = 0.5 * C_PER_M2 * 12.97e-6 / FARADAY * 20e-6
    assert balance.stripped_volume == near(stripped, 1e-14)
    assert balance.effective_height == near(0.5e-6, 1e-14)
    assert balance.volume_share == near(2e-12 / stripped, 1e-14)
    assert 0.5 * C_PER_M2 * 12.97e-6 / FARADAY == near(0.5 * 4.84e-6, 2e-3)  # 4.84 um per mAh/cm2
    assert VoidMassBalance.from_capacity(0.0, 0.0, 0.0, 12.97e-6, 20e-6).effective_height == 0.0
    assert VoidMassBalance.from_capacity(1e-12, 1e-6, 0.0, 12.97e-6, 20e-6).volume_share == 0.0
    assert VoidMassBalance.from_capacity(1e-12, 1e-6, -C_PER_M2, 12.97e-6, 20e-6).volume_share == 0.0  # plated


def test_a_rectangular_void_gives_its_height_and_volume(tmp_path):
    """A void 8 um wide and 3 um high on the 20 um interface with the equilibrium edge profile of the
    case's diffuse width delta = 0.8 um, 1/2 (1 + tanh(z / delta)): V_v and A_v are the continuum
    integrals of 1 - phi to the P1 error, h_eff = 3 um within a few % of delta."""
    resolved = tiny_case(tmp_path)
    simulation = Simulation(resolved, MPI.COMM_WORLD, tmp_path / "out")
    contact = simulation.models.contact
    centre, width, height, edge = 10 * UM, 8 * UM, 3 * UM, 0.8 * UM

    def inside(z):
        return 0.5 * (1 + np.tanh(z / edge))

    def void(x):
        return inside(0.5 * width - np.abs(x[0] - centre)) * inside(height - x[1])

    contact.system.set_state(lambda x: 1.0 - void(x), lambda x: np.zeros(x.shape[1]))
    # the continuum integrals of the diffuse rectangle (window 20 x 8 um), fine midpoint sums
    xs = (np.arange(200_000) + 0.5) * (20 * UM / 200_000)
    ys = (np.arange(200_000) + 0.5) * (8 * UM / 200_000)
    along = inside(0.5 * width - np.abs(xs - centre)).sum() * (20 * UM / 200_000)
    up = inside(height - ys).sum() * (8 * UM / 200_000)
    volume, footprint = along * up, along * inside(height)
    assert volume == near(width * height, 1e-3) and footprint == near(width, 1e-3)
    capacity = volume / (resolved.parameters("metal")["molar_volume"] / FARADAY * 20 * UM)  # V_s = V_v
    values = contact.values(StepConditions(0.0, 5.0, capacity, 0.0))
    balance = contact.mass_balance(capacity)
    simulation.close()
    assert balance.void_volume == near(volume, 1e-2)  # 0.5%: P1 on the graded cells (0.6 um at y = 3 um)
    assert balance.footprint == near(footprint, 1e-3)
    assert values["effective_void_height_um"] == near(balance.void_volume / balance.footprint, 1e-14)
    assert abs(values["effective_void_height_um"] - height) < 0.05 * edge  # 3.016 um: 2% of delta
    assert values["void_volume_share"] == near(1.0, 1e-2)
    assert values["max_void_height_um"] == pytest.approx(height, abs=edge)  # the nodal statistic agrees


def test_on_a_run_phi_void_times_stripped_volume_is_h_eff_times_footprint_is_void_volume(tmp_path):
    """Every row of a nucleating run: V_v = phi_void V_s = h_eff A_v (in-process, V_v from the forms),
    A_v / area = 1 - contact_fraction, and so Q = f h_eff / ((V_m / F) phi_void) from the CSV alone."""
    resolved = tiny_case(tmp_path)
    (tmp_path / "out").mkdir()
    simulation = Simulation(resolved, MPI.COMM_WORLD, tmp_path / "out")
    contact, area = simulation.models.contact, 20 * UM
    molar_volume = resolved.parameters("metal")["molar_volume"]
    simulation.start()
    rows, reason = [], None
    while reason is None:
        reason = simulation.step()
        row = dict(simulation.row)
        balance = contact.mass_balance(simulation.clock.capacity)
        rows.append(row)
        stripped = simulation.clock.capacity * molar_volume / FARADAY * area
        h_eff, share = row["effective_void_height_um"] * UM, row["void_volume_share"]
        assert share * stripped == near(balance.void_volume, 1e-12)
        assert h_eff * balance.footprint == near(balance.void_volume, 1e-12)
        assert balance.footprint / area == pytest.approx(1 - row["contact_fraction"], rel=1e-9, abs=1e-13)
        if balance.footprint / area > 1e-6:  # voids: the review's identity, from the CSV columns alone
            loss, q = 1 - row["contact_fraction"], row["capacity_mAh_per_cm2"] * C_PER_M2
            assert q == pytest.approx(loss * h_eff / (molar_volume / FARADAY * share), rel=1e-8)
            assert 0.5 < row["effective_void_height_um"] < 8.0  # between a diffuse width and the window
    simulation.recorder.close()
    simulation.close()
    assert sum(row["nucleation_events"] for row in rows) >= 1 and rows[-1]["contact_fraction"] < 0.9


@pytest.mark.parametrize("case", ["small_limg.toml", "small_prescribed.toml"])
def test_without_a_phase_field_there_are_no_mass_balance_columns(case, tmp_path):
    simulation = Simulation(load_case(DATA / case), MPI.COMM_WORLD, tmp_path)
    values = simulation.models.contact.values(StepConditions(10.0, 5.0, 0.3 * C_PER_M2, 0.0))
    names = [column.name for column in simulation.recorder.columns]
    simulation.close()
    assert "void_volume_share" not in values and "effective_void_height_um" not in values
    assert "void_volume_share" not in names and "effective_void_height_um" not in names
