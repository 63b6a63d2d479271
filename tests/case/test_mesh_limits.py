"""Meshes that cannot be built, or only degenerate, are refused by the case schema (at ``check``).

``phasefield.mesh.window.geometric_ratio`` searches the grading ratio q from q = 2 upwards and evaluates
q^cells: a graded side of more than 1023 cells overflows a float (OverflowError after the results
directory is made). The schema computes the ratio in logarithms (``grading_ratio``) and refuses what
the window cannot build: more than ``MAX_GRADED_CELLS`` graded cells per side, a growth ratio beyond
``MAX_GROWTH_RATIO``, a first cell below ``MIN_CELL_HEIGHT``, more than ``MAX_CELLS`` cells in all.
Everything it accepts, the window grades without overflow into increasing coordinates.
"""

import itertools
import math

import numpy as np
import pytest
from pydantic import ValidationError

from phasefield.case.schema import (
    MAX_CELLS,
    MAX_GRADED_CELLS,
    MAX_GROWTH_RATIO,
    MIN_CELL_HEIGHT,
    Mesh,
    grading_ratio,
)
from phasefield.mesh.window import geometric_ratio, graded_coordinate

COLUMN = dict(dimension=2, width="1 um", metal_height="40 um", electrolyte_height="10 um",
              cells_along_interface=1, metal_cells=240, electrolyte_cells=4, interface_cell_height="0.005 um")


def mesh(**changes) -> Mesh:
    return Mesh.model_validate({**COLUMN, **changes})


def refusal(**changes) -> str:
    with pytest.raises(ValidationError) as err:
        mesh(**changes)
    return str(err.value)


@pytest.mark.parametrize(("height", "cells", "first"), [
    (40e-6, 240, 5e-9), (10e-6, 4, 5e-9), (20e-6, 24, 0.25e-6), (16e-6, 28, 0.2e-6), (30e-6, 8, 0.2e-6),
    (20e-6, 1000, 1e-10), (1e-2, 1000, 1e-10), (1e-2, 2, 1e-5), (10e-6, 2, 0.04e-6), (1e-6, 3, 1e-10),
])
def test_grading_ratio_in_logarithms_agrees_with_the_window(height, cells, first):
    assert grading_ratio(height, cells, first) == pytest.approx(geometric_ratio(height, cells, first), rel=1e-9)


def test_a_graded_side_of_1100_cells_overflows_the_window_and_is_refused_at_check():
    with pytest.raises(OverflowError):
        geometric_ratio(40e-6, 1100, 5e-9)
    message = refusal(metal_cells=1100)
    assert f"metal_cells = 1100 graded from interface_cell_height = 0.005 um over metal_height = 40 um cannot " \
           f"be meshed: at most {MAX_GRADED_CELLS} graded cells per side" in message
    assert "interface_cell_height >= 0.03636 um for uniform cells" in message


def test_many_cells_are_fine_when_the_side_is_uniform():
    """cells x interface_cell_height >= height: no grading, cells of height / cells (finer than asked)."""
    spec = mesh(metal_cells=5000, interface_cell_height="0.01 um")
    assert grading_ratio(spec.metal_height, spec.metal_cells, spec.interface_cell_height) == 1.0
    assert geometric_ratio(spec.metal_height, spec.metal_cells, spec.interface_cell_height) == 1.0
    s = np.linspace(0.0, 1.0, 5001)
    heights = np.diff(graded_coordinate(s, spec.metal_height, 5000, spec.interface_cell_height))
    assert np.allclose(heights, 8e-9, rtol=1e-9, atol=0)


def test_a_first_cell_below_an_atomic_spacing_is_refused_in_the_unit_written():
    assert "expected at least 1e-10 m" in refusal(interface_cell_height="1e-12 m")
    assert "expected at least 0.0001 um (1e-10 m)" in refusal(interface_cell_height="0.00001 um")
    assert mesh(interface_cell_height=f"{MIN_CELL_HEIGHT} m").interface_cell_height == MIN_CELL_HEIGHT


def test_a_growth_ratio_beyond_the_limit_is_a_degenerate_mesh():
    message = refusal(electrolyte_cells=2)  # 5 nm then ~10 um: q ~ 2000
    assert ("electrolyte_cells = 2 graded from interface_cell_height = 0.005 um over electrolyte_height = 10 um"
            in message)
    assert f"from cell to cell (at most {MAX_GROWTH_RATIO:g}): a degenerate mesh" in message
    assert grading_ratio(10e-6, 2, 5e-9) > MAX_GROWTH_RATIO
    mesh(electrolyte_cells=3)  # q ~ 44


@pytest.mark.parametrize(("changes", "cells"), [
    (dict(cells_along_interface=100_000, metal_cells=24, electrolyte_cells=16, interface_cell_height="0.5 um"),
     100_000 * 40 * 2),
    (dict(dimension=3, depth="40 um", cells_across=200, cells_along_interface=200, metal_cells=12,
          electrolyte_cells=8, interface_cell_height="0.5 um"), 200 * 200 * 20 * 6),
])
def test_a_window_beyond_the_cell_limit_is_refused(changes, cells):
    assert cells > MAX_CELLS
    assert f"the window has {cells:,} cells" in refusal(**changes)


def test_a_window_at_the_cell_limit_passes():
    spec = mesh(cells_along_interface=MAX_CELLS // 2 // 1000, metal_cells=600, electrolyte_cells=400,
                interface_cell_height="0.04 um")
    assert spec.cells_along_interface * 1000 * 2 == MAX_CELLS


def test_every_accepted_grading_is_built_without_overflow_into_increasing_coordinates():
    """A grid over cells, heights and first cells up to the limits: what the schema accepts, the window grades."""
    accepted = 0
    for cells, height, first in itertools.product(
        (2, 3, 7, 28, 100, 500, 999, 1000, 1001, 1023, 1024, 1100),
        (1e-8, 1e-6, 1e-4, 1e-2),
        (1e-10, 1e-9, 1e-8, 1e-7, 1e-6),
    ):
        if first > height:
            continue
        try:
            mesh(metal_cells=cells, metal_height=f"{height} m", interface_cell_height=f"{first} m",
                 electrolyte_height=f"{max(height, 1e-6)} m", electrolyte_cells=1)
        except ValidationError:
            continue
        accepted += 1
        q = geometric_ratio(height, cells, first)
        assert q == pytest.approx(grading_ratio(height, cells, first), rel=1e-9)
        y = graded_coordinate(np.arange(cells + 1) / cells, height, cells, first)
        assert np.all(np.isfinite(y)) and np.all(np.diff(y) > 0), (cells, height, first)
        assert y[-1] == pytest.approx(height, rel=1e-12, abs=0)
        if q > 1.0:
            assert y[1] == pytest.approx(first, rel=1e-6, abs=0)
    assert accepted > 100


def test_the_limits_keep_q_to_the_cells_finite():
    """The search evaluates q^cells from q = 2: 2^1000 is finite, and so is every q^cells accepted."""
    assert math.isfinite(2.0 ** MAX_GRADED_CELLS) and MAX_GRADED_CELLS < 1024
    worst = grading_ratio(1e-2, 2, MIN_CELL_HEIGHT)  # two cells over the tallest side from the smallest cell
    assert worst > MAX_GROWTH_RATIO  # refused
