"""Reproduction report: the seed's targets T1-T7, measured against predicted, from results directories only.

Usage: python postprocessing/report.py RESULTS_DIR OUTPUT_DIR [--quick] [--figures SUBDIR]

Reads the run directories that ``phasefield run`` / ``phasefield sweep`` write for the cases of the same
names (``RESULTS_DIR/t1_li_strip_voids``, ``t2_limg_strip_voids``, the sweeps ``t3_li_pressure_sweep`` and
``t4_limg_pressure_sweep`` with one directory per member, ``t5_*``, ``t6_*``, ``t7_*``), complete or not, and
writes ``OUTPUT_DIR/reproduction.md`` with the figures under ``OUTPUT_DIR/SUBDIR`` (default ``figures``).
It never runs the solver: a missing run is reported as "not run".

Definitions used in the table (stated again in the report):
- rise of the overpotential: the first capacity at which it exceeds both RISE_FACTOR x its initial value
  and its initial value + RISE_MIN_V (the seed's rises are hundreds of mV; a few mV of alloy potential
  U(x_Mg) at 0.05 mA/cm2 would otherwise count);
- relative miss: (predicted - measured) / measured, where a measured range counts as met anywhere
  inside it (0%) and otherwise against its nearer end; a predicted lower bound (no rise up to the end of
  a run) gives a bound on the miss;
- void counts and widths: runs of contact < 0.5 along the interface in the written interface profiles
  (a gap over the whole width is not a void), as the seed counts voids in SEM.
"""

import argparse
import json
import math
import os
import platform
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import interdiffusion_targets as mg_targets  # noqa: E402 - sibling script (postprocessing/ is not a package)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import plating_targets  # noqa: E402 - sibling script: T7
import seed_measurements as seed  # noqa: E402 - the seed's measured values (seed_measurements.toml)
import snapshots  # noqa: E402
import void_runs  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import LogFormatter  # noqa: E402

from phasefield.output.timeseries import read_timeseries  # noqa: E402
from phasefield.output.void_statistics import interface_voids  # noqa: E402
from phasefield.parameters.sets import PARAMETER_SETS  # noqa: E402 - the one source of truth, no solver

RISE_FACTOR = 2.0
RISE_MIN_V = 0.05
SEM_FRAME = seed.sem_frame_capacity()  # mAh/cm2: one SEM image every 15 min at 0.5 mA/cm2 (seed, Methods)
EARLY_CAPACITY = SEM_FRAME  # "initially" in the seed: up to the first SEM frame (coalescence by 0.25)
WIDTH_DROP = 0.1  # a drop of the largest void width: by more than 10% from one SEM frame to the next
C_PER_M2 = 36000.0  # 1 mAh/cm2 in C/m2
NOT_RUN = "not run"
T1, T2 = "t1_li_strip_voids", "t2_limg_strip_voids"
T3, T4 = "t3_li_pressure_sweep", "t4_limg_pressure_sweep"
#: the T3 sweep on the small window (cases/t3_li_pressure_sweep_small_window.toml): used when T3 has no run
T3_SMALL = "t3_li_pressure_sweep_small_window"
T5_FAST, T5_SLOW = "t5_limg_strip_0p5_darken", "t5_limg_strip_0p05_darken"
#: the parameters a calibration may touch: the finite-element model's void and creep knobs, i0, and the reduced
#: model's flaw population (fitted on T1 in the reduced model: docs/reduced_model.md)
KNOBS = ("vacancy_sink_spacing", "nucleation_prefactor", "nucleation_barrier", "creep_reference_strain_rate",
         "creep_alloy_factor", "exchange_current_density", "flaw_spacing", "flaw_median_radius")


# -- comparing numbers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """A number (lo == hi) or an interval; hi = inf is a lower bound."""

    lo: float
    hi: float

    @classmethod
    def point(cls, value: float) -> "Span":
        return cls(value, value)

    @classmethod
    def at_least(cls, value: float) -> "Span":
        return cls(value, math.inf)


def miss(value: float, measured: Span) -> float:
    """Relative miss of ``value``: 0 inside the measured span, else against its nearer end."""
    if value < measured.lo:
        return (value - measured.lo) / measured.lo
    if value > measured.hi:
        return (value - measured.hi) / measured.hi
    return 0.0


def percent(fraction: float) -> str:
    return "0%" if abs(fraction) < 5e-3 else f"{100 * fraction:+.0f}%"


def miss_text(predicted: Span | None, measured: Span | None) -> str:
    """The miss as a number, a bound (predicted lower bound) or a range (predicted interval)."""
    if predicted is None or measured is None:
        return "-"
    low = miss(predicted.lo, measured)
    if predicted.hi == predicted.lo:
        return percent(low)
    if math.isinf(predicted.hi):  # a lower bound at the measured upper end: beyond it, by how much unknown
        return "> 0%" if low == 0.0 and predicted.lo >= measured.hi else f">= {percent(low)}"
    return f"{percent(low)} to {percent(miss(predicted.hi, measured))}"


@dataclass(frozen=True)
class Row:
    target: str
    quantity: str
    measured: str
    predicted: str
    miss: str
    run: str


def row(target: str, quantity: str, measured: tuple[str, Span | None], predicted: tuple[str, Span | None] | None,
        run: str) -> Row:
    """A table row; ``predicted`` None means the run is missing."""
    if predicted is None:
        return Row(target, quantity, measured[0], NOT_RUN, "-", run)
    return Row(target, quantity, measured[0], predicted[0], miss_text(predicted[1], measured[1]), run)


def measured(key: str) -> tuple[str, Span]:
    """The seed's number ``key`` of seed_measurements.toml as the table shows it, e.g. "~1 (Fig 1a)"."""
    m = seed.get(key)
    return f"{m.text} ({m.cite})", Span(*m.bounds)


