r"""Prescribed contact: voids of given shape at the interface, while no void model evolves them.

The metal fraction is :math:`c(x, n) = \prod_k \tfrac12\left[1 + \tanh(d_k / \delta)\right]`
with :math:`d_k \approx (r_k - 1)\min(w/2, h)`,
:math:`r_k = \sqrt{((x - x_k)/(w/2))^2 + (n/h)^2}`: semi-elliptic voids of width w and height
h = aspect w/2 centred at :math:`x_k = (k + 1/2) L/N` on the interface n = 0, with an edge of
width :math:`\delta`. Their width follows a contact fraction table f(Q) of stripped capacity Q
(``w = (1 - f) L / N``), linearly interpolated.
"""

from dataclasses import dataclass

import numpy as np


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

    def void_width(self, capacity: float) -> float:
        """Common width (m) of the voids after stripping ``capacity``."""
        return (1.0 - self.contact_fraction(capacity)) * self.interface_width / self.void_count

    def metal_fraction(self, x: np.ndarray, capacity: float, normal_axis: int) -> np.ndarray:
        """c at points ``x`` (shape (3, npoints)); ``normal_axis`` is the index of n."""
        width = self.void_width(capacity)
        fraction = np.ones(x.shape[1])
        if width <= 0.0:
            return fraction
        half, height = 0.5 * width, self.aspect_ratio * 0.5 * width
        spacing = self.interface_width / self.void_count
        for centre in (np.arange(self.void_count) + 0.5) * spacing:
            r = np.hypot((x[0] - centre) / half, x[normal_axis] / height)
            fraction *= 0.5 * (1.0 + np.tanh((r - 1.0) * min(half, height) / self.edge_width))
        return fraction


def full_contact(x: np.ndarray) -> np.ndarray:
    """c = 1 everywhere: the metal touches the whole interface."""
    return np.ones(x.shape[1])
