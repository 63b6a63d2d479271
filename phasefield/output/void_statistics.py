"""Void statistics from the metal fraction, counted the way the seed paper counts voids in SEM.

A void is a run of the interface where phi < 0.5 (its width: between the interpolated crossings);
its height is the largest distance from the interface reached by phi < 0.5 above that run (from
the nodal values of the structured mesh). A gap is an interface with no contact left (phi < 0.5
everywhere); it is not counted as a void. Counts are per 100 um of interface.

In 3-D the voids are counted as in a stack of SEM cross-sections: along every line of interface nodes
parallel to x (one per node row across, z = const), each line as the 2-D interface; a void is a run on
one line (a chord of the void patch, its width the chord's length), its height that of the nodes above
it in the same cross-section; the count per 100 um is the number of runs over the total line length, a
line with no contact left counts no void on it (as a 2-D gap), and the gap is every line out of contact.

The mass balance of the voids (:class:`VoidMassBalance`; the identity of the outside void review of
2026-12-04, section 2.2):

- void volume V_v = integral of (1 - phi) over the metal window (per unit depth in 2-D, m^2; m^3 in 3-D);
- footprint A_v = integral of (1 - a) over the interface (m per unit depth in 2-D; m^2 in 3-D), a the
  contact measure of the Butler-Volmer kinetics (``[voids] contact_measure``: the sharpened step at
  phi = 1/2 by default, or phi): the contact lost, A_v / interface area = 1 - ``contact_fraction``;
- effective void height h_eff = V_v / A_v (0 when A_v = 0);
- stripped volume V_s = Q V_m / F x interface area (Q the net stripped capacity in C/m^2, V_m the molar
  volume of the metal);
- void volume share phi_void = V_v / V_s (0 when nothing is stripped, V_s <= 0).

Then Q = f h_eff / ((V_m / F) phi_void) with f = 1 - contact fraction holds identically: the review's
Q(f) ~ f h_eff / (4.84 um phi_void), Q in mAh/cm^2 (4.84 um of Li per mAh/cm^2), reads off every row.
"""

from dataclasses import dataclass

import numpy as np

from phasefield.constants import FARADAY


@dataclass(frozen=True)
class VoidStatistics:
    widths: np.ndarray  # m
    heights: np.ndarray  # m
    centres: np.ndarray  # m
    interface_width: float
    lines: int = 1  # the cross-sections counted: 1 in 2-D, the node rows across in 3-D

    @property
    def count(self) -> int:
        return int(self.widths.size)

    @property
    def _spans_line(self) -> np.ndarray:
        """Runs over a whole line (no contact left on it)."""
        return self.widths >= self.interface_width * (1 - 1e-9)

    @property
    def per_100um(self) -> float:
        """Voids per 100 um of interface (of line, summed over the lines); a run over a whole line (a gap
        of that cross-section) is no void."""
        return float(np.count_nonzero(~self._spans_line)) * 100e-6 / (self.interface_width * self.lines)

    @property
    def gap(self) -> bool:
        """No contact left: one run over the whole width of every line."""
        return self.count == self.lines and bool(np.all(self._spans_line))


def _crossing(x0, x1, p0, p1):
    return x0 + (0.5 - p0) * (x1 - x0) / (p1 - p0)


