"""Void statistics: counting, widths, heights and gap detection on known fields."""

import numpy as np
import pytest

from phasefield.output.void_statistics import column_heights, interface_voids, line_voids, void_statistics


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
    runs = line_voids(x[on_interface], phi[on_interface])
    parts = np.where(x >= 12e-6, 2, np.where(y < 1.5e-6, 0, 1))
    by_part = [column_heights(points[parts == k], phi[parts == k], runs, 1) for k in range(3)]
    np.testing.assert_array_equal(np.max(by_part, axis=0), column_heights(points, phi, runs, 1))
    np.testing.assert_allclose(by_part, [[1.4e-6, 0.0], [2e-6, 0.0], [2e-6, 1e-6]], rtol=1e-9)


def box_field(centre, radius, top, width=20e-6, depth=10e-6, spacing=0.1e-6, height=3e-6):
    """phi on a 3-D node grid (x, z along, the last coordinate normal) with a cylindrical void of ``radius``
    about ``centre`` (x, z) up to ``top`` above the interface."""
    x, z, n = np.meshgrid(np.arange(0, width + spacing / 2, spacing), np.arange(0, depth + spacing / 2, spacing),
                          np.arange(0, height + spacing / 2, spacing), indexing="ij")
    inside = (np.hypot(x - centre[0], z - centre[1]) < radius) & (n <= top)
    points = np.column_stack([x.ravel(), z.ravel(), n.ravel()])
    return points, np.where(inside, 0.0, 1.0).ravel()


def test_3d_voids_are_counted_along_cross_sections_as_chords():
    """A round void patch of radius R in 3-D: every node line z = const that crosses it holds one void, a
    chord of width 2 sqrt(R^2 - (z - z0)^2) (to the node spacing), with the void's height; the count per
    100 um is those runs over the total line length; no gap."""
    points, phi = box_field((8e-6, 5e-6), 2.05e-6, 1.05e-6)
    stats = void_statistics(points, phi, 2, 20e-6)
    z = np.round(np.arange(0, 10e-6 + 0.05e-6, 0.1e-6), 12)
    crossing = np.abs(z - 5e-6) < 2.05e-6
    assert stats.lines == z.size and stats.count == crossing.sum() == 41
    assert stats.per_100um == pytest.approx(41 * 100e-6 / (20e-6 * z.size))
    chords = 2 * np.sqrt(2.05e-6**2 - (z[crossing] - 5e-6) ** 2)
    np.testing.assert_allclose(np.sort(stats.widths), np.sort(chords), atol=0.2e-6)
    np.testing.assert_allclose(stats.heights, 1.0e-6, rtol=1e-9)
    np.testing.assert_allclose(stats.centres, 8e-6, atol=0.05e-6)
    assert not stats.gap


def test_3d_lines_out_of_contact_count_no_void_and_all_of_them_are_the_gap():
    """A void across the whole width on the lines z < 3 um: no void on them (2-D gaps of their cross-sections),
    and the gap only when every line is out of contact."""
    points, phi = box_field((10e-6, 0.0), 100e-6, 1e-6)
    on = np.abs(points[:, 1]) < 2.95e-6
    phi = np.where(on & (points[:, 2] <= 1e-6), 0.0, 1.0)
    stats = void_statistics(points, phi, 2, 20e-6)
    assert stats.count == 30 and stats.per_100um == 0.0 and not stats.gap
    stats = void_statistics(points, np.where(points[:, 2] <= 1e-6, 0.0, 1.0), 2, 20e-6)
    assert stats.gap and stats.per_100um == 0.0 and stats.count == stats.lines == 101


def test_3d_column_heights_stay_on_their_line():
    """A void taller on one line than on its neighbours: each run's height is that of its own cross-section,
    and the heights of a partition of the nodes reduce by their maximum."""
    points, phi = box_field((10e-6, 5e-6), 1.05e-6, 0.55e-6)
    tall = (np.abs(points[:, 1] - 5e-6) < 1e-12) & (np.abs(points[:, 0] - 10e-6) < 0.5e-6) & (points[:, 2] <= 2e-6)
    phi[tall] = 0.0
    on = points[:, 2] == 0.0
    runs = line_voids(points[on, 0], phi[on], points[on, 1])
    heights = column_heights(points, phi, runs, 2)
    assert heights.max() == pytest.approx(2e-6) and np.sum(heights > 1e-6) == 1
    np.testing.assert_allclose(np.sort(heights)[:-1], 0.5e-6, rtol=1e-9)
    parts = np.where(points[:, 0] >= 10e-6, 0, 1)
    by_part = [column_heights(points[parts == k], phi[parts == k], runs, 2) for k in range(2)]
    np.testing.assert_array_equal(np.max(by_part, axis=0), heights)
