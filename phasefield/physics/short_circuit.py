r"""Short circuit by a Li filament grown from a contact where the plating current focuses.

Initiation (Kasemchainan et al., Nat. Mater. 18 (2019) 1105; the value and its range: the parameter set): a
filament enters the electrolyte where the local plating current density at the metal-electrolyte interface
exceeds the critical current density of Li penetration,

.. math::

    -i(x) > i_c\qquad(i > 0\ \text{strips}).

Propagation (Ning et al., Nat. Mater. 20 (2021) 1121: on plating a crack runs ahead through the
electrolyte and the Li fills it from the root, so the cell shorts when the Li front reaches the other
electrode): the Li front advances at the rate at which the over-critical current deposits Li into the
crack, with the crack's cross-section that of the spot it grows from,

.. math::

    \frac{d\ell}{dt} = \frac{\Omega}{F}\,i_p\ \ \text{while}\ i_p = \max_x(-i(x)) > i_c,\ \text{else}\ 0,

and the cell shorts when :math:`\ell` reaches the electrolyte thickness L. A crack narrower than the spot
fills faster, so this speed is a lower bound; at a uniform plating current below i_c no filament starts.
"""

from dataclasses import dataclass

import numpy as np

from phasefield.constants import FARADAY


def plating_peak(current_density: np.ndarray) -> float:
    """The largest local plating current density (A/m^2, >= 0) among ``current_density`` (A/m^2, > 0 strips)."""
    return float(np.max(-np.asarray(current_density), initial=0.0))


def overcritical_sites(current_density: np.ndarray, critical_current_density: float) -> int:
    """How many separate spots along the interface plate above ``critical_current_density``: runs of
    consecutive samples (ordered along the interface) with -i > i_c."""
    above = np.asarray(current_density) < -critical_current_density
    return int(np.count_nonzero(above[1:] & ~above[:-1]) + (above.size > 0 and above[0]))


@dataclass
class FilamentGrowth:
    """The Li front of the fastest filament: length ``length`` (m) after the steps advanced so far."""

    critical_current_density: float  # A/m^2
    electrolyte_thickness: float  # m
    molar_volume: float  # m^3/mol
    length: float = 0.0

    def front_speed(self, peak_plating: float) -> float:
        """d ell / dt (m/s) under the largest local plating current density ``peak_plating`` (A/m^2)."""
        if peak_plating <= self.critical_current_density:
            return 0.0
        return peak_plating * self.molar_volume / FARADAY

    def advance(self, dt: float, peak_plating: float) -> None:
        """Grow the front over ``dt`` (s) at the speed of ``peak_plating`` (the current at the step's end)."""
        self.length += dt * self.front_speed(peak_plating)

    @property
    def initiated(self) -> bool:
        return self.length > 0.0

    @property
    def shorted(self) -> bool:
        """Whether the Li front has crossed the electrolyte."""
        return self.length >= self.electrolyte_thickness
