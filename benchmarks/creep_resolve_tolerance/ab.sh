#!/usr/bin/env bash
# T2 with creep to 0.5 mAh/cm2: every step solved vs [creep] resolve_tolerance 1e-3, back to back, 1 rank
set -e
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
for tol in 0 1e-3; do
  /usr/bin/time -v .venv/bin/phasefield run cases/t2_limg_strip_voids.toml -o ${OUT:-/tmp/creep_lag}/t2_tol$tol --overwrite -q \
    --set creep.resolve_tolerance=$tol --set 'protocol.steps=["Strip at 0.5 mA/cm^2 until 0.5 mAh/cm^2 or overpotential 0.15 V"]' \
    2> ${OUT:-/tmp/creep_lag}/t2_tol$tol.time
done
