"""The ensemble summary of a seed sweep (phasefield/output/ensemble.py) on made-up members: the common
capacity grid, interpolation within what each member reached, sd rules, the strip rows, the scalar rules
restated from postprocessing/report.py (and kept equal to the report's constants), and members that
wrote nothing."""

import csv
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from phasefield.output import ensemble
from phasefield.output.ensemble import (
    ensemble_table,
    mean_and_sd,
    member_summary,
    strip_rows,
    write_ensemble,
)

POSTPROCESSING = Path(__file__).resolve().parents[2] / "postprocessing"
HEADER = ["step", "time_s", "capacity_mAh_per_cm2", "overpotential_V", "contact_fraction", "voids_per_100um",
          "mean_void_width_um", "gap"]


def member(capacity, **columns) -> dict[str, np.ndarray]:
    data = {"capacity_mAh_per_cm2": np.asarray(capacity, dtype=float)}
    data.update({k: np.asarray(v, dtype=float) for k, v in columns.items()})
    return data


def test_members_on_different_steps_are_interpolated_onto_the_union_of_their_capacities():
    a = member([0.0, 0.1, 0.2, 0.3], x=[0.0, 1.0, 2.0, 3.0])
    b = member([0.0, 0.15, 0.3], x=[0.0, 3.0, 6.0])
    table = ensemble_table([a, b])
    np.testing.assert_allclose(table["capacity_mAh_per_cm2"], [0.0, 0.1, 0.15, 0.2, 0.3])
    xa, xb = np.array([0.0, 1.0, 1.5, 2.0, 3.0]), np.array([0.0, 2.0, 3.0, 4.0, 6.0])
    np.testing.assert_allclose(table["x_mean"], (xa + xb) / 2)
    np.testing.assert_allclose(table["x_sd"], np.abs(xa - xb) / np.sqrt(2))
    assert np.all(table["members_reached"] == 2)


def test_a_member_that_stopped_early_leaves_the_grid_beyond_its_end_to_the_others():
    long = member([0.0, 0.1, 0.2, 0.3], x=[0.0, 1.0, 2.0, 3.0])
    short = member([0.0, 0.1], x=[0.0, 5.0])
    other = member([0.0, 0.1, 0.2, 0.3], x=[0.0, 3.0, 4.0, 5.0])
    table = ensemble_table([long, short, other])
    np.testing.assert_array_equal(table["members_reached"], [3, 3, 2, 2])
    np.testing.assert_allclose(table["x_mean"], [0.0, 3.0, 3.0, 4.0])
    np.testing.assert_allclose(table["x_sd"][1:], [2.0, np.sqrt(2.0), np.sqrt(2.0)])
    assert table["x_sd"][0] == 0.0


def test_agreeing_members_give_sd_zero_exactly_and_one_member_no_sd():
    values = np.array([[0.1, 0.1], [0.1, 0.2], [0.1, np.nan]])
    mean, sd = mean_and_sd(values)
    assert mean[0] == 0.1 and sd[0] == 0.0  # (0.1 + 0.1 + 0.1) / 3 would be 0.10000000000000002
    assert np.isnan(mean[1]) and np.isnan(sd[1])  # a NaN of a member is not dropped
    mean, sd = mean_and_sd(np.array([[2.0]]))
    assert mean[0] == 2.0 and np.isnan(sd[0])


def test_strip_rows_end_where_the_capacity_stops_increasing():
    data = {"capacity_mAh_per_cm2": [0.0, 0.1, 0.2, 0.2, 0.1], "x": [1, 2, 3, 4, 5]}
    rows = strip_rows(data)
    np.testing.assert_array_equal(rows["x"], [1, 2, 3])
    assert strip_rows({"capacity_mAh_per_cm2": [0.0, -0.1], "x": [1, 2]})["x"].tolist() == [1]


