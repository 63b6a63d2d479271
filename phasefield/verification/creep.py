"""Creep (power-law Stokes flow, Taylor-Hood P2/P1): a manufactured Newtonian solution and the
analytic power-law channel flow, in space. Theory: velocity of order 3 in L2 and 2 in H1,
pressure of order 2 in L2.

The flow solves -div(2 eta(D) D' - p I) = f, div v = s in the metal (see :mod:`phasefield.physics.creep`).
"""

import numpy as np
import ufl

from phasefield.parameters import PARAMETER_SETS
from phasefield.physics.creep import NortonLaw, PowerLawCreep
from phasefield.verification.convergence import ConvergenceStudy, Measure, at_each
from phasefield.verification.norms import norm
from phasefield.verification.windows import metal_window

LI = NortonLaw.from_parameters(PARAMETER_SETS["Li"].si(), 298.15)
ROOT3 = np.sqrt(3.0)
SIZE = 10e-6
STACK = 1e6  # Pa


def relative_errors(model: PowerLawCreep, exact_velocity) -> tuple[float, float]:
    """(L2, H1 seminorm) errors of the velocity relative to the norms of the exact velocity."""
    dx = ufl.dx(metadata={"quadrature_degree": 10})
    e = model.velocity - exact_velocity
    u, grad = exact_velocity, ufl.grad
    return (norm(ufl.inner(e, e) * dx) / norm(ufl.inner(u, u) * dx),
            norm(ufl.inner(grad(e), grad(e)) * dx) / norm(ufl.inner(grad(u), grad(u)) * dx))


def newtonian_errors(cells: int) -> tuple[float, float, float]:
    """n = 1, free slip everywhere, stack pressure on the top, a compressible manufactured velocity
    v = V (0.7 sin(kx) cos(ky), -1.3 cos(kx) sin(ky)), k = pi/L (its divergence is prescribed) and
    the pressure with sigma_yy = -stack everywhere: relative L2 and H1 errors of v, L2 error of p (Pa m).
    Without the lower viscosity cap, which would add eta_min = 1e-6 eta_ref to the viscosity of the
    exact solution (a relative velocity error of 1e-6, the L2 floor reached at 128 cells)."""
    viscosity = 1e12
    law = NortonLaw(1.0, 1.0 / (3.0 * viscosity))
    speed = 1e-6 * STACK / viscosity
    window = metal_window(SIZE, SIZE, cells, cells)
    x = ufl.SpatialCoordinate(window.metal.mesh)
    k = ufl.pi / SIZE
    sc, cs = ufl.sin(k * x[0]) * ufl.cos(k * x[1]), ufl.cos(k * x[0]) * ufl.sin(k * x[1])
    velocity = speed * ufl.as_vector((0.7 * sc, -1.3 * cs))  # div-free (1, -1) + gradient (-0.3, -0.3)
    rate = ufl.sym(ufl.grad(velocity))
    deviator = rate - ufl.tr(rate) / 3.0 * ufl.Identity(2)
    pressure = STACK + 2.0 * viscosity * deviator[1, 1]  # sigma_yy = -stack everywhere
    stress = 2.0 * viscosity * deviator - pressure * ufl.Identity(2)
    model = PowerLawCreep(window.metal, law, STACK, divergence=ufl.div(velocity), body_force=-ufl.div(stress),
                          min_viscosity=0.0)
    model.solve()
    dx8 = ufl.dx(metadata={"quadrature_degree": 8})
    return *relative_errors(model, velocity), norm((model.pressure - pressure) ** 2 * dx8)


def channel_errors(cells: int) -> tuple[float, float]:
    """Li (n = 6.6): a body force G along x drives flow over a stick wall (y = 0) under a shear-free
    top (the channel's mid-plane, loaded by the stack pressure); inflow/outflow carry the profile.
    tau = G (H - y), sigma_eq = sqrt3 tau, du/dy = sqrt3 A (sqrt3 G)^n (H - y)^n, so
    u(y) = sqrt3 A (sqrt3 G)^n [H^(n+1) - (H - y)^(n+1)] / (n + 1). Relative L2 and H1 errors of v."""
    n, height = LI.stress_exponent, SIZE
    force = STACK / (ROOT3 * height)  # wall stress sigma_eq = stack pressure
    factor = ROOT3 * LI.rate_factor * (ROOT3 * force) ** n / (n + 1)

    def profile(x):
        depth = np.maximum(height - x[1], 0.0)
        return np.stack([factor * (height ** (n + 1) - depth ** (n + 1)), 0.0 * x[0]])

    window = metal_window(height, height, cells, cells)
    x = ufl.SpatialCoordinate(window.metal.mesh)
    model = PowerLawCreep(window.metal, LI, STACK, interface="stick", lateral_velocity=profile,
                          body_force=ufl.as_vector((force, 0.0)))
    model.solve()
    exact = ufl.as_vector((factor * (height ** (n + 1) - (height - x[1]) ** (n + 1)), 0.0))
    return relative_errors(model, exact)


CREEP_NEWTONIAN = ConvergenceStudy(
    name="creep_newtonian", submodel="creep", variable="h",
    description="Newtonian limit (n = 1), Taylor-Hood P2/P1, manufactured compressible Stokes flow",
    measures=(Measure("L2(v)", 3.0), Measure("H1(v)", 2.0), Measure("L2(p)", 2.0)),
    fast=(8, 16, 32), full=(8, 16, 32, 64, 128), errors=at_each(newtonian_errors))

CREEP_CHANNEL = ConvergenceStudy(
    name="creep_power_law_channel", submodel="creep", variable="h",
    description="Li power law (n = 6.6), Taylor-Hood P2/P1, analytic channel flow",
    measures=(Measure("L2(v)", 3.0), Measure("H1(v)", 2.0)),
    fast=(8, 16, 32), full=(8, 16, 32, 64), errors=at_each(channel_errors))
