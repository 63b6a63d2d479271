"""T1 and T2 as seed ensembles on one figure with the seed's measured values (issue 23; seed Fig 1a-e).

Usage: python postprocessing/ensemble_figure.py LI_SWEEP LIMG_SWEEP OUTPUT_DIR

Reads two ``phasefield sweep`` folders over ``voids.seed`` (``benchmarks/t1_convergence/seed_ensembles.sh``),
one member folder each with ``timeseries.csv``, ``run.json`` and ``interface/`` profiles, and writes
``OUTPUT_DIR/t1_t2_seed_ensembles.png`` and ``OUTPUT_DIR/t1_t2_seed_ensembles.json``.

The figure has a column per metal (Li, Li-Mg) and a row per seed panel: (a) overpotential and (b) contact
loss = 1 - contact fraction against stripped capacity, each member a thin line, its rise a dot; (c) voids per
100 um and (d) void widths at the seed's SEM frames (one every ``report.SEM_FRAME`` mAh/cm2) as box plots over
the members, each member sampled by its interface profile nearest the frame (within ``FRAME_TOLERANCE``;
a member that stopped before a frame is not in its box): (c) one count per member, (d) every void of every
member. The measured values come from ``seed_measurements.toml``.

The JSON table holds, per metal, each member's numbers and their mean +- sd over the members (sample sd):
rise, contact loss at the rise, gap, early void count and width and the drops of the largest void width,
all by ``report.py``'s definitions (the drops: its rule for splits, the largest width falling by more than
``report.WIDTH_DROP`` from one SEM frame to the next; a gap after an open void counts as a drop).
"""

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import report  # noqa: E402 - sibling script: runs, rises, void samples and the width-drop rule
import seed_measurements as seed  # noqa: E402 - the seed's measured values
import void_runs  # noqa: E402 - the metals' labels and colours
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import LogFormatter  # noqa: E402

#: a member's profile stands for an SEM frame when it lies within this capacity of it (mAh/cm2): two 18 s steps
FRAME_TOLERANCE = report.SEM_FRAME / 25
FIGURE, TABLE = "t1_t2_seed_ensembles.png", "t1_t2_seed_ensembles.json"
METALS = {"Li": ("t1", void_runs.LI[1]), "Li-Mg": ("t2", void_runs.LIMG[1])}


def members(sweep: Path) -> list[report.Run]:
    """The runs of the member folders of ``sweep`` that have a time series, in folder order."""
    runs = (report.load_run(folder) for folder in sorted(sweep.iterdir()) if folder.is_dir())
    return [run for run in runs if run is not None]


def sem_frames(end: float) -> np.ndarray:
    """The SEM frames (mAh/cm2) after the start up to ``end``."""
    return np.arange(report.SEM_FRAME, end + FRAME_TOLERANCE, report.SEM_FRAME)


def at_frames(samples: list[report.VoidSample], frames: np.ndarray) -> list[report.VoidSample | None]:
    """For each frame the sample nearest to it, None where none lies within FRAME_TOLERANCE."""
    capacity = np.array([s.capacity for s in samples])
    nearest = [int(np.argmin(np.abs(capacity - f))) if capacity.size else -1 for f in frames]
    return [samples[k] if k >= 0 and abs(capacity[k] - f) <= FRAME_TOLERANCE else None
            for k, f in zip(nearest, frames, strict=True)]


def frame_boxes(ensemble: list[list[report.VoidSample]], frames: np.ndarray) -> tuple[list[list[float]],
                                                                                        list[np.ndarray]]:
    """Per frame, the voids per 100 um of every member sampled there and the widths of all their voids."""
    sampled = [at_frames(samples, frames) for samples in ensemble]
    counts = [[s.per_100um for s in column if s is not None] for column in zip(*sampled, strict=True)]
    widths = [np.concatenate([s.widths for s in column if s is not None] or [np.empty(0)])
              for column in zip(*sampled, strict=True)]
    return counts, widths


def mean_sd(values: list[float]) -> dict:
    """Mean and sample sd of ``values`` with their number (sd 0 for one value, None for none)."""
    if not values:
        return {"n": 0, "mean": None, "sd": None}
    return {"n": len(values), "mean": float(np.mean(values)),
            "sd": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0}


def span_summary(spans: list[report.Span]) -> dict:
    """Mean +- sd of the members with a number; the smallest lower bound of the others ("no rise to ...")."""
    bounds = [s.lo for s in spans if s.hi > s.lo]
    return {**mean_sd([s.lo for s in spans if s.hi == s.lo]), "without": len(bounds),
            "lower_bound": min(bounds) if bounds else None}


def span_json(span: report.Span | None) -> dict | None:
    """A report Span as JSON: {"value": x}, or {"at_least": x} for a lower bound."""
    if span is None:
        return None
    return {"value": span.lo} if span.hi == span.lo else {"at_least": span.lo}


