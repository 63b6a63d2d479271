r"""Interface flaws that become voids in the phase field (issue 23 item 4).

The dormant flaws (:mod:`phasefield.interface_flaws`, 2-D windows: positions along the interface) activate
where the metal touches the electrolyte and the vacancy supersaturation at them exceeds their Gibbs-Thomson
threshold :math:`\gamma\Omega_a/(kT\,r)`. A flaw the mesh resolves (:math:`r \ge r_{min}`, the case's nucleus
radius) is inserted at once; a smaller one first grows below the mesh resolution by the vacancies injected over
its share of the interface,

.. math:: \frac{dA}{dt} = j\,s,\qquad A = \tfrac{\pi}{2} r^2,

(a half disc on the interface; :math:`j = i\,\Omega/F` the local stripping speed at the flaw, s the mean flaw
spacing), and is inserted when its radius reaches :math:`r_{min}`. Inserted flaws are half discs of their radius
with the nuclei's diffuse edge, and, like nuclei, owe their vacancy content to the next injections
(:meth:`phasefield.physics.voids.VacancyVoidSystem.insert_voids`), so the vacancy balance holds. Every rank
holds the same flaws and takes the same decisions from the gathered interface values.
"""

from dataclasses import dataclass, field

import numpy as np

from phasefield.interface_flaws import Flaws


@dataclass
class FlawActivation:
    """Dormant flaws, the growing sub-grid ones and the rule that turns them into voids."""

    flaws: Flaws  # dormant
    threshold_length: float  # gamma Omega_a / kT (m): the threshold of a flaw of radius r is this over r (kT)
    spacing: float  # s (m), the mean flaw spacing
    minimum_radius: float  # r_min (m), the smallest void the mesh resolves
    growing: Flaws = field(default_factory=lambda: Flaws(np.zeros(0), np.zeros(0)))
    activated: int = 0

    def decide(self, position: np.ndarray, supersaturation: np.ndarray, contact: np.ndarray,
               stripping_speed: np.ndarray, dt: float) -> Flaws:
        """The flaws to insert in this step, from the interface values at the sorted interface points
        ``position`` (m): supersaturation (kT), contact (metal fraction) and the stripping speed i Omega / F
        (m/s, > 0 stripping)."""
        at = {key: np.interp(self.flaws.position, position, values)
              for key, values in (("mu", supersaturation), ("contact", contact))}
        active = self.flaws.take((at["contact"] > 0.5) & (at["mu"] > self.threshold_length / self.flaws.radius))
        self.activated += active.position.size
        self.growing = Flaws(np.concatenate([self.growing.position, active.position]),
                             np.concatenate([self.growing.radius, active.radius]))
        speed = np.maximum(np.interp(self.growing.position, position, stripping_speed), 0.0)
        area = 0.5 * np.pi * self.growing.radius**2 + speed * self.spacing * dt * (
            self.growing.radius < self.minimum_radius)
        self.growing.radius = np.sqrt(2.0 * area / np.pi)
        return self.growing.take(self.growing.radius >= self.minimum_radius)

    def state(self) -> dict:
        return {kind: {"position": flaws.position.tolist(), "radius": flaws.radius.tolist()}
                for kind, flaws in (("dormant", self.flaws), ("growing", self.growing))} | {
            "activated": self.activated}

    def restore(self, state: dict) -> None:
        self.flaws, self.growing = (Flaws(np.array(state[kind]["position"], dtype=float),
                                          np.array(state[kind]["radius"], dtype=float))
                                    for kind in ("dormant", "growing"))
        self.activated = state["activated"]
