"""Requirement: interface flaws become voids where the metal touches the electrolyte and the supersaturation
exceeds their Gibbs-Thomson threshold gamma Omega_a / (kT r), not otherwise; a flaw below the resolved radius
grows by the vacancies injected over its share of the interface, dA/dt = j s, and is inserted when it reaches
that radius; the population depends on the seed alone; the state survives a restart."""

import numpy as np
import pytest

from phasefield.interface_flaws import Flaws, gibbs_thomson_threshold
from phasefield.physics.flaw_activation import FlawActivation

UM = 1e-6
X = np.linspace(0.0, 20 * UM, 81)  # interface points


def activation(position, radius, minimum_radius=1 * UM, spacing=3 * UM):
    return FlawActivation(Flaws(np.array(position), np.array(radius)), 2.6e-9, spacing, minimum_radius)


def test_the_gibbs_thomson_threshold_is_gamma_omega_over_kt_r():
    kt = 1.380649e-23 * 298.15
    omega = 13.0e-6 / 6.02214076e23
    threshold = gibbs_thomson_threshold(0.5, 13.0e-6, 298.15, 1 * UM)
    assert threshold == pytest.approx(0.5 * omega / (kt * UM), rel=1e-12, abs=0)


def test_a_flaw_activates_above_its_threshold_in_contact_and_not_below_or_out_of_contact():
    # thresholds 2.6e-9 / r: 2.6e-3 kT at 1 um, 0.26 kT at 10 nm
    flaws = activation([2 * UM, 8 * UM, 14 * UM], [1.5 * UM, 1.5 * UM, 1.5 * UM])
    mu = np.full(X.size, 0.01)
    contact = np.where(X > 12 * UM, 0.0, 1.0)  # the third flaw sits under a void
    inserted = flaws.decide(X, mu, contact, np.zeros(X.size), 1.0)
    assert inserted.position == pytest.approx([2 * UM, 8 * UM]) and flaws.flaws.position == pytest.approx([14 * UM])
    small = activation([5 * UM], [0.01 * UM])
    assert small.decide(X, np.full(X.size, 0.2), np.ones(X.size), np.zeros(X.size), 1.0).position.size == 0
    assert small.decide(X, np.full(X.size, 0.3), np.ones(X.size), np.zeros(X.size), 1.0).position.size == 0
    assert small.activated == 1 and small.growing.position.size == 1  # active, growing below the mesh


def test_a_sub_grid_flaw_is_inserted_when_the_injected_vacancies_have_grown_it_to_the_resolved_radius():
    r0, r_min, spacing, speed = 0.4 * UM, 1 * UM, 3 * UM, 6.7e-10  # 0.5 mA/cm2 in Li
    arrival = 0.5 * np.pi * (r_min**2 - r0**2) / (speed * spacing)  # 820 s
    flaws = activation([10 * UM], [r0], r_min, spacing)
    dt, t, inserted = 10.0, 0.0, None
    while inserted is None or inserted.position.size == 0:
        inserted = flaws.decide(X, np.full(X.size, 0.7), np.ones(X.size), np.full(X.size, speed), dt)
        t += dt
    assert arrival <= t < arrival + dt
    assert inserted.radius[0] == pytest.approx(r_min, rel=0.02)


def test_the_population_is_the_seeds_and_the_state_round_trips():
    a, b = (Flaws.seeded(60 * UM, 3 * UM, 0.8 * UM, 0.5, seed=4) for _ in range(2))
    assert np.array_equal(a.position, b.position) and np.array_equal(a.radius, b.radius)
    assert not np.array_equal(a.position, Flaws.seeded(60 * UM, 3 * UM, 0.8 * UM, 0.5, seed=5).position)
    flaws = activation([2 * UM, 9 * UM], [0.5 * UM, 0.01 * UM])
    flaws.decide(X, np.full(X.size, 0.1), np.ones(X.size), np.full(X.size, 1e-10), 5.0)
    copy = activation([], [])
    copy.restore(flaws.state())
    assert copy.state() == flaws.state()
