"""Build the sub-models of a case: one per role, looked up in the registry, plus the extensions.

Roles and the case sections that choose them: the metal ``flow`` (``[creep] model``), ``interdiffusion``
(``[interdiffusion] model``; none for pure Li), ``contact`` (``[contact] model``) and the
``electrochemistry``; then one extension per extra case section registered with its own schema
(:mod:`phasefield.submodels.registry`). Built in that order, since each uses what the one before
provides: the contact is advected by the flow and reads x_Mg, the flow's divergence comes from the
contact's vacancy sinks, and the electrochemistry's U(x_Mg) from the interdiffusion.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from phasefield.case import ResolvedCase
from phasefield.submodels import registry
from phasefield.submodels.base import InterfaceFields, SubModel
from phasefield.submodels.electrochemistry import Electrochemistry
from phasefield.submodels.metal import li_mg_thermodynamics


@dataclass
class SubModels:
    """The sub-models of one run, by role."""

    flow: SubModel
    interdiffusion: SubModel
    contact: SubModel
    electrochemistry: Electrochemistry
    extensions: list[SubModel] = field(default_factory=list)
    #: the SI parameter set of a role (``resolved.parameters``), for the extensions' builders
    parameters: Callable[[str], dict[str, float]] | None = None

    def __iter__(self) -> Iterator[SubModel]:
        """Every sub-model, in the order of their CSV columns, checkpoint entries and outputs."""
        yield from (self.electrochemistry, self.interdiffusion, self.contact, self.flow, *self.extensions)


def build_submodels(resolved: ResolvedCase, interface: InterfaceFields) -> SubModels:
    """The sub-models of ``resolved`` on the window of ``interface``."""
    case = resolved.case
    contact_class = registry.lookup("contact", case.contact.model)
    flow = registry.lookup("creep", case.creep.model)(resolved, interface, removes_sites=contact_class.removes_sites)
    interdiffusion = registry.lookup("interdiffusion", case.interdiffusion.model)(resolved, interface, flow.velocity,
                                                                                 flow.top_normal_speed)
    contact = contact_class.build(resolved, interface, flow, interdiffusion)
    flow.bind(contact)
    metal = resolved.parameters("metal")
    bulk_potential = float(li_mg_thermodynamics(metal, case.cell.temperature)
                           .equilibrium_potential(metal["magnesium_fraction"]))
    electrochemistry = Electrochemistry.build(resolved, interface, interdiffusion.equilibrium_potential,
                                              bulk_potential)
    models = SubModels(flow, interdiffusion, contact, electrochemistry, parameters=resolved.parameters)
    classes = registry.extensions()
    for section, settings in resolved.extensions.items():
        models.extensions.append(classes[section].build(settings, interface, models))
    return models
