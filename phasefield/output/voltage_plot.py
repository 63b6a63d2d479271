"""Voltage (overpotential) and contact fraction against stripped capacity, from the CSV alone."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from phasefield.output.timeseries import read_timeseries  # noqa: E402


def plot_voltage_curve(csv_path: Path, png_path: Path, title: str = "") -> None:
    """Overpotential and contact fraction vs capacity, like the seed paper's Fig 1a/1b."""
    data = read_timeseries(csv_path)
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(6, 5.5), layout="constrained")
    top.plot(data["capacity_mAh_per_cm2"], [1e3 * v for v in data["overpotential_V"]], "C0-")
    top.set_ylabel("overpotential (mV)")
    top.set_title(title)
    top.grid(alpha=0.3)
    bottom.plot(data["capacity_mAh_per_cm2"], [100 * (1 - c) for c in data["contact_fraction"]], "C3-")
    bottom.set_ylabel("contact loss (%)")
    bottom.set_xlabel("stripped capacity (mAh cm$^{-2}$)")
    bottom.set_ylim(0, 100)
    bottom.grid(alpha=0.3)
    fig.savefig(png_path, dpi=150)
    plt.close(fig)
