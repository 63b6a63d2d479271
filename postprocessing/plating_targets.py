"""T7 from results directories: plating after the Fig 1 strip, short circuit of Li, none of Li-Mg (seed Fig 4a).

Usage: python postprocessing/plating_targets.py RESULTS_DIR OUTPUT_DIR

Reads ``RESULTS_DIR/t7_li_strip_plate`` and ``RESULTS_DIR/t7_limg_strip_plate`` (as ``phasefield run`` writes
them for the cases of the same names, complete or not) and draws the plating curves against the plated
capacity with the measured shorting capacities: the cell voltage, and the largest local plating current
density with the critical current density of the run's electrolyte set. The shorting capacity of a run is
the plated capacity of its first row with ``short`` = 1; a run without a short gives a lower bound, the
capacity it plated. The local plating current density along the interface, from the interface profiles
written while plating, goes into a second figure (its last profile: the state at the short).
"""

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import seed_measurements as seed  # noqa: E402 - sibling script: the seed's measured values

from phasefield.output.timeseries import read_timeseries  # noqa: E402

#: run name -> (label, seed key of its measured shorting capacity, colour)
RUNS = {"t7_li_strip_plate": ("Li", "t7.short_capacity_li", "C0"),
        "t7_limg_strip_plate": ("Li-Mg", "t7.survived_capacity_limg", "C1")}
A_PER_M2_IN_MA_PER_CM2 = 0.1
#: plated capacities (mAh/cm2) whose nearest interface profiles the local-current figure draws
PROFILE_MARKS = (0.0, 0.05, 0.25, 1.0, 3.0)
#: relative precision of the time in a profile's header (7 significant digits)
HEADER_PRECISION = 1e-6


@dataclass(frozen=True)
class PlatingRun:
    """The plating rows of one T7 run and how it ended."""

    name: str
    plated: np.ndarray  # mAh/cm2
    voltage: np.ndarray  # V
    peak: np.ndarray  # mA/cm2, largest local plating current density
    short: np.ndarray  # 0/1
    status: str
    critical: float  # mA/cm2, the electrolyte set's critical current density

    @property
    def shorting_capacity(self) -> tuple[float, bool]:
        """(plated capacity at the short, True), or (plated capacity reached, False): a lower bound."""
        shorted = np.flatnonzero(self.short == 1)
        if shorted.size:
            return float(self.plated[shorted[0]]), True
        return (float(self.plated[-1]) if self.plated.size else 0.0), False


def load(results: Path, name: str) -> PlatingRun | None:
    """The plating rows (plated capacity > 0, and the last strip row) of ``results/name``, or None."""
    path = results / name
    if not (path / "timeseries.csv").exists() or not (path / "run.json").exists():
        return None
    data = {key: np.asarray(values) for key, values in read_timeseries(path / "timeseries.csv").items()}
    if "plated_capacity_mAh_per_cm2" not in data or data["step"].size == 0:
        return None
    info = json.loads((path / "run.json").read_text())
    plating = np.flatnonzero(data["plated_capacity_mAh_per_cm2"] > 0.0)
    rows = np.r_[plating[:1] - 1, plating] if plating.size and plating[0] > 0 else plating
    critical = info["parameters"]["electrolyte"]["critical_current_density"]["si"] * A_PER_M2_IN_MA_PER_CM2
    return PlatingRun(name, data["plated_capacity_mAh_per_cm2"][rows], data["cell_voltage_V"][rows],
                      data["max_plating_current_density_mA_per_cm2"][rows], data["short"][rows],
                      info.get("status", "unknown"), critical)


def predicted_text(run: PlatingRun) -> tuple[str, float, float]:
    """The table's text of the shorting capacity and its span (lo, hi): a value or a lower bound."""
    capacity, shorted = run.shorting_capacity
    if shorted:
        return f"{capacity:.2f}", capacity, capacity
    return f"no short to {capacity:.2f}", capacity, math.inf


