"""The phase-field contact: vacancy-void system, lattice flow, nucleation and void statistics.

Built from the case and the metal parameter set; the coupler calls, per step, :meth:`step`
(with the interface current of the last electrochemistry solve as vacancy injection), then
:meth:`nucleate`, and reads :meth:`metal_fraction` and :meth:`statistics`.
"""

import numpy as np
from dolfinx import fem
from mpi4py import MPI

from phasefield.case import ResolvedCase
from phasefield.coupling.submodels import tracer_diffusivities
from phasefield.generic.free_energy import well_and_gradient_coefficients
from phasefield.mesh import InterfaceWindow
from phasefield.output.interface_profile import InterfaceProfile
from phasefield.output.void_statistics import VoidStatistics, void_statistics
from phasefield.physics.nucleation import InterfaceNucleation
from phasefield.physics.vacancies import VacancyProperties
from phasefield.physics.voids import STABILIZATION, VacancyVoidSystem


class VoidCoupling:
    """Owns the void sub-models of one run."""

    def __init__(self, resolved: ResolvedCase, window: InterfaceWindow, metal_space: fem.FunctionSpace,
                 flow, x_mg):
        case, metal = resolved.case, resolved.parameters("metal")
        settings, temperature = case.voids, case.cell.temperature
        self.window, self.flow, self.x_mg = window, flow, x_mg
        self.properties = VacancyProperties(
            temperature, settings.vacancy_reference_fraction, tracer_diffusivities(metal, temperature)[0],
            metal["vacancy_sink_spacing"], metal["mg_vacancy_repulsion"], metal["interface_vacancy_trap"],
            metal["mg_interface_segregation"],
        )
        well, _ = well_and_gradient_coefficients(metal["surface_energy"], settings.interface_width)
        self.system = VacancyVoidSystem(
            window.metal, self.properties, metal["molar_volume"], metal["surface_energy"],
            settings.interface_width, metal["contact_angle"], 1.0 / (well * settings.relaxation_time),
            x_mg=x_mg if x_mg is not None else 0.0, velocity=flow.velocity, stabilization=STABILIZATION,
        )
        self.system.set_state(lambda x: np.ones(x.shape[1]), lambda x: np.zeros(x.shape[1]))
        flow.bind(-self.system.sink_rate, self.system.phi)
        self.nucleation = InterfaceNucleation(
            case.mesh.width, metal["nucleation_prefactor"], metal["nucleation_barrier"],
            settings.nucleus_radius, 0.5 * settings.interface_width, settings.seed,
        )
        gdim = window.metal.mesh.geometry.dim
        self.metal_velocity = fem.Function(fem.functionspace(window.metal.mesh, ("Lagrange", 1, (gdim,))),
                                           name="metal_velocity")
        self._velocity_expression = fem.Expression(
            flow.velocity, self.metal_velocity.function_space.element.interpolation_points)
        self.flow_iterations = 0
        self._phi = fem.Function(metal_space, name="metal_fraction")
        self._mu = fem.Function(metal_space, name="vacancy_chemical_potential_kT")
        self.vacancy_potential = self._mu
        self._x = fem.Function(metal_space)
        self.current = fem.Function(metal_space, name="interface_current_on_metal")
        self.profile = InterfaceProfile(metal_space, window.metal)
        self._comm = window.metal.mesh.comm
        owned = metal_space.dofmap.index_map.size_local
        self._owned = owned
        points = self._comm.gather(metal_space.tabulate_dof_coordinates()[:owned], root=0)
        self._points = np.concatenate(points) if self._comm.rank == 0 else None
        self._phi_points = self.system.phi_space.tabulate_dof_coordinates()
        self.last_statistics: VoidStatistics | None = None

    def step(self, dt: float) -> int:
        """Vacancy-void step with the injection of ``self.current``, then the metal velocity
        (``flow``: a PotentialLatticeFlow or a CreepFlow)."""
        self.system.set_injection_from_current(self.current)
        iterations = self.system.step(dt)
        self.flow_iterations = sum(self.flow.solve() or ())
        return iterations

    def max_metal_speed(self) -> float:
        """Largest |v| (m/s) at the vertices; also updates :attr:`metal_velocity` (P1, for output)."""
        self.metal_velocity.interpolate(self._velocity_expression)
        owned = self.metal_velocity.function_space.dofmap.index_map.size_local
        gdim = self.window.metal.mesh.geometry.dim
        values = self.metal_velocity.x.array.reshape(-1, gdim)[:owned]
        local = float(np.max(np.linalg.norm(values, axis=1), initial=0.0))
        return self._comm.allreduce(local, op=MPI.MAX)

    def metal_fraction(self) -> fem.Function:
        self._phi.interpolate(self.system.phi)
        return self._phi

    def _interface_samples(self) -> dict[str, np.ndarray] | None:
        self._mu.interpolate(self.system.mu)
        self.metal_fraction()
        if self.x_mg is not None:
            self._x.interpolate(self.x_mg)
        return self.profile.gather({"mu": self._mu.x.array, "phi": self._phi.x.array,
                                    "x_mg": self._x.x.array})

    def nucleate(self, dt: float) -> int:
        """Draw nucleation events over dt and insert the nuclei; returns how many."""
        samples = self._interface_samples()
        sites = None
        if self._comm.rank == 0:
            x = samples["x_um"] * 1e-6
            sites = [np.interp(self.nucleation.positions, x, samples[key]) for key in ("mu", "phi", "x_mg")]
        mu, phi, x_mg = self._comm.bcast(sites, root=0)
        centres = self.nucleation.decide(mu, self.properties.trap_factor(x_mg), phi, dt)
        if centres.size:
            factor = self.nucleation.nucleus_factor(self._phi_points.T, centres, self.window.normal_axis)
            self.system.u.x.array[self.system.phi_dofs] *= factor
            self.system.u_old.x.array[:] = self.system.u.x.array
        return int(centres.size)

    def interface_supersaturation(self) -> float:
        """Mean vacancy supersaturation mu (kT) on the interface."""
        samples = self._interface_samples()
        value = float(np.mean(samples["mu"])) if self._comm.rank == 0 else None
        return self._comm.bcast(value, root=0)

    def statistics(self) -> VoidStatistics:
        """Void count, widths and heights from the metal fraction (computed on rank 0, broadcast)."""
        phi = self._comm.gather(self.metal_fraction().x.array[: self._owned], root=0)
        result = None
        if self._comm.rank == 0:
            result = void_statistics(self._points, np.concatenate(phi), self.window.normal_axis,
                                     self.window.spec.width)
        self.last_statistics = self._comm.bcast(result, root=0)
        return self.last_statistics

    def snapshot(self) -> dict:
        return {"u": self.system.u.x.array.copy(), "flow": self.flow.state.x.array.copy(),
                "nucleation": self.nucleation.state()}

    def restore(self, snapshot: dict) -> None:
        self.system.u.x.array[:] = snapshot["u"]
        self.system.u_old.x.array[:] = snapshot["u"]
        self.flow.restore(snapshot["flow"])
        self.restore_random_state(snapshot["nucleation"])

    def restore_random_state(self, state: dict) -> None:
        """The nucleation stream and its counters, as saved by ``nucleation.state()``."""
        self.nucleation.rng.bit_generator.state = state["rng"]
        self.nucleation.events, self.nucleation.nucleated_volume = state["events"], state["nucleated_volume"]
