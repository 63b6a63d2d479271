"""Summary of benchmarks/kernel_flags/compare.sh: wall times, assembly times and the largest differences between the
two flag sets' results (OUT/csv_difference.json, from benchmarks/creep_active_set/compare.py). Usage: summary.py OUT
ROUNDS (writes OUT/kernel_flags_summary.json)."""

import sys  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
from pathlib import Path
import json
import platform

from mpi4py import MPI  # noqa: F401

from phasefield.output.metadata import write_json


def assembly(run: dict) -> dict:
    """Jacobian and residual assembly times (s): the creep stage's and the rest (the void, electrochemistry and
    interdiffusion Newton solves)."""
    events, creep = run["petsc_events"], run["petsc_events_creep_stage"]
    return {f"{name}_{part}_s": value for name, event in (("jacobian", "SNESJacobianEval"),
                                                          ("residual", "SNESFunctionEval"))
            for part, value in (("creep", creep[event]["time_s"]),
                                ("other", events[event]["time_s"] - creep[event]["time_s"]))}


def main(out: Path, rounds: int) -> None:
    runs = {}
    for name in ("default", "fast"):
        members = [json.loads((out / f"{name}_{k}.json").read_text()) for k in range(1, rounds + 1)]
        runs[name] = {"kernel_compile_flags": members[0]["kernel_compile_flags"],
                       "wall_time_s": [m["wall_time_s"] for m in members],
                       "newton_iterations": members[0]["newton_iterations"],
                       "assembly": [assembly(m) for m in members]}
    first = json.loads((out / "default_1.json").read_text())
    differences = json.loads((out / "csv_difference.json").read_text())
    write_json(out / "kernel_flags_summary.json", {
        "benchmark": "kernel compile flags (benchmarks/kernel_flags/compare.sh)",
        "case": first["case"], "stopped_at_mAh_per_cm2": first["stopped_at_mAh_per_cm2"], "ranks": first["ranks"],
        "git_revision": first["git_revision"], "date": first["date"],  # the runs' (the first one's)
        "machine": {"platform": platform.platform(), "cpu": _cpu_name()}, "versions": first["versions"],
        "runs": runs, "largest_relative_difference_of_results": differences["largest_relative_difference"],
        "differences_of_results": differences["results"]})


def _cpu_name() -> str:
    try:
        return next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
