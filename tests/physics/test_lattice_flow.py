"""Requirement: the lattice flows carry the lattice that plating adds at the interface: with no sinks and a
uniform growth rate g the metal moves away from the interface at g everywhere (1-D kinematics), in the
potential lattice flow and in the creep flow (where it is a rigid translation under the stack pressure); and the
lattice the interface removes (g < 0: stripped sites it annihilates) brings the metal towards it at |g|."""

import numpy as np
import pytest
from dolfinx import fem

from phasefield.physics.creep_flow import CreepFlow
from phasefield.physics.lattice_flow import PotentialLatticeFlow
from phasefield.verification.creep import LI
from phasefield.verification.windows import metal_window

GROWTH = 3e-9  # m/s of new lattice at the interface


def potential_flow(win, growth):
    flow = PotentialLatticeFlow(win.metal)
    flow.bind(fem.Constant(win.metal.mesh, 0.0), plating_rate=fem.Constant(win.metal.mesh, growth))
    return flow


def creep_flow(win, growth):
    flow = CreepFlow(win.metal, LI, 0.2e6)
    metal = fem.Function(fem.functionspace(win.metal.mesh, ("Lagrange", 1)))
    metal.x.array[:] = 1.0
    flow.bind(fem.Constant(win.metal.mesh, 0.0), metal, plating_rate=fem.Constant(win.metal.mesh, growth))
    return flow


@pytest.mark.parametrize("growth", [GROWTH, -GROWTH], ids=["plating", "annihilating"])
@pytest.mark.parametrize("build", [potential_flow, creep_flow], ids=["potential", "creep"])
def test_lattice_added_or_removed_at_the_interface_moves_the_metal_at_its_rate(build, growth):
    win = metal_window(2e-6, 4e-6, 4, 16)
    flow = build(win, growth)
    flow.solve()
    space = fem.functionspace(win.metal.mesh, ("DG", 0, (2,)))
    velocity = fem.Function(space)
    velocity.interpolate(fem.Expression(flow.velocity, space.element.interpolation_points))
    v = velocity.x.array.reshape(-1, 2)
    normal = win.normal_axis
    assert np.allclose(v[:, normal], growth, rtol=1e-8, atol=0.0)  # g > 0 away from the interface (metal at y > 0)
    assert np.allclose(v[:, 1 - normal], 0.0, atol=1e-8 * GROWTH)
    if flow.top_normal_speed is not None:  # the potential flow: the volume balance's speed out through the top
        assert flow.top_normal_speed.value / growth == pytest.approx(1.0, rel=1e-10, abs=0.0)
