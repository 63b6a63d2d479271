"""Summarise the CH-S1 runs: curve errors, time and steps to 1% and 5%, per-step cost, ratios.

Reads <output>/runs/*.json and <output>/reference_<horizon>.json (the curve errors are recomputed
against the reference), writes <output>/runs.csv (one row per run), <output>/summary.json and
<output>/summary.md, and prints the summary.

    .venv/bin/python benchmarks/ch_s1/compare.py --output results/ch_s1
"""

import argparse
import csv
import json
import statistics
from pathlib import Path

import common

OURS, DEMO, FIPY = "phasefield-bdf2", "demo", "fipy"
#: phasefield runs with fixed steps (all other phasefield labels are adaptive)
ADAPTIVE_EXCLUDED = ("phasefield-bdf2-fixed",)
COLUMNS = ["horizon", "code", "ranks", "setting", "cells", "steps", "nonlinear_iterations", "wall_time_s",
           "loop_time_s", "time_per_step_s", "curve_error", "timed_out"]


def load_runs(output: Path) -> list[dict]:
    runs = []
    references = {h: common.load_reference(str(output / f"reference_{h}.json")) for h in common.HORIZONS}
    for path in sorted((output / "runs").glob("*.json")):
        run = json.loads(path.read_text())
        reference = references.get(run.get("horizon"))
        if reference is not None and "energies" in run:
            run["curve_error"] = common.curve_error(run["energies"], reference)
        if run.get("steps"):
            run["time_per_step_s"] = run["loop_time_s"] / run["steps"]
        runs.append(run)
    return runs


def fastest(runs: list[dict], level: float) -> dict | None:
    """The run of least wall time with a curve error at most ``level``."""
    reached = [r for r in runs if r.get("curve_error") is not None and r["curve_error"] <= level]
    return min(reached, key=lambda r: r["wall_time_s"]) if reached else None


def fewest_steps(runs: list[dict], level: float) -> dict | None:
    reached = [r for r in runs if r.get("curve_error") is not None and r["curve_error"] <= level]
    return min(reached, key=lambda r: r["steps"]) if reached else None


def best(codes: dict, code: str, level: str, key: str = "wall_time_s"):
    """A field of the fastest (or fewest-step) run of ``code`` reaching ``level``, or None."""
    return codes.get(code, {}).get(level, {}).get(key)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or not denominator else numerator / denominator


def summarise(runs: list[dict]) -> dict:
    summary = {}
    for horizon in sorted({r["horizon"] for r in runs}):
        for ranks in sorted({r["ranks"] for r in runs if r["horizon"] == horizon}):
            group = [r for r in runs if r["horizon"] == horizon and r["ranks"] == ranks]
            codes = sorted({r["code"] for r in group})
            entry = {"codes": {}}
            for code in codes:
                mine = [r for r in group if r["code"] == code]
                entry["codes"][code] = {
                    f"{100 * level:g}%": {
                        "wall_time_s": (quickest := fastest(mine, level)) and quickest["wall_time_s"],
                        "setting": quickest and quickest["setting"],
                        "fewest_steps": (few := fewest_steps(mine, level)) and few["steps"],
                        "fewest_steps_setting": few and few["setting"],
                    } for level in common.ACCURACY_LEVELS}
                entry["codes"][code]["not_reached_within_s"] = max(
                    [r["wall_time_s"] for r in mine if r.get("timed_out")], default=None)
                entry["codes"][code]["time_per_step_s_by_cells"] = {
                    str(n): statistics.median(r["time_per_step_s"] for r in mine
                                              if r.get("cells") == n and r.get("time_per_step_s"))
                    for n in sorted({r.get("cells") for r in mine if r.get("time_per_step_s")})}
            best_ours = {lvl: min((v[lvl]["wall_time_s"] for k, v in entry["codes"].items()
                                   if k.startswith("phasefield") and v[lvl]["wall_time_s"] is not None),
                                  default=None) for lvl in ("1%", "5%")}
            fewest_adaptive = {lvl: min((v[lvl]["fewest_steps"] for k, v in entry["codes"].items()
                                         if k.startswith("phasefield") and k not in ADAPTIVE_EXCLUDED
                                         and v[lvl]["fewest_steps"] is not None), default=None)
                               for lvl in ("1%", "5%")}
            data = entry["codes"]
            entry["ratios"] = {lvl: {
                "fipy_time_over_phasefield_bdf2": ratio(best(data, FIPY, lvl), best(data, OURS, lvl)),
                "fipy_time_over_best_phasefield": ratio(best(data, FIPY, lvl), best_ours[lvl]),
                "demo_steps_over_phasefield_bdf2_steps": ratio(best(data, DEMO, lvl, "fewest_steps"),
                                                               best(data, OURS, lvl, "fewest_steps")),
                "demo_time_over_phasefield_bdf2": ratio(best(data, DEMO, lvl), best(data, OURS, lvl)),
                "demo_steps_over_fewest_phasefield_adaptive_steps": ratio(best(data, DEMO, lvl, "fewest_steps"),
                                                                          fewest_adaptive[lvl]),
                "demo_time_over_best_phasefield": ratio(best(data, DEMO, lvl), best_ours[lvl]),
            } for lvl in ("1%", "5%")}
            demo_steps = entry["codes"].get(DEMO, {}).get("time_per_step_s_by_cells", {})
            entry["ratios"]["demo_time_per_step_over_phasefield"] = {
                f"{code} N={n}": ratio(demo_steps[n], entry["codes"][code]["time_per_step_s_by_cells"][n])
                for code in codes if code.startswith("phasefield") for n in demo_steps
                if n in entry["codes"][code]["time_per_step_s_by_cells"]}
            summary[f"{horizon}_np{ranks}"] = entry
    return summary


def markdown(summary: dict, runs: list[dict]) -> str:
    lines = ["# CH-S1 side by side", ""]
    for key, entry in summary.items():
        lines += [f"## {key}", "", "| code | time to 1% (s) | setting | time to 5% (s) | setting | "
                  "fewest steps to 1% | fewest steps to 5% |", "|---|---|---|---|---|---|---|"]
        for code, data in entry["codes"].items():
            one, five = data["1%"], data["5%"]
            lines.append(f"| {code} | {fmt(one['wall_time_s'])} | {one['setting'] or '-'} | "
                         f"{fmt(five['wall_time_s'])} | {five['setting'] or '-'} | "
                         f"{one['fewest_steps'] or '-'} | "
                         f"{five['fewest_steps'] or '-'} |")
        lines += ["", "Ratios: " + json.dumps(entry["ratios"], default=str), ""]
    lines += ["## All runs", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for run in sorted(runs, key=lambda r: (r["horizon"], r["code"], r["ranks"], r.get("wall_time_s", 0))):
        lines.append("| " + " | ".join(fmt(run.get(c)) for c in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", required=True)
    output = Path(parser.parse_args().output)
    runs = load_runs(output)
    if not runs:
        raise SystemExit(f"no runs in {output / 'runs'}")
    with open(output / "runs.csv", "w", newline="") as stream:
        writer = csv.DictWriter(stream, COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(runs)
    summary = summarise(runs)
    summary["machine"] = common.machine()
    (output / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    text = markdown({k: v for k, v in summary.items() if k != "machine"}, runs)
    (output / "summary.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
