"""The flow sub-model: the velocity of the metal lattice, which advects voids, vacancies and Mg.

``[creep] model``:

- ``none`` with the phase-field contact: :class:`SinkFlow` around
  :class:`~phasefield.physics.lattice_flow.PotentialLatticeFlow`, v = grad Phi with div v the vacancy
  sink rate of the void model;
- ``none`` without it (full or prescribed contact): :class:`BulkSinkFlow`, the same potential flow with the
  sinks of the quasi-steady vacancy excess that the step's current injects
  (:class:`~phasefield.physics.vacancy_sinks.QuasiSteadyVacancySinks`) and the share of the stripped sites that
  the interface annihilates itself: one kinematic frame, that of the vacancy sinks, for every case (issue 23,
  item 5);
- ``power_law``: :class:`SinkFlow` around :class:`~phasefield.physics.creep_flow.CreepFlow`, Norton
  creep under the stack pressure with the same divergence.
"""

import numpy as np
from dolfinx import fem
from mpi4py import MPI

from phasefield.case import ResolvedCase
from phasefield.constants import FARADAY
from phasefield.generic.free_energy import well_and_gradient_coefficients
from phasefield.grain_sinks import sink_length
from phasefield.mesh.window import build_interface_window, coarsened
from phasefield.physics.creep import NortonLaw
from phasefield.physics.creep_flow import CreepFlow
from phasefield.physics.lattice_flow import PotentialLatticeFlow
from phasefield.physics.vacancy_sinks import QuasiSteadyVacancySinks
from phasefield.submodels.base import Column, InterfaceFields, StepConditions, SubModel
from phasefield.submodels.registry import register

CREEP_ITERATIONS = Column("creep_iterations", "Picard plus Newton iterations of the creep solve")
LIFTED_OFF = Column("lifted_off_share", "share of the interface facets where metal (metal fraction >= 1/2) "
                    "lifts off: released by the unilateral contact (tensile); 0 under the other contact rules")
METAL_SPEED = Column("max_metal_speed_um_per_h", "largest metal speed in the window (creep or lattice flow)",
                     "um/h", "m/s")


class SinkFlow(SubModel):
    """The velocity of ``flow`` (potential lattice flow or creep) with div v from the vacancy sinks of
    the void model; reports its largest speed, which sets the Courant limit."""

    columns = (METAL_SPEED,)

    def __init__(self, flow: PotentialLatticeFlow | CreepFlow, interface: InterfaceFields):
        self.flow = flow
        self.velocity = flow.velocity
        mesh = interface.window.metal.mesh
        self._gdim = mesh.geometry.dim
        #: the velocity at the vertices (P1, for output and the speed)
        self.metal_velocity = fem.Function(fem.functionspace(mesh, ("Lagrange", 1, (self._gdim,))),
                                           name="metal_velocity")
        self._velocity_expression = fem.Expression(
            flow.velocity, self.metal_velocity.function_space.element.interpolation_points)
        self._comm = mesh.comm
        #: the largest metal speed (m/s) at the vertices after the last solve
        self.max_speed = 0.0

    @property
    def top_normal_speed(self):
        """The mean normal speed through the window top (m/s, a constant) that the Mg inflow takes, or None
        where the transport takes the velocity's own normal component there."""
        return self.flow.top_normal_speed

    @property
    def front_speed(self) -> float:
        """The speed (m/s) of the void fronts this flow advects, for the Courant limit: the largest metal speed."""
        return self.max_speed

    def bind(self, contact) -> None:
        """div v = -(the contact's vacancy sink rate), and the lattice the interface adds (plating where it finds no
        vacancies to fill: the metal moves away) or removes (stripped sites it annihilates: the metal comes closer)."""
        self.flow.bind(-contact.sink_rate, contact.phi, plating_rate=contact.lattice_growth)

    def advance(self, step: StepConditions) -> None:
        self.flow.solve()

    def values(self, step: StepConditions) -> dict[str, float]:
        self.metal_velocity.interpolate(self._velocity_expression)
        owned = self.metal_velocity.function_space.dofmap.index_map.size_local
        speeds = self.metal_velocity.x.array.reshape(-1, self._gdim)[:owned]
        local = float(np.max(np.linalg.norm(speeds, axis=1), initial=0.0))
        self.max_speed = self._comm.allreduce(local, op=MPI.MAX)
        return {METAL_SPEED.name: self.max_speed}

    def fields(self) -> dict[str, list[fem.Function]]:
        return {"metal": [self.metal_velocity]}

    def checkpoint_fields(self) -> dict[str, fem.Function]:
        return {"metal_flow": self.flow.state}

    def restart(self, state: dict) -> None:
        self.flow.restore(self.flow.state.x.array.copy())

    def snapshot(self) -> np.ndarray:
        return self.flow.state.x.array.copy()

    def restore(self, snapshot: np.ndarray) -> None:
        self.flow.restore(snapshot)

    def close(self) -> None:
        self.flow = None


