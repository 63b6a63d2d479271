"""Uniform meshes for the convergence studies: interface windows without grading, the unit square."""

import dolfinx.mesh as dmesh
from mpi4py import MPI

from phasefield.case.schema import Mesh
from phasefield.mesh import InterfaceWindow, build_interface_window


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


def metal_window(width: float, height: float, nx: int, ny: int) -> InterfaceWindow:
    """A uniform ``nx`` x ``ny`` metal window over a one-cell electrolyte."""
    return build_interface_window(MPI.COMM_WORLD, Mesh.model_validate(dict(
        width=f"{width} m", metal_height=f"{height} m", electrolyte_height=f"{height / ny} m",
        cells_along_interface=nx, metal_cells=ny, electrolyte_cells=1, interface_cell_height=f"{height / ny} m")))



def unit_square(cells: int) -> dmesh.Mesh:
    """The unit square in ``cells`` x ``cells`` squares, each cut into two triangles."""
    return dmesh.create_unit_square(MPI.COMM_WORLD, cells, cells, dmesh.CellType.triangle)
