"""Requirement (issue 26, item 6d): a user gives the window a rough electrolyte surface as a CSV of heights
or as a polyline in a geometry file that meshio reads (``[mesh] interface_profile``), and a case with it runs
end to end; a bad profile file is one line, exit 2.

* the interface vertices of both sides lie on the linear interpolant of the profile, the metal top and
  the electrolyte bottom stay flat, and the side areas are W H_m - int h dx and W H_e + int h dx to
  round-off (no cell is folded: every cell keeps a positive area);
* a full-contact Li case on a rough surface completes, and its interface current is no longer uniform
  (focused where the electrolyte bulges into the metal, unlike the flat window's, uniform to 1e-9);
* the window's true interface area (``surface_area``) is the length of the rough interface polyline to
  1e-12, and on a flat window the projected area ``interface_area`` itself, bit for bit; the applied current
  density is per projected (cell) area: the total interface current of a rough run is the applied current
  density x the projected width, and its mean contact over the true interface length is 1;
* a polyline written by meshio (legacy VTK, gmsh 2.2 with its points shuffled and a stray point outside
  its line cells, VTU with only vertex cells) gives the window of the CSV with the same points, every
  vertex to 1e-15 um;
* missing file, wrong header, text in a row, a profile that does not span the width or is too high, a
  geometry file meshio cannot read, one without points, off the x-y plane: ``phasefield check`` exits 2
  with one line naming ``[mesh]``, ``interface_profile`` and the fault.
"""

import json
from dataclasses import replace

import meshio
import numpy as np
import pytest
import ufl
from dolfinx import fem
from dolfinx.mesh import entities_to_geometry
from helpers import DATA, run_in_process
from mpi4py import MPI

from phasefield.case import load_case
from phasefield.constants import FARADAY
from phasefield.coupling.simulation import Simulation
from phasefield.mesh import FacetTag, WindowSpec, build_interface_window
from phasefield.output.timeseries import read_timeseries

UM = 1e-6
WIDTH = 40.0  # um, as small_prescribed.toml


def profile_text(x_um: np.ndarray, h_um: np.ndarray) -> str:
    return "x_um,height_um\n" + "".join(f"{x:.6f},{h:.6f}\n" for x, h in zip(x_um, h_um, strict=True))


def rough_heights(x_um: np.ndarray) -> np.ndarray:
    return 1.5 * np.sin(2 * np.pi * x_um / 20.0) + 0.5 * np.cos(2 * np.pi * x_um / 8.0)


def rough_case(directory, profile: str | None = None, name: str = "rough.csv"):
    """small_prescribed.toml with full contact, a short strip and ``[mesh] interface_profile = name``."""
    x = np.linspace(0.0, WIDTH, 81)
    (directory / name).write_text(profile if profile is not None else profile_text(x, rough_heights(x)))
    text = (DATA / "small_prescribed.toml").read_text()
    text = text[:text.index("[contact]")] + (
        '[contact]\nmodel = "full"\n\n[protocol]\nsteps = ["Strip at 0.5 mA/cm^2 for 10 min"]\n\n'
        '[time]\ndt_max = "5 min"\n')
    cell_height = 'interface_cell_height = "0.5 um"\n'
    text = text.replace(cell_height, f'{cell_height}interface_profile = "{name}"\n')
    path = directory / "case.toml"
    path.write_text(text)
    return path


#: a legacy VTK file that meshio reads as a mesh without points
NO_POINTS = ("# vtk DataFile Version 4.2\nempty\nASCII\nDATASET UNSTRUCTURED_GRID\nPOINTS 0 double\n"
             "CELLS 0 0\nCELL_TYPES 0\n")


def write_polyline(path, x_um: np.ndarray, h_um: np.ndarray, how: str = "lines", z_um: float = 0.0) -> None:
    """The profile as meshio writes it to ``path`` (the format from the suffix; ``.msh`` as gmsh 2.2):
    ``how`` = ``"lines"`` (line cells in order), ``"shuffled"`` (points in random order, line cells between
    neighbours in x, and one stray point that no cell uses) or ``"points"`` (vertex cells only)."""
    points = np.c_[x_um, h_um, np.full(x_um.size, z_um)]
    chain = np.c_[np.arange(x_um.size - 1), np.arange(1, x_um.size)]
    if how == "shuffled":
        order = np.random.default_rng(7).permutation(x_um.size)
        points, chain = np.vstack([points[order], [[2 * WIDTH, 9.0, 0.0]]]), np.argsort(order)[chain]
    cells = [("vertex", np.arange(x_um.size)[:, None])] if how == "points" else [("line", chain)]
    file_format = "gmsh22" if path.suffix == ".msh" else None
    meshio.write(path, meshio.Mesh(points, cells), file_format=file_format)


def as_written(values: np.ndarray) -> np.ndarray:
    """The numbers as ``profile_text`` writes them (6 decimals), so that the CSV and a geometry file hold
    the same points."""
    return np.array([float(f"{value:.6f}") for value in values])