class BulkSinkFlow(SinkFlow):
    """:class:`SinkFlow` of the potential lattice flow without a void model: div v = -s, the sink rate of the
    vacancies that the step's mean current injects through the interface (uniformly: the full contact's
    current; the prescribed-voids contact's mean), and the lattice that the interface adds (plating) or removes.
    While stripping at j = i Omega/F the interface annihilates the share a of the stripped sites itself
    (``interface_vacancy_annihilation_share``, a hypothesis, 0 in the sets: the void model's share): (1 - a) j enters
    the sinks as vacancies and the interface removes lattice at a j, so a = 1 is the frame of a lattice annihilated
    at the interface (the metal moving towards it at j everywhere). The current density is per projected area;
    spread over the interface facets (longer on a rough interface), the rate per facet area is i Omega/F times the
    projected over the true area. Both follow the step's current, so nothing of it is checkpointed; no void front
    moves with it, so it sets no Courant limit."""

    def __init__(self, sinks: QuasiSteadyVacancySinks, interface: InterfaceFields, molar_volume: float,
                 annihilation_share: float):
        super().__init__(PotentialLatticeFlow(interface.window.metal), interface)
        self.sinks, self.molar_volume = sinks, molar_volume
        self.annihilation_share = annihilation_share
        #: the lattice the interface adds per area and time (m/s): plating, or minus the sites it annihilates
        self._lattice_growth = fem.Constant(interface.window.metal.mesh, 0.0)
        self._area_ratio = interface.window.interface_area / interface.window.surface_area

    @property
    def front_speed(self) -> float:
        """No void front: no Courant limit."""
        return 0.0

    def bind(self, contact) -> None:
        """div v = -s and the lattice the interface adds or removes; nothing depends on the contact."""
        self.flow.bind(-self.sinks.sink_rate, plating_rate=self._lattice_growth)

    def advance(self, step: StepConditions) -> None:
        """The sink rate and the interface's lattice growth of this step's current (quasi-steady), then the flow:
        stripping at j sends (1 - a) j to the sinks and removes a j at the interface, plating adds |j| there."""
        rate = step.current_density * self.molar_volume / FARADAY * self._area_ratio
        stripped = max(rate, 0.0)
        self.sinks.injection.value = (1.0 - self.annihilation_share) * stripped
        self._lattice_growth.value = max(-rate, 0.0) - self.annihilation_share * stripped
        self.sinks.solve()
        super().advance(step)

    def checkpoint_fields(self) -> dict[str, fem.Function]:
        """Nothing: each step solves its flow from its own current (restarts of runs from before the sink frame
        find no flow in their checkpoints either)."""
        return {}

    def restart(self, state: dict) -> None:
        """Nothing to restore (:meth:`checkpoint_fields`)."""


