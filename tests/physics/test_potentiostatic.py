"""Requirement: with the metal potential held, the electrolyte problem solves psi alone and answers the mean
interface current; it is the inverse of the galvanostatic solve (the same psi, the applied current back)."""

import numpy as np
import pytest
from mpi4py import MPI

from phasefield.mesh import build_interface_window
from phasefield.physics.electrochemistry import ButlerVolmer, GalvanostaticElectrolyte, series_resistance
from phasefield.verification.electrochemistry import SIGMA
from phasefield.verification.electrochemistry import TEMPERATURE as T
from phasefield.verification.windows import uniform_window


@pytest.mark.parametrize("current_density", [5.0, -50.0])  # A/m^2: 0.5 mA/cm^2 stripping, 5 mA/cm^2 plating
def test_holding_the_galvanostatic_metal_potential_gives_back_the_applied_current_and_psi(current_density):
    """A 4 um void in a 40 um window (current crowding, so that psi is not uniform): hold the Phi_m of a
    galvanostatic solve from psi = 0; the mean current is the applied one and psi that of the galvanostatic
    solve, both to the Newton tolerance."""
    window = build_interface_window(MPI.COMM_WORLD, uniform_window(80, 40e-6, 20e-6))
    problem = GalvanostaticElectrolyte(window.electrolyte, ButlerVolmer(10.0, 0.5, 0.5, T), SIGMA,
                                       series_resistance(500e-6, 20e-6, SIGMA, 0.0), window.interface_area)
    problem.contact.interpolate(lambda p: 0.5 * (1 + np.tanh((np.abs(p[0] - 20e-6) - 2e-6) / 0.2e-6)))
    problem.apply_current(current_density)
    galvanostatic = problem.solve()
    psi = problem.psi.x.array.copy()
    assert galvanostatic.current_density == pytest.approx(current_density, rel=1e-9)

    problem.psi.x.array[:] = 0.0
    problem.hold_metal_potential(galvanostatic.metal_potential)
    held = problem.solve()
    assert held.metal_potential == galvanostatic.metal_potential
    assert held.current_density == pytest.approx(current_density, rel=1e-8)
    assert np.max(np.abs(problem.psi.x.array - psi)) <= 1e-9 * np.max(np.abs(psi))
    # back under the current: Phi_m is solved for again
    problem.apply_current(2 * current_density)
    assert abs(problem.solve().metal_potential) > abs(galvanostatic.metal_potential)
