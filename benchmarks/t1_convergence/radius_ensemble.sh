#!/usr/bin/env bash
# The nucleus-radius ensemble of docs/voids.md ("T1 convergence with the error control"): the T1 case on a
# 20 um window (80 cells along it, the T1 cell size), no creep, phase tolerance 0.05 (the case's), 8 seeds,
# at r_n = 1 um and 0.5 um, each a `phasefield sweep` over voids.seed (ensemble.csv, ensemble.json: mean +- sd).
# Usage (repository root): benchmarks/t1_convergence/radius_ensemble.sh [OUTPUT_DIR]   (~25 min on 2 cores)
set -euo pipefail
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
out=${1:-results/t1_radius_ensemble}
for radius in 1 0.5; do
  .venv/bin/phasefield sweep cases/t1_li_strip_voids.toml -o "$out/r$radius" --overwrite -j 1 \
    --set sweep.parameter=voids.seed --set 'sweep.values=[1,2,3,4,5,6,7,8]' --set creep.model=none \
    --set 'mesh.width=20 um' --set mesh.cells_along_interface=80 \
    --set 'protocol.steps=["Strip at 0.5 mA/cm^2 until 1 mAh/cm^2 or overpotential 0.15 V"]' \
    --set "voids.nucleus_radius=$radius um" &
done
wait