# -- reading runs --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    path: Path
    data: dict[str, np.ndarray]
    info: dict

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def status(self) -> str:
        """run.json's status; a run killed while running keeps "running ..." there, so that reads as
        stopped (partial)."""
        status = self.info.get("status", "unknown")
        return f"stopped, partial (run.json: {status})" if status.startswith("running") else status

    @property
    def capacity(self) -> np.ndarray:
        return self.data["capacity_mAh_per_cm2"]

    @property
    def protocol_end(self) -> float:
        """Capacity limit of the first protocol step (mAh/cm2), inf without one."""
        limit = self.info["case"]["protocol"]["steps"][0].get("capacity_limit")
        return math.inf if limit is None else limit / C_PER_M2

    @property
    def finished(self) -> bool:
        return self.status == "completed"


def load_run(path: Path) -> Run | None:
    """The run in ``path``, or None when it has no time-series row yet."""
    if not (path / "timeseries.csv").exists() or not (path / "run.json").exists():
        return None
    data = {key: np.array(values) for key, values in read_timeseries(path / "timeseries.csv").items()}
    if data["step"].size == 0:
        return None
    return Run(path, data, json.loads((path / "run.json").read_text()))


def sweep_members(sweep: Path) -> list[tuple[float, Run]]:
    """(stack pressure in MPa, run) of every member directory of a sweep that has a time series."""
    runs = [load_run(d) for d in sorted(sweep.iterdir()) if d.is_dir()] if sweep.is_dir() else []
    return sorted(((r.info["case"]["cell"]["stack_pressure"] / 1e6, r) for r in runs if r is not None),
                  key=lambda member: member[0])


def t3_sweep(results: Path) -> str:
    """The T3 sweep reported: the full-window one if it has members, else the small-window one if it has."""
    if not sweep_members(results / T3) and sweep_members(results / T3_SMALL):
        return T3_SMALL
    return T3


def rise(run: Run, window: float = math.inf) -> Span:
    """Capacity of the first overpotential above RISE_FACTOR x and RISE_MIN_V over its initial value
    (within ``window``), or without one the capacity reached as a lower bound."""
    eta, q = run.data["overpotential_V"], run.capacity
    threshold = max(RISE_FACTOR * eta[0], eta[0] + RISE_MIN_V)
    over = (eta > threshold) & (q <= window * (1 + 1e-9))
    if over.any():
        return Span.point(float(q[np.argmax(over)]))
    return Span.at_least(float(min(q.max(), window)))


def rise_text(span: Span) -> str:
    return f"{span.lo:.2f}" if span.hi == span.lo else f"no rise to {span.lo:.2f}"


def interface_profiles(run: Path) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """(capacity, x in um, contact) of every interface profile of a 2-D run, in order."""
    profiles = []
    for path in sorted((run / "interface").glob("profile_*.csv")):
        with path.open() as stream:
            header = dict(item.split("=") for item in stream.readline().lstrip("# ").split())
            names = stream.readline().strip().split(",")
        table = np.loadtxt(path, delimiter=",", skiprows=2, ndmin=2)
        if "z_um" in names or table.shape[0] < 2:
            continue
        columns = dict(zip(names, table.T, strict=True))
        profiles.append((float(header["capacity_mAh_per_cm2"]), columns["x_um"], columns["contact"]))
    return profiles


def void_widths(x: np.ndarray, contact: np.ndarray) -> np.ndarray:
    """Widths (um) of the interface voids; a gap over the whole interface is not counted as a void."""
    span = x[-1] - x[0]
    return np.array([end - start for start, end in interface_voids(x, contact)
                     if end - start < span * (1 - 1e-9)])


@dataclass(frozen=True)
class VoidSample:
    capacity: float
    per_100um: float
    widths: np.ndarray


def void_samples(run: Path) -> list[VoidSample]:
    return [VoidSample(q, 100.0 * w.size / (x[-1] - x[0]), w)
            for q, x, contact in interface_profiles(run) for w in [void_widths(x, contact)]]


def early(samples: list[VoidSample]) -> list[VoidSample]:
    return [s for s in samples if 0 < s.capacity <= EARLY_CAPACITY * (1 + 1e-9)]


def early_state(samples: list[VoidSample]) -> VoidSample | None:
    """The early profile with the most voids (the first of equals): before coalescence."""
    first = early(samples)
    return max(first, key=lambda s: s.per_100um) if first else None


def width_drops(run: Run, window: float) -> list[float]:
    """Capacities (at the SEM frame interval) where the largest void width drops by > WIDTH_DROP."""
    q, widest, gap = run.capacity, run.data["max_void_width_um"], run.data["gap"]
    frames = np.arange(SEM_FRAME, min(window, q.max()) + 1e-9, SEM_FRAME)
    sampled = [0.0 if gap[k] else widest[k] for k in (int(np.argmin(np.abs(q - f))) for f in frames)]
    return [float(frames[k]) for k in range(1, len(frames))
            if sampled[k - 1] > 0 and sampled[k] < (1 - WIDTH_DROP) * sampled[k - 1]]


# -- T1, T2 --------------------------------------------------------------------------------------------
def contact_loss_at(run: Run, r: Span) -> tuple[str, Span | None]:
    """Contact loss (%) at the rise, or the loss at the end when the run has not risen."""
    if r.hi > r.lo:
        return f"no rise (at {run.capacity[-1]:.2f}: {100 * (1 - run.data['contact_fraction'][-1]):.0f})", None
    value = float(100 * (1 - run.data["contact_fraction"][np.argmax(run.capacity >= r.lo)]))
    return f"{value:.0f}", Span.point(value)


def gap_capacity(run: Run) -> tuple[str, Span]:
    gaps = run.data["gap"] > 0.5
    if gaps.any():
        value = float(run.capacity[np.argmax(gaps)])
        return f"{value:.2f}", Span.point(value)
    return f"no gap to {run.capacity[-1]:.2f}", Span.at_least(float(run.capacity[-1]))


