"""The contact sub-model: the metal fraction at the interface (``[contact] model``).

The contact a(x) of the Butler-Volmer kinetics is the metal fraction on the interface. ``full``: the
metal touches the whole interface; ``prescribed_voids``: voids whose width follows a contact-fraction
table of stripped capacity (:class:`phasefield.physics.contact.PrescribedVoids`); ``phase_field``:
the vacancy-void phase field evolves them (:mod:`phasefield.submodels.voids`). This module holds the
role's common part (its do-nothing steps) and the two void-free or prescribed models; each declares only
the columns it computes (full contact: none; prescribed voids: their count and size).
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
    electrochemistry solve."""

    #: whether the contact model's vacancy sinks remove lattice sites (and so set the divergence of the metal flow;
    #: without them the flow takes the sinks of the vacancies that the current injects)
    removes_sites = False
    #: the local error estimate of the metal fraction in the last step and that step's length (s), for the
    #: step control (0: nothing evolves)
    phase_error = 0.0
    phase_error_dt = 0.0

    def __init__(self, interface: InterfaceFields):
        self.metal_fraction = fem.Function(interface.metal_space, name="metal_fraction")
        self._normal_axis = interface.window.normal_axis

    @property
    def contact(self) -> fem.Function:
        """The contact a(x) of the Butler-Volmer kinetics (P1 on the metal mesh): here the metal fraction."""
        return self.metal_fraction

    def advance(self, step: StepConditions) -> None:
        """Evolve the contact over the step (nothing to evolve here)."""

    def nucleate(self, step: StepConditions) -> None:
        """Insert new voids (none here)."""

    def update(self, step: StepConditions) -> None:
        """Set :attr:`metal_fraction` for the end of ``step``."""
        raise NotImplementedError

    def receive_current(self, current_density: fem.Function) -> None:
        """The interface current density of the electrochemistry solve (not needed here)."""

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

    columns = (
        Column("voids_per_100um", "prescribed voids per 100 um once open (void_count over the width; 0 while "
                                  "the table keeps full contact)"),
        Column("mean_void_width_um", "width of the prescribed voids (all equal; they overlap beyond the spacing)",
               "um", "m"),
        Column("max_void_height_um", "height of the prescribed voids (aspect ratio x half the width)", "um", "m"),
    )

    def __init__(self, interface: InterfaceFields, voids: PrescribedVoids):
        super().__init__(interface)
        self.voids = voids
        self._width = 0.0
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
        self._width = width

    def values(self, step: StepConditions) -> dict[str, float]:
        voids = self.voids
        count = voids.void_count * 100e-6 / voids.interface_width if self._width > 0.0 else 0.0
        return {"voids_per_100um": count, "mean_void_width_um": self._width,
                "max_void_height_um": 0.5 * voids.aspect_ratio * self._width}
