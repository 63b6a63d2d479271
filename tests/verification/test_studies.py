"""Convergence studies: the coupled model (electrochemistry + interdiffusion, strip / rest / plate
of a Li-Mg column) converges at first order in time and second order in space (fast resolutions;
the sub-model studies run at theirs in the sub-models' tests), and every study at its full, finer
resolutions matches theory within 0.1 (slow: `phasefield verify --full`, about 20 minutes)."""

import numpy as np
import pytest

from phasefield.verification import ORDER_TOLERANCE, run_study
from phasefield.verification.coupled import COUPLED_SPACE, COUPLED_TIME
from phasefield.verification.studies import STUDIES


def test_final_interface_mg_and_voltage_converge_at_first_order_in_time():
    result = run_study(COUPLED_TIME, COUPLED_TIME.fast)
    print(f"coupled time: differences {result.errors.T}, orders {result.orders(0)}, {result.orders(1)}")
    assert result.passed


@pytest.fixture(scope="module")
def space_result():
    return run_study(COUPLED_SPACE, COUPLED_SPACE.fast)


def test_final_interface_mg_converges_at_second_order_in_space(space_result):
    print(f"coupled space: x_Mg differences {space_result.errors[:, 0]}, orders {space_result.orders(0)}")
    assert space_result.matches(0)


def test_final_cell_voltage_converges_at_second_order_in_space(space_result):
    orders = space_result.orders(1)
    print(f"coupled space: voltage differences {space_result.errors[:, 1]}, orders {orders}")
    assert np.all(np.abs(orders[-2:] - 2.0) <= ORDER_TOLERANCE)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(STUDIES))
def test_full_study_matches_the_theoretical_orders(name):
    result = run_study(STUDIES[name], STUDIES[name].full)
    for k, measure in enumerate(result.study.measures):
        print(f"{name} {measure.norm}: errors {result.errors[:, k]}, orders {result.orders(k)}")
    assert result.passed
