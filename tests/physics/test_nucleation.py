"""Seeded interface nucleation: the same seed gives the same events, and a restored random
state continues the same stream (restart on any rank count draws the same numbers)."""

import numpy as np

from phasefield.physics.nucleation import InterfaceNucleation
from phasefield.physics.vacancies import nucleation_rate


def model(seed=3):
    return InterfaceNucleation(100e-6, 1.0, 1.0, 1e-6, 0.2e-6, seed)


def test_same_seed_same_events_and_restored_state_continues_the_stream():
    mu, trap, contact = np.full(50, 0.8), np.full(50, 5e3), np.ones(50)
    first, second = model(), model()
    assert np.array_equal(first.decide(mu, trap, contact, 100.0), second.decide(mu, trap, contact, 100.0))
    saved = first.state()
    after = first.decide(mu, trap, contact, 100.0)
    second.rng.bit_generator.state = saved["rng"]
    assert np.array_equal(after, second.decide(mu, trap, contact, 100.0))


def test_no_nucleation_without_supersaturation_or_contact():
    site = model()
    assert site.decide(np.zeros(50), np.full(50, 5e3), np.ones(50), 1e6).size == 0
    assert site.decide(np.full(50, 2.0), np.full(50, 5e3), np.zeros(50), 1e6).size == 0


def test_event_frequency_follows_the_rate_law():
    site = model(seed=11)
    mu, trap, contact = np.full(50, 0.5), np.full(50, 1.0), np.ones(50)
    rate = nucleation_rate(1.0, 1.0, 1.0, 0.5) * site.spacing  # per site per second
    dt = 0.05 / rate
    counts = sum(site.decide(mu, trap, contact, dt).size for _ in range(400))
    expected = 400 * 50 * -np.expm1(-rate * dt)
    assert abs(counts - expected) < 4 * np.sqrt(expected)