@pytest.mark.parametrize(("name", "how"), [("rough.vtk", "lines"), ("rough.msh", "shuffled"),
                                           ("rough.vtu", "points")])
def test_a_polyline_file_gives_the_window_of_the_same_csv(name, how, tmp_path):
    x = as_written(np.linspace(0.0, WIDTH, 81))
    h = as_written(rough_heights(x))
    (tmp_path / "csv").mkdir()
    (tmp_path / "geometry").mkdir()
    from_csv = load_case(rough_case(tmp_path / "csv", profile_text(x, h))).case.mesh
    case = rough_case(tmp_path / "geometry", "", name)
    write_polyline(tmp_path / "geometry" / name, x, h, how)
    from_file = load_case(case).case.mesh
    assert from_file.interface_profile == from_csv.interface_profile
    assert np.ptp(np.array(from_file.interface_profile)[:, 1]) > 3 * UM  # a rough surface, not a flat one
    windows = [build_interface_window(MPI.COMM_WORLD, WindowSpec(**mesh.model_dump()))
               for mesh in (from_csv, from_file)]
    for part in ("parent", "metal", "electrolyte"):
        a, b = (window.parent if part == "parent" else getattr(window, part).mesh for window in windows)
        np.testing.assert_allclose(b.geometry.x, a.geometry.x, rtol=0, atol=1e-15 * UM, err_msg=part)


def test_the_window_follows_the_profile(tmp_path):
    case = load_case(rough_case(tmp_path))
    spec = WindowSpec(**case.case.mesh.model_dump())
    window = build_interface_window(MPI.COMM_WORLD, spec)
    along, heights = np.array(spec.interface_profile).T
    for side in (window.metal, window.electrolyte):
        x = side.mesh.geometry.x
        side.mesh.topology.create_connectivity(side.mesh.topology.dim - 1, 0)
        facets = side.facet_tags.find(int(FacetTag.INTERFACE))
        nodes = np.unique(entities_to_geometry(side.mesh, side.mesh.topology.dim - 1, facets))
        assert nodes.size > 0
        np.testing.assert_allclose(x[nodes, 1], np.interp(x[nodes, 0], along, heights), rtol=0, atol=1e-18)
    integral = np.trapezoid(heights, along)
    for side, height, sign in ((window.metal, spec.metal_height, -1), (window.electrolyte, spec.electrolyte_height, 1)):
        area = side.mesh.comm.allreduce(fem.assemble_scalar(fem.form(1.0 * ufl.dx(domain=side.mesh))), op=MPI.SUM)
        assert area == pytest.approx(spec.width * height + sign * integral, rel=1e-12, abs=0)
        top = side.mesh.geometry.x[:, 1]
        assert np.isclose(top.max() if sign < 0 else -top.min(), height, rtol=1e-12, atol=0)
    flat = build_interface_window(MPI.COMM_WORLD, replace(spec, interface_profile=None))
    for rough_side, flat_side in ((window.metal, flat.metal), (window.electrolyte, flat.electrolyte)):
        assert np.all(np.sign(signed_areas(rough_side.mesh)) == np.sign(signed_areas(flat_side.mesh)))


def signed_areas(mesh) -> np.ndarray:
    """Twice the signed area of each triangle (its orientation and size)."""
    cells = mesh.geometry.x[mesh.geometry.dofmaps[0]]
    return ((cells[:, 1, 0] - cells[:, 0, 0]) * (cells[:, 2, 1] - cells[:, 0, 1])
            - (cells[:, 2, 0] - cells[:, 0, 0]) * (cells[:, 1, 1] - cells[:, 0, 1]))


def interface_current_spread(output) -> float:
    """max / min of the local interface current density in the last interface profile."""
    profile = sorted((output / "interface").glob("profile_*.csv"))[-1]
    table = np.genfromtxt(profile, delimiter=",", names=True, skip_header=1)
    current = table[[n for n in table.dtype.names if n.startswith("current_density")][0]]
    return float(current.max() / current.min())


def test_the_true_interface_area_is_the_length_of_the_rough_interface(tmp_path):
    spec = WindowSpec(**load_case(rough_case(tmp_path)).case.mesh.model_dump())
    window = build_interface_window(MPI.COMM_WORLD, spec)
    x = np.linspace(0.0, spec.width, spec.cells_along_interface + 1)  # the interface vertices
    along, heights = np.array(spec.interface_profile).T
    length = np.sum(np.hypot(np.diff(x), np.diff(np.interp(x, along, heights))))
    assert window.interface_area == spec.width
    assert window.surface_area == pytest.approx(length, rel=1e-12, abs=0)
    assert window.surface_area / window.interface_area == pytest.approx(1.086, abs=1e-3)
    flat = build_interface_window(MPI.COMM_WORLD, replace(spec, interface_profile=None))
    assert flat.surface_area == flat.interface_area == spec.width


