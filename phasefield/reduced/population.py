"""The state of the interface: the voids on a periodic strip and the dormant flaws that may become voids.

A void is its centre x, footprint w and cross-section A per unit depth (m, m, m^2); its mean height is
A / w and its largest height that of a semi-ellipse (:func:`phasefield.reduced.laws.largest_height`).
Footprints never overlap: voids that touch coalesce (:meth:`VoidPopulation.coalesce`: areas add, the
footprint is the union of the two). A flaw (:class:`phasefield.interface_flaws.Flaws`) becomes a void (its
equilibrium cap) when it activates. Statistics are counted as the finite-element runs count them
(:mod:`phasefield.output.void_statistics`): voids per 100 um, a gap when no contact is left.
"""

from dataclasses import dataclass

import numpy as np

from phasefield.reduced.laws import cap_area_coefficient, largest_height


@dataclass
class VoidPopulation:
    """The voids of a periodic strip of ``strip_width`` (m), sorted by centre; a contact fraction at or below
    ``gap_contact`` is a gap (the contact floor of the kinetics)."""

    strip_width: float
    gap_contact: float
    centre: np.ndarray
    width: np.ndarray
    area: np.ndarray
    pinch: np.ndarray  # progress (0 to 1) of a pinch-off under way

    @classmethod
    def empty(cls, strip_width: float, gap_contact: float = 0.0) -> "VoidPopulation":
        return cls(strip_width, gap_contact, *(np.zeros(0) for _ in range(4)))

    @property
    def count(self) -> int:
        return int(self.centre.size)

    @property
    def left(self) -> np.ndarray:
        """Left ends of the footprints, in [0, strip_width)."""
        return (self.centre - 0.5 * self.width) % self.strip_width

    @property
    def mean_height(self) -> np.ndarray:
        return self.area / self.width

    @property
    def largest_height(self) -> np.ndarray:
        return largest_height(self.area, self.width)

    @property
    def contact_fraction(self) -> float:
        return max(1.0 - float(self.width.sum()) / self.strip_width, 0.0)

    @property
    def gap(self) -> bool:
        """No contact left (at most ``gap_contact``)."""
        return self.contact_fraction <= self.gap_contact

    @property
    def volume(self) -> float:
        """Void cross-section per unit depth (m^2)."""
        return float(self.area.sum())

    def add(self, centre: np.ndarray, width: np.ndarray, area: np.ndarray) -> None:
        """Insert voids and keep the order by centre."""
        self.centre = np.concatenate([self.centre, np.asarray(centre) % self.strip_width])
        self.width = np.concatenate([self.width, width])
        self.area = np.concatenate([self.area, area])
        self.pinch = np.concatenate([self.pinch, np.zeros(np.size(centre))])
        self._sort()

    def add_caps(self, centre: np.ndarray, radius: np.ndarray, contact_angle: float) -> None:
        """Voids as equilibrium caps of footprint 2 r at the Young angle."""
        width = 2.0 * np.asarray(radius)
        self.add(centre, width, cap_area_coefficient(contact_angle) * width**2)

    def remove(self, chosen: np.ndarray) -> None:
        """Drop the voids ``chosen`` (a mask)."""
        keep = ~chosen
        self.centre, self.width, self.area, self.pinch = (v[keep] for v in
                                                          (self.centre, self.width, self.area, self.pinch))

    def _sort(self) -> None:
        order = np.argsort(self.centre, kind="stable")
        self.centre, self.width, self.area, self.pinch = (v[order] for v in
                                                          (self.centre, self.width, self.area, self.pinch))

    def covers(self, position: np.ndarray) -> np.ndarray:
        """Whether each ``position`` lies under a footprint."""
        distance = (np.asarray(position)[:, None] - self.centre[None, :] + 0.5 * self.strip_width) \
            % self.strip_width - 0.5 * self.strip_width
        return (np.abs(distance) < 0.5 * self.width[None, :]).any(axis=1)

    def coalesce(self) -> int:
        """Merge touching neighbours until none touch (a void as wide as the strip is a gap); the number of
        merges."""
        merges = 0
        while self.count > 1:
            right = np.roll(np.arange(self.count), -1)
            separation = (self.centre[right] - self.centre) % self.strip_width
            overlap = 0.5 * (self.width + self.width[right]) - separation
            k = int(np.argmax(overlap))
            if overlap[k] < 0.0:
                break
            j = int(right[k])
            start = self.centre[k] - 0.5 * self.width[k]
            end = max(self.centre[k] + 0.5 * self.width[k], self.centre[k] + separation[k] + 0.5 * self.width[j])
            span = min(end - start, self.strip_width)
            area = self.area[k] + self.area[j]
            self.remove(np.isin(np.arange(self.count), (k, j)))
            self.add(np.array([start + 0.5 * span]), np.array([span]), np.array([area]))
            merges += 1
        if self.count == 1:
            self.width = np.minimum(self.width, self.strip_width)
        return merges

    def split(self, chosen: np.ndarray) -> None:
        """Each void ``chosen`` (a mask) pinches into two halves of its area and mean height, left apart
        by a neck of metal as wide as its largest height (where the roof touched down)."""
        centre, width, area = self.centre[chosen], self.width[chosen], self.area[chosen]
        neck = np.minimum(self.largest_height[chosen], 0.5 * width)
        half = 0.5 * (width - neck)
        self.remove(chosen)
        offset = 0.5 * (half + neck)
        self.add(np.concatenate([centre - offset, centre + offset]), np.concatenate([half, half]),
                 np.concatenate([0.5 * area, 0.5 * area]))

    def statistics(self) -> dict[str, float]:
        """Voids per 100 um, mean and largest footprint, largest height (m), gap (0/1)."""
        if self.count == 0 or self.gap:
            return {"voids_per_100um": 0.0, "mean_void_width": 0.0 if self.count == 0 else self.strip_width,
                    "max_void_width": 0.0 if self.count == 0 else self.strip_width,
                    "max_void_height": float(self.largest_height.max()) if self.count else 0.0,
                    "gap": float(self.gap)}
        return {"voids_per_100um": self.count * 100e-6 / self.strip_width,
                "mean_void_width": float(self.width.mean()), "max_void_width": float(self.width.max()),
                "max_void_height": float(self.largest_height.max()), "gap": 0.0}
