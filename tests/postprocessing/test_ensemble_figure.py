"""postprocessing/ensemble_figure.py: T1 and T2 seed ensembles on one figure with a table (issue 23).

Requirements: each member is sampled at an SEM frame by its interface profile nearest the frame, and only
within FRAME_TOLERANCE (a member that stopped before the frame is not in its box); the count box holds one
count per member there, the width box every void of those members; the table's mean +- sd is over the members
with a number, the others ("no rise to 4") kept as a lower bound; from two small sweep folders the script
writes the figure and a table with each member's rise, early count and width drops by report.py's rules.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

POSTPROCESSING = Path(__file__).resolve().parents[2] / "postprocessing"
sys.path.insert(0, str(POSTPROCESSING))
import ensemble_figure  # noqa: E402
import report  # noqa: E402

sys.path.remove(str(POSTPROCESSING))

FRAME = report.SEM_FRAME


def sample(capacity: float, widths: list[float]) -> report.VoidSample:
    return report.VoidSample(capacity, 100.0 * len(widths) / 20.0, np.array(widths))


def test_members_are_sampled_at_the_frames_they_reached_within_the_tolerance():
    stopped = [sample(0.0, []), sample(FRAME - 2 * ensemble_figure.FRAME_TOLERANCE, [3.0])]
    late = [sample(0.0, []), sample(FRAME + 0.5 * ensemble_figure.FRAME_TOLERANCE, [1.0, 2.0]),
            sample(2 * FRAME, [7.0])]
    on_frames = [sample(FRAME, []), sample(2 * FRAME, [4.0, 5.0, 6.0])]
    counts, widths = ensemble_figure.frame_boxes([stopped, late, on_frames], np.array([FRAME, 2 * FRAME]))
    assert counts[0] == pytest.approx([10.0, 0.0])  # the stopped member is in no box
    assert counts[1] == pytest.approx([5.0, 15.0])
    assert sorted(widths[0]) == pytest.approx([1.0, 2.0])
    assert sorted(widths[1]) == pytest.approx([4.0, 5.0, 6.0, 7.0])


def test_a_member_without_a_profile_near_a_frame_is_left_out_of_it():
    sparse = [sample(0.5 * FRAME, [1.0]), sample(2 * FRAME, [2.0])]
    assert ensemble_figure.at_frames(sparse, np.array([FRAME, 2 * FRAME])) == [None, sparse[1]]
    assert ensemble_figure.at_frames([], np.array([FRAME])) == [None]


def test_summary_is_over_the_members_with_a_number_and_keeps_the_others_as_a_bound():
    spans = [report.Span.point(0.1), report.Span.point(0.3), report.Span.at_least(4.0), report.Span.at_least(3.5)]
    summary = ensemble_figure.span_summary(spans)
    assert summary["n"] == 2 and summary["without"] == 2
    assert summary["mean"] == pytest.approx(0.2)
    assert summary["sd"] == pytest.approx(np.sqrt(0.02))  # sample sd over the members
    assert summary["lower_bound"] == pytest.approx(3.5)
    assert ensemble_figure.mean_sd([]) == {"n": 0, "mean": None, "sd": None}


def member(folder: Path, overpotential: np.ndarray, profiles: dict[float, list[tuple[float, float]]]) -> None:
    """A 20 um run, a row every FRAME/5 (its protocol to 4 mAh/cm2); its interface profiles at the given
    capacities with voids at the (start, end) runs in um (contact 0 at the nodes inside, 0.25 um apart)."""
    folder.mkdir(parents=True)
    q = np.arange(overpotential.size) * FRAME / 5
    widest = [max([e - s for s, e in profiles.get(round(c, 9), [])], default=0.0) for c in q]
    rows = [f"{k},{c},{eta},1.0,0,{w}" for k, (c, eta, w) in enumerate(zip(q, overpotential, widest, strict=True))]
    header = "step,capacity_mAh_per_cm2,overpotential_V,contact_fraction,gap,max_void_width_um"
    (folder / "timeseries.csv").write_text("\n".join([header, *rows]) + "\n")
    case = {"mesh": {"width": 20e-6, "cells_along_interface": 80}, "creep": {"model": "none"},
            "protocol": {"steps": [{"capacity_limit": 4 * report.C_PER_M2}]}}
    (folder / "run.json").write_text(json.dumps({"case": case, "status": "completed"}))
    (folder / "interface").mkdir()
    x = np.linspace(0.0, 20.0, 81)
    for k, (capacity, voids) in enumerate(sorted(profiles.items())):
        contact = np.where([any(s < xi < e for s, e in voids) for xi in x], 0.0, 1.0)
        table = "\n".join(f"{xi},{c}" for xi, c in zip(x, contact, strict=True))
        (folder / "interface" / f"profile_{k:05d}.csv").write_text(
            f"# capacity_mAh_per_cm2={capacity}\nx_um,contact\n{table}\n")


def test_the_script_writes_the_figure_and_the_table_of_the_members(tmp_path):
    steps = 4 * 5 + 1  # to 4 SEM frames
    rising = np.where(np.arange(steps) > 12, 0.5, 0.01)  # rises at the 13th row: 13 FRAME / 5
    member(tmp_path / "li" / "seed_1", rising, {FRAME: [(2.0, 4.0), (10.0, 11.0)], 2 * FRAME: [(2.0, 12.0)],
                                                3 * FRAME: [(2.0, 5.0)], 4 * FRAME: [(2.0, 5.0)]})
    steady = {FRAME: [], **{k * FRAME: [(5.0, 8.0)] for k in (2, 3, 4)}}
    member(tmp_path / "li" / "seed_2", np.full(steps, 0.01), steady)
    member(tmp_path / "limg" / "seed_1", np.full(steps, 0.01), {FRAME: []})
    table = ensemble_figure.main(tmp_path / "li", tmp_path / "limg", tmp_path / "out")
    assert (tmp_path / "out" / ensemble_figure.FIGURE).stat().st_size > 10_000
    assert json.loads((tmp_path / "out" / ensemble_figure.TABLE).read_text()) == json.loads(json.dumps(table))
    li, limg = table["Li"], table["Li-Mg"]
    assert li["members"]["seed_1"]["rise"] == {"value": pytest.approx(13 * FRAME / 5)}
    assert li["members"]["seed_2"]["rise"] == {"at_least": pytest.approx(4 * FRAME)}
    assert li["members"]["seed_1"]["width_drops"] == pytest.approx([3 * FRAME])  # 10 um -> 3 um
    assert li["ensemble"]["early_voids_per_100um"]["mean"] == pytest.approx(5.0)  # 10 and 0 per 100 um
    assert li["members"]["seed_1"]["early_widths_um"] == pytest.approx([1.75, 0.75])  # crossings mid-cell
    assert li["ensemble"]["early_width_um_all_voids"]["mean"] == pytest.approx(1.25)
    assert li["ensemble"]["width_drops"]["mean"] == pytest.approx(0.5)
    assert limg["ensemble"]["rise"]["lower_bound"] == pytest.approx(4 * FRAME)
    assert table["window"] == "20 um window, 80 cells along it, creep none"
