"""Strong and weak scaling of the headline case on 1 and 2 ranks (issue #8).

Runs ``profile_headline.py`` three times, each stopped at ``--capacity`` mAh/cm2 (same steps on any
rank count: the nucleation is seeded per position, not per rank):

- strong: the full window (160 um) on 1 and on 2 ranks; efficiency E_s = T_1 / (2 T_2);
- weak: half the window (80 um, half the cells) on 1 rank against the full window on 2 ranks, the same
  dofs per rank; efficiency E_w = t_1(half) / t_2(full), with t the wall time per accepted step.

Writes ``--output`` (JSON: machine, date, versions, the three runs' JSON files and the efficiencies).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/headline/scaling.py --capacity 0.1 \
        --output benchmarks/headline/scaling.json
"""

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent


def profile(ranks: int, width_fraction: float, capacity: float, output: Path) -> dict:
    """Run (or reuse) one profiled headline run; its JSON."""
    if not output.exists():
        command = [sys.executable, str(HERE / "profile_headline.py"), "--capacity", str(capacity),
                   "--width-fraction", str(width_fraction), "--output", str(output)]
        if ranks > 1:
            command = [str(Path(sys.executable).parent / "mpiexec"), "-n", str(ranks), *command]
        subprocess.run(command, check=True)
    return json.loads(output.read_text())


def per_step(run: dict) -> float:
    return run["wall_time_s"] / run["accepted_steps"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capacity", type=float, default=0.1, help="mAh/cm2 stripped in each run")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    stem = args.output.with_suffix("")
    full_1 = profile(1, 1.0, args.capacity, Path(f"{stem}_full_1rank.json"))
    full_2 = profile(2, 1.0, args.capacity, Path(f"{stem}_full_2ranks.json"))
    half_1 = profile(1, 0.5, args.capacity, Path(f"{stem}_half_1rank.json"))
    same_steps = full_1["accepted_steps"] == full_2["accepted_steps"]
    record = {
        "benchmark": "headline scaling (issue #8)", "capacity_mAh_per_cm2": args.capacity,
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": full_2["machine"],
        "versions": full_2["versions"],
        "runs": {name: {"ranks": run["ranks"], "width_fraction": run["width_fraction"], "dofs": run["dofs"],
                        "accepted_steps": run["accepted_steps"], "wall_time_s": run["wall_time_s"],
                        "wall_time_per_step_s": per_step(run), "newton_iterations": run["newton_iterations"],
                        "peak_memory_MiB": run["peak_memory_MiB"]}
                 for name, run in (("full_1rank", full_1), ("full_2ranks", full_2), ("half_1rank", half_1))},
        "same_steps_on_1_and_2_ranks": same_steps,
        "strong_speedup": full_1["wall_time_s"] / full_2["wall_time_s"],
        "strong_efficiency": full_1["wall_time_s"] / (2 * full_2["wall_time_s"]),
        "weak_efficiency_per_step": per_step(half_1) / per_step(full_2),
    }
    args.output.write_text(json.dumps(record, indent=2) + "\n")
    print(f"strong: speedup {record['strong_speedup']:.2f}, efficiency {record['strong_efficiency']:.1%}"
          f"{'' if same_steps else ' (different step counts!)'}; weak efficiency per step "
          f"{record['weak_efficiency_per_step']:.1%}")


if __name__ == "__main__":
    main()
