r"""Void nucleation at the interface trap: the rate and a seeded Poisson process, identical on any number of ranks.
Shared by the finite-element model (:mod:`phasefield.submodels.voids`) and the reduced model
(:mod:`phasefield.reduced.model`).

The rate (:func:`nucleation_rate`): a classical rate per unit interface length, :math:`J =
J_0\,\theta_{trap}\,\exp(-B/\mu_\Gamma^2)` for :math:`\mu_\Gamma > 0`, with the interface trap factor
:math:`\theta_{trap} = \exp(\Delta E_{trap,eff}/kT)` relative to Li (the number of vacancies in the first interface
layer: formation energy 0.28 eV there vs 0.50 eV in the bulk, seed Fig 2c). In the alloy Mg fills interface
vacancies (-0.67 eV vs -0.16 eV for Li, seed Fig 2f, g); the trap is averaged over the interface sites at the Mg
coverage that the kinetic supply of :mod:`phasefield.interface_segregation` has brought there
(:func:`~phasefield.interface_segregation.trap_boltzmann_factor`). :math:`J_0` and B are calibration parameters
(stated as such).

Candidate sites sit on a fixed grid along the interface (spacing = one nucleus diameter; in 3-D a grid over the
interface plane, the same spacing across). Each site nucleates at the rate :math:`J\,\Delta x` (mu_Gamma the vacancy
supersaturation in kT at the site), and only while the metal touches the electrolyte there. The Poisson process is
sampled by its time change: each site draws a threshold :math:`E_i \sim \mathrm{Exp}(1)` and accumulates the hazard
:math:`H_i = \int J\,\Delta x\,dt` (the rate at the end of each step times the step, while in contact); it nucleates
in the step in which :math:`H_i` reaches :math:`E_i`, then draws a new threshold and starts again. The event times
so converge as the step shrinks, and a realisation does not depend on the step sequence. In 3-D each site keeps the
rate :math:`J\,\Delta x` of a 2-D site, so that J reads as a rate per unit area :math:`J / \Delta z` (:math:`\Delta
z` the site spacing across, one nucleus diameter): each row of sites along x nucleates as the 2-D line does. Random
numbers come from one numpy PCG64 stream seeded from the case; every rank draws the same numbers in the same order,
and the supersaturation at the sites is gathered to rank 0 and broadcast, so that decisions do not depend on the
partition. A nucleus is a semicircular void of radius r_n (a hemisphere in 3-D; diffuse edge delta): :math:`\phi
\leftarrow \phi\,\cdot\,\tfrac12[1 + \tanh((r - r_n)/\delta)]`, r the distance from the site; the vacancy-void
system withholds its vacancy content from the next injections
(:meth:`phasefield.physics.voids.VacancyVoidSystem.insert_voids`).
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.interpolate import RegularGridInterpolator


def nucleation_rate(prefactor: float, barrier: float, trap_factor, supersaturation):
    """J = J0 theta_trap exp(-B / mu^2) for mu > 0, else 0 (per m per s; numpy arrays)."""
    mu = np.maximum(supersaturation, 1e-12)
    return np.where(supersaturation > 0, prefactor * trap_factor * np.exp(-barrier / mu**2), 0.0)


@dataclass
class InterfaceNucleation:
    """Candidate sites, the rate law, the random stream and the nucleus shape."""

    width: float
    prefactor: float  # J0 (1/(m s))
    barrier: float  # B (kT^2)
    nucleus_radius: float
    edge_width: float
    seed: int
    depth: float | None = None  # the interface's extent across (3-D); None: a 2-D window
    events: int = 0
    nucleated_volume: float = 0.0
    rng: np.random.Generator = field(init=False)

    def __post_init__(self):
        along = self._site_line(self.width)
        self.spacing = self.width / along.size
        #: the sites: x (m) in 2-D; rows of (x, z) (m) in 3-D, x fastest
        self.positions = along
        #: the site grid's lines: x (m), and z (m) across in 3-D
        self.grid = (along,)
        if self.depth is not None:
            across = self._site_line(self.depth)
            self.grid = (along, across)
            self.positions = np.column_stack([np.tile(along, across.size), np.repeat(across, along.size)])
        count = len(self.positions)
        self.rng = np.random.default_rng(self.seed)
        #: each site's threshold E_i and its accumulated hazard H_i (module docstring)
        self.thresholds = self.rng.exponential(size=count)
        self.hazards = np.zeros(count)

    def _site_line(self, length: float) -> np.ndarray:
        """Site coordinates over ``length``: cell centres of a spacing of about one nucleus diameter."""
        count = max(1, int(length / (2 * self.nucleus_radius)))
        return (np.arange(count) + 0.5) * (length / count)

    @property
    def nucleus_volume(self) -> float:
        """The volume of one nucleus: a half disc (m^2 per unit depth) in 2-D, a hemisphere (m^3) in 3-D."""
        r = self.nucleus_radius
        return 0.5 * np.pi * r**2 if self.depth is None else 2.0 / 3.0 * np.pi * r**3

    def site_values(self, coordinates: np.ndarray, values: np.ndarray) -> np.ndarray:
        """``values`` at the interface points ``coordinates`` (shape (n,) of x in 2-D, (n, 2) of (x, z) in
        3-D, m) interpolated to the sites: linearly in 2-D (x sorted), bilinearly on the tensor grid of the
        structured window's interface nodes in 3-D."""
        if self.depth is None:
            return np.interp(self.positions, coordinates, values)
        x, z = (np.round(coordinates[:, k], 12) for k in range(2))  # 1e-12 m: one grid line, one value
        xs, zs = np.unique(x), np.unique(z)
        if xs.size * zs.size != x.size:
            raise ValueError(f"the interface nodes form no tensor grid ({x.size} nodes on {xs.size} x {zs.size})")
        grid = values[np.lexsort((x, z))].reshape(zs.size, xs.size)
        return RegularGridInterpolator((zs, xs), grid)(self.positions[:, ::-1])

    def values_at(self, coordinates: np.ndarray, site_values: np.ndarray) -> np.ndarray:
        """The inverse of :meth:`site_values`: ``site_values`` (one per site) interpolated to the points
        ``coordinates`` (x in 2-D, rows of (x, z) in 3-D, m), linearly (bilinearly), held beyond the outer sites."""
        if self.depth is None:
            return np.interp(coordinates, self.positions, site_values)
        along, across = self.grid
        points = np.column_stack([np.clip(coordinates[:, 1], across[0], across[-1]),
                                  np.clip(coordinates[:, 0], along[0], along[-1])])
        return RegularGridInterpolator((across, along), np.reshape(site_values, (across.size, along.size)))(points)

    def decide(self, supersaturation: np.ndarray, trap_factor: np.ndarray, contact: np.ndarray,
               dt: float) -> np.ndarray:
        """Positions of the sites that nucleate in this step (same on every rank; rows of (x, z) in 3-D)."""
        rate = nucleation_rate(self.prefactor, self.barrier, trap_factor, supersaturation) * self.spacing
        touching = contact > 0.5
        self.hazards[touching] += rate[touching] * dt
        chosen = touching & (self.hazards >= self.thresholds)
        self.hazards[chosen] -= self.thresholds[chosen]  # the excess starts the next wait
        self.thresholds[chosen] = self.rng.exponential(size=int(chosen.sum()))
        self.events += int(chosen.sum())
        self.nucleated_volume += self.nucleus_volume * int(chosen.sum())
        return self.positions[chosen]

    def nucleus_factor(self, x: np.ndarray, centres: np.ndarray, normal_axis: int,
                       radii: np.ndarray | None = None) -> np.ndarray:
        """Factor multiplying phi at points x (shape (3, n)) for nuclei at ``centres`` (sites of
        :meth:`decide`: x in 2-D, (x, z) in 3-D) of the nucleus radius, or of ``radii`` (m, one per centre)."""
        factor = np.ones(x.shape[1])
        radii = np.full(len(centres), self.nucleus_radius) if radii is None else radii
        for centre, radius in zip(np.reshape(centres, (len(centres), -1)), radii, strict=True):
            along = np.sqrt(sum((x[k] - c) ** 2 for k, c in enumerate(centre)))  # |x - c| exactly in 2-D
            r = np.hypot(along, x[normal_axis])
            factor *= 0.5 * (1 + np.tanh((r - radius) / self.edge_width))
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
