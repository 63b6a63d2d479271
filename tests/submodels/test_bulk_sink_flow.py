"""Requirement: without voids the lattice frame takes the share a of the stripped sites that the interface annihilates
itself (``interface_vacancy_annihilation_share``, issue 23), as the void model does: (1 - a) j enters the sinks and
the interface removes lattice at a j, so in 1-D v(y) = -j [a + (1 - a)(1 - sinh((H - y)/l) / sinh(H/l))], the bulk
enters at j whatever a is, a = 1 is the uniform frame of a lattice annihilated at the interface, and plating does not
see a."""

import numpy as np
import pytest
import ufl
from dolfinx import fem
from mpi4py import MPI

from phasefield.constants import FARADAY
from phasefield.physics.vacancy_sinks import QuasiSteadyVacancySinks
from phasefield.submodels.base import InterfaceFields, StepConditions
from phasefield.submodels.flow import BulkSinkFlow
from phasefield.verification.windows import metal_window

MOLAR_VOLUME = 12.97e-6
CURRENT = 5.0  # A/m^2: 0.5 mA/cm2
SPEED = CURRENT * MOLAR_VOLUME / FARADAY  # m/s
HEIGHT, SINK_LENGTH, CELLS = 40e-6, 13e-6, 160


def solve(share: float, current: float = CURRENT):
    """Cell-centre heights, the cells' normal velocity, the annihilated volume rate and the top's normal speed."""
    window = metal_window(1e-6, HEIGHT, 1, CELLS)
    flow = BulkSinkFlow(QuasiSteadyVacancySinks(window.metal, SINK_LENGTH), InterfaceFields.build(window),
                        MOLAR_VOLUME, share)
    flow.bind(None)
    flow.advance(StepConditions(dt=1.0, current_density=current, capacity=0.0, plated_thickness=0.0))
    space = fem.functionspace(window.metal.mesh, ("DG", 0, (2,)))
    velocity = fem.Function(space)
    velocity.interpolate(fem.Expression(flow.velocity, space.element.interpolation_points))
    axis = window.normal_axis
    annihilated = window.metal.mesh.comm.allreduce(
        fem.assemble_scalar(fem.form(flow.sinks.sink_rate * ufl.dx)), op=MPI.SUM)
    return (space.tabulate_dof_coordinates()[:, axis], velocity.x.array.reshape(-1, 2)[:, axis], annihilated / 1e-6,
            flow.top_normal_speed.value)


def sink_frame_velocity(y):
    ratio = (np.exp(-y / SINK_LENGTH) - np.exp(-(2 * HEIGHT - y) / SINK_LENGTH)) \
        / (1 - np.exp(-2 * HEIGHT / SINK_LENGTH))
    return -SPEED * (1 - ratio)


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_the_interface_annihilates_its_share_and_the_sinks_the_rest(share):
    y, v, annihilated, top_speed = solve(share)
    assert annihilated / SPEED == pytest.approx(1.0 - share, rel=1e-9, abs=1e-12)
    assert top_speed / SPEED == pytest.approx(-1.0, rel=1e-9)  # the bulk enters at the stripping speed for any a
    expected = -share * SPEED + (1.0 - share) * sink_frame_velocity(y)
    assert np.max(np.abs(v - expected)) / SPEED < 3e-3  # 2.7e-3 at a = 0: first order in the cells, as there
    if share == 1.0:
        np.testing.assert_allclose(v / SPEED, -1.0, rtol=1e-9)


def test_plating_does_not_see_the_share():
    _, plated, _, top_plated = solve(0.0, -CURRENT)
    _, plated_with_share, _, top_with_share = solve(0.5, -CURRENT)
    np.testing.assert_allclose(plated_with_share, plated, rtol=1e-12, atol=1e-12 * SPEED)
    assert top_plated / SPEED == pytest.approx(1.0, rel=1e-9) and top_with_share == pytest.approx(top_plated, rel=1e-12)
