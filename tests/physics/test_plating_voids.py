"""Plating through the vacancy-void phase field: the deposit fills vacancies while there are any and builds
new lattice for the rest (the plated volume is conserved), and a void next to the contact refills. Stripping with
a share of the sites annihilated at the interface: the rest enters as vacancies, that share is lattice removed."""

import numpy as np
import pytest
import ufl
from dolfinx import fem
from mpi4py import MPI

from phasefield.constants import FARADAY
from phasefield.generic.free_energy import well_and_gradient_coefficients
from phasefield.physics.vacancies import EV, VacancyProperties
from phasefield.physics.voids import STABILIZATION, VacancyVoidSystem
from phasefield.verification.voids import GAMMA, OMEGA
from phasefield.verification.windows import metal_window

NO_SINKS = VacancyProperties(298.15, 1e-4, 7e-15, 1.0, 0.03 * EV, 0.22 * EV, 0.51 * EV)
PLATING = -5.0  # A/m^2: 0.5 mA/cm2


def test_plating_fills_vacancies_then_builds_lattice_and_conserves_the_plated_volume():
    """The system shall take the plated volume i Omega / F out of the vacancies while there are any and
    put the rest into new lattice: in a closed metal column without sinks (2 x 4 um), the vacancies lost
    equal the filled volume (backward Euler conserves c), filled + new lattice equals the plated volume,
    the vacancy fraction stays positive and, once the vacancies are used up, nearly all the deposit is
    lattice."""
    width, height = 2e-6, 4e-6
    win = metal_window(width, height, 4, 40)
    system = VacancyVoidSystem(win.metal, NO_SINKS, OMEGA, GAMMA, 0.5e-6, np.deg2rad(93.6), 1e-5)
    system.set_state(lambda x: 1 + 0 * x[0], lambda x: 0 * x[0])
    start = system.vacancy_amount()
    filled = lattice = plated = 0.0
    for dt in [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 2.0, 2.0]:
        system.set_injection_from_current(np.full(system.injection.x.array.size, PLATING))
        system.step(dt)
        fill_rate, lattice_rate = system.plating_split()
        filled += dt * fill_rate
        lattice += dt * lattice_rate
        plated += dt * -PLATING * OMEGA / FARADAY * width
    lost = start - system.vacancy_amount()
    _, lattice_share = (rate / (-PLATING * OMEGA / FARADAY * width) for rate in system.plating_split())
    print(f"vacancies {start * 1e12:.4e} um^2: lost {lost * 1e12:.4e}, filled {filled * 1e12:.4e}; "
          f"lattice {lattice * 1e12:.4e}; plated {plated * 1e12:.4e} um^2; lattice share now {lattice_share:.4f}")
    assert system.injection.x.array.max() < 0.0  # plating takes vacancies out
    assert lost == pytest.approx(filled, rel=1e-6, abs=0)
    assert filled + lattice == pytest.approx(plated, rel=1e-9, abs=0)
    assert 0.9 * start < lost < start  # nearly all vacancies used, the fraction still positive
    assert lattice_share > 0.99


STRIPPING = 5.0  # A/m^2: 0.5 mA/cm2
COLUMN_WIDTH = 2e-6  # m


def stripping_column(share: float) -> VacancyVoidSystem:
    """A closed 2 x 4 um metal column without sinks, all metal, the interface annihilating ``share`` of the sites."""
    win = metal_window(COLUMN_WIDTH, 4e-6, 4, 40)
    system = VacancyVoidSystem(win.metal, NO_SINKS, OMEGA, GAMMA, 0.5e-6, np.deg2rad(93.6), 1e-5,
                               annihilation_share=share)
    system.set_state(lambda x: 1 + 0 * x[0], lambda x: 0 * x[0])
    return system


def strip(system: VacancyVoidSystem, dt: float) -> None:
    system.set_injection_from_current(np.full(system.injection.x.array.size, STRIPPING))
    system.step(dt)


def test_stripping_injects_the_sites_the_interface_does_not_annihilate_and_removes_the_rest_as_lattice():
    """With a = 0.3 of the stripped sites annihilated at the interface, a closed column without sinks gains
    (1 - a) i Omega / F of vacancies per time and the interface removes lattice at a i Omega / F (the metal in
    contact comes down); with a = 0 it gains them all and removes none."""
    stripped = STRIPPING * OMEGA / FARADAY * COLUMN_WIDTH  # m^2/s per depth
    for share in (0.0, 0.3):
        system = stripping_column(share)
        start = system.vacancy_amount()
        for dt in [0.1, 0.2, 0.5, 1.0]:
            strip(system, dt)
        gained = system.vacancy_amount() - start
        _, lattice_rate = system.plating_split()
        assert gained == pytest.approx((1.0 - share) * stripped * 1.8, rel=1e-6, abs=0)
        assert lattice_rate == pytest.approx(-share * stripped, rel=1e-9, abs=1e-30)


def test_the_nuclei_debt_is_paid_from_the_vacancies_and_not_from_the_lattice_the_interface_removes():
    """a = 0.5 and a debt of a quarter of a step's stripped sites: the column gains (1 - a) of them less the debt,
    the debt is paid, and the interface still removes lattice at a i Omega / F."""
    dt, share = 1.0, 0.5
    stripped = STRIPPING * OMEGA / FARADAY * COLUMN_WIDTH
    system = stripping_column(share)
    start = system.vacancy_amount()
    system.injection_debt = 0.25 * stripped * dt
    strip(system, dt)
    assert system.vacancy_amount() - start == pytest.approx(((1.0 - share) - 0.25) * stripped * dt, rel=1e-6, abs=0)
    assert system.injection_debt == 0.0
    assert system.plating_split()[1] == pytest.approx(-share * stripped, rel=1e-9, abs=0)


def test_a_void_next_to_the_contact_refills_under_plating():
    """The system shall refill a void on the interface when the metal around it plates: a void of radius
    1 um on an 8 x 6 um window (sinks of 100 um grains, sink-layer top) under 0.5 mA/cm2 of plating at the
    contact (phi on the interface) for 10 min loses most of its area, against the same void without current."""
    props = VacancyProperties(298.15, 1e-4, 8e-15, 100e-6, 0.03 * EV, 0.22 * EV, 0.51 * EV)
    delta = 0.5e-6
    well, _ = well_and_gradient_coefficients(GAMMA, delta)
    win = metal_window(8e-6, 6e-6, 32, 24)

    def void_area(current: float) -> float:
        system = VacancyVoidSystem(win.metal, props, OMEGA, GAMMA, delta, np.deg2rad(93.6), 1.0 / well,
                                   stabilization=STABILIZATION, extrapolated_stabilization=True, top="sink_layer")
        system.set_state(lambda x: 0.5 * (1 + np.tanh((np.hypot(x[0] - 4e-6, x[1]) - 1e-6) / delta)),
                         lambda x: 0 * x[0])
        for _ in range(60):
            system.set_injection_from_current(current * system.u.x.array[system.phi_dofs])
            system.step(10.0)
        return MPI.COMM_WORLD.allreduce(fem.assemble_scalar(fem.form((1 - system.u.sub(0)) * ufl.dx)))

    initial = 0.5 * np.pi * (1e-6) ** 2
    resting, plating = void_area(0.0), void_area(PLATING)
    print(f"void area {initial * 1e12:.3f} um^2 -> {resting * 1e12:.3f} without current, "
          f"{plating * 1e12:.3f} um^2 plating")
    assert resting > 0.5 * initial
    assert plating < 0.5 * resting
