"""Requirement: the reduced interface model's single mechanisms follow their analytic laws: with no voids the
overpotential is the Butler-Volmer value plus the pellet's ohmic drop; a lone void relaxes by surface diffusion
at the Mullins rate; a void closes under pressure at the Norton rate of docs/creep.md (the classical viscous
rate for n = 1); an elongated void splits above the Nichols-Mullins ratio and not below; stripping brings Mg to
the interface up to its McLean coverage and the interface trap weakens with it."""

import math
from pathlib import Path

import pytest
from scipy.integrate import solve_ivp

from phasefield.case import load_case
from phasefield.reduced import laws
from phasefield.reduced.model import InterfaceModel
from phasefield.reduced.settings import FixedFlaws, Mechanisms, settings_from_case

ROOT = Path(__file__).resolve().parents[2]
T1 = ROOT / "cases" / "t1_li_strip_voids.toml"
EV = 1.602176634e-19
STRIP = 0.5  # A/m^2 x 10 = 0.5 mA/cm2


@pytest.fixture(scope="module")
def li():
    return settings_from_case(load_case(T1))


def lone_void(settings, width: float, height: float, **mechanisms) -> InterfaceModel:
    """One void of ``width`` and mean ``height`` on a 60 um strip with only the ``mechanisms`` named."""
    chosen = Mechanisms(**{name: mechanisms.get(name, False) for name in
                           ("surface_diffusion", "creep_closure", "interface_trap")})
    return InterfaceModel(settings.replace(fixed_flaws=FixedFlaws(1, width, height), mechanisms=chosen))


def test_without_voids_the_overpotential_is_butler_volmer_plus_the_ohmic_drop(li):
    model = InterfaceModel(li.replace(flaw_spacing=1.0))  # one flaw per metre: none on 60 um
    model.advance(5.0, 3600.0)
    assert model.voids.count == 0 and model.contact_fraction == 1.0
    thermal = 8.314462618 * 298.15 / 96485.33212
    by_hand = 2 * thermal * math.asinh(5.0 / (2 * 50.0)) + 5.0 * 500e-6 / 0.35  # i0 5 mA/cm2, 500 um at 3.5 mS/cm
    assert model.overpotential(5.0) == pytest.approx(by_hand, rel=1e-12, abs=0)
    assert model.sunk == pytest.approx(model.stripped, rel=1e-12, abs=0)  # every vacancy ends in the bulk sinks


def test_the_butler_volmer_solve_of_unequal_coefficients_returns_the_current():
    eta = laws.butler_volmer_overpotential(30.0, 50.0, 0.3, 0.7, 298.15)
    f = 96485.33212 / (8.314462618 * 298.15)
    assert 50.0 * (math.exp(0.3 * f * eta) - math.exp(-0.7 * f * eta)) == pytest.approx(30.0, rel=1e-10)


def test_the_mullins_time_of_a_2_um_void_is_the_review_scale(li):
    """Outside review, 2.1: (h/pi)^4 / B = 270 s for h = 2 um at D_s = 1e-9 m2/s (25 C)."""
    coefficient = laws.mullins_coefficient(1e-9, 0.42, 12.97e-6, 298.15)
    assert 1.0 / laws.mullins_rate(coefficient, 2e-6) == pytest.approx(270.0, rel=0.03)


def test_a_lone_void_relaxes_by_surface_diffusion_at_the_mullins_rate(li):
    model = lone_void(li, 6e-6, 0.6e-6, surface_diffusion=True)  # below the pinch-off ratio
    area = float(model.voids.area[0])
    target = float(laws.equilibrium_width(area, li.contact_angle))
    coefficient = model.mullins

    def rate(_, w):
        return -coefficient * (math.pi / w) ** 4 * (w - target)

    horizon = 2.0 / float(laws.mullins_rate(coefficient, 6e-6))
    exact = solve_ivp(rate, (0.0, horizon), [6e-6], rtol=1e-10, atol=1e-16).y[0, -1]
    for _ in range(400):
        model.advance(0.0, horizon / 400)
    assert model.voids.area[0] == area  # surface diffusion moves no volume
    assert abs(model.voids.width[0] - exact) < 0.01 * (6e-6 - target)
    assert model.voids.width[0] < 0.9 * 6e-6  # it did relax


@pytest.mark.parametrize("pressure", [0.0, 2e6])
def test_a_void_closes_under_pressure_at_the_norton_rate(li, pressure):
    """At no stack pressure the Laplace pressure gamma / a alone closes it (a free void)."""
    settings = li.replace(stack_pressure=pressure)
    model = lone_void(settings, 4e-6, 2e-6, creep_closure=True)
    area = float(model.voids.area[0])
    radius, cell = math.sqrt(2 * area / math.pi), 30e-6
    n, a_t = li.norton_exponent, li.norton_rate_factor
    expected = math.sqrt(3) * a_t * (math.sqrt(3) * (pressure + 0.42 / radius)
                                     / (n * (1 - (radius / cell) ** (2 / n)))) ** n
    dt = 1e-3 / expected
    model.advance(0.0, dt)
    assert math.log(area / model.voids.area[0]) / dt == pytest.approx(expected, rel=1e-9, abs=0)
    assert model.closed == pytest.approx(area - model.voids.area[0], rel=1e-12, abs=0)


