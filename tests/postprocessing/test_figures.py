"""Figures of postprocessing/ (report.py's T3/T4 figure, void_runs.py, snapshots.py's matplotlib render of the
metal fraction), checked on the Figure's artists and data, not its pixels.

Requirements: the members of a pressure sweep are drawn in different line styles, members that coincide are
noted in the legend and others are not; every legend lies below its panel (not over the data) and every
title inside the figure; a run's status is named by its kind; the T1/T2 figure draws runs that lack the
void count or contact column; the SEM-like render shows the window in um whether a run wrote its
coordinates in m or in um.
"""

import json
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import pyvista as pv

POSTPROCESSING = Path(__file__).resolve().parents[2] / "postprocessing"
sys.path.insert(0, str(POSTPROCESSING))
import report  # noqa: E402
import snapshots  # noqa: E402
import void_runs  # noqa: E402

sys.path.remove(str(POSTPROCESSING))


def member(sweep: Path, pressure_MPa: float, capacity: np.ndarray, overpotential: np.ndarray) -> None:
    folder = sweep / f"stack_pressure_{pressure_MPa:g}MPa"
    folder.mkdir(parents=True)
    rows = [f"{k},{q},{eta}" for k, (q, eta) in enumerate(zip(capacity, overpotential, strict=True))]
    (folder / "timeseries.csv").write_text("\n".join(["step,capacity_mAh_per_cm2,overpotential_V", *rows]) + "\n")
    case = {"cell": {"stack_pressure": pressure_MPa * 1e6}, "protocol": {"steps": [{"capacity_limit": 4 * 36000.0}]}}
    (folder / "run.json").write_text(json.dumps({"case": case, "status": "completed"}))


@pytest.fixture
def sweeps(tmp_path) -> Path:
    """A T3 sweep on the small window whose members differ (0.2 MPa rises) and a T4 sweep of four members
    that coincide within 1e-4."""
    q = np.linspace(0.0, 4.0, 81)
    member(tmp_path / report.T3_SMALL, 0.2, q[:8], 0.01 + 0.2 * (q[:8] / 0.35) ** 4)
    for pressure, level in ((1.0, 0.013), (1.5, 0.0125), (7.0, 0.0105)):
        member(tmp_path / report.T3_SMALL, pressure, q, level - 0.003 * np.exp(-q / 0.1))
    for pressure in (0.2, 1.0, 14.0, 50.0):
        member(tmp_path / report.T4, pressure, q, (0.0097 + 0.0004 * q) * (1 + 1e-6 * pressure))
    return tmp_path


def legend_texts(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_coinciding_members_are_noted_and_drawn_in_different_styles(sweeps):
    fig = report.pressure_sweep_figure(sweeps, report.t3_sweep(sweeps))
    li, limg, _ = fig.axes
    member_lines = [line for line in limg.get_lines() if "MPa" in line.get_label()]
    assert len(member_lines) == 4
    assert len({line.get_linestyle() for line in member_lines}) == 4
    assert any("4 curves coincide" in text for text in legend_texts(limg))
    assert not any("coincide" in text for text in legend_texts(li))
    assert "0.2 MPa (completed)" in legend_texts(li)
    plt.close(fig)


def test_legends_lie_below_the_panels_and_titles_inside_the_figure(sweeps):
    fig = report.pressure_sweep_figure(sweeps, report.t3_sweep(sweeps))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        legend, panel = ax.get_legend().get_window_extent(renderer), ax.get_window_extent(renderer)
        assert legend.y1 < panel.y0  # below the axes, so over no data
        assert legend.y0 >= 0 and legend.x0 >= 0 and legend.x1 <= fig.bbox.x1
        title = ax.title.get_window_extent(renderer)
        assert title.x0 >= 0 and title.x1 <= fig.bbox.x1 and title.y1 <= fig.bbox.y1
    plt.close(fig)


@pytest.mark.parametrize(("status", "word"), [
    ("completed", "completed"), ("cut off: overpotential 0.15 V", "cut off"),
    ("stopped, partial (run.json: running)", "stopped"), ("failed at t = 15606 s, capacity 2.2: x", "failed")])
def test_a_status_is_named_by_its_kind(status, word):
    assert report.status_word(status) == word


def test_the_t1_t2_figure_draws_runs_without_void_or_contact_columns(tmp_path):
    q = np.linspace(0.0, 1.0, 11)
    li, limg = tmp_path / "li", tmp_path / "limg"
    for folder, extra in ((li, ",contact_fraction,voids_per_100um"), (limg, "")):
        folder.mkdir()
        rows = [f"{k},{x},{0.01 + 0.1 * x}" + (f",{1 - 0.5 * x},{5.0}" if extra else "") for k, x in enumerate(q)]
        (folder / "timeseries.csv").write_text("\n".join([f"step,capacity_mAh_per_cm2,overpotential_V{extra}",
                                                          *rows]) + "\n")
    fig = void_runs.void_run_figure({li: void_runs.LI, limg: void_runs.LIMG}, "test")
    eta, loss, count = fig.axes
    assert [line.get_label() for line in count.get_lines()] == [void_runs.LI[0]]
    assert [line.get_label() for line in loss.get_lines() if not line.get_label().startswith("_")][0] \
        == void_runs.LI[0]
    assert len([line for line in eta.get_lines() if "(model)" in line.get_label()]) == 2
    plt.close(fig)


@pytest.mark.parametrize("metres_per_unit", [1.0, 1e-6])
def test_the_sem_like_render_is_in_um_for_coordinates_in_m_or_um(tmp_path, metres_per_unit):
    """A 20 x 8 um metal window of two triangles, written with its points in m or in um."""
    points = np.array([[0, 0, 0], [20e-6, 0, 0], [20e-6, 8e-6, 0], [0, 8e-6, 0]]) / metres_per_unit
    grid = pv.UnstructuredGrid({pv.CellType.TRIANGLE: np.array([[0, 1, 2], [0, 2, 3]])}, points)
    grid.point_data["metal_fraction"] = np.array([1.0, 0.0, 1.0, 1.0])
    grid.save(tmp_path / "metal.vtu")
    fig, ax = plt.subplots()
    snapshots.draw_metal_fraction(ax, snapshots.FieldOutput(0.0, 0.0, tmp_path / "metal.vtu", None))
    assert ax.get_xlim() == pytest.approx((0.0, 20.0))
    assert ax.get_ylim() == pytest.approx((-snapshots.ELECTROLYTE_DEPTH_UM, 8.0))
    (mesh,) = ax.collections
    assert np.asarray(mesh.get_array()).min() == 0.0
    plt.close(fig)
