"""Copy a P1 field from one submesh to the other across the interface, vertex by vertex.

Both submeshes share the interface vertices, so a P1 field of one side is reproduced on the
interface of the other by copying the nodal values at the same points: exact, and the same on any
number of ranks. (Point-location interpolation, used before, can pick a thin neighbouring cell that
does not contain the interface vertex and extrapolate from it: on a column graded to a few nm, 1.5
instead of 2 at a corner; found by the coupled space-convergence study of ``phasefield verify``.)

The source's interface values are gathered on every rank (the interface is one dimension lower
than the window: a few thousand values) and matched to the target's interface dofs by coordinates
once; each transfer is one allgather. Target dofs off the interface keep their values: they do not
enter the interface integrals.
"""

import numpy as np
from dolfinx import fem
from scipy.spatial import cKDTree

from phasefield.mesh.window import FacetTag, Subdomain


def interface_dofs(space: fem.FunctionSpace, side: Subdomain) -> np.ndarray:
    """Local (owned and ghost) dofs of the P1 ``space`` on the interface facets of ``side``."""
    fdim = side.mesh.topology.dim - 1
    return fem.locate_dofs_topological(space, fdim, side.facet_tags.find(int(FacetTag.INTERFACE)))


class InterfaceTransfer:
    """target <- source at the interface vertices, for P1 spaces of the two sides."""

    def __init__(self, source_space: fem.FunctionSpace, source: Subdomain, target_space: fem.FunctionSpace,
                 target: Subdomain):
        self._comm = source.mesh.comm
        owned = source_space.dofmap.index_map.size_local
        dofs = interface_dofs(source_space, source)
        self._source_dofs = dofs[dofs < owned]
        points = np.concatenate(self._comm.allgather(source_space.tabulate_dof_coordinates()[self._source_dofs]))
        self._target_dofs = interface_dofs(target_space, target)
        targets = target_space.tabulate_dof_coordinates()[self._target_dofs]
        scale = float(np.max(np.ptp(points, axis=0), initial=0.0)) or 1.0
        distance, self._match = cKDTree(points).query(targets)
        if targets.size and np.max(distance) > 1e-9 * scale:
            raise RuntimeError(f"interface vertices of the two sides do not coincide (off by {np.max(distance):.3g} m)")

    def __call__(self, source: fem.Function, target: fem.Function) -> None:
        """target <- source on the interface (other target values are kept)."""
        values = np.concatenate(self._comm.allgather(source.x.array[self._source_dofs]))
        target.x.array[self._target_dofs] = values[self._match]