def figure(results: Path, path: Path) -> Path | None:
    """The plating curves of the T7 runs that exist, with the measured shorting capacities; None without runs."""
    runs = {name: load(results, name) for name in RUNS}
    if not any(runs.values()):
        return None
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.5, 6.5), sharex=True, layout="constrained")
    for name, run in runs.items():
        label, key, colour = RUNS[name]
        measured = seed.get(key)
        words = "short at" if measured.form == "value" else "no short to"
        top.axvline(measured.low, color=colour, ls="--" if measured.form == "value" else ":",
                    label=f"{label} measured: {words} {measured.text} mAh/cm$^2$")
        if run is None:
            continue
        capacity, shorted = run.shorting_capacity
        top.plot(run.plated, run.voltage, color=colour, label=f"{label} model ({run.status})")
        plating = run.peak > 0.0
        bottom.semilogy(run.plated[plating], run.peak[plating], color=colour, label=f"{label} model")
        if shorted:
            top.plot(capacity, run.voltage[-1], "x", color=colour, ms=9, mew=2)
    critical = [run.critical for run in runs.values() if run is not None][0]
    bottom.axhline(critical, color="k", lw=0.8, label=f"critical current density {critical:g} mA/cm$^2$")
    bottom.axhspan(1.0, 9.0, color="0.85", zorder=0, label="its literature range, 1-9 mA/cm$^2$")
    top.set_ylabel("cell voltage (V)")
    top.set_title(f"T7: plating at {seed.get('t7.plating_current_density').text} mA/cm$^2$ after the strip (Fig 4a)")
    bottom.set_ylabel("largest local plating\ncurrent density (mA/cm$^2$)")
    bottom.set_xlabel("plated capacity (mAh/cm$^2$)")
    top.legend(fontsize=7)
    bottom.legend(fontsize=7)
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def plating_profiles(run: Path) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """(plated capacity in mAh/cm2, x in um, local plating current density in mA/cm2) of each interface profile
    written after the strip (the row of the largest net capacity): the plated capacity is the net capacity at
    the end of the strip less the profile's."""
    data = read_timeseries(run / "timeseries.csv")
    end = int(np.argmax(data["capacity_mAh_per_cm2"]))  # the last row of the strip
    stripped, strip_end = data["capacity_mAh_per_cm2"][end], data["time_s"][end]
    profiles = []
    for path in sorted((run / "interface").glob("profile_*.csv")):
        with path.open() as stream:
            header = dict(item.split("=") for item in stream.readline().lstrip("# ").split())
            names = stream.readline().strip().split(",")
        if float(header["time_s"]) > strip_end * (1 + HEADER_PRECISION):
            columns = dict(zip(names, np.loadtxt(path, delimiter=",", skiprows=2, ndmin=2).T, strict=True))
            profiles.append((stripped - float(header["capacity_mAh_per_cm2"]), columns["x_um"],
                             -columns["current_density_mA_per_cm2"]))
    return profiles


def local_current_figure(results: Path, path: Path) -> Path | None:
    """The local plating current density along the interface of each T7 run: the profiles nearest to the plated
    capacities ``PROFILE_MARKS`` and the last one (at the short, or at the end)."""
    runs = [(RUNS[name][0], results / name) for name in RUNS if load(results, name) is not None]
    runs = [(label, run, plating_profiles(run)) for label, run in runs]
    runs = [entry for entry in runs if entry[2]]
    if not runs:
        return None
    fig, axes = plt.subplots(len(runs), 1, figsize=(6.5, 3.0 * len(runs)), squeeze=False, layout="constrained")
    for ax, (label, run, profiles) in zip(axes[:, 0], runs, strict=True):
        plated = np.array([p[0] for p in profiles])
        chosen = sorted({int(np.argmin(np.abs(plated - mark))) for mark in PROFILE_MARKS} | {len(profiles) - 1})
        for k in chosen:
            capacity, x, current = profiles[k]
            ax.semilogy(x, np.maximum(current, 1e-3), label=f"{capacity:.3g} mAh/cm$^2$ plated")
        ax.axhline(load(results, run.name).critical, color="k", lw=0.8, label="critical current density")
        ax.set_title(f"{label} ({run.name})", fontsize=9)
        ax.set_ylabel("local plating current\ndensity (mA/cm$^2$)")
        ax.legend(fontsize=7)
    axes[-1, 0].set_xlabel("position along the interface (um)")
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


if __name__ == "__main__":
    results, output = Path(sys.argv[1]), Path(sys.argv[2])
    print(figure(results, output / "t7_plating_curves.png"))
    print(local_current_figure(results, output / "t7_local_current.png"))
