"""Mg line scans (x_Mg against distance from the interface) at the written capacities."""

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def read_line_scan(path: Path) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
    """(header values, distance in um, x_Mg) of one line-scan CSV."""
    with Path(path).open() as stream:
        header = dict(item.split("=") for item in stream.readline().lstrip("# ").split())
    table = np.loadtxt(path, delimiter=",", skiprows=2, ndmin=2)
    return {k: float(v) for k, v in header.items()}, table[:, 0], table[:, 1]


def line_scan_figure(folder: Path, title: str = "", depth_um: float = 15.0) -> Figure:
    """All line scans of ``folder`` on one axis, coloured from early (dark) to late (light) and labelled by
    time and net stripped capacity (a strip-then-plate run returns to 0 net: the time tells them apart),
    to ``depth_um`` or the depth of the metal where it is thinner."""
    paths = sorted(Path(folder).glob("x_Mg_*.csv"))
    colours = plt.get_cmap("viridis")(np.linspace(0.0, 0.85, max(len(paths), 1)))
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    deepest = 0.0
    for path, colour in zip(paths, colours, strict=False):
        header, distance, x_mg = read_line_scan(path)
        ax.plot(distance, x_mg, color=colour,
                label=f"{header['time_s'] / 3600:.2f} h, net {header['capacity_mAh_per_cm2']:.2f} mAh/cm$^2$")
        deepest = max(deepest, float(distance.max()))
    ax.set_xlim(0, min(depth_um, deepest) if deepest > 0 else depth_um)
    ax.set_xlabel("distance from the interface (um)")
    ax.set_ylabel("x$_{Mg}$")
    ax.set_title(textwrap.fill(title, 70), fontsize=9)
    ax.grid(alpha=0.3)
    if paths:
        ax.legend(fontsize=7, title="time, net stripped capacity", title_fontsize=7)
    return fig


def plot_line_scans(folder: Path, png_path: Path, title: str = "", depth_um: float = 15.0) -> None:
    """Writes ``line_scan_figure`` of ``folder`` to ``png_path``."""
    fig = line_scan_figure(folder, title, depth_um)
    fig.savefig(png_path, dpi=150)
    plt.close(fig)
