"""Rise, gap, early voids, nucleation events, phi_void and h_eff at the rise of each run folder given, as
a Markdown table (the rules of phasefield.output.ensemble, as the report uses them).
Usage: python benchmarks/t1_convergence/summary.py RUN_DIR [RUN_DIR ...]"""
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from phasefield.output.ensemble import member_summary, strip_rows  # noqa: E402

COLUMNS = ("run", "rise", "gap", "early voids/100um", "early width um", "nucleation events", "phi_void at rise",
           "h_eff at rise um", "contact at rise", "steps", "wall s", "status")


def number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def row(path: Path) -> str:
    frame = pd.read_csv(path / "timeseries.csv")
    summary = member_summary(strip_rows({key: list(frame[key]) for key in frame.columns}))
    meta = json.loads((path / "run.json").read_text())
    events = int(frame["nucleation_events"].sum()) if "nucleation_events" in frame else 0
    cells = [path.name, number(summary["rise_capacity_mAh_per_cm2"]), number(summary.get("gap_capacity_mAh_per_cm2")),
             number(summary.get("early_voids_per_100um"), 1), number(summary.get("early_mean_void_width_um"), 1),
             str(events), number(summary.get("void_volume_share_at_rise")),
             number(summary.get("effective_void_height_um_at_rise")),
             number(summary.get("contact_fraction_at_rise"), 3),
             str(len(frame) - 1), number(meta.get("wall_time_s"), 0),
             f"{meta.get('status')} (to {number(summary['capacity_reached_mAh_per_cm2'])})"]
    return "| " + " | ".join(cells) + " |"


print("| " + " | ".join(COLUMNS) + " |")
print("|" + "---|" * len(COLUMNS))
for folder in sys.argv[1:]:
    print(row(Path(folder)))
