"""The phase-field contact: vacancy-void phase field, nucleation and void statistics.

``[contact] model = "phase_field"`` with the numerical settings of ``[voids]`` and the physical
parameters of the metal set. Per step: the grand-potential vacancy-void problem of
:mod:`phasefield.physics.voids` with the vacancy flux i Omega/F of the last interface current (stripping
injects vacancies, plating fills them while there are any) and the metal velocity of the flow sub-model; its
local error of phi sizes the next step (``[time] phase_tolerance``); then nucleation on the interface
(:mod:`phasefield.interface_nucleation`). Its contact measure a(phi) (a sharpened step at phi = 1/2, or
phi, ``[voids] contact_measure``) is the contact of the electrochemistry, and its vacancy sinks set the
divergence of the metal flow. The interface Mg coverage of the nucleation sites sets Young's angle on the interface
nodes and, with ``[voids] interface_layer``, the trap of the interface vacancy layer that the vacancy step carries
(both refreshed after each coverage update, on restart and on restore).
"""

import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI

from phasefield.case import ResolvedCase
from phasefield.constants import FARADAY
from phasefield.generic.free_energy import well_and_gradient_coefficients
from phasefield.interface_flaws import Flaws, gibbs_thomson_threshold
from phasefield.interface_nucleation import InterfaceNucleation
from phasefield.interface_segregation import COVERAGE_SAMPLES, InterfaceMgCoverage, young_cosine
from phasefield.output.interface_profile import InterfaceProfile
from phasefield.output.void_statistics import (
    VoidMassBalance,
    VoidStatistics,
    column_heights,
    line_voids,
    statistics_of_runs,
)
from phasefield.physics.contact import sharpened_contact
from phasefield.physics.flaw_activation import FlawActivation
from phasefield.physics.vacancies import VacancyProperties
from phasefield.physics.voids import QUADRATURE_DEGREE, STABILIZATION, VacancyVoidSystem
from phasefield.submodels.base import Column, InterfaceFields, StepConditions
from phasefield.submodels.contact import Contact
from phasefield.submodels.registry import register
from phasefield.thermal_activation import arrhenius, tracer_diffusivities
from phasefield.units import si_factor


def surface_diffusivity(metal: dict[str, float], temperature: float) -> float:
    """D_s = D_s0 exp(-E_s / kT) (m^2/s) on the void surfaces, from the metal set (E_s per atom)."""
    return arrhenius(metal["surface_diffusion_prefactor"], metal["surface_diffusion_activation_energy"], temperature)