def t1_rows(results: Path) -> list[Row]:
    run = load_run(results / T1)
    rise_ = loss = count = width = gap = None
    if run is not None:
        r = rise(run)
        rise_, loss, gap = (rise_text(r), r), contact_loss_at(run, r), gap_capacity(run)
        count, width = early_statistics(results / T1)
    return [
        row("T1", "capacity at the overpotential rise, mAh/cm2", measured("t1.rise_capacity"), rise_, T1),
        row("T1", "contact loss at the rise, %", measured("t1.contact_loss_at_rise"), loss, T1),
        row("T1", f"early voids per 100 um (profile with the most, 0-{EARLY_CAPACITY} mAh/cm2)",
            measured("t1.early_voids"), count, T1),
        row("T1", "early void width in that profile, mean +- sd, um", measured("t1.early_void_width"), width, T1),
        row("T1", "capacity at which one gap spans the interface, mAh/cm2", measured("t1.gap_capacity"), gap, T1),
    ]


def early_statistics(run: Path) -> tuple[tuple[str, Span | None], tuple[str, Span | None]]:
    """(largest early count per 100 um, early widths mean +- sd) as (text, span) pairs."""
    state = early_state(void_samples(run))
    if state is None:
        return (f"no profile in 0-{EARLY_CAPACITY}", None), (f"no profile in 0-{EARLY_CAPACITY}", None)
    at = f"at {state.capacity:.3f}"
    if state.widths.size == 0:
        return (f"0 ({at})", Span.point(0.0)), (f"no voids ({at})", None)
    mean = float(state.widths.mean())
    return ((f"{state.per_100um:.1f} ({at})", Span.point(state.per_100um)),
            (f"{mean:.1f} +- {state.widths.std():.1f} (n = {state.widths.size}, {at})", Span.point(mean)))


def t2_rows(results: Path) -> list[Row]:
    run = load_run(results / T2)
    drops_seen, drop_window = seed.get("t2.width_drops"), seed.get("t2.width_drop_window")
    if run is None:
        rise_, count, width, widest, drops = None, None, None, None, None
    else:
        r = rise(run)
        rise_ = (rise_text(r), r)
        count, width = early_statistics(results / T2)
        opened = run.data["max_void_width_um"][run.data["gap"] < 0.5]
        w = float(opened.max()) if opened.size else 0.0
        widest = (f"{w:.1f} (to {run.capacity[-1]:.2f} mAh/cm2)", Span.point(w) if run.finished else Span.at_least(w))
        window = min(drop_window.value, run.protocol_end) if run.finished else float(run.capacity[-1])
        found = width_drops(run, window)
        seen = [q for q in drops_seen.number if q <= window + 1e-9]
        drops = (f"{len(found)} within {window:.2f}" + (f" (at {', '.join(f'{q:g}' for q in found)})" if found else ""),
                 Span.point(len(found)))
    drop_measured = (f"{len(drops_seen.number)} within {drop_window.text} (at {drops_seen.text}; {drops_seen.cite})",
                     Span.point(len(drops_seen.number)))
    if run is not None:
        drop_measured = (f"{len(seen)} within {window:.2f} (of {drops_seen.text}; {drops_seen.cite})",
                         Span.point(len(seen)))
    return [
        row("T2", "capacity at the overpotential rise, mAh/cm2", measured("t2.rise_capacity"), rise_, T2),
        row("T2", f"early voids per 100 um (profile with the most, 0-{EARLY_CAPACITY} mAh/cm2)",
            measured("t2.early_voids"), count, T2),
        row("T2", "early void width in that profile, mean +- sd, um", measured("t2.early_void_width"), width, T2),
        row("T2", "largest void width before splitting/collapse, um", measured("t2.largest_void_width"), widest, T2),
        row("T2", f"drops of the largest void width (> {WIDTH_DROP:.0%} between SEM frames, every {SEM_FRAME})",
            drop_measured, drops, T2),
    ]


#: per 100 um (low, high); width mean, sd (um)
MEASURED_VOIDS = {name: (seed.get(f"{t}.early_voids").bounds,
                         (seed.get(f"{t}.early_void_width").value, seed.get(f"{t}.early_void_width").sd))
                  for name, t in ((T1, "t1"), (T2, "t2"))}


