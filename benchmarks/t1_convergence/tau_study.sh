#!/usr/bin/env bash
# The interface-kinetics study of docs/voids.md ("Interface kinetics: tau"): the T1 case on the 20 um window of
# radius_ensemble.sh (80 cells along it, the T1 cell size), no creep, the case's phase tolerance 0.05, seeds 1-3,
# each a `phasefield sweep` over voids.relaxation_time = 1, 0.1, 0.01 s (the limiter's speed cap alpha delta /
# (3 tau) = 0.083, 0.83, 8.3 um/s), strip to 1 mAh/cm2 or 0.15 V; then the table and the edge speeds.
# Usage (repository root): benchmarks/t1_convergence/tau_study.sh [OUTPUT_DIR]   (~15 min on one core)
set -euo pipefail
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
out=${1:-results/t1_tau_study}
for seed in 1 2 3; do
  .venv/bin/phasefield sweep cases/t1_li_strip_voids.toml -o "$out/seed$seed" --overwrite -j 1 \
    --set creep.model=none --set 'mesh.width=20 um' --set mesh.cells_along_interface=80 --set voids.seed=$seed \
    --set sweep.parameter=voids.relaxation_time --set 'sweep.values=["1 s","0.1 s","0.01 s"]' \
    --set 'protocol.steps=["Strip at 0.5 mA/cm^2 until 1 mAh/cm^2 or overpotential 0.15 V"]'
done
runs=("$out"/seed*/relaxation_time_*)
.venv/bin/python benchmarks/t1_convergence/summary.py "${runs[@]}" | tee "$out/table.md"
.venv/bin/python benchmarks/t1_convergence/edges.py "${runs[@]}"
