"""Void-edge (triple-line) speeds from the interface profiles of each run folder given: the points where
the contact crosses 1/2, matched in order between consecutive profiles with the same number of edges
(a void that opens, merges or closes breaks the matching); the fastest and the median of each interval's
fastest, in um/s, next to the limiter's speed cap alpha delta / (3 tau) (delta 0.5 um, tau 1 s).
Usage: python benchmarks/t1_convergence/edges.py RUN_DIR [RUN_DIR ...]"""
import re
import sys
from pathlib import Path

import numpy as np

CAP = 0.5 * 0.5 / 3.0  # um/s


def edges(profile: Path) -> tuple[float, float, np.ndarray]:
    """(time s, capacity mAh/cm2, edge positions um) of one interface profile."""
    head = profile.open().readline()
    time = float(re.search(r"time_s=([0-9.e+-]+)", head).group(1))
    capacity = float(re.search(r"capacity_mAh_per_cm2=([0-9.e+-]+)", head).group(1))
    data = np.genfromtxt(profile, delimiter=",", names=True, skip_header=1)
    x, contact = data["x_um"], data["contact"]
    side = np.sign(contact - 0.5)
    k = np.nonzero(side[:-1] * side[1:] < 0)[0]
    return time, capacity, x[k] + (0.5 - contact[k]) / (contact[k + 1] - contact[k]) * (x[k + 1] - x[k])


for run in sys.argv[1:]:
    profiles = [edges(p) for p in sorted(Path(run).glob("interface/profile_*.csv"))]
    speeds = [(q1, np.abs(np.sort(e1) - np.sort(e0)) / (t1 - t0))
              for (t0, _, e0), (t1, q1, e1) in zip(profiles, profiles[1:], strict=False)
              if len(e0) == len(e1) > 0]
    if not speeds:
        print(f"{run}: no matched edges")
        continue
    fastest = np.array([(q, v.max()) for q, v in speeds])
    k = int(np.argmax(fastest[:, 1]))
    print(f"{run}: {len(fastest)} intervals; fastest edge {fastest[k, 1]:.2e} um/s at {fastest[k, 0]:.3f} mAh/cm2; "
          f"median of the fastest {np.median(fastest[:, 1]):.2e} um/s; cap {CAP:.3f} um/s")
