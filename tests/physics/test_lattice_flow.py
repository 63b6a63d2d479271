"""Requirement: the potential lattice flow carries the lattice that plating adds at the interface: with no
sinks and a uniform growth rate g the metal moves away from the interface at g everywhere (1-D kinematics)."""

import numpy as np
from dolfinx import fem

from phasefield.physics.lattice_flow import PotentialLatticeFlow
from phasefield.verification.windows import metal_window


def test_new_lattice_at_the_interface_moves_the_metal_away_at_its_rate():
    win = metal_window(2e-6, 4e-6, 4, 16)
    flow = PotentialLatticeFlow(win.metal)
    growth = 3e-9  # m/s of new lattice at the interface
    flow.bind(fem.Constant(win.metal.mesh, 0.0), plating_rate=fem.Constant(win.metal.mesh, growth))
    flow.solve()
    space = fem.functionspace(win.metal.mesh, ("DG", 0, (2,)))
    velocity = fem.Function(space)
    velocity.interpolate(fem.Expression(flow.velocity, space.element.interpolation_points))
    v = velocity.x.array.reshape(-1, 2)
    normal = win.normal_axis
    assert np.allclose(v[:, normal], growth, rtol=1e-8)  # away from the interface (the metal lies at y > 0)
    assert np.allclose(v[:, 1 - normal], 0.0, atol=1e-8 * growth)
