"""The short-circuit criterion: a filament starts where the local plating current density exceeds the
critical one, its Li front advances at the plating speed of that current, the cell shorts when the front
has crossed the electrolyte."""

import numpy as np
import pytest

from phasefield.constants import FARADAY
from phasefield.physics.short_circuit import FilamentGrowth, overcritical_sites, plating_peak

OMEGA = 12.97e-6  # m^3/mol, Li
CRITICAL = 10.0  # A/m^2: 1 mA/cm2


def test_the_peak_and_the_sites_count_plating_above_the_threshold_only():
    """The system shall count the separate spots plating above i_c and take the peak over plating alone."""
    current = np.array([-12.0, -15.0, -5.0, 30.0, -11.0, -9.0, -20.0, -20.0])  # A/m^2, > 0 strips
    assert plating_peak(current) == 20.0
    assert plating_peak(np.array([5.0, 1.0])) == 0.0
    assert overcritical_sites(current, CRITICAL) == 3
    assert overcritical_sites(current, 25.0) == 0
    assert overcritical_sites(np.array([]), CRITICAL) == 0


def test_no_filament_grows_below_the_critical_current_density():
    """The system shall not start a filament where the plating current stays at or below i_c."""
    growth = FilamentGrowth(CRITICAL, 500e-6, OMEGA)
    for _ in range(100):
        growth.advance(3600.0, CRITICAL)
    assert growth.length == 0.0 and not growth.initiated and not growth.shorted


def test_the_cell_shorts_when_the_front_crosses_the_pellet_at_the_plating_speed():
    """The system shall short the cell after L F / (Omega i_p) of plating above i_c: 500 um at 50 mA/cm2
    (speed 67.2 nm/s) takes 7.44e3 s; steps of 100 s cross it within one step, a step below i_c adds nothing."""
    growth = FilamentGrowth(CRITICAL, 500e-6, OMEGA)
    peak, dt = 500.0, 100.0
    assert growth.front_speed(peak) == pytest.approx(peak * OMEGA / FARADAY, rel=1e-15, abs=0)
    growth.advance(dt, 0.5 * CRITICAL)
    time = 0.0
    while not growth.shorted:
        growth.advance(dt, peak)
        time += dt
    expected = 500e-6 * FARADAY / (OMEGA * peak)
    print(f"shorted after {time:.0f} s of plating at 50 mA/cm2 (expected {expected:.0f} s)")
    assert growth.initiated
    assert expected <= time < expected + dt
