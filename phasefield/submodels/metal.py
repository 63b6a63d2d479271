"""The metal parameter set turned into the physics objects that several sub-models share."""

from collections.abc import Callable

from phasefield.physics.interdiffusion import darken_interdiffusivity
from phasefield.physics.thermodynamics import RedlichKister
from phasefield.thermal_activation import li_tracer_alloy_factor, tracer_diffusivities


def li_mg_thermodynamics(metal: dict[str, float], temperature: float) -> RedlichKister:
    """The Redlich-Kister description of the metal set at ``temperature`` (K)."""
    return RedlichKister(
        (metal["rk_L0_a"], metal["rk_L1_a"], metal["rk_L2_a"]),
        (metal["rk_L0_b"], metal["rk_L1_b"], metal["rk_L2_b"]),
        temperature,
    )


def darken_interdiffusivity_of(metal: dict[str, float], temperature: float) -> Callable:
    """x -> the Darken interdiffusivity of the metal set at ``temperature`` (K), D*_Li lowered by Mg neighbours."""
    li, mg = tracer_diffusivities(metal, temperature)
    return darken_interdiffusivity(li_mg_thermodynamics(metal, temperature), li, mg,
                                   li_tracer_alloy_factor(metal, temperature))