def void_figures(results: Path, figures: Path) -> list[tuple[str, Path]]:
    """Fig 1a-c (reused from void_runs.py) and the void count and width box plots (Fig 1c-d)."""
    runs = [(name, label, colour) for name, label, colour in
            ((T1, "Li", "C4"), (T2, "Li-Mg", "C1")) if (results / name / "timeseries.csv").exists()]
    if not runs:
        return []
    curves = figures / "t1_t2_overpotential_contact_count.png"
    void_runs.main(results, curves)
    plt.close("all")
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), layout="constrained")
    (count_ax, width_ax), evolutions = axes
    for k, (name, label, colour) in enumerate(runs):
        samples = void_samples(results / name)
        state = early_state(samples)
        (lo, hi), (mean, sd) = MEASURED_VOIDS[name]
        box = {"patch_artist": True, "widths": 0.6, "boxprops": {"facecolor": colour, "alpha": 0.5}}
        count_ax.boxplot([[s.per_100um for s in early(samples)] or [np.nan]], positions=[2 * k + 1], **box)
        count_ax.bar(2 * k + 1.8, hi - lo, bottom=lo, width=0.5, color="0.5")
        widths = state.widths if state is not None and state.widths.size else [np.nan]
        width_ax.boxplot([widths], positions=[2 * k + 1], **box)
        width_ax.errorbar(2 * k + 1.8, mean, yerr=sd, fmt="s", color="k", capsize=4)
        evolution = evolutions[0 if name == T1 else 1]
        shown = [s for s in samples if s.capacity > 0 and s.widths.size]
        if shown:
            spacing = np.median(np.diff([s.capacity for s in shown])) if len(shown) > 1 else SEM_FRAME
            evolution.boxplot([s.widths for s in shown], positions=[s.capacity for s in shown],
                              widths=0.6 * spacing, manage_ticks=False)
        else:
            evolution.text(0.5, 0.5, "no voids in the written profiles", transform=evolution.transAxes,
                           ha="center")
        evolution.axhspan(mean - sd, mean + sd, color=colour, alpha=0.2, label=f"measured early: {mean} +- {sd} um")
        evolution.set_xlim(0, max(s.capacity for s in samples) + SEM_FRAME / 2 if samples else 1)
        evolution.set_ylim(0, max([mean + 2 * sd] + [float(s.widths.max()) * 1.05 for s in shown]))
        evolution.set_title(f"{label}: void widths in every interface profile (model; Fig 1d style)", fontsize=9)
        evolution.set_xlabel("stripped capacity (mAh cm$^{-2}$)")
        evolution.set_ylabel("void width (um)")
        evolution.legend(fontsize=7)
    ticks = [tick for k, (_, label, _) in enumerate(runs) for tick in ((2 * k + 1, f"{label}\nmodel"),
                                                                         (2 * k + 1.8, f"{label}\nmeasured"))]
    count_ax.set_title(f"voids per 100 um, profiles in 0-{EARLY_CAPACITY} mAh/cm$^2$ (box) vs measured range",
                       fontsize=8)
    count_ax.set_ylabel("voids per 100 um")
    width_ax.set_title("widths in the early profile with the most voids (box) vs measured mean +- sd", fontsize=8)
    width_ax.set_ylabel("void width (um)")
    for ax in (count_ax, width_ax):
        ax.set_xticks([t for t, _ in ticks], [text for _, text in ticks], fontsize=8)
    fig.suptitle("Void statistics from the interface profiles (runs of contact < 0.5) vs the seed (Fig 1c-g)",
                 fontsize=9)
    boxes = figures / "t1_t2_void_boxplots.png"
    fig.savefig(boxes, dpi=130)
    plt.close(fig)
    return [("T1/T2: overpotential, contact loss and void count vs capacity (Fig 1a-c axes)", curves),
            ("T1/T2: void count and width, model boxes next to the measured (Fig 1c-g)", boxes)]


def snapshot_figures(results: Path, figures: Path) -> list[tuple[str, Path]]:
    """SEM-like snapshots of T1/T2 at the capacities the seed shows, and an animation of T1 (or T2)."""
    out = []
    for name in (T1, T2):
        run = results / name
        if not (run / "timeseries.csv").exists() or not snapshots.field_outputs(run):
            continue
        chosen = snapshots.nearest_outputs(snapshots.field_outputs(run), list(snapshots.PAPER_CAPACITIES))
        png = snapshots.snapshot_figure(run, chosen, figures / f"{name}_snapshots.png",
                                        f"{name}: interface at the capacities of the seed's Fig 1f-g text")
        out.append((f"{name}: SEM-like snapshots at {', '.join(map(str, snapshots.PAPER_CAPACITIES))} mAh/cm2",
                    png))
    if out:
        first = results / out[0][1].name.removesuffix("_snapshots.png")
        out.append((f"{first.name}: animation of every field output",
                    snapshots.animation(first, figures / f"{first.name}_animation.gif")))
    return out


# -- T3, T4 --------------------------------------------------------------------------------------------
T3_RISE, T3_FLAT, T3_WINDOW = seed.get("t3.rise_pressures"), seed.get("t3.flat_pressures"), seed.get("t3.flat_to")
T3_CRITICAL = seed.get("t3.critical_pressure")
T4_PRESSURES, T4_WINDOW = seed.get("t4.pressures"), seed.get("t4.flat_to")
T4_NO_LATE_RISE = seed.get("t4.no_late_rise_pressures")
#: measured at each swept pressure (MPa)
T3_MEASURED = {**{p: (f"rise within {T3_WINDOW.text} ({T3_RISE.cite})", Span(0.0, T3_WINDOW.value))
                  for p in T3_RISE.number},
               **{p: (f"no rise to {T3_WINDOW.text} ({T3_FLAT.cite})", Span.at_least(T3_WINDOW.value))
                  for p in T3_FLAT.number}}
T4_MEASURED = (f"no rise within {T4_WINDOW.text} ({T4_PRESSURES.cite})", Span.at_least(T4_WINDOW.value))


def and_join(numbers) -> str:
    """0.2 and 1; 1, 1.5 and 7."""
    texts = [f"{n:g}" for n in numbers]
    return texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} and {texts[-1]}"


def critical_pressure(members: list[tuple[float, Span, bool]]) -> tuple[str, Span | None]:
    """Lowest pressure without a rise within the window, from (pressure, rise, reached the window end)."""
    quiet = [p for p, r, reached in members if r.hi > r.lo and reached]
    rising = [p for p, r, _ in members if r.hi == r.lo]
    if not quiet:
        unfinished = [p for p, r, _ in members if r.hi > r.lo]
        if not rising:
            return "undetermined (no member reached the window end)", None
        if unfinished:  # the lowest swept pressure without a rise is one of these, or above them all
            return (f">= {min(unfinished):g} (rises at {', '.join(f'{p:g}' for p in rising)}; "
                    f"{', '.join(f'{p:g}' for p in unfinished)} stopped early)", Span.at_least(min(unfinished)))
        return f"> {max(rising):g} (every member rises)", Span.at_least(max(rising))
    lowest = min(quiet)
    below = [p for p in rising if p < lowest]
    unknown = [p for p, r, reached in members if p < lowest and r.hi > r.lo and not reached]
    text = f"{lowest:g}" + (f" (rises at {max(below):g})" if below else "")
    if unknown:
        return text + f"; undetermined at {', '.join(f'{p:g}' for p in unknown)}", Span(0.0, lowest)
    return text, Span.point(lowest)


