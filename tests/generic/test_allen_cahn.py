"""Allen-Cahn: manufactured-solution convergence in space (with a phi-dependent kinetic coefficient)
and energy decay from a random field, fixed and adaptive steps."""

import numpy as np
import pytest
import ufl
from dolfinx import fem
from dolfinx import mesh as dmesh
from fields import pseudo_random
from helpers import observed_orders
from mpi4py import MPI

from phasefield.generic.allen_cahn import AllenCahn
from phasefield.generic.free_energy import double_well

KAPPA = 1e-2


def unit_square(cells: int):
    return dmesh.create_unit_square(MPI.COMM_WORLD, cells, cells, dmesh.CellType.triangle)


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
        assert model.step(0.01).converged
    phi_exact = exact(model.t)
    dx = ufl.dx(domain=mesh, metadata={"quadrature_degree": 8})

    def norm(form):
        return np.sqrt(mesh.comm.allreduce(fem.assemble_scalar(fem.form(form * dx))))

    error = model.phi - phi_exact
    return (norm(error**2) / norm(phi_exact**2),
            norm(ufl.inner(ufl.grad(error), ufl.grad(error))) / norm(ufl.inner(ufl.grad(phi_exact),
                                                                                ufl.grad(phi_exact))))


def test_manufactured_solution_converges_at_second_order_in_l2_and_first_in_h1():
    cells = [8, 16, 32, 64]
    errors = np.array([manufactured_errors(n) for n in cells])
    l2 = observed_orders([1 / n for n in cells], errors[:, 0])
    h1 = observed_orders([1 / n for n in cells], errors[:, 1])
    print(f"AC P1: relative L2 errors {errors[:, 0]}, orders {l2}; H1 orders {h1}")
    assert np.all(np.abs(l2[-3:] - 2) < 0.1)
    assert np.all(np.abs(h1[-2:] - 1) < 0.1)


def random_field(**kwargs) -> AllenCahn:
    """phi uniform in [0, 1], W = 1, kappa = 1e-3 on a 32 x 32 unit square."""
    model = AllenCahn(unit_square(32), double_well, 1e-3, **kwargs)
    model.set_initial_condition(pseudo_random)
    return model


def test_free_energy_does_not_increase_from_a_random_field():
    """dt = 0.1 is below 2 / (L max|f''|) = 2, the energy-stability bound of an implicit step."""
    model = random_field()
    energies = [model.free_energy()]
    for _ in range(30):
        assert model.step(0.1).converged
        energies.append(model.free_energy())
    increase = np.max(np.diff(energies)) / energies[0]
    print(f"AC random field: E {energies[0]:.5f} -> {energies[-1]:.5f}, "
          f"largest relative increase {increase:.2e}")
    assert increase <= 1e-12
    assert energies[-1] < 0.5 * energies[0]


def test_adaptive_run_decreases_the_energy_and_grows_the_step():
    model = random_field()
    energies = [model.free_energy()]
    stats = model.run_adaptive(20.0, 1e-3, 1e-3, 1e-8, 5.0,
                               on_accept=lambda t, dt, outcome: energies.append(model.free_energy()))
    increase = np.max(np.diff(energies)) / energies[0]
    print(f"AC adaptive: {stats.accepted} steps ({stats.rejected} rejected), "
          f"dt up to {max(stats.step_sizes):.2f}, "
          f"largest relative energy increase {increase:.2e}")
    assert model.t == pytest.approx(20.0) and increase <= 1e-12
    assert max(stats.step_sizes) > 100 * min(stats.step_sizes)
