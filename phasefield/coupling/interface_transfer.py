"""Move a field from the metal submesh to the electrolyte submesh across the interface.

Both submeshes share the interface vertices, so interpolating a Lagrange field of the metal into
the same space on the electrolyte cells that touch the interface reproduces it there exactly. The
point-ownership data are computed once; each transfer is one parallel interpolation.
"""

import numpy as np
from dolfinx import fem
from dolfinx import mesh as dmesh

from phasefield.mesh import FacetTag, Subdomain


def cells_touching_interface(side: Subdomain) -> np.ndarray:
    """Local indices of the cells of ``side`` that have a facet on the interface."""
    tdim = side.mesh.topology.dim
    facets = side.facet_tags.find(int(FacetTag.INTERFACE))
    return np.unique(dmesh.compute_incident_entities(side.mesh.topology, facets, tdim - 1, tdim))


class InterfaceTransfer:
    """Interpolates functions of ``source_space`` into ``target_space`` next to the interface."""

    def __init__(self, source_space: fem.FunctionSpace, target_space: fem.FunctionSpace,
                 target: Subdomain):
        self.cells = cells_touching_interface(target).astype(np.int32)
        self._data = fem.create_interpolation_data(target_space, source_space, self.cells)

    def __call__(self, source: fem.Function, target: fem.Function) -> None:
        """target <- source on the interface cells of the target (other values are kept)."""
        target.interpolate_nonmatching(source, self.cells, self._data)
        target.x.scatter_forward()
