"""The computational window: metal (0 < n < H_m) over electrolyte (-H_e < n < 0).

``n`` is the coordinate normal to the interface: y in 2-D, z in 3-D. The mesh is structured,
built in parallel by DOLFINx, and graded geometrically towards the interface n = 0 on both
sides: with N cells over a height H and a first cell of height h0 at the interface, the cell
heights are h0 q^k (k = 0..N-1) with q >= 1 fixed by sum_k h0 q^k = H.

A rough interface (``WindowSpec.interface_profile``, heights h(x) along the first coordinate) moves every
vertex by h(x) (1 - n / H_m) above and h(x) (1 + n / H_e) below the interface: the interface follows
n = h(x), the metal top and the electrolyte bottom stay flat, and the cells keep their grading and tags.

Two areas of the interface: the projected one, W (W D in 3-D; :attr:`InterfaceWindow.interface_area`), which
the cell's current density and capacity are per (A/m^2 and mAh/cm^2 of cell area), and the true one,
the integral of 1 over the interface facets (:attr:`InterfaceWindow.surface_area`), which a mean over the
interface (the contact fraction, the interface x_Mg) divides by. On a flat window both are W (W D), exactly.
"""

from dataclasses import dataclass, replace
from enum import IntEnum

import dolfinx.mesh as dmesh
import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI


@dataclass(frozen=True)
class WindowSpec:
    """The window's geometry and cells (SI): ``width`` (and ``depth`` in 3-D) along the interface,
    ``metal_height`` above and ``electrolyte_height`` below it, graded from ``interface_cell_height``
    at the interface; ``cell_type`` ``"simplex"`` (triangles, tetrahedra) or ``"box"``; an optional
    ``interface_profile`` of (x, h) points (m, x increasing over [0, width]) that the interface follows."""

    width: float
    metal_height: float
    electrolyte_height: float
    cells_along_interface: int
    metal_cells: int
    electrolyte_cells: int
    interface_cell_height: float
    dimension: int = 2
    depth: float | None = None
    cells_across: int | None = None
    cell_type: str = "simplex"
    interface_profile: tuple[tuple[float, float], ...] | None = None


class CellTag(IntEnum):
    METAL = 1
    ELECTROLYTE = 2


class FacetTag(IntEnum):
    INTERFACE = 1
    METAL_TOP = 2
    ELECTROLYTE_BOTTOM = 3
    LATERAL = 4


@dataclass(frozen=True)
class Subdomain:
    """One side of the window as its own mesh, with boundary facets tagged by :class:`FacetTag`."""

    mesh: dmesh.Mesh
    facet_tags: dmesh.MeshTags
    entity_map: dmesh.EntityMap


@dataclass(frozen=True)
class InterfaceWindow:
    """The parent mesh with its tags, the metal and electrolyte submeshes, and the true area of the
    interface (``surface_area``: m per unit depth in 2-D, m^2 in 3-D; module docstring)."""

    spec: WindowSpec
    parent: dmesh.Mesh
    cell_tags: dmesh.MeshTags
    interface_facets: dmesh.MeshTags
    metal: Subdomain
    electrolyte: Subdomain
    surface_area: float

    @property
    def normal_axis(self) -> int:
        """Index of the coordinate normal to the interface (1 in 2-D, 2 in 3-D)."""
        return self.parent.geometry.dim - 1

    @property
    def interface_area(self) -> float:
        """The projected area of the interface, W per unit depth in 2-D (m) or W D in 3-D (m^2): the cell area
        that current densities and capacities are per. The true area of a rough interface is larger
        (:attr:`surface_area`)."""
        return projected_area(self.spec)


