r"""Void nucleation at interface flaws: a seeded Poisson process, identical on any number of ranks.

Candidate sites sit on a fixed grid along the interface (spacing = one nucleus diameter). Each site
nucleates at the rate :math:`J\,\Delta x` with the rate per unit length
:math:`J = J_0\,\theta_{trap}\,\exp(-B/\mu_\Gamma^2)` of
:func:`phasefield.physics.vacancies.nucleation_rate` (mu_Gamma: vacancy supersaturation in kT at
the site), and only while the metal touches the electrolyte there. The Poisson process is sampled by
its time change: each site draws a threshold :math:`E_i \sim \mathrm{Exp}(1)` and accumulates the
hazard :math:`H_i = \int J\,\Delta x\,dt` (the rate at the end of each step times the step, while in
contact); it nucleates in the step in which :math:`H_i` reaches :math:`E_i`, then draws a new threshold
and starts again. The event times so converge as the step shrinks, and a realisation does not depend
on the step sequence (drawing one number per site and step, as before issue 22, made every dt another
realisation). Random numbers come from one numpy PCG64 stream seeded from the case; every rank draws
the same numbers in the same order, and the supersaturation at the sites is gathered to rank 0 and
broadcast, so that decisions do not depend on the partition. A nucleus is a semicircular void of
radius r_n (diffuse edge delta): :math:`\phi \leftarrow \phi\,\cdot\,\tfrac12[1 + \tanh((r -
r_n)/\delta)]`; the vacancy-void system withholds its vacancy content from the next injections
(:meth:`phasefield.physics.voids.VacancyVoidSystem.insert_voids`).
"""

from dataclasses import dataclass, field

import numpy as np

from phasefield.physics.vacancies import nucleation_rate


@dataclass
class InterfaceNucleation:
    """Candidate sites, the rate law, the random stream and the nucleus shape."""

    width: float
    prefactor: float  # J0 (1/(m s))
    barrier: float  # B (kT^2)
    nucleus_radius: float
    edge_width: float
    seed: int
    events: int = 0
    nucleated_volume: float = 0.0
    rng: np.random.Generator = field(init=False)

    def __post_init__(self):
        count = max(1, int(self.width / (2 * self.nucleus_radius)))
        self.spacing = self.width / count
        self.positions = (np.arange(count) + 0.5) * self.spacing
        self.rng = np.random.default_rng(self.seed)
        #: each site's threshold E_i and its accumulated hazard H_i (module docstring)
        self.thresholds = self.rng.exponential(size=count)
        self.hazards = np.zeros(count)

    def decide(self, supersaturation: np.ndarray, trap_factor: np.ndarray, contact: np.ndarray,
               dt: float) -> np.ndarray:
        """Positions of the sites that nucleate in this step (same on every rank)."""
        rate = nucleation_rate(self.prefactor, self.barrier, trap_factor, supersaturation) * self.spacing
        touching = contact > 0.5
        self.hazards[touching] += rate[touching] * dt
        chosen = touching & (self.hazards >= self.thresholds)
        self.hazards[chosen] -= self.thresholds[chosen]  # the excess starts the next wait
        self.thresholds[chosen] = self.rng.exponential(size=int(chosen.sum()))
        self.events += int(chosen.sum())
        self.nucleated_volume += 0.5 * np.pi * self.nucleus_radius**2 * int(chosen.sum())
        return self.positions[chosen]

    def nucleus_factor(self, x: np.ndarray, centres: np.ndarray, normal_axis: int) -> np.ndarray:
        """Factor multiplying phi at points x (shape (3, n)) for nuclei at ``centres``."""
        factor = np.ones(x.shape[1])
        for centre in centres:
            r = np.hypot(x[0] - centre, x[normal_axis])
            factor *= 0.5 * (1 + np.tanh((r - self.nucleus_radius) / self.edge_width))
        return factor

    def state(self) -> dict:
        return {"rng": self.rng.bit_generator.state, "events": self.events,
                "nucleated_volume": self.nucleated_volume, "thresholds": self.thresholds.tolist(),
                "hazards": self.hazards.tolist()}

    def restore(self, state: dict) -> None:
        """The random stream, thresholds, hazards and counters of :meth:`state`."""
        self.rng.bit_generator.state = state["rng"]
        self.events, self.nucleated_volume = state["events"], state["nucleated_volume"]
        self.thresholds = np.array(state["thresholds"], dtype=float)
        self.hazards = np.array(state["hazards"], dtype=float)
