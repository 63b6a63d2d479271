"""The Arrhenius laws shared by the sub-models and the reduced model (phasefield/thermal_activation.py)."""

import math

import pytest

from phasefield.constants import AVOGADRO, BOLTZMANN, GAS_CONSTANT
from phasefield.thermal_activation import arrhenius, arrhenius_from_reference


def test_a_molar_energy_divided_by_avogadro_gives_the_exponent_over_rt():
    """37 kJ/mol (Li creep) at 25 C: k_0 exp(-Q/RT) within the rounding of R (1.8e-11 of k_B N_A) times
    Q/RT = 14.9: 2.75e-10."""
    q, t = 37e3, 298.15
    expected = 2.0 * math.exp(-q / (GAS_CONSTANT * t))  # 6.6e-7
    assert arrhenius(2.0, q / AVOGADRO, t) == pytest.approx(expected, rel=3e-10, abs=0)  # measured 2.75e-10


def test_the_reference_form_returns_its_value_at_the_reference_and_the_law_elsewhere():
    """k(T_ref) = value; k(T) / k(T_ref) = exp(-E/k_B (1/T - 1/T_ref)); consistent with the prefactor form."""
    energy = 0.2 * 1.602176634e-19
    assert arrhenius_from_reference(3.0, 300.0, energy, 300.0) == 3.0
    prefactor = 3.0 / math.exp(-energy / (BOLTZMANN * 300.0))
    assert arrhenius_from_reference(3.0, 300.0, energy, 350.0) == pytest.approx(arrhenius(prefactor, energy, 350.0),
                                                                                rel=1e-12)
    assert arrhenius_from_reference(3.0, 300.0, energy, 350.0) > 3.0  # activated: faster when hotter
