"""Allen-Cahn (generic layer, P1): manufactured solution in space, order 2 in L2 and 1 in H1.

dphi/dt = -L(phi) (f'(phi) - kappa lap phi) + s on the unit square with no flux, double-well f,
kappa = 1e-2 and a phi-dependent kinetic coefficient L(phi) = 1 + phi^2.
"""

import ufl

from phasefield.generic.allen_cahn import AllenCahn
from phasefield.generic.free_energy import double_well
from phasefield.verification.convergence import ConvergenceStudy, Measure, at_each
from phasefield.verification.norms import norm
from phasefield.verification.windows import unit_square

KAPPA = 1e-2


def manufactured_errors(cells: int) -> tuple[float, float]:
    """Relative L2 and H1-seminorm errors at t = 0.02 of phi = 0.5 + 0.25 cos(pi x) cos(pi y)(1 + 10 t)
    (no flux on the boundary; linear in t, so the error is spatial), with L(phi) = 1 + phi^2."""
    mesh = unit_square(cells)
    x = ufl.SpatialCoordinate(mesh)

    def kinetic(phi):
        return 1.0 + phi**2

    def exact(t):
        return 0.5 + 0.25 * ufl.cos(ufl.pi * x[0]) * ufl.cos(ufl.pi * x[1]) * (1 + 10 * t)

    def source(fields):
        phi = exact(fields.time)
        phi_var = ufl.variable(phi)
        rate = 2.5 * ufl.cos(ufl.pi * x[0]) * ufl.cos(ufl.pi * x[1])
        s = rate + kinetic(phi) * (ufl.diff(double_well(phi_var), phi_var) - KAPPA * ufl.div(ufl.grad(phi)))
        return -s * fields.w * fields.dx

    model = AllenCahn(mesh, double_well, KAPPA, kinetic, extra_residual=source)
    model.set_initial_condition(exact(0.0))
    for _ in range(2):
        if not model.step(0.01).converged:
            raise RuntimeError(f"Allen-Cahn manufactured solution: Newton failed on {cells} x {cells} cells")
    phi_exact = exact(model.t)
    dx = ufl.dx(domain=mesh, metadata={"quadrature_degree": 8})
    error = model.phi - phi_exact
    return (norm(error**2 * dx) / norm(phi_exact**2 * dx),
            norm(ufl.inner(ufl.grad(error), ufl.grad(error)) * dx)
            / norm(ufl.inner(ufl.grad(phi_exact), ufl.grad(phi_exact)) * dx))


ALLEN_CAHN_SPACE = ConvergenceStudy(
    name="allen_cahn_space", submodel="generic Allen-Cahn", variable="h",
    description="Allen-Cahn, P1, L(phi) = 1 + phi^2, manufactured solution linear in time (BDF2 exact)",
    measures=(Measure("relative L2(phi)", 2.0), Measure("relative H1(phi)", 1.0)),
    fast=(8, 16, 32, 64), full=(8, 16, 32, 64, 128, 256), errors=at_each(manufactured_errors))
