"""Helpers shared by tests: mesh specifications, observed convergence orders, the CLI command line."""

import sys
from pathlib import Path

import numpy as np

from phasefield.case.schema import Mesh


def uniform_window(cells: int, width: float = 10e-6, height: float = 10e-6, dimension: int = 2,
                   metal_cells: int = 1) -> Mesh:
    """A window with uniform cells (no grading): ``cells`` along and across the electrolyte."""
    spec = dict(
        dimension=dimension, width=f"{width} m", metal_height=f"{height / cells * metal_cells} m",
        electrolyte_height=f"{height} m", cells_along_interface=cells, metal_cells=metal_cells,
        electrolyte_cells=cells, interface_cell_height=f"{height / cells} m",
    )
    if dimension == 3:
        spec.update(depth=f"{width} m", cells_across=cells)
    return Mesh.model_validate(spec)


def observed_orders(sizes: list[float], errors: list[float]) -> np.ndarray:
    """log(e_{k+1}/e_k) / log(h_{k+1}/h_k) for successive refinements."""
    h, e = np.asarray(sizes), np.asarray(errors)
    return np.log(e[1:] / e[:-1]) / np.log(h[1:] / h[:-1])


DATA = Path(__file__).parent / "data"
MPIEXEC = str(Path(sys.executable).parent / "mpiexec")


def run_command(case: Path, output: Path, ranks: int = 1, restart: bool = False) -> list[str]:
    """``phasefield run CASE -o OUTPUT -q`` with this interpreter, under mpiexec for ranks > 1."""
    args = [sys.executable, "-m", "phasefield", "run", str(case), "-o", str(output), "-q"]
    args += ["--restart"] if restart else []
    return [MPIEXEC, "-n", str(ranks), *args] if ranks > 1 else args
