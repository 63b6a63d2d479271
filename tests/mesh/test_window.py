"""The graded window: grading, tags, and the same code path in 2-D and 3-D."""

import numpy as np
import pytest
import ufl
from dolfinx import fem
from mpi4py import MPI

from phasefield.case.schema import Mesh
from phasefield.mesh import CellTag, FacetTag, build_interface_window, graded_coordinate
from phasefield.verification.windows import uniform_window


def test_geometric_grading_has_the_requested_first_cell_and_total_height():
    y = graded_coordinate(np.linspace(0, 1, 25), 20e-6, 24, 0.25e-6)
    assert y[0] == 0.0 and y[-1] == pytest.approx(20e-6, rel=1e-12, abs=0)
    assert y[1] == pytest.approx(0.25e-6, rel=1e-9, abs=0)
    heights = np.diff(y)
    assert np.allclose(heights[1:] / heights[:-1], heights[1] / heights[0], rtol=1e-9, atol=0)


def _measure(mesh, tags, tag):
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=tags)
    one = fem.Constant(mesh, 1.0)
    return MPI.COMM_WORLD.allreduce(fem.assemble_scalar(fem.form(one * ds(int(tag)))), op=MPI.SUM)


@pytest.mark.parametrize("dimension", [2, 3])
def test_window_tags_cover_the_interface_and_volumes(dimension):
    spec = Mesh.model_validate(dict(
        dimension=dimension, width="8 um", metal_height="4 um", electrolyte_height="6 um",
        cells_along_interface=4, metal_cells=4, electrolyte_cells=3,
        interface_cell_height="0.5 um", **({"depth": "8 um", "cells_across": 4} if dimension == 3 else {}),
    ))
    window = build_interface_window(MPI.COMM_WORLD, spec)
    area = 8e-6 if dimension == 2 else 64e-12
    for side in (window.metal, window.electrolyte):
        assert _measure(side.mesh, side.facet_tags, FacetTag.INTERFACE) == pytest.approx(area, rel=1e-12, abs=0)
    top = _measure(window.metal.mesh, window.metal.facet_tags, FacetTag.METAL_TOP)
    assert top == pytest.approx(area, rel=1e-12, abs=0)
    bottom = _measure(window.electrolyte.mesh, window.electrolyte.facet_tags, FacetTag.ELECTROLYTE_BOTTOM)
    assert bottom == pytest.approx(area, rel=1e-12, abs=0)
    volume = {tag: MPI.COMM_WORLD.allreduce(fem.assemble_scalar(fem.form(
        fem.Constant(window.parent, 1.0) * ufl.dx(domain=window.parent, subdomain_data=window.cell_tags,
                                                  subdomain_id=int(tag)))), op=MPI.SUM) for tag in CellTag}
    assert volume[CellTag.METAL] == pytest.approx(area * 4e-6, rel=1e-12, abs=0)
    assert volume[CellTag.ELECTROLYTE] == pytest.approx(area * 6e-6, rel=1e-12, abs=0)
    interface_facets = MPI.COMM_WORLD.allreduce(window.interface_facets.values.size, op=MPI.SUM)
    assert interface_facets >= 4 ** (dimension - 1)


def test_uniform_helper_has_no_grading():
    window = build_interface_window(MPI.COMM_WORLD, uniform_window(4))
    y = np.unique(np.round(window.electrolyte.mesh.geometry.x[:, 1], 12))
    assert np.allclose(np.diff(y), 2.5e-6, rtol=1e-12, atol=0)
