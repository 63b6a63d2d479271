r"""Mg nearest neighbours in dilute bcc Li-Mg: mean-field Boltzmann averages over the random alloy, shared by the
finite-element and the reduced model.

A site (or a hop) pays an energy E when at least one of its z neighbours holds Mg; in the random alloy of Mg
fraction x it is Mg-free with probability :math:`p_0 = (1-x)^z`, so the site-averaged Boltzmann factor is

.. math:: \langle e^{-E/kT}\rangle_x = (1-x)^z + \left(1 - (1-x)^z\right) e^{-E/kT}.

Two seed DFT energies enter this way with the z = 8 nearest neighbours of bcc (Zhao et al., Nat. Commun. 16
(2025) 4283, Suppl. Table 1): the vacancy formation energy, 0.53 eV next to Mg against 0.50 eV
(:math:`\Delta E_f` = 0.03 eV: the equilibrium vacancy fraction falls as
:math:`c_{eq}(x) = c_{eq}^0\langle e^{-\Delta E_f/kT}\rangle_x`), and the barrier of a Li hop into a vacancy,
0.061 eV next to Mg against 0.055 eV (:math:`\Delta E_m` = 0.006 eV: the hop rate falls as
:math:`w(x) = \langle e^{-\Delta E_m/kT}\rangle_x`). The Li tracer diffusivity of the alloy, vacancy-mediated
(:math:`D^*_{Li} = f c_v D_v`), is then

.. math:: D^*_{Li}(x) = D^*_{Li}(0)\,\frac{c_{eq}(x)}{c_{eq}^0}\,w(x),

0.81 of pure Li's at x = 0.03 and 25 C: lower in the alloy, the direction of the SIMS tracer measurements
(Siniscalchi et al., ACS Energy Lett. 7 (2022) 3593, as cited by the seed; their values not re-read here).
The functions take numbers, numpy arrays or UFL expressions for x.
"""

import math

#: nearest neighbours of a site in bcc
BCC_NEIGHBOURS = 8


def mg_free_share(x, neighbours: int = BCC_NEIGHBOURS):
    """p_0 = (1 - x)^z: the share of sites none of whose z neighbours holds Mg."""
    return (1.0 - x) ** neighbours


def mg_neighbour_average(x, energy: float, kt: float, neighbours: int = BCC_NEIGHBOURS):
    """<e^(-E/kT)>_x = p_0 + (1 - p_0) e^(-E/kT): the Boltzmann factor of an energy E paid next to Mg."""
    clean = mg_free_share(x, neighbours)
    return clean + (1.0 - clean) * math.exp(-energy / kt)


def li_tracer_factor(x, formation_shift: float, hop_barrier_shift: float, kt: float):
    """D*_Li(x) / D*_Li(0) = <e^(-Delta E_f/kT)>_x <e^(-Delta E_m/kT)>_x: fewer vacancies and slower hops."""
    return mg_neighbour_average(x, formation_shift, kt) * mg_neighbour_average(x, hop_barrier_shift, kt)
