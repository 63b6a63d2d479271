"""Summary of the finite-element runs of `fe_dense_sinks.sh` (docs/mechanism.md, "Where the stripped sites vanish").

Per run folder: the status, the report's summary (rise, early voids: `phasefield.output.ensemble.member_summary`),
the lowest contact and where, the contact at the end, the largest overpotential, the largest metal speed over the run
and its range between two capacities (the same stretch of every run), and for an alloy the Mg on the void walls in
each metal field written (`fields/metal.pvd`: x_Mg where the metal fraction is 0.3-0.7 more than 0.3 um above the
contact, and the largest x_Mg anywhere).

Usage: .venv/bin/python benchmarks/reduced_model/fe_dense_sinks_summary.py OUT.json Q0 Q1 LABEL=RUN_DIR [...]
(Q0, Q1 in mAh/cm2: the stretch for the metal speeds)
"""

import argparse
import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyvista

from phasefield.output.ensemble import member_summary
from phasefield.output.metadata import git_revision, write_json
from phasefield.output.timeseries import read_timeseries


def summary(run: Path, stretch: tuple[float, float]) -> dict:
    """The run's quantities of the module docstring."""
    data = {key: np.asarray(values, dtype=float) for key, values in read_timeseries(run / "timeseries.csv").items()}
    meta = json.loads((run / "run.json").read_text())
    lowest = int(np.argmin(data["contact_fraction"]))
    return {"folder": str(run), "status": meta["status"], "git_revision": meta.get("git_revision"),
            "case": meta.get("case", {}).get("meta", {}).get("description"),
            "summary": member_summary(data),
            "lowest_contact": float(data["contact_fraction"][lowest]),
            "lowest_contact_at_mAh_per_cm2": float(data["capacity_mAh_per_cm2"][lowest]),
            "final_contact": float(data["contact_fraction"][-1]),
            "largest_overpotential_V": float(np.max(data["overpotential_V"])),
            "largest_metal_speed_um_per_h": float(np.max(data["max_metal_speed_um_per_h"])),
            "largest_metal_speed_in_stretch_um_per_h": speed_range(data, stretch),
            "void_wall_mg": void_wall_mg(run, data) if "foil_mean_x_Mg" in data else None}


def void_wall_mg(run: Path, data: dict[str, np.ndarray]) -> list[dict[str, float]]:
    """Per written metal field: its capacity, the mean and largest x_Mg on the void walls, the largest x_Mg."""
    reader = pyvista.get_reader(str(run / "fields" / "metal.pvd"))
    rows = []
    for time in reader.time_values:
        reader.set_active_time_value(time)
        grid = reader.read()[0]
        x_mg, metal = grid.point_data["x_Mg"], grid.point_data["metal_fraction"]
        wall = (metal > 0.3) & (metal < 0.7) & (grid.points[:, 1] > 0.3)  # coordinates in um
        rows.append({"capacity_mAh_per_cm2": float(np.interp(time, data["time_s"], data["capacity_mAh_per_cm2"])),
                     "wall_x_Mg_mean": float(x_mg[wall].mean()) if wall.any() else None,
                     "wall_x_Mg_max": float(x_mg[wall].max()) if wall.any() else None,
                     "largest_x_Mg": float(x_mg.max())})
    return rows


def speed_range(data: dict[str, np.ndarray], stretch: tuple[float, float]) -> list[float] | None:
    """Smallest and largest of the step's largest metal speed (um/h) between the capacities ``stretch``."""
    inside = (data["capacity_mAh_per_cm2"] >= stretch[0]) & (data["capacity_mAh_per_cm2"] <= stretch[1])
    speeds = data["max_metal_speed_um_per_h"][inside]
    return [float(speeds.min()), float(speeds.max())] if speeds.size else None


def main(output: Path, stretch: tuple[float, float], runs: list[str]) -> None:
    members = {label: summary(Path(folder), stretch) for label, folder in (item.split("=", 1) for item in runs)}
    for label, member in members.items():
        print(label, member["status"][:60], {k: member[k] for k in ("lowest_contact", "final_contact",
                                                                    "largest_overpotential_V")},
              member["summary"]["rise_capacity_mAh_per_cm2"], flush=True)
    write_json(output, {
        "what": "finite-element runs of benchmarks/reduced_model/fe_dense_sinks.sh",
        "speed_stretch_mAh_per_cm2": list(stretch),
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "revision": git_revision(),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "host": platform.node()},
        "runs": members,
    })


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path)
    parser.add_argument("stretch", type=float, nargs=2)
    parser.add_argument("runs", nargs="+", help="LABEL=RUN_DIR")
    args = parser.parse_args()
    main(args.output, tuple(args.stretch), args.runs)
