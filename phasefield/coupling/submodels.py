"""Build the sub-models of a case from its SI parameters (no time stepping here)."""

import numpy as np
from dolfinx import fem
from petsc4py import PETSc

from phasefield.case import ResolvedCase
from phasefield.mesh import InterfaceWindow
from phasefield.physics.electrochemistry import (
    ButlerVolmer,
    GalvanostaticElectrolyte,
    electrolyte_conductivity,
    series_resistance,
)
from phasefield.physics.interdiffusion import (
    MagnesiumTransport,
    arrhenius,
    arrhenius_from_reference,
    darken_interdiffusivity,
    fick_diffusivity,
)
from phasefield.physics.thermodynamics import RedlichKister


def li_mg_thermodynamics(metal: dict[str, float], temperature: float) -> RedlichKister:
    """The Redlich-Kister description of the metal set at ``temperature``."""
    return RedlichKister(
        (metal["rk_L0_a"], metal["rk_L1_a"], metal["rk_L2_a"]),
        (metal["rk_L0_b"], metal["rk_L1_b"], metal["rk_L2_b"]),
        temperature,
    )


def tracer_diffusivities(metal: dict[str, float], temperature: float) -> tuple[float, float]:
    """(D*_Li, D*_Mg) in m^2/s at ``temperature``."""
    li = arrhenius_from_reference(metal["li_tracer_diffusivity"], metal["li_tracer_reference_temperature"],
                                  metal["li_tracer_activation_energy"], temperature)
    mg = arrhenius(metal["mg_tracer_prefactor"], metal["mg_tracer_activation_energy"], temperature)
    return li, mg


def build_electrochemistry(resolved: ResolvedCase, window: InterfaceWindow,
                           equilibrium_potential) -> GalvanostaticElectrolyte:
    case = resolved.case
    metal, electrolyte = resolved.parameters("metal"), resolved.parameters("electrolyte")
    counter = resolved.parameters("counter_electrode")
    conductivity = electrolyte_conductivity(
        electrolyte["conductivity"], electrolyte["conductivity_reference_temperature"],
        electrolyte["conductivity_activation_energy"], case.cell.temperature,
    )
    kinetics = ButlerVolmer(metal["exchange_current_density"], metal["anodic_transfer_coefficient"],
                            metal["cathodic_transfer_coefficient"], case.cell.temperature)
    return GalvanostaticElectrolyte(
        window.electrolyte, kinetics, conductivity,
        series_resistance(electrolyte["pellet_thickness"], case.mesh.electrolyte_height, conductivity,
                          counter["area_specific_resistance"]),
        window.interface_area, contact_floor=case.solver.contact_floor,
        equilibrium_potential=equilibrium_potential,
    )


def mass_balance_velocity(window: InterfaceWindow) -> fem.Constant:
    """The uniform metal velocity v = -(i Omega / F) e_n, set by the coupler each step."""
    return fem.Constant(window.metal.mesh, np.zeros(window.parent.geometry.dim, dtype=PETSc.ScalarType))


def build_interdiffusion(resolved: ResolvedCase, window: InterfaceWindow,
                         velocity) -> MagnesiumTransport | None:
    """Mg transport for an alloy (None for pure Li, where x_Mg = 0 throughout)."""
    metal = resolved.parameters("metal")
    if metal["magnesium_fraction"] == 0.0:
        return None
    temperature = resolved.case.cell.temperature
    li, mg = tracer_diffusivities(metal, temperature)
    if resolved.case.interdiffusion.model == "darken":
        diffusivity = darken_interdiffusivity(li_mg_thermodynamics(metal, temperature), li, mg)
    else:
        diffusivity = fick_diffusivity(mg)
    return MagnesiumTransport(window.metal, diffusivity, metal["magnesium_fraction"], velocity)
