"""Vacancy-void phase field (phi, mu): manufactured solution in space (P1 x P1: order 2 in L2 for
both fields) and in time (backward Euler: order 1).

The system of :mod:`phasefield.physics.voids` (Allen-Cahn phase equation with the limited grand
potential driving force, vacancy diffusion with sinks, advection by v) with body sources that make

phi = 0.5 + 0.3 C(x, y) a(t),  mu = 0.01 C(x, y) a(t),  C = cos(pi x/L) cos(pi y/L),  a = exp(-t/100 s)

exact under v = V0 (sin(pi x/L), sin(pi y/L)), 90 degree wetting and no injection (all boundary
fluxes vanish).
"""

from collections.abc import Sequence

import numpy as np
import ufl
from dolfinx import fem
from petsc4py import PETSc

from phasefield.generic.free_energy import double_well_derivative, interpolation, interpolation_derivative
from phasefield.physics.vacancies import CORRELATION_FACTOR_BCC, EV, VacancyProperties
from phasefield.physics.voids import DRIVING_LIMIT, VacancyVoidSystem
from phasefield.verification.convergence import ConvergenceStudy, Measure, at_each
from phasefield.verification.norms import norm
from phasefield.verification.windows import metal_window

OMEGA = 12.97e-6  # m^3/mol, Li
GAMMA = 0.42  # J/m^2
SIZE = 4e-6
#: Time-study reference: this many times the finest number of steps, on the same mesh.
REFERENCE_REFINEMENT = 16


#: PETSc options prefix of the probe system that lends its expressions to the manufactured sources.
PROBE_PREFIX = "probe_"


def forget_probe_options() -> None:
    """The probe system only lends its expressions and is never solved: drop its solver options,
    which PETSc would otherwise report as unused when the process ends."""
    options = PETSc.Options()
    for key in [k for k in options.getAll() if k.startswith(PROBE_PREFIX)]:
        options.delValue(key)