@register("contact", "phase_field")
class VoidPhaseField(Contact):
    """The vacancy-void system on the metal window with interface nucleation."""

    columns = (
        Column("voids_per_100um", "interface voids (runs of phi < 0.5 along the interface; a gap over the whole "
                                  "interface counts 0) per 100 um"),
        Column("mean_void_width_um", "mean width of the interface voids", "um", "m"),
        Column("max_void_width_um", "largest interface void width", "um", "m"),
        Column("max_void_height_um", "largest void height above the interface", "um", "m"),
        Column("gap", "1 when no contact is left (one continuous gap), else 0"),
        Column("nucleation_events", "voids nucleated in this step (nuclei and inserted flaws)"),
        Column("interface_supersaturation_kT", "mean vacancy chemical potential on the interface (kT)"),
        Column("interface_mg_coverage", "mean share of the interface sites holding Mg (kinetic supply by stripping "
                                        "and diffusion up to McLean's isotherm; 0 in Li)"),
        Column("void_newton_iterations", "Newton iterations of the vacancy-void solve"),
        Column("phase_error", "local error estimate of phi in the step (backward Euler and stabilisation; the "
                              "step control keeps it near [time] phase_tolerance)"),
        Column("void_volume_share", "phi_void = V_v / V_s: void volume V_v (integral of 1 - phi over the metal "
                                    "window) over the stripped volume V_s = Q V_m / F x interface area (0 when "
                                    "nothing is stripped; above 1 where nuclei added volume no stripping supplied)"),
        Column("effective_void_height_um", "h_eff = V_v / A_v: void volume over the void footprint A_v (integral "
                                           "of 1 - a over the interface, a the kinetics' contact measure, = "
                                           "(1 - contact_fraction) x interface area); 0 without voids", "um", "m"),
    )
    removes_sites = True

    def __init__(self, interface: InterfaceFields, properties: VacancyProperties, system: VacancyVoidSystem,
                 nucleation: InterfaceNucleation, x_mg, mg_coverage: InterfaceMgCoverage,
                 young_angles: tuple[float, float], flaws: FlawActivation | None = None,
                 contact_measure: str = "sharp"):
        super().__init__(interface)
        #: the contact a(phi) of the kinetics (``[voids] contact_measure``; the metal fraction if diffuse)
        self._contact = (fem.Function(interface.metal_space, name="contact") if contact_measure == "sharp"
                         else self.metal_fraction)
        self.window, self.properties, self.system, self.nucleation = interface.window, properties, system, nucleation
        #: the interface Mg coverage at the nucleation sites (kinetic supply, :mod:`phasefield.interface_segregation`)
        self.mg_coverage = mg_coverage
        #: Young's angles (rad) of the Mg-free and the fully Mg-covered interface: the wetting follows the coverage
        self.young_angles = young_angles
        #: the interface flaws that become voids (``[voids] flaws``), or None
        self.flaws = flaws
        self._to_metal = interface.to_metal
        self.system.set_state(lambda x: np.ones(x.shape[1]), lambda x: np.zeros(x.shape[1]))
        space = interface.metal_space
        self.x_mg = x_mg
        self.vacancy_potential = fem.Function(space, name="vacancy_chemical_potential_kT")
        self._x = fem.Function(space)
        #: the interface current density on the metal side (A/m^2), the source of the injection
        self.current = fem.Function(space, name="interface_current_on_metal")
        self.profile = InterfaceProfile(space, self.window.metal)
        self._comm = self.window.metal.mesh.comm
        self._owned = space.dofmap.index_map.size_local
        self._points = space.tabulate_dof_coordinates()[: self._owned]
        #: x (m) of every local dof for the profile, and z (m, the coordinate across) in 3-D
        self._along = space.tabulate_dof_coordinates()[:, 0]
        self._across = space.tabulate_dof_coordinates()[:, 1] if self.window.spec.dimension == 3 else None
        self._phi_points = self.system.phi_space.tabulate_dof_coordinates()
        self._iterations = 0
        self._nucleated = 0
        # the void mass balance (phasefield.output.void_statistics): V_v and A_v, compiled once, with the
        # void forms' stated quadrature (exact for the P1 phi)
        void = 1.0 - self.system.phi
        dx = ufl.Measure("dx", domain=self.window.metal.mesh, metadata={"quadrature_degree": QUADRATURE_DEGREE})
        self._void_volume = fem.form(void * dx)
        self._void_footprint = fem.form((1.0 - self._contact) * self.system.ds_interface)
        self._refresh_interface_coverage()

    @classmethod
    def build(cls, resolved: ResolvedCase, interface: InterfaceFields, flow, interdiffusion) -> "VoidPhaseField":
        """From ``[voids]`` and the metal set; advected by ``flow.velocity``, with the Mg fraction of
        ``interdiffusion`` in the vacancy energetics."""
        case, metal = resolved.case, resolved.parameters("metal")
        settings, temperature = case.voids, case.cell.temperature
        li_tracer, mg_tracer = tracer_diffusivities(metal, temperature)
        properties = VacancyProperties(
            temperature, settings.vacancy_reference_fraction, li_tracer,
            metal["vacancy_sink_spacing"], metal["mg_vacancy_repulsion"], metal["interface_vacancy_trap"],
            metal["mg_interface_segregation"], metal["mg_interface_reaction_rate"], metal["mg_hop_barrier_shift"],
        )
        well, _ = well_and_gradient_coefficients(metal["surface_energy"], settings.interface_width)
        system = VacancyVoidSystem(
            interface.window.metal, properties, metal["molar_volume"], metal["surface_energy"],
            settings.interface_width, metal["contact_angle"], 1.0 / (well * settings.relaxation_time),
            x_mg=interdiffusion.fraction, velocity=flow.velocity, stabilization=STABILIZATION, top="sink_layer",
            extrapolated_stabilization=settings.stabilization == "extrapolated",
            surface_diffusivity=surface_diffusivity(metal, temperature) if settings.surface_diffusion else 0.0,
            driving_limit=settings.driving_force_limit, interface_layer=settings.interface_layer,
            annihilation_share=metal["interface_vacancy_annihilation_share"],
        )
        nucleation = InterfaceNucleation(
            case.mesh.width, metal["nucleation_prefactor"], metal["nucleation_barrier"],
            settings.nucleus_radius, 0.5 * settings.interface_width, settings.seed, case.mesh.depth,
        )
        mg_coverage = properties.fresh_interface_coverage(metal["magnesium_fraction"], mg_tracer, metal["molar_volume"],
                                                          len(nucleation.positions))
        flaws = None
        if settings.flaws:
            flaws = FlawActivation(
                Flaws.seeded(case.mesh.width, metal["flaw_spacing"], metal["flaw_median_radius"],
                             metal["flaw_size_spread"], settings.seed),
                gibbs_thomson_threshold(metal["surface_energy"], metal["molar_volume"], temperature, 1.0),
                metal["flaw_spacing"], settings.nucleus_radius)
        return cls(interface, properties, system, nucleation, interdiffusion.fraction, mg_coverage,
                   (metal["contact_angle"], metal["mg_covered_contact_angle"]), flaws, settings.contact_measure)

    @property
    def sink_rate(self):
        """The vacancy sink rate (1/s, UFL): lattice sites removed per site and second."""
        return self.system.sink_rate

    @property
    def phi(self):
        """The metal fraction phi (a sub-function of the mixed unknown)."""
        return self.system.phi

    @property
    def lattice_growth(self):
        """The rate (m/s, UFL) at which plating adds lattice at the interface where it finds no vacancies."""
        return self.system.lattice_growth

    def advance(self, step: StepConditions) -> None:
        """The vacancy-void step with the injection of the last interface current; records the step's
        local error estimate of phi for the step control."""
        self.system.set_injection_from_current(self.current)
        self._iterations = self.system.step(step.dt)
        self.phase_error, self.phase_error_dt = self.system.phase_error, step.dt

    def _interface_samples(self) -> dict[str, np.ndarray] | None:
        self.vacancy_potential.interpolate(self.system.mu)
        self.metal_fraction.interpolate(self.system.phi)
        if isinstance(self.x_mg, fem.Function):
            self._x.interpolate(self.x_mg)
        across = {} if self._across is None else {"z_m": self._across}
        return self.profile.gather({"mu": self.vacancy_potential.x.array, "phi": self.metal_fraction.x.array,
                                    "x_mg": self._x.x.array, "current": self.current.x.array, "x_m": self._along,
                                    **across})

    def nucleate(self, step: StepConditions) -> None:
        """Advance the interface Mg coverage over the step (its local current and Mg fraction), then draw
        nucleation events at the trap that coverage leaves, averaged over the step, activate and grow the
        flaws, and insert the nuclei and the flaws that reached the resolved size."""
        samples = self._interface_samples()
        sites = None
        if self._comm.rank == 0:
            x = samples["x_um"] * si_factor("um", "m")
            x = x if self._across is None else np.column_stack([x, samples["z_um"] * si_factor("um", "m")])
            sites = [self.nucleation.site_values(x, samples[key]) for key in ("mu", "phi", "x_mg", "current")]
        mu, phi, x_mg, current = self._comm.bcast(sites, root=0)
        coverage = self.mg_coverage.advance(step.dt, current, x_mg, COVERAGE_SAMPLES)
        trap = np.mean(self.properties.trap_factor(coverage), axis=0)  # over the step: the coverage fills in seconds
        self._refresh_interface_coverage()
        centres = self.nucleation.decide(mu, trap, phi, step.dt)
        flaws = self._activate_flaws(samples, step.dt)
        if centres.size or flaws.position.size:
            points, axis = self._phi_points.T, self.window.normal_axis
            factor = self.nucleation.nucleus_factor(points, centres, axis) if centres.size else 1.0
            if flaws.position.size:
                factor = factor * self.nucleation.nucleus_factor(points, flaws.position, axis, flaws.radius)
            self.system.insert_voids(factor)
        self._nucleated = len(centres) + flaws.position.size

    def _refresh_interface_coverage(self) -> None:
        """What the interface Mg coverage now sets for the next void step, interpolated from the sites to the nodes:
        Young's angle and the interface vacancy layer's trap factor (if the layer is on)."""
        points = self._phi_points[:, 0] if self._across is None else self._phi_points[:, :2]
        coverage = self.mg_coverage.coverage
        self.system.set_young_cosine(self.nucleation.values_at(points, young_cosine(coverage, *self.young_angles)))
        if self.system.interface_trap is not None:
            self.system.set_interface_trap(self.nucleation.values_at(points, self.properties.trap_factor(coverage)))

    def _activate_flaws(self, samples: dict[str, np.ndarray] | None, dt: float) -> Flaws:
        """The flaws to insert in this step (none without ``[voids] flaws``), decided alike on every rank
        from the interface values of rank 0."""
        if self.flaws is None:
            return Flaws(np.zeros(0), np.zeros(0))
        nodes = None
        if self._comm.rank == 0:
            nodes = (samples["x_um"] * si_factor("um", "m"), samples["mu"], samples["phi"],
                     samples["current"] * self.system.vacancy_share * self.system.molar_volume / FARADAY)
        return self.flaws.decide(*self._comm.bcast(nodes, root=0), dt)

    @property
    def contact(self) -> fem.Function:
        """The contact a(phi) of the kinetics: the sharpened step at phi = 1/2 (or phi itself, diffuse)."""
        return self._contact

    def update(self, step: StepConditions) -> None:
        self._refresh_contact()

    def _refresh_contact(self) -> None:
        """The metal fraction from phi and the contact measure from it."""
        self.metal_fraction.interpolate(self.system.phi)
        if self._contact is not self.metal_fraction:
            self._contact.x.array[:] = sharpened_contact(self.metal_fraction.x.array)

    def receive_current(self, current_density: fem.Function) -> None:
        """The interface current density onto the metal side, the injection of the next step."""
        self._to_metal(current_density, self.current)

    def values(self, step: StepConditions) -> dict[str, float]:
        samples = self._interface_samples()
        stats = self._statistics(samples)
        supersaturation = float(np.mean(samples["mu"])) if self._comm.rank == 0 else None
        stepped = step.dt > 0.0  # the work counters are those of this step; a re-solve did none
        balance = self.mass_balance(step.capacity)
        return {
            "voids_per_100um": stats.per_100um,
            "mean_void_width_um": float(np.mean(stats.widths)) if stats.count else 0.0,
            "max_void_width_um": float(np.max(stats.widths, initial=0.0)),
            "max_void_height_um": float(np.max(stats.heights, initial=0.0)),
            "gap": float(stats.gap),
            "nucleation_events": float(self._nucleated if stepped else 0),
            "interface_supersaturation_kT": self._comm.bcast(supersaturation, root=0),
            "interface_mg_coverage": float(np.mean(self.mg_coverage.coverage)),
            "void_newton_iterations": float(self._iterations if stepped else 0),
            "phase_error": self.phase_error if stepped else 0.0,
            "void_volume_share": balance.volume_share,
            "effective_void_height_um": balance.effective_height,
        }

    def mass_balance(self, capacity: float) -> VoidMassBalance:
        """V_v, A_v and V_s for the net stripped capacity ``capacity`` (C/m^2), summed over the ranks; the
        footprint A_v is the interface out of contact, the integral of 1 - a (the kinetics' contact)."""
        self._refresh_contact()
        void_volume, footprint = (self._comm.allreduce(fem.assemble_scalar(form), op=MPI.SUM)
                                  for form in (self._void_volume, self._void_footprint))
        return VoidMassBalance.from_capacity(void_volume, footprint, capacity, self.system.molar_volume,
                                             self.window.interface_area)

    def _statistics(self, samples: dict[str, np.ndarray] | None) -> VoidStatistics:
        """Void count, widths and heights (:mod:`phasefield.output.void_statistics`) without gathering phi:
        the runs from the interface ``samples`` (:meth:`_interface_samples`, on rank 0, broadcast), each
        run's height the maximum over the ranks of their owned nodes' (as if computed on all nodes)."""
        runs = line_voids(samples["x_m"], samples["phi"], samples.get("z_m")) if self._comm.rank == 0 else None
        runs = self._comm.bcast(runs, root=0)
        heights = column_heights(self._points, self.metal_fraction.x.array[: self._owned], runs,
                                 self.window.normal_axis)
        self._comm.Allreduce(MPI.IN_PLACE, heights, op=MPI.MAX)
        return statistics_of_runs(runs, heights, self.window.spec.width)

    def fields(self) -> dict[str, list[fem.Function]]:
        extra = [] if self._contact is self.metal_fraction else [self._contact]
        return {"metal": [self.metal_fraction, self.vacancy_potential, *extra]}

    def checkpoint_fields(self) -> dict[str, fem.Function]:
        return {"voids": self.system.u, "voids_phi_previous_step": self.system.phi_previous}

    def checkpoint_state(self) -> dict:
        return {"nucleation": self.nucleation.state(), "mg_coverage": self.mg_coverage.state(),
                "flaws": self.flaws.state() if self.flaws else None,
                "injection_debt": self.system.injection_debt,
                "previous_dt": self.system.previous_dt, "phase_error": self.phase_error}

    def restart(self, state: dict) -> None:
        self.system.u_old.x.array[:] = self.system.u.x.array
        self.nucleation.restore(state["nucleation"])
        if "mg_coverage" in state:  # checkpoints before 2026-12-05 (fifth session): the interface as formed
            self.mg_coverage.restore(state["mg_coverage"])
        self._refresh_interface_coverage()
        if self.flaws and state.get("flaws"):
            self.flaws.restore(state["flaws"])
        self.system.injection_debt = state.get("injection_debt", 0.0)  # checkpoints before 2026-12-05: none
        self.system.previous_dt = state.get("previous_dt", 0.0)
        self.phase_error = state.get("phase_error", 0.0)  # checkpoints before 2026-12-05: none
        self.phase_error_dt = self.system.previous_dt

    def snapshot(self) -> tuple:
        system = self.system
        return (system.u.x.array.copy(), self.nucleation.state(), self.mg_coverage.state(),
                self.flaws.state() if self.flaws else None, system.injection_debt,
                system.phi_previous.x.array.copy(), system.previous_dt, self.phase_error,
                self.phase_error_dt)

    def restore(self, snapshot: tuple) -> None:
        (u, nucleation, mg_coverage, flaws, self.system.injection_debt, phi_previous, self.system.previous_dt,
         self.phase_error, self.phase_error_dt) = snapshot
        self.mg_coverage.restore(mg_coverage)
        self._refresh_interface_coverage()
        if flaws:
            self.flaws.restore(flaws)
        self.system.u.x.array[:] = u
        self.system.u_old.x.array[:] = u
        self.system.phi_previous.x.array[:] = phi_previous
        self.nucleation.restore(nucleation)

    def close(self) -> None:
        self.system = None
