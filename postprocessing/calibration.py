"""Tabulate a calibration study: the T1 quantities of every member of one or more sweeps.

    .venv/bin/python postprocessing/calibration.py results/calibration/t1_sink_spacing \
        results/calibration/t1_nucleation_barrier results/calibration/t1_nucleation_prefactor \
        --output docs/calibration

Each argument is the output of ``phasefield sweep`` (``sweep.json`` naming the swept parameter, one
directory per member). For every member, from its results alone: the swept value, the capacity at the
overpotential rise, the contact loss there, the early void count per 100 um and the widths in that
profile (interface profiles, as the report counts them), the largest early count of any step (time
series), the capacity of the first gap over the whole interface, and the run's status; the
definitions are those of the reproduction report (``report.py``). Written: ``calibration.csv``,
``calibration_table.md`` (with the measured T1 values in the first row) and ``calibration.png``
(overpotential and contact fraction vs capacity, one column per sweep).
"""

import argparse
import csv
import json
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seed_measurements as seed  # noqa: E402
from report import (  # noqa: E402
    EARLY_CAPACITY,
    contact_loss_at,
    early_statistics,
    gap_capacity,
    load_run,
    rise,
    rise_text,
)

#: (CSV column, Markdown header, measured T1 value) of every quantity after the swept value
QUANTITIES = (
    ("rise_mAh_per_cm2", "rise (mAh/cm2)", seed.get("t1.rise_capacity").text),
    ("contact_loss_at_rise_percent", "contact loss at rise (%)", seed.get("t1.contact_loss_at_rise").text),
    ("early_voids_per_100um", "early voids per 100 um", seed.get("t1.early_voids").text),
    ("early_width_um", "early widths (um)", seed.get("t1.early_void_width").text),
    ("peak_early_voids_per_100um", "largest early count, any step", "-"),
    ("gap_mAh_per_cm2", "gap (mAh/cm2)", seed.get("t1.gap_capacity").text),
    ("capacity_reached_mAh_per_cm2", "reached (mAh/cm2)", "-"),
    ("status", "status", "-"),
)
COLUMNS = ("study", "parameter", "value", *(key for key, _, _ in QUANTITIES))


def peak_early_count(run) -> float:
    """Most voids per 100 um in any step up to EARLY_CAPACITY (the time series, between profiles too)."""
    early = run.capacity <= EARLY_CAPACITY * (1 + 1e-9)
    return float(run.data["voids_per_100um"][early].max(initial=0.0))


def member_rows(sweep: Path) -> list[dict[str, str]]:
    """One row per member directory of the sweep that has a time series."""
    info = json.loads((sweep / "sweep.json").read_text())
    rows = []
    for label, member in info["members"].items():
        run = load_run(sweep / label)
        if run is None:
            continue
        r = rise(run)
        count, width = early_statistics(sweep / label)
        rows.append({"study": sweep.name, "parameter": info["parameter"], "value": str(member["value"]),
                     "rise_mAh_per_cm2": rise_text(r), "contact_loss_at_rise_percent": contact_loss_at(run, r)[0],
                     "early_voids_per_100um": count[0], "early_width_um": width[0],
                     "peak_early_voids_per_100um": f"{peak_early_count(run):.1f}",
                     "gap_mAh_per_cm2": gap_capacity(run)[0],
                     "capacity_reached_mAh_per_cm2": f"{run.capacity[-1]:.3f}", "status": run.status,
                     "_run": run})
    return rows


def write_table(rows: list[dict], output: Path) -> None:
    with (output / "calibration.csv").open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    lines = ["| study | parameter = value | " + " | ".join(header for _, header, _ in QUANTITIES) + " |",
             "|---" * (len(QUANTITIES) + 2) + "|",
             "| measured (seed Fig 1, Suppl. Fig 4) | - | " + " | ".join(m for _, _, m in QUANTITIES) + " |"]
    lines += [f"| {r['study']} | {r['parameter'].split('.')[-1]} = {r['value']} | "
              + " | ".join(r[key] for key, _, _ in QUANTITIES) + " |" for r in rows]
    (output / "calibration_table.md").write_text("\n".join(lines) + "\n")


#: line styles of a study's members in turn, so that members with the same curve stay visible
MEMBER_STYLES = ("-", "--", "-.", ":")


def plot(studies: dict[str, list[dict]], path: Path) -> None:
    """Overpotential and contact fraction of every member, one column per study, each study's legend below it."""
    rise, loss = seed.get("t1.rise_capacity"), seed.get("t1.contact_loss_at_rise")
    fig, axes = plt.subplots(2, len(studies), figsize=(4.2 * len(studies), 7.4), sharex=True, squeeze=False,
                             layout="constrained")
    for column, (name, rows) in enumerate(studies.items()):
        top, bottom = axes[0, column], axes[1, column]
        for k, r in enumerate(rows):
            run, style = r["_run"], MEMBER_STYLES[k % len(MEMBER_STYLES)]
            label = f"{r['parameter'].split('.')[-1]} = {r['value']}"
            top.plot(run.capacity, 1e3 * run.data["overpotential_V"], ls=style, label=label)
            bottom.plot(run.capacity, run.data["contact_fraction"], ls=style, label=label)
        top.axvline(rise.value, color="k", ls=":", lw=1)
        top.set_title(name, fontsize=9)
        top.set_ylabel("overpotential (mV)")
        bottom.axhline((100 - loss.value) / 100, color="k", ls=":", lw=1)  # contact fraction left at the rise
        bottom.set_xlabel("stripped capacity (mAh/cm$^2$)")
        bottom.set_ylabel("contact fraction")
        bottom.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    fig.suptitle(textwrap.fill(f"T1 calibration study (dotted: measured rise near {rise.value} mAh/cm$^2$ at "
                               f"{loss.text}% contact loss)", 45 * len(studies)), fontsize=9)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sweeps", nargs="+", type=Path, help="sweep output directories")
    parser.add_argument("--output", type=Path, required=True, help="directory for the table, CSV and figure")
    args = parser.parse_args(argv)
    missing = [str(s) for s in args.sweeps if not (s / "sweep.json").is_file()]
    if missing:
        parser.error(f"not a sweep output (no sweep.json): {', '.join(missing)}")
    if args.output.exists() and not args.output.is_dir():
        parser.error(f"--output: expected a directory, got the file {args.output}")
    studies = {sweep.name: member_rows(sweep) for sweep in args.sweeps}
    args.output.mkdir(parents=True, exist_ok=True)
    write_table([r for rows in studies.values() for r in rows], args.output)
    plot(studies, args.output / "calibration.png")
    print(f"wrote {args.output / 'calibration_table.md'}, calibration.csv, calibration.png")


if __name__ == "__main__":
    main()