class CreepSinkFlow(SinkFlow):
    """:class:`SinkFlow` of the creep velocity, under each step's stack pressure; reports the creep iterations and
    the lift-off, and keeps the unilateral active set with the creep unknowns (snapshots, checkpoints)."""

    columns = (CREEP_ITERATIONS, LIFTED_OFF, METAL_SPEED)
    #: the checkpoint state's key of the active set (absent in checkpoints before 2026-12-05: full contact)
    RELEASED_FACETS = "creep_released_facet_midpoints"

    def __init__(self, flow: CreepFlow, interface: InterfaceFields, resolve_tolerance: float = 0.0):
        super().__init__(flow, interface)
        self.iterations = 0
        #: ``[creep] resolve_tolerance``: the last velocity is kept while the drivers changed by less
        self.resolve_tolerance = resolve_tolerance

    def advance(self, step: StepConditions) -> None:
        """The creep flow over ``step``, under the step's stack pressure; skipped (the last velocity kept, 0
        iterations) while the flow's drivers (metal fraction, sink divergence, plating speed) differ from those
        of the last solve by less than ``resolve_tolerance`` (:meth:`CreepFlow.drivers_change`)."""
        if step.stack_pressure is not None:
            self.flow.set_stack_pressure(step.stack_pressure)
        if self.resolve_tolerance > 0.0 and self.flow.drivers_change() < self.resolve_tolerance:
            self.iterations = 0
            return
        self.iterations = sum(self.flow.solve())

    def values(self, step: StepConditions) -> dict[str, float]:
        values = super().values(step) | {CREEP_ITERATIONS.name: float(self.iterations),
                                         LIFTED_OFF.name: self.flow.lifted_off_share()}
        return {column.name: values[column.name] for column in self.columns}

    def checkpoint_state(self) -> dict:
        return {self.RELEASED_FACETS: self.flow.released_facet_midpoints()}

    def restart(self, state: dict) -> None:
        """The unknowns and the active set; the drivers of the last solve are not stored, so the first step
        after a restart solves (with ``resolve_tolerance`` > 0 a restart differs within that tolerance)."""
        super().restart(state)
        self.flow.release_facets_at(state.get(self.RELEASED_FACETS, []))
        self.flow.solved_drivers = []

    def snapshot(self) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        return super().snapshot(), self.flow.in_contact.copy(), [a.copy() for a in self.flow.solved_drivers]

    def restore(self, snapshot: tuple[np.ndarray, np.ndarray, list[np.ndarray]]) -> None:
        state, in_contact, drivers = snapshot
        super().restore(state)
        self.flow.in_contact = in_contact.copy()
        self.flow.solved_drivers = [a.copy() for a in drivers]


@register("creep", "none")
def build_lattice_flow(resolved: ResolvedCase, interface: InterfaceFields, removes_sites: bool) -> SubModel:
    """The potential lattice flow of the vacancy sinks: those of the void model when the contact model
    ``removes_sites``, else those of the quasi-steady vacancy excess among the metal set's grain-boundary sinks."""
    if removes_sites:
        return SinkFlow(PotentialLatticeFlow(interface.window.metal), interface)
    metal = resolved.parameters("metal")
    sinks = QuasiSteadyVacancySinks(interface.window.metal, sink_length(metal["vacancy_sink_spacing"]))
    return BulkSinkFlow(sinks, interface, metal["molar_volume"], metal["interface_vacancy_annihilation_share"])


@register("creep", "power_law")
def build_creep_flow(resolved: ResolvedCase, interface: InterfaceFields, removes_sites: bool) -> SubModel:
    """Norton creep of the metal set under ``[cell] stack_pressure`` with the ``[creep]`` interface rules
    (the case loader allows creep only with the phase-field contact); with ``capillary``, the void surfaces'
    capillary force at the metal's surface energy over the phase field's interface width; with ``mesh_coarsening``
    k > 1, solved on the metal of the window with k times fewer cells each way."""
    case = resolved.case
    metal = resolved.parameters("metal")
    law = NortonLaw.from_parameters(metal, case.cell.temperature)
    kappa = (well_and_gradient_coefficients(metal["surface_energy"], case.voids.interface_width)[1]
             if case.creep.capillary else None)
    ratio = case.creep.void_viscosity_ratio
    options = {} if ratio is None else {"void_viscosity_ratio": ratio}
    if case.creep.contact_updates is not None:
        options["contact_updates"] = case.creep.contact_updates
    window = interface.window
    if case.creep.mesh_coarsening > 1:
        coarse = coarsened(window.spec, case.creep.mesh_coarsening)
        options["creep_metal"] = build_interface_window(window.metal.mesh.comm, coarse).metal
    flow = CreepFlow(window.metal, law, case.cell.stack_pressure, case.creep.interface, case.creep.contact,
                     kappa, **options)
    return CreepSinkFlow(flow, interface, case.creep.resolve_tolerance)
