"""Requirement: the creep may be solved on a coarser mesh of the metal than the fields it advects
(``[creep] mesh_coarsening``). The two meshes are not nested (each is graded from its own first cell) and are
partitioned on their own, so the transfers between them must be exact wherever the spaces hold the field: a
quadratic velocity from the creep mesh's P2 onto the fields' P2, a linear driver from the fields' P1 onto the creep
mesh's, on one rank or two. A Newtonian creep flow with a divergence linear in the height has the exact quadratic
velocity v = (0, s0 y + s1 y^2 / 2) on either mesh, so the fields receive it to solver tolerance. The volume the sinks
remove, the integral of m(phi) s, is the same on the creep mesh as on the fields' mesh, where the nodal interpolation
of a divergence steep at the interface alone would lose a share of it."""

import numpy as np
import pytest
import ufl
from dolfinx import fem
from helpers import json_on_two_ranks
from mpi4py import MPI

from phasefield.mesh import WindowSpec, build_interface_window
from phasefield.mesh.nonmatching_transfer import NonmatchingTransfer
from phasefield.mesh.window import coarsened
from phasefield.physics.creep import QUADRATURE_DEGREE, NortonLaw, metal_weight
from phasefield.physics.creep_flow import CreepFlow

#: a graded window: 16 x 12 metal cells from a first cell of 0.1 um, over a graded electrolyte
SPEC = WindowSpec(width=4e-6, metal_height=3e-6, electrolyte_height=2e-6, cells_along_interface=16, metal_cells=12,
                  electrolyte_cells=4, interface_cell_height=0.1e-6)
S0, S1 = 2e-6, -0.3  # 1/s and 1/(m s): div v = S0 + S1 y, from 2e-6 to 1.1e-6 1/s over the metal's height
VISCOSITY = 1e12  # Pa s


def quadratic(x):
    """A vector field of full degree 2 in x and y."""
    return np.vstack([1.0 + 2e5 * x[0] - 3e11 * x[0] * x[1] + 4e11 * x[1] ** 2,
                      -0.5 + 1e5 * x[1] + 2e11 * x[0] ** 2 - 1e11 * x[0] * x[1]])


def test_coarsened_window_has_fewer_cells_each_way_and_a_taller_first_cell():
    coarse = coarsened(SPEC, 2)
    assert (coarse.cells_along_interface, coarse.metal_cells, coarse.electrolyte_cells) == (8, 6, 2)
    assert coarse.interface_cell_height == pytest.approx(0.2e-6, rel=1e-15)
    assert (coarse.width, coarse.metal_height) == (SPEC.width, SPEC.metal_height)
    with pytest.raises(ValueError, match="divide"):
        coarsened(SPEC, 5)
    with pytest.raises(ValueError, match="rough"):
        coarsened(WindowSpec(**{**SPEC.__dict__, "interface_profile": ((0.0, 0.0), (4e-6, 1e-7))}), 2)


@pytest.mark.parametrize("degree", [1, 2])
def test_transfer_between_unnested_meshes_is_exact_for_fields_the_target_space_holds(degree):
    fine = build_interface_window(MPI.COMM_WORLD, SPEC).metal.mesh
    coarse = build_interface_window(MPI.COMM_WORLD, coarsened(SPEC, 2)).metal.mesh
    source = fem.Function(fem.functionspace(coarse, ("Lagrange", degree, (2,))))
    exact = quadratic if degree == 2 else (lambda x: np.vstack([1.0 + 2e5 * x[0], -0.5 + 1e5 * x[1]]))
    source.interpolate(exact)
    target = fem.Function(fem.functionspace(fine, ("Lagrange", degree, (2,))))
    NonmatchingTransfer(source.function_space, target.function_space)(source, target)
    expected = fem.Function(target.function_space)
    expected.interpolate(exact)
    error = MPI.COMM_WORLD.allreduce(float(np.max(np.abs(target.x.array - expected.x.array), initial=0.0)),
                                     op=MPI.MAX)
    assert error <= 1e-12 * np.max(np.abs(expected.x.array))
    assert np.max(np.abs(expected.x.array)) > 0.4  # the field is there


#: the metal of tests/data/tiny_creep.toml (SI): where DOLFINx's point location in SI coordinates took a point on the
#: window's side in a neighbouring cell on two ranks (nonmatching_transfer's docstring)
SIDE_SPEC = WindowSpec(width=20e-6, metal_height=8e-6, electrolyte_height=20e-6, cells_along_interface=60,
                       metal_cells=12, electrolyte_cells=6, interface_cell_height=0.3e-6)


def steep_near_the_sides(x):
    """A field that changes by ~1 over 0.2 um next to both sides of SIDE_SPEC's window, as a void's edge."""
    return np.tanh((x[1] - 1e-6) / 0.4e-6) * np.tanh((x[0] - 19.5e-6) / 0.2e-6) + np.tanh((x[0] - 0.5e-6) / 0.2e-6)


