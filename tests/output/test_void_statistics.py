"""Void statistics: counting, widths, heights and gap detection on known fields."""

import numpy as np
import pytest

from phasefield.output.void_statistics import column_heights, interface_voids, void_statistics


def grid_field(voids, width=100e-6, height=10e-6, nx=1001, ny=101):
    """phi on a structured grid with rectangular voids (start, end, height) at the interface."""
    x, y = np.meshgrid(np.linspace(0, width, nx), np.linspace(0, height, ny))
    phi = np.ones_like(x)
    for start, end, top in voids:
        phi[(x >= start) & (x <= end) & (y <= top)] = 0.0
    points = np.column_stack([x.ravel(), y.ravel(), np.zeros(x.size)])
    return points, phi.ravel()


def test_two_voids_are_counted_with_their_widths_and_heights():
    points, phi = grid_field([(9.95e-6, 14.05e-6, 2.05e-6), (49.95e-6, 53.05e-6, 1.05e-6)])
    stats = void_statistics(points, phi, 1, 100e-6)
    assert stats.count == 2 and stats.per_100um == pytest.approx(2.0)
    # void nodes 10.0-14.0 um and 50.0-53.0 um; the 0.5 crossings lie half a spacing outside them
    np.testing.assert_allclose(stats.widths, [4.1e-6, 3.1e-6], rtol=1e-9)
    np.testing.assert_allclose(stats.heights, [2e-6, 1e-6], rtol=1e-9)
    assert not stats.gap


def test_a_continuous_gap_is_detected():
    points, phi = grid_field([(0.0, 100e-6, 1e-6)])
    stats = void_statistics(points, phi, 1, 100e-6)
    assert stats.gap and stats.count == 1
    assert stats.per_100um == 0.0  # a gap is no void, as the seed counts them


def test_crossings_are_interpolated_linearly():
    x = np.linspace(0, 10, 11)
    phi = np.array([1, 1, 0.8, 0.2, 0, 0, 0.4, 0.6, 1, 1, 1.0])
    runs = interface_voids(x, phi)
    assert runs == [pytest.approx((2.5, 6.5))]


def test_column_heights_of_a_partition_of_the_nodes_reduce_by_their_maximum():
    """What a parallel run relies on (each rank's owned nodes, then MPI MAX): the heights over all nodes are
    the maximum of those over the parts, for parts that cut through a void along and across."""
    points, phi = grid_field([(9.95e-6, 14.05e-6, 2.05e-6), (49.95e-6, 53.05e-6, 1.05e-6)])
    x, y = points[:, 0], points[:, 1]
    on_interface = y == 0.0
    runs = interface_voids(x[on_interface], phi[on_interface])
    parts = np.where(x >= 12e-6, 2, np.where(y < 1.5e-6, 0, 1))
    by_part = [column_heights(points[parts == k], phi[parts == k], runs, 1) for k in range(3)]
    np.testing.assert_array_equal(np.max(by_part, axis=0), column_heights(points, phi, runs, 1))
    np.testing.assert_allclose(by_part, [[1.4e-6, 0.0], [2e-6, 0.0], [2e-6, 1e-6]], rtol=1e-9)
