r"""The metal velocity of a coupled run from power-law creep under the stack pressure.

In the role of :class:`phasefield.physics.lattice_flow.PotentialLatticeFlow` (same interface:
``velocity`` exists from construction, :meth:`bind` gives the divergence, :meth:`solve` per step),
but the velocity is the creep flow of :class:`phasefield.physics.creep.PowerLawCreep`:

.. math::

    -\nabla\cdot(2\eta(\phi, \dot\varepsilon)\mathbf{D}' - p\mathbf{I}) = 0,\qquad
    \nabla\cdot\mathbf{v} = m(\phi)\,s - (1 - m(\phi))\,p/\eta_v,

with the vacancy-sink divergence :math:`s` of the void model, the stack pressure as a traction on
the window top, and no penetration :math:`v_n = 0` on the interface facets in contact. Which facets
those are is the contact rule (``[creep] contact``):

- ``"impenetrable"``: every interface facet: the electrolyte is rigid everywhere, and a
  void on the interface closes by compression of the void material and by metal sliding in along
  the interface (free slip), never by metal leaving the window.
- ``"unilateral"`` (default since issue 22): the metal may leave the electrolyte but never enter it. An
  active set: each solve starts from the set of the last one (at first every facet in contact, v_n = 0);
  after the solve, a contact facet whose reaction is tensile (the electrolyte would have to pull the
  metal, :meth:`PowerLawCreep.normal_reactions`) is released, and a released facet whose metal moves into
  the electrolyte (v . n > 0) is put back; the solve repeats until the set stops changing (at most
  ``contact_updates`` times, MAX_CONTACT_UPDATES unless given). With ``contact_updates`` = 0 a step solves once,
  on the set its predecessor left, and the set updated after that solve is the next step's: the contact lagged by
  one step, as the velocity already is in the void step (the coupler's order); a cycle then runs across steps
  (a facet released in one step, taken back in the next). An update can return to a set solved before in the same
  step: a facet released as tensile moves into the electrolyte once free and is put back, tensile again (a cycle; seen
  with three facets at the edge of a nearly closed contact). No set of the cycle passes both tests, so the
  updates stop there and the facets that flip are kept in contact: the union of the cycle's sets (no
  penetration is the hard constraint; the tension those facets carry is the facet-averaged test's
  ambiguity), taken from its stored solution when that set was solved in the step, else solved once
  (:meth:`CreepFlow.solve`). The final set can depend on where the updates start: at the edge of a
  lifted-off region a facet can pass both tests either way (in contact and compressed, or released and
  moving away; docs/creep.md). So the set is part of the state: the coupler's snapshots and the
  checkpoints keep it (:meth:`released_facet_midpoints`, by facet midpoint, so a restart on any rank
  count repeats the run). Released facets are traction free, so the metal lifts
  off there. Under a compressive stack pressure with no tension anywhere it is the impenetrable rule.
- ``"metal_fraction"`` (kept as a sensitivity): those whose metal fraction at the midpoint (the mean
  of the P1 vertex values) is at least 1/2. The other interface facets are traction free, so metal
  above a void can move down through them. When no facet reaches 1/2 (a gap over the whole window),
  the facets at the largest metal fraction keep v_n = 0: the metal rests there. A facet just below
  1/2 is half metal, yet the metal above it is pushed out through it into the electrolyte until the
  advected metal fraction is back at 1/2, which holds the time step at the Courant limit: hence not
  the default (measurements and history: docs/creep.md, "Restart probes" and "Coupled runs").

The contact set is updated before each solve; a change replaces only the Dirichlet rows of the creep
problems (:meth:`PowerLawCreep.set_contact`). One velocity (P2, m/s) advects the void phase field, the
vacancies and the Mg fraction.

The creep may be solved on a coarser mesh of the same metal window than the fields it advects (``creep_metal``,
``[creep] mesh_coarsening``): the metal fraction and the drivers (the divergence and the plating speed, at the
vertices: P1) are interpolated onto the creep mesh before each solve, and the velocity back onto the fields' P2
space after it (:class:`~phasefield.mesh.nonmatching_transfer.NonmatchingTransfer`). The contact set is then one of
the creep mesh's interface facets. The nodal interpolation does not conserve the volume the sinks remove, so the
transferred divergence s_c is corrected by a multiple of its own magnitude (a mass fixer, zero where s_c is):

.. math::

    s_c \leftarrow s_c + \lambda\,|s_c|,\qquad
    \lambda = \frac{\int_{\Omega_h} m(\phi)\,s\,dx - \int_{\Omega_H} m(\phi_c)\,s_c\,dx}
                   {\int_{\Omega_H} m(\phi_c)\,|s_c|\,dx},

so that the creep on the coarse mesh removes the volume it would remove on the fields' mesh (the integral of the
volume source m(phi) s of :class:`PowerLawCreep`, both at its quadrature degree), to round-off. Where s_c has one sign,
lambda is the interpolation's relative miss of that integral and s_c keeps its sign while |lambda| < 1; a |lambda| of
1 or more (sinks and sources nearly cancelling) would flip it at some vertices, and is logged as a warning.
"""

