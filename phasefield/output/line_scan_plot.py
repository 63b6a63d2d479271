"""Mg line scans (x_Mg against distance from the interface) at the written capacities."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read_line_scan(path: Path) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
    """(header values, distance in um, x_Mg) of one line-scan CSV."""
    with Path(path).open() as stream:
        header = dict(item.split("=") for item in stream.readline().lstrip("# ").split())
    table = np.loadtxt(path, delimiter=",", skiprows=2, ndmin=2)
    return {k: float(v) for k, v in header.items()}, table[:, 0], table[:, 1]


def plot_line_scans(folder: Path, png_path: Path, title: str = "", depth_um: float = 15.0) -> None:
    """All line scans of ``folder`` on one axis, labelled by net stripped capacity."""
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    for path in sorted(Path(folder).glob("x_Mg_*.csv")):
        header, distance, x_mg = read_line_scan(path)
        ax.plot(distance, x_mg, label=f"{header['capacity_mAh_per_cm2']:.2f} mAh/cm$^2$")
    ax.set_xlim(0, depth_um)
    ax.set_xlabel("distance from the interface (um)")
    ax.set_ylabel("x$_{Mg}$")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.savefig(png_path, dpi=150)
    plt.close(fig)