def side_transfer_error() -> float:
    """The largest error of a P1 field transferred onto the coarsened window's nodes on its two sides, against its
    P1 interpolant there: along a side, the linear interpolation between the fine side nodes."""
    comm = MPI.COMM_WORLD
    fine = build_interface_window(comm, SIDE_SPEC).metal.mesh
    coarse = build_interface_window(comm, coarsened(SIDE_SPEC, 2)).metal.mesh
    source = fem.Function(fem.functionspace(fine, ("Lagrange", 1)))
    source.interpolate(steep_near_the_sides)
    target = fem.Function(fem.functionspace(coarse, ("Lagrange", 1)))
    NonmatchingTransfer(source.function_space, target.function_space)(source, target)
    error = 0.0
    for side in (0.0, SIDE_SPEC.width):
        nodes = source.function_space.tabulate_dof_coordinates()
        on_side = np.abs(nodes[:, 0] - side) < 1e-9 * SIDE_SPEC.width
        heights = np.concatenate(comm.allgather(nodes[on_side, 1]))
        values = np.concatenate(comm.allgather(source.x.array[on_side]))
        order = np.argsort(heights)
        points = target.function_space.tabulate_dof_coordinates()
        at = np.abs(points[:, 0] - side) < 1e-9 * SIDE_SPEC.width
        expected = np.interp(points[at, 1], heights[order], values[order])
        error = max(error, float(np.max(np.abs(target.x.array[at] - expected), initial=0.0)))
    return comm.allreduce(error, op=MPI.MAX)


def test_transfer_takes_each_point_on_the_window_side_in_the_cell_that_holds_it():
    assert side_transfer_error() <= 1e-12


def test_transfer_refuses_a_target_outside_the_source():
    small = build_interface_window(MPI.COMM_WORLD, coarsened(SPEC, 2)).metal.mesh
    wide = build_interface_window(MPI.COMM_WORLD, WindowSpec(**{**SPEC.__dict__, "width": 2 * SPEC.width})).metal.mesh
    with pytest.raises(ValueError, match="outside the source mesh"):
        NonmatchingTransfer(fem.functionspace(small, ("Lagrange", 1)), fem.functionspace(wide, ("Lagrange", 1)))


#: the same window in quadrilaterals, and in 3-D (tetrahedra, 2 um deep with 4 cells across)
BOX_SPEC = WindowSpec(**{**SPEC.__dict__, "cell_type": "box"})
SPEC_3D = WindowSpec(**{**SPEC.__dict__, "dimension": 3, "depth": 2e-6, "cells_across": 4})


def newtonian_channel(coarsening: int, spec: WindowSpec = SPEC, contact: str = "unilateral"
                      ) -> tuple[CreepFlow, fem.Function]:
    """A Newtonian creep flow of ``spec``'s metal bound to div v = ``divergence`` (a P1 field of the fields' mesh, to
    be set) in all metal, with the creep on the window coarsened ``coarsening`` times (1: on the fields' mesh)."""
    window = build_interface_window(MPI.COMM_WORLD, spec)
    creep_metal = (None if coarsening == 1
                   else build_interface_window(MPI.COMM_WORLD, coarsened(spec, coarsening)).metal)
    flow = CreepFlow(window.metal, NortonLaw(1.0, 1.0 / (3.0 * VISCOSITY)), 0.2e6, contact=contact,
                     creep_metal=creep_metal)
    mesh = window.metal.mesh
    metal = fem.Function(fem.functionspace(mesh, ("Lagrange", 1)))
    metal.x.array[:] = 1.0
    divergence = fem.Function(fem.functionspace(mesh, ("Lagrange", 1)))
    flow.bind(divergence, metal)
    return flow, divergence


def channel_error(flow: CreepFlow, s0: float, s1: float) -> float:
    """The largest error of the fields' creep velocity against s0 z + s1 z^2 / 2 along the interface's normal z (y in
    2-D), relative to its largest value."""
    expected = fem.Function(flow.velocity.function_space)
    dim = flow.velocity.function_space.mesh.geometry.dim
    expected.interpolate(lambda x: np.vstack([0.0 * x[0]] * (dim - 1) + [s0 * x[dim - 1] + 0.5 * s1 * x[dim - 1] ** 2]))
    comm = MPI.COMM_WORLD
    error = comm.allreduce(float(np.max(np.abs(flow.velocity.x.array - expected.x.array), initial=0.0)), op=MPI.MAX)
    return error / comm.allreduce(float(np.max(np.abs(expected.x.array), initial=0.0)), op=MPI.MAX)


def solve_newtonian_channel(coarsening: int, spec: WindowSpec = SPEC, contact: str = "unilateral") -> float:
    """:func:`channel_error` of the channel with div v = S0 + S1 z."""
    flow, divergence = newtonian_channel(coarsening, spec, contact)
    dim = spec.dimension
    divergence.interpolate(lambda x: S0 + S1 * x[dim - 1])
    flow.solve()
    return channel_error(flow, S0, S1)


