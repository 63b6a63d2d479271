"""Allen-Cahn: manufactured-solution convergence in space (with a phi-dependent kinetic coefficient)
and energy decay from a random field, fixed and adaptive steps."""

import numpy as np
import pytest
from fields import pseudo_random

from phasefield.generic.allen_cahn import AllenCahn
from phasefield.generic.free_energy import double_well
from phasefield.verification import run_study
from phasefield.verification.allen_cahn import ALLEN_CAHN_SPACE
from phasefield.verification.windows import unit_square


def test_manufactured_solution_converges_at_second_order_in_l2_and_first_in_h1():
    result = run_study(ALLEN_CAHN_SPACE, ALLEN_CAHN_SPACE.fast)
    l2, h1 = result.orders(0), result.orders(1)
    print(f"AC P1: relative L2 errors {result.errors[:, 0]}, orders {l2}; H1 orders {h1}")
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
