"""Li/Mg interdiffusion (advection-diffusion with the Darken interdiffusivity): manufactured
solution in space (P1: order 2 in L2, 1 in H1) and in time (backward Euler: order 1).

The Mg fraction solves dx/dt + div(v x - D(x) grad x) = s in the metal, with J.n = 0 on a closed
window; the source s makes x = 0.2 + 0.1 cos(pi x/L) cos(pi y/L) f(t) exact under the velocity
v = V0 (sin(pi x/L), sin(pi y/L)) (zero normal velocity on the boundary).
"""

from collections.abc import Sequence

import numpy as np
import ufl
from dolfinx import fem

from phasefield.mesh import InterfaceWindow
from phasefield.parameters import PARAMETER_SETS
from phasefield.physics.interdiffusion import MagnesiumTransport
from phasefield.submodels.metal import darken_interdiffusivity_of
from phasefield.verification.convergence import ConvergenceStudy, Measure, at_each
from phasefield.verification.norms import norm
from phasefield.verification.windows import metal_window

METAL = PARAMETER_SETS["Li0.97Mg0.03"].si()
TEMPERATURE = 298.15
DARKEN = darken_interdiffusivity_of(METAL, TEMPERATURE)
SIZE = 10e-6
HORIZON = 400.0  # s


class Linear:
    """f(t) = 1 + t / 1000 s: backward Euler is exact in time for it."""

    def __call__(self, t):
        return 1 + t / 1000.0

    def derivative(self, t):
        return 1 / 1000.0


class Decay:
    """f(t) = exp(-t / 200 s)."""

    def __call__(self, t):
        return ufl.exp(-t / 200.0)

    def derivative(self, t):
        return -ufl.exp(-t / 200.0) / 200.0


def square(cells: int) -> InterfaceWindow:
    return metal_window(SIZE, SIZE, cells, cells)


def manufactured(window: InterfaceWindow, degree: int, time_factor, steps: int, horizon: float,
                 streamline: bool = False) -> tuple[float, float]:
    """Errors (L2, H1) at t = horizon of x = 0.2 + 0.1 cos(pi x/L) cos(pi y/L) f(t) under
    v = V0 (sin(pi x/L), sin(pi y/L)) (zero normal velocity on the boundary, so J.n = 0 there)
    and the Darken diffusivity; the source term makes it exact. ``streamline``: with streamline diffusion (its
    cell Peclet number reaches 3.8 on 8 cells and falls as 1/cells)."""
    mesh = window.metal.mesh
    v0 = 2e-9
    p = ufl.SpatialCoordinate(mesh)
    t = fem.Constant(mesh, 0.0)
    shape = ufl.cos(ufl.pi * p[0] / SIZE) * ufl.cos(ufl.pi * p[1] / SIZE)
    velocity = v0 * ufl.as_vector((ufl.sin(ufl.pi * p[0] / SIZE), ufl.sin(ufl.pi * p[1] / SIZE)))
    x_exact = 0.2 + 0.1 * shape * time_factor(t)
    source = (time_factor.derivative(t) * 0.1 * shape
              + ufl.div(velocity * x_exact - DARKEN(x_exact) * ufl.grad(x_exact)))
    model = MagnesiumTransport(window.metal, DARKEN, 0.2, velocity, degree=degree, source=source,
                               closed_top=True, streamline=streamline)
    model.x_old.interpolate(fem.Expression(x_exact, model.space.element.interpolation_points))
    dt = horizon / steps
    for k in range(1, steps + 1):
        t.value = k * dt
        model.step(dt)
    error = model.x - x_exact
    dx = ufl.dx(metadata={"quadrature_degree": 8})
    return norm(error**2 * dx), norm(ufl.inner(ufl.grad(error), ufl.grad(error)) * dx)


def space_errors(cells: int) -> tuple[float, float]:
    """P1, two steps of a solution linear in time (no time error)."""
    return manufactured(square(cells), 1, Linear(), 2, HORIZON)


def streamline_space_errors(cells: int) -> tuple[float, float]:
    """As :func:`space_errors` with streamline diffusion."""
    return manufactured(square(cells), 1, Linear(), 2, HORIZON, streamline=True)


def time_errors(steps: Sequence[int]) -> tuple[list[float], np.ndarray]:
    """L2 error of P2 on 24 x 24 cells (spatial error well below the time error)."""
    window = square(24)
    return [1.0 / n for n in steps], np.array([manufactured(window, 2, Decay(), n, HORIZON)[0] for n in steps])


INTERDIFFUSION_SPACE = ConvergenceStudy(
    name="interdiffusion_space", submodel="interdiffusion", variable="h",
    description="Darken advection-diffusion of x_Mg, P1, manufactured solution linear in time",
    measures=(Measure("L2(x_Mg)", 2.0), Measure("H1(x_Mg)", 1.0)),
    fast=(8, 16, 32, 64), full=(8, 16, 32, 64, 128, 256), errors=at_each(space_errors))

INTERDIFFUSION_TIME = ConvergenceStudy(
    name="interdiffusion_time", submodel="interdiffusion", variable="dt",
    description="Darken advection-diffusion of x_Mg, backward Euler, P2 on 24 x 24 cells, 400 s",
    measures=(Measure("L2(x_Mg)", 1.0),),
    fast=(4, 8, 16, 32), full=(4, 8, 16, 32, 64, 128), errors=time_errors)

INTERDIFFUSION_SPACE_STREAMLINE = ConvergenceStudy(
    name="interdiffusion_space_streamline", submodel="interdiffusion", variable="h",
    description="the same with [interdiffusion] stabilization = streamline (pre-asymptotic on 8-16 cells)",
    measures=(Measure("L2(x_Mg)", 2.0), Measure("H1(x_Mg)", 1.0)),
    fast=(16, 32, 64, 128), full=(8, 16, 32, 64, 128, 256), errors=at_each(streamline_space_errors))
