#!/usr/bin/env bash
# The cost of counting the created Mg (one residual assembly per accepted step, 8e7a0ee/8e07961) on default Li-Mg
# runs: the T5 and T6 strip-then-plate cases at OLD_TREE (a worktree of a revision before it) and at this tree,
# alternated three times, wall times from each run.json. Usage (repository root):
#   benchmarks/interdiffusion/created_mg_cost.sh OLD_TREE OUT.json
set -euo pipefail
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
old=$1; out=$2; new=$(pwd); tmp=$(mktemp -d); py=$new/.venv/bin/python
for i in 1 2 3; do
  for c in t5_limg_strip_0p5_darken t6_limg_strip_plate_25C_darken; do
    for tree in "$old" "$new"; do
      label=$([ "$tree" = "$old" ] && echo before || echo after)
      (cd "$tree" && PYTHONPATH="$tree" "$py" -m phasefield run "cases/$c.toml" -o "$tmp/${label}_${c}_$i" -q)
    done
  done
done
"$py" - "$tmp" "$out" "$old" <<'PY'
import json, platform, subprocess, sys
from datetime import UTC, datetime
from pathlib import Path
tmp, out, old = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
runs = {}
for run in sorted(tmp.iterdir()):
    label, rest = run.name.split("_", 1)
    case, _ = rest.rsplit("_", 1)
    runs.setdefault(case, {}).setdefault(label, []).append(json.loads((run / "run.json").read_text())["wall_time_s"])
rev = lambda d: subprocess.run(["git", "-C", d, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
Path(out).write_text(json.dumps({
    "what": "wall time (run.json) of default Li-Mg cases before and after the created-Mg count, alternated",
    "date": datetime.now(UTC).isoformat(timespec="seconds"), "before_revision": rev(old), "after_revision": rev("."),
    "machine": {"platform": platform.platform(), "cpu_count": __import__("os").cpu_count()}, "ranks": 1,
    "wall_time_s": runs}, indent=2) + "\n")
print(json.dumps(runs))
PY
