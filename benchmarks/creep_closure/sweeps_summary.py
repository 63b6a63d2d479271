"""The T3 and T4 sweeps the report uses (issue 24: <= 30 min together, two members at a time on 2 cores) as JSON: each
sweep's wall time and each member's status, steps, creep iterations, wall time and results, beside an earlier
summary of the same sweeps ("before").

    for c in t3_li_pressure_sweep_small_window t4_limg_pressure_sweep; do
        /usr/bin/time -f "$c %e" .venv/bin/phasefield sweep cases/$c.toml -o RUNS/$c -j 2 --overwrite; done
    .venv/bin/python benchmarks/creep_closure/sweeps_summary.py RUNS OUT.json \\
        --wall t3_li_pressure_sweep_small_window=S --wall t4_limg_pressure_sweep=S \\
        --before benchmarks/creep_closure/t3_t4_sweeps_one_kacanov_20261206.json
"""

import argparse
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from phasefield.output.ensemble import member_summary, strip_rows
from phasefield.output.metadata import git_revision, write_json
from phasefield.output.timeseries import read_timeseries

SWEEPS = ("t3_li_pressure_sweep_small_window", "t4_limg_pressure_sweep")


def member(folder: Path) -> dict:
    """What one member's run.json and timeseries.csv say."""
    run = json.loads((folder / "run.json").read_text())
    data = read_timeseries(folder / "timeseries.csv")
    strip = strip_rows(data)
    overpotential = 1e3 * np.asarray(data["overpotential_V"], dtype=float)
    return {"status": run["status"], "steps": int(run["steps"]), "wall_time_s": run["wall_time_s"],
            "git_revision": run["git_revision"], "rejected_steps": float(data["rejected_steps"][-1]),
            "creep_iterations": float(np.sum(data["creep_iterations"])),
            "capacity_reached_mAh_per_cm2": float(data["capacity_mAh_per_cm2"][-1]),
            "rise_capacity_mAh_per_cm2": member_summary(strip)["rise_capacity_mAh_per_cm2"],
            "overpotential_max_mV": float(overpotential.max()), "overpotential_end_mV": float(overpotential[-1]),
            "contact_fraction_end": float(data["contact_fraction"][-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=Path, help="the folder holding one output folder per sweep")
    parser.add_argument("output", type=Path)
    parser.add_argument("--wall", action="append", required=True, help="SWEEP=SECONDS, the sweep's wall time")
    parser.add_argument("--before", type=Path, help="an earlier summary of the same sweeps")
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    wall = {name: float(seconds) for name, seconds in (item.split("=") for item in args.wall)}
    before = json.loads(args.before.read_text()) if args.before else {"members": {}, "wall_time_s": {}}
    members = {}
    for sweep in SWEEPS:
        for folder in sorted(p for p in (args.runs / sweep).iterdir() if (p / "run.json").exists()):
            key = f"{sweep}/{folder.name}"
            members[key] = member(folder) | {"before": before["members"].get(key)}
    write_json(args.output, {
        "benchmark": "the T3 and T4 sweeps the report uses (8 members), two members at a time on 2 cores",
        "goal": "T3 + T4 <= 30 min together (issue 24)", "git_revision": git_revision(),
        "commands": {sweep: f".venv/bin/phasefield sweep cases/{sweep}.toml -o RUN -j 2 --overwrite"
                     for sweep in SWEEPS},
        "wall_time_s": wall, "total_wall_time_s": sum(wall.values()),
        "before_wall_time_s": before["wall_time_s"], "before_total_wall_time_s": before.get("total_wall_time_s"),
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "note": args.note,
        "machine": {"platform": platform.platform(), "host": platform.node()}, "members": members})


if __name__ == "__main__":
    main()
