"""Requirement: a line scan normal to the interface gives each plane's mean of a P1 field (exact for a field
linear along the interface) on one rank and on two, where each rank sums its own nodes and only the plane
sums travel (rank 0 returns the means, the others None)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
from dolfinx import fem
from helpers import MPIEXEC
from mpi4py import MPI

from phasefield.case.schema import Mesh
from phasefield.mesh import build_interface_window
from phasefield.output.line_scan import NormalLineScan

WIDTH = 20e-6  # m

SCRIPT = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
import numpy as np
from mpi4py import MPI
from test_line_scan import scan_of_a_linear_field
distance, means = scan_of_a_linear_field(MPI.COMM_WORLD)
if MPI.COMM_WORLD.rank == 0:
    np.save(sys.argv[1], np.vstack([distance, means]))
else:
    assert means is None
"""


def linear_field(x: np.ndarray) -> np.ndarray:
    """1 + n / (1 um) + x / (10 um): its plane mean is 2 + n / (1 um) on the 20 um window."""
    return 1.0 + x[1] / 1e-6 + x[0] / 10e-6


def scan_of_a_linear_field(comm: MPI.Comm) -> tuple[np.ndarray, np.ndarray | None]:
    """The planes' distances and the scan of :func:`linear_field` on a graded 20 um x 8 um metal window."""
    window = build_interface_window(comm, Mesh.model_validate(dict(
        width="20 um", metal_height="8 um", electrolyte_height="4 um", cells_along_interface=24, metal_cells=10,
        electrolyte_cells=2, interface_cell_height="0.3 um")))
    function = fem.Function(fem.functionspace(window.metal.mesh, ("Lagrange", 1)))
    function.interpolate(linear_field)
    scan = NormalLineScan(function.function_space, window.normal_axis)
    return scan.distance, scan(function.x.array)


def test_plane_means_of_a_linear_field_are_exact_on_one_rank():
    distance, means = scan_of_a_linear_field(MPI.COMM_SELF)
    assert distance.size == 11 and distance[0] == 0.0 and abs(distance[-1] - 8e-6) < 1e-12
    # distance is the plane's n rounded to 1e-12 m: 1e-6 in n / (1 um)
    np.testing.assert_allclose(means, 2.0 + distance / 1e-6, rtol=0.0, atol=2e-6)


def test_plane_means_on_two_ranks_equal_those_on_one(tmp_path):
    script, result = tmp_path / "scan.py", tmp_path / "scan.npy"
    script.write_text(SCRIPT)
    run = subprocess.run([MPIEXEC, "-n", "2", sys.executable, str(script), str(result)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    distance, means = np.load(result)
    serial_distance, serial_means = scan_of_a_linear_field(MPI.COMM_SELF)
    np.testing.assert_array_equal(distance, serial_distance)
    np.testing.assert_allclose(means, serial_means, rtol=1e-14)  # the same sums, added in another order
