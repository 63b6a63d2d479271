"""T1/T2 (seed Fig 1a-c): overpotential, contact loss and void count against capacity for Li and Li-Mg.

Usage: python postprocessing/void_runs.py RESULTS_DIR OUTPUT_PNG

Reads ``RESULTS_DIR/t1_li_strip_voids`` and ``RESULTS_DIR/t2_limg_strip_voids`` (complete or still
running: the CSV is read as it stands) and draws the measured features as reference lines and bands.
``void_run_figure`` draws any Li and Li-Mg run folders so (the demo's, ``demo_figure.py``); a column a run
does not write (no void count without a void model) is left out.
"""

import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import seed_measurements as seed  # noqa: E402 - sibling script: the seed's measured values
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import LogFormatter  # noqa: E402

from phasefield.output.timeseries import read_timeseries  # noqa: E402

LI, LIMG = ("Li", "C4"), ("Li$_{0.97}$Mg$_{0.03}$", "C1")
RUNS = {"t1_li_strip_voids": LI, "t2_limg_strip_voids": LIMG}
TITLE = "T1/T2, 0.5 mA/cm$^2$, 0.2 MPa, 25 C (F-knobs at initial values: docs/calibration.md)"


def _draw_runs(axes, runs: dict[Path, tuple[str, str]]) -> None:
    eta, loss, count = axes
    for folder, (label, colour) in runs.items():
        path = folder / "timeseries.csv"
        if not path.exists():
            continue
        data = read_timeseries(path)
        q = data["capacity_mAh_per_cm2"]
        eta.plot(q, 1e3 * np.asarray(data["overpotential_V"]), colour, label=f"{label} (model)")
        if "contact_fraction" in data:
            loss.plot(q, 100 * (1 - np.asarray(data["contact_fraction"])), colour, label=label)
        if "voids_per_100um" in data:  # a run without a void model has no count
            count.plot(q, data["voids_per_100um"], colour, label=label)


def _draw_measured(axes) -> None:
    eta, loss, count = axes
    li_rise, limg_rise = seed.get("t1.rise_capacity"), seed.get("t2.rise_capacity")
    loss_at_rise, li_voids, limg_voids = (seed.get(key) for key in ("t1.contact_loss_at_rise", "t1.early_voids",
                                                                     "t2.early_voids"))
    eta.axvline(li_rise.value, color=LI[1], ls=":", label=f"Li rise, measured ({li_rise.text} mAh/cm$^2$)")
    eta.axvspan(*limg_rise.bounds, color=LIMG[1], alpha=0.15, lw=0,
                label=f"Li-Mg rise, measured ({limg_rise.text} mAh/cm$^2$)")
    loss.axhline(loss_at_rise.value, color="gray", ls="--", lw=0.8,
                 label=f"{loss_at_rise.text}% (Li rise, measured)")
    count.axhspan(*li_voids.bounds, color=LI[1], alpha=0.2, label=f"Li early, measured {li_voids.text}")
    count.axhspan(*limg_voids.bounds, color=LIMG[1], alpha=0.2, label=f"Li-Mg early, measured {limg_voids.text}")


def void_run_figure(runs: dict[Path, tuple[str, str]], title: str) -> Figure:
    """Overpotential (log), contact loss and voids per 100 um against stripped capacity of ``runs`` (folder ->
    (label, colour)), with the seed's measured T1/T2 features; each legend outside its panel."""
    fig, axes = plt.subplots(3, 1, sharex=True, figsize=(8, 8), layout="constrained")
    _draw_runs(axes, runs)
    _draw_measured(axes)
    eta, loss, count = axes
    eta.set_yscale("log")
    eta.yaxis.set_major_formatter(LogFormatter())  # 10, 100: plain numbers, not 10^1
    eta.yaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(1, 0.4)))
    eta.set_ylabel("overpotential (mV)")
    loss.set_ylabel("contact loss (%)")
    loss.set_ylim(-2, 102)
    count.set_ylabel("voids per 100 um (a gap: 0)")
    count.set_xlabel("stripped capacity (mAh cm$^{-2}$)")
    count.set_xlim(left=0)
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.suptitle(textwrap.fill(title, 110), fontsize=9)
    return fig


def main(results: Path, png: Path) -> None:
    fig = void_run_figure({results / name: style for name, style in RUNS.items()}, TITLE)
    fig.savefig(png, dpi=150)
    plt.close(fig)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
