#!/bin/bash
# The four warm-start variants of warm_start_variants_20261206.json, one after the other on one core: the headline
# from step 100 of an unstopped run (CHECKPOINT, 6 steps to 0.53 mAh/cm2) and the T3 7 MPa member (20 um window) to
# 0.5 mAh/cm2 (MEMBER: the member's case as `phasefield sweep cases/t3_li_pressure_sweep_small_window.toml -o T3` wrote
# it, T3/cases/stack_pressure_7MPa.toml). Usage, from the repository root: run_variants.sh CHECKPOINT MEMBER OUT_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
checkpoint=$1 member=$2 out=$3
mkdir -p "$out"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
for v in "KW=0" "KW=1" "KW=2" "KW=1 NFOFF=1"; do
  tag=$(echo "$v" | tr ' =' '__')
  env $v PROFILE=1 .venv/bin/python "$here/warm_start_variants.py" --restart "$checkpoint" --capacity 0.53 \
    --output "$out/headline_$tag.json" --results "$out/headline_$tag" > "$out/headline_$tag.log" 2>&1
  s=$(date +%s)
  env $v .venv/bin/python "$here/warm_start_variants.py" run "$member" -o "$out/t3_7MPa_$tag" --overwrite -q \
    --set 'protocol.steps=["Strip at 0.5 mA/cm^2 until 0.5 mAh/cm^2 or overpotential 0.15 V"]' \
    > "$out/t3_7MPa_$tag.log" 2>&1
  echo "$(( $(date +%s) - s ))" > "$out/t3_7MPa_$tag/wall_s"
done