import logging

import dolfinx.mesh as dmesh
import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI
from scipy.spatial import cKDTree

from phasefield.mesh import FacetTag, Subdomain
from phasefield.mesh.nonmatching_transfer import NonmatchingTransfer
from phasefield.physics.creep import QUADRATURE_DEGREE, VOID_VISCOSITY_RATIO, NortonLaw, PowerLawCreep, metal_weight
from phasefield.solvers.failures import SolverFailure

log = logging.getLogger(__name__)

#: an interface facet is in contact when its midpoint metal fraction is at least this
CONTACT_THRESHOLD = 0.5
#: in a gap, the facets whose midpoint metal fraction is within this of the largest carry the metal
GAP_SUPPORT_TOLERANCE = 1e-3
#: the contact rules of the module docstring
CONTACT_RULES = ("metal_fraction", "impenetrable", "unilateral")
#: unilateral: the most active-set updates (each a creep solve) per step, unless given
MAX_CONTACT_UPDATES = 8
#: unilateral: a reaction below -this x the largest |reaction| is tension, a normal speed above this x
#: the largest speed is penetration (relative: round-off must not flip a facet)
ACTIVE_SET_TOLERANCE = 1e-8
#: a stored midpoint of a released facet matches a facet within this fraction of the shortest interface facet
MIDPOINT_TOLERANCE = 1e-6


