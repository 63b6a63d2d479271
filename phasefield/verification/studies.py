"""The registry of convergence studies run by ``phasefield verify``, by name."""

from phasefield.verification.allen_cahn import ALLEN_CAHN_SPACE
from phasefield.verification.cahn_hilliard import CAHN_HILLIARD_SPACE
from phasefield.verification.convergence import ConvergenceStudy
from phasefield.verification.coupled import COUPLED_SPACE, COUPLED_TIME
from phasefield.verification.creep import CREEP_CHANNEL, CREEP_NEWTONIAN
from phasefield.verification.electrochemistry import ELECTROCHEMISTRY_P1, ELECTROCHEMISTRY_P2
from phasefield.verification.interdiffusion import (
    INTERDIFFUSION_SPACE,
    INTERDIFFUSION_SPACE_STREAMLINE,
    INTERDIFFUSION_TIME,
)
from phasefield.verification.voids import VOIDS_SPACE, VOIDS_TIME

STUDIES: dict[str, ConvergenceStudy] = {study.name: study for study in (
    ALLEN_CAHN_SPACE, CAHN_HILLIARD_SPACE,
    ELECTROCHEMISTRY_P1, ELECTROCHEMISTRY_P2,
    INTERDIFFUSION_SPACE, INTERDIFFUSION_SPACE_STREAMLINE, INTERDIFFUSION_TIME,
    VOIDS_SPACE, VOIDS_TIME,
    CREEP_NEWTONIAN, CREEP_CHANNEL,
    COUPLED_TIME, COUPLED_SPACE,
)}