def member_numbers(run: report.Run) -> dict:
    """The report's numbers of one member (rise, contact loss at the rise and gap as report Spans)."""
    rise = report.rise(run)
    state = report.early_state(report.void_samples(run.path))
    drops = report.width_drops(run, run.protocol_end)
    return {"capacity_reached": float(run.capacity[-1]),
            "rise": rise,
            "contact_loss_at_rise_percent": report.contact_loss_at(run, rise)[1],
            "gap": report.gap_capacity(run)[1],
            "early_voids_per_100um": None if state is None else state.per_100um,
            "early_widths_um": [] if state is None else [float(w) for w in state.widths],
            "width_drops": drops}


def ensemble_table(runs: list[report.Run]) -> dict:
    """Each member's numbers and the ensemble's mean +- sd (the module docstring)."""
    numbers = {run.name: member_numbers(run) for run in runs}
    spans = {key: span_summary([m[key] for m in numbers.values() if m[key] is not None])
             for key in ("rise", "contact_loss_at_rise_percent", "gap")}
    widths = [w for m in numbers.values() for w in m["early_widths_um"]]
    summary = {
        **spans,
        "early_voids_per_100um": mean_sd([m["early_voids_per_100um"] for m in numbers.values()
                                          if m["early_voids_per_100um"] is not None]),
        "early_width_um_member_means": mean_sd([float(np.mean(m["early_widths_um"])) for m in numbers.values()
                                                if m["early_widths_um"]]),
        "early_width_um_all_voids": mean_sd(widths),
        "width_drops": mean_sd([len(m["width_drops"]) for m in numbers.values()]),
    }
    members_json = {name: {key: span_json(m[key]) if key in spans else m[key] for key in m}
                    for name, m in numbers.items()}
    return {"members": members_json, "ensemble": summary}


def measured_values(target: str) -> dict:
    """The seed's values the table sets the ensemble against, as the file writes them."""
    keys = {"rise": "rise_capacity", "early_voids_per_100um": "early_voids", "early_width_um": "early_void_width"}
    extra = {"t1": {"contact_loss_at_rise_percent": "contact_loss_at_rise", "gap": "gap_capacity"},
             "t2": {"width_drops": "width_drops"}}[target]
    return {name: f"{seed.get(f'{target}.{key}').text} ({seed.get(f'{target}.{key}').cite})"
            for name, key in {**keys, **extra}.items()}


# -- the figure ---------------------------------------------------------------------------------------------
def _draw_curves(axes, runs: list[report.Run], colour: str) -> None:
    eta, loss = axes
    for run in runs:
        q, r = run.capacity, report.rise(run)
        eta.plot(q, 1e3 * run.data["overpotential_V"], color=colour, lw=0.7, alpha=0.8)
        loss.plot(q, 100 * (1 - run.data["contact_fraction"]), color=colour, lw=0.7, alpha=0.8)
        if r.hi == r.lo:
            at = int(np.argmax(q >= r.lo))
            eta.plot(q[at], 1e3 * run.data["overpotential_V"][at], "o", color=colour, ms=3)
            loss.plot(q[at], 100 * (1 - run.data["contact_fraction"][at]), "o", color=colour, ms=3)
    eta.plot([], [], color=colour, lw=0.7, label=f"model, {len(runs)} seeds (dot: rise)")


def _draw_boxes(axes, runs: list[report.Run], colour: str) -> None:
    count, width = axes
    frames = sem_frames(max(float(run.capacity[-1]) for run in runs))
    counts, widths = frame_boxes([report.void_samples(run.path) for run in runs], frames)
    box = {"widths": 0.5 * report.SEM_FRAME, "manage_ticks": False, "patch_artist": True,
           "boxprops": {"facecolor": colour, "alpha": 0.5}, "flierprops": {"markersize": 3}}
    shown = [k for k, c in enumerate(counts) if c]
    if shown:
        count.boxplot([counts[k] for k in shown], positions=frames[shown], **box)
        for k in (k for k in shown if len(counts[k]) < len(runs)):
            count.annotate(f"{len(counts[k])}", (frames[k], max(counts[k])), fontsize=6, ha="center",
                           xytext=(0, 3), textcoords="offset points")
    opened = [k for k, w in enumerate(widths) if w.size]
    if opened:
        width.boxplot([widths[k] for k in opened], positions=frames[opened], **box)
    else:
        width.text(0.5, 0.5, "no voids at any SEM frame", transform=width.transAxes, ha="center", fontsize=8)
    count.plot([], [], "s", color=colour, alpha=0.5, label="model at the SEM frames (n: members there, if not all)")


