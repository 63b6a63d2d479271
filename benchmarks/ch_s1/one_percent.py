"""CH-S1 at 1% curve error in one run (issue 24, item 6): every contender on the same core(s).

On the short horizon (t <= 2e-4), against ``budget/reference_short.json``: the DOLFINx demo formulation
at P1 and P2 with the demo's solver options, the same formulation with phasefield's Cahn-Hilliard solver
options (``run_dolfinx_demo.py --solver phasefield``), FiPy at the cells and dt its error budget needs
for 1%, and phasefield's adaptive Cahn-Hilliard (P2). Each contender runs twice, alternating
(A B C ... A B C), on 1 rank; a contender whose first run took longer than --repeat-limit (or timed
out) is not repeated. Runs go through sweep.py's ``run`` (a finished run is kept, so the script resumes);
each run's JSON gets the load average just before it. Then summary.md / summary.json: per contender
the settings, steps, Newton iterations, wall times and curve error, and the ratios of wall time at 1%:
FiPy / phasefield and demo / phasefield (fastest run reaching 1% of each; a timed-out FiPy run gives a
lower bound).

    .venv/bin/python benchmarks/ch_s1/one_percent.py --output benchmarks/ch_s1/one_percent \\
        --note "the other core busy with a simulation"
"""

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import common  # noqa: E402
from sweep import Setting, run, warm_up  # noqa: E402

HERE = Path(__file__).resolve().parent
HORIZON = "short"
LEVEL = 0.01
REPEATS = (1, 2)


@dataclass(frozen=True)
class Contender:
    """A setting of one code, with what the summary says about it."""

    setting: Setting
    code: str  # demo, fipy or phasefield
    formulation: str
    solver_options: str  # whose solver options: demo, phasefield or fipy
    solver: str
    degree: int | None
    timeout: float = 1200.0


def demo(cells: int, dt: float, degree: int, solver: str = "demo", linear_solver: str = "gmres") -> Contender:
    """The demo formulation (theta = 0.5, MUMPS unless phasefield's options say otherwise)."""
    extra = ("--degree", str(degree))
    label = f"demo-p{degree}"
    if solver == "phasefield":
        extra += ("--solver", "phasefield", "--linear-solver", linear_solver)
        label += f"-pf-{linear_solver}"
    name = "demo's SNES, MUMPS" if solver == "demo" else f"phasefield's SNES, {linear_solver}"
    return Contender(Setting(label, "run_dolfinx_demo.py", cells, dt, False, extra), "demo",
                     "DOLFINx demo, Crank-Nicolson", solver, name, degree)


def phasefield(cells: int, tolerance: float, order: int, linear_solver: str) -> Contender:
    """phasefield.generic.CahnHilliard, P2, adaptive BDF of ``order``."""
    label = f"phasefield-bdf{order}-p2-{linear_solver}"
    extra = ("--order", str(order), "--degree", "2", "--linear-solver", linear_solver, "--label", label)
    return Contender(Setting(label, "run_phasefield.py", cells, tolerance, True, extra), "phasefield",
                     f"phasefield, adaptive BDF{order}", "phasefield", f"phasefield's SNES, {linear_solver}", 2)


#: The contenders, in the order of each round. The demo at P1 misses 1% on every mesh of budget/ (256
#: cells, dt 5e-6: 3.5%); at P2 the issue measured 0.92% with 96 cells and dt 2.5e-6, bracketed here by
#: dt 5e-6 and 1e-5 / 3 and by 80 and 64 cells. FiPy: ~5% spatial error at 128 cells, and backward Euler
#: needs dt <~ 5e-7 for 1% (5e-7 gave 1.07%, its worst at t = 2e-5, so 4e-7 follows). phasefield: P2,
#: 96 cells, BDF3 with MUMPS at tolerances 1e-1 to 1e-2 and 80 and 64 cells (the brackets of the demo),
#: and the issue's BDF2 at tol 1e-4 (GMRES).
CONTENDERS = (
    demo(256, 5e-6, 1),
    demo(96, 5e-6, 2),
    demo(96, 2.5e-6, 2),
    demo(96, 1e-5 / 3, 2),
    demo(80, 2.5e-6, 2),
    demo(80, 1e-5 / 3, 2),
    demo(64, 2.5e-6, 2),
    demo(96, 5e-6, 2, "phasefield", "gmres"),
    demo(96, 2.5e-6, 2, "phasefield", "gmres"),
    demo(96, 2.5e-6, 2, "phasefield", "mumps"),
    phasefield(96, 1e-1, 3, "mumps"),
    phasefield(96, 3e-2, 3, "mumps"),
    phasefield(96, 1e-2, 3, "mumps"),
    phasefield(80, 3e-2, 3, "mumps"),
    phasefield(64, 3e-2, 3, "mumps"),
    phasefield(96, 1e-4, 2, "gmres"),
    *(Contender(Setting("fipy", "run_fipy.py", 256, dt), "fipy", "FiPy 4, finite volumes, backward Euler",
                "fipy", "Newton sweeps, LinearLUSolver (MUMPS)", None, timeout=2700.0) for dt in (5e-7, 4e-7)),
)