@pytest.mark.parametrize("coarsening", [1, 2, 4])
def test_newtonian_creep_on_its_own_mesh_gives_the_fields_the_exact_quadratic_velocity(coarsening):
    assert solve_newtonian_channel(coarsening) <= 1e-12


@pytest.mark.parametrize("spec,contact", [(BOX_SPEC, "unilateral"), (SPEC_3D, "unilateral"), (SPEC, "impenetrable"),
                                          (SPEC, "metal_fraction")],
                         ids=["box", "3d", "impenetrable", "metal_fraction"])
def test_coarse_creep_is_exact_on_box_cells_in_3d_and_under_every_contact_rule(spec, contact):
    """k = 2 with quadrilaterals (Q2/Q1), in 3-D (tetrahedra; the normal is z) and under the two other contact rules (in
    full contact all three hold every interface facet)."""
    assert solve_newtonian_channel(2, spec, contact) <= 1e-10


def test_creep_on_its_own_mesh_reads_the_drivers_anew_at_each_solve():
    """A changed divergence is seen by the next solve (and by the drivers' change), not only by the first."""
    flow, divergence = newtonian_channel(2)
    divergence.interpolate(lambda x: S0 + S1 * x[1])
    flow.solve()
    assert flow.drivers_change() == 0.0
    divergence.interpolate(lambda x: -S0 + 0.0 * x[1])
    assert flow.drivers_change() == pytest.approx(2.0, rel=1e-12)  # |-S0 - S0| at y = 0 over the largest, S0
    flow.solve()
    assert channel_error(flow, -S0, 0.0) <= 1e-12


def half_disc_void(x, dim: int):
    """A metal fraction with a void 2 um wide on the interface at x = 2 um (a half cylinder in 3-D), its edge 0.2 um
    wide."""
    return 0.5 * (1.0 + np.tanh((np.hypot(x[0] - 2e-6, x[dim - 1]) - 1e-6) / 0.2e-6))


def steep_sink(x, dim: int):
    """A sink divergence (1/s) that falls over the first fine cell (0.1 um) from the interface (x: points, or UFL's)."""
    exp = ufl.exp if isinstance(x, ufl.SpatialCoordinate) else np.exp
    return -S0 * exp(-x[dim - 1] / 0.1e-6)


def volume_source_errors(spec: WindowSpec = SPEC) -> tuple[float, float]:
    """The relative error of the volume the creep on the coarsened window (k = 2) removes, the integral of m(phi) s,
    against the fields' mesh: (with the creep's transfer, with the nodal interpolation of phi and s alone)."""
    comm = MPI.COMM_WORLD
    flow, divergence = newtonian_channel(2, spec)
    metal = fem.Function(divergence.function_space)
    metal.interpolate(lambda x: half_disc_void(x, spec.dimension))
    divergence.interpolate(lambda x: steep_sink(x, spec.dimension))
    mesh = metal.function_space.mesh
    sink = steep_sink(ufl.SpatialCoordinate(mesh), spec.dimension)  # the creep reads the expression, as the sinks' rate
    flow.bind(sink, metal)
    dx = ufl.dx(domain=mesh, metadata={"quadrature_degree": QUADRATURE_DEGREE})
    fine = comm.allreduce(fem.assemble_scalar(fem.form(metal_weight(2.0 * metal) * sink * dx)))
    coarse_space = flow.creep.phi.function_space
    nodal = [fem.Function(coarse_space) for _ in range(2)]
    transfer = NonmatchingTransfer(divergence.function_space, coarse_space)
    transfer(metal, nodal[0])
    transfer(divergence, nodal[1])
    dx = ufl.dx(domain=coarse_space.mesh, metadata={"quadrature_degree": QUADRATURE_DEGREE})
    interpolated = comm.allreduce(fem.assemble_scalar(fem.form(metal_weight(2.0 * nodal[0]) * nodal[1] * dx)))
    return abs(flow.creep.source_integral() / fine - 1.0), abs(interpolated / fine - 1.0)


@pytest.mark.parametrize("spec", [SPEC, BOX_SPEC, SPEC_3D], ids=["triangles", "box", "3d"])
def test_creep_on_a_coarse_mesh_removes_the_volume_the_sinks_remove_on_the_fields_mesh(spec):
    conserved, nodal = volume_source_errors(spec)
    assert conserved <= 1e-12
    assert nodal > 1e-2  # the nodal interpolation alone misses it: the correction is what conserves


def test_transfers_and_creep_on_a_coarse_mesh_are_exact_on_two_ranks(tmp_path):
    """The two meshes are partitioned independently on two ranks: the transfers must find every point in the cell that
    holds it, and the creep on the coarse mesh give the exact velocity."""
    errors = json_on_two_ranks(tmp_path, __file__, """
        from test_creep_mesh import side_transfer_error, solve_newtonian_channel, volume_source_errors
        values = {"channel": solve_newtonian_channel(2), "side": side_transfer_error(),
                  "volume_source": volume_source_errors()[0]}
    """)
    assert errors["channel"] <= 1e-7
    assert errors["side"] <= 1e-12
    assert errors["volume_source"] <= 1e-12
