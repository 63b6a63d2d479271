"""Cahn-Hilliard (mixed c, mu): manufactured-solution convergence in space, energy decay, mass
conservation, restore-on-failure, adaptive stepping, and the unsupported periodic boundary."""

import numpy as np
import pytest
from fields import pseudo_random

from phasefield.generic.cahn_hilliard import CahnHilliard
from phasefield.generic.free_energy import double_well
from phasefield.verification import run_study
from phasefield.verification.cahn_hilliard import CAHN_HILLIARD_SPACE, KAPPA
from phasefield.verification.windows import unit_square


def test_manufactured_solution_converges_at_second_order_in_space():
    result = run_study(CAHN_HILLIARD_SPACE, CAHN_HILLIARD_SPACE.fast)
    orders_c, orders_mu = result.orders(0), result.orders(1)
    print(f"CH P1: relative L2 errors of c {result.errors[:, 0]}, orders {orders_c}; of mu orders {orders_mu}")
    assert np.all(np.abs(orders_c[-3:] - 2) < 0.1)
    assert np.all(np.abs(orders_mu[-2:] - 2) < 0.1)


def spinodal(cells: int = 32, **kwargs) -> CahnHilliard:
    """c = 0.5 + noise of amplitude 0.05, W = 100, kappa = 1e-2 on the unit square."""
    model = CahnHilliard(unit_square(cells), lambda c: 100 * double_well(c), KAPPA, **kwargs)
    model.set_initial_condition(lambda x: 0.5 + 0.05 * (2 * pseudo_random(x) - 1))
    return model


def test_free_energy_does_not_increase_and_mass_is_conserved_from_a_random_field():
    """dt = 1e-6 is below 4 kappa / max|f''|^2 = 4e-6, the bound for a uniquely solvable implicit step."""
    model = spinodal()
    energies, amounts = [model.free_energy()], [model.amount()]
    for _ in range(40):
        assert model.step(1e-6).converged
        energies.append(model.free_energy())
        amounts.append(model.amount())
    increase = np.max(np.diff(energies)) / energies[0]
    drift = np.max(np.abs(np.array(amounts) / amounts[0] - 1))
    print(f"CH random field: E {energies[0]:.4f} -> {energies[-1]:.4f}, largest relative increase "
          f"{increase:.2e}, largest relative mass drift {drift:.2e}")
    assert increase <= 1e-12
    assert energies[-1] < 0.8 * energies[0]
    assert drift < 1e-12


def test_adaptive_run_meets_its_tolerance_and_conserves_mass():
    model = spinodal(cells=24)
    start = model.amount()
    errors = []
    stats = model.run_adaptive(5e-4, 1e-3, 1e-7, 1e-10, 1e-4, stop_times=[1e-4],
                               on_accept=lambda t, dt, outcome: errors.append(outcome.error or 0.0))
    drift = abs(model.amount() / start - 1)
    print(f"CH adaptive: {stats.accepted} steps ({stats.rejected} rejected, {stats.failed} failed), "
          f"dt {min(stats.step_sizes):.1e}..{max(stats.step_sizes):.1e}, mass drift {drift:.1e}")
    assert model.t == pytest.approx(5e-4, rel=1e-12, abs=0) and max(errors) <= 1e-3
    assert max(stats.step_sizes) > 100 * min(stats.step_sizes)
    assert drift < 1e-12


def test_failed_step_restores_the_previous_state():
    model = spinodal(petsc_options={"snes_max_it": 1})
    before = model.u.x.array.copy()
    outcome = model.step(1e-3)
    assert not outcome.converged
    assert model.t == 0.0 and np.array_equal(model.u.x.array, before)


def test_periodic_boundaries_are_refused_with_a_clear_error():
    with pytest.raises(NotImplementedError, match="periodic"):
        CahnHilliard(unit_square(4), double_well, KAPPA, boundary="periodic")
