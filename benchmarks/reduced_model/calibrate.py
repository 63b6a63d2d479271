"""The calibration of the reduced model on T1 only: the flaw spacing and median radius (metal set, standing F)
that give the seed's early void count and width (16-18 per 100 um, 2.2 +- 1.3 um, Fig 1c-d) by the report's
rule (the row with the most voids up to 0.125 mAh/cm2, first of equals; phasefield.output.ensemble), 10 seeds
on the T1 window. Nothing else is calibrated. Prints the grid and the choice.

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/reduced_model/calibrate.py
"""

import dataclasses
import itertools
from pathlib import Path

import numpy as np

from phasefield.case import load_case
from phasefield.reduced.run import run_reduced, strip_steps
from phasefield.reduced.settings import settings_from_case

ROOT = Path(__file__).resolve().parents[2]
TARGET_COUNT, TARGET_WIDTH = 17.0, 2.2  # per 100 um, um (seed Fig 1c-d, first SEM frame)
EARLY = 0.13 * 36000.0  # C/m^2: just past the first SEM frame
SPACINGS = (3.0e-6, 3.5e-6, 4.0e-6, 4.5e-6, 5.0e-6, 5.9e-6)
RADII = (0.4e-6, 0.5e-6, 0.6e-6, 0.7e-6, 0.8e-6, 0.9e-6, 1.1e-6)


def early_statistics(resolved, spacing: float, radius: float) -> tuple[float, float]:
    """Mean early count (per 100 um) and mean early width (um) over 10 seeds."""
    base = settings_from_case(resolved).replace(flaw_spacing=spacing, flaw_median_radius=radius)
    steps = [dataclasses.replace(step, capacity_limit=EARLY) for step in strip_steps(resolved)]
    counts, widths = [], []
    for seed in range(1, 11):
        summary = run_reduced(base.replace(seed=seed), steps, resolved.case.time.capacity_step,
                              resolved.case.time.dt_max).summary()
        counts.append(summary["early_voids_per_100um"] or 0.0)
        widths.append(summary["early_mean_void_width_um"] or np.nan)
    return float(np.mean(counts)), float(np.nanmean(widths))


def main() -> None:
    resolved = load_case(ROOT / "cases" / "t1_li_strip_voids.toml")
    print("| flaw spacing, um | median radius, um | early voids /100 um | early width, um | misfit |")
    print("|---|---|---|---|---|")
    best = None
    for spacing, radius in itertools.product(SPACINGS, RADII):
        count, width = early_statistics(resolved, spacing, radius)
        misfit = ((count - TARGET_COUNT) / TARGET_COUNT) ** 2 + ((width - TARGET_WIDTH) / TARGET_WIDTH) ** 2
        print(f"| {spacing * 1e6:.1f} | {radius * 1e6:.1f} | {count:.1f} | {width:.2f} | {misfit:.3f} |")
        if best is None or misfit < best[0]:
            best = (misfit, spacing, radius, count, width)
    _, spacing, radius, count, width = best
    print(f"\nchoice: flaw spacing {spacing * 1e6:.1f} um, median radius {radius * 1e6:.1f} um -> "
          f"{count:.1f} voids per 100 um, {width:.2f} um (targets {TARGET_COUNT:g}, {TARGET_WIDTH:g})")


if __name__ == "__main__":
    main()
