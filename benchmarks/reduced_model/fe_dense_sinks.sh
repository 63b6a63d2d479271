#!/usr/bin/env bash
# The finite-element check of annihilation_site.py (docs/mechanism.md, "Where the stripped sites vanish"): the T1 or T2
# case on the 20 um window (80 cells along it), with the metal set's flaws, the interface vacancy layer, the cases'
# creep, and the vacancy sink spacing given in um.
# Usage (repository root): benchmarks/reduced_model/fe_dense_sinks.sh t1|t2 SINK_SPACING_UM SEED OUTPUT_DIR [--set K=V ...]
# (further arguments go to `phasefield run`, e.g. --set interdiffusion.nonnegative=true for t2)
set -euo pipefail
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
case ${1:-} in
  t1) case_file=cases/t1_li_strip_voids.toml ;;
  t2) case_file=cases/t2_limg_strip_voids.toml ;;
  *) echo "usage: $0 t1|t2 SINK_SPACING_UM SEED OUTPUT_DIR [--set K=V ...]" >&2; exit 2 ;;
esac
[ $# -ge 4 ] || { echo "usage: $0 t1|t2 SINK_SPACING_UM SEED OUTPUT_DIR [--set K=V ...]" >&2; exit 2; }
.venv/bin/phasefield run "$case_file" -o "$4" -q --set 'mesh.width=20 um' --set mesh.cells_along_interface=80 \
  --set "voids.seed=$3" --set voids.flaws=true --set voids.interface_layer=true \
  --set "metal.vacancy_sink_spacing=$2 um" "${@:5}"
