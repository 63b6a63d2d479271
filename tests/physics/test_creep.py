"""Creep of the metal (power-law flow): Newtonian manufactured solution, power-law channel flow,
closure of a void against the hollow-cylinder solution and a body-fitted hole, the prescribed
divergence, warm restarts and the contact region."""

import basix.ufl
import dolfinx.mesh as dmesh
import numpy as np
import pytest
import ufl
from dolfinx import fem
from helpers import observed_orders
from mpi4py import MPI

from phasefield.case.schema import Mesh
from phasefield.mesh import FacetTag, Subdomain, build_interface_window
from phasefield.parameters import PARAMETER_SETS
from phasefield.physics.creep import NortonLaw, PowerLawCreep

LI = NortonLaw.from_parameters(PARAMETER_SETS["Li"].si(), 298.15)
ROOT3 = np.sqrt(3.0)
DX8 = ufl.dx(metadata={"quadrature_degree": 8})


def square(cells: int, width: float = 10e-6, height: float = 10e-6):
    """A uniform metal window of ``cells`` x ``cells`` (over a one-cell electrolyte)."""
    return build_interface_window(MPI.COMM_WORLD, Mesh.model_validate(dict(
        width=f"{width} m", metal_height=f"{height} m", electrolyte_height=f"{height / cells} m",
        cells_along_interface=cells, metal_cells=cells, electrolyte_cells=1,
        interface_cell_height=f"{height / cells} m")))


def holed_square(radius: float, size: float, cells: int) -> Subdomain:
    """[0, size]^2 without the quarter disk r < radius, body fitted: a structured (r, theta) grid,
    graded towards the hole, tagged like the metal window (the hole is untagged: traction free)."""
    comm = MPI.COMM_WORLD
    if comm.rank == 0:
        s, t = np.meshgrid(np.linspace(0, 1, cells + 1) ** 1.5, np.linspace(0, np.pi / 2, cells + 1),
                           indexing="ij")
        r = radius + s * (size / np.maximum(np.cos(t), np.sin(t)) - radius)
        points = np.stack([r * np.cos(t), r * np.sin(t)], axis=-1).reshape(-1, 2)
        k = np.arange((cells + 1) ** 2).reshape(cells + 1, cells + 1)[:-1, :-1].ravel()
        cells_ = np.concatenate([np.stack([k, k + cells + 1, k + cells + 2], axis=1),
                                 np.stack([k, k + cells + 2, k + 1], axis=1)]).astype(np.int64)
    else:
        points, cells_ = np.zeros((0, 2)), np.zeros((0, 3), dtype=np.int64)
    mesh = dmesh.create_mesh(comm, cells_, basix.ufl.element("Lagrange", "triangle", 1, shape=(2,)), points)
    tol = 1e-9 * size
    markers = {FacetTag.INTERFACE: lambda x: np.abs(x[1]) < tol,
               FacetTag.METAL_TOP: lambda x: np.abs(x[1] - size) < tol,
               FacetTag.LATERAL: lambda x: (np.abs(x[0]) < tol) | (np.abs(x[0] - size) < tol)}
    fdim = mesh.topology.dim - 1
    mesh.topology.create_connectivity(fdim, mesh.topology.dim)
    found = {tag: dmesh.locate_entities_boundary(mesh, fdim, marker) for tag, marker in markers.items()}
    facets = np.concatenate(list(found.values()))
    values = np.concatenate([np.full(f.size, int(tag), dtype=np.int32) for tag, f in found.items()])
    order = np.argsort(facets)
    return Subdomain(mesh, dmesh.meshtags(mesh, fdim, facets[order], values[order]), None)


def integral(form) -> float:
    return MPI.COMM_WORLD.allreduce(fem.assemble_scalar(fem.form(form)))


def norm(form) -> float:
    return np.sqrt(integral(form))


def relative_errors(model: PowerLawCreep, exact_velocity) -> tuple[float, float]:
    """(L2, H1 seminorm) errors of the velocity relative to the norms of the exact velocity."""
    dx = ufl.dx(metadata={"quadrature_degree": 10})
    e = model.velocity - exact_velocity
    u, grad = exact_velocity, ufl.grad
    return (norm(ufl.inner(e, e) * dx) / norm(ufl.inner(u, u) * dx),
            norm(ufl.inner(grad(e), grad(e)) * dx) / norm(ufl.inner(grad(u), grad(u)) * dx))


