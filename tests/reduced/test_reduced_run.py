"""Requirement: the reduced interface model conserves the stripped volume (voids + bulk sinks + creep closure =
stripped + flaws), shares the vacancies between voids and sinks as the steady diffusion problem says, repeats
itself for one seed, writes results the finite-element postprocessing reads, needs no DOLFINx, and refuses
what it does not model in one line with exit code 2."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import run_in_process

from phasefield.case import load_case
from phasefield.case.overrides import Overrides
from phasefield.output.ensemble import member_summary, strip_rows
from phasefield.output.timeseries import read_timeseries
from phasefield.reduced.capture import VacancyPartition
from phasefield.reduced.model import InterfaceModel
from phasefield.reduced.population import VoidPopulation
from phasefield.reduced.run import run_reduced, strip_steps
from phasefield.reduced.settings import FixedFlaws, Mechanisms, settings_from_case

ROOT = Path(__file__).resolve().parents[2]
T1 = ROOT / "cases" / "t1_li_strip_voids.toml"
T2 = ROOT / "cases" / "t2_limg_strip_voids.toml"


@pytest.fixture(scope="module")
def t1():
    return load_case(T1)


@pytest.mark.parametrize(("pressure", "annihilated"), [(0.2e6, 0.0), (3e6, 0.0), (0.2e6, 0.3)])
def test_voids_sinks_and_closure_hold_the_stripped_volume_and_the_flaws(t1, pressure, annihilated):
    """With a share of the stripped sites annihilated at the contact, those sites and the void volume the metal
    fills as it comes down join the balance."""
    settings = settings_from_case(t1).replace(stack_pressure=pressure, surface_diffusivity=1e-8,
                                              annihilation_share=annihilated)
    model = InterfaceModel(settings)
    while not model.voids.gap and model.capacity < 0.3 * 36000:
        model.advance(5.0, 18.0)
        balance = (model.voids.volume + model.sunk + model.closed + model.annihilated + model.descended
                   - model.stripped - model.flaw_volume)
        assert abs(balance) < 1e-12 * model.stripped
    assert model.sunk > 0.03 * model.stripped and model.events["coalescence_events"] > 0  # each term exercised
    if pressure > 1e6:  # 3 MPa of Norton creep closes a measurable share
        assert model.closed > 1e-3 * model.stripped
    assert (model.descended > 0.01 * model.stripped) == (annihilated > 0.0)


def test_a_periodic_array_captures_the_share_of_an_independent_finite_difference_solve():
    """Outside review, capture.py (2-D finite differences, dx = 0.1 um): 0.93 (6 um spacing, 2.2 um voids),
    0.46 and 0.71 (40 um spacing, 3.8 and 20 um voids) at a sink length of 26 um."""
    for spacing, width, expected in [(6.0, 2.2, 0.93), (40.0, 3.8, 0.46), (40.0, 20.0, 0.71)]:
        strip = spacing * (10 if spacing < 10 else 4)
        partition = VacancyPartition(strip * 1e-6, 26e-6)
        count = round(strip / spacing)
        shares = partition.partition(np.arange(count) * spacing * 1e-6, np.full(count, width * 1e-6), 1.0, 0.0, 0.0)
        assert shares.captured.sum() / shares.injected == pytest.approx(expected, abs=0.015)
        # equal voids take equal shares to the grid: a footprint holds its nodes, +- one of 0.23 um
        assert np.ptp(shares.captured) < 0.03 * shares.captured.max()


@pytest.mark.parametrize("zone", [0.1, 0.25])
def test_the_bulk_flux_on_a_lone_void_is_that_of_a_conducting_strip(zone):
    """A 4 um void on a 400 um strip over far sinks: the share of its bulk capture within ``zone`` w of its two
    edges is (2/pi) arccos(1 - 2 zone) (density prop. to ((w/2)^2 - x^2)^-1/2): 0.410 and 0.667."""
    width = 4e-6
    partition = VacancyPartition(400e-6, 100e-6, node_spacing=0.125e-6)
    shares = partition.partition(np.array([198e-6]), np.array([width]), 1.0, 0.0, 0.0, np.array([zone * width]))
    exact = 2.0 / np.pi * np.arccos(1.0 - 2.0 * zone)
    assert shares.at_edges[0] / shares.captured[0] == pytest.approx(exact, rel=0.03)


@pytest.mark.parametrize("height", [0.3e-6, 1e-6])
def test_fed_from_afar_a_lone_void_grows_self_similarly_with_roof_growth_and_as_a_sheet_without(t1, height):
    """A semicircle fed by a uniform far field grows self-similarly (uniform normal flux; on the flat strip the
    conducting-strip density, half of it within (1 - cos 45 deg)/2 of the width from the edges): with roof growth
    a 2 um void keeps its aspect ratio (mean height / width) within 20% while its area grows fourfold; widening at
    its mean height (the finite-element way) it flattens fourfold."""
    aspect = {}
    for roof in (False, True):
        mechanisms = Mechanisms(surface_diffusion=False, creep_closure=False, interface_trap=False, roof_growth=roof)
        model = InterfaceModel(settings_from_case(t1).replace(sink_length=1e-3, mechanisms=mechanisms,
                                                              fixed_flaws=FixedFlaws(1, 2e-6, height)))
        area, start = model.voids.area[0], height / 2e-6
        for _ in range(2000):
            if model.voids.area[0] >= 4.0 * area:
                break
            model.advance(5.0, 18.0)
        assert model.voids.area[0] >= 4.0 * area
        aspect[roof] = model.voids.mean_height[0] / model.voids.width[0] / start
    assert aspect[True] > 0.8
    assert 0.2 < aspect[False] < 0.3


def test_far_sinks_leave_every_vacancy_to_the_voids_and_near_sinks_none():
    left, width = np.array([10e-6, 30e-6]), np.array([2e-6, 2e-6])
    far = VacancyPartition(60e-6, 1.0).partition(left, width, 1.0, 0.0, 0.0)
    near = VacancyPartition(60e-6, 1e-9).partition(left, width, 1.0, 0.0, 0.0)
    assert far.captured.sum() / far.injected > 0.999
    assert near.captured.sum() / near.injected < 1e-3


def test_over_perfect_sinks_the_interface_layer_carries_its_analytic_share_to_the_edges():
    """Sinks next to the surface (l = 0.1 nm): the layer's potential decays over lambda = sqrt(G l_x) from a void's
    edges, and a segment g sends (2 lambda / g) tanh(g / 2 lambda) of its injection there (the model until
    2026-12-06); 40 nm nodes: within 0.2% (second order in the node spacing)."""
    thickness, exchange = 1.5e-6, 0.1e-6
    capture_length = np.sqrt(thickness * exchange)
    shares = VacancyPartition(40e-6, 1e-10, node_spacing=0.04e-6).partition(
        np.array([0.0]), np.array([4e-6]), 1.0, thickness, exchange)
    segment = 36e-6
    through = segment * 2 * capture_length / segment * np.tanh(0.5 * segment / capture_length)
    assert shares.through_interface == pytest.approx(through, rel=2e-3, abs=0)
    assert shares.captured[0] == pytest.approx(shares.through_interface, rel=1e-3)  # the bulk sinks take the rest
    assert shares.injected == pytest.approx(segment, rel=1e-12, abs=0)


def test_over_the_bulk_a_mode_of_the_injection_enters_it_through_the_layer_at_the_analytic_share():
    """No voids, injection cos(kx): the bulk takes q_k = j_k / (1 + G k_d^2 (K_k + l_x)), with the bulk's
    Dirichlet-to-Neumann response K_k = (k^2 + l^-2)^(-1/2) and the discrete k_d^2 = (2 - 2 cos k dx) / dx^2, to
    round-off; the layer spreads a short mode along the interface before it enters (here 3x less)."""
    partition = VacancyPartition(20e-6, 13e-6)
    k, dx = 2 * np.pi * 4 / 20e-6, partition.spacing
    thickness, exchange = 1.46e-6, 0.095e-6
    flux, _ = partition.layer_flux(np.cos(k * partition.x), np.ones(partition.x.size, bool), thickness, exchange)
    expected = 1.0 / (1.0 + thickness * (2 - 2 * np.cos(k * dx)) / dx**2 * ((k**2 + 13e-6**-2) ** -0.5 + exchange))
    np.testing.assert_allclose(flux, expected * np.cos(k * partition.x), rtol=1e-9, atol=1e-12)
    assert expected < 0.4


def test_the_escaped_vacancies_coming_back_let_the_layer_carry_more_than_over_perfect_sinks():
    """Li's layer (G = 1.46 um, l_x = 95 nm) between voids 6 um apart over the real bulk (l = 13 um): vacancies
    that leave the layer come back, so it carries more than the perfect-sink share (2 lambda/g) tanh(g/2 lambda)
    (0.75 against 0.19 measured, 2026-12-06); nothing is lost (captured + sunk = injected)."""
    left, width = np.array([0.0, 6e-6, 12e-6]), np.full(3, 2e-6)
    partition = VacancyPartition(18e-6, 13e-6)
    shares = partition.partition(left, width, 1.0, 1.46e-6, 0.095e-6)
    without = partition.partition(left, width, 1.0, 0.0, 0.0)
    capture_length = np.sqrt(1.46e-6 * 0.095e-6)
    perfect_sinks = 2 * capture_length / 4e-6 * np.tanh(2e-6 / capture_length)
    assert shares.through_interface / 12e-6 > 1.5 * perfect_sinks
    assert shares.captured.sum() > without.captured.sum()
    assert shares.injected == pytest.approx(12e-6, rel=1e-12, abs=0)


def test_touching_voids_coalesce_into_their_union_with_their_areas():
    voids = VoidPopulation.empty(20e-6)
    voids.add(np.array([5e-6, 8e-6, 19.5e-6]), np.array([4e-6, 3e-6, 2e-6]), np.array([1e-12, 2e-12, 3e-12]))
    assert voids.coalesce() == 1
    assert voids.count == 2 and voids.volume == pytest.approx(6e-12, rel=1e-15, abs=0)
    assert sorted(voids.width) == pytest.approx([2e-6, 6.5e-6])  # [3, 9.5] um is the union of the first two


def test_the_sets_interface_mg_reaction_reaches_the_reduced_models_coverage_and_trap():
    """metal.mg_interface_reaction_rate (the Mg-S interphase hypothesis) reaches the reduced model: after a minute
    at 0.5 mA/cm2 the alloy's interface is covered without it and about half covered at k = 0.3 1/s (the stripping
    supply through the contact over k, 0.25 at full contact, plus the diffusive supply), which lengthens the trap's
    capture. (Later, the contact lost to voids focuses the current on the rest and fills it.)"""
    reaction = Overrides.parse(["metal.mg_interface_reaction_rate=0.3 s^-1"], T2)
    models = [InterfaceModel(settings_from_case(load_case(T2, overrides=o))) for o in (None, reaction)]
    for model in models:
        model.advance(5.0, 60.0)
    assert models[1].mg_coverage.reaction_rate == 0.3
    assert models[0].interface_mg_coverage == pytest.approx(1.0, abs=1e-6)
    assert 0.25 < models[1].interface_mg_coverage < 0.7
    assert models[1].capture_length() > 2.0 * models[0].capture_length()


def test_the_same_seed_repeats_the_run_and_another_seed_does_not(t1):
    settings, steps = settings_from_case(t1), strip_steps(t1)
    runs = [run_reduced(settings.replace(seed=seed), steps, t1.case.time.capacity_step, t1.case.time.dt_max)
            for seed in (1, 1, 2)]
    assert runs[0].rows == runs[1].rows
    assert runs[0].column("contact_fraction") != runs[2].column("contact_fraction")


def test_the_cli_writes_results_the_ensemble_rules_read(tmp_path, capsys):
    code, out, err = run_in_process(["reduced", str(T2), "-o", str(tmp_path / "t2")], capsys)
    assert code == 0, err
    data = read_timeseries(tmp_path / "t2" / "timeseries.csv")
    document = json.loads((tmp_path / "t2" / "run.json").read_text())
    assert document["summary"] == pytest.approx(member_summary(strip_rows(data)))
    assert document["summary"]["rise_capacity_mAh_per_cm2"] is not None
    assert document["status"] == "completed (gap: no contact left)" and data["gap"][-1] == 1 and data["gap"][-2] == 0
    # full contact: the finite-element T1/T2 runs' first row (2-D electrolyte window + pellet) reads 9.711046 mV
    assert data["overpotential_V"][0] == pytest.approx(9.711046e-3, rel=1e-6)
    assert (tmp_path / "t2" / "case.toml").is_file()


@pytest.mark.parametrize(("argv", "message"), [
    (["reduced", str(ROOT / "cases" / "t6_limg_plate_25C_darken.toml")], "the reduced model runs strip steps only"),
    (["reduced", str(T1), "--width", "600 xm"], "--width: cannot read '600 xm'"),
    (["reduced", str(T1), "--width", "-1 um"], "--width: expected more than"),
])
def test_what_it_does_not_model_is_refused_in_one_line_with_exit_2(tmp_path, capsys, argv, message):
    code, out, err = run_in_process([*argv, "-o", str(tmp_path / "out")], capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_the_reduced_model_imports_no_dolfinx():
    code = ("import sys\nfrom phasefield.case import load_case\nfrom phasefield.reduced.run import run_reduced, "
            "strip_steps\nfrom phasefield.reduced.settings import settings_from_case\n"
            f"r = load_case({str(T1)!r})\n"
            "run_reduced(settings_from_case(r), strip_steps(r), r.case.time.capacity_step, 1e3)\n"
            "assert not [m for m in sys.modules if m.split('.')[0] in ('dolfinx', 'ufl', 'basix', 'petsc4py')]")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True).returncode == 0


def test_the_alloy_strips_with_the_li_tracer_diffusivity_its_mg_neighbours_lower(t1):
    """D*_Li of Li0.97Mg0.03 at 25 C: 0.813 of pure Li's (phasefield.mg_neighbours), so its flat interface is more
    supersaturated at the same current."""
    li, alloy = settings_from_case(t1), settings_from_case(load_case(T2))
    assert alloy.self_diffusivity / li.self_diffusivity == pytest.approx(0.8127, abs=1e-4)


def test_the_alloys_young_angle_follows_its_interface_mg_coverage():
    """Li-Mg: 93.4 deg as the interface forms (coverage 0.03), the covered 87.1 deg once stripping has brought Mg;
    Li keeps its 93.6 deg."""
    li, alloy = InterfaceModel(settings_from_case(load_case(T1))), InterfaceModel(settings_from_case(load_case(T2)))
    assert np.degrees(alloy.contact_angle) == pytest.approx(93.40, abs=0.01)
    for model in (li, alloy):
        model.advance(5.0, 18.0)
    assert np.degrees(li.contact_angle) == pytest.approx(93.6, abs=1e-9)
    assert alloy.interface_mg_coverage > 0.99 and np.degrees(alloy.contact_angle) == pytest.approx(87.1, abs=0.07)