def coarsened(spec: WindowSpec, factor: int) -> WindowSpec:
    """The window of ``spec`` with ``factor`` times fewer cells along the interface (and across it in 3-D) and on each
    side, graded from a ``factor`` times taller first cell; the metal's cell counts must divide by ``factor`` (the
    electrolyte's are rounded down) and the interface be flat (a rough one would be followed at another resolution:
    the two meshes would not cover the same region)."""
    counts = dict(cells_along_interface=spec.cells_along_interface, metal_cells=spec.metal_cells)
    if spec.cells_across is not None:
        counts["cells_across"] = spec.cells_across
    if factor < 1 or any(count % factor for count in counts.values()):
        raise ValueError(f"the coarsening factor {factor} must be >= 1 and divide the cell counts {counts}")
    if spec.interface_profile is not None and factor > 1:
        raise ValueError("a rough interface cannot be coarsened")
    return replace(spec, interface_cell_height=spec.interface_cell_height * factor,
                   electrolyte_cells=max(1, spec.electrolyte_cells // factor),
                   **{key: count // factor for key, count in counts.items()})


def projected_area(spec: WindowSpec) -> float:
    """W per unit depth in 2-D (m), W D in 3-D (m^2)."""
    return spec.width * (spec.depth if spec.dimension == 3 else 1.0)


def true_area(side: Subdomain, spec: WindowSpec) -> float:
    """The integral of 1 over the interface facets of ``side`` (collective); :func:`projected_area` itself,
    bit for bit, when the interface is flat."""
    if spec.interface_profile is None:
        return projected_area(spec)
    ds = ufl.Measure("ds", domain=side.mesh, subdomain_data=side.facet_tags)
    area = fem.assemble_scalar(fem.form(fem.Constant(side.mesh, 1.0) * ds(int(FacetTag.INTERFACE))))
    return side.mesh.comm.allreduce(area, op=MPI.SUM)


def geometric_ratio(height: float, cells: int, first: float) -> float:
    """The ratio q >= 1 with first * (q^cells - 1) / (q - 1) = height (1 when cells are uniform)."""
    if first * cells >= height or cells == 1:
        return 1.0
    lo, hi = 1.0, 2.0
    while first * (hi**cells - 1) / (hi - 1) < height:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if first * (mid**cells - 1) / (mid - 1) < height:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def graded_coordinate(s: np.ndarray, height: float, cells: int, first: float) -> np.ndarray:
    """Map s in [0, 1] (uniform, s = k / cells at vertices) to distance from the interface."""
    q = geometric_ratio(height, cells, first)
    if q == 1.0:
        return height * s
    return height * (q ** (cells * s) - 1.0) / (q**cells - 1.0)


def _grade(parent: dmesh.Mesh, spec: WindowSpec) -> None:
    """Move the vertices of the index-space mesh (n in [-N_e, N_m]) to their graded positions."""
    n = parent.geometry.x[:, parent.geometry.dim - 1]
    metal = n >= 0
    n[metal] = graded_coordinate(
        n[metal] / spec.metal_cells, spec.metal_height, spec.metal_cells, spec.interface_cell_height
    )
    n[~metal] = -graded_coordinate(
        -n[~metal] / spec.electrolyte_cells,
        spec.electrolyte_height,
        spec.electrolyte_cells,
        spec.interface_cell_height,
    )


def roughen(mesh: dmesh.Mesh, spec: WindowSpec) -> None:
    """Move the vertices of ``mesh`` (the window or one side of it, tagged) onto the rough interface of
    ``spec``: n + h(x) (1 - n / H_m) for n >= 0, n + h(x) (1 + n / H_e) below (module docstring)."""
    x = mesh.geometry.x
    n = x[:, mesh.geometry.dim - 1]
    along, heights = np.array(spec.interface_profile).T
    h = np.interp(x[:, 0], along, heights)
    n += np.where(n >= 0, h * (1 - n / spec.metal_height), h * (1 + n / spec.electrolyte_height))


def _tag_boundary(mesh: dmesh.Mesh, markers: dict[FacetTag, callable]) -> dmesh.MeshTags:
    """Tag boundary facets with the first marker that claims them (all facets are claimed)."""
    fdim = mesh.topology.dim - 1
    mesh.topology.create_connectivity(fdim, mesh.topology.dim)
    indices, values = [], []
    taken = np.zeros(0, dtype=np.int32)
    for tag, marker in markers.items():
        facets = np.setdiff1d(dmesh.locate_entities_boundary(mesh, fdim, marker), taken)
        indices.append(facets)
        values.append(np.full(facets.size, int(tag), dtype=np.int32))
        taken = np.union1d(taken, facets)
    order = np.argsort(np.concatenate(indices))
    return dmesh.meshtags(
        mesh, fdim, np.concatenate(indices)[order].astype(np.int32), np.concatenate(values)[order]
    )


def _create_index_space_mesh(comm: MPI.Comm, spec: WindowSpec) -> dmesh.Mesh:
    cells_normal = spec.electrolyte_cells + spec.metal_cells
    if spec.dimension == 2:
        cell = dmesh.CellType.triangle if spec.cell_type == "simplex" else dmesh.CellType.quadrilateral
        return dmesh.create_rectangle(
            comm,
            [np.array([0.0, -spec.electrolyte_cells]), np.array([spec.width, spec.metal_cells])],
            [spec.cells_along_interface, cells_normal],
            cell,
        )
    cell = dmesh.CellType.tetrahedron if spec.cell_type == "simplex" else dmesh.CellType.hexahedron
    return dmesh.create_box(
        comm,
        [np.array([0.0, 0.0, -spec.electrolyte_cells]),
         np.array([spec.width, spec.depth, spec.metal_cells])],
        [spec.cells_along_interface, spec.cells_across, cells_normal],
        cell,
    )


def _subdomain(parent: dmesh.Mesh, cells: np.ndarray, markers: dict) -> Subdomain:
    sub, entity_map, _, _ = dmesh.create_submesh(parent, parent.topology.dim, cells)
    return Subdomain(sub, _tag_boundary(sub, markers), entity_map)


def build_interface_window(comm: MPI.Comm, spec: WindowSpec) -> InterfaceWindow:
    """Build the graded window of ``spec`` on ``comm`` with tagged cells, facets and submeshes."""
    parent = _create_index_space_mesh(comm, spec)
    _grade(parent, spec)
    axis, tdim = parent.geometry.dim - 1, parent.topology.dim
    tol = 1e-6 * spec.interface_cell_height

    def at_interface(x):
        return np.abs(x[axis]) < tol

    def lateral(x):
        return np.full(x.shape[1], True)

    metal_cells = dmesh.locate_entities(parent, tdim, lambda x: x[axis] > -tol)
    electrolyte_cells = dmesh.locate_entities(parent, tdim, lambda x: x[axis] < tol)
    cell_ids = np.concatenate([metal_cells, electrolyte_cells])
    cell_values = np.concatenate([
        np.full(metal_cells.size, CellTag.METAL, dtype=np.int32),
        np.full(electrolyte_cells.size, CellTag.ELECTROLYTE, dtype=np.int32),
    ])
    order = np.argsort(cell_ids)
    cell_tags = dmesh.meshtags(parent, tdim, cell_ids[order], cell_values[order])

    interface = dmesh.locate_entities(parent, tdim - 1, at_interface)
    interface_facets = dmesh.meshtags(
        parent, tdim - 1, interface, np.full(interface.size, FacetTag.INTERFACE, dtype=np.int32)
    )
    metal = _subdomain(parent, metal_cells, {
        FacetTag.INTERFACE: at_interface,
        FacetTag.METAL_TOP: lambda x: x[axis] > spec.metal_height - tol,
        FacetTag.LATERAL: lateral,
    })
    electrolyte = _subdomain(parent, electrolyte_cells, {
        FacetTag.INTERFACE: at_interface,
        FacetTag.ELECTROLYTE_BOTTOM: lambda x: x[axis] < -spec.electrolyte_height + tol,
        FacetTag.LATERAL: lateral,
    })
    if spec.interface_profile is not None:  # after tagging: the tags are the flat window's
        for mesh in (parent, metal.mesh, electrolyte.mesh):
            roughen(mesh, spec)
    return InterfaceWindow(spec, parent, cell_tags, interface_facets, metal, electrolyte,
                           true_area(electrolyte, spec))
