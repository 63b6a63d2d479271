r"""Vacancies in the metal: dilute thermodynamics, mobility, sinks, injection and nucleation.

The unknown is the vacancy chemical potential :math:`\mu` in units of kT (:math:`\mu = 0` at
equilibrium). In the metal the vacancy site fraction is dilute-ideal,

.. math:: c_m(\mu) = c_{eq}(x_{Mg})\, e^{\mu},\qquad
          c_{eq}(x) = c_{eq}^0 \left[(1-x)^8 + \left(1-(1-x)^8\right) e^{-\Delta E_{Mg}/kT}\right],

the mean-field effect of Mg on the formation energy (0.50 eV, or 0.53 eV next to one of the eight
nearest neighbours being Mg: :math:`\Delta E_{Mg} = 0.03` eV, seed Suppl. Table 1). The flux is
:math:`\mathbf{J} = -D_v w(x_{Mg}) c\,\nabla\mu` (Fick's law in the dilute limit) with
:math:`f\,c_{eq}^0 D_v = D^*_{Li}` (vacancy-mediated self-diffusion, f = 0.73 for bcc) and the hop factor
:math:`w(x) = (1-x)^8 + (1-(1-x)^8) e^{-\Delta E_m/kT}` of a Li hop slowed next to Mg (0.061 against 0.055
eV, seed Suppl. Table 1: :math:`\Delta E_m` = 0.006 eV; :mod:`phasefield.mg_neighbours`), so only the
product :math:`D_v c_{eq}^0 = D^*_{Li}/f` enters: :math:`c_{eq}^0` is raised from ~1e-9 to 1e-4 for
conditioning (project notes, 3.2) without changing the transport. Sinks (the boundaries of
grains of diameter :math:`d_s`) remove vacancies at the rate :math:`k_s (c_m - c_{eq})` with
:math:`k_s = 15 D_v / R^2 = 60 D_v / d_s^2`, the grain-boundary sink strength of a spherical grain of
radius :math:`R = d_s/2` without other sinks inside (Brailsford & Bullough, Phil. Trans. R. Soc. A 302
(1981) 87), slowed with the hops by w(x); the excess then decays over the sink length
:math:`\ell = \sqrt{D_v/k_s} = d_s/\sqrt{60}` (13 um for 100 um grains). Stripping injects vacancies at
the contact at the rate :math:`i\,\Omega/F` (site fraction x velocity).

Nucleation of voids at the interface trap, its rate and the Poisson process on the interface sites:
:mod:`phasefield.interface_nucleation` (shared with the reduced model).
"""

from dataclasses import dataclass

from phasefield import grain_sinks
from phasefield.constants import BOLTZMANN, ELEMENTARY_CHARGE
from phasefield.interface_segregation import InterfaceMgCoverage, trap_boltzmann_factor
from phasefield.mg_neighbours import mg_neighbour_average

CORRELATION_FACTOR_BCC = 0.73


@dataclass(frozen=True)
class VacancyProperties:
    """SI parameters of the vacancy sub-model at one temperature."""

    temperature: float
    reference_fraction: float  # c_eq^0 (model value, see module docstring)
    self_diffusivity: float  # D*_Li (m^2/s) at the temperature
    sink_spacing: float  # d_s (m), the grain diameter
    mg_neighbour_energy: float  # Delta E_Mg (J)
    interface_trap_energy: float  # 0.50 - 0.28 eV (J)
    mg_interface_segregation_energy: float  # 0.67 - 0.16 eV (J)
    mg_interface_reaction_rate: float = 0.0  # k (1/s): interface Mg lost to an interphase (hypothesis; 0 = none)
    mg_hop_barrier_shift: float = 0.0  # Delta E_m (J): a Li hop next to Mg (0.061 - 0.055 eV)

    @property
    def kt(self) -> float:
        return BOLTZMANN * self.temperature

    @property
    def vacancy_diffusivity(self) -> float:
        """D_v = D*_Li / (f c_eq^0) (m^2/s)."""
        return self.self_diffusivity / (CORRELATION_FACTOR_BCC * self.reference_fraction)

    @property
    def sink_strength(self) -> float:
        """k_s = 15 D_v / R^2 with the grain radius R = d_s / 2 (1/s)."""
        return grain_sinks.sink_strength(self.vacancy_diffusivity, self.sink_spacing)

    @property
    def sink_length(self) -> float:
        """l = sqrt(D_v / k_s) (m): the decay length of a vacancy excess among the sinks."""
        return grain_sinks.sink_length(self.sink_spacing)

    def equilibrium_fraction(self, x_mg):
        """c_eq(x_Mg) (mean-field Mg-vacancy repulsion)."""
        return self.reference_fraction * mg_neighbour_average(x_mg, self.mg_neighbour_energy, self.kt)

    def hop_factor(self, x_mg):
        """w(x_Mg): the vacancy hop rate relative to pure Li (mean-field Li hops slowed next to Mg)."""
        return mg_neighbour_average(x_mg, self.mg_hop_barrier_shift, self.kt)

    def fresh_interface_coverage(self, magnesium_fraction: float, mg_tracer_diffusivity: float,
                                 molar_volume: float, sites: int) -> InterfaceMgCoverage:
        """The Mg coverage of ``sites`` interface sites as the interface forms (the alloy's share x), to be
        advanced by its kinetic supply."""
        return InterfaceMgCoverage.as_formed(magnesium_fraction, self.mg_interface_segregation_energy,
                                             mg_tracer_diffusivity, molar_volume, self.temperature, sites,
                                             self.mg_interface_reaction_rate)

    def trap_factor(self, coverage):
        """theta_trap = exp(Delta E_trap,eff / kT) (numpy) at the interface Mg ``coverage``: 1 + vacancies held
        in the first layer."""
        return trap_boltzmann_factor(self.interface_trap_energy, self.mg_neighbour_energy, coverage,
                                     self.temperature)


EV = ELEMENTARY_CHARGE