def sweep_rows(results: Path) -> list[Row]:
    rows = []
    for target, name, window_max, pressures in (("T3", t3_sweep(results), T3_WINDOW.value, sorted(T3_MEASURED)),
                                                ("T4", T4, T4_WINDOW.value, T4_PRESSURES.number)):
        members = sweep_members(results / name)
        found = {}
        for pressure, run in members:
            window = min(window_max, run.protocol_end)
            r = rise(run, window)
            found[pressure] = (r, window, run.finished or run.capacity[-1] >= window * (1 - 1e-6))
        for pressure in pressures:
            measured = T3_MEASURED[pressure] if target == "T3" else T4_MEASURED
            label = f"capacity at the overpotential rise at {pressure:g} MPa, mAh/cm2"
            member = f"{name}/{next((run.name for p, run in members if p == pressure), '-')}"
            if pressure not in found:
                rows.append(row(target, label, measured, None, member))
                continue
            r, window, reached = found[pressure]
            text = rise_text(r) + ("" if reached or r.hi == r.lo else " (stopped early)")
            rows.append(row(target, label, measured, (text, r), member))
        if target == "T3":
            predicted = critical_pressure([(p, r, reached) for p, (r, _, reached) in found.items()]) \
                if found else None
            windows = sorted({w for _, w, _ in found.values()})
            rows.append(row("T3", "critical stack pressure (lowest without a rise within "
                                  f"{', '.join(f'{w:g}' for w in windows) or T3_WINDOW.text} mAh/cm2), MPa",
                            (f"{T3_CRITICAL.text} (rise at {max(T3_RISE.number):g}, none at {T3_CRITICAL.value:g}: "
                             f"the transition lies between, {T3_CRITICAL.cite})", Span(*T3_CRITICAL.bounds)),
                            predicted, name))
    return rows


#: line styles of a sweep's members in turn, so that coinciding curves stay visible
MEMBER_STYLES = ("-", "--", "-.", ":")
COINCIDE = 0.01  # members whose overpotentials agree within 1% where both ran are noted as coinciding


def coinciding(members: list[tuple[float, Run]]) -> bool:
    """Whether every member's overpotential agrees with the first's within COINCIDE where both ran."""
    if len(members) < 2:
        return False
    first = members[0][1]
    for _, run in members[1:]:
        shared = first.capacity <= run.capacity.max()
        other = np.interp(first.capacity[shared], run.capacity, run.data["overpotential_V"])
        if np.any(np.abs(other - first.data["overpotential_V"][shared])
                  > COINCIDE * np.abs(first.data["overpotential_V"][shared])):
            return False
    return True


def status_word(status: str) -> str:
    """The kind of a run's ending ("completed", "cut off", "stopped", "failed", ...) without its details."""
    return re.split(r"[:,(]| at ", status, maxsplit=1)[0].strip()


def _rise_vs_pressure(ax, pressure: float, r: Span, marker: str, colour: str) -> None:
    """A member's rise capacity on the pressure panel: filled at a rise, open with an arrow without one; Li
    (circles) a little left of its pressure, Li-Mg (squares) a little right, so that both show at 1 MPa."""
    pressure *= 0.95 if marker == "o" else 1.05
    if r.hi == r.lo:
        ax.plot(pressure, r.lo, marker, color=colour)
    else:
        ax.annotate("", (pressure, r.lo + 0.4), (pressure, r.lo), arrowprops={"arrowstyle": "->", "color": colour})
        ax.plot(pressure, r.lo, marker, mfc="none", color=colour)


