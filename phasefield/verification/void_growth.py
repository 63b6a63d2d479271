"""A lone void of the phase field (:mod:`phasefield.physics.voids`) fed by vacancies: how its shape follows its
area. A semicircle of radius 2 um on the interface of an 8 x 6 um metal window (symmetry axis at x = 0),
Young's angle 93.6 deg, no sinks, the stabilised scheme of the coupled runs, fed at the volume rate of
0.5 mA/cm2 over the window either by the contact's injection (the current through phi > 1/2 on the interface
only, as in the cases) or by a uniform vacancy source in the metal (fed from afar).

Measured: the base half-width and the height (the outermost phi = 1/2 on the interface and on the axis), the void
area (the integral of 1 - phi), the aspect ratio r = height / half-width and the slope d ln r / d ln A between the
first and the last row (0: self-similar growth; -1: growth at a fixed height). For the sharp interface a
semicircle in a uniform far field grows self-similarly; fed by its contact, the side walls of the initial
semicircle take a share s of the vacancies (:func:`sharp_interface_shares`: 0.666 in this box), and r
would go as A^(1 - 2s) if they widened it at its mean height (an estimate, not a sharp-interface evolution).
Serial: the measurements read the local dofs.
"""

import numpy as np
import ufl
from dolfinx import fem, mesh
from dolfinx.fem.petsc import LinearProblem
from mpi4py import MPI

from phasefield.constants import FARADAY
from phasefield.generic.free_energy import well_and_gradient_coefficients
from phasefield.physics.vacancies import EV, VacancyProperties
from phasefield.physics.voids import DRIVING_LIMIT, STABILIZATION, VacancyVoidSystem
from phasefield.verification.voids import GAMMA, OMEGA
from phasefield.verification.windows import metal_window

RADIUS, WIDTH, HEIGHT = 2e-6, 8e-6, 6e-6
CURRENT = 5.0  # A/m^2 over the window
NO_SINKS = VacancyProperties(298.15, 1e-4, 7e-15, 1.0, 0.03 * EV, 0.22 * EV, 0.51 * EV)


def grow_lone_void(feed: str, dt: float, tau: float = 1.0, delta: float = 0.25e-6, cells_per_um: int = 8,
                   driving_limit: float = DRIVING_LIMIT, growth: float = 2.5, horizon: float = 1200.0) -> dict:
    """Feed (``"contact"`` or ``"uniform"``) the void in steps of ``dt`` (s) until its area has grown
    ``growth``-fold, its base reaches 0.8 of the window, or ``horizon`` (s); ``tau`` the interface time (s),
    ``delta`` the diffuse width (m). Returns the rows, the aspect ratios, the slope and phi near the interface
    at the end."""
    well, _ = well_and_gradient_coefficients(GAMMA, delta)
    window = metal_window(WIDTH, HEIGHT, round(WIDTH * 1e6 * cells_per_um), round(HEIGHT * 1e6 * cells_per_um))
    rate = CURRENT * OMEGA / FARADAY  # m/s over the window's interface
    source = fem.Constant(window.metal.mesh, rate / HEIGHT) if feed == "uniform" else None
    system = VacancyVoidSystem(window.metal, NO_SINKS, OMEGA, GAMMA, delta, np.deg2rad(93.6), 1.0 / (well * tau),
                               stabilization=STABILIZATION, extrapolated_stabilization=True, mu_source=source,
                               driving_limit=driving_limit)
    system.set_state(lambda x: 0.5 * (1 + np.tanh((np.hypot(x[0], x[1]) - RADIUS) / delta)), lambda x: 0 * x[0])
    owned = system.phi_space.dofmap.index_map.size_local
    points = system.phi_space.tabulate_dof_coordinates()[:owned]
    injection_x = system.injection.function_space.tabulate_dof_coordinates()[:, 0]
    void_area = fem.form((1 - system.u.sub(0)) * ufl.dx)

    def phi():
        return system.u.x.array[system.phi_dofs[:owned]]

    def crossing(line: np.ndarray, along: int) -> float:
        """The outermost phi = 1/2 along the line from the void's centre (a film ahead of the void counts)."""
        order = np.argsort(points[line, along])
        position, values = points[line, along][order], phi()[line][order]
        inside = np.flatnonzero(values < 0.5)
        last = inside[-1] if inside.size else 0
        if last + 1 >= values.size:
            return float(position[-1])
        share = (0.5 - values[last]) / (values[last + 1] - values[last])
        return float(position[last] + share * (position[last + 1] - position[last]))

    base, axis = np.abs(points[:, 1]) < 1e-12, np.abs(points[:, 0]) < 1e-12
    rows, elapsed = [], 0.0
    while True:
        half, height, area = crossing(base, 0), crossing(axis, 1), fem.assemble_scalar(void_area)
        rows.append({"time_s": elapsed, "half_width_um": half * 1e6, "height_um": height * 1e6,
                     "area_um2": area * 1e12, "aspect": height / half})
        if rows[-1]["area_um2"] > growth * rows[0]["area_um2"] or half > 0.8 * WIDTH or elapsed >= horizon:
            break
        if feed == "contact":  # the window's current through the contact only
            system.injection.x.array[:] = np.where(injection_x > half, rate * WIDTH / (WIDTH - half), 0.0)
        system.step(dt)
        elapsed += dt
    profiles = {}
    for level in (0.0, 0.25e-6, 0.5e-6, 1e-6):
        line = np.abs(points[:, 1] - level) < 1e-9
        order = np.argsort(points[line, 0])
        profiles[f"{level * 1e6:g} um"] = {"x_um": (points[line, 0][order][::4] * 1e6).tolist(),
                                           "phi": phi()[line][order][::4].tolist()}
    slope = np.log(rows[-1]["aspect"] / rows[0]["aspect"]) / np.log(rows[-1]["area_um2"] / rows[0]["area_um2"])
    return {"rows": rows, "aspect_start": rows[0]["aspect"], "aspect_end": rows[-1]["aspect"],
            "slope_dln_aspect_dln_area": float(slope), "phi_at_the_end": profiles}


