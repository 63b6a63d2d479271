"""Requirement (issue 26, item 6d): a user gives the window a rough electrolyte surface as a CSV of heights
(``[mesh] interface_profile``), and a case with it runs end to end; a bad profile file is one line, exit 2.

* the interface vertices of both sides lie on the linear interpolant of the profile, the metal top and
  the electrolyte bottom stay flat, and the side areas are W H_m - int h dx and W H_e + int h dx to
  round-off (no cell is folded: every cell keeps a positive area);
* a full-contact Li case on a rough surface completes, and its interface current is no longer uniform
  (focused where the electrolyte bulges into the metal, unlike the flat window's, uniform to 1e-9);
* missing file, wrong header, text in a row, a profile that does not span the width or is too high:
  ``phasefield check`` exits 2 with one line naming ``[mesh]``, ``interface_profile`` and the fault.
"""

import json
from dataclasses import replace

import numpy as np
import pytest
import ufl
from dolfinx import fem
from dolfinx.mesh import entities_to_geometry
from helpers import DATA, run_in_process
from mpi4py import MPI

from phasefield.case import load_case
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
        assert area == pytest.approx(spec.width * height + sign * integral, rel=1e-12)
        top = side.mesh.geometry.x[:, 1]
        assert np.isclose(top.max() if sign < 0 else -top.min(), height, rtol=1e-12)
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
    code, out, err = run_in_process(["check", str(case)], capsys)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "[mesh]" in lines[0] and "interface_profile" in lines[0], err
    assert expected in lines[0], err
    assert "Traceback" not in err
