"""Requirement: a flat interface void under the stack pressure closes at a rate that does not change once the window's
metal is twice as tall as the void is wide, while a thinner window closes it faster, the more so the larger the stress
exponent (its roof a plate in bending instead of the edge of a half-space); and the larger the exponent, the more
the roof settles as a block instead of sagging in its middle (docs/creep.md, "The window's metal height"; the
cases' n = 6.6 in benchmarks/creep_closure/window_height.json: 9-12x at 0.8 of the void's width, sag shares 0.01-0.10).
Exponents 1 and 3 here: their cold solves are robust, n = 6.6's are marginal (the same page)."""

import pytest
from mpi4py import MPI

from phasefield.physics.creep import WARM_PICARD_ITERATIONS, NortonLaw
from phasefield.verification.creep import LI
from phasefield.verification.flat_void import flat_void_closure

PRESSURE = 1e6  # Pa
HALF_WIDTH, WINDOW, HEIGHT = 2e-6, 4e-6, 0.5e-6  # contact fraction 1/2, a void 4 um wide and 0.5 um tall
METAL_HEIGHTS = (3e-6, 8e-6, 16e-6)

pytestmark = pytest.mark.skipif(MPI.COMM_WORLD.size > 1, reason="the roof speeds are read on one rank")


def law_with_exponent(exponent: float) -> NortonLaw:
    """A Norton law of stress exponent ``exponent`` with Li's strain rate at 1 MPa."""
    return NortonLaw(exponent, LI.rate_factor * 1e6 ** (LI.stress_exponent - exponent))


@pytest.fixture(scope="module")
def closures():
    """{exponent: {metal height: closure}} with Li's rate at 1 MPa for every exponent."""
    result = {}
    for exponent in (1.0, 3.0):
        law = law_with_exponent(exponent)
        result[exponent] = {height: flat_void_closure(law, PRESSURE, HALF_WIDTH, WINDOW, HEIGHT, height)
                            for height in METAL_HEIGHTS}
    return result


@pytest.mark.parametrize("exponent", [1.0, 3.0])
def test_the_closure_is_converged_once_the_metal_is_twice_as_tall_as_the_void_is_wide(closures, exponent):
    tall, taller = closures[exponent][8e-6], closures[exponent][16e-6]
    assert tall["closure_rate_per_s"] == pytest.approx(taller["closure_rate_per_s"], rel=2e-3)


def test_a_thinner_window_closes_the_void_faster_the_more_so_the_larger_the_exponent(closures):
    speedup = {n: closures[n][3e-6]["closure_rate_per_s"] / closures[n][16e-6]["closure_rate_per_s"]
               for n in closures}
    assert 1.1 < speedup[1.0] < speedup[3.0]  # measured 1.32 and 3.17 at H/w = 0.75 (n = 6.6: 9-12x at 0.8)
    for n in closures:
        assert closures[n][3e-6]["sag_share"] > closures[n][16e-6]["sag_share"]  # the thin roof bends


def test_the_larger_the_exponent_the_more_the_roof_settles_as_a_block(closures):
    newtonian, power_law = closures[1.0][16e-6]["sag_share"], closures[3.0][16e-6]["sag_share"]
    assert 0.0 < power_law < 0.7 * newtonian  # measured 0.18 against 0.36 (n = 6.6: 0.011)


def test_the_pressure_continuation_reaches_the_flow_of_the_cold_solve_warm_from_a_sixteenth_of_the_pressure(closures):
    """The continuation that stands in for a failed cold solve (n = 6.6 at small contact fractions, window_height.py)
    ends at the same flow, its solves after the first warm (one Kacanov iteration, then Newton: no cold restart)."""
    continued = flat_void_closure(law_with_exponent(3.0), PRESSURE, HALF_WIDTH, WINDOW, HEIGHT, 8e-6,
                                  always_continue=True)
    cold = closures[3.0][8e-6]
    steps = continued["pressure_continuation"]
    assert cold["pressure_continuation"] == []
    assert [step["pressure_Pa"] for step in steps] == [PRESSURE / 2**k for k in (4, 3, 2, 1, 0)]
    assert all(step["picard"] <= WARM_PICARD_ITERATIONS for step in steps[1:])
    assert continued["closure_rate_per_s"] == pytest.approx(cold["closure_rate_per_s"], rel=1e-6)
    assert continued["roof_speed_centre_m_per_s"] == pytest.approx(cold["roof_speed_centre_m_per_s"], rel=1e-6)