@pytest.fixture(scope="module")
def rough_run(tmp_path_factory):
    """The rough full-contact case run to its end: the coupled simulation and its last row."""
    folder = tmp_path_factory.mktemp("rough_run")
    simulation = Simulation(load_case(rough_case(folder)), MPI.COMM_WORLD, folder)
    summary = simulation.run()
    assert summary.status == "completed"
    yield simulation, summary.final_row
    simulation.close()


def test_the_current_density_of_a_rough_run_is_per_projected_area(rough_run):
    simulation, row = rough_run
    system = simulation.models.electrochemistry.system
    applied = 5.0  # A/m^2: 0.5 mA/cm^2 of cell area
    assert row["current_density_mA_per_cm2"] == pytest.approx(0.5, rel=1e-12)
    assert system.total_current() == pytest.approx(applied * WIDTH * UM, rel=1e-9, abs=0)
    assert simulation.window.surface_area > 1.08 * WIDTH * UM  # not per true interface area


def test_the_bulk_of_a_rough_run_enters_at_the_stripping_speed_of_the_projected_area(rough_run):
    """The vacancies the current injects, spread over the longer rough interface, are annihilated at the rate of
    the projected current: the lattice flow draws the bulk in at i Omega/F (not 1.086 times that)."""
    simulation, _ = rough_run
    stripping_speed = 5.0 * simulation.molar_volume / FARADAY
    assert simulation.models.flow.top_normal_speed.value / stripping_speed == pytest.approx(-1.0, rel=1e-10, abs=0)


def test_the_contact_fraction_of_a_rough_full_contact_run_is_one(rough_run):
    _, row = rough_run
    assert row["contact_fraction"] == pytest.approx(1.0, abs=1e-12)


def test_a_case_on_a_rough_surface_runs_end_to_end(tmp_path, capsys):
    code, _, err = run_in_process(["run", str(rough_case(tmp_path)), "-o", str(tmp_path / "rough"), "-q"], capsys)
    assert code == 0, err
    assert json.loads((tmp_path / "rough" / "run.json").read_text())["status"] == "completed"
    data = read_timeseries(tmp_path / "rough" / "timeseries.csv")
    assert data["capacity_mAh_per_cm2"][-1] == pytest.approx(0.5 / 6, rel=1e-9)
    flat = tmp_path / "flat"
    flat.mkdir()
    flat_case = rough_case(flat, profile_text(np.array([0.0, WIDTH]), np.zeros(2)))
    assert run_in_process(["run", str(flat_case), "-o", str(flat / "out"), "-q"], capsys)[0] == 0
    assert interface_current_spread(flat / "out") == pytest.approx(1.0, abs=1e-9)
    assert interface_current_spread(tmp_path / "rough") > 1.01


@pytest.mark.parametrize(("profile", "expected"), [
    (None, "cannot read the profile file"),
    ("x,h\n0,0\n40,0\n", "expected the header x_um,height_um"),
    ("x_um,height_um\n0,0\n20,high\n40,0\n", "line 3: expected two numbers"),
    ("x_um,height_um\n0,0\n30,0\n", "must span x = 0 to the width 40 um"),
    ("x_um,height_um\n0,0\n20,6\n40,0\n", "below half the thinner side (5 um), got 6 um"),
    ("x_um,height_um\n0,0\n20,1\n20,0\n40,0\n", "x_um increasing"),
])
def test_a_bad_profile_is_one_line_with_exit_2(profile, expected, tmp_path, capsys):
    case = rough_case(tmp_path, profile if profile is not None else "")
    if profile is None:
        (tmp_path / "rough.csv").unlink()
    assert_refused_in_one_line(case, expected, capsys)


def assert_refused_in_one_line(case, expected: str, capsys) -> None:
    """``phasefield check case`` exits 2 with one line naming [mesh] interface_profile and ``expected``."""
    code, out, err = run_in_process(["check", str(case)], capsys)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "[mesh]" in lines[0] and "interface_profile" in lines[0], err
    assert expected in lines[0], err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(("fault", "expected"), [
    ("garbage", "cannot read the profile file"),
    ("no points", "expected the points of a polyline (x, height in um), got no points"),
    ("short", "must span x = 0 to the width 40 um, got 0 to 30 um"),
    ("high", "below half the thinner side (5 um), got 6 um"),
    ("tilted", "expected a polyline in the x-y plane (x, height in um; z = 0), got z from 2 to 2"),
])
def test_a_bad_geometry_file_is_one_line_with_exit_2(fault, expected, tmp_path, capsys):
    case = rough_case(tmp_path, "", "rough.vtk")
    x = np.linspace(0.0, 30.0 if fault == "short" else WIDTH, 5)
    if fault == "garbage":
        (tmp_path / "rough.vtk").write_text("not a VTK file\n")
    elif fault == "no points":
        (tmp_path / "rough.vtk").write_text(NO_POINTS)
    else:
        write_polyline(tmp_path / "rough.vtk", x, np.full(x.size, 6.0 if fault == "high" else 1.0),
                       z_um=2.0 if fault == "tilted" else 0.0)
    assert_refused_in_one_line(case, expected, capsys)
