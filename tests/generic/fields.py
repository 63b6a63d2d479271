"""Initial fields shared by the generic-layer tests."""

import numpy as np


def pseudo_random(x: np.ndarray) -> np.ndarray:
    """Values in [0, 1) that look random from point to point but depend only on the coordinates,
    so that a field is the same on any number of MPI ranks."""
    return np.mod(np.sin(12.9898 * x[0] + 78.233 * x[1] + 37.719 * x[2]) * 43758.5453, 1.0)
