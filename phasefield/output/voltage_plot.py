"""A run's figure: overpotential and contact loss against capacity (the seed's Fig 1a/1b axes), from the
run's folder alone (timeseries.csv, and run.json for the target, stack pressure and current density).

A run that only strips is drawn against the stripped capacity, as the seed draws it; a run that plates is
drawn against the charge passed (the sum of |change of net capacity|), so that a plating branch follows the
stripping branch instead of folding back over it, stripping and plating in two colours. The contact-loss
panel is drawn when the run's contact changes; a run whose case sets ``[meta] target`` gets the seed's
measured values on its axes (``seed_marks``). Columns a run does not write are left out of the figure.
"""

import json
import logging
import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from phasefield.output.seed_marks import ContactLossMark, RiseMark, RunConditions, seed_marks  # noqa: E402
from phasefield.output.seed_measurements import REPOSITORY_FILE, load  # noqa: E402
from phasefield.output.timeseries import read_timeseries  # noqa: E402
from phasefield.units import si_to  # noqa: E402

log = logging.getLogger(__name__)

STRIPPED_LABEL = "stripped capacity (mAh cm$^{-2}$)"
PASSED_LABEL = "charge passed (mAh cm$^{-2}$)"
DIRECTIONS = ((1, "stripping", "C0"), (-1, "plating", "C1"), (0, "rest", "0.5"))
TITLE_WIDTH = 70  # characters per title line: the figure is 6 in wide


def charge_axis(capacity: np.ndarray) -> tuple[np.ndarray, str]:
    """The x values and label of a run: the net stripped capacity while it never decreases, else the
    charge passed, the running sum of |change of net capacity| (mAh/cm2)."""
    steps = np.diff(capacity)
    if np.all(steps >= 0.0):
        return capacity, STRIPPED_LABEL
    return np.concatenate(([0.0], np.cumsum(np.abs(steps)))), PASSED_LABEL


def direction_segments(current: np.ndarray) -> list[tuple[int, slice]]:
    """(sign of the current, rows) of each stretch of rows with one sign; a segment starts at the last row
    of the one before it, so that the drawn curve is continuous."""
    sign = np.sign(current).astype(int)
    if sign.size == 0:
        return []
    starts = [0, *np.flatnonzero(np.diff(sign)) + 1]
    ends = [*starts[1:], len(sign)]
    return [(sign[a], slice(max(a - 1, 0), b)) for a, b in zip(starts, ends, strict=True)]


def run_conditions(run_json: Path) -> RunConditions:
    """Target, stack pressure (MPa) and first stripping current (mA/cm2) from a run's run.json (SI)."""
    case = json.loads(Path(run_json).read_text())["case"]
    strips = [step["current_density"] for step in case["protocol"]["steps"] if step["kind"] == "strip"]
    return RunConditions(case["meta"].get("target"), si_to(case["cell"]["stack_pressure"], "pressure", "MPa"),
                         si_to(strips[0], "current_density", "mA/cm^2") if strips else None)


def _draw_overpotential(ax, x: np.ndarray, data: dict[str, list[float]]) -> None:
    eta = 1e3 * np.asarray(data.get("overpotential_V", []), float)
    current = np.asarray(data.get("current_density_mA_per_cm2", np.ones_like(eta)))
    segments = direction_segments(current)
    drawn = set()
    for sign, rows in segments:
        _, name, colour = next(d for d in DIRECTIONS if d[0] == sign)
        label = name if len({s for s, _ in segments}) > 1 and name not in drawn else None
        ax.plot(x[rows], eta[rows], "-", color=colour, label=label)
        drawn.add(name)


def _draw_rise(ax, mark: RiseMark) -> None:
    if mark.low == mark.high:
        ax.axvline(mark.low, color="k", ls=":", lw=1.2, label=mark.label)
    elif np.isfinite(mark.high):
        ax.axvspan(mark.low, mark.high, color="0.6", alpha=0.25, lw=0, label=mark.label)
    else:
        ax.axvline(mark.low, color="k", ls="--", lw=1.0, label=mark.label)


def voltage_figure(data: dict[str, list[float]], title: str = "",
                   marks: Sequence[RiseMark | ContactLossMark] = ()) -> Figure:
    """The figure of a run's columns ``data``: overpotential (mV) and, when the contact changes, contact loss
    (%) against capacity, with the measured ``marks``."""
    x, xlabel = charge_axis(np.asarray(data.get("capacity_mAh_per_cm2", []), float))
    contact = np.asarray(data.get("contact_fraction", []))
    with_contact = bool(contact.size) and bool(np.any(contact < 1.0))
    fig, axes = plt.subplots(2 if with_contact else 1, 1, sharex=True, figsize=(6, 5.5 if with_contact else 3.6),
                             layout="constrained", squeeze=False)
    top = axes[0, 0]
    _draw_overpotential(top, x, data)
    for mark in marks:
        if isinstance(mark, RiseMark):
            _draw_rise(top, mark)
    top.set_ylabel("overpotential (mV)")
    if contact.size and not with_contact:
        top.plot([], [], " ", label="full contact throughout")
    if with_contact:
        bottom = axes[1, 0]
        bottom.plot(x, 100 * (1 - contact), "C3-")
        for mark in marks:
            if isinstance(mark, ContactLossMark):
                bottom.plot([mark.capacity], [mark.loss_percent], "k*", ms=10, label=mark.label)
        bottom.set_ylabel("contact loss (%)")
        bottom.set_ylim(0, 100)
        if bottom.get_legend_handles_labels()[0]:
            bottom.legend(fontsize=7, loc="upper left")
    for ax in axes[:, 0]:
        ax.grid(alpha=0.3)
    if top.get_legend_handles_labels()[0]:
        top.legend(fontsize=7, loc="best")
    axes[-1, 0].set_xlabel(xlabel)
    axes[-1, 0].set_xlim(left=0)
    top.set_title(textwrap.fill(title, TITLE_WIDTH), fontsize=9)
    return fig


def run_marks(run_json: Path, seed_file: Path = REPOSITORY_FILE) -> list[RiseMark | ContactLossMark]:
    """The measured values a run's figure draws: none without run.json, a target or the measurement file."""
    if not Path(run_json).exists():
        return []
    conditions = run_conditions(run_json)
    if conditions.target is None:
        return []
    if not seed_file.exists():
        log.warning("no measured values on the figure: %s not found (a source checkout has it)", seed_file)
        return []
    return seed_marks(conditions, load(seed_file))


def plot_voltage_curve(csv_path: Path, png_path: Path, title: str = "") -> None:
    """Writes the figure of the run whose time series is ``csv_path`` (run.json beside it) to ``png_path``."""
    fig = voltage_figure(read_timeseries(csv_path), title, run_marks(Path(csv_path).with_name("run.json")))
    fig.savefig(png_path, dpi=150)
    plt.close(fig)
