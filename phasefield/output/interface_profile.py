"""Profiles along the interface (x, or x and z in 3-D): gathered to rank 0 and written as CSV."""

from pathlib import Path

import numpy as np
from dolfinx import fem
from mpi4py import MPI

from phasefield.mesh import FacetTag, Subdomain
from phasefield.output.timeseries import write_table
from phasefield.units import si_factor


class InterfaceProfile:
    """Samples P1 functions of one space at the owned dofs that lie on the interface."""

    def __init__(self, space: fem.FunctionSpace, side: Subdomain):
        fdim = side.mesh.topology.dim - 1
        dofs = fem.locate_dofs_topological(space, fdim, side.facet_tags.find(int(FacetTag.INTERFACE)))
        self._dofs = dofs[dofs < space.dofmap.index_map.size_local]
        self._coordinates = space.tabulate_dof_coordinates()[self._dofs]
        self._tangential = side.mesh.geometry.dim - 1
        self._comm = side.mesh.comm

    def gather(self, values: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
        """On rank 0: coordinates along the interface and ``values`` sampled there, sorted."""
        local = np.column_stack(
            [self._coordinates[:, : self._tangential]] + [v[self._dofs] for v in values.values()]
        )
        blocks = self._comm.gather(local, root=0)
        if self._comm.rank != 0:
            return None
        table = np.concatenate(blocks)
        table = table[np.lexsort(table[:, : self._tangential][:, ::-1].T)]
        names = ["x_um", "z_um"][: self._tangential] + list(values)
        table[:, : self._tangential] *= si_factor("m", "um")
        return dict(zip(names, table.T, strict=True))

    def max_abs(self, values: np.ndarray) -> float:
        """Largest magnitude of ``values`` on the interface, over all ranks."""
        local = float(np.max(np.abs(values[self._dofs]), initial=0.0))
        return self._comm.allreduce(local, op=MPI.MAX)

    def write(self, path: Path, values: dict[str, np.ndarray], header: str) -> None:
        """Gather ``values`` and write them to ``path`` (rank 0) with a comment ``header``."""
        table = self.gather(values)
        if table is not None:
            write_table(path, table, header)
