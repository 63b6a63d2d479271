r"""One interface under stripping: the void population advanced over a time step.

Each sub-step (short enough that the footprints grow by at most ``GROWTH_PER_SUBSTEP`` of the contact):

1. the current flows through the contact fraction f, stripping :math:`j_c = (i/f)\,V_m/F` (m/s) of metal from
   the contact; a share a of the stripped sites (``annihilation_share``, a hypothesis, 0 in the sets) is
   annihilated by the interface itself, so that only :math:`(1 - a) j_c` enters the metal as vacancies and the
   metal in contact comes down at :math:`a j_c`; the roofs come down with it (the metal settles as a block over
   voids narrower than it is tall: docs/creep.md, "The window's metal height and the closure of flat voids"), so
   each void loses :math:`w\,a j_c` of cross-section per time at its footprint w (the seed's "velocity field
   created by stripping"); the interface Mg coverage grows by the Mg the stripped Li leaves behind and by
   diffusion from the alloy, up to its McLean value
   (:mod:`phasefield.interface_segregation`), and sets the interface trap and with it the thickness of the
   interface layer (:mod:`phasefield.reduced.laws`);
2. flaws activate where the supersaturation of the contact exceeds their Gibbs-Thomson threshold;
3. the vacancies are shared (:mod:`phasefield.reduced.capture`) and each void takes its share at its
   edges, widening at its mean height (the finite-element voids grow the same way); with
   ``Mechanisms.roof_growth`` only what lands within ``settings.edge_zone`` w of its edges widens it and the rest
   raises its roof (fed from afar, a void then grows self-similarly: exact for a semicircle, whose conformal image on
   the plane is the conducting strip, half of whose flux lands within (1 - cos 45 deg) w / 2 of its edges);
4. surface diffusion relaxes each footprint towards its equilibrium cap at the Mullins rate;
5. Norton creep under the stack pressure (remote, or carried by the contact: ``load_on_contact``) and the
   Laplace pressure closes each void, self-similarly; a void below ``CLOSED_AREA`` is gone (a collapse);
6. a void longer than its pinch-off ratio (w / 2 h_max, the interface a mirror plane) pinches after its
   Rayleigh time and splits in two;
7. with ``Mechanisms.nucleation``, voids nucleate at the interface trap: the finite-element model's Poisson
   process on its sites (:mod:`phasefield.interface_nucleation`), its rate :math:`J = J_0\theta_{trap}e^{-B/\mu^2}`
   at the supersaturation of each contact site from the sharing of step 3 (:mod:`phasefield.reduced.capture`) and
   the trap averaged over the sub-step's coverage (with or without the interface layer, as in the finite-element
   model); a nucleus is the finite-element one, a half disc of the nucleus radius, whose vacancies are owed to the
   next injections: they come out of them first, and the supersaturation is that of what is left injected;
8. touching voids coalesce.

Bookkeeping per unit depth: stripped volume + flaw volume (the voids the flaws were before stripping) =
void volume + volume sunk in the bulk + volume closed by creep + sites annihilated at the contact + void volume
filled by the descending metal - the nuclei's volume still owed, to round-off (the test suite checks it).
"""

import math

import numpy as np

from phasefield.constants import FARADAY
from phasefield.interface_flaws import Flaws, gibbs_thomson_threshold
from phasefield.interface_nucleation import InterfaceNucleation
from phasefield.interface_segregation import (
    COVERAGE_SAMPLES,
    InterfaceMgCoverage,
    trap_boltzmann_factor,
    young_cosine,
)
from phasefield.reduced import laws
from phasefield.reduced.capture import VacancyPartition
from phasefield.reduced.population import VoidPopulation
from phasefield.reduced.settings import CORRELATION_FACTOR_BCC, ReducedSettings

#: a sub-step lets the footprints grow by at most this share of the contact length
GROWTH_PER_SUBSTEP = 0.05
#: the shortest sub-step, as a share of the step
MIN_SUBSTEP = 1e-4
#: a void whose cross-section falls below this (m^2, a 10 nm cap) has closed
CLOSED_AREA = 1e-16