def interface_voids(x: np.ndarray, phi: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) of the runs with phi < 0.5 along the sorted interface samples (x, phi)."""
    runs, start = [], None
    for k in range(x.size):
        inside = phi[k] < 0.5
        if inside and start is None:
            start = x[0] if k == 0 else _crossing(x[k - 1], x[k], phi[k - 1], phi[k])
        if not inside and start is not None:
            runs.append((start, _crossing(x[k - 1], x[k], phi[k - 1], phi[k])))
            start = None
    if start is not None:
        runs.append((start, x[-1]))
    return runs


#: two node coordinates closer than this (m) lie on one line of the structured mesh
SAME_LINE = 1e-12


@dataclass(frozen=True)
class InterfaceRuns:
    """The runs (start, end) of phi < 0.5 (m along x); in 3-D with the line (z, m) of each run and the
    number of lines (module docstring)."""

    runs: list[tuple[float, float]]
    run_lines: np.ndarray | None = None
    lines: int = 1


def line_voids(x: np.ndarray, phi: np.ndarray, z: np.ndarray | None = None) -> InterfaceRuns:
    """The runs of phi < 0.5 of the interface samples (x, phi): along x in 2-D (``z`` None, x sorted), along
    every line z = const of the 3-D interface (any order)."""
    if z is None:
        return InterfaceRuns(interface_voids(x, phi))
    rows = np.round(z / SAME_LINE).astype(np.int64)
    runs, run_lines, lines = [], [], np.unique(rows)
    for row in lines:
        on = np.flatnonzero(rows == row)
        on = on[np.argsort(x[on])]
        found = interface_voids(x[on], phi[on])
        runs += found
        run_lines += [z[on[0]]] * len(found)
    return InterfaceRuns(runs, np.array(run_lines), lines.size)


def column_heights(points: np.ndarray, phi: np.ndarray, runs: InterfaceRuns, normal_axis: int) -> np.ndarray:
    """The height of each run: the largest distance from the interface of the nodes (``points``, ``phi``)
    above it (start <= x <= end; in 3-D on its line) with phi < 0.5, 0 if none. On a part of the nodes (one
    rank's) it is that part's contribution: the maximum over the parts is the height over all nodes."""
    heights = np.zeros(len(runs.runs))
    void = phi < 0.5
    for k, (start, end) in enumerate(runs.runs):
        column = (points[:, 0] >= start) & (points[:, 0] <= end) & void
        if runs.run_lines is not None:
            column &= np.abs(points[:, 1] - runs.run_lines[k]) < SAME_LINE
        heights[k] = points[column, normal_axis].max(initial=0.0)
    return heights


def statistics_of_runs(runs: InterfaceRuns, heights: np.ndarray, width: float) -> VoidStatistics:
    """The statistics of the interface voids ``runs`` (:func:`line_voids`) with their ``heights``."""
    return VoidStatistics(
        widths=np.array([end - start for start, end in runs.runs]),
        heights=np.asarray(heights, dtype=float),
        centres=np.array([0.5 * (start + end) for start, end in runs.runs]),
        interface_width=width,
        lines=runs.lines,
    )


def void_statistics(points: np.ndarray, phi: np.ndarray, normal_axis: int, width: float) -> VoidStatistics:
    """Statistics from all nodal (coordinates, phi) of the metal (x along; y normal in 2-D, z across and the
    last coordinate normal in 3-D)."""
    on_interface = np.abs(points[:, normal_axis]) < SAME_LINE
    x, p = points[on_interface, 0], phi[on_interface]
    if normal_axis == 1:
        order = np.argsort(x)
        runs = line_voids(x[order], p[order])
    else:
        runs = line_voids(x, p, points[on_interface, 1])
    return statistics_of_runs(runs, column_heights(points, phi, runs, normal_axis), width)


@dataclass(frozen=True)
class VoidMassBalance:
    """V_v, A_v and V_s of the module docstring (SI; per unit depth in 2-D) and the two ratios."""

    void_volume: float
    footprint: float
    stripped_volume: float

    @classmethod
    def from_capacity(cls, void_volume: float, footprint: float, capacity: float, molar_volume: float,
                      interface_area: float) -> "VoidMassBalance":
        """With V_s = Q V_m / F x area from the net stripped capacity Q (C/m^2)."""
        return cls(void_volume, footprint, capacity * molar_volume / FARADAY * interface_area)

    @property
    def effective_height(self) -> float:
        """h_eff = V_v / A_v (m), 0 without a footprint."""
        return self.void_volume / self.footprint if self.footprint > 0.0 else 0.0

    @property
    def volume_share(self) -> float:
        """phi_void = V_v / V_s, 0 when nothing is stripped."""
        return self.void_volume / self.stripped_volume if self.stripped_volume > 0.0 else 0.0