def manufactured(cells: int, steps: int, horizon: float, discrete_time: bool
                 ) -> tuple[float, float, np.ndarray]:
    """Errors (L2 phi, L2 mu) and the final dof array for the manufactured solution of the module
    docstring. With ``discrete_time`` the time derivative in the source is the backward difference
    (spatial error only)."""
    win = metal_window(SIZE, SIZE, cells, cells)
    mesh = win.metal.mesh
    p = ufl.SpatialCoordinate(mesh)
    t, t_old = fem.Constant(mesh, 0.0), fem.Constant(mesh, 0.0)
    shape = ufl.cos(ufl.pi * p[0] / SIZE) * ufl.cos(ufl.pi * p[1] / SIZE)

    def amplitude(time):
        return ufl.exp(-time / 100.0)

    def exact(time):
        return 0.5 + 0.3 * shape * amplitude(time), 0.01 * shape * amplitude(time)

    velocity = 1e-9 * ufl.as_vector((ufl.sin(ufl.pi * p[0] / SIZE), ufl.sin(ufl.pi * p[1] / SIZE)))
    props = VacancyProperties(298.15, 1e-4, 7e-15, 5e-6, 0.03 * EV, 0.22 * EV, 0.51 * EV)
    probe = VacancyVoidSystem(win.metal, props, OMEGA, GAMMA, 1e-6, np.pi / 2, 1e-5, velocity=velocity,
                              petsc_prefix=PROBE_PREFIX)
    phi_e, mu_e = exact(t)
    phi_o, mu_o = exact(t_old)
    c_e, c_o = probe.vacancy_fraction(phi_e, mu_e), probe.vacancy_fraction(phi_o, mu_o)
    if discrete_time:
        dphi, dc = (phi_e - phi_o) / (t - t_old), (c_e - c_o) / (t - t_old)
    else:
        dphi = -0.3 * shape * amplitude(t) / 100.0
        dmu = -0.01 * shape * amplitude(t) / 100.0
        h = interpolation(phi_e)
        dc = (interpolation_derivative(phi_e) * (props.equilibrium_fraction(0.0) * ufl.exp(mu_e) - 1 - mu_e / 10.0)
              * dphi + (h * props.equilibrium_fraction(0.0) * ufl.exp(mu_e) + (1 - h) / 10.0) * dmu)
    e0, L = probe.e0, 1e-5
    limit = DRIVING_LIMIT * probe.well
    omega_m = -e0 * props.equilibrium_fraction(0.0) * (ufl.exp(mu_e) - 1)
    omega_v = -e0 * (mu_e + mu_e**2 / 20.0)
    phi_source = (dphi + ufl.dot(velocity, ufl.grad(phi_e))
                  + L * (interpolation_derivative(phi_e) * limit * ufl.tanh((omega_m - omega_v) / limit)
                         + probe.well * double_well_derivative(phi_e) - probe.kappa * ufl.div(ufl.grad(phi_e))))
    forget_probe_options()
    h = interpolation(phi_e)
    mobility = (7e-15 / CORRELATION_FACTOR_BCC) * (h * ufl.exp(mu_e) + 1 - h)
    sink = props.sink_strength * props.equilibrium_fraction(0.0) * (ufl.exp(mu_e) - 1) * h
    mu_source = dc + ufl.dot(velocity, ufl.grad(c_e)) - ufl.div(mobility * ufl.grad(mu_e)) + sink
    system = VacancyVoidSystem(win.metal, props, OMEGA, GAMMA, 1e-6, np.pi / 2, L, velocity=velocity,
                               phi_source=phi_source, mu_source=mu_source)
    for sub, expression in ((0, phi_e), (1, mu_e)):
        points = system.space.sub(sub).element.interpolation_points
        system.u_old.sub(sub).interpolate(fem.Expression(expression, points))
    system.u.x.array[:] = system.u_old.x.array
    dt = horizon / steps
    for k in range(1, steps + 1):
        t_old.value, t.value = (k - 1) * dt, k * dt
        system.step(dt)
    dx = ufl.dx(metadata={"quadrature_degree": 6})
    return (norm((system.u.sub(0) - phi_e) ** 2 * dx), norm((system.u.sub(1) - mu_e) ** 2 * dx),
            system.u.x.array.copy())


def space_errors(cells: int) -> tuple[float, float]:
    """Two steps over 20 s with the discrete time derivative in the source (no time error)."""
    return manufactured(cells, 2, 20.0, True)[:2]


def time_errors(steps: Sequence[int]) -> tuple[list[float], np.ndarray]:
    """Euclidean norm of the dof difference to a run with REFERENCE_REFINEMENT times the finest
    number of steps on the same 8 x 8 mesh, over 80 s (the spatial error cancels)."""
    reference = manufactured(8, REFERENCE_REFINEMENT * max(steps), 80.0, False)[2]
    errors = [np.linalg.norm(manufactured(8, n, 80.0, False)[2] - reference) for n in steps]
    return [1.0 / n for n in steps], np.array(errors)


VOIDS_SPACE = ConvergenceStudy(
    name="voids_space", submodel="voids", variable="h",
    description="vacancy-void phase field (phi, mu), P1 x P1, manufactured solution",
    measures=(Measure("L2(phi)", 2.0), Measure("L2(mu)", 2.0)),
    fast=(8, 16, 32, 64), full=(8, 16, 32, 64, 128), errors=at_each(space_errors))

VOIDS_TIME = ConvergenceStudy(
    name="voids_time", submodel="voids", variable="dt",
    description="vacancy-void phase field (phi, mu), backward Euler against a 16x finer run, 8 x 8 cells",
    measures=(Measure("l2(dofs)", 1.0),),
    fast=(4, 8, 16, 32), full=(4, 8, 16, 32, 64, 128), errors=time_errors)
