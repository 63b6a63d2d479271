"""Creep closure of a flat interface void: the cases' creep problem (:mod:`phasefield.physics.creep`, no capillary
force, impenetrable free-slip contact, the stack pressure as a traction on the window top) for a flat-roofed void of
half-width a and height h (diffuse width :data:`DELTA`, rounded corners) on the interface at the window's left side,
a symmetry plane: the window of width W is half the period of a row of voids with contact fraction f = 1 - a / W.

Used by ``benchmarks/creep_closure/window_height.py`` (the closure against the metal height, the contact fraction and
the aspect; docs/creep.md, "The window's metal height") and ``li_mg_collapse.py`` (a Li-Mg void against the contact
fraction; docs/mechanism.md, "Can creep split or collapse a wide void?").
"""

import dolfinx.mesh as dmesh
import numpy as np
from dolfinx import fem, geometry

from phasefield.mesh import FacetTag, Subdomain
from phasefield.physics.creep import NortonLaw, PowerLawCreep
from phasefield.solvers.failures import SolverFailure
from phasefield.verification.windows import metal_window

#: diffuse width of the void (m) and the uniform mesh (cells per um)
DELTA = 0.25e-6
CELLS_PER_UM = 4
#: where a cold solve fails: a continuation in the stack pressure in CONTINUATION_STEPS steps of CONTINUATION_FACTOR up
#: to it, each solve warm from the last (rescaled as the creep law scales a solution)
CONTINUATION_STEPS = 4
CONTINUATION_FACTOR = 2.0


def flat_void(space: fem.FunctionSpace, half_width: float, height: float) -> fem.Function:
    """phi = (1 + tanh(d / 2 delta)) / 2 with d the signed distance to the rectangle |x| < a, y < h."""
    def metal(x):
        outside = np.hypot(np.maximum(np.abs(x[0]) - half_width, 0.0), np.maximum(x[1] - height, 0.0))
        inside = np.minimum(np.maximum(np.abs(x[0]) - half_width, x[1] - height), 0.0)
        return 0.5 * (1.0 + np.tanh((outside + inside) / (2.0 * DELTA)))
    phi = fem.Function(space)
    phi.interpolate(metal)
    return phi


def vertical_speed(velocity: fem.Function, points: np.ndarray) -> np.ndarray:
    """v_y (m/s) at ``points`` (N x 3; serial)."""
    mesh = velocity.function_space.mesh
    tree = geometry.bb_tree(mesh, mesh.topology.dim)
    cells = geometry.compute_colliding_cells(mesh, geometry.compute_collisions_points(tree, points), points)
    return np.array([velocity.eval(p, cells.links(i)[:1])[1] for i, p in enumerate(points)])


def flat_void_closure(law: NortonLaw, pressure: float, half_width: float, width: float, height: float,
                      metal_height: float, always_continue: bool = False) -> dict:
    """The instantaneous flow of the void on a window of ``width`` x ``metal_height`` (m) under ``pressure`` (Pa):
    its closure rate -(dA/dt)/A (1/s) and the roof's downward speed (m/s) at its centre and at 0.8 a (a block settles
    as one; a plate sags in its middle), with their difference as a share of the centre's (serial). The flow is
    solved cold, and by :func:`solved_by_continuation` where that fails (or always, with ``always_continue``): its
    solves are listed under "pressure_continuation" (empty for a cold solve that converged)."""
    window = metal_window(width, metal_height, round(width * 1e6 * CELLS_PER_UM),
                          round(metal_height * 1e6 * CELLS_PER_UM))
    phi = flat_void(fem.functionspace(window.metal.mesh, ("Lagrange", 1)), half_width, height)
    facets = window.metal.facet_tags.find(int(FacetTag.INTERFACE))
    contact = facets[np.abs(dmesh.compute_midpoints(window.metal.mesh, 1, facets)[:, 0]) > half_width]
    model, continuation = solved_by_continuation(window.metal, law, pressure, always_continue, phi=phi,
                                                 contact_facets=contact)
    roof = -vertical_speed(model.velocity, np.array([[0.0, height + 2 * DELTA, 0.0],
                                                    [0.8 * half_width, height + 2 * DELTA, 0.0]]))
    return {"closure_rate_per_s": -model.void_area_rate() / model.void_area(),
            "roof_speed_centre_m_per_s": float(roof[0]), "roof_speed_0p8a_m_per_s": float(roof[1]),
            "sag_share": float((roof[0] - roof[1]) / roof[0]),
            "pressure_continuation": [{"pressure_Pa": p, "picard": k, "newton": n} for p, k, n in continuation]}


def solved_by_continuation(metal: Subdomain, law: NortonLaw, pressure: float, always: bool = False,
                           **options) -> tuple[PowerLawCreep, list[tuple[float, int, int]]]:
    """The creep model under ``pressure`` (Pa), solved cold; if that fails (or ``always``), solved cold under
    :func:`continuation_ramp`'s first pressure and then warm at each next one (:meth:`PowerLawCreep.set_stack_pressure`
    rescales each start). The model is built at ``pressure``: its viscosity caps, which a model takes from the pressure
    it is built at and keeps, are those of the cold solve, so that both end at the same flow. Returns the model and the
    continuation's (pressure, Picard, Newton iterations) per solve (empty without it); raises its SolverFailure."""
    model = PowerLawCreep(metal, law, pressure, **options)
    if not always:
        try:
            model.solve()
            return model, []
        except SolverFailure:  # the state is restored and still cold
            pass
    steps = []
    for step in continuation_ramp(pressure):
        model.set_stack_pressure(step)
        steps.append((step, *model.solve()))
    return model, steps


def continuation_ramp(pressure: float) -> list[float]:
    """pressure / CONTINUATION_FACTOR^k for k = CONTINUATION_STEPS .. 1, then ``pressure`` itself."""
    return [pressure / CONTINUATION_FACTOR**k for k in range(CONTINUATION_STEPS, 0, -1)] + [pressure]
