"""Seeded interface nucleation: the same seed gives the same events, a restored state continues the
same stream (restart on any rank count draws the same numbers), events follow the rate law, and their
times converge as the step shrinks."""

import numpy as np
import pytest

from phasefield.interface_nucleation import InterfaceNucleation, nucleation_rate


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


def model_3d(seed=3):
    return InterfaceNucleation(20e-6, 1.0, 1.0, 1e-6, 0.2e-6, seed, depth=12e-6)


def test_3d_sites_cover_the_interface_plane_at_one_nucleus_diameter():
    site = model_3d()
    assert site.positions.shape == (10 * 6, 2)
    np.testing.assert_allclose(np.unique(site.positions[:, 0]), (np.arange(10) + 0.5) * 2e-6, rtol=1e-12)
    np.testing.assert_allclose(np.unique(site.positions[:, 1]), (np.arange(6) + 0.5) * 2e-6, rtol=1e-12)
    assert site.spacing == pytest.approx(2e-6)  # each site's rate J dx is that of a 2-D site


def test_3d_nucleus_is_a_hemisphere_of_the_nucleus_radius():
    """The void volume the factor cuts out of phi = 1 (integral of 1 - factor over the metal, n >= 0) is
    the hemisphere's 2/3 pi r^3 to within the diffuse edge's second-order correction, and the decided
    volume counter says the same."""
    site = InterfaceNucleation(20e-6, 1e9, 1e-6, 1e-6, 0.02e-6, 1, depth=12e-6)
    centres = site.decide(np.full(60, 1.0), np.ones(60), np.ones(60), 1.0)
    centre = centres[:1]
    h = 0.02e-6
    axis = np.arange(-1.5e-6, 1.5e-6 + h / 2, h)
    x, z, n = np.meshgrid(axis + centre[0, 0], axis + centre[0, 1], np.arange(0.0, 1.5e-6 + h / 2, h) + h / 2)
    factor = site.nucleus_factor(np.stack([x.ravel(), z.ravel(), n.ravel()]), centre, 2)
    volume = np.sum(1.0 - factor) * h**3
    hemisphere = 2.0 / 3.0 * np.pi * 1e-6**3
    assert volume == pytest.approx(hemisphere, rel=0.02, abs=0)
    assert site.nucleated_volume == pytest.approx(centres.shape[0] * hemisphere, rel=1e-12, abs=0)
    assert factor.min() < 1e-6 and site.nucleus_factor(np.array([[0.0], [0.0], [5e-6]]), centre, 2)[0] > 0.999


def test_3d_site_values_interpolate_bilinearly_on_the_interface_grid():
    """A bilinear field on the (shuffled) tensor grid of interface nodes is reproduced at the sites; a set
    of nodes that is no grid is refused."""
    site = model_3d()
    x, z = np.meshgrid(np.linspace(0, 20e-6, 41), np.linspace(0, 12e-6, 25))
    points = np.column_stack([x.ravel(), z.ravel()])
    shuffle = np.random.default_rng(0).permutation(len(points))

    def field(p):
        return 1.0 + 3e5 * p[:, 0] - 2e5 * p[:, 1] + 4e10 * p[:, 0] * p[:, 1]

    values = site.site_values(points[shuffle], field(points)[shuffle])
    np.testing.assert_allclose(values, field(site.positions), rtol=1e-12)
    with pytest.raises(ValueError, match="no tensor grid"):
        site.site_values(points[:-1], field(points)[:-1])


@pytest.mark.parametrize("three_d", [False, True])
def test_site_values_spread_back_to_the_interface_linearly_and_held_beyond_the_outer_sites(three_d):
    """values_at, the inverse of site_values (the interface layer's trap from the sites' coverage): a (bi)linear
    field given at the sites is reproduced at points between them, and held at its outer sites' values beyond."""
    site = model_3d() if three_d else model()

    def field(p):
        return 1.0 + 3e5 * p[:, 0] - 2e5 * p[:, 1] + 4e10 * p[:, 0] * p[:, 1] if three_d else 1.0 + 3e5 * p

    rng = np.random.default_rng(1)
    if three_d:
        inside = np.column_stack([rng.uniform(1e-6, 19e-6, 50), rng.uniform(1e-6, 11e-6, 50)])
        edge, outer_site = np.array([[0.0, 0.0], [20e-6, 12e-6]]), np.array([[1e-6, 1e-6], [19e-6, 11e-6]])
    else:
        inside = rng.uniform(1e-6, 99e-6, 50)
        edge, outer_site = np.array([0.0, 100e-6]), np.array([1e-6, 99e-6])
    np.testing.assert_allclose(site.values_at(inside, field(site.positions)), field(inside), rtol=1e-12)
    np.testing.assert_allclose(site.values_at(edge, field(site.positions)), field(outer_site), rtol=1e-12)
