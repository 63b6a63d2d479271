r"""Dormant flaws of the metal/electrolyte interface, shared by the finite-element and the reduced model.

A flaw is a position along the interface and a radius r: an unbonded patch, a pore or a scratch left by
assembly, from which a void grows without a nucleation barrier once the vacancy supersaturation at it exceeds
its Gibbs-Thomson threshold :math:`\mu > \gamma\,\Omega_a / (kT\,r)` (kT units; a cylindrical flaw of the
surface energy :math:`\gamma`, :math:`\Omega_a` the atomic volume). The population is a Poisson number of flaws
(mean: length / spacing) placed uniformly, with log-normal radii (median, spread = the standard deviation of
ln r); it is drawn from the generator of the case's seed alone, so it is the same on any number of ranks and
in both models. The metal sets carry the spacing and the median radius (fitted on T1's early voids) and the
spread (an assumption).
"""

from dataclasses import dataclass

import numpy as np

from phasefield.constants import AVOGADRO, BOLTZMANN


@dataclass
class Flaws:
    """Dormant interface flaws: positions and radii (m)."""

    position: np.ndarray
    radius: np.ndarray

    @classmethod
    def seeded(cls, length: float, spacing: float, median_radius: float, spread: float, seed: int) -> "Flaws":
        """A Poisson number (mean length / spacing) of flaws, uniform along ``length``, log-normal radii
        (median, spread = sd of ln r), from the generator of ``seed`` alone."""
        rng = np.random.default_rng(seed)
        count = rng.poisson(length / spacing)
        position = np.sort(rng.uniform(0.0, length, count))
        return cls(position, median_radius * np.exp(spread * rng.standard_normal(count)))

    def take(self, chosen: np.ndarray) -> "Flaws":
        """The flaws ``chosen`` (a mask), removed from these."""
        taken = Flaws(self.position[chosen], self.radius[chosen])
        self.position, self.radius = self.position[~chosen], self.radius[~chosen]
        return taken


def gibbs_thomson_threshold(surface_energy: float, molar_volume: float, temperature: float, radius):
    """mu (kT) above which a cylindrical flaw of ``radius`` grows: gamma Omega_a / (kT r)."""
    return surface_energy * molar_volume / AVOGADRO / (BOLTZMANN * temperature * np.asarray(radius))
