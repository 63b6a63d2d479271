"""Requirement: the mean-field Mg-neighbour averages (phasefield.mg_neighbours) give D*_Li(x_Mg) = 1 in pure Li,
the product of both seed DFT penalties (vacancy formation +0.03 eV, Li hop +0.006 eV) where every site has Mg next
to it, and in between fall monotonically (the SIMS direction: Li diffuses slower in Li-Mg); 0.813 at x = 0.03 and
25 C by hand."""

import math

import numpy as np
import pytest

from phasefield.constants import BOLTZMANN, ELEMENTARY_CHARGE
from phasefield.mg_neighbours import li_tracer_factor, mg_free_share, mg_neighbour_average
from phasefield.parameters import PARAMETER_SETS
from phasefield.thermal_activation import li_tracer_alloy_factor

KT = BOLTZMANN * 298.15
FORMATION, HOP = 0.03 * ELEMENTARY_CHARGE, 0.006 * ELEMENTARY_CHARGE


def test_the_li_tracer_factor_is_one_in_pure_li_and_both_penalties_with_mg_on_every_neighbour():
    assert li_tracer_factor(0.0, FORMATION, HOP, KT) == 1.0
    assert li_tracer_factor(1.0, FORMATION, HOP, KT) == pytest.approx(math.exp(-(FORMATION + HOP) / KT), rel=1e-14)


def test_at_the_seed_alloy_the_factor_is_its_hand_value_and_falls_with_mg():
    clean = 0.97**8
    by_hand = (clean + (1 - clean) * math.exp(-FORMATION / KT)) * (clean + (1 - clean) * math.exp(-HOP / KT))
    assert li_tracer_factor(0.03, FORMATION, HOP, KT) == pytest.approx(by_hand, rel=1e-14)
    assert by_hand == pytest.approx(0.8127, abs=1e-4)
    x = np.linspace(0.0, 1.0, 101)
    assert np.all(np.diff(li_tracer_factor(x, FORMATION, HOP, KT)) < 0)


def test_the_site_share_and_average_use_the_neighbour_count_given():
    assert mg_free_share(0.5, 4) == 0.0625
    assert mg_neighbour_average(0.5, FORMATION, KT, 4) == pytest.approx(0.0625 + 0.9375 * math.exp(-FORMATION / KT))


def test_the_alloy_sets_factor_reads_both_energies_from_the_set():
    """The Li-Mg set at 25 C: 0.813; with its hop shift set to 0 the formation part alone, 0.851."""
    metal = PARAMETER_SETS["Li0.97Mg0.03"].si()
    assert li_tracer_alloy_factor(metal, 298.15)(0.03) == pytest.approx(0.8127, abs=1e-4)
    assert li_tracer_alloy_factor({**metal, "mg_hop_barrier_shift": 0.0}, 298.15)(0.03) == pytest.approx(
        mg_neighbour_average(0.03, FORMATION, KT), rel=1e-12)
