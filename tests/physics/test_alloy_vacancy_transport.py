"""Requirement: in the alloy the vacancy transport and the sinks are slowed by the hop factor w(x_Mg) of Li hops next
to Mg (phasefield.physics.voids, ``VacancyProperties.hop_factor``; seed DFT 0.061 vs 0.055 eV).

A vacancy excess mu = eps cos(kx) in uniform metal of Mg fraction x, closed on every side, among grain sinks
k_s = 60 D_v / d_s^2, decays at sigma = w(x) (D_v k^2 + k_s): c_eq(x) cancels between the content and the flux, w
scales both the flux and the sinks."""

import numpy as np
import pytest
import ufl
from dolfinx import fem
from helpers import decay_rate

from phasefield.generic.free_energy import well_and_gradient_coefficients
from phasefield.physics.vacancies import EV, VacancyProperties
from phasefield.physics.voids import VacancyVoidSystem
from phasefield.verification.voids import GAMMA, OMEGA
from phasefield.verification.windows import metal_window

WAVELENGTH, HEIGHT = 8e-6, 1e-6  # m: the strip is half a wavelength wide (mirror sides)
SINK_SPACING = 20e-6  # m: k_s = 0.24 D_v k^2
MG_FRACTION = 0.2
AMPLITUDE = 1e-3  # kT: the linear regime


def properties(hop_barrier_shift: float) -> VacancyProperties:
    return VacancyProperties(298.15, 1e-4, 7e-15, SINK_SPACING, 0.03 * EV, 0.22 * EV, 0.51 * EV,
                             mg_hop_barrier_shift=hop_barrier_shift)


def decay(hop_barrier_shift: float) -> tuple[float, float]:
    """(measured, analytic) decay rate of the mode in the alloy (1/s)."""
    vacancies = properties(hop_barrier_shift)
    k = 2 * np.pi / WAVELENGTH
    analytic = vacancies.hop_factor(MG_FRACTION) * (vacancies.vacancy_diffusivity * k**2 + vacancies.sink_strength)
    win = metal_window(WAVELENGTH / 2, HEIGHT, 32, 4)
    well, _ = well_and_gradient_coefficients(GAMMA, 0.5e-6)
    system = VacancyVoidSystem(win.metal, vacancies, OMEGA, GAMMA, 0.5e-6, np.pi / 2, 1.0 / well, x_mg=MG_FRACTION)
    system.set_state(lambda x: np.ones(x.shape[1]), lambda x: AMPLITUDE * np.cos(k * x[0]))
    x = ufl.SpatialCoordinate(win.metal.mesh)
    projection = fem.form(system.u.sub(1) * ufl.cos(k * x[0]) * ufl.dx)
    return decay_rate(system, projection, analytic), analytic


def test_a_vacancy_mode_in_the_alloy_decays_at_the_hop_factor_times_the_rate_of_its_diffusion_and_sinks():
    """x = 0.2, 25 C: w = 0.827. Within 1% of the analytic rate (P1, 32 cells per half wavelength), and the rate
    with the seed's 0.006 eV over that without it equals w to 1e-6 (the discrete problem scales with w)."""
    slowed, analytic = decay(0.006 * EV)
    unslowed, analytic_unslowed = decay(0.0)
    w = properties(0.006 * EV).hop_factor(MG_FRACTION)
    print(f"w = {w:.5f}; rate {slowed:.5e} vs {analytic:.5e}; unslowed {unslowed:.5e} vs {analytic_unslowed:.5e}")
    assert w == pytest.approx(0.8267, abs=1e-4)
    assert slowed == pytest.approx(analytic, rel=0.01)
    assert unslowed == pytest.approx(analytic_unslowed, rel=0.01)
    assert slowed / unslowed == pytest.approx(w, rel=1e-6)
