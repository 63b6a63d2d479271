#!/usr/bin/env bash
# CH-S1 side by side (../../shared/BENCHMARKS.md): phasefield vs the DOLFINx demo formulation vs FiPy.
#
#   benchmarks/ch_s1/run_all.sh [OUTPUT_DIR]             full comparison (default results/ch_s1);
#                                                        several hours on a quiet 2-core machine
#   benchmarks/ch_s1/run_all.sh --budget [OUTPUT_DIR]    the short horizon on a coarser grid (about 1.5 h)
#   benchmarks/ch_s1/run_all.sh --validate [OUTPUT_DIR]  48 x 48 cells up to t = 2e-5 (a few minutes)
#
# Steps: install FiPy 4 if missing; the converged reference (reference.py); the sweep of settings of
# each code on 1 and 2 ranks (sweep.py); the summary (compare.py -> summary.md, summary.json, runs.csv).
# Finished runs are kept, so an interrupted comparison resumes where it stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
PY=.venv/bin/python
HERE=benchmarks/ch_s1

validate=0 budget=0
if [ "${1:-}" = "--validate" ]; then validate=1; shift; fi
if [ "${1:-}" = "--budget" ]; then budget=1; shift; fi
OUT=${1:-results/ch_s1}
[ "$validate" = 1 ] && [ -z "${1:-}" ] && OUT=results/ch_s1_validation

$PY -c "import fipy" 2>/dev/null || .venv/bin/pip install --quiet "fipy>=4,<5"
mkdir -p "$OUT"
if [ "$validate" = 1 ]; then
    $PY $HERE/reference.py --output-dir "$OUT" --cells 48 64 --tolerances 1e-5 3e-6 --degree 1 --t-end 2e-5
    $PY $HERE/sweep.py --output "$OUT" --validate --horizons short
elif [ "$budget" = 1 ]; then
    $PY $HERE/reference.py --output-dir "$OUT" --ranks 2 --t-end 2e-4
    $PY $HERE/sweep.py --output "$OUT" --budget
else
    $PY $HERE/reference.py --output-dir "$OUT" --ranks 2
    $PY $HERE/sweep.py --output "$OUT"
fi
echo "summary: $OUT/summary.md"