def hollow_cylinder_rate(law: NortonLaw, pressure: float, inner: float, outer: float) -> float:
    """-(dA/dt)/A of a cylindrical hole of radius ``inner`` in a power-law annulus of outer radius
    ``outer``, plane strain, traction free inside, -pressure outside: the exact solution
    v_r = -C/r (incompressible) with equilibrium integrated from inner to outer gives
    p = (n/sqrt3) (2C/(sqrt3 A))^(1/n) (a^(-2/n) - b^(-2/n)), so
    -(dA/dt)/A = 2C/a^2 = sqrt3 A [sqrt3 p / (n (1 - (a/b)^(2/n)))]^n; for b -> infinity the
    dilute cylindrical-void rate (the problem of Budiansky, Hutchinson, Slutsky 1982 and Duva,
    Hutchinson 1984), and p / (eta (1 - a^2/b^2)) for n = 1. Derivation: docs/creep.md."""
    n = law.stress_exponent
    return ROOT3 * law.rate_factor * (ROOT3 * pressure / (n * (1 - (inner / outer) ** (2 / n)))) ** n


def test_newtonian_limit_converges_at_optimal_order_to_a_manufactured_stokes_solution():
    """n = 1, free slip everywhere, stack pressure on the top, a compressible manufactured velocity
    (the divergence is prescribed): P2 velocity at order 3 in L2 and 2 in H1, P1 pressure at 2."""
    viscosity, stack, size = 1e12, 1e6, 10e-6
    law = NortonLaw(1.0, 1.0 / (3.0 * viscosity))
    speed = 1e-6 * stack / viscosity
    errors, pressure_errors = [], []
    for cells in (8, 16, 32):
        window = square(cells, size, size)
        x = ufl.SpatialCoordinate(window.metal.mesh)
        k = ufl.pi / size
        sc, cs = ufl.sin(k * x[0]) * ufl.cos(k * x[1]), ufl.cos(k * x[0]) * ufl.sin(k * x[1])
        velocity = speed * ufl.as_vector((0.7 * sc, -1.3 * cs))  # div-free (1, -1) + gradient (-0.3, -0.3)
        rate = ufl.sym(ufl.grad(velocity))
        deviator = rate - ufl.tr(rate) / 3.0 * ufl.Identity(2)
        pressure = stack + 2.0 * viscosity * deviator[1, 1]  # sigma_yy = -stack everywhere
        stress = 2.0 * viscosity * deviator - pressure * ufl.Identity(2)
        model = PowerLawCreep(window.metal, law, stack, divergence=ufl.div(velocity),
                              body_force=-ufl.div(stress))
        model.solve()
        errors.append(relative_errors(model, velocity))
        pressure_errors.append(norm((model.pressure - pressure) ** 2 * DX8))
    sizes = [1 / 8, 1 / 16, 1 / 32]
    l2, h1 = np.array(errors).T
    assert np.allclose(observed_orders(sizes, l2), 3.0, atol=0.1)
    assert np.allclose(observed_orders(sizes, h1), 2.0, atol=0.1)
    assert np.all(observed_orders(sizes, pressure_errors) > 1.9)


def test_power_law_channel_flow_matches_the_analytic_profile_at_optimal_order():
    """Li (n = 6.6): a body force G along x drives flow over a stick wall (y = 0) under a shear-free
    top (the channel's mid-plane, loaded by the stack pressure); inflow/outflow carry the profile.
    tau = G (H - y), sigma_eq = sqrt3 tau, du/dy = sqrt3 A (sqrt3 G)^n (H - y)^n, so
    u(y) = sqrt3 A (sqrt3 G)^n [H^(n+1) - (H - y)^(n+1)] / (n + 1). Observed orders 3 (L2), 2 (H1)."""
    n, height, stack = LI.stress_exponent, 10e-6, 1e6
    force = stack / (ROOT3 * height)  # wall stress sigma_eq = stack pressure
    factor = ROOT3 * LI.rate_factor * (ROOT3 * force) ** n / (n + 1)

    def profile(x):
        depth = np.maximum(height - x[1], 0.0)
        return np.stack([factor * (height ** (n + 1) - depth ** (n + 1)), 0.0 * x[0]])

    errors = []
    for cells in (8, 16, 32):
        window = square(cells, height, height)
        x = ufl.SpatialCoordinate(window.metal.mesh)
        model = PowerLawCreep(window.metal, LI, stack, interface="stick", lateral_velocity=profile,
                              body_force=ufl.as_vector((force, 0.0)))
        model.solve()
        exact = ufl.as_vector((factor * (height ** (n + 1) - (height - x[1]) ** (n + 1)), 0.0))
        errors.append(relative_errors(model, exact))
    l2, h1 = np.array(errors).T
    sizes = [1 / 8, 1 / 16, 1 / 32]
    assert np.allclose(observed_orders(sizes, l2), 3.0, atol=0.1)
    assert np.allclose(observed_orders(sizes, h1), 2.0, atol=0.1)
    assert l2[-1] < 5e-5


