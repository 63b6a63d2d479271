#!/usr/bin/env bash
# The headline case to CAPACITY mAh/cm2 on one rank with DOLFINx's kernel flags and with phasefield's
# (phasefield/solvers/kernel_compilation.py), alternating, ROUNDS times each after one warm-up run of each (which
# fills the JIT cache), then the first pair's CSV difference (creep_active_set/compare.py) and the summary JSON.
# Usage: benchmarks/kernel_flags/compare.sh OUT [CAPACITY] [ROUNDS]
set -euo pipefail
OUT=$1; CAPACITY=${2:-0.1}; ROUNDS=${3:-2}
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
mkdir -p "$OUT"
run() {  # FLAGS NAME
  PHASEFIELD_KERNEL_FLAGS=$1 "$ROOT/.venv/bin/python" "$ROOT/benchmarks/headline/profile_headline.py" \
    --capacity "$CAPACITY" --output "$OUT/$2.json" --results "$OUT/results_$2" --label "kernel flags: $1" > "$OUT/$2.log" 2>&1
}
unset PHASEFIELD_KERNEL_FLAGS
FAST=$("$ROOT/.venv/bin/python" -c "from mpi4py import MPI; from phasefield.solvers import kernel_compilation as k; print(' '.join(k.chosen_flags()))")
run default warmup_default; run "$FAST" warmup_fast
for round in $(seq 1 "$ROUNDS"); do run default "default_$round"; run "$FAST" "fast_$round"; done
"$ROOT/.venv/bin/python" "$ROOT/benchmarks/creep_active_set/compare.py" "$OUT/results_default_1/timeseries.csv" \
  "$OUT/results_fast_1/timeseries.csv" --output "$OUT/csv_difference.json" > /dev/null
"$ROOT/.venv/bin/python" "$HERE/summary.py" "$OUT" "$ROUNDS"
