"""The metal parameter set turned into the physics objects that several sub-models share."""

from phasefield.physics.thermodynamics import RedlichKister


def li_mg_thermodynamics(metal: dict[str, float], temperature: float) -> RedlichKister:
    """The Redlich-Kister description of the metal set at ``temperature`` (K)."""
    return RedlichKister(
        (metal["rk_L0_a"], metal["rk_L1_a"], metal["rk_L2_a"]),
        (metal["rk_L0_b"], metal["rk_L1_b"], metal["rk_L2_b"]),
        temperature,
    )
