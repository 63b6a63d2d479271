"""T1/T2 (seed Fig 1a-c): overpotential, contact loss and void count against capacity for Li and Li-Mg.

Usage: python postprocessing/void_runs.py RESULTS_DIR OUTPUT_PNG

Reads ``RESULTS_DIR/t1_li_strip_voids`` and ``RESULTS_DIR/t2_limg_strip_voids`` (complete or still
running: the CSV is read as it stands) and draws the measured features as reference lines.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seed_measurements as seed  # noqa: E402 - sibling script: the seed's measured values

from phasefield.output.timeseries import read_timeseries  # noqa: E402

RUNS = {"t1_li_strip_voids": ("Li", "C4"), "t2_limg_strip_voids": ("Li$_{0.97}$Mg$_{0.03}$", "C1")}


def main(results: Path, png: Path) -> None:
    fig, (eta, loss, count) = plt.subplots(3, 1, sharex=True, figsize=(6, 8), layout="constrained")
    for name, (label, colour) in RUNS.items():
        path = results / name / "timeseries.csv"
        if not path.exists():
            continue
        data = read_timeseries(path)
        q = data["capacity_mAh_per_cm2"]
        eta.plot(q, [1e3 * v for v in data["overpotential_V"]], colour, label=f"{label} (model)")
        loss.plot(q, [100 * (1 - c) for c in data["contact_fraction"]], colour, label=label)
        if "voids_per_100um" in data:  # a run without a void model has no count
            count.plot(q, data["voids_per_100um"], colour, label=label)
    li_rise, limg_rise = seed.get("t1.rise_capacity"), seed.get("t2.rise_capacity")
    loss_at_rise, li_voids, limg_voids = (seed.get(key) for key in ("t1.contact_loss_at_rise", "t1.early_voids",
                                                                     "t2.early_voids"))
    eta.axvline(li_rise.value, color="C4", ls=":", label=f"Li rise, measured ({li_rise.text} mAh/cm$^2$)")
    eta.axvline(limg_rise.low, color="C1", ls=":", label=f"Li-Mg rise, measured (~{limg_rise.low} mAh/cm$^2$)")
    eta.set_yscale("log")
    eta.set_ylabel("overpotential (mV)")
    eta.legend(fontsize=7)
    loss.axhline(loss_at_rise.value, color="gray", ls="--", lw=0.8, label=f"{loss_at_rise.value}% (rise, measured)")
    loss.set_ylabel("contact loss (%)")
    loss.legend(fontsize=7)
    count.axhspan(*li_voids.bounds, color="C4", alpha=0.2, label=f"Li early, measured {li_voids.text}")
    count.axhspan(*limg_voids.bounds, color="C1", alpha=0.2, label=f"Li-Mg, measured {limg_voids.text}")
    count.set_ylabel("voids per 100 um (a gap: 0)")
    count.set_xlabel("stripped capacity (mAh cm$^{-2}$)")
    count.legend(fontsize=7)
    fig.suptitle("T1/T2, 0.5 mA/cm$^2$, 0.2 MPa, 25 C (F-knobs at initial values: docs/calibration.md)", fontsize=9)
    fig.savefig(png, dpi=150)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
