"""Requirement (issue 26, item 6b): field output is binary VTK XML that pyvista (VTK) reads back exactly,
coordinates in um, times in s, and the capacity of each output recorded.

* P1 functions written by :class:`FieldWriter` (a scalar, a second scalar on its own space and a vector)
  read back through the .pvd equal the functions at the read points (converted from um) to round-off;
  each piece carries TimeValue and capacity as field data, in zlib-compressed raw appended binary (no
  ASCII data arrays); a P2 field is refused when the writer is made;
* a run's fields take under 30 bytes per mesh point and output (DOLFINx's ASCII VTKFile took ~117 on
  the demo), and ``fields/times.csv`` lists every output's step, time and capacity as in the time series.
"""

import csv

import numpy as np
import pytest
from helpers import DATA
from mpi4py import MPI

pyvista = pytest.importorskip("pyvista")

from dolfinx import fem, mesh  # noqa: E402

from phasefield.case import load_case  # noqa: E402
from phasefield.coupling.simulation import Simulation  # noqa: E402
from phasefield.output.fields import FieldTimes, FieldWriter  # noqa: E402

UM = 1e-6


def scalar(x):
    return (x[0] + 2 * x[1]) / UM


def write_series(directory):
    domain = mesh.create_rectangle(MPI.COMM_WORLD, [[0.0, 0.0], [30 * UM, 10 * UM]], [12, 5])
    f = fem.Function(fem.functionspace(domain, ("Lagrange", 1)), name="f")
    g = fem.Function(fem.functionspace(domain, ("Lagrange", 1)), name="g")
    v = fem.Function(fem.functionspace(domain, ("Lagrange", 1, (2,))), name="v")
    writer = FieldWriter(directory / "metal.pvd", [f, g, v])
    for time, capacity in ((0.0, 0.0), (5.0, 0.25)):
        f.interpolate(lambda x, t=time: scalar(x) + t)
        g.interpolate(lambda x: np.sin(x[0] / (3 * UM)))
        v.interpolate(lambda x: np.stack([x[1] / UM, -x[0] / UM]))
        writer.write(time, capacity)
    writer.close()
    return domain


def test_written_fields_read_back_as_the_functions_at_points_in_um(tmp_path):
    write_series(tmp_path)
    reader = pyvista.get_reader(str(tmp_path / "metal.pvd"))
    assert reader.time_values == [0.0, 5.0]
    reader.set_active_time_value(5.0)
    grid = reader.read()[0]
    x = grid.points.T * UM  # um -> m
    assert grid.bounds[1] == pytest.approx(30.0) and grid.bounds[3] == pytest.approx(10.0)
    np.testing.assert_allclose(grid.point_data["f"], scalar(x) + 5.0, rtol=1e-13)
    np.testing.assert_allclose(grid.point_data["g"], np.sin(x[0] / (3 * UM)), atol=1e-13)
    np.testing.assert_allclose(grid.point_data["v"], np.stack([x[1] / UM, -x[0] / UM, 0 * x[0]], axis=1),
                               atol=1e-12)
    assert grid.n_cells == 12 * 5 * 2
    piece = tmp_path / "metal_p0_000001.vtu"
    text = piece.read_bytes()
    assert text.count(b'format="appended"') == 10 and b'format="ascii"' not in text
    assert b'<AppendedData encoding="raw">' in text and b"vtkZLibDataCompressor" in text
    field = pyvista.read(str(piece)).field_data
    assert field["TimeValue"][0] == 5.0 and field["capacity_mAh_per_cm2"][0] == 0.25
    assert field["metres_per_length_unit"][0] == UM


def test_a_field_that_is_not_p1_is_refused(tmp_path):
    domain = mesh.create_unit_square(MPI.COMM_WORLD, 2, 2)
    quadratic = fem.Function(fem.functionspace(domain, ("Lagrange", 2)), name="q")
    with pytest.raises(ValueError, match="field q: only P1"):
        FieldWriter(tmp_path / "metal.pvd", [quadratic])


def test_field_times_lists_every_output(tmp_path):
    times = FieldTimes(tmp_path / "times.csv", MPI.COMM_WORLD.rank)
    times.write(0, 0.0, 0.0)
    times.write(4, 120.0, 0.0167)
    rows = list(csv.DictReader((tmp_path / "times.csv").open()))
    assert [(r["output"], r["step"]) for r in rows] == [("0", "0"), ("1", "4")]
    assert float(rows[1]["time_s"]) == 120.0 and float(rows[1]["capacity_mAh_per_cm2"]) == 0.0167


def test_a_run_writes_compact_fields_and_their_capacities(tmp_path):
    simulation = Simulation(load_case(DATA / "small_prescribed.toml"), MPI.COMM_WORLD, tmp_path)
    try:
        assert simulation.run().status == "completed"
        window = simulation.window
        points = sum(side.mesh.topology.index_map(0).size_global for side in (window.metal, window.electrolyte))
    finally:
        simulation.close()
    with (tmp_path / "fields" / "times.csv").open() as stream:
        outputs = list(csv.DictReader(stream))
    with (tmp_path / "timeseries.csv").open() as stream:
        rows = {row["step"]: row for row in csv.DictReader(stream)}
    assert len(outputs) >= 3 and outputs[-1]["step"] == list(rows)[-1]  # the last step is written
    for output in outputs:
        row = rows[output["step"]]
        assert float(output["time_s"]) == pytest.approx(float(row["time_s"]), rel=1e-12, abs=1e-12)
        assert float(output["capacity_mAh_per_cm2"]) == pytest.approx(float(row["capacity_mAh_per_cm2"]),
                                                                      rel=1e-12, abs=1e-15)
    size = sum(p.stat().st_size for p in (tmp_path / "fields").glob("*.vtu"))
    assert size / (points * len(outputs)) < 30.0, size / (points * len(outputs))
