"""Rise, gap, early voids, nucleation events, phi_void and h_eff at the rise of each run folder given."""
import json, sys
from pathlib import Path
import numpy as np, pandas as pd
sys.path.insert(0, "/work/main")
from phasefield.output.ensemble import member_summary, strip_rows

print("| run | rise | gap | early voids/100um | early width um | nucleation events | phi_void at rise | h_eff at rise um | contact at rise | steps | wall s | status |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for folder in sys.argv[1:]:
    path = Path(folder)
    try:
        frame = pd.read_csv(path / "timeseries.csv")
    except Exception as e:
        print(f"| {path.name} | (no data: {e}) |"); continue
    data = strip_rows({k: list(frame[k]) for k in frame.columns})
    s = member_summary(data)
    meta = json.loads((path / "run.json").read_text())
    f = lambda v, d=2: "-" if v is None else f"{v:.{d}f}"
    ev = int(frame["nucleation_events"].sum()) if "nucleation_events" in frame else 0
    print(f"| {path.name} | {f(s['rise_capacity_mAh_per_cm2'])} | {f(s.get('gap_capacity_mAh_per_cm2'))} | "
          f"{f(s.get('early_voids_per_100um'),1)} | {f(s.get('early_mean_void_width_um'),1)} | {ev} | "
          f"{f(s.get('void_volume_share_at_rise'))} | {f(s.get('effective_void_height_um_at_rise'))} | "
          f"{f(s.get('contact_fraction_at_rise'),3)} | {len(frame)-1} | {f(meta.get('wall_time_s'),0)} | {meta.get('status')} (to {f(s['capacity_reached_mAh_per_cm2'])}) |")