def run_args(args, repeat: int, timeout: float) -> argparse.Namespace:
    """What sweep.run needs: one output folder per repeat, no t_end cap, 1 rank."""
    return argparse.Namespace(output=str(Path(args.output) / f"repeat{repeat}"), t_end=None, timeout=timeout,
                              mpiexec=None)


def result_path(contender: Contender, repeat: int, args) -> Path:
    """Where sweep.run writes the JSON of this repeat."""
    return Path(run_args(args, repeat, 0.0).output) / "runs" / f"{contender.setting.name(HORIZON, 1)}.json"


def load_once(contender: Contender, repeat: int, args) -> dict | None:
    """The JSON of a finished (or timed-out) repeat, None if there is none."""
    path = result_path(contender, repeat, args)
    return json.loads(path.read_text()) if path.exists() else None


def run_once(contender: Contender, repeat: int, args, reference: Path) -> dict | None:
    """Run (or load) one repeat of a contender; a new run's JSON gets the load average before it."""
    if (record := load_once(contender, repeat, args)) is not None:
        return record
    load = os.getloadavg()
    print(f"repeat {repeat}: {contender.setting.name(HORIZON, 1)}, load average before {load[0]:.2f}", flush=True)
    record = run(contender.setting, HORIZON, 1, run_args(args, repeat, contender.timeout), reference)
    if record is None:
        return None
    record |= {"repeat": repeat, "load_average_before": load, "note": args.note}
    record.setdefault("machine", common.machine())
    result_path(contender, repeat, args).write_text(json.dumps(record, indent=2) + "\n")
    return record


def row(contender: Contender, records: list[dict | None], reference: dict) -> dict:
    """One line of the table: the settings and, per repeat, wall time; the curve error (recomputed)."""
    done = [r for r in records if r is not None]
    finished = [r for r in done if not r.get("timed_out")]
    setting = contender.setting
    return {
        "label": setting.name(HORIZON, 1), "code": contender.code, "formulation": contender.formulation,
        "solver_options": contender.solver_options, "solver": contender.solver, "degree": contender.degree,
        "cells": setting.cells, "step_kind": "tol" if setting.adaptive else "dt", "step": setting.step,
        "steps": finished[0]["steps"] if finished else None,
        "nonlinear_iterations": finished[0]["nonlinear_iterations"] if finished else None,
        "wall_time_s": [None if r is None else r["wall_time_s"] for r in records],
        "timed_out": any(r.get("timed_out") for r in done),
        "load_average_before": [None if r is None else r.get("load_average_before", [None])[0] for r in records],
        "curve_error": max((common.curve_error(r["energies"], reference) for r in finished), default=None),
        "fastest_s": min((r["wall_time_s"] for r in finished), default=None),
    }


def fastest_at_level(rows: list[dict], accept) -> dict | None:
    """The row of least wall time (best repeat) among the accepted rows whose curve error <= LEVEL."""
    reached = [r for r in rows if accept(r) and r["curve_error"] is not None and r["curve_error"] <= LEVEL]
    return min(reached, key=lambda r: r["fastest_s"]) if reached else None


def ratios(rows: list[dict]) -> dict:
    """Wall time at 1% over phasefield's fastest run at 1%; a timed-out run gives a lower bound. A peer
    with no run at 1% gets its closest miss instead (the finished run of least curve error), whose time
    bounds its time to 1% from below only if its error falls monotonically under refinement."""
    ours = fastest_at_level(rows, lambda r: r["code"] == "phasefield")
    result = {"level": LEVEL, "phasefield": ours and ours["label"], "phasefield_s": ours and ours["fastest_s"]}
    peers = {"fipy": lambda r: r["code"] == "fipy",
             "demo": lambda r: r["code"] == "demo" and r["solver_options"] == "demo",
             "demo_with_phasefield_solver": lambda r: r["code"] == "demo" and r["solver_options"] == "phasefield"}
    for peer, accept in peers.items():
        theirs = fastest_at_level(rows, accept)
        timed_out = [r for r in rows if accept(r) and r["timed_out"]]
        entry = {"setting": theirs and theirs["label"], "time_s": theirs and theirs["fastest_s"], "ratio": None,
                 "lower_bound": False}
        if ours and theirs:
            entry["ratio"] = theirs["fastest_s"] / ours["fastest_s"]
        elif ours and timed_out:
            bound = min(max(t for t in r["wall_time_s"] if t is not None) for r in timed_out)
            entry |= {"time_s": bound, "ratio": bound / ours["fastest_s"], "lower_bound": True}
        missed = [r for r in rows if accept(r) and r["curve_error"] is not None]
        if ours and not theirs and missed:
            closest = min(missed, key=lambda r: r["curve_error"])
            entry["closest_miss"] = {"setting": closest["label"], "time_s": closest["fastest_s"],
                                     "curve_error": closest["curve_error"],
                                     "ratio": closest["fastest_s"] / ours["fastest_s"]}
        result[peer] = entry
    return result


