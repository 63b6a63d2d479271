r"""Mg on the interface sites of the metal: the McLean isotherm, its kinetic supply, and the interface vacancy
trap averaged over the sites (seed Fig 2c, f, g). Shared by the finite-element and the reduced model.

**Isotherm.** Interface sites prefer Mg over Li by the segregation energy :math:`E_s` (0.51 eV: a vacancy
there filled by Mg -0.67 eV, by Li -0.16 eV); at a bulk-side fraction x the equilibrium coverage is McLean's
:math:`\theta_{eq} = x e^{E_s/kT} / (1 - x + x e^{E_s/kT})` (1 - 8e-8 at x = 0.03, 25 C).

**Kinetic supply.** The coverage is not set from :math:`\theta_{eq}` at t = 0: an interface made by pressing
the alloy on the electrolyte starts with the random alloy's share of Mg, :math:`\theta(0) = x`, and is
filled by two channels, per interface site (:math:`\nu = \Omega_a^{-2/3}` sites per area, :math:`\Omega_a`
the atomic volume, :math:`c_{Mg} = x/\Omega_a`):

- stripping leaves x/(1-x) Mg atoms behind per stripped Li atom:
  :math:`\dot\theta_s = \frac{x}{1-x}\,\frac{i N_A}{F \nu}` (i > 0 the local stripping current density);
- diffusion from the alloy below into the interface, a perfect sink for Mg while :math:`E_s \gg kT`
  (semi-infinite, constant surface concentration): :math:`\nu\,\Delta\theta_d = 2 c_{Mg}\sqrt{D^*_{Mg}/\pi}\,
  (\sqrt{t + \Delta t} - \sqrt t)`, t the time since the interface formed.

Plating buries the covered sites under new Li: :math:`\dot\theta = -\theta\, |i| N_A / (F \nu)` (i < 0).
The coverage stays at or below :math:`\theta_{eq}` of the local interface fraction. At 25 C and x = 0.03
(D*_Mg = 2.06e-17 m2/s, V_m = 13.0 cm3/mol) diffusion alone fills the sites in about 3 s and stripping at
0.5 mA/cm2 in about 13 s: the interface holds its equilibrium Mg within seconds of the first current.

**Interface reaction (a hypothesis).** Interface Mg may react with the electrolyte (a Mg-S interphase, the
seed's reading of its EDS enrichment) and so leave the sites at a first-order rate k:
:math:`\dot\theta = \dot\theta_s + \dot\theta_d - (k + \beta)\,\theta` with the burial rate
:math:`\beta = |i| N_A / (F \nu)` while plating. Over a step with the current held, with
:math:`\lambda = k + \beta`, the exact update is
:math:`\theta_1 = \theta_0 e^{-\lambda\Delta t} + \dot\theta_s (1 - e^{-\lambda\Delta t})/\lambda
+ \frac{2 c_{Mg}}{\nu}\sqrt{\frac{D^*_{Mg}}{\pi\lambda}}\,[D(\sqrt{\lambda t_1})
- e^{-\lambda\Delta t} D(\sqrt{\lambda t_0})]` (D Dawson's integral; the diffusive supply
:math:`c_{Mg}\sqrt{D^*_{Mg}/\pi t}/\nu` decayed from each instant to the step's end). Stripping alone then
holds :math:`\theta \to \dot\theta_s / k`: the reaction keeps part of the trap only if it consumes the Mg that
stripping leaves as fast as it arrives. k = 0 (no reaction) is the sets' value.

**Trap over the sites.** A vacancy in the first interface layer is bound by :math:`E_t` = 0.22 eV (0.50 -
0.28 eV); a site with Mg on one of its :data:`INTERFACE_NEIGHBOURS` neighbours repels it by
:math:`\Delta E_{Mg}` (0.53 - 0.50 eV). A site is clean with probability :math:`p_0 = (1-\theta)^z`, and the
trapped population sees the Boltzmann average
:math:`e^{E_{t,eff}/kT} = p_0 e^{E_t/kT} + (1 - p_0) e^{-\Delta E_{Mg}/kT}`.

**Wetting over the sites.** The work of adhesion is averaged over the sites, clean Li/Li2S (93.6 deg, seed DFT)
and Mg-covered (87.1 deg, the seed's Li-Mg/Li2S, taken as full coverage: an assumption), so at a fixed metal
surface energy Young's angle follows :math:`\cos\theta_Y = (1-\theta)\cos\theta_0 + \theta\cos\theta_1`
(:func:`young_cosine`).
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import dawsn

from phasefield.constants import AVOGADRO, BOLTZMANN, FARADAY
from phasefield.mg_neighbours import mg_free_share

#: interface sites next to an interface site (a square (100) net): a site is clean when none holds Mg
INTERFACE_NEIGHBOURS = 4

#: midpoint samples of the interface Mg coverage per step for the step's mean trap factor (the coverage of
#: Li0.97Mg0.03 fills in ~3 s, a step is up to 18 s)
COVERAGE_SAMPLES = 32


def mclean_coverage(magnesium_fraction, segregation_energy: float, temperature: float):
    """theta_eq = x e^(E_s/kT) / (1 - x + x e^(E_s/kT)) (numpy or float)."""
    factor = np.exp(segregation_energy / (BOLTZMANN * temperature))
    return magnesium_fraction * factor / (1.0 - magnesium_fraction + magnesium_fraction * factor)


def trap_boltzmann_factor(trap: float, mg_repulsion: float, coverage, temperature: float):
    """e^(E_t,eff / kT): the trap of the interface layer averaged over clean and Mg-neighboured sites."""
    kt = BOLTZMANN * temperature
    clean = mg_free_share(np.asarray(coverage), INTERFACE_NEIGHBOURS)
    return clean * np.exp(trap / kt) + (1.0 - clean) * np.exp(-mg_repulsion / kt)


def young_cosine(coverage, clean_angle: float, covered_angle: float):
    """cos(theta_Y) = (1 - theta) cos(theta_0) + theta cos(theta_1) at the Mg ``coverage`` (numpy or float)."""
    coverage = np.asarray(coverage)
    return (1.0 - coverage) * np.cos(clean_angle) + coverage * np.cos(covered_angle)


def interface_sites(molar_volume: float) -> float:
    """nu = Omega_a^(-2/3): interface sites per m^2."""
    return (molar_volume / AVOGADRO) ** (-2.0 / 3.0)


@dataclass
class InterfaceMgCoverage:
    """The Mg coverage theta of interface sites (one value per site or per sampling point), advanced by the
    supply of the module docstring; ``elapsed`` is the time since the interface formed (s)."""

    magnesium_fraction: float  # x of the alloy (bulk)
    segregation_energy: float  # E_s (J)
    mg_tracer_diffusivity: float  # D*_Mg (m^2/s) at the temperature
    molar_volume: float  # V_m (m^3/mol)
    temperature: float  # K
    coverage: np.ndarray
    reaction_rate: float = 0.0  # k (1/s): interface Mg lost to a reaction with the electrolyte
    elapsed: float = 0.0

    @classmethod
    def as_formed(cls, magnesium_fraction: float, segregation_energy: float, mg_tracer_diffusivity: float,
                  molar_volume: float, temperature: float, sites: int,
                  reaction_rate: float = 0.0) -> "InterfaceMgCoverage":
        """A fresh interface: the random alloy's share of Mg on every site, theta = x."""
        return cls(magnesium_fraction, segregation_energy, mg_tracer_diffusivity, molar_volume, temperature,
                   np.full(sites, magnesium_fraction), reaction_rate)

    def advance(self, dt: float, current_density, interface_fraction, samples: int = 1) -> np.ndarray:
        """Over ``dt`` (s) at the local ``current_density`` (A/m^2, > 0 stripping) and bulk-side Mg
        ``interface_fraction`` at each site (numpy arrays or floats, held over the step). Returns the coverage
        at the midpoints of ``samples`` equal parts of the step (shape (samples, sites)), for averages over the
        step of what the coverage sets; each supply term is exact for any split of the step."""
        midpoints = []
        for half in range(2 * samples):
            self._advance(0.5 * dt / samples, current_density, interface_fraction)
            if half % 2 == 0:
                midpoints.append(np.array(self.coverage, dtype=float))
        return np.array(midpoints)

    def _advance(self, dt: float, current_density, interface_fraction) -> None:
        x, nu = self.magnesium_fraction, interface_sites(self.molar_volume)
        atoms = np.asarray(current_density) * AVOGADRO / FARADAY  # Li atoms per m^2 and s (> 0 stripped)
        loss = self.reaction_rate + np.maximum(-atoms, 0.0) / nu  # lambda = k + beta (1/s)
        kept = np.exp(-loss * dt)
        rate = np.where(loss > 0.0, loss, 1.0)  # lambda where it is positive (the limits below where it is 0)
        held = np.where(loss > 0.0, -np.expm1(-rate * dt) / rate, dt)  # (1 - e^(-lambda dt)) / lambda
        stripping = x / (1.0 - x) * np.maximum(atoms, 0.0) / nu * held
        t0, t1 = self.elapsed, self.elapsed + dt
        decayed = (dawsn(np.sqrt(rate * t1)) - kept * dawsn(np.sqrt(rate * t0))) / np.sqrt(rate)
        diffusion = (2.0 * x / (self.molar_volume / AVOGADRO) * np.sqrt(self.mg_tracer_diffusivity / np.pi)
                     * np.where(loss > 0.0, decayed, np.sqrt(t1) - np.sqrt(t0)) / nu)
        limit = mclean_coverage(np.asarray(interface_fraction), self.segregation_energy, self.temperature)
        self.coverage = np.minimum(self.coverage * kept + stripping + diffusion, np.maximum(limit, 0.0))
        self.elapsed = t1

    def state(self) -> dict:
        return {"coverage": np.asarray(self.coverage).tolist(), "elapsed": self.elapsed}

    def restore(self, state: dict) -> None:
        self.coverage, self.elapsed = np.array(state["coverage"], dtype=float), state["elapsed"]
