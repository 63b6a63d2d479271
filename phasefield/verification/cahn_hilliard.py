"""Cahn-Hilliard (generic layer, mixed P1 c and mu): manufactured solution in space, order 2 in L2
for both fields.

dc/dt = div(M(c) grad mu) + s, mu = f'(c) - kappa lap c on the unit square with no flux, double-well
f, kappa = 1e-2 and a concentration-dependent mobility M(c) = 1 + c^2.
"""

import ufl

from phasefield.generic.cahn_hilliard import CahnHilliard
from phasefield.generic.free_energy import double_well
from phasefield.verification.convergence import ConvergenceStudy, Measure, at_each
from phasefield.verification.norms import norm
from phasefield.verification.windows import unit_square

KAPPA = 1e-2


def manufactured_errors(cells: int) -> tuple[float, float]:
    """Relative L2 errors of c and mu at t = 0.02 for c = 0.5 + 0.2 cos(pi x) cos(pi y)(1 + 10 t),
    which satisfies both no-flux conditions; linear in t, so BDF is exact in time and the error is
    spatial."""
    mesh = unit_square(cells)
    x = ufl.SpatialCoordinate(mesh)

    def mobility(c):
        return 1.0 + c**2

    def exact(t):
        return 0.5 + 0.2 * ufl.cos(ufl.pi * x[0]) * ufl.cos(ufl.pi * x[1]) * (1 + 10 * t)

    def chemical_potential(c):
        c_var = ufl.variable(c)
        return ufl.diff(double_well(c_var), c_var) - KAPPA * ufl.div(ufl.grad(c))

    def source(fields):
        c_exact = exact(fields.time)
        rate = 2.0 * ufl.cos(ufl.pi * x[0]) * ufl.cos(ufl.pi * x[1])
        s = rate - ufl.div(mobility(c_exact) * ufl.grad(chemical_potential(c_exact)))
        return -s * fields.q * fields.dx

    model = CahnHilliard(mesh, double_well, KAPPA, mobility, extra_residual=source, linear_solver="mumps")
    model.set_initial_condition(exact(0.0))
    for _ in range(2):
        if not model.step(0.01).converged:
            raise RuntimeError(f"Cahn-Hilliard manufactured solution: Newton failed on {cells} x {cells} cells")
    c, mu = ufl.split(model.u)
    c_exact, mu_exact = exact(model.t), chemical_potential(exact(model.t))
    dx = ufl.dx(domain=mesh, metadata={"quadrature_degree": 8})
    return (norm((c - c_exact) ** 2 * dx) / norm(c_exact**2 * dx),
            norm((mu - mu_exact) ** 2 * dx) / norm(mu_exact**2 * dx))


CAHN_HILLIARD_SPACE = ConvergenceStudy(
    name="cahn_hilliard_space", submodel="generic Cahn-Hilliard", variable="h",
    description="Cahn-Hilliard (c, mu), P1 x P1, M(c) = 1 + c^2, manufactured solution linear in time",
    measures=(Measure("relative L2(c)", 2.0), Measure("relative L2(mu)", 2.0)),
    fast=(8, 16, 32, 64), full=(8, 16, 32, 64, 128, 256), errors=at_each(manufactured_errors))
