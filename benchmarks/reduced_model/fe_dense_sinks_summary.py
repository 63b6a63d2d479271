"""Summary of the finite-element runs of `fe_dense_sinks.sh` (docs/mechanism.md, "Where the stripped sites vanish").

Per run folder: the status, the report's summary (rise, early voids: `phasefield.output.ensemble.member_summary`),
the lowest contact and where, the contact at the end, the largest overpotential and the largest metal speed.

Usage: .venv/bin/python benchmarks/reduced_model/fe_dense_sinks_summary.py OUT.json LABEL=RUN_DIR [LABEL=RUN_DIR ...]
"""

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from phasefield.output.ensemble import member_summary
from phasefield.output.metadata import git_revision, write_json
from phasefield.output.timeseries import read_timeseries


def summary(run: Path) -> dict:
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
            "largest_metal_speed_um_per_h": float(np.max(data["max_metal_speed_um_per_h"]))}


def main(output: Path, runs: list[str]) -> None:
    members = {label: summary(Path(folder)) for label, folder in (item.split("=", 1) for item in runs)}
    for label, member in members.items():
        print(label, member["status"][:60], {k: member[k] for k in ("lowest_contact", "final_contact",
                                                                    "largest_overpotential_V")},
              member["summary"]["rise_capacity_mAh_per_cm2"], flush=True)
    write_json(output, {
        "what": "finite-element T1/T2 on the 20 um window with flaws, the interface layer and creep, at two sink "
                "spacings (benchmarks/reduced_model/fe_dense_sinks.sh)",
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "revision": git_revision(),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "host": platform.node()},
        "runs": members,
    })


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), sys.argv[2:])
