"""The interdiffusion sub-model: Mg in the metal (``[interdiffusion] model``), or none for pure Li.

:class:`MagnesiumInterdiffusion` advances the advection-diffusion problem of
:mod:`phasefield.physics.interdiffusion` with the metal velocity of the flow sub-model, and copies the
interface x_Mg onto the electrolyte side, where it sets the equilibrium potential U(x_Mg) of the
Butler-Volmer kinetics. :class:`NoInterdiffusion` is its null object: x_Mg = 0 and U = 0.
"""

from pathlib import Path

import numpy as np
from dolfinx import fem

from phasefield.case import ResolvedCase
from phasefield.constants import FARADAY
from phasefield.output.line_scan import NormalLineScan
from phasefield.output.timeseries import write_table
from phasefield.physics.interdiffusion import MagnesiumTransport, fick_diffusivity
from phasefield.physics.thermodynamics import RedlichKister
from phasefield.solvers.failures import BoundViolation, ModelBreakdown
from phasefield.submodels.base import Column, InterfaceFields, StepConditions, SubModel
from phasefield.submodels.metal import darken_interdiffusivity_of, li_mg_thermodynamics
from phasefield.submodels.registry import register
from phasefield.thermal_activation import tracer_diffusivities
from phasefield.units import si_factor

COLUMNS = (
    Column("interface_x_Mg", "mean Mg mole fraction on the interface (metal side)"),
    Column("max_x_Mg", "largest Mg mole fraction in the metal window"),
    Column("foil_mean_x_Mg", "mean Mg mole fraction of the remaining foil (window plus bulk above it)"),
    Column("plated_layer_relative_Mg", "mean x_Mg in the plated layer next to the interface / bulk x_Mg"),
    Column("mg_created_relative", "Mg created by the x_Mg solves since the start (the x_Mg >= 0 bound's under "
           "[interdiffusion] nonnegative, else round-off) / the window's initial Mg"),
)


class NoInterdiffusion(SubModel):
    """Pure Li: no Mg, U = 0 on the interface, no columns."""

    #: the Mg fraction the void model sees
    fraction = 0.0
    equilibrium_potential = 0.0

    def advance(self, step: StepConditions) -> None:
        """Nothing to solve."""

    def write_line_scan(self, path: Path, header: str) -> None:
        """No Mg: no line scan."""


class MagnesiumInterdiffusion(SubModel):
    """x_Mg over each step with the metal velocity; U(x_Mg) on the interface."""

    columns = COLUMNS

    def __init__(self, transport: MagnesiumTransport, interface: InterfaceFields, thermodynamics: RedlichKister,
                 molar_volume: float, foil_thickness: float):
        self.transport = transport
        self._initial_mg = transport.amount()
        self._window = interface.window
        self._to_electrolyte = interface.to_electrolyte
        self.molar_volume, self.foil_thickness = molar_volume, foil_thickness
        self.interface_mg = fem.Function(interface.electrolyte_space, name="interface_x_Mg")
        self.interface_mg.x.array[:] = transport.bulk_fraction
        #: U(x_Mg) on the electrolyte side of the interface (UFL)
        self.equilibrium_potential = thermodynamics.equilibrium_potential(self.interface_mg)
        self.line_scan = NormalLineScan(interface.metal_space, self._window.normal_axis)

    @property
    def fraction(self) -> fem.Function:
        """x_Mg on the metal mesh."""
        return self.transport.x

    def advance(self, step: StepConditions) -> None:
        """Mg over the step with the current metal velocity, then x_Mg onto the interface."""
        try:
            self.transport.step(step.dt)
        except BoundViolation as err:
            if isinstance(err, ModelBreakdown):
                raise
            raise BoundViolation(f"{err}: a Mg depletion layer thinner than a cell; [interdiffusion] nonnegative = "
                                 "true holds x_Mg >= 0 (and counts the Mg it creates), stabilization = \"streamline\" "
                                 "damps the undershoot (docs/model.md, \"Streamline diffusion\")") from err
        self._to_electrolyte(self.transport.x, self.interface_mg)

    def values(self, step: StepConditions) -> dict[str, float]:
        mg, spec = self.transport, self._window.spec
        bulk = mg.bulk_fraction
        foil = self.foil_thickness - step.capacity * self.molar_volume / FARADAY
        in_window = mg.amount() / (spec.width * (spec.depth or 1.0))
        return {
            "interface_x_Mg": mg.interface_mean(self._window.surface_area),
            "max_x_Mg": mg.extremes()[1],
            "foil_mean_x_Mg": (in_window + bulk * (foil - spec.metal_height)) / foil,
            "plated_layer_relative_Mg": self.line_scan.layer_mean(mg.x.x.array, step.plated_thickness) / bulk,
            "mg_created_relative": mg.created / self._initial_mg,
        }

    def write_line_scan(self, path: Path, header: str) -> None:
        """Plane-averaged x_Mg against distance from the interface (an EDS-like line scan)."""
        means = self.line_scan(self.transport.x.x.array)
        if means is not None:
            write_table(path, {"distance_um": self.line_scan.distance * si_factor("m", "um"), "x_Mg": means}, header)

    def fields(self) -> dict[str, list[fem.Function]]:
        return {"metal": [self.transport.x]}

    def checkpoint_fields(self) -> dict[str, fem.Function]:
        return {"x_Mg": self.transport.x}

    def checkpoint_state(self) -> dict:
        return {"mg_created": self.transport.created}

    def restart(self, state: dict) -> None:
        self.transport.x_old.x.array[:] = self.transport.x.x.array
        self.transport.created = state.get("mg_created", 0.0)  # older checkpoints have none
        self._to_electrolyte(self.transport.x, self.interface_mg)

    def snapshot(self) -> tuple[np.ndarray, float]:
        return self.transport.x_old.x.array.copy(), self.transport.created

    def restore(self, snapshot: tuple[np.ndarray, float]) -> None:
        self.transport.x.x.array[:], self.transport.created = snapshot
        self.transport.x_old.x.array[:] = self.transport.x.x.array

    def close(self) -> None:
        self.transport = None


@register("interdiffusion", "darken")
@register("interdiffusion", "fick")
def build_interdiffusion(resolved: ResolvedCase, interface: InterfaceFields, velocity,
                         top_normal_speed=None) -> SubModel:
    """Mg transport with the Darken or Fick diffusivity of ``[interdiffusion] model`` for an alloy,
    advected by ``velocity``, the bulk entering at ``top_normal_speed`` (None: the velocity's);
    :class:`NoInterdiffusion` when the metal set has no Mg."""
    metal, case = resolved.parameters("metal"), resolved.case
    if metal["magnesium_fraction"] == 0.0:
        return NoInterdiffusion()
    temperature = case.cell.temperature
    thermodynamics = li_mg_thermodynamics(metal, temperature)
    if case.interdiffusion.model == "darken":
        diffusivity = darken_interdiffusivity_of(metal, temperature)
    else:
        diffusivity = fick_diffusivity(tracer_diffusivities(metal, temperature)[1])
    transport = MagnesiumTransport(interface.window.metal, diffusivity, metal["magnesium_fraction"], velocity,
                                   top_normal_speed=top_normal_speed,
                                   streamline=case.interdiffusion.stabilization == "streamline",
                                   nonnegative=case.interdiffusion.nonnegative)
    return MagnesiumInterdiffusion(transport, interface, thermodynamics, metal["molar_volume"],
                                   case.cell.foil_thickness)