def markdown(rows: list[dict], summary: dict) -> str:
    lines = ["# CH-S1 at 1% in one run (issue 24, item 6)", "",
             f"Short horizon (t <= 2e-4), 1 rank, {len(REPEATS)} repeats alternating. {summary['note']}", "",
             "| code | formulation | solver | degree | cells | dt / tol | steps | Newton its | wall 1 (s) | "
             "wall 2 (s) | curve error | load before |", "|" + "---|" * 12]
    for r in rows:
        step = f"{r['step_kind']} {r['step']:g}"
        walls = [("-" if t is None else f"{t:.1f}") + (" (timed out)" if r["timed_out"] and t else "")
                 for t in r["wall_time_s"]]
        error = "-" if r["curve_error"] is None else f"{100 * r['curve_error']:.2f}%"
        load = " / ".join("-" if x is None else f"{x:.2f}" for x in r["load_average_before"])
        lines.append(f"| {r['code']} | {r['formulation']} | {r['solver']} | {r['degree'] or '-'} | {r['cells']} | "
                     f"{step} | {r['steps'] or '-'} | {r['nonlinear_iterations'] or '-'} | {' | '.join(walls)} | "
                     f"{error} | {load} |")
    ratio = summary["ratios"]
    lines += ["", f"Fastest phasefield run at <= 1%: {ratio['phasefield']} ({seconds(ratio['phasefield_s'])}).", ""]
    for peer in ("fipy", "demo", "demo_with_phasefield_solver"):
        entry = ratio[peer]
        value = "-" if entry["ratio"] is None else ((">= " if entry["lower_bound"] else "") + f"{entry['ratio']:.2f}")
        lines.append(f"- {peer} / phasefield at 1%: {value} ({entry['setting'] or 'timed out or missed 1%'}, "
                     f"{seconds(entry['time_s'])})")
        if miss := entry.get("closest_miss"):
            lines.append(f"  - closest miss: {miss['setting']}, {100 * miss['curve_error']:.2f}% in "
                         f"{seconds(miss['time_s'])}, {miss['ratio']:.1f} x phasefield's time at 1%")
    return "\n".join(lines) + "\n"


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=str(HERE / "one_percent"))
    parser.add_argument("--reference", default=str(HERE / "budget" / "reference_short.json"))
    parser.add_argument("--repeat-limit", type=float, default=900.0,
                        help="seconds: a contender whose first run took longer is not repeated")
    parser.add_argument("--note", default="", help="load conditions, written to the summary and each run")
    parser.add_argument("--summary-only", action="store_true", help="summarise the runs already there")
    args = parser.parse_args()
    reference = Path(args.reference)
    records: dict[Contender, list[dict | None]] = {c: [] for c in CONTENDERS}
    if not args.summary_only:
        warm_up([c.setting for c in CONTENDERS], argparse.Namespace(output=args.output))
    for repeat in REPEATS:
        for contender, done in records.items():
            slow = bool(done) and done[0] is not None and (done[0].get("timed_out")
                                                           or done[0]["wall_time_s"] > args.repeat_limit)
            skip = args.summary_only or slow
            done.append(load_once(contender, repeat, args) if skip else run_once(contender, repeat, args, reference))
    energies = common.load_reference(str(reference))
    rows = [row(c, done, energies) for c, done in records.items()]
    summary = {"horizon": HORIZON, "reference": str(reference), "ranks": 1, "note": args.note,
               "machine": common.machine(), "rows": rows, "ratios": ratios(rows)}
    output = Path(args.output)
    (output / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    (output / "summary.md").write_text(markdown(rows, summary))
    print(markdown(rows, summary))


if __name__ == "__main__":
    main()