def test_member_scalars_follow_the_report_rules():
    q = np.arange(0.0, 0.5, 0.025)
    eta = np.full(q.size, 0.01)
    eta[12:] = [0.019, 0.05, 0.061, 0.2, 0.3, 0.4, 0.5, 0.6]  # > 2 x 0.01 and > 0.01 + 0.05: first at 0.35
    voids = np.zeros(q.size)
    voids[2:8] = [5, 10, 15, 15, 10, 5]  # the most early voids: 15, first at 0.1 (0.125 is the limit)
    width = np.where(voids > 0, np.arange(q.size) * 0.1 + 1.0, 0.0)
    gap = (q >= 0.4).astype(float)
    contact = 1 - q
    data = member(q, overpotential_V=eta, voids_per_100um=voids, mean_void_width_um=width, gap=gap,
                  contact_fraction=contact)
    summary = member_summary(data)
    assert summary["rise_capacity_mAh_per_cm2"] == pytest.approx(0.35)
    assert summary["contact_fraction_at_rise"] == pytest.approx(0.65)
    assert summary["gap_capacity_mAh_per_cm2"] == pytest.approx(0.4)
    assert summary["early_voids_per_100um"] == 15 and summary["early_capacity_mAh_per_cm2"] == pytest.approx(0.1)
    assert summary["early_mean_void_width_um"] == pytest.approx(1.4)
    flat = member_summary(member(q, overpotential_V=np.full(q.size, 0.01), voids_per_100um=np.zeros(q.size),
                                 mean_void_width_um=np.zeros(q.size), gap=np.zeros(q.size)))
    assert flat["rise_capacity_mAh_per_cm2"] is None and flat["gap_capacity_mAh_per_cm2"] is None
    assert flat["early_voids_per_100um"] == 0 and flat["early_mean_void_width_um"] is None


def test_the_restated_rules_keep_the_report_constants():
    """ensemble.py restates the report's rise rule and early window (phasefield must not import
    postprocessing): the constants must stay equal."""
    source = (POSTPROCESSING / "report.py").read_text()
    assert float(re.search(r"^RISE_FACTOR = (\S+)$", source, re.M).group(1)) == ensemble.RISE_FACTOR
    assert float(re.search(r"^RISE_MIN_V = (\S+)$", source, re.M).group(1)) == ensemble.RISE_MIN_V
    assert re.search(r"^EARLY_CAPACITY = SEM_FRAME\b", source, re.M)
    sys.path.insert(0, str(POSTPROCESSING))
    try:
        import seed_measurements
    finally:
        sys.path.remove(str(POSTPROCESSING))
    assert seed_measurements.sem_frame_capacity() == pytest.approx(ensemble.EARLY_CAPACITY, rel=1e-12)


def write_member(directory: Path, rows: list[list[float]], status: str = "completed") -> None:
    directory.mkdir(parents=True)
    with (directory / "timeseries.csv").open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    (directory / "run.json").write_text(json.dumps({"status": status}))


def test_write_ensemble_skips_members_without_rows_and_writes_valid_json(tmp_path):
    write_member(tmp_path / "seed_1", [[0, 0, 0.0, 0.01, 1.0, 0, 0, 0], [1, 36, 0.005, 0.01, 0.9, 5, 2.0, 0]])
    write_member(tmp_path / "seed_2", [[0, 0, 0.0, 0.01, 1.0, 0, 0, 0], [1, 36, 0.005, 0.01, 0.8, 10, 3.0, 0]])
    (tmp_path / "seed_3").mkdir()  # never started
    members = [(f"seed_{k}", k, tmp_path / f"seed_{k}") for k in (1, 2, 3)]
    assert write_ensemble(tmp_path, members, "voids.seed")
    document = json.loads((tmp_path / "ensemble.json").read_text())  # strict JSON: no NaN
    assert document["members"]["seed_3"] == {"value": 3, "status": "missing"}
    assert document["summary"]["early_voids_per_100um"] == {"mean": 7.5, "sd": pytest.approx(np.sqrt(12.5)),
                                                              "n": 2}
    with (tmp_path / "ensemble.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    assert [float(r["contact_fraction_mean"]) for r in rows] == pytest.approx([1.0, 0.85])
    assert float(rows[1]["time_s_sd"]) == 0.0
    assert not write_ensemble(tmp_path / "seed_3", [("seed_3", 3, tmp_path / "seed_3")], "voids.seed")
