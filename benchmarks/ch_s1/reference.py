"""Converged CH-S1 reference energy curve (both horizons), by refinement in space and time.

phasefield's CahnHilliard with P2 elements and adaptive BDF3 is run on the long horizon (its report
times include the short horizon's) at successive levels, each finer in space and tighter in time:

    level k: N_k cells per side (default 128, 192, 256), local error tolerance tol_k (default 1e-5,
    3e-6, 1e-6), dense output at the report times.

The reference is the finest level. It is called converged for a horizon when the largest relative
difference of E(t) between the last two levels over that horizon's report times is below 0.1%
(BENCHMARKS.md); the differences are written with the reference, and a warning is printed if the
criterion is not met. Each level runs as a separate process (under mpiexec with --ranks), so the
script itself imports neither DOLFINx nor PETSc.

    .venv/bin/python benchmarks/ch_s1/reference.py --output-dir results/ch_s1 --ranks 2
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import common

HERE = Path(__file__).resolve().parent


def run_level(cells: int, degree: int, tolerance: float, ranks: int, path: Path, t_end: float | None,
              mpiexec: str) -> dict:
    if not path.exists():
        command = [sys.executable, str(HERE / "run_phasefield.py"), "--cells", str(cells),
                   "--degree", str(degree), "--order", "3", "--tolerance", str(tolerance),
                   "--dt-initial", "1e-8", "--horizon", "long", "--label", "reference", "--output", str(path)]
        if t_end is not None:
            command += ["--t-end", str(t_end)]
        if ranks > 1:
            command = [mpiexec, "-n", str(ranks), *command]
        subprocess.run(command, check=True)
    return json.loads(path.read_text())


def largest_difference(fine: dict, coarse: dict, times: list[float]) -> float:
    keys = [common.time_key(t) for t in times if common.time_key(t) in fine["energies"]]
    return max(abs(fine["energies"][k] - coarse["energies"][k]) / abs(fine["energies"][k]) for k in keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--cells", type=int, nargs="+", default=[128, 192, 256])
    parser.add_argument("--tolerances", type=float, nargs="+", default=[1e-5, 3e-6, 1e-6])
    parser.add_argument("--degree", type=int, default=2)
    parser.add_argument("--ranks", type=int, default=1)
    parser.add_argument("--t-end", type=float, help="stop early (validation runs)")
    parser.add_argument("--mpiexec", default=str(Path(sys.executable).parent / "mpiexec"))
    args = parser.parse_args()
    if len(args.cells) != len(args.tolerances) or len(args.cells) < 2:
        raise SystemExit("give as many tolerances as meshes, at least two levels")
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    pairs = list(zip(args.cells, args.tolerances, strict=True))
    levels = [run_level(n, args.degree, tol, args.ranks,
                        out / f"reference_level_P{args.degree}_N{n}_tol{tol:g}.json", args.t_end,
                        args.mpiexec)
              for n, tol in pairs]
    fine, coarse = levels[-1], levels[-2]
    for horizon in ("short", "long"):
        times = [t for t in common.report_times(horizon) if common.time_key(t) in fine["energies"]]
        change = largest_difference(fine, coarse, times)
        energies = {k: v for k, v in fine["energies"].items()
                    if float(k) == 0 or k in {common.time_key(t) for t in times}}
        record = {
            "horizon": horizon, "energies": energies,
            "method": f"phasefield CahnHilliard P{args.degree}, adaptive BDF3, dense output; levels "
                      + ", ".join(f"N={n} tol={tol:g}" for n, tol in pairs),
            "levels": [{"setting": lv["setting"], "steps": lv["steps"], "wall_time_s": lv["wall_time_s"],
                        "ranks": lv["ranks"]} for lv in levels],
            "change_between_last_two_levels": change,
            "differences_between_successive_levels": [
                largest_difference(b, a, times) for a, b in zip(levels[:-1], levels[1:], strict=True)],
            "converged": change < 1e-3, "machine": common.machine(),
        }
        (out / f"reference_{horizon}.json").write_text(json.dumps(record, indent=2) + "\n")
        status = "converged" if change < 1e-3 else "NOT converged (change >= 0.1%): refine further"
        print(f"reference {horizon}: largest change between the last two levels {100 * change:.3f}% "
              f"-> {status}")


if __name__ == "__main__":
    main()