class CreepFlow:
    """Creep velocity of the metal window; :meth:`bind` with the void model, then :meth:`solve`."""

    #: the Mg inflow takes the creep velocity's own normal component at the (traction) top
    top_normal_speed = None

    def __init__(self, metal: Subdomain, law: NortonLaw, stack_pressure: float, interface: str = "slip",
                 contact: str = "unilateral", gradient_energy: float | None = None,
                 void_viscosity_ratio: float = VOID_VISCOSITY_RATIO, contact_updates: int = MAX_CONTACT_UPDATES,
                 creep_metal: Subdomain | None = None):
        """``gradient_energy``: kappa (J/m) of the void surfaces' capillary force (None: none);
        ``void_viscosity_ratio``: the void ersatz's viscosity over the lower viscosity cap (:class:`PowerLawCreep`);
        ``contact_updates``: unilateral, the most active-set updates solved within a step (0: the lagged set of the
        module docstring); ``creep_metal``: the mesh of the same metal window the creep is solved on (None: ``metal``,
        the mesh of :attr:`velocity` and of the fields bound)."""
        if contact not in CONTACT_RULES:
            raise ValueError(f"contact must be one of {CONTACT_RULES}, not {contact!r}")
        if contact_updates < 0:
            raise ValueError(f"contact_updates must be >= 0, not {contact_updates}")
        self._contact_updates = contact_updates
        self._creep_metal = metal if creep_metal is None else creep_metal
        self._law, self._pressure, self._interface = law, stack_pressure, interface
        self._contact, self._gradient_energy = contact, gradient_energy
        self._void_viscosity_ratio = void_viscosity_ratio
        gdim = metal.mesh.geometry.dim
        self.velocity = fem.Function(fem.functionspace(metal.mesh, ("Lagrange", 2, (gdim,))), name="velocity")
        #: the fields' vertex space, where the drivers are read (:meth:`drivers_change`)
        self._field_vertices = fem.functionspace(metal.mesh, ("Lagrange", 1))
        #: on a creep mesh of its own: the transfers of the metal fraction, the drivers and the velocity (:meth:`bind`)
        self._own_mesh = creep_metal is not None
        self._transfers: dict[str, NonmatchingTransfer] = {}
        mesh = self._creep_metal.mesh
        creep_vertices = fem.functionspace(mesh, ("Lagrange", 1)) if self._own_mesh else self._field_vertices
        self._phi = fem.Function(creep_vertices, name="creep_metal_fraction")
        fdim = mesh.topology.dim - 1
        self._facets = self._creep_metal.facet_tags.find(int(FacetTag.INTERFACE))
        space = self._phi.function_space  # the vertex dofs of each facet (local: no communication)
        self._facet_dofs = np.array([fem.locate_dofs_topological(space, fdim, [facet], remote=False)
                                     for facet in self._facets], dtype=np.int32).reshape(len(self._facets), fdim + 1)
        self._normal_axis = mesh.geometry.dim - 1
        #: unilateral: whether each local interface facet is in contact (v_n = 0)
        self.in_contact = np.ones(self._facets.size, dtype=bool)
        self.creep: PowerLawCreep | None = None
        #: the drivers of the flow at the vertices (metal fraction, div v, plating speed), now and at the last
        #: solve: their change decides whether a lagged solve may be skipped (:meth:`drivers_change`)
        self._drivers: list[fem.Function] = []
        self.solved_drivers: list[np.ndarray] = []

    def bind(self, divergence, metal_fraction, plating_rate=None) -> None:
        """Build the creep problem with div v = ``divergence`` (1/s, UFL), the void model's
        ``metal_fraction`` (a scalar field on the metal mesh, read at every solve) and ``plating_rate`` (m/s,
        UFL; None: 0), the speed at which the contact adds lattice, which pushes the metal in contact away
        from the electrolyte at that speed (< 0: lattice removed, the metal comes closer; :class:`PowerLawCreep`,
        ``interface_growth``). On a creep mesh of its own the creep reads the drivers' vertex values passed on to it
        (module docstring); else the expressions themselves."""
        self._source = metal_fraction
        drivers = [driver for driver in (divergence, plating_rate) if driver is not None]
        self._driver_expressions = [fem.Expression(driver, self._field_vertices.element.interpolation_points)
                                    for driver in drivers]
        self._drivers = [fem.Function(self._field_vertices) for _ in drivers]
        if self._own_mesh:
            creep_vertices = self._phi.function_space
            self._transfers = {"vertices": NonmatchingTransfer(self._field_vertices, creep_vertices)}
            #: the metal fraction at the fields' vertices (a function of its own: the void model's is a sub-function)
            self._field_fraction = fem.Function(self._field_vertices)
            self._creep_drivers = [fem.Function(creep_vertices) for _ in drivers]
            #: |s_c| at the creep mesh's vertices, and the volume source's integrals (:meth:`_conserve_volume_source`)
            self._source_magnitude = fem.Function(creep_vertices)
            self._source_forms = None if divergence is None else self._volume_source_forms(divergence, metal_fraction)
            divergence = None if divergence is None else self._creep_drivers[0]
            plating_rate = None if plating_rate is None else self._creep_drivers[-1]
        self._driver_values()
        self.creep = PowerLawCreep(self._creep_metal, self._law, self._pressure, phi=self._phi, divergence=divergence,
                                   interface=self._interface, contact_facets=self.contact_facets(),
                                   interface_growth=plating_rate, gradient_energy=self._gradient_energy,
                                   void_viscosity_ratio=self._void_viscosity_ratio)
        if self._own_mesh:
            self._transfers["velocity"] = NonmatchingTransfer(self.creep.velocity.function_space,
                                                              self.velocity.function_space)
        normal = self.creep.space.sub(0).sub(self._normal_axis)
        fdim = self._creep_metal.mesh.topology.dim - 1
        per_facet = len(normal.dofmap.dof_layout.entity_closure_dofs(fdim, 0))  # explicit: a rank may have no facet
        self._normal_dofs = np.array([fem.locate_dofs_topological(normal, fdim, [facet], remote=False)
                                      for facet in self._facets], dtype=np.int32).reshape(self._facets.size, per_facet)

    def set_stack_pressure(self, pressure: float) -> None:
        """The stack pressure (Pa) of the next solves (:meth:`PowerLawCreep.set_stack_pressure`); a new pressure
        makes the drivers' change infinite (:meth:`drivers_change`)."""
        if pressure != self._pressure:
            self._pressure = pressure
            self.solved_drivers = []
            if self.creep is not None:
                self.creep.set_stack_pressure(pressure)

    @property
    def state(self) -> fem.Function:
        """The creep unknowns (scaled v, p): the warm start of the next solve, for checkpoints."""
        return self.creep.u

    def restore(self, values: np.ndarray) -> None:
        """Set the creep unknowns (local array of :attr:`state`) and the velocity from them."""
        self.creep.restore(values)
        self._publish_velocity()

    def contact_facets(self) -> np.ndarray:
        """The local interface facets with v_n = 0. ``impenetrable``: all of them. ``metal_fraction``:
        those whose midpoint metal fraction is at least CONTACT_THRESHOLD; if no facet of the window
        reaches it (a gap), the facets at the largest midpoint metal fraction: the metal rests on its
        lowest points instead of floating on the void material, whose nearly singular creep matrix
        MUMPS cannot factorise (docs/creep.md, "Coupled runs")."""
        if self._contact == "impenetrable":
            return self._facets
        if self._contact == "unilateral":
            return self._facets[self.in_contact]
        midpoint = np.mean(self._phi.x.array[self._facet_dofs], axis=1) if self._facets.size else np.zeros(0)
        comm = self._creep_metal.mesh.comm
        if comm.allreduce(int(np.count_nonzero(midpoint >= CONTACT_THRESHOLD)), op=MPI.SUM) > 0:
            return self._facets[midpoint >= CONTACT_THRESHOLD]
        highest = comm.allreduce(float(np.max(midpoint, initial=-np.inf)), op=MPI.MAX)
        return self._facets[midpoint >= highest - GAP_SUPPORT_TOLERANCE]

    def solve(self) -> tuple[int, int]:
        """Contact from the current metal fraction, then the creep flow (unilateral: from the last active
        set, updated until it stops changing or ``contact_updates`` times, or once for the next step when 0);
        returns the (Picard, Newton) iterations."""
        drivers = [array.copy() for array in self._driver_values()]
        self.creep.set_contact(self.contact_facets())
        picard, newton = self.creep.solve()
        self.solved_drivers = drivers
        if self._contact == "unilateral":
            more = self._settle_active_set()
            picard, newton = picard + more[0], newton + more[1]
        self._publish_velocity()
        return picard, newton

    def _publish_velocity(self) -> None:
        """:attr:`velocity` from the creep solution (interpolated from the creep mesh onto the fields' one)."""
        if self._own_mesh:
            self._transfers["velocity"](self.creep.velocity, self.velocity)
        else:
            self.velocity.interpolate(self.creep.velocity)

    def _settle_active_set(self) -> tuple[int, int]:
        """Update the unilateral active set and solve again until it stops changing, at most ``contact_updates``
        times; on a return to a set solved before, the union of the cycle's sets (module docstring). With
        ``contact_updates`` = 0 the updated set is taken for the next step's solve, unsolved (lagged), and a set so
        changed makes the drivers' change infinite (:meth:`drivers_change`: the next step solves, whatever
        ``resolve_tolerance``). Returns the (Picard, Newton) iterations of the solves after the first."""
        if self._contact_updates == 0:
            updated = self._updated_active_set()
            if updated is not None:
                self.in_contact = updated  # the next solve sets the Dirichlet rows
                self.solved_drivers = []
            return 0, 0
        picard, newton = 0, 0
        solved = [(self.in_contact.copy(), self.creep.u.x.array.copy())]  # this step's sets and solutions
        for _ in range(self._contact_updates):
            updated = self._updated_active_set()
            if updated is None:
                break
            cycle = next((k for k, (known, _) in enumerate(solved) if self._same_set(known, updated)), None)
            if cycle is not None:
                updated = np.logical_or.reduce([known for known, _ in solved[cycle:]])
                stored = next((values for known, values in solved if self._same_set(known, updated)), None)
                if stored is not None:
                    self._take_active_set(updated)
                    self.creep.restore(stored)
                    break
            self._take_active_set(updated)
            try:
                more = self.creep.solve(newton_first=True)
            except SolverFailure:  # the creep state is back at the last set's solution: so is the set
                self._take_active_set(solved[-1][0])
                raise
            picard, newton = picard + more[0], newton + more[1]
            if cycle is not None:
                break
            solved.append((self.in_contact.copy(), self.creep.u.x.array.copy()))
        return picard, newton

    def drivers_change(self) -> float:
        """The largest change of the flow's drivers at the vertices since the last :meth:`solve`: of the metal
        fraction (absolute), and of div v and the plating speed relative to their largest magnitude at that
        solve; infinite before the first solve."""
        if not self.solved_drivers:
            return np.inf
        change = 0.0
        for k, (now, then) in enumerate(zip(self._driver_values(), self.solved_drivers, strict=True)):
            scale = 1.0 if k == 0 else self._creep_metal.mesh.comm.allreduce(float(np.max(np.abs(then), initial=0.0)),
                                                                        op=MPI.MAX)
            local = float(np.max(np.abs(now - then), initial=0.0))
            change = max(change, local / scale if scale > 0.0 else (np.inf if local > 0.0 else 0.0))
        return self._creep_metal.mesh.comm.allreduce(change, op=MPI.MAX)

    def _driver_values(self) -> list[np.ndarray]:
        """The metal fraction at the creep mesh's vertices and the other drivers at the fields' vertices now (local
        arrays); on a creep mesh of its own the drivers are passed on to it."""
        if self._own_mesh:
            self._field_fraction.interpolate(self._source)
            self._transfers["vertices"](self._field_fraction, self._phi)
        else:
            self._phi.interpolate(self._source)
        for driver, expression in zip(self._drivers, self._driver_expressions, strict=True):
            driver.interpolate(expression)
        if self._own_mesh:
            for driver, creep_driver in zip(self._drivers, self._creep_drivers, strict=True):
                self._transfers["vertices"](driver, creep_driver)
            if self._source_forms is not None:
                self._conserve_volume_source()
        return [self._phi.x.array, *(driver.x.array for driver in self._drivers)]

    def _volume_source_forms(self, divergence, metal_fraction) -> dict:
        """The integrals of the volume source m(phi) s on the fields' mesh (of the expression s) and on the creep mesh
        (of the transferred s_c and of |s_c|), at the creep forms' quadrature degree."""
        fine = ufl.dx(domain=self._field_vertices.mesh, metadata={"quadrature_degree": QUADRATURE_DEGREE})
        coarse = ufl.dx(domain=self._phi.function_space.mesh, metadata={"quadrature_degree": QUADRATURE_DEGREE})
        solid = metal_weight(2.0 * self._phi)  # PowerLawCreep's m(phi)
        return dict(fine=fem.form(metal_weight(2.0 * metal_fraction) * divergence * fine),
                    coarse=fem.form(solid * self._creep_drivers[0] * coarse),
                    magnitude=fem.form(solid * self._source_magnitude * coarse))

    def _conserve_volume_source(self) -> None:
        """The transferred divergence corrected by lambda |s_c| (module docstring); unchanged where no sink acts on the
        creep mesh (the integral of m |s_c| is 0)."""
        comm = self._creep_metal.mesh.comm
        driver = self._creep_drivers[0]
        self._source_magnitude.x.array[:] = np.abs(driver.x.array)
        fine, coarse, magnitude = (comm.allreduce(fem.assemble_scalar(self._source_forms[name]), op=MPI.SUM)
                                   for name in ("fine", "coarse", "magnitude"))
        if magnitude > 0.0:
            correction = (fine - coarse) / magnitude
            if abs(correction) >= 1.0:
                log.warning("the creep mesh's volume source is corrected by lambda = %.3g: s_c changes sign at some "
                            "vertices (sinks and sources nearly cancel)", correction)
            driver.x.array[:] += correction * self._source_magnitude.x.array

    def lifted_off_share(self) -> float:
        """The share of the interface facets where metal (midpoint metal fraction >= 1/2) lifts off: released
        by the unilateral rule (facets under a void, also released where the void material moves away, do
        not count); with ``contact_updates`` = 0, in the set updated after the last solve (the next step's)."""
        topology = self._creep_metal.mesh.topology
        owned = self._facets < topology.index_map(topology.dim - 1).size_local
        metal = (np.mean(self._phi.x.array[self._facet_dofs], axis=1) >= CONTACT_THRESHOLD if self._facets.size
                 else np.zeros(0, dtype=bool))
        comm = self._creep_metal.mesh.comm
        total = comm.allreduce(int(np.count_nonzero(owned)), op=MPI.SUM)
        lifted = comm.allreduce(int(np.count_nonzero(owned & metal & ~self.in_contact)), op=MPI.SUM)
        return lifted / total if total else 0.0

    def released_facet_midpoints(self) -> list[list[float]]:
        """The midpoints (m) of the interface facets out of the unilateral contact, of every rank, in
        lexicographic order: the active set independent of the partition (:meth:`release_facets_at`)."""
        mesh = self._creep_metal.mesh
        owned = self._facets < mesh.topology.index_map(mesh.topology.dim - 1).size_local
        points = dmesh.compute_midpoints(mesh, mesh.topology.dim - 1, self._facets[owned & ~self.in_contact])
        points = np.concatenate(mesh.comm.allgather(points.reshape(-1, 3)))
        return points[np.lexsort(points.T[::-1])].tolist()

    def release_facets_at(self, midpoints: list[list[float]]) -> None:
        """The active set with the facets at ``midpoints`` (:meth:`released_facet_midpoints`) released and
        every other in contact; applied at the next solve."""
        mesh = self._creep_metal.mesh
        fdim = mesh.topology.dim - 1
        self.in_contact = np.ones(self._facets.size, dtype=bool)
        if not midpoints or not self._facets.size:
            return
        nodes = mesh.geometry.x[dmesh.entities_to_geometry(mesh, fdim, self._facets)]
        length = np.max(np.linalg.norm(nodes[:, :, None] - nodes[:, None, :], axis=-1), axis=(1, 2))
        distance, _ = cKDTree(np.asarray(midpoints)).query(dmesh.compute_midpoints(mesh, fdim, self._facets))
        self.in_contact = distance > MIDPOINT_TOLERANCE * np.min(length)

    def _updated_active_set(self) -> np.ndarray | None:
        """The active set after the last solve with tensile contact facets released and penetrating free ones
        taken back; None if it is the current one, or if it would leave no contact anywhere (the metal would
        float)."""
        comm = self._creep_metal.mesh.comm
        reaction = self.creep.normal_reactions(self._normal_dofs)
        outward_speed = -self.creep.u.x.array[self._normal_dofs].mean(axis=1) if self._facets.size else np.zeros(0)
        largest = [comm.allreduce(float(np.max(np.abs(a), initial=0.0)), op=MPI.MAX) for a in (reaction, outward_speed)]
        tensile = reaction < -ACTIVE_SET_TOLERANCE * largest[0]
        penetrating = outward_speed > ACTIVE_SET_TOLERANCE * largest[1]
        updated = (self.in_contact & ~tensile) | (~self.in_contact & penetrating)
        if self._same_set(updated, self.in_contact) or comm.allreduce(int(np.count_nonzero(updated)), op=MPI.SUM) == 0:
            return None
        return updated

    def _same_set(self, a: np.ndarray, b: np.ndarray) -> bool:
        """Whether two active sets (local arrays of :attr:`in_contact`) are the same on every rank."""
        return not self._creep_metal.mesh.comm.allreduce(bool(np.any(a != b)), op=MPI.LOR)

    def _take_active_set(self, in_contact: np.ndarray) -> None:
        """Make ``in_contact`` the active set of the next creep solve."""
        self.in_contact = in_contact
        self.creep.set_contact(self._facets[in_contact])
