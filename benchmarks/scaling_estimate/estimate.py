"""A scaling estimate of the headline case for 16-64 ranks from its measured 1- and 2-rank profiles (issue 24 item 7).

No machine with more than 2 cores was at hand, so nothing here is measured beyond 2 ranks. The model, per
component c of the wall time of the same 20 steps (the first 0.1 mAh/cm2 of ``headline/headline_li.toml``):

    T_c(p) = T_c(1) (f_c / p + 1 - f_c),      f_c = 2 (1 - 1 / s_c),

Amdahl's law with the parallel fraction f_c that reproduces the measured 1 -> 2 rank speedup s_c of that
component (``headline/scaling_full_1rank.json`` and ``scaling_full_2ranks.json``: the same tree, same steps and
iterations, an idle machine). The components are the PETSc events of those profiles, split into creep and the
rest by the creep log stage of ``headline/creep_ldlt/headline_0p1_2ranks_creep_ldlt_3.json`` (2 ranks; the split
is assumed the same on 1 rank):

- creep factorisations (MUMPS numeric + symbolic), the void and electrochemistry factorisations (MUMPS LU);
- triangular solves (KSPSolve);
- assembly (Jacobians and residuals);
- the rest (output, gathers, the interface transfers, Python): wall time minus the events.

A fit through two points says nothing about where a component saturates beyond them; its serial part 1 - f_c
lumps what does not speed up from 1 to 2 ranks (for MUMPS: the dense root fronts, the tree's top levels and their
communication; for assembly: memory bandwidth shared by the 2 cores and ghost updates). The JSON also gives the
ideal bound (every component f = 1) and the direct solvers' growth with the problem size (nested dissection:
2-D flops ~ N^1.5 and factor entries ~ N log N, 3-D flops ~ N^2 and entries ~ N^(4/3)) at the 3-D creep probe's
measured factorisation (``three_d/creep_probe_3d_1rank.json``).

    .venv/bin/python benchmarks/scaling_estimate/estimate.py --output benchmarks/scaling_estimate/estimate_16_64.json

Other profiles of the same case (e.g. the end-to-end runs past the rise, which carry their own creep stage):
``--one headline/to_rise_1rank_pord_20261205.json --two headline/to_rise_2ranks_pord_20261205.json --split
headline/to_rise_2ranks_pord_20261205.json`` (paths relative to ``benchmarks/``).
"""

import argparse
import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from phasefield.output.metadata import git_revision, write_json

BENCHMARKS = Path(__file__).parent.parent
ONE, TWO = BENCHMARKS / "headline/scaling_full_1rank.json", BENCHMARKS / "headline/scaling_full_2ranks.json"
SPLIT = BENCHMARKS / "headline/creep_ldlt/headline_0p1_2ranks_creep_ldlt_3.json"
PROBE_3D = BENCHMARKS / "three_d/creep_probe_3d_1rank.json"
CASE_3D = BENCHMARKS.parent / "cases/t1_li_strip_voids_3d.toml"
RANKS = (1, 2, 4, 16, 64)
#: the PETSc events of each kind of work
FACTORISATION = ("MatLUFactorNum", "MatCholFctrNum", "MatLUFactorSym", "MatCholFctrSym")
SOLVES = ("KSPSolve",)
ASSEMBLY = ("SNESJacobianEval", "SNESFunctionEval")


def event_time(events: dict, names: tuple[str, ...]) -> float:
    return sum(events.get(name, {}).get("time_s", 0.0) for name in names)


def creep_shares(split: dict) -> dict[str, float]:
    """The creep stage's share of each kind of work (2 ranks)."""
    everything, creep = split["petsc_events"], split["petsc_events_creep_stage"]
    return {kind: event_time(creep, names) / event_time(everything, names)
            for kind, names in (("factorisation", FACTORISATION), ("solves", SOLVES), ("assembly", ASSEMBLY))}


def components(profile: dict, shares: dict[str, float]) -> dict[str, float]:
    """Seconds per component of one profile (its 20 steps)."""
    events = profile["petsc_events"]
    kinds = {"factorisation": event_time(events, FACTORISATION), "solves": event_time(events, SOLVES),
             "assembly": event_time(events, ASSEMBLY)}
    result = {}
    for kind, seconds in kinds.items():
        result[f"creep {kind}"] = seconds * shares[kind]
        result[f"voids + electrochemistry {kind}"] = seconds * (1 - shares[kind])
    result["output, gathers, transfers, Python (the rest)"] = profile["wall_time_s"] - sum(kinds.values())
    return result


