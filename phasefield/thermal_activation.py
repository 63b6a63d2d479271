r"""Thermally activated quantities (Arrhenius), the one law the sub-models and the reduced model share.

.. math::

    k(T) = k_0\,e^{-E/k_B T},\qquad k(T) = k(T_{ref})\,e^{-(E/k_B)(1/T - 1/T_{ref})},

with the activation energy E per particle (J; the parameter sets give eV or J per atom). An energy per mole
(J/mol) is passed as E / N_A (:data:`phasefield.constants.AVOGADRO`): the exponent is then E / RT. The tracer
diffusivities of a metal parameter set (:func:`tracer_diffusivities`) are the law applied to its values; in the
alloy, Mg neighbours lower that of Li by a factor of x_Mg (:func:`li_tracer_alloy_factor`).
"""

import math
from collections.abc import Callable

from phasefield.constants import AVOGADRO, BOLTZMANN
from phasefield.mg_neighbours import li_tracer_factor


def arrhenius(prefactor: float, activation_energy: float, temperature: float) -> float:
    """k_0 exp(-E / k_B T): ``prefactor`` in the unit of the result, E in J per particle, T in K."""
    return prefactor * math.exp(-activation_energy / (BOLTZMANN * temperature))


def arrhenius_from_reference(value: float, reference_temperature: float, activation_energy: float,
                             temperature: float) -> float:
    """k(T) from k(T_ref) = ``value``: k(T_ref) exp(-(E / k_B)(1/T - 1/T_ref)), E in J per particle."""
    return value * math.exp(-activation_energy / BOLTZMANN * (1.0 / temperature - 1.0 / reference_temperature))


def tracer_diffusivities(metal: dict[str, float], temperature: float) -> tuple[float, float]:
    """(D*_Li, D*_Mg) in m^2/s at ``temperature`` (K): Arrhenius from the set's reference values (activation
    energies per mole)."""
    li = arrhenius_from_reference(metal["li_tracer_diffusivity"], metal["li_tracer_reference_temperature"],
                                  metal["li_tracer_activation_energy"] / AVOGADRO, temperature)
    mg = arrhenius(metal["mg_tracer_prefactor"], metal["mg_tracer_activation_energy"] / AVOGADRO, temperature)
    return li, mg


def li_tracer_alloy_factor(metal: dict[str, float], temperature: float) -> Callable:
    """x -> D*_Li(x) / D*_Li(0) of the set at ``temperature`` (K): fewer vacancies and slower hops next to Mg
    (:func:`phasefield.mg_neighbours.li_tracer_factor`; numbers, arrays or UFL)."""
    kt = BOLTZMANN * temperature

    def factor(x):
        return li_tracer_factor(x, metal["mg_vacancy_repulsion"], metal["mg_hop_barrier_shift"], kt)
    return factor
