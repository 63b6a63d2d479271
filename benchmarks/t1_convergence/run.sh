#!/usr/bin/env bash
# The T1 convergence study of docs/voids.md ("T1/T2 with the issue-22 numerics"): the T1 case to 1 mAh/cm2
# without creep, one setting changed per row (--set), two rows at a time; then the table and the edge speeds.
# Usage (repository root): benchmarks/t1_convergence/run.sh [OUTPUT_DIR] [ROW ...]   (~1.5 h on 2 cores;
# the pe_ rows, with the phase error control, ran to 0.4 mAh/cm2 in docs/voids.md: ~15-60 min each on an idle core)
# The nucleus-radius ensemble of docs/voids.md: radius_ensemble.sh.
set -euo pipefail
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
out=${1:-results/t1_convergence}; shift || true
case_file=cases/t1_li_strip_voids.toml
common=(--set 'protocol.steps=["Strip at 0.5 mA/cm^2 until 1 mAh/cm^2 or overpotential 1 V"]' --set creep.model=none
        --set 'time.phase_tolerance=inf')  # the fixed-step rows; the pe_ rows set their tolerance
half_mesh=(--set mesh.cells_along_interface=480 --set mesh.metal_cells=56 --set mesh.electrolyte_cells=16
           --set 'mesh.interface_cell_height=0.1 um')
row() {  # the --set options of one row
  case $1 in
    base) ;;
    dt_half) echo "--set|time.capacity_step=0.00125 mAh/cm^2" ;;
    dt_quarter) echo "--set|time.capacity_step=0.000625 mAh/cm^2" ;;
    radius_half) echo "--set|voids.nucleus_radius=0.5 um" ;;
    mesh_half) printf '%s|' "${half_mesh[@]}" ;;
    width_half_mesh_half) printf '%s|' "${half_mesh[@]}" --set 'voids.interface_width=0.25 um' ;;
    base_tau01) echo "--set|voids.relaxation_time=0.1 s" ;;
    dt_half_tau01) echo "--set|voids.relaxation_time=0.1 s|--set|time.capacity_step=0.00125 mAh/cm^2" ;;
    base_pass3) echo "--set|time.coupling_passes=3" ;;
    base_previous_step) echo "--set|voids.stabilization=previous_step" ;;
    base_diffuse) echo "--set|voids.contact_measure=diffuse" ;;
    # the phase error control (docs/voids.md, "Steps adapted to the void edges"; tolerance 0.05 is the case's)
    pe_base) echo "--set|time.phase_tolerance=0.05" ;;
    pe_tol_quarter) echo "--set|time.phase_tolerance=0.0125" ;;
    pe_tau01) echo "--set|time.phase_tolerance=0.05|--set|voids.relaxation_time=0.1 s" ;;
    pe_radius_half) echo "--set|time.phase_tolerance=0.05|--set|voids.nucleus_radius=0.5 um" ;;
    pe_mesh_half) printf '%s|' "${half_mesh[@]}" --set time.phase_tolerance=0.05 ;;
    pe_width_half) printf '%s|' "${half_mesh[@]}" --set time.phase_tolerance=0.05 --set 'voids.interface_width=0.25 um' ;;
    *) echo "unknown row $1" >&2; exit 2 ;;
  esac
}
rows=("$@")
[ ${#rows[@]} -gt 0 ] || rows=(base dt_half dt_quarter radius_half width_half_mesh_half mesh_half base_tau01
                                 dt_half_tau01 base_pass3 base_previous_step base_diffuse)
mkdir -p "$out"
# each line quoted as the shell reads it back
: > "$out/commands.sh"
for name in "${rows[@]}"; do
  IFS='|' read -r -a extra <<< "$(row "$name")"
  printf '%q ' .venv/bin/phasefield run "$case_file" -o "$out/$name" --overwrite -q "${common[@]}" "${extra[@]}" \
    >> "$out/commands.sh"
  printf '> %q 2>&1\n' "$out/$name.log" >> "$out/commands.sh"
done
xargs -P 2 -I{} -d '\n' bash -c '{}' < "$out/commands.sh" || true
.venv/bin/python benchmarks/t1_convergence/summary.py "${rows[@]/#/$out/}" | tee "$out/table.md"
.venv/bin/python benchmarks/t1_convergence/edges.py "${rows[@]/#/$out/}"
