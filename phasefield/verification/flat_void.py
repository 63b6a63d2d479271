"""Creep closure of a flat interface void: the cases' creep problem (:mod:`phasefield.physics.creep`, no capillary
force, impenetrable free-slip contact, the stack pressure as a traction on the window top) for a flat-roofed void of
half-width a and height h (diffuse width :data:`DELTA`, rounded corners) on the interface at the window's left side,
a symmetry plane: the window of width W is half the period of a row of voids with contact fraction f = 1 - a / W.

Used by ``benchmarks/creep_closure/window_height.py`` (the closure against the metal height, the contact fraction and
the aspect; docs/creep.md, "The window's metal height").
"""

import dolfinx.mesh as dmesh
import numpy as np
from dolfinx import fem, geometry

from phasefield.mesh import FacetTag
from phasefield.physics.creep import NortonLaw, PowerLawCreep
from phasefield.verification.windows import metal_window

#: diffuse width of the void (m) and the uniform mesh (cells per um)
DELTA = 0.25e-6
CELLS_PER_UM = 4


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
                      metal_height: float) -> dict:
    """The instantaneous flow of the void on a window of ``width`` x ``metal_height`` (m) under ``pressure`` (Pa):
    its closure rate -(dA/dt)/A (1/s) and the roof's downward speed (m/s) at its centre and at 0.8 a (a block settles
    as one; a plate sags in its middle), with their difference as a share of the centre's (serial)."""
    window = metal_window(width, metal_height, round(width * 1e6 * CELLS_PER_UM),
                          round(metal_height * 1e6 * CELLS_PER_UM))
    phi = flat_void(fem.functionspace(window.metal.mesh, ("Lagrange", 1)), half_width, height)
    facets = window.metal.facet_tags.find(int(FacetTag.INTERFACE))
    contact = facets[np.abs(dmesh.compute_midpoints(window.metal.mesh, 1, facets)[:, 0]) > half_width]
    model = PowerLawCreep(window.metal, law, pressure, phi=phi, contact_facets=contact)
    model.solve()
    roof = -vertical_speed(model.velocity, np.array([[0.0, height + 2 * DELTA, 0.0],
                                                    [0.8 * half_width, height + 2 * DELTA, 0.0]]))
    return {"closure_rate_per_s": -model.void_area_rate() / model.void_area(),
            "roof_speed_centre_m_per_s": float(roof[0]), "roof_speed_0p8a_m_per_s": float(roof[1]),
            "sag_share": float((roof[0] - roof[1]) / roof[0])}
