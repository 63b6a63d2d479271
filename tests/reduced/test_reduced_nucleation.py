"""Requirement: with ``Mechanisms(nucleation=True)`` the reduced model nucleates voids at the interface trap as the
finite-element model does (its sites, random stream and rate law): the first nucleus comes when the first site's
hazard at the flat supersaturation reaches its threshold; the supersaturation it reads is the bulk excess of the
vacancy sharing, which holds the sunk flux (its mean is the sink length times the flux into the bulk); and the
nuclei's vacancies come out of the next injections, so that the stripped volume is conserved."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from helpers import run_in_process

from phasefield.case import load_case
from phasefield.interface_nucleation import nucleation_rate
from phasefield.interface_segregation import trap_boltzmann_factor
from phasefield.output.timeseries import read_timeseries
from phasefield.reduced import laws
from phasefield.reduced.capture import VacancyPartition
from phasefield.reduced.model import InterfaceModel
from phasefield.reduced.settings import CORRELATION_FACTOR_BCC, FixedFlaws, Mechanisms, settings_from_case

ROOT = Path(__file__).resolve().parents[2]
T1 = ROOT / "cases" / "t1_li_strip_voids.toml"
CURRENT = 5.0  # A/m^2: 0.5 mA/cm2
MAH_PER_CM2 = 36000.0  # C/m^2


@pytest.fixture(scope="module")
def li_nucleation():
    """T1 on a 20 um strip, voids from the trap alone (no flaws), as the finite-element cases."""
    return settings_from_case(load_case(T1), 20e-6).replace(mechanisms=Mechanisms(nucleation=True),
                                                            fixed_flaws=FixedFlaws(0, 0.0, 0.0))


@pytest.mark.parametrize("layer", [False, True])
def test_the_surface_excess_averages_to_the_sink_length_times_the_flux_into_the_bulk(layer):
    """Sum u dx = l (flux into the bulk) for any voids (K's zero mode is l); u = j l on a flat contact."""
    sink_length = 12.9e-6
    partition = VacancyPartition(40e-6, sink_length)
    thickness, exchange = (1.46e-6, 95e-9) if layer else (0.0, 0.0)
    flat = partition.partition(np.zeros(0), np.zeros(0), 2e-9, thickness, exchange)
    np.testing.assert_allclose(flat.surface_excess, 2e-9 * sink_length, rtol=1e-12)
    shares = partition.partition(np.array([3e-6, 20e-6]), np.array([2e-6, 6e-6]), 2e-9, thickness, exchange)
    total = shares.surface_excess.sum() * partition.spacing
    assert total == pytest.approx(sink_length * shares.sunk, rel=1e-9)
    on_voids = partition.owners(np.array([3e-6, 20e-6]), np.array([2e-6, 6e-6])) >= 0
    assert np.all(shares.surface_excess[on_voids] == 0.0)
    contact = shares.surface_excess[~on_voids]
    assert 0.0 < contact.min() < 0.5 * contact.max() and contact.max() < 2e-9 * sink_length  # drawn down by the voids


def test_the_first_nucleus_comes_when_the_first_site_reaches_its_threshold(li_nucleation):
    """Before any void the supersaturation is the flat one and the trap that of clean Li: each site's hazard grows as
    J dx t, so the first event is at min(E_i) / (J dx) (E_i the sites' thresholds of the seeded stream)."""
    s = li_nucleation
    model = InterfaceModel(s)
    nucleation = model.nucleation
    mu = laws.flat_supersaturation(CURRENT, s.molar_volume, s.sink_length, s.self_diffusivity, CORRELATION_FACTOR_BCC)
    trap = trap_boltzmann_factor(s.interface_trap, s.mg_repulsion, 0.0, s.temperature)
    rate = float(nucleation_rate(s.nucleation_prefactor, s.nucleation_barrier, trap, mu)) * nucleation.spacing
    expected = float(nucleation.thresholds.min()) / rate
    dt, time = 2.0, 0.0
    while model.events["nucleation_events"] == 0 and time < 2 * expected:
        model.advance(CURRENT, dt)
        time += dt
    assert expected <= time < expected + dt + 1e-9
    assert model.events["nucleation_events"] == 1
    assert model.voids.count == 1 and model.voids.width[0] == pytest.approx(2 * s.nucleus_radius)
    assert 0.02 < time * CURRENT / MAH_PER_CM2 < 0.1  # seed 1: 0.045 mAh/cm2 in the finite-element ensemble


def test_nuclei_are_paid_from_the_injection_and_the_stripped_volume_is_conserved(li_nucleation):
    """voids + sinks + closed - owed = stripped + flaws at every step, with nuclei, flaws and creep closure."""
    s = li_nucleation.replace(stack_pressure=3e6, surface_diffusivity=1e-8, fixed_flaws=None)  # with the flaws
    model = InterfaceModel(s)
    owed_seen = 0.0
    while not model.voids.gap and model.capacity < 0.4 * MAH_PER_CM2:
        model.advance(CURRENT, 18.0)
        owed_seen = max(owed_seen, model.owed)
        balance = model.voids.volume + model.sunk + model.closed - model.owed - model.stripped - model.flaw_volume
        assert abs(balance) < 1e-12 * model.stripped
    assert model.nucleation.events > 0 and owed_seen > 0.0 and model.closed > 0.0  # every term exercised
    assert model.owed < owed_seen  # the nuclei's volume is being paid back


def test_without_the_mechanism_no_site_nucleates(li_nucleation):
    """Nucleation off (and no flaws): no void forms and every vacancy ends in the bulk sinks."""
    model = InterfaceModel(li_nucleation.replace(mechanisms=Mechanisms()))
    while model.capacity < 0.3 * MAH_PER_CM2:
        model.advance(CURRENT, 18.0)
    assert model.nucleation is None and model.events["nucleation_events"] == 0 and model.voids.count == 0
    assert math.isclose(model.sunk, model.stripped, rel_tol=1e-12)


def test_the_cli_runs_the_finite_element_cases_voids_on_request(tmp_path, capsys):
    """``--nucleation --no-flaws``: the voids come from the trap alone; run.json records both choices."""
    code, out, err = run_in_process(["reduced", str(T1), "--nucleation", "--no-flaws", "--width", "20 um",
                                     "--set", 'protocol.steps=["Strip at 0.5 mA/cm^2 until 0.3 mAh/cm^2"]',
                                     "-o", str(tmp_path / "t1")], capsys)
    assert code == 0, err
    document = json.loads((tmp_path / "t1" / "run.json").read_text())
    assert document["mechanisms"]["nucleation"] is True and document["flaws"]["count"] == 0
    data = read_timeseries(tmp_path / "t1" / "timeseries.csv")
    events = np.asarray(data["nucleation_events"])
    first = float(np.asarray(data["capacity_mAh_per_cm2"])[np.argmax(events > 0)])
    assert events[-1] >= 1 and first == pytest.approx(0.045, abs=0.005)  # the finite-element seed 1's first void
    code, out, err = run_in_process(["reduced", str(T1), "--width", "20 um", "--set",
                                     'protocol.steps=["Strip at 0.5 mA/cm^2 until 0.3 mAh/cm^2"]',
                                     "-o", str(tmp_path / "flaws")], capsys)
    assert code == 0, err
    document = json.loads((tmp_path / "flaws" / "run.json").read_text())
    assert document["mechanisms"]["nucleation"] is False and document["flaws"] == "seeded"


def test_no_site_nucleates_while_the_nuclei_debt_takes_the_whole_injection(li_nucleation):
    """The supersaturation is that of what is left injected: with the injection all owed, none (as in the FE model,
    whose injection field the debt cuts)."""
    model = InterfaceModel(li_nucleation)
    model.owed = 1.0  # m^2 per depth: far more than the strip takes in the time below
    for _ in range(100):  # 1800 s: past the first nucleus without the debt (0.045 mAh/cm2, 324 s)
        model.advance(CURRENT, 18.0)
    assert model.events["nucleation_events"] == 0 and model.voids.count == 0
    assert model.owed == pytest.approx(1.0 - model.stripped, rel=1e-12)
