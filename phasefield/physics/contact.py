r"""Prescribed contact: voids of given shape at the interface, while no void model evolves them.

The metal fraction is :math:`c(x, n) = \prod_k \tfrac12\left[1 + \tanh(d_k / \delta)\right]`
with :math:`d_k \approx (r_k - 1)\min(w/2, h)`,
:math:`r_k = \sqrt{((x - x_k)/(w/2))^2 + (n/h)^2}`: semi-elliptic voids of width w and height
h = aspect w/2 centred at :math:`x_k = (k + 1/2) L/N` on the interface n = 0, with an edge of
width :math:`\delta`. Their common width w is the one whose interface mean of c equals the contact
fraction table f(Q) of stripped capacity Q (linearly interpolated): the root of
:math:`\sum_i \omega_i c(x_i, 0) = f(Q)` for a quadrature (x_i, omega_i) of the interface mean (the
trapezoid rule on the mesh's interface vertices, so that the contact the kinetics integrates is f;
without the diffuse edges this is w = (1 - f) L / N).
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

#: bisection tolerance of the void width, relative to the void spacing
WIDTH_TOLERANCE = 1e-12


@dataclass(frozen=True)
class PrescribedVoids:
    """N equally spaced semi-elliptic voids whose width follows a contact-fraction table."""

    interface_width: float
    void_count: int
    aspect_ratio: float
    edge_width: float
    capacity_table: tuple[float, ...]
    fraction_table: tuple[float, ...]

    def contact_fraction(self, capacity: float) -> float:
        """Target contact fraction after stripping ``capacity`` (C/m^2)."""
        return float(np.interp(capacity, self.capacity_table, self.fraction_table))

    def _fraction(self, width: float, x: np.ndarray, normal: np.ndarray) -> np.ndarray:
        fraction = np.ones(x.shape)
        if width <= 0.0:
            return fraction
        half, height = 0.5 * width, self.aspect_ratio * 0.5 * width
        spacing = self.interface_width / self.void_count
        for centre in (np.arange(self.void_count) + 0.5) * spacing:
            r = np.hypot((x - centre) / half, normal / height)
            fraction *= 0.5 * (1.0 + np.tanh((r - 1.0) * min(half, height) / self.edge_width))
        return fraction

    def void_width(self, capacity: float, x: np.ndarray, weights: np.ndarray) -> float:
        """The common width (m) whose mean contact ``sum(weights * c(x, 0))`` is the table's fraction
        after ``capacity``; ``weights`` sum to 1."""
        target = self.contact_fraction(capacity)
        spacing = self.interface_width / self.void_count

        def excess(width: float) -> float:
            return float(weights @ self._fraction(width, x, np.zeros_like(x))) - target

        if target >= 1.0 or excess(0.0) <= 0.0:
            return 0.0
        widest = 2.0 * spacing
        if excess(widest) >= 0.0:  # so little contact that even overlapping voids leave more
            return widest
        return brentq(excess, 0.0, widest, xtol=WIDTH_TOLERANCE * spacing)

    def metal_fraction(self, x: np.ndarray, width: float, normal_axis: int) -> np.ndarray:
        """c at points ``x`` (shape (3, npoints)) for voids of ``width``; ``normal_axis`` is the index of n."""
        return self._fraction(width, x[0], x[normal_axis])


def trapezoid_weights(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct coordinates of ``x`` and their normalised trapezoid weights (an interface mean)."""
    points = np.unique(x)
    if points.size == 1:
        return points, np.ones(1)
    spacing = np.diff(points)
    weights = np.zeros(points.size)
    weights[:-1] += 0.5 * spacing
    weights[1:] += 0.5 * spacing
    return points, weights / weights.sum()


#: the width in phi of the sharpened contact measure: a rises from 0 to 1 between phi = 1/2 -+ this / 2
CONTACT_SHARPNESS = 0.2


def sharpened_contact(phi: np.ndarray, width: float = CONTACT_SHARPNESS) -> np.ndarray:
    """The contact measure a(phi) of the Butler-Volmer kinetics from the metal fraction phi: a smoothed
    Heaviside step at phi = 1/2, a = h(xi), xi = clip((phi - 1/2)/width + 1/2, 0, 1), h = xi^2 (3 - 2 xi).
    a = 0 for phi <= 0.4 and 1 for phi >= 0.6 (width 0.2): the partly void edge of a diffuse void is no
    longer partly in contact, and the interface mean of a at the vertices is the interface length with
    phi > 1/2 to within the mesh spacing at each void edge (VOID-REVIEW N6)."""
    xi = np.clip((phi - 0.5) / width + 0.5, 0.0, 1.0)
    return xi * xi * (3.0 - 2.0 * xi)


def full_contact(x: np.ndarray) -> np.ndarray:
    """c = 1 everywhere: the metal touches the whole interface."""
    return np.ones(x.shape[1])
