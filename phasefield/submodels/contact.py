"""The contact sub-model: the metal fraction at the interface (``[contact] model``).

The contact a(x) of the Butler-Volmer kinetics is the metal fraction on the interface. ``full``: the
metal touches the whole interface; ``prescribed_voids``: voids whose width follows a contact-fraction
table of stripped capacity (:class:`phasefield.physics.contact.PrescribedVoids`); ``phase_field``:
the vacancy-void phase field evolves them (:mod:`phasefield.submodels.voids`). This module holds the
role's common part: its columns (zero where no void model runs) and its do-nothing steps.
"""

import numpy as np
from dolfinx import fem

from phasefield.case import ResolvedCase
from phasefield.mesh import FacetTag
from phasefield.physics.contact import PrescribedVoids, full_contact, trapezoid_weights
from phasefield.submodels.base import Column, InterfaceFields, StepConditions, SubModel
from phasefield.submodels.registry import register


class Contact(SubModel):
    """The metal fraction c on the metal mesh (P1), refreshed by :meth:`update` before the
    electrochemistry solve; without a void model every void column is 0."""

    columns = (
        Column("voids_per_100um", "interface voids (runs of phi < 0.5 along the interface; a gap over the whole "
                                  "interface counts 0) per 100 um"),
        Column("mean_void_width_um", "mean width of the interface voids", "um", "m"),
        Column("max_void_width_um", "largest interface void width", "um", "m"),
        Column("max_void_height_um", "largest void height above the interface", "um", "m"),
        Column("gap", "1 when no contact is left (one continuous gap), else 0"),
        Column("nucleation_events", "voids nucleated in this step"),
        Column("interface_supersaturation_kT", "mean vacancy chemical potential on the interface (kT)"),
        Column("void_newton_iterations", "Newton iterations of the vacancy-void solve"),
        Column("void_volume_share", "phi_void = V_v / V_s: void volume V_v (integral of 1 - phi over the metal "
                                    "window) over the stripped volume V_s = Q V_m / F x interface area (0 when "
                                    "nothing is stripped; above 1 where nuclei added volume no stripping supplied)"),
        Column("effective_void_height_um", "h_eff = V_v / A_v: void volume over the void footprint A_v (integral "
                                           "of 1 - phi over the interface, = (1 - contact_fraction) x interface "
                                           "area); 0 without voids", "um", "m"),
    )
    #: whether the contact model removes lattice sites (and so sets the divergence of the metal flow)
    moves_metal = False

    def __init__(self, interface: InterfaceFields):
        self.metal_fraction = fem.Function(interface.metal_space, name="metal_fraction")
        self._normal_axis = interface.window.normal_axis

    def advance(self, step: StepConditions) -> None:
        """Evolve the contact over the step (nothing to evolve here)."""

    def nucleate(self, step: StepConditions) -> None:
        """Insert new voids (none here)."""

    def update(self, step: StepConditions) -> None:
        """Set :attr:`metal_fraction` for the end of ``step``."""
        raise NotImplementedError

    def receive_current(self, current_density: fem.Function) -> None:
        """The interface current density of the electrochemistry solve (not needed here)."""

    def values(self, step: StepConditions) -> dict[str, float]:
        return {column.name: 0.0 for column in self.columns}

    def fields(self) -> dict[str, list[fem.Function]]:
        return {"metal": [self.metal_fraction]}


@register("contact", "full")
class FullContact(Contact):
    """c = 1: the metal touches the whole interface."""

    @classmethod
    def build(cls, resolved: ResolvedCase, interface: InterfaceFields, flow, interdiffusion) -> "FullContact":
        return cls(interface)

    def update(self, step: StepConditions) -> None:
        self.metal_fraction.interpolate(full_contact)


@register("contact", "prescribed_voids")
class PrescribedContact(Contact):
    """Semi-elliptic voids whose width follows ``[contact] capacity`` / ``fraction``."""

    def __init__(self, interface: InterfaceFields, voids: PrescribedVoids):
        super().__init__(interface)
        self.voids = voids
        # the interface mean the kinetics takes: the trapezoid rule on the interface vertices (all ranks)
        space, window = interface.metal_space, interface.window
        dofs = fem.locate_dofs_topological(space, window.metal.mesh.topology.dim - 1,
                                           window.metal.facet_tags.find(int(FacetTag.INTERFACE)))
        along = np.concatenate(window.metal.mesh.comm.allgather(space.tabulate_dof_coordinates()[dofs, 0]))
        self._points, self._weights = trapezoid_weights(along)

    @classmethod
    def build(cls, resolved: ResolvedCase, interface: InterfaceFields, flow, interdiffusion) -> "PrescribedContact":
        contact, width = resolved.case.contact, resolved.case.mesh.width
        return cls(interface, PrescribedVoids(width, contact.void_count, contact.void_aspect_ratio,
                                              contact.edge_width, tuple(contact.capacity), tuple(contact.fraction)))

    def update(self, step: StepConditions) -> None:
        axis, width = self._normal_axis, self.voids.void_width(step.capacity, self._points, self._weights)
        self.metal_fraction.interpolate(lambda x: self.voids.metal_fraction(x, width, axis))