def amdahl(one: dict[str, float], two: dict[str, float]) -> dict[str, dict[str, float]]:
    """Per component: its 1- and 2-rank seconds, speedup, parallel fraction and modelled seconds at RANKS."""
    model = {}
    for name, t1 in one.items():
        speedup = t1 / two[name]
        fraction = min(max(2 * (1 - 1 / speedup), 0.0), 1.0)
        model[name] = {"seconds_1_rank": t1, "seconds_2_ranks": two[name], "speedup_1_to_2": speedup,
                       "parallel_fraction": fraction,
                       "modelled_seconds": {p: t1 * (fraction / p + 1 - fraction) for p in RANKS}}
    return model


def totals(model: dict) -> dict[int, dict[str, float | str]]:
    """The modelled run at each rank count; ``seconds_direct_solvers_only_limited``: the same with every
    component but the MUMPS factorisations and solves scaling ideally (what the direct solvers alone allow)."""
    t1 = sum(c["seconds_1_rank"] for c in model.values())
    result = {}
    for p in RANKS:
        tp = sum(c["modelled_seconds"][p] for c in model.values())
        direct_only = sum(c["modelled_seconds"][p] if ("factorisation" in name or "solves" in name)
                          else c["seconds_1_rank"] / p for name, c in model.items())
        largest = max(model, key=lambda name: model[name]["modelled_seconds"][p])
        result[p] = {"seconds": tp, "speedup": t1 / tp, "efficiency": t1 / tp / p, "ideal_seconds": t1 / p,
                     "seconds_direct_solvers_only_limited": direct_only, "speedup_direct_solvers_only_limited":
                     t1 / direct_only, "largest_component": largest,
                     "largest_share": model[largest]["modelled_seconds"][p] / tp}
    return result


def direct_solver_growth(probe: dict, split: dict) -> dict:
    """The measured 3-D creep factorisation against the 2-D one, and the nested-dissection growth laws."""
    events = probe["petsc_events_creep_stage"]
    per_3d = events["MatCholFctrNum"]["time_s"] / events["MatCholFctrNum"]["count"]
    dofs = taylor_hood_dofs(tomllib.loads(CASE_3D.read_text())["mesh"])
    creep_2d = split["petsc_events_creep_stage"]["MatCholFctrNum"]
    return {
        "creep_2d": {"dofs": split["dofs"]["creep"], "ranks": split["ranks"],
                     "seconds_per_factorisation": creep_2d["time_s"] / creep_2d["count"]},
        "creep_3d_probe": {"dofs": probe["dofs"]["creep"], "ranks": probe["ranks"], "seconds_per_factorisation": per_3d,
                           "peak_memory_MiB": probe["peak_memory_MiB"], "note": probe.get("note", "")},
        "nested_dissection": {"2-D": {"flops": "N^1.5", "factor_entries": "N log N", "root_front": "N^0.5"},
                              "3-D": {"flops": "N^2", "factor_entries": "N^(4/3)", "root_front": "N^(2/3)"}},
        "creep_3d_t1_window_estimate": {
            "case": str(CASE_3D.relative_to(BENCHMARKS.parent)), "dofs": dofs,
            "seconds_per_factorisation_1_rank": per_3d * (dofs / probe["dofs"]["creep"]) ** 2,
            "memory_MiB": probe["peak_memory_MiB"] * (dofs / probe["dofs"]["creep"]) ** (4 / 3)},
    }


def taylor_hood_dofs(mesh: dict) -> int:
    """Unknowns of P2 velocity (3 components) and P1 pressure on the metal of a structured 3-D window."""
    a, b, c = mesh["cells_along_interface"], mesh["cells_across"], mesh["metal_cells"]
    return 3 * (2 * a + 1) * (2 * b + 1) * (2 * c + 1) + (a + 1) * (b + 1) * (c + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, required=True)
    for name, default in (("--one", ONE), ("--two", TWO), ("--split", SPLIT)):
        parser.add_argument(name, type=lambda text: BENCHMARKS / text, default=default,
                            help=f"profile, relative to benchmarks/ (default {default.relative_to(BENCHMARKS)})")
    args = parser.parse_args()
    one, two, split, probe = (json.loads(path.read_text()) for path in (args.one, args.two, args.split, PROBE_3D))
    shares = creep_shares(split)
    model = amdahl(components(one, shares), components(two, shares))
    write_json(args.output, {
        "benchmark": "scaling estimate of the headline case, 16-64 ranks (issue 24 item 7); a model, not a measurement",
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "git_revision": git_revision(),
        "inputs": {name: str(path.relative_to(BENCHMARKS)) for name, path in (
            ("profile_1_rank", args.one), ("profile_2_ranks", args.two), ("creep_split_2_ranks", args.split),
            ("creep_3d_probe", PROBE_3D))},
        "measured_up_to_ranks": 2, "creep_shares_2_ranks": shares, "components": model, "totals": totals(model),
        "direct_solver_growth": direct_solver_growth(probe, split)})


if __name__ == "__main__":
    main()
