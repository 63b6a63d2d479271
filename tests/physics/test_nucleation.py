"""Seeded interface nucleation: the same seed gives the same events, a restored state continues the
same stream (restart on any rank count draws the same numbers), events follow the rate law, and their
times converge as the step shrinks."""

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
    second.restore(saved)
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
    expected = 400 * 50 * rate * dt  # a Poisson process: rate x time per site
    assert abs(counts - expected) < 4 * np.sqrt(expected)


def first_event_times(dt: float, duration: float) -> np.ndarray:
    """The time of each site's first event under a rate that rises in time (inf: none)."""
    site = model(seed=5)
    times = np.full(site.positions.size, np.inf)
    trap, contact = np.full(50, 1.0), np.ones(50)
    for k in range(round(duration / dt)):
        t = (k + 1) * dt
        chosen = np.isin(site.positions, site.decide(np.full(50, 0.3 + 0.2 * t / duration), trap, contact, dt))
        times[chosen & np.isinf(times)] = t
    return times


def test_event_times_converge_as_the_step_shrinks():
    """The system shall draw the same realisation of nucleation whatever the time step: with the time
    change of the Poisson process, each site's first event under a rising supersaturation comes at the
    same time, to within the coarser step, at dt and dt/8 (one random number per site and step drew
    another realisation at every dt)."""
    duration = 2.0 / (nucleation_rate(1.0, 1.0, 1.0, 0.5) * model().spacing)
    coarse, fine = first_event_times(duration / 100, duration), first_event_times(duration / 800, duration)
    assert np.array_equal(np.isinf(coarse), np.isinf(fine)) and np.isfinite(coarse).sum() >= 15
    finite = np.isfinite(coarse)
    assert np.all(np.abs(coarse[finite] - fine[finite]) <= duration / 100 + 1e-12 * duration)
