"""Interpolate a field between two meshes of the same region whose cells (and partitions) differ.

The target space's interpolation points (the nodes of a Lagrange space) are located in the source
mesh's cells once (:func:`dolfinx.fem.create_interpolation_data`, across ranks); each transfer then
evaluates the source there: u_target(x_i) = u_source(x_i) at every target node x_i. It is exact for a
source that the target space contains (a coarse field onto a refinement of it of the same degree, a
linear field onto any Lagrange space), and otherwise the target's nodal interpolant of the source.

DOLFINx locates points with absolute tolerances: in SI coordinates (a window of tens of micrometres, cells of
a few hundred nanometres) a point on the window's side was taken in a neighbouring cell on two ranks and
the field extrapolated from there (a metal fraction 0.90 for 0.92; the cell that contains it was found
on one rank, and on any rank count with the coordinates in micrometres). So both meshes are scaled to a size
of order one while the points are located and evaluated, by a power of two, which is exact in floating point
and leaves the coordinates bitwise as they were.
"""

import math
from contextlib import contextmanager

import numpy as np
from dolfinx import fem
from mpi4py import MPI

#: the points are searched in the source cells' bounding boxes grown by this (in the scaled coordinates, where the
#: region's size is between 1/2 and 1)
PADDING = 1e-10


class NonmatchingTransfer:
    """target <- source: ``source_space`` and ``target_space`` on two meshes of one region."""

    def __init__(self, source_space: fem.FunctionSpace, target_space: fem.FunctionSpace):
        mesh = target_space.mesh
        index_map = mesh.topology.index_map(mesh.topology.dim)
        self._cells = np.arange(index_map.size_local + index_map.num_ghosts, dtype=np.int32)
        x = mesh.geometry.x
        low, high = np.full(3, np.inf), np.full(3, -np.inf)
        mesh.comm.Allreduce(np.min(x, axis=0, initial=np.inf), low, op=MPI.MIN)
        mesh.comm.Allreduce(np.max(x, axis=0, initial=-np.inf), high, op=MPI.MAX)
        size = float(np.max(high - low)) or 1.0
        #: the power of two that brings the region's size (the same on every rank count) into [1/2, 1)
        self._scale = 2.0 ** -math.frexp(size)[1]
        self._meshes = (source_space.mesh, target_space.mesh)
        with self._scaled():
            self._data = fem.create_interpolation_data(target_space, source_space, self._cells, padding=PADDING)
        if mesh.comm.allreduce(int(np.count_nonzero(np.asarray(self._data.src_owner) < 0)), op=MPI.SUM):
            raise ValueError("a target node lies outside the source mesh: the two meshes do not cover one region")

    def __call__(self, source: fem.Function, target: fem.Function) -> None:
        """target <- source at the target's nodes (owned and ghost)."""
        with self._scaled():
            target.interpolate_nonmatching(source, self._cells, self._data)
        target.x.scatter_forward()

    @contextmanager
    def _scaled(self):
        """Both meshes' coordinates multiplied by the scale while inside, and restored bitwise after."""
        meshes = {id(mesh._cpp_object): mesh for mesh in self._meshes}.values()  # one mesh on both sides counts once
        for mesh in meshes:
            mesh.geometry.x[:] *= self._scale
        try:
            yield
        finally:
            for mesh in meshes:
                mesh.geometry.x[:] /= self._scale
