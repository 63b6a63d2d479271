"""The metal parameter set turned into the physics objects that several sub-models share."""

from phasefield.constants import AVOGADRO
from phasefield.physics.thermodynamics import RedlichKister
from phasefield.thermal_activation import arrhenius, arrhenius_from_reference


def li_mg_thermodynamics(metal: dict[str, float], temperature: float) -> RedlichKister:
    """The Redlich-Kister description of the metal set at ``temperature`` (K)."""
    return RedlichKister(
        (metal["rk_L0_a"], metal["rk_L1_a"], metal["rk_L2_a"]),
        (metal["rk_L0_b"], metal["rk_L1_b"], metal["rk_L2_b"]),
        temperature,
    )


def tracer_diffusivities(metal: dict[str, float], temperature: float) -> tuple[float, float]:
    """(D*_Li, D*_Mg) in m^2/s at ``temperature`` (K): Arrhenius from the set's reference values (activation
    energies per mole)."""
    li = arrhenius_from_reference(metal["li_tracer_diffusivity"], metal["li_tracer_reference_temperature"],
                                  metal["li_tracer_activation_energy"] / AVOGADRO, temperature)
    mg = arrhenius(metal["mg_tracer_prefactor"], metal["mg_tracer_activation_energy"] / AVOGADRO, temperature)
    return li, mg
