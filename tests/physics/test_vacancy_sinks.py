"""Requirement: without voids the lattice moves in the frame of the vacancy sinks (issue 23, item 5). The
quasi-steady sink rate annihilates every injected vacancy inside the window (exactly, discretely), its lattice
velocity in 1-D is v(y) = -j [1 - sinh((H - y)/l) / sinh(H/l)] with first-order convergence of the cell
velocities, and for fast sinks (l far below a cell) it is the uniform v = -j of a lattice annihilated at the
interface (the project notes' frame (a) as the limit of frame (b))."""

import numpy as np
import pytest
import ufl
from dolfinx import fem
from mpi4py import MPI

from phasefield.physics.lattice_flow import PotentialLatticeFlow
from phasefield.physics.vacancy_sinks import QuasiSteadyVacancySinks
from phasefield.verification.windows import metal_window

INJECTION = 6.7e-10  # m/s: 0.5 mA/cm2 of Li
HEIGHT = 40e-6
WIDTH = 1e-6


def analytic_velocity(y, sink_length):
    """v(y) of the module docstring, without overflow for H >> l."""
    ratio = (np.exp(-y / sink_length) - np.exp(-(2 * HEIGHT - y) / sink_length)) \
        / (1 - np.exp(-2 * HEIGHT / sink_length))
    return -INJECTION * (1 - ratio)


def solve(sink_length, cells):
    """Cell-centre heights and the normal velocity of the lattice flow of the sinks in each cell."""
    win = metal_window(WIDTH, HEIGHT, 1, cells)
    sinks = QuasiSteadyVacancySinks(win.metal, sink_length)
    sinks.injection.value = INJECTION
    flow = PotentialLatticeFlow(win.metal)
    flow.bind(-sinks.sink_rate)
    sinks.solve()
    flow.solve()
    space = fem.functionspace(win.metal.mesh, ("DG", 0, (2,)))
    velocity = fem.Function(space)
    velocity.interpolate(fem.Expression(flow.velocity, space.element.interpolation_points))
    centres = space.tabulate_dof_coordinates()[:, win.normal_axis]
    annihilated = win.metal.mesh.comm.allreduce(fem.assemble_scalar(fem.form(sinks.sink_rate * ufl.dx)), op=MPI.SUM)
    return centres, velocity.x.array.reshape(-1, 2)[:, win.normal_axis], annihilated, flow.top_normal_speed.value


def test_every_injected_vacancy_is_annihilated_in_the_window_and_the_bulk_enters_at_the_stripping_speed():
    _, _, annihilated, top_speed = solve(13e-6, 40)
    assert annihilated / (INJECTION * WIDTH) == pytest.approx(1.0, rel=1e-10, abs=0.0)
    assert top_speed / INJECTION == pytest.approx(-1.0, rel=1e-10, abs=0.0)  # inflow: v.n < 0 on the top


def test_the_lattice_velocity_of_the_sinks_converges_to_the_one_dimensional_solution():
    sink_length = 13e-6  # 100 um grains
    errors = []
    for cells in (40, 80, 160):
        y, v, _, _ = solve(sink_length, cells)
        errors.append(np.max(np.abs(v - analytic_velocity(y, sink_length))) / INJECTION)
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert errors[-1] < 3e-3
    assert np.all(orders > 0.9), (errors, orders)


def test_fast_sinks_give_the_uniform_velocity_of_a_lattice_annihilated_at_the_interface():
    y, v, _, _ = solve(1e-9, 40)  # l = 1 nm, far below a cell (1 um)
    above = y > 1e-6
    assert np.allclose(v[above] / INJECTION, -1.0, rtol=5e-6, atol=0.0)  # measured 2.2e-6: the P1 layer, (l/h)^2
