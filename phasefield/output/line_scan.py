"""Line scans normal to the interface: the mean of a field over each plane n = const.

Like an EDS line scan across the interface, averaged along it. The window mesh is structured, so
the P1 nodes of one plane form a tensor grid along the interface; the plane mean is the trapezoid
rule on that grid (exact for the P1 field), and between planes the field is linear in n.

The planes and weights are found once, from the node coordinates gathered to rank 0, and handed back to
the ranks that own the nodes; a scan then sums each rank's owned nodes per plane and adds the sums of the
ranks on rank 0 (a vector of one number per plane): the field itself is never gathered.
"""

import numpy as np
from dolfinx import fem
from mpi4py import MPI


def _trapezoid_weights(coordinates: np.ndarray) -> np.ndarray:
    """Normalised trapezoid weights of the points on a line (by their coordinate)."""
    unique, index = np.unique(np.round(coordinates, 15), return_inverse=True)
    if unique.size == 1:
        return np.ones_like(coordinates)
    spacing = np.diff(unique)
    weights = np.zeros(unique.size)
    weights[:-1] += 0.5 * spacing
    weights[1:] += 0.5 * spacing
    return weights[index] / (unique[-1] - unique[0])


class NormalLineScan:
    """Plane means of P1 functions of ``space`` against the distance n from the interface."""

    def __init__(self, space: fem.FunctionSpace, normal_axis: int, tolerance: float = 1e-12):
        owned = space.dofmap.index_map.size_local
        self._owned = owned
        self._comm = space.mesh.comm
        coordinates = self._comm.gather(space.tabulate_dof_coordinates()[:owned], root=0)
        distance, by_rank = None, None
        if self._comm.rank == 0:
            xyz = np.concatenate(coordinates)
            keys = np.round(xyz[:, normal_axis] / tolerance).astype(np.int64)
            distance, plane = np.unique(keys, return_inverse=True)
            tangential = [axis for axis in range(space.mesh.geometry.dim) if axis != normal_axis]
            weights = np.ones(xyz.shape[0])
            for index in range(distance.size):
                members = plane == index
                for axis in tangential:
                    weights[members] *= _trapezoid_weights(xyz[members, axis])
            bounds = np.cumsum([block.shape[0] for block in coordinates])[:-1]
            by_rank = list(zip(np.split(plane, bounds), np.split(weights, bounds), strict=True))
        #: the distance n (m) of each plane from the interface, ascending
        self.distance = self._comm.bcast(distance, root=0) * tolerance
        self._plane, self._weights = self._comm.scatter(by_rank, root=0)

    def __call__(self, values: np.ndarray) -> np.ndarray | None:
        """Plane means of the dof ``values`` (rank 0; None elsewhere), ordered by distance."""
        local = np.bincount(self._plane, weights=values[: self._owned] * self._weights, minlength=self.distance.size)
        means = np.empty_like(local) if self._comm.rank == 0 else None
        self._comm.Reduce(local, means, op=MPI.SUM, root=0)
        return means

    def layer_mean(self, values: np.ndarray, thickness: float) -> float:
        """Mean over 0 < n < ``thickness`` of the plane means (exact for P1 in n); on all ranks."""
        means = self(values)
        result = None
        if self._comm.rank == 0:
            if thickness <= 0.0:
                result = float("nan")
            else:
                edge = np.interp(thickness, self.distance, means)
                inside = self.distance < thickness
                n = np.append(self.distance[inside], thickness)
                m = np.append(means[inside], edge)
                result = float(np.trapezoid(m, n) / thickness)
        return self._comm.bcast(result, root=0)