def sharp_interface_shares(radius: float, half_spacing: float, sink_length: float, cells: int,
                           height: float | None = None) -> tuple[float, float]:
    """Where the vacancies of a contact land on a semicircular void of ``radius`` (m) in a periodic array of
    spacing 2 ``half_spacing``, sharp interface: -lap u + u / l^2 = 0 (l the ``sink_length``) in the metal, u = 0 on
    the void, unit flux into the metal through the contact, mirror planes at x = 0 and x = ``half_spacing``, no
    flux at the top of a cell of ``height`` (default several l, at most 200 um). P2 on ``cells`` x 2 ``cells``
    quadrilaterals of the quarter cell, graded towards the arc. Returns (the side walls' share of the capture,
    within 45 deg of the interface plane; the captured share of the injection). Serial (COMM_SELF)."""
    height = min(6.0 * sink_length, 200e-6) if height is None else height
    domain = mesh.create_rectangle(MPI.COMM_SELF, [[0.0, 0.0], [1.0, 1.0]], [cells, 2 * cells],
                                   mesh.CellType.quadrilateral)
    x = domain.geometry.x
    angle, along = x[:, 0] * np.pi / 2, x[:, 1] ** 3
    with np.errstate(divide="ignore"):
        reach = np.minimum(np.where(np.cos(angle) > 1e-14, half_spacing / np.cos(angle), np.inf),
                           np.where(np.sin(angle) > 1e-14, height / np.sin(angle), np.inf))
    r = radius + along * (reach - radius)
    x[:, 0], x[:, 1] = r * np.cos(angle), r * np.sin(angle)
    space = fem.functionspace(domain, ("Lagrange", 2))
    domain.topology.create_connectivity(1, 2)
    arc = mesh.locate_entities_boundary(domain, 1, lambda p: np.abs(np.hypot(p[0], p[1]) - radius) < 1e-9 * radius)
    contact = mesh.locate_entities_boundary(domain, 1, lambda p: (np.abs(p[1]) < 1e-12 * radius)
                                            & (p[0] > radius * (1 - 1e-9)))
    facets = np.concatenate([arc, contact])
    order = np.argsort(facets)
    marks = np.concatenate([np.full(arc.size, 1), np.full(contact.size, 2)]).astype(np.int32)
    ds = ufl.Measure("ds", domain=domain, subdomain_data=mesh.meshtags(domain, 1, facets[order], marks[order]))
    u, v = ufl.TrialFunction(space), ufl.TestFunction(space)
    bc = fem.dirichletbc(0.0, fem.locate_dofs_topological(space, 1, arc), space)
    excess = LinearProblem(ufl.inner(ufl.grad(u), ufl.grad(v)) * ufl.dx + u * v / sink_length**2 * ufl.dx,
                           v * ds(2), bcs=[bc], petsc_options_prefix="roof_share_",
                           petsc_options={"ksp_type": "preonly", "pc_type": "lu"}).solve()
    position = ufl.SpatialCoordinate(domain)
    into_void = -ufl.dot(ufl.grad(excess), ufl.FacetNormal(domain))
    wall = ufl.conditional(ufl.lt(ufl.atan2(position[1], position[0]), np.pi / 4), 1.0, 0.0)
    captured = fem.assemble_scalar(fem.form(into_void * ds(1)))
    return fem.assemble_scalar(fem.form(wall * into_void * ds(1))) / captured, captured / (half_spacing - radius)
