"""A rough interface for the window: ``[mesh] interface_profile = "rough.csv"``.

The file is a CSV with the header ``x_um,height_um`` and one row per point of the interface profile
n = h(x) (um; x increasing from 0 to the window's width, heights positive into the metal); the mesher
interpolates it linearly (:func:`phasefield.mesh.window.roughen`). A name is relative to the case file.
"""

import csv
import math
from pathlib import Path

from phasefield.units import si_factor

HEADER = ["x_um", "height_um"]


def read_interface_profile(value: object) -> tuple[tuple[float, float], ...] | object:
    """The (x, h) points (m) of the profile file ``value`` (a path); ValueError with one line when the
    file cannot be read or is not a profile. Anything but a string is left to the schema's type check."""
    if not isinstance(value, str):
        return value
    path = Path(value)
    try:
        with path.open(newline="") as stream:
            rows = list(csv.reader(line for line in stream if not line.startswith("#")))
    except OSError as err:
        raise ValueError(f"cannot read the profile file {path}: {err.strerror}") from None
    if not rows or [name.strip() for name in rows[0]] != HEADER:
        got = ",".join(rows[0]) if rows else "nothing"
        raise ValueError(f"{path}: expected the header {','.join(HEADER)}, got {got}")
    points = []
    for number, row in enumerate(rows[1:], start=2):
        try:
            x, h = (float(cell) for cell in row)
        except ValueError:
            raise ValueError(f"{path} line {number}: expected two numbers (x_um, height_um), got {row}") from None
        if not (math.isfinite(x) and math.isfinite(h)):
            raise ValueError(f"{path} line {number}: expected finite numbers, got {row}")
        points.append((x * si_factor("um", "m"), h * si_factor("um", "m")))
    if len(points) < 2 or any(b[0] <= a[0] for a, b in zip(points, points[1:], strict=False)):
        raise ValueError(f"{path}: expected at least two points with x_um increasing")
    return tuple(points)


def check_profile(points: tuple[tuple[float, float], ...], width: float, metal_height: float,
                  electrolyte_height: float) -> None:
    """ValueError unless the profile spans the window's width and stays within half of each side."""
    first, last = points[0][0], points[-1][0]
    if abs(first) > 1e-9 * width or abs(last - width) > 1e-9 * width:
        raise ValueError(f"interface_profile must span x = 0 to the width {width * 1e6:g} um, "
                         f"got {first * 1e6:g} to {last * 1e6:g} um")
    limit = 0.5 * min(metal_height, electrolyte_height)
    highest = max(abs(h) for _, h in points)
    if highest >= limit:
        raise ValueError(f"interface_profile heights must stay below half the thinner side ({limit * 1e6:g} um), "
                         f"got {highest * 1e6:g} um")