@pytest.mark.parametrize("exponent", [1.0, 6.6])
def test_void_closes_at_the_hollow_cylinder_rate(exponent):
    """A quarter void (radius 2 um, on the interface at a lateral side: with the symmetry planes a
    cylindrical void in a periodic array) in an 8 um square cell under 1 MPa. The body-fitted,
    traction-free hole closes within 7% of the hollow-cylinder estimate with the same area (exact for
    an annulus; the cell is a square compacted along y); the phase-field void (phi = 0 inside, tanh
    profile of width 4.4 delta = 0.9 um, 3.5 cells) within 10% of the hole and 20% of the estimate."""
    law = NortonLaw(exponent, LI.rate_factor * 1e6 ** (LI.stress_exponent - exponent))
    radius, size, stack, delta = 2e-6, 8e-6, 1e6, 0.2e-6
    outer = np.sqrt(4.0 * size**2 / np.pi)

    hole = holed_square(radius, size, 24)
    sharp = PowerLawCreep(hole, law, stack)
    sharp.solve()
    hole_area = size**2 - integral(1.0 * ufl.dx(domain=hole.mesh))
    sharp_rate = sharp.top_inflow() / hole_area
    assert sharp_rate / hollow_cylinder_rate(law, stack, np.sqrt(4 * hole_area / np.pi), outer) == (
        pytest.approx(1.0, abs=0.07))

    window = square(32, size, size)
    phi = fem.Function(fem.functionspace(window.metal.mesh, ("Lagrange", 1)))
    phi.interpolate(lambda x: 0.5 * (1.0 + np.tanh((np.hypot(x[0], x[1]) - radius) / (2.0 * delta))))
    diffuse = PowerLawCreep(window.metal, law, stack, phi=phi)
    diffuse.solve()
    area = diffuse.void_area()
    rate = -diffuse.void_area_rate() / area
    estimate = hollow_cylinder_rate(law, stack, np.sqrt(4 * area / np.pi), outer)
    assert rate / sharp_rate == pytest.approx(1.0, abs=0.1)
    assert rate / estimate == pytest.approx(1.0, abs=0.2)


def test_prescribed_divergence_is_reproduced_and_enters_through_the_top():
    """Sinks near the interface, s = -1e-6 exp(-y / 2 um) 1/s, in Li at 0.2 MPa: the integral of
    div v equals that of s, and the same volume of metal enters through the top (solver tolerance)."""
    window = square(16)
    y = ufl.SpatialCoordinate(window.metal.mesh)[1]
    sinks = -1e-6 * ufl.exp(-y / 2e-6)
    model = PowerLawCreep(window.metal, LI, 0.2e6, divergence=sinks)
    model.solve()
    expected = model.source_integral()
    assert expected < 0
    assert model.divergence_integral() == pytest.approx(expected, rel=1e-8, abs=0.0)
    assert model.top_inflow() == pytest.approx(-expected, rel=1e-8, abs=0.0)


def test_warm_restart_after_a_pressure_change_needs_no_picard_and_scales_as_the_creep_law():
    """After a converged solve, a doubled stack pressure is solved by Newton alone, and the void
    closes 2^n faster (the default void viscosity follows the pressure; the caps do not matter)."""
    radius, size, stack = 2e-6, 8e-6, 1e6
    window = square(16, size, size)
    phi = fem.Function(fem.functionspace(window.metal.mesh, ("Lagrange", 1)))
    phi.interpolate(lambda x: 0.5 * (1.0 + np.tanh((np.hypot(x[0], x[1]) - radius) / 0.8e-6)))
    model = PowerLawCreep(window.metal, LI, stack, phi=phi)
    model.solve()
    before = model.void_area_rate()
    model.set_stack_pressure(2.0 * stack)
    picard, newton = model.solve()
    assert picard == 0 and newton > 0
    assert model.void_area_rate() / before == pytest.approx(2.0**LI.stress_exponent, rel=1e-3)


def test_contact_region_limits_no_penetration_to_the_contact_facets():
    """With contact on x > W/2 only, the metal over the other half of the interface is traction free
    and moves towards it under the stack pressure, while v_y = 0 on the contact."""
    window = square(8)
    model = PowerLawCreep(window.metal, LI, 1e6)
    mesh = window.metal.mesh
    facets = model.interface_facets()
    midpoints = dmesh.compute_midpoints(mesh, mesh.topology.dim - 1, facets)
    model.set_contact(facets[midpoints[:, 0] > 5e-6])
    model.solve()
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=window.metal.facet_tags)(int(FacetTag.INTERFACE))
    x = ufl.SpatialCoordinate(mesh)
    off = ufl.conditional(ufl.lt(x[0], 5e-6), 1.0, 0.0)
    on_contact = integral((1 - off) * model.velocity[1] ** 2 * ds)
    off_contact = integral(off * model.velocity[1] * ds)
    assert off_contact < 0
    assert on_contact <= 1e-20 * off_contact**2 / 5e-6
