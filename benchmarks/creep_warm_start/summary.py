"""Summary of ``run_variants.sh``'s output folder as JSON (machine, date, revision): per variant the headline
restart's creep iterations, factorisations and times, the T3 7 MPa member's creep iterations and wall time, and
each run's largest result difference from the variant KW=0 (relative to the column's largest magnitude).

    .venv/bin/python benchmarks/creep_warm_start/summary.py OUT_DIR benchmarks/creep_warm_start/F.json"""

import argparse
import importlib.util
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from phasefield.output.metadata import git_revision, write_json
from phasefield.output.timeseries import read_timeseries

_spec = importlib.util.spec_from_file_location("compare", Path(__file__).parents[1] / "creep_active_set" / "compare.py")
compare = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare)

VARIANTS = ("KW_0", "KW_1", "KW_2", "KW_1_NFOFF_1")


def largest_result_difference(reference: Path, run: Path) -> dict[str, float]:
    """The column whose relative difference is largest, the work columns left out."""
    table = compare.differences(read_timeseries(reference), read_timeseries(run), 0)
    name = max((n for n in table if n not in compare.WORK_COLUMNS), key=lambda n: table[n]["relative"])
    return {"column": name, **table[name]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--note", default="", help="how the runs were made, if not by run_variants.sh as it is")
    args = parser.parse_args()
    out = args.folder
    variants = {}
    for tag in VARIANTS:
        profile = json.loads((out / f"headline_{tag}.json").read_text())
        member = read_timeseries(out / f"t3_7MPa_{tag}" / "timeseries.csv")
        variants[tag] = {
            "headline_restart": {
                "run_revision": profile["git_revision"],
                "wall_time_s": profile["wall_time_s"], "creep_solve_time_s": profile["creep_solves"]["wall_time_s"],
                "creep_iterations": profile["newton_iterations"]["creep_iterations"],
                "creep_factorisations": profile["creep_factorisations"],
                "largest_result_difference_from_KW_0": largest_result_difference(
                    out / "headline_KW_0" / "timeseries.csv", out / f"headline_{tag}" / "timeseries.csv")},
            "t3_7MPa_to_0p5": {
                "wall_time_s": float((out / f"t3_7MPa_{tag}" / "wall_s").read_text()),
                "steps": len(member["step"]), "creep_iterations": int(np.sum(member["creep_iterations"])),
                "largest_result_difference_from_KW_0": largest_result_difference(
                    out / "t3_7MPa_KW_0" / "timeseries.csv", out / f"t3_7MPa_{tag}" / "timeseries.csv")}}
    write_json(args.output, {
        "benchmark": "creep warm start: Kacanov stage capped at KW iterations (0: to the tolerance 1e-2); NFOFF: "
                     "contact re-solves through the same warm sequence",
        "commands": "benchmarks/creep_warm_start/run_variants.sh CHECKPOINT MEMBER OUT; summary.py OUT F.json",
        "note": args.note, "git_revision": git_revision(), "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "processor": platform.processor()},
        "variants": variants})


if __name__ == "__main__":
    main()
