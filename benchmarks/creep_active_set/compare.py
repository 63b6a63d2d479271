"""The largest difference between two runs' timeseries.csv, column by column, over the rows after a step.

    .venv/bin/python benchmarks/creep_active_set/compare.py BEFORE/timeseries.csv AFTER/timeseries.csv \
        --after-step 70 --output benchmarks/creep_active_set/csv_difference_restart70_1.json

For each column: the largest absolute difference and that difference relative to the column's largest
magnitude (0 where both are 0); the iteration columns are listed apart (they are expected to differ).
"""

import argparse
import json

import numpy as np

from phasefield.output.timeseries import read_timeseries

#: columns that count solver work, not results
WORK_COLUMNS = ("newton_iterations", "void_newton_iterations", "creep_iterations", "rejected_steps")


def differences(before: dict, after: dict, after_step: int) -> dict[str, dict[str, float]]:
    """Per column: largest absolute and relative difference over the rows with step > ``after_step``."""
    rows_before = np.asarray(before["step"]) > after_step
    rows_after = np.asarray(after["step"]) > after_step
    if not np.array_equal(np.asarray(before["step"])[rows_before], np.asarray(after["step"])[rows_after]):
        raise SystemExit("the two runs have different steps after the restart")
    table = {}
    for name in before:
        a, b = np.asarray(before[name])[rows_before], np.asarray(after[name])[rows_after]
        absolute = float(np.max(np.abs(a - b), initial=0.0))
        scale = float(np.max(np.abs(a), initial=0.0))
        table[name] = {"absolute": absolute, "relative": absolute / scale if scale > 0 else 0.0}
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--after-step", type=int, default=0)
    parser.add_argument("--output")
    args = parser.parse_args()
    table = differences(read_timeseries(args.before), read_timeseries(args.after), args.after_step)
    results = {name: value for name, value in table.items() if name not in WORK_COLUMNS}
    largest = max(results, key=lambda name: results[name]["relative"])
    summary = {"before": args.before, "after": args.after, "after_step": args.after_step,
               "largest_relative_difference": {"column": largest, **results[largest]},
               "results": results, "work": {name: table[name] for name in WORK_COLUMNS if name in table}}
    if args.output:
        with open(args.output, "w") as handle:
            json.dump(summary, handle, indent=1)
    for name, value in sorted(results.items(), key=lambda kv: -kv[1]["relative"]):
        print(f"{name:40s} {value['absolute']:.3e} {value['relative']:.3e}")


if __name__ == "__main__":
    main()
