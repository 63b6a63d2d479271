"""The finite-element check of the annihilation share (issue 23; docs/mechanism.md, "The velocity field created by
stripping"): runs of the T1 and T2 cases on the 20 um window (80 cells, seed 1, the cases' creep) at several
shares a, summarised by the report's rules (`postprocessing/report.py`): the rise, the drops of the largest void
width between SEM frames (its rule for splits), the lowest contact and each recovery of the contact by more than
RECOVERY (contact fraction) after a minimum.

Usage: .venv/bin/python benchmarks/reduced_model/annihilation_share_fe.py OUT.json RUN [RUN ...]
(each RUN a `phasefield run` folder; the command lines are in docs/mechanism.md).
"""

import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "postprocessing"))
import report  # noqa: E402 - the report's rise and width-drop rules

from phasefield.output.metadata import git_revision, write_json  # noqa: E402

RECOVERY = 0.1  # a rise of the contact fraction by more than this after a minimum counts as a recovery


def recoveries(contact: np.ndarray, capacity: np.ndarray) -> list[dict[str, float]]:
    """Each minimum of the contact followed by a rise of more than RECOVERY before it falls below that minimum."""
    found, low, at = [], contact[0], 0
    for k in range(1, contact.size):
        if contact[k] < low:
            low, at = contact[k], k
        elif contact[k] > low + RECOVERY:
            found.append({"capacity_mAh_per_cm2": float(capacity[at]), "from": float(low), "to": float(contact[k])})
            low, at = contact[k], k
    return found


def summary(path: Path) -> dict:
    run = report.load_run(path)
    rise = report.rise(run)
    contact, capacity = run.data["contact_fraction"], run.capacity
    metal = run.info["parameters"]["metal"]
    return {
        "run": str(path), "status": run.status, "set": metal["set"],
        "annihilation_share": metal["interface_vacancy_annihilation_share"]["si"],
        "mg_interface_reaction_rate_per_s": metal["mg_interface_reaction_rate"]["si"],
        "capacity_reached_mAh_per_cm2": float(capacity[-1]),
        "rise_mAh_per_cm2": rise.lo if rise.hi == rise.lo else None,
        "first_void_mAh_per_cm2": float(capacity[np.argmax(run.data["voids_per_100um"] > 0)])
        if (run.data["voids_per_100um"] > 0).any() else None,
        "width_drops_mAh_per_cm2": report.width_drops(run, float(capacity[-1])),
        "lowest_contact": float(contact.min()),
        "contact_recoveries": recoveries(contact, capacity),
        "largest_overpotential_V": float(run.data["overpotential_V"].max()),
        "git_revision": run.info.get("git_revision"),
    }


def main(output: Path, runs: list[Path]) -> None:
    rows = [summary(path) for path in runs]
    for row in rows:
        print(f"{row['set']:14s} a={row['annihilation_share']:.2f} k={row['mg_interface_reaction_rate_per_s']:.2f} "
              f"to {row['capacity_reached_mAh_per_cm2']:.3f}: rise {row['rise_mAh_per_cm2']}, first void "
              f"{row['first_void_mAh_per_cm2']}, width drops {row['width_drops_mAh_per_cm2']}, lowest contact "
              f"{row['lowest_contact']:.3f}, {len(row['contact_recoveries'])} recoveries")
    write_json(output, {
        "what": "FE T1/T2 (20 um window, seed 1, creep) against the share of stripped sites the interface annihilates",
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "revision": git_revision(),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "host": platform.node()},
        "rows": rows,
    })


if __name__ == "__main__":
    main(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