def pressure_sweep_figure(results: Path, t3: str) -> Figure:
    """Fig 3l/3m style: overpotential vs capacity per stack pressure of the sweeps ``t3`` and T4, and the rise
    capacity vs pressure; the measured values in each legend's title, legends below the panels, members in
    different line styles and coinciding members noted."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 5.8), layout="constrained")
    notes = {t3: f"measured ({T3_RISE.cite}): rise at {and_join(T3_RISE.number)} MPa; flat to {T3_WINDOW.text} "
                 f"mAh/cm$^2$\nat {and_join(T3_FLAT.number)} MPa",
             T4: f"measured ({T4_PRESSURES.cite}): no rise within {T4_WINDOW.text} mAh/cm$^2$ at "
                 f"{', '.join(f'{p:g}' for p in T4_PRESSURES.number)} MPa;\nthe rise at larger capacities gone at "
                 f"{and_join(T4_NO_LATE_RISE.number)} MPa"}
    below = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.16), "fontsize": 7, "title_fontsize": 7}
    for ax, name, title, limit, marker, colour in (
            (axes[0], t3, f"Li (T3, {T3_RISE.cite})" + (", 20 um window" if t3 == T3_SMALL else ""),
             T3_WINDOW.value, "o", "C4"),
            (axes[1], T4, f"Li-Mg (T4, {T4_PRESSURES.cite})", T4_WINDOW.value, "s", "C1")):
        members = sweep_members(results / name)
        for k, (pressure, run) in enumerate(members):
            line, = ax.plot(run.capacity, 1e3 * run.data["overpotential_V"], ls=MEMBER_STYLES[k % len(MEMBER_STYLES)],
                            label=f"{pressure:g} MPa ({status_word(run.status)})")
            r = rise(run, min(T3_WINDOW.value, run.protocol_end))  # the T3 window for T4 too (as drawn so far)
            if r.hi == r.lo:
                ax.plot(r.lo, 1e3 * run.data["overpotential_V"][np.argmax(run.capacity >= r.lo)], "x",
                        color=line.get_color(), ms=9)
            _rise_vs_pressure(axes[2], pressure, r, marker, colour)
        if coinciding(members):
            ax.plot([], [], " ", label=f"the {len(members)} curves coincide (within {COINCIDE:.0%})")
        if members:
            initial = members[0][1].data["overpotential_V"][0]
            ax.axhline(1e3 * max(RISE_FACTOR * initial, initial + RISE_MIN_V), color="gray", ls=":", lw=0.8,
                       label=f"rise: > x{RISE_FACTOR:g} and +{1e3 * RISE_MIN_V:g} mV")
        else:
            ax.text(0.5, 0.5, NOT_RUN, transform=ax.transAxes, ha="center")
        ax.axvline(limit, color="k", ls="--", lw=0.6, label="measured window end")
        ax.set_xlim(0, 4.2)
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(LogFormatter())  # 10, 100: plain numbers, not 10^1
        ax.yaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(1, 0.4)))
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("stripped capacity (mAh cm$^{-2}$)")
        ax.set_ylabel("overpotential (mV)")
        ax.legend(ncol=2, title=notes[name], **below)
    below_pressure = max(T3_RISE.number)
    axes[2].axvspan(below_pressure, T3_CRITICAL.value, color="C4", alpha=0.2,
                    label=f"Li critical pressure, measured {below_pressure:g}-{T3_CRITICAL.value:g} MPa")
    axes[2].axhline(T3_WINDOW.value, color="C4", ls="--", lw=0.6,
                    label=f"Li: flat to {T3_WINDOW.text} above it (measured)")
    axes[2].axhline(T4_WINDOW.value, color="C1", ls="--", lw=0.6,
                    label=f"Li-Mg: flat to {T4_WINDOW.text} at all pressures (measured)")
    axes[2].set_xscale("log")
    pressures = sorted({*T3_MEASURED, *T4_PRESSURES.number})
    axes[2].set_xticks(pressures, [f"{p:g}" for p in pressures])
    axes[2].minorticks_off()
    axes[2].set_ylim(0, 4.6)
    axes[2].set_xlabel("stack pressure (MPa)")
    axes[2].set_ylabel("capacity at the rise (mAh cm$^{-2}$)")
    axes[2].set_title("Rise capacity vs stack pressure", fontsize=9)
    axes[2].legend(title="model: Li circles, Li-Mg squares; filled: a rise,\nopen with an arrow: no rise up to there",
                   **below)
    return fig


def sweep_figure(results: Path, figures: Path) -> list[tuple[str, Path]]:
    """``pressure_sweep_figure`` as figures/t3_t4_pressure_sweeps.png, when a T3 or T4 sweep was run."""
    t3 = t3_sweep(results)
    if not any((results / name).is_dir() for name in (t3, T4)):
        return []
    fig = pressure_sweep_figure(results, t3)
    png = figures / "t3_t4_pressure_sweeps.png"
    fig.savefig(png, dpi=130)
    plt.close(fig)
    return [("T3/T4: overpotential vs capacity per stack pressure (Fig 3l, 3m) and the rise vs pressure", png)]


# -- T5, T6 (reusing interdiffusion_targets.py) ---------------------------------------------------------
def interface_peak(run: Run) -> float:
    """EDS-convolved (1 um) peak of x_Mg at the end of the run, relative to the bulk 0.03."""
    _, distance, x_mg = mg_targets.final_scan(run.path)
    grid, seen = mg_targets.eds_convolved(distance, x_mg)
    return float(seen[grid >= 0].max() / mg_targets.BULK_X_MG)


def t5_rows(results: Path) -> list[Row]:
    fast, slow = load_run(results / T5_FAST), load_run(results / T5_SLOW)
    peaks = {run.name: interface_peak(run) for run in (fast, slow) if run is not None}
    stripped, foil, mean = (seed.get(f"t5.{key}") for key in ("stripped_capacity", "foil_thickness", "foil_mean_x_Mg"))
    quantity = f"foil mean x_Mg after {stripped.text} mAh/cm2 from {foil.text} um (0.5 mA/cm2)"
    composition = f"{mean.text} (Li{1 - mean.value:.2f}Mg{mean.value:.2f}, {mean.cite}"
    rows = []
    if fast is None:
        rows.append(row("T5", quantity, (f"{composition})", Span(*mean.bounds)), None, T5_FAST))
    else:
        value, reached = float(fast.data["foil_mean_x_Mg"][-1]), fast.capacity.max() >= stripped.value * (1 - 1e-6)
        predicted = (f"{value:.4f}", Span.point(value)) if reached else \
            (f"{value:.4f} at {fast.capacity[-1]:.2f} mAh/cm2 ({stripped.text} not reached: not compared)", None)
        balance = mg_targets.mass_balance(stripped.value)
        rows.append(row("T5", quantity, (f"{composition}; mass balance gives {balance:.4f})", Span(*mean.bounds)),
                        predicted, T5_FAST))
    enrichment, rate_dependence = seed.get("t5.interface_enrichment"), seed.get("t5.rate_dependence")
    for run, name, rate in ((fast, T5_FAST, "0.5"), (slow, T5_SLOW, "0.05")):
        rows.append(row("T5", f"interface Mg / bulk seen by a 1 um EDS probe, {rate} mA/cm2",
                        (f"> {enrichment.text}, 'slightly higher' ({enrichment.cite}; no number in the text)", None),
                        None if run is None else (f"{peaks[name]:.2f} (at {run.capacity[-1]:.2f} mAh/cm2)", None),
                        name))
    ratio = (f"{peaks[T5_FAST] / peaks[T5_SLOW]:.2f}", Span.point(peaks[T5_FAST] / peaks[T5_SLOW])) \
        if len(peaks) == 2 else None
    rows.append(row("T5", "rate dependence: EDS interface peak at 0.5 / at 0.05 mA/cm2",
                    (f"{rate_dependence.text}, 'no strong dependence on stripping rates' (a reading)",
                     Span(*rate_dependence.bounds)), ratio, f"{T5_FAST}, {T5_SLOW}"))
    slow_rise = seed.get("t5.rise_capacity_slow")
    for run, name, rate, seen in ((fast, T5_FAST, "0.5", measured("t5.rise_capacity_fast")),
                                  (slow, T5_SLOW, "0.05", (f"no rise to {slow_rise.text} ({slow_rise.cite})",
                                                           Span(*slow_rise.bounds)))):
        rows.append(row("T5", f"capacity at the overpotential rise, {rate} mA/cm2, 1 MPa",
                        seen, None if run is None else (rise_text(r := rise(run, stripped.value)), r), name))
    return rows


T6_VARIANTS = {"darken": "Darken, D*_Mg from DFT", "darken_entropy": "Darken, D*_Mg x20 (vacancy entropy; stated)",
               "fick": "Fick, D*_Mg from DFT"}


def t6_rows(results: Path) -> list[Row]:
    rows = []
    plated = seed.get("t6.plated_capacity")
    for temperature, value_measured in mg_targets.MEASURED_PLATED.items():
        cite = seed.get(f"t6.plated_layer_mg_{temperature}C").cite
        primary = f"t6_limg_plate_{temperature}C_darken"
        names = [primary] + sorted(p.name for p in results.glob(f"t6_limg_*_{temperature}C_*")
                                   if p.is_dir() and p.name != primary)
        for name in names:
            run = load_run(results / name)
            kind = name.split(f"_{temperature}C_")[-1]
            how = ("strip then plate, " if "strip_plate" in name else "") + T6_VARIANTS.get(kind, kind)
            value = None if run is None else float(run.data["plated_layer_relative_Mg"][-1])
            rows.append(row("T6", f"Mg in the plated {plated.text} mAh/cm2 / bulk, {temperature} C ({how})",
                            (f"{value_measured:.2f} ({cite})", Span.point(value_measured)),
                            None if run is None else (f"{value:.3f}", Span.point(value)), name))
    return rows


def interdiffusion_figures(results: Path, figures: Path) -> tuple[list[tuple[str, Path]], str]:
    """The T5/T6 figures and detail tables of interdiffusion_targets.py, for the runs that exist."""
    out, tables = [], []
    t5, fig5 = mg_targets.t5_rows(results)
    t6, fig6 = (mg_targets.t6_rows(results) if any(results.glob("t6_limg_*/timeseries.csv"))
                else ([], plt.figure()))
    if t5:
        fig5.savefig(figures / "t5_mg_line_scans.png", dpi=130)
        out.append(("T5: Mg line scans after stripping, EDS-convolved (Fig 3i-k)", figures / "t5_mg_line_scans.png"))
        tables += ["| target | run | capacity (mAh/cm2) | foil mean x_Mg | interface x_Mg | EDS-convolved peak / "
                   "bulk | status |", "|---|---|---|---|---|---|---|", *t5, ""]
    if t6:
        fig6.savefig(figures / "t6_plated_layer_mg.png", dpi=130)
        out.append(("T6: Mg in the plated layer (Fig 4f)", figures / "t6_plated_layer_mg.png"))
        tables += ["| target | run | T | predicted plated-layer Mg / bulk | measured | relative miss |",
                   "|---|---|---|---|---|---|", *t6, ""]
    plt.close("all")
    return out, "\n".join(tables)


# -- T7 (plating_targets.py) --------------------------------------------------------------------------
def t7_rows(results: Path) -> list[Row]:
    """The capacity plated at the short circuit, Li and Li-Mg: a value, or a lower bound without a short."""
    rows = []
    for name, (label, key, _) in plating_targets.RUNS.items():
        run = plating_targets.load(results, name)
        predicted = None
        if run is not None:
            text, low, high = plating_targets.predicted_text(run)
            predicted = (text, Span(low, high))
        quantity = f"capacity plated at the short circuit, {label}, mAh/cm2"
        rows.append(row("T7", quantity, measured(key), predicted, name))
    return rows


def t7_figure(results: Path, figures: Path) -> list[tuple[str, Path]]:
    curves = plating_targets.figure(results, figures / "t7_plating_short.png")
    local = plating_targets.local_current_figure(results, figures / "t7_local_current.png")
    return ([] if curves is None else [("T7: plating after the strip, short circuit (Fig 4a)", curves)]) + (
        [] if local is None else [("T7: local plating current density along the interface", local)])


# -- provenance and calibration ------------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                    if line.startswith("model name")), cpu)
    return f"{platform.platform()}, {cpu}, {os.cpu_count()} CPUs"


def git_revision() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=12"], cwd=root,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def all_runs(results: Path) -> list[Run]:
    names = [T1, T2, *sorted(p.name for p in results.glob("t[56]_*") if p.is_dir())]
    runs = [load_run(results / name) for name in names]
    runs += [run for name in (t3_sweep(results), T4) for _, run in sweep_members(results / name)]
    return [run for run in runs if run is not None]


def provenance_table(results: Path, runs: list[Run]) -> list[str]:
    lines = ["| run | status | capacity reached (mAh/cm2) | steps | written at | git revision | machine | ranks |",
             "|---|---|---|---|---|---|---|---|"]
    for run in runs:
        name = run.path.relative_to(results)
        status = run.status[:80]
        lines.append(f"| {name} | {status} | {run.capacity[-1]:.3f} | {int(run.data['step'][-1])} | "
                     f"{run.info.get('written_at', '?')[:19]} | {str(run.info.get('git_revision', '?'))[:12]} | "
                     f"{run.info.get('machine', '?')} | {run.info.get('mpi_ranks', '?')} |")
    return lines


def calibration(runs: list[Run]) -> list[str]:
    """The knobs as the parameter sets state them (the one source of truth), with the values the runs
    recorded in their run.json where those differ (runs made at another revision)."""
    recorded: dict[tuple[str, str], set[str]] = {}
    for run in runs:
        metal = run.info.get("parameters", {}).get("metal", {})
        for key in KNOBS:
            if key in metal:
                recorded.setdefault((metal.get("set", "?"), key), set()).add(str(metal[key]["value"]))
    lines = ["| parameter | metal set | value | standing | calibrated on | source (parameter set) | "
             "other values used by these runs |", "|---|---|---|---|---|---|---|"]
    calibrated = []
    for name in ("Li", "Li0.97Mg0.03"):
        for key in KNOBS:
            p = PARAMETER_SETS[name].parameters[key]
            fitted = p.standing == "F" and "not calibrated" not in p.source.lower()
            calibrated += [f"{key} ({name})"] if fitted else []
            other = sorted(recorded.get((name, key), set()) - {str(p.text)})
            lines.append(f"| {key} | {name} | {p.text} | {p.standing} | {'see source' if fitted else 'none'} | "
                         f"{p.source.replace('|', '/')} | {', '.join(other) or '-'} |")
    if calibrated:
        summary = (f"Calibrated (standing F, source not saying 'NOT calibrated'): {', '.join(calibrated)}; the "
                   "source says on which case. Every other number in the table is a prediction.")
    else:
        summary = ("**Calibrated: nothing.** No parameter has been fitted to any target. The F-standing void "
                   "knobs nucleation_prefactor and nucleation_barrier are initial guesses (vacancy_sink_spacing "
                   "is the seed's grain size), creep_reference_strain_rate is the U-standing log-midpoint of "
                   "the literature range and creep_alloy_factor a stated assumption: every predicted number "
                   "above comes from sourced or guessed values, none is a fit. The void knobs were to be "
                   "calibrated on T1: the calibration study (docs/calibration.md, `make calibration`) found no "
                   "values of the sink spacing, nucleation prefactor or barrier that give T1's early voids "
                   "together with its late rise, so they were left at their initial values. "
                   "creep_reference_strain_rate, the T3 knob, is not calibrated either. T2, T4, T5 and T6 "
                   "(the last two use none of these knobs) are predictions.")
    return [summary, "", *lines]


# -- the report ----------------------------------------------------------------------------------------
def table(rows: list[Row]) -> list[str]:
    lines = ["| target | quantity | measured (seed) | predicted | relative miss | run |", "|---|---|---|---|---|---|"]
    return lines + [f"| {r.target} | {r.quantity} | {r.measured} | {r.predicted} | {r.miss} | {r.run} |"
                    for r in rows]


def build(results: Path, output: Path, quick: bool, figures_dir: str = "figures") -> Path:
    """Write ``output/reproduction.md`` and its figures; returns the Markdown path."""
    figures = output / figures_dir
    figures.mkdir(parents=True, exist_ok=True)
    rows = (t1_rows(results) + t2_rows(results) + sweep_rows(results) + t5_rows(results) + t6_rows(results)
            + t7_rows(results))
    figure_list = void_figures(results, figures) + snapshot_figures(results, figures) + sweep_figure(results, figures)
    mg_figures, mg_tables = interdiffusion_figures(results, figures)
    figure_list += mg_figures + t7_figure(results, figures)
    runs = all_runs(results)
    kind = ("the quick set of `make reproduce-quick`: coarser windows, larger steps, shorter protocols; numbers "
            "indicative only") if quick else "the full set of `make reproduce`"
    text = [
        "# Reproduction of the seed paper's targets (T1-T7)", "",
        f"Built {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, git {git_revision()}, by "
        f"`postprocessing/report.py` from `{results}`, {kind}. Post-processing only: the runs' own dates, "
        "machines and revisions are listed under Runs.", "",
        "## Measured vs predicted", "",
        *table(rows), "",
        f"Definitions. *Rise*: the first capacity at which the overpotential exceeds both {RISE_FACTOR:g}x its "
        f"initial value and the initial value + {1e3 * RISE_MIN_V:g} mV (T3: within {T3_WINDOW.text} mAh/cm2, or "
        "the protocol's "
        f"end if shorter; T4: within {T4_WINDOW.text}); \"no rise to X\" is a "
        "lower bound. *Critical pressure*: the lowest swept pressure without a rise, for the measurement "
        f"({T3_CRITICAL.text} MPa) as for the model. *Relative miss*: "
        "(predicted - measured) / measured; inside a measured range it is 0%, outside it is taken against the "
        "nearer end; a predicted lower bound gives a bound on the miss (\">=\"; \"> 0%\" when the bound is at the "
        "measured range's upper end: beyond it, by an unknown amount); \"-\" where the seed gives no "
        "number or the run is missing. *Voids*: runs of contact < 0.5 along the interface in the written "
        "interface profiles (a gap over the whole width is not a void), per 100 um of the model's window; "
        f"*early*: the interface profile with the most voids in 0-{EARLY_CAPACITY} mAh/cm2 (the first SEM frame "
        f"is at {seed.get('operando.sem_frame_interval').text} min = {SEM_FRAME} mAh/cm2; the seed reports "
        f"coalescence by {seed.get('t1.coalescence_capacity').text}). *Drops of the largest void "
        f"width*: sampled every {SEM_FRAME} mAh/cm2 (one SEM frame), a fall by more than {WIDTH_DROP:.0%}. "
        "\"not run\": no results directory (nothing is invented).", "",
        *([f"T3 comes from `{T3_SMALL}` (run column): the 20 um window with 0.25 um cells, steps of at most "
           "0.01 mAh/cm2 (72 s) cut by the phase error control where void edges move (`[time] phase_tolerance`, "
           "docs/voids.md), not the 60 um case, which takes many hours per member (docs/creep.md).", ""]
          if t3_sweep(results) == T3_SMALL and not quick else []),
        "## Calibration", "", *calibration(runs), "",
        "## Figures", "",
    ]
    for caption, path in figure_list:
        link = path.relative_to(output).as_posix()
        shown = f"[{caption}]({link})" if path.suffix == ".gif" else f"![{caption}]({link})"
        text += [f"### {caption}", "", shown, ""]
    if mg_tables:
        text += ["## T5/T6 details (interdiffusion_targets.py)", "", mg_tables]
    text += ["## Runs", "", *provenance_table(results, runs), ""]
    markdown = output / "reproduction.md"
    markdown.write_text("\n".join(text))
    return markdown


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--quick", action="store_true", help="label the report as built from the quick set")
    parser.add_argument("--figures", default="figures", help="figure folder inside OUTPUT_DIR")
    args = parser.parse_args(argv)
    print(build(args.results, args.output, args.quick, args.figures))


if __name__ == "__main__":
    main()