class InterfaceModel:
    """The voids, flaws and counters of one strip under ``settings``."""

    def __init__(self, settings: ReducedSettings):
        self.settings = settings
        s = settings
        self.voids = VoidPopulation.empty(s.strip_width, s.contact_floor)
        if s.fixed_flaws is None:
            self.flaws = Flaws.seeded(s.strip_width, s.flaw_spacing, s.flaw_median_radius, s.flaw_size_spread, s.seed)
        else:
            self.flaws = Flaws(np.zeros(0), np.zeros(0))
            fixed = s.fixed_flaws
            centre = (np.arange(fixed.count) + 0.5) * s.strip_width / fixed.count
            self.voids.add(centre, np.full(fixed.count, fixed.width), np.full(fixed.count, fixed.width * fixed.height))
        self.flaw_volume = self.voids.volume  # m^2 per depth: voids that were there before stripping
        self.partition = VacancyPartition(s.strip_width, s.sink_length)
        self.mullins = laws.mullins_coefficient(s.surface_diffusivity, s.surface_energy, s.molar_volume,
                                                s.temperature) if s.mechanisms.surface_diffusion else 0.0
        self.mg_coverage = InterfaceMgCoverage.as_formed(s.magnesium_fraction, s.mg_segregation,
                                                         s.mg_tracer_diffusivity, s.molar_volume, s.temperature, 1,
                                                         s.mg_reaction_rate)
        #: the finite-element model's nucleation sites and random stream (its nucleus shape is not used here)
        self.nucleation = InterfaceNucleation(s.strip_width, s.nucleation_prefactor, s.nucleation_barrier,
                                              s.nucleus_radius, 0.0, s.seed) if s.mechanisms.nucleation else None
        self.stripped = self.sunk = self.closed = self.through_interface = 0.0  # m^2 per depth
        self.descended = 0.0  # m^2 per depth: void volume the metal filled as it came down
        self.owed = 0.0  # m^2 per depth: the nuclei's volume not yet taken from the injection
        self.events = {"nucleation_events": 0, "coalescence_events": 0, "split_events": 0, "collapse_events": 0}
        self.supersaturation = 0.0

    @property
    def capacity(self) -> float:
        """The stripped capacity (C/m^2): stripped volume per area over V_m / F."""
        return self.stripped / self.settings.strip_width / self.settings.molar_volume * FARADAY

    @property
    def annihilated(self) -> float:
        """The stripped sites annihilated at the contact (m^2 per depth): a of the stripped volume."""
        return self.settings.annihilation_share * self.stripped

    @property
    def contact_fraction(self) -> float:
        return self.voids.contact_fraction

    @property
    def interface_mg_coverage(self) -> float:
        """The share of interface sites holding Mg."""
        return float(self.mg_coverage.coverage[0])

    @property
    def contact_angle(self) -> float:
        """Young's angle (rad) at the present interface Mg coverage."""
        s = self.settings
        return float(np.arccos(young_cosine(self.interface_mg_coverage, s.contact_angle, s.mg_covered_contact_angle)))

    def interface_layer(self) -> tuple[float, float]:
        """The interface layer's thickness G = a theta at the present interface Mg coverage and its exchange length
        (m; G = 0 without the interface trap)."""
        s = self.settings
        if not s.mechanisms.interface_trap:
            return 0.0, 0.0
        trap = trap_boltzmann_factor(s.interface_trap, s.mg_repulsion, self.interface_mg_coverage, s.temperature)
        return (laws.interface_layer_thickness(trap, s.molar_volume),
                laws.interface_exchange_length(s.escape_barrier, s.molar_volume, s.temperature))

    def capture_length(self) -> float:
        """lambda_Gamma = sqrt(G l_x) (m): how far the layer carries a vacancy over perfect sinks."""
        return math.sqrt(math.prod(self.interface_layer()))

    def overpotential(self, current_density: float) -> float:
        """Butler-Volmer through the contact plus the ohmic drop of the pellet (V)."""
        s = self.settings
        contact = max(self.contact_fraction, s.contact_floor)
        return laws.butler_volmer_overpotential(current_density / contact, s.exchange_current_density,
                                                s.anodic_transfer_coefficient, s.cathodic_transfer_coefficient,
                                                s.temperature) + current_density * s.series_resistance

    def advance(self, current_density: float, dt: float) -> None:
        """Strip at ``current_density`` (A/m^2) for ``dt`` (s)."""
        remaining = dt
        while remaining > 0.0 and not self.voids.gap:
            remaining -= self._substep(current_density, remaining, dt)

    def _substep(self, current_density: float, remaining: float, dt: float) -> float:
        s = self.settings
        vacancy_share = 1.0 - s.annihilation_share
        self._activate_flaws(vacancy_share * current_density / self.contact_fraction)  # what enters as vacancies
        if self.voids.gap:
            return remaining
        contact = self.contact_fraction
        local = current_density / contact
        stripping_speed = local * s.molar_volume / FARADAY
        injection = vacancy_share * stripping_speed
        edge_zone = s.edge_zone * self.voids.width if s.mechanisms.roof_growth else None
        shares = self.partition.partition(self.voids.left, self.voids.width, injection, *self.interface_layer(),
                                          edge_zone)
        growth = shares.at_edges / self.voids.mean_height
        step = remaining
        if growth.sum() > 0.0:
            step = min(step, max(GROWTH_PER_SUBSTEP * contact * s.strip_width / growth.sum(), MIN_SUBSTEP * dt))
        stripped = stripping_speed * contact * s.strip_width * step
        injected = vacancy_share * stripped
        paid = min(self.owed, injected)  # the nuclei's vacancies come out of this injection first
        kept = 1.0 - paid / injected if injected > 0.0 else 1.0
        self.owed -= paid
        self.voids.width = self.voids.width + kept * growth * step
        self.voids.area = self.voids.area + kept * shares.captured * step
        self.stripped += stripped
        self.sunk += kept * shares.sunk * step
        self.through_interface += kept * shares.through_interface * step
        coverage = self.mg_coverage.advance(step, local, s.magnesium_fraction,
                                            1 if self.nucleation is None else COVERAGE_SAMPLES)
        self._descend(s.annihilation_share * stripping_speed * step)
        self._relax(step)
        self._close(step)
        self._pinch(step)
        if self.nucleation is not None:  # at the end of the sub-step, as the finite-element nuclei after a void step
            self._nucleate(kept * shares.surface_excess, coverage, step)  # the excess of what is left injected
        self.events["coalescence_events"] += self.voids.coalesce()
        return step

    def _activate_flaws(self, vacancy_current_density: float) -> None:
        """Flaws above their Gibbs-Thomson threshold become voids; flaws under a void are part of it. The
        supersaturation is that of the vacancies entering the contact, (1 - a) i / f as a current density."""
        s = self.settings
        self.supersaturation = laws.flat_supersaturation(vacancy_current_density, s.molar_volume, s.sink_length,
                                                         s.self_diffusivity, CORRELATION_FACTOR_BCC)
        if self.flaws.position.size == 0:
            return
        self.flaws.take(self.voids.covers(self.flaws.position))
        threshold = gibbs_thomson_threshold(s.surface_energy, s.molar_volume, s.temperature, self.flaws.radius)
        active = self.flaws.take(threshold < self.supersaturation)
        if active.position.size:
            before = self.voids.volume
            self.voids.add_caps(active.position, active.radius, self.contact_angle)
            self.flaw_volume += self.voids.volume - before
            self.events["nucleation_events"] += int(active.position.size)
            self.events["coalescence_events"] += self.voids.coalesce()

    def _nucleate(self, surface_excess: np.ndarray, coverage: np.ndarray, step: float) -> None:
        """Nuclei at the sites in contact, at the supersaturation of the bulk excess ``surface_excess`` (m^2/s, on the
        sharing's nodes) and the trap of the sub-step's ``coverage`` samples (module docstring, step 7)."""
        s, sites = self.settings, self.nucleation.positions
        excess = np.interp(sites, self.partition.x, surface_excess, period=s.strip_width)
        supersaturation = np.log1p(np.maximum(excess, 0.0) * CORRELATION_FACTOR_BCC / s.self_diffusivity)
        trap = float(np.mean(trap_boltzmann_factor(s.interface_trap, s.mg_repulsion, coverage, s.temperature)))
        touching = np.where(self.voids.covers(sites), 0.0, 1.0)
        centres = self.nucleation.decide(supersaturation, np.full(sites.size, trap), touching, step)
        if centres.size:
            area = self.nucleation.nucleus_volume  # per unit depth: the half disc
            self.voids.add(centres, np.full(centres.size, 2.0 * s.nucleus_radius), np.full(centres.size, area))
            self.owed += area * centres.size
            self.events["nucleation_events"] += int(centres.size)

    def _descend(self, depth: float) -> None:
        """The metal in contact came down by ``depth`` (m): each roof with it, by as much over its whole footprint (a
        void no taller on average is gone: a collapse)."""
        if depth <= 0.0 or self.voids.count == 0:
            return
        lost = np.minimum(self.voids.width * depth, self.voids.area)
        lost = np.where(self.voids.area - lost < CLOSED_AREA, self.voids.area, lost)  # the metal fills what is left
        self.descended += float(lost.sum())
        self.voids.area = self.voids.area - lost
        self._remove_closed()

    def _remove_closed(self) -> None:
        """Voids whose cross-section fell below ``CLOSED_AREA`` are gone (collapses); their rest counts as closed."""
        gone = self.voids.area < CLOSED_AREA
        if gone.any():
            self.closed += float(self.voids.area[gone].sum())
            self.voids.remove(gone)
            self.events["collapse_events"] += int(gone.sum())

    def _relax(self, step: float) -> None:
        """Surface diffusion: the footprint relaxes to the equilibrium cap at the Mullins rate."""
        if self.mullins <= 0.0 or self.voids.count == 0:
            return
        target = laws.equilibrium_width(self.voids.area, self.contact_angle)
        decay = np.exp(-laws.mullins_rate(self.mullins, self.voids.width) * step)
        self.voids.width = target + (self.voids.width - target) * decay

    def cell_radius(self) -> np.ndarray:
        """Half the mean distance to the two neighbouring void centres (half the strip for a lone void)."""
        if self.voids.count < 2:
            return np.full(self.voids.count, 0.5 * self.settings.strip_width)
        centre, width = self.voids.centre, self.settings.strip_width
        right = (np.roll(centre, -1) - centre) % width
        return 0.25 * (right + np.roll(right, 1))

    def _close(self, step: float) -> None:
        """Norton creep under the stack and Laplace pressures closes each void self-similarly."""
        s = self.settings
        if not s.mechanisms.creep_closure or self.voids.count == 0:
            return
        radius = np.sqrt(2.0 * self.voids.area / math.pi)
        pressure = s.stack_pressure / (max(self.contact_fraction, s.contact_floor) if s.mechanisms.load_on_contact
                                       else 1.0)
        rate = laws.norton_closure_rate(s.norton_rate_factor, s.norton_exponent, pressure + s.surface_energy / radius,
                                        radius, self.cell_radius())
        factor = np.exp(-rate * step)
        self.closed += float((self.voids.area * (1.0 - factor)).sum())
        self.voids.area = self.voids.area * factor
        self.voids.width = self.voids.width * np.sqrt(factor)
        self._remove_closed()

    def _pinch(self, step: float) -> None:
        """Voids beyond the pinch-off ratio advance their pinch at the Rayleigh rate; at 1 they split."""
        if self.mullins <= 0.0 or self.voids.count == 0:
            return
        height = self.voids.largest_height
        long = self.voids.width / (2.0 * height) > self.settings.pinch_off_aspect_ratio
        self.voids.pinch = np.where(long, self.voids.pinch + laws.pinch_off_rate(self.mullins, height) * step, 0.0)
        splitting = self.voids.pinch >= 1.0
        if splitting.any():
            self.voids.split(splitting)
            self.events["split_events"] += int(splitting.sum())
