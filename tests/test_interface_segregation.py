"""Requirement: the interface Mg coverage follows its kinetic supply (stripping at x/(1-x) Mg atoms per Li atom,
diffusion from the alloy into a perfect sink as 2 c sqrt(D t / pi)), is buried by plating, stays at or below
McLean's isotherm, is consumed by an interface reaction at its first-order rate (exact over any split of the step),
and the interface vacancy trap averaged over the sites goes from the seed's 0.22 eV on a clean
interface to the Mg repulsion on a covered one."""

import math

import numpy as np
import pytest

from phasefield.interface_segregation import InterfaceMgCoverage, mclean_coverage, trap_boltzmann_factor, young_cosine

EV = 1.602176634e-19
KT = 1.380649e-23 * 298.15
N_A, F = 6.02214076e23, 96485.33212
V_M = 12.97e-6  # m^3/mol, Li0.97Mg0.03
SITES = (V_M / N_A) ** (-2 / 3)
D_MG = 2.06e-17  # m^2/s at 25 C (seed Suppl. Table 1)


def coverage(diffusivity=D_MG, x=0.03, segregation=0.51 * EV, sites=3, reaction=0.0):
    return InterfaceMgCoverage.as_formed(x, segregation, diffusivity, V_M, 298.15, sites, reaction)


def test_the_trap_is_the_clean_value_on_a_clean_interface_and_the_mg_repulsion_on_a_covered_one():
    kt = KT / EV
    energy = [kt * math.log(trap_boltzmann_factor(0.22 * EV, 0.03 * EV, theta, 298.15)) for theta in (0.0, 0.5, 1.0)]
    assert energy[0] == pytest.approx(0.22, rel=1e-12) and energy[2] == pytest.approx(-0.03, rel=1e-12)
    # half covered: 1/16 of the sites have no Mg among their four neighbours
    half = kt * math.log(math.exp(0.22 / kt) / 16 + 15 / 16 * math.exp(-0.03 / kt))
    assert energy[1] == pytest.approx(half, rel=1e-12)


def test_stripping_alone_brings_the_mg_the_stripped_li_leaves_behind():
    theta = coverage(diffusivity=0.0)
    current = np.array([5.0, 2.5, 0.0])  # A/m^2 at three sites
    theta.advance(1.0, current, 0.03)
    expected = 0.03 + 0.03 / 0.97 * current * N_A / F / SITES
    assert theta.coverage == pytest.approx(expected, rel=1e-12)


def test_diffusion_alone_follows_the_perfect_sink_law_whatever_the_steps():
    one, many = coverage(), coverage()
    one.advance(0.5, 0.0, 0.03)
    for _ in range(50):
        many.advance(0.01, 0.0, 0.03)
    supplied = 2 * 0.03 / (V_M / N_A) * math.sqrt(D_MG * 0.5 / math.pi) / SITES
    assert one.coverage == pytest.approx(0.03 + supplied, rel=1e-12)
    assert many.coverage == pytest.approx(one.coverage, rel=1e-12) and many.elapsed == pytest.approx(0.5)


def test_the_coverage_stops_at_mcleans_isotherm_of_the_local_fraction_and_within_seconds():
    theta = coverage(diffusivity=D_MG)
    local = np.array([0.03, 0.01, 1e-9])
    times = []
    while theta.elapsed < 60.0:
        theta.advance(0.1, 5.0, local)
        times.append((theta.elapsed, theta.coverage.copy()))
    limit = mclean_coverage(local, 0.51 * EV, 298.15)
    assert theta.coverage == pytest.approx(limit, rel=1e-12)
    assert limit[2] < 0.5 < limit[0]
    # the module's statement: diffusion and stripping at 0.5 mA/cm2 fill the sites within a few seconds
    filled = next(t for t, c in times if c[0] >= limit[0] * (1 - 1e-6))
    assert 1.0 < filled < 5.0


def test_plating_buries_the_covered_sites_at_one_monolayer_per_monolayer():
    theta = coverage(diffusivity=0.0)
    theta.coverage[:] = 0.8
    theta.advance(2.0, -5.0, 0.03)
    assert theta.coverage == pytest.approx(0.8 * np.exp(-5.0 * N_A / F / SITES * 2.0), rel=1e-12)


def test_li_has_no_mg_to_bring():
    theta = coverage(x=0.0)
    theta.advance(100.0, 5.0, 0.0)
    assert np.all(theta.coverage == 0.0)


def test_the_midpoint_samples_of_a_step_are_the_coverage_at_those_times():
    stepped, sampled = coverage(), coverage()
    samples = stepped.advance(8.0, 5.0, 0.03, samples=4)
    for k in range(4):
        sampled.advance(1.0 if k == 0 else 2.0, 5.0, 0.03)
        assert samples[k] == pytest.approx(sampled.coverage, rel=1e-12)
    whole = coverage()
    whole.advance(8.0, 5.0, 0.03)
    assert stepped.coverage == pytest.approx(whole.coverage, rel=1e-12) and stepped.elapsed == pytest.approx(8.0)


def test_an_interface_reaction_holds_the_stripping_supply_at_its_steady_coverage():
    """d theta/dt = s - k theta with stripping alone: theta = s/k + (x - s/k) e^(-k t)."""
    k = 0.2
    theta = coverage(diffusivity=0.0, reaction=k)
    current = np.array([5.0, 1.0, 0.0])
    supply = 0.03 / 0.97 * current * N_A / F / SITES
    for _ in range(30):
        theta.advance(1.0, current, 0.03)
    expected = supply / k + (0.03 - supply / k) * np.exp(-k * 30.0)
    assert theta.coverage == pytest.approx(expected, rel=1e-12)
    assert supply[0] / k < 0.5  # a partial coverage: the trap survives on (1 - theta)^4 of the sites


def test_the_diffusive_supply_decays_by_the_reaction_as_its_convolution_integral_whatever_the_steps():
    """theta(t) = x e^(-k t) + int_0^t e^(-k (t - s)) c sqrt(D / pi s) / nu ds (quadrature, not Dawson's function)."""
    from scipy.integrate import quad

    k, t = 0.5, 7.0
    one, many = coverage(reaction=k), coverage(reaction=k)
    one.advance(t, 0.0, 0.03)
    for _ in range(70):
        many.advance(t / 70, 0.0, 0.03)
    flux = 0.03 / (V_M / N_A) * math.sqrt(D_MG / math.pi) / SITES
    integral, _ = quad(lambda u: 2.0 * np.exp(-k * (t - u * u)), 0.0, math.sqrt(t))  # s = u^2, ds / sqrt(s) = 2 du
    expected = 0.03 * math.exp(-k * t) + flux * integral
    assert one.coverage == pytest.approx(expected, rel=1e-9)
    assert many.coverage == pytest.approx(one.coverage, rel=1e-10)
    assert expected < 0.5  # below McLean's cap, so the reaction and not the isotherm sets it


def test_youngs_cosine_averages_the_adhesion_of_clean_and_covered_sites():
    """cos(theta_Y) linear in the coverage: Li's 93.6 deg at 0, the covered 87.1 deg at 1, their mean cosine at 1/2."""
    clean, covered = np.radians(93.6), np.radians(87.1)
    cosine = young_cosine(np.array([0.0, 0.5, 1.0]), clean, covered)
    np.testing.assert_allclose(np.degrees(np.arccos(cosine[[0, 2]])), [93.6, 87.1], rtol=1e-13)
    assert cosine[1] == pytest.approx(0.5 * (np.cos(clean) + np.cos(covered)), rel=1e-13)
