"""Uniform meshes for the convergence studies: interface windows without grading, the unit square."""

import dolfinx.mesh as dmesh
from mpi4py import MPI

from phasefield.mesh import InterfaceWindow, WindowSpec, build_interface_window


def uniform_window(cells: int, width: float = 10e-6, height: float = 10e-6, dimension: int = 2,
                   metal_cells: int = 1) -> WindowSpec:
    """A window with uniform cells (no grading): ``cells`` along and across the electrolyte."""
    return WindowSpec(
        dimension=dimension, width=width, metal_height=height / cells * metal_cells, electrolyte_height=height,
        cells_along_interface=cells, metal_cells=metal_cells, electrolyte_cells=cells,
        interface_cell_height=height / cells, depth=width if dimension == 3 else None,
        cells_across=cells if dimension == 3 else None,
    )


def metal_window(width: float, height: float, nx: int, ny: int) -> InterfaceWindow:
    """A uniform ``nx`` x ``ny`` metal window over a one-cell electrolyte."""
    return build_interface_window(MPI.COMM_WORLD, WindowSpec(
        width=width, metal_height=height, electrolyte_height=height / ny, cells_along_interface=nx, metal_cells=ny,
        electrolyte_cells=1, interface_cell_height=height / ny))



def unit_square(cells: int) -> dmesh.Mesh:
    """The unit square in ``cells`` x ``cells`` squares, each cut into two triangles."""
    return dmesh.create_unit_square(MPI.COMM_WORLD, cells, cells, dmesh.CellType.triangle)