def test_the_metal_coming_down_empties_a_void_at_the_annihilated_share_of_the_stripping_speed(li):
    """All stripped sites annihilated at the contact (a = 1): no vacancy enters the metal, the metal in contact
    comes down at j_c = (i / f) V_m / F and the void loses w j_c of cross-section per time, until it is gone at
    t = A f F / (w i V_m) (a collapse)."""
    width, height = 4e-6, 0.5e-6
    model = lone_void(li.replace(annihilation_share=1.0), width, height)
    area, contact = float(model.voids.area[0]), model.contact_fraction
    speed = STRIP / contact * li.molar_volume / 96485.33212
    closing = area / (width * speed)
    model.advance(STRIP, 0.5 * closing)
    assert model.voids.area[0] == pytest.approx(0.5 * area, rel=1e-9, abs=0)
    assert model.sunk == 0.0 and model.annihilated == model.stripped
    model.advance(STRIP, 0.49 * closing)
    assert model.voids.count == 1 and model.voids.area[0] == pytest.approx(0.01 * area, rel=1e-6, abs=0)
    model.advance(STRIP, 0.02 * closing)
    assert model.voids.count == 0 and model.events["collapse_events"] == 1
    assert model.descended == pytest.approx(area, rel=1e-9, abs=0)


def test_half_the_sites_annihilated_bring_the_roof_down_at_half_the_stripping_speed(li):
    """a = 0.5 with sinks so near (a sink length of 1 pm) that the void captures nothing: the void loses
    w a j_c of cross-section per time, half of the a = 1 rate, and half the stripped sites end in the sinks."""
    width, height, share = 4e-6, 0.5e-6, 0.5
    model = lone_void(li.replace(annihilation_share=share, sink_length=1e-12), width, height)
    area, contact = float(model.voids.area[0]), model.contact_fraction
    speed = STRIP / contact * li.molar_volume / 96485.33212
    time = 0.5 * area / (width * share * speed)
    model.advance(STRIP, time)
    assert model.voids.area[0] == pytest.approx(0.5 * area, rel=1e-4, abs=0)
    assert model.sunk == pytest.approx((1.0 - share) * model.stripped, rel=1e-4, abs=0)


def test_for_n_1_the_closure_rate_is_the_viscous_hollow_cylinder():
    """p / (eta (1 - a^2/b^2)) with eta = 1 / (3 A_T) (docs/creep.md)."""
    rate = laws.norton_closure_rate(1e-9, 1.0, 2e5, 1e-6, 4e-6)
    assert rate == pytest.approx(2e5 * 3e-9 / (1 - 1 / 16), rel=1e-12, abs=0)


@pytest.mark.parametrize(("ratio", "splits"), [(1.2, True), (0.8, False)])
def test_an_elongated_void_splits_above_the_pinch_off_ratio_and_not_below(li, ratio, splits):
    height = 1e-6  # largest height; the footprint is ratio x the critical one
    width = ratio * li.pinch_off_aspect_ratio * 2 * height
    model = lone_void(li, width, math.pi / 4 * height, surface_diffusion=True)
    area = float(model.voids.area[0])
    pinch_time = 4 * height**4 / model.mullins  # the fastest Rayleigh mode of a rod of radius h: B / (4 h^4)
    model._relax = lambda step: None  # the pinch alone, at the starting shape
    for _ in range(9):
        model.advance(0.0, 0.1 * pinch_time)
    assert model.voids.count == 1  # not before its pinch time
    for _ in range(11):
        model.advance(0.0, 0.1 * pinch_time)
    assert model.voids.count == (2 if splits else 1)
    assert model.events["split_events"] == (1 if splits else 0)
    assert model.voids.volume == pytest.approx(area, rel=1e-12, abs=0)


def test_the_interface_layer_is_a_theta_thick_and_its_reach_over_perfect_sinks_the_escape_distance():
    """G = a theta and l_x = a e^(E_esc/kT) by hand; their geometric mean is the distance a layer vacancy travels
    before it first escapes, a e^((E_t + E_esc)/2kT) (0.37 um on clean Li at 25 C)."""
    temperature = 298.15
    kt = 1.380649e-23 * temperature / EV
    spacing = (12.97e-6 / 6.02214076e23) ** (1 / 3)
    thickness = laws.interface_layer_thickness(math.exp(0.22 / kt), 12.97e-6)
    exchange = laws.interface_exchange_length(0.15 * EV, 12.97e-6, temperature)
    assert thickness == pytest.approx(spacing * math.exp(0.22 / kt), rel=1e-12, abs=0)
    assert exchange == pytest.approx(spacing * math.exp(0.15 / kt), rel=1e-12, abs=0)
    assert math.sqrt(thickness * exchange) == pytest.approx(spacing * math.exp(0.37 / (2 * kt)), rel=1e-12, abs=0)
    assert thickness == pytest.approx(1.46e-6, rel=0.01) and exchange == pytest.approx(95e-9, rel=0.01)


def test_stripping_covers_the_li_mg_interface_up_to_its_mclean_value():
    resolved = load_case(ROOT / "cases" / "t2_limg_strip_voids.toml")
    model = InterfaceModel(settings_from_case(resolved).replace(flaw_spacing=1.0, mg_tracer_diffusivity=0.0))
    model.advance(STRIP * 10, 2.0)
    rate = 0.03 / 0.97 * 5.0 / 96485.33212 * 6.02214076e23 / (12.97e-6 / 6.02214076e23) ** (-2 / 3)
    assert model.interface_mg_coverage == pytest.approx(0.03 + rate * 2.0, rel=1e-9)
    model.advance(STRIP * 10, 600.0)
    x, factor = 0.03, math.exp(0.51 * EV / (1.380649e-23 * 298.15))
    assert model.interface_mg_coverage == pytest.approx(x * factor / (1 - x + x * factor), rel=1e-12)
    assert model.capture_length() < 1e-2 * InterfaceModel(settings_from_case(load_case(T1))).capture_length()
