"""The annihilation share's rate and temperature trends in the reduced model (issue 23; docs/mechanism.md, "The velocity
field created by stripping").

The rise of T1 (Li) and T2 (Li-Mg) at the share a = 0, 0.15, 0.3 of the stripped sites annihilated by the interface,
at 0.1, 0.2, 0.5 and 1 mA/cm2 and 25 and 60 C, on the cases' 60 um windows, seeds 1-5, in the configuration of the
finite-element comparison (`annihilation_share.py`'s "nucleation": voids from the interface trap, no flaws; Li-Mg with
the interface Mg sink hypothesis at k = 0.17 s^-1, without which it nucleates no void; that hypothesis is
thermodynamically disfavoured, docs/mechanism.md). Per (share, temperature, current): the mean and sd of the rise of
each metal over the seeds that rise, how many rise, and the ratio of the means.

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/reduced_model/annihilation_share_trends.py [OUT.json]
(default benchmarks/reduced_model/annihilation_share_trends.json).
"""

import os
import platform
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from annihilation_share import SEEDS, member
from tables import mean_and_sd

from phasefield.output.metadata import git_revision, write_json

SHARES = (0.0, 0.15, 0.3)
TEMPERATURES = (298.15, 333.15)  # K
CURRENTS = (1.0, 2.0, 5.0, 10.0)  # A/m^2: 0.1, 0.2, 0.5, 1 mA/cm2
METALS = {"Li (T1)": "nucleation", "Li-Mg (T2)": "nucleation + Mg sink"}


def main(output: Path) -> None:
    groups = [(share, temperature, current) for share in SHARES for temperature in TEMPERATURES
              for current in CURRENTS]
    jobs = [(label, configuration, share, seed, current, temperature) for share, temperature, current in groups
            for label, configuration in METALS.items() for seed in SEEDS]
    with ProcessPoolExecutor(max_workers=2) as pool:
        members = list(pool.map(member, jobs))
    rows, position = [], 0
    for share, temperature, current in groups:
        row = {"annihilation_share": share, "temperature_C": round(temperature - 273.15, 2),
               "current_mA_per_cm2": current / 10.0}
        for label in METALS:
            rises = [m["rise"] for m in members[position:position + len(SEEDS)]]
            position += len(SEEDS)
            risen = [r for r in rises if not np.isnan(r)]
            row[label] = {"rises": len(risen), "rise": mean_and_sd(risen) if risen else None, "members": rises}
        li, limg = (row[label]["rise"] for label in METALS)
        row["ratio_of_means"] = limg[0] / li[0] if li and limg else None
        rows.append(row)
        print(f"a={share:4.2f} T={temperature - 273.15:3.0f} C i={current / 10:4.2g} "
              + " ".join(f"{label}: {row[label]['rises']}/{len(SEEDS)} {row[label]['rise']}" for label in METALS)
              + f" ratio {row['ratio_of_means']}", flush=True)
    write_json(output, {
        "what": "reduced model, the rise against current density and temperature at three annihilation shares",
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "revision": git_revision(),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "host": platform.node()},
        "seeds": list(SEEDS), "configurations": METALS, "rows": rows,
    })


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("annihilation_share_trends.json"))
