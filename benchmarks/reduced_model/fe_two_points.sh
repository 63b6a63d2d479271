#!/usr/bin/env bash
# The finite-element check of the reduced model's rate and temperature trends at two points (issue 23):
# Li (T1 case) with the interface flaws on the 20 um window of the seed ensembles (80 cells, creep off), seeds 1-5,
# at 0.1 mA/cm2 and 25 C, and at 0.5 mA/cm2 and 60 C (the 0.5 mA/cm2, 25 C point is the flaws ensemble of
# benchmarks/t1_convergence/seed_ensembles.sh). Then fe_two_points.py compares with the reduced model.
#   benchmarks/reduced_model/fe_two_points.sh /work/runs/two_points
#   .venv/bin/python benchmarks/reduced_model/fe_two_points.py /work/runs/two_points /work/runs/ens_t1_flaws
set -euo pipefail
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
out=$1
window=(--set creep.model=none --set 'mesh.width=20 um' --set mesh.cells_along_interface=80 --set voids.flaws=true
        --set sweep.parameter=voids.seed --set 'sweep.values=[1,2,3,4,5]')
.venv/bin/phasefield sweep cases/t1_li_strip_voids.toml -o "$out/i0.1_25C" --overwrite -j 1 "${window[@]}" \
  --set 'protocol.steps=["Strip at 0.1 mA/cm^2 until 1 mAh/cm^2 or overpotential 0.15 V"]'
.venv/bin/phasefield sweep cases/t1_li_strip_voids.toml -o "$out/i0.5_60C" --overwrite -j 1 "${window[@]}" \
  --set 'cell.temperature=60 degC' \
  --set 'protocol.steps=["Strip at 0.5 mA/cm^2 until 1 mAh/cm^2 or overpotential 0.15 V"]'
