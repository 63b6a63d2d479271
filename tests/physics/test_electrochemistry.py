"""Electrochemistry: manufactured-solution convergence, the analytic full-contact overpotential,
and current crowding at the edge of a void."""

import numpy as np
import pytest
from dolfinx import fem
from mpi4py import MPI

from phasefield.constants import thermal_voltage
from phasefield.mesh import build_interface_window
from phasefield.output.interface_profile import InterfaceProfile
from phasefield.physics.electrochemistry import (
    ButlerVolmer,
    GalvanostaticElectrolyte,
    series_resistance,
)
from phasefield.thermal_activation import arrhenius_from_reference
from phasefield.verification import ORDER_TOLERANCE, run_study
from phasefield.verification.electrochemistry import (
    ELECTROCHEMISTRY_P1,
    ELECTROCHEMISTRY_P2,
    SIGMA,
)
from phasefield.verification.electrochemistry import TEMPERATURE as T
from phasefield.verification.windows import uniform_window

STUDIES = {1: ELECTROCHEMISTRY_P1, 2: ELECTROCHEMISTRY_P2}


@pytest.mark.parametrize("degree", [1, 2])
def test_manufactured_solution_converges_at_theoretical_rates(degree):
    """The fast resolutions of the verification study, judged by `phasefield verify`'s rule: the
    ASYMPTOTIC_PAIRS finest orders of L2(psi) (p + 1), H1(psi) (p) and the metal potential (2p) within
    ORDER_TOLERANCE of theory."""
    result = run_study(STUDIES[degree], STUDIES[degree].fast)
    for k, measure in enumerate(result.study.measures):
        print(f"P{degree} {measure.norm}: errors {result.errors[:, k]}, orders {result.orders(k)}")
        assert measure.expected is not None
        assert result.deviation(k) <= ORDER_TOLERANCE, (measure.norm, result.orders(k), measure.expected)
    assert result.passed


@pytest.mark.parametrize("dimension", [2, 3])
@pytest.mark.parametrize("current_density", [0.5, 5.0, 50.0])  # A/m^2: 0.05, 0.5, 5 mA/cm^2
def test_full_contact_matches_asinh_kinetics_plus_ohmic_drop(current_density, dimension):
    cells = 8 if dimension == 2 else 3
    window = build_interface_window(MPI.COMM_WORLD, uniform_window(cells, 20e-6, 40e-6, dimension=dimension))
    i0, pellet = 50.0, 500e-6
    resistance = series_resistance(pellet, 40e-6, SIGMA, 0.0)
    problem = GalvanostaticElectrolyte(window.electrolyte, ButlerVolmer(i0, 0.5, 0.5, T), SIGMA,
                                       resistance, window.interface_area)
    problem.applied_current_density.value = current_density
    solution = problem.solve()
    expected = (2 * thermal_voltage(T) * np.arcsinh(current_density / (2 * i0))
                + current_density * pellet / SIGMA)
    assert solution.metal_potential == pytest.approx(expected, rel=1e-6)


def test_conductivity_is_arrhenius_through_both_measured_points():
    """3.5 mS/cm at 25 C with 0.31 eV gives the measured 12.4 mS/cm at 60 C (seed, Methods)."""
    e_a = 0.31 * 1.602176634e-19
    assert arrhenius_from_reference(0.35, 298.15, e_a, 333.15) == pytest.approx(1.24, rel=0.01)


def void_profile(exchange_current_density: float) -> tuple[dict, float]:
    """Interface current profile around one 4 um void in the middle of a 40 um window."""
    spec = uniform_window(160, 40e-6, 20e-6)
    window = build_interface_window(MPI.COMM_WORLD, spec)
    problem = GalvanostaticElectrolyte(
        window.electrolyte, ButlerVolmer(exchange_current_density, 0.5, 0.5, T), SIGMA,
        series_resistance(500e-6, 20e-6, SIGMA, 0.0), 40e-6,
    )
    edge = 0.2e-6
    problem.contact.interpolate(
        lambda p: 0.5 * (1 + np.tanh((np.abs(p[0] - 20e-6) - 2e-6) / edge))
    )
    problem.applied_current_density.value = 5.0
    problem.solve()
    current = fem.Function(problem.function_space)
    current.interpolate(fem.Expression(problem.interface_current,
                                       problem.function_space.element.interpolation_points))
    profile = InterfaceProfile(problem.function_space, window.electrolyte).gather(
        {"i": current.x.array})
    return profile, problem.total_current()


def test_current_crowds_at_the_void_edge_and_more_so_for_fast_kinetics():
    """Kinetics-limited (i0 = 0.5 mA/cm2): uniform current I / contact fraction on the contact.
    Ohmic-limited (i0 = 50 mA/cm2): the current peaks at the void edges."""
    focusing = {}
    for i0 in (5.0, 500.0):
        profile, total = void_profile(i0)
        assert total == pytest.approx(5.0 * 40e-6, rel=1e-9, abs=0)  # galvanostatic constraint
        if MPI.COMM_WORLD.rank != 0:
            continue
        x, i = profile["x_um"], profile["i"]
        assert np.max(i[np.abs(x - 20.0) < 1.5]) < 1e-3 * np.max(i)  # no current inside the void
        far = i[np.argmin(np.abs(x - 1.0))]
        focusing[i0] = (np.max(i) / far, x[np.argmax(i)], far)
    if MPI.COMM_WORLD.rank == 0:
        print(f"(edge / far-field current, peak position um, far-field A/m2): {focusing}")
        assert focusing[5.0][2] == pytest.approx(5.0 / 0.9, rel=0.01)
        assert focusing[5.0][0] < 1.01
        ratio, peak, _ = focusing[500.0]
        assert ratio > 1.05 and ratio > focusing[5.0][0] + 0.04
        assert min(abs(peak - 18.0), abs(peak - 22.0)) < 1.0  # at a void edge (18 or 22 um)
