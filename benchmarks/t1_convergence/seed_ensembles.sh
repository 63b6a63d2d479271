#!/usr/bin/env bash
# The seed ensembles of T1 (Li) and T2 (Li0.97Mg0.03) behind docs/voids.md ("Seed ensembles of T1 and T2",
# issue 23) and docs/figures/ensembles/: each case on the 20 um window of radius_ensemble.sh (80 cells along
# it, the T1 cell size), no creep unless `creep` is given, the case's phase tolerance 0.05, a `phasefield sweep`
# over voids.seed.
#   T1: 8 seeds, strip to 1 mAh/cm2 or 0.15 V (the r_n = 1 um ensemble of radius_ensemble.sh, same command).
#   T2: 5 seeds, strip to 4 mAh/cm2 or 0.15 V (measured: Li-Mg flat to ~3 mAh/cm2).
# Usage (repository root), one ensemble at a time (T2: 5 x 1600 steps, ~130 s each on one loaded core):
#   benchmarks/t1_convergence/seed_ensembles.sh t1 /work/runs/ens_r1
#   benchmarks/t1_convergence/seed_ensembles.sh t2 /work/runs/ens_t2
# Then the figure and the table (docs/figures/ensembles/):
#   .venv/bin/python postprocessing/ensemble_figure.py /work/runs/ens_r1 /work/runs/ens_t2 docs/figures/ensembles
# With the interface flaws of the metal sets ([voids] flaws, issue 23 item 4; 8 seeds each), a third argument:
#   benchmarks/t1_convergence/seed_ensembles.sh t1 /work/runs/ens_t1_flaws flaws
#   benchmarks/t1_convergence/seed_ensembles.sh t2 /work/runs/ens_t2_flaws flaws
#   .venv/bin/python postprocessing/ensemble_figure.py /work/runs/ens_t1_flaws /work/runs/ens_t2_flaws \
#       docs/figures/ensembles_flaws
# With the cases' creep kept (power law under 0.2 MPa; 4-7 min per T1 seed on a shared core), `creep`:
#   benchmarks/t1_convergence/seed_ensembles.sh t1 /work/runs/ens_t1_creep creep
#   benchmarks/t1_convergence/seed_ensembles.sh t2 /work/runs/ens_t2_creep creep
#   .venv/bin/python postprocessing/ensemble_figure.py /work/runs/ens_t1_creep /work/runs/ens_t2_creep \
#       docs/figures/ensembles_creep
# The flaws with the cases' creep and their driving-force cap 0.1 (8 seeds each; docs/mechanism.md has the first 5), `flaws-creep`:
#   benchmarks/t1_convergence/seed_ensembles.sh t1 /work/runs/ens_t1_flaws_creep flaws-creep
#   benchmarks/t1_convergence/seed_ensembles.sh t2 /work/runs/ens_t2_flaws_creep flaws-creep
#   .venv/bin/python postprocessing/ensemble_figure.py /work/runs/ens_t1_flaws_creep /work/runs/ens_t2_flaws_creep \
#       docs/figures/ensembles_flaws_creep
set -euo pipefail
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
usage() { echo "usage: $0 t1|t2 OUTPUT_DIR [flaws|creep|flaws-creep]" >&2; exit 2; }
target=${1:-}
out=${2:-}
[ -n "$out" ] || usage
window=(--set 'mesh.width=20 um' --set mesh.cells_along_interface=80)
t2_seeds='[1,2,3,4,5]'
case ${3:-} in
  flaws) window+=(--set creep.model=none --set voids.flaws=true); t2_seeds='[1,2,3,4,5,6,7,8]' ;;
  creep) ;;  # the cases' power-law creep under their 0.2 MPa kept
  flaws-creep) window+=(--set voids.flaws=true); t2_seeds='[1,2,3,4,5,6,7,8]' ;;
  '') window+=(--set creep.model=none) ;;
  *) usage ;;
esac

ensemble() {  # case, seeds (TOML list), protocol step, output directory
  .venv/bin/phasefield sweep "$1" -o "$4" --overwrite -j 1 "${window[@]}" \
    --set sweep.parameter=voids.seed --set "sweep.values=$2" --set "protocol.steps=[\"$3\"]"
}

case $target in
  t1) ensemble cases/t1_li_strip_voids.toml '[1,2,3,4,5,6,7,8]' \
        'Strip at 0.5 mA/cm^2 until 1 mAh/cm^2 or overpotential 0.15 V' "$out" ;;
  t2) ensemble cases/t2_limg_strip_voids.toml "$t2_seeds" \
        'Strip at 0.5 mA/cm^2 until 4 mAh/cm^2 or overpotential 0.15 V' "$out" ;;
  *) usage ;;
esac