def _draw_measured(axes, target: str, colour: str) -> None:
    eta, loss, count, width = axes
    rise = seed.get(f"{target}.rise_capacity")
    for ax in (eta, loss):
        if rise.bounds[1] > rise.bounds[0]:
            ax.axvspan(*rise.bounds, color="0.6", alpha=0.3, lw=0, label=f"measured rise {rise.text}")
        else:
            ax.axvline(rise.value, color="0.3", ls=":", label=f"measured rise {rise.text}")
    if target == "t1":
        at_rise = seed.get("t1.contact_loss_at_rise")
        loss.plot(rise.value, at_rise.value, "kx", ms=8, label=f"measured {at_rise.text}% at the rise")
    voids, widths = seed.get(f"{target}.early_voids"), seed.get(f"{target}.early_void_width")
    count.axhspan(*voids.bounds, color="0.5", alpha=0.3, lw=0, label=f"measured early {voids.text} ({voids.cite})")
    width.axhspan(widths.value - widths.sd, widths.value + widths.sd, color="0.5", alpha=0.3, lw=0,
                  label=f"measured early {widths.value} +- {widths.sd} um ({widths.cite})")
    if target == "t2":
        largest, drops = seed.get("t2.largest_void_width"), seed.get("t2.width_drops")
        width.axhline(largest.value, color="0.3", ls="--", lw=0.8, label=f"measured largest {largest.text} um")
        for k, q in enumerate(drops.number):
            width.axvline(q, color="0.3", ls=":", lw=0.8, label=f"measured width drops ({drops.cite})" if k == 0
                          else None)


def _x_end(runs: list[report.Run], target: str) -> float:
    """The right end of a column: the members' and the measured capacities, half a frame beyond."""
    marks = [float(run.capacity[-1]) for run in runs] + list(seed.get(f"{target}.rise_capacity").bounds)
    marks += [seed.get("t1.gap_capacity").value] if target == "t1" else [seed.get("t2.width_drop_window").value]
    return max(marks) + 0.5 * report.SEM_FRAME


def ensemble_figure(ensembles: dict[str, list[report.Run]], window: str) -> Figure:
    """Rows (a)-(d) of the module docstring, one column per metal of ``ensembles`` (label -> runs)."""
    fig, axes = plt.subplots(4, len(ensembles), figsize=(5 * len(ensembles), 11), layout="constrained",
                             sharey="row", squeeze=False)
    for column, (label, runs) in zip(axes.T, ensembles.items(), strict=True):
        target, colour = METALS[label]
        _draw_curves(column[:2], runs, colour)
        _draw_boxes(column[2:], runs, colour)
        _draw_measured(column, target, colour)
        column[0].set_title(f"{label} ({target.upper()})", fontsize=10)
        for ax in column:
            ax.set_xlim(0, _x_end(runs, target))
            ax.grid(alpha=0.3)
            ax.legend(fontsize=6, loc="upper right")
        column[-1].set_xlabel("stripped capacity (mAh cm$^{-2}$)")
    left = axes[:, 0]
    left[0].set_yscale("log")
    left[0].yaxis.set_major_formatter(LogFormatter())
    for ax, text in zip(left, ("(a) overpotential (mV)", "(b) contact loss (%)", "(c) voids per 100 um",
                               "(d) void width (um)"), strict=True):
        ax.set_ylabel(text)
    left[1].set_ylim(-2, 102)
    fig.suptitle(f"T1/T2 seed ensembles, {window}; boxes every SEM frame ({report.SEM_FRAME} mAh/cm$^2$)",
                 fontsize=9)
    return fig


def window_text(run: report.Run) -> str:
    """The window of an ensemble member in words: its width, cells along it and creep model."""
    case = run.info["case"]
    return (f"{1e6 * case['mesh']['width']:g} um window, {case['mesh']['cells_along_interface']} cells along it, "
            f"creep {case['creep']['model']}")


def main(li_sweep: Path, limg_sweep: Path, output: Path) -> dict:
    ensembles = {"Li": members(li_sweep), "Li-Mg": members(limg_sweep)}
    output.mkdir(parents=True, exist_ok=True)
    window = window_text(ensembles["Li"][0])
    fig = ensemble_figure(ensembles, window)
    fig.savefig(output / FIGURE, dpi=100)
    plt.close(fig)
    table = {"window": window, "sem_frame_mAh_per_cm2": report.SEM_FRAME,
             **{label: {"sweep": str(sweep), "git_revision": ensembles[label][0].info.get("git_revision"),
                        "measured": measured_values(METALS[label][0]),
                        **ensemble_table(ensembles[label])}
                for label, sweep in (("Li", li_sweep), ("Li-Mg", limg_sweep))}}
    (output / TABLE).write_text(json.dumps(table, indent=1, default=float) + "\n")
    return table


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("li_sweep", type=Path, help="the Li (T1) sweep folder over voids.seed")
    parser.add_argument("limg_sweep", type=Path, help="the Li-Mg (T2) sweep folder over voids.seed")
    parser.add_argument("output", type=Path, help="folder for the figure and the JSON table")
    arguments = parser.parse_args()
    main(arguments.li_sweep, arguments.limg_sweep, arguments.output)
