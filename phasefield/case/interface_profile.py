"""A rough interface for the window: ``[mesh] interface_profile = "rough.csv"`` or a geometry file.

The profile n = h(x) of the electrolyte surface (um; x from 0 to the window's width, heights positive into
the metal) comes from

* a CSV (``.csv``) with the header ``x_um,height_um`` and one row per point, x increasing; or
* any other file that meshio reads (gmsh ``.msh``, ``.vtk``, ``.vtu``, ...) holding the surface as a
  polyline: its line cells, or only points when it has none, at (x, h) in um in the x-y plane (z = 0);
  the points are sorted by x.

The mesher interpolates the points linearly (:func:`phasefield.mesh.window.roughen`). A name is relative
to the case file.
"""

import csv
import io
import math
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np

from phasefield.units import si_factor

HEADER = ["x_um", "height_um"]


def _read_csv(path: Path) -> list[tuple[float, float]]:
    """The (x, h) rows (um) of a profile CSV."""
    with path.open(newline="") as stream:
        rows = list(csv.reader(line for line in stream if not line.startswith("#")))
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
        points.append((x, h))
    return points


def _read_polyline(path: Path) -> list[tuple[float, float]]:
    """The (x, h) points (um) of a polyline in a file meshio reads: the points of its line cells (all its
    points when it has none), sorted by x."""
    import meshio

    said = io.StringIO()  # meshio prints why it cannot read a file, and exits on some formats
    try:
        with redirect_stdout(said), redirect_stderr(said):
            mesh = meshio.read(path)
    except (Exception, SystemExit) as err:  # meshio's readers raise many types for a malformed file
        reason = " ".join(said.getvalue().split()) or str(err)
        raise ValueError(f"cannot read the profile file {path} with meshio: {reason}") from None
    lines = [block.data.ravel() for block in mesh.cells if block.type.startswith("line")]
    points = mesh.points[np.unique(np.concatenate(lines))] if lines else mesh.points
    if points.shape[0] == 0:
        raise ValueError(f"{path}: expected the points of a polyline (x, height in um), got no points")
    if points.shape[1] > 2 and np.any(points[:, 2:] != 0.0):
        raise ValueError(f"{path}: expected a polyline in the x-y plane (x, height in um; z = 0), got z from "
                         f"{points[:, 2:].min():g} to {points[:, 2:].max():g}")
    if not np.all(np.isfinite(points)):
        raise ValueError(f"{path}: expected finite coordinates, got {points[~np.isfinite(points).all(axis=1)][0]}")
    ordered = points[np.argsort(points[:, 0], kind="stable"), :2]
    return [(float(x), float(h)) for x, h in ordered]


def read_interface_profile(value: object) -> tuple[tuple[float, float], ...] | object:
    """The (x, h) points (m) of the profile file ``value`` (a path: a CSV, or a polyline that meshio reads);
    ValueError with one line when the file cannot be read or is not a profile. Anything but a string is left
    to the schema's type check."""
    if not isinstance(value, str):
        return value
    path = Path(value)
    if not path.is_file():
        raise ValueError(f"cannot read the profile file {path}: no such file")
    try:
        points = _read_csv(path) if path.suffix.lower() == ".csv" else _read_polyline(path)
    except OSError as err:
        raise ValueError(f"cannot read the profile file {path}: {err.strerror}") from None
    if len(points) < 2:
        raise ValueError(f"{path}: expected at least two points, got {len(points)}")
    for (x0, _), (x1, _) in zip(points, points[1:], strict=False):
        if x1 <= x0:
            raise ValueError(f"{path}: expected x_um increasing, got x_um = {x1:g} after {x0:g}")
    scale = si_factor("um", "m")
    return tuple((x * scale, h * scale) for x, h in points)


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
