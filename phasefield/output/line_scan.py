"""Line scans normal to the interface: the mean of a field over each plane n = const.

Like an EDS line scan across the interface, averaged along it. The window mesh is structured, so
the P1 nodes of one plane form a tensor grid along the interface; the plane mean is the trapezoid
rule on that grid (exact for the P1 field), and between planes the field is linear in n.
"""

import numpy as np
from dolfinx import fem


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
        if self._comm.rank != 0:
            return
        xyz = np.concatenate(coordinates)
        keys = np.round(xyz[:, normal_axis] / tolerance).astype(np.int64)
        self.distance, self._plane = np.unique(keys, return_inverse=True)
        self.distance = self.distance * tolerance
        tangential = [axis for axis in range(space.mesh.geometry.dim) if axis != normal_axis]
        self._weights = np.ones(xyz.shape[0])
        for plane in range(self.distance.size):
            members = self._plane == plane
            for axis in tangential:
                self._weights[members] *= _trapezoid_weights(xyz[members, axis])

    def __call__(self, values: np.ndarray) -> np.ndarray | None:
        """Plane means of the dof ``values`` (rank 0; None elsewhere), ordered by distance."""
        gathered = self._comm.gather(values[: self._owned], root=0)
        if self._comm.rank != 0:
            return None
        return np.bincount(self._plane, weights=np.concatenate(gathered) * self._weights,
                           minlength=self.distance.size)

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
