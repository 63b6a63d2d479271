"""How long creep under the seed's 0.2 MPa takes to collapse a wide Li-Mg void, against the contact fraction.

The void of the Li-Mg measurements (seed Fig 1g: ~20 um wide, ~1 um tall) as a flat-roofed interface void on a
converged window (32 um of metal, 1.6 times its width; docs/creep.md, "The window's metal height"), under 0.2 MPa at
25 C with the Li0.97Mg0.03 set's Norton law, for contact fractions f from 0.1 to 0.5 (the window W = a / (1 - f) is
half the period of a row of such voids). For each f: the closure rate -(dA/dt)/A, the time 1 / rate to lose a
factor e of the void's area, that time in mAh/cm2 of stripping at 0.5 mA/cm2, and the coefficient c in
-(dA/dt)/A = c A_T (p / f)^n. Cold solves that fail are retried by a continuation in the stack pressure
(:func:`phasefield.verification.flat_void.solved_by_continuation`; its solves are listed in the row).

This checks the estimate of docs/mechanism.md ("Can creep split or collapse a wide void?"): a collapse within the
stripping time of the measurements (0.5-2.6 mAh/cm2) needs the contact below ~14%.

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/creep_closure/li_mg_collapse.py [OUT.json] (a few minutes).
"""

import os  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from mpi4py import MPI

from phasefield.output.metadata import git_revision, versions, write_json

sys.path.insert(0, str(Path(__file__).parent))
from window_height import TEMPERATURE, closure, norton_law  # noqa: E402

METAL, PRESSURE, HALF_WIDTH, HEIGHT, METAL_HEIGHT = "Li0.97Mg0.03", 0.2e6, 10e-6, 1e-6, 32e-6
CONTACT = (0.1, 0.14, 0.2, 0.35, 0.5)
#: the stripping current of the measurements (A/m^2: 0.5 mA/cm2) and one mAh/cm2 in C/m^2
CURRENT_DENSITY, MAH_PER_CM2 = 5.0, 36.0e3


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("li_mg_collapse.json")
    if MPI.COMM_WORLD.size > 1:
        raise SystemExit("serial only (the roof speeds are read on one rank)")
    law = norton_law(METAL)
    rows = []
    for contact in CONTACT:
        row = {"contact_fraction": contact, "window_um": HALF_WIDTH / (1.0 - contact) * 1e6}
        row |= closure(METAL, PRESSURE, HALF_WIDTH, HALF_WIDTH / (1.0 - contact), HEIGHT, METAL_HEIGHT)
        if "failed" not in row:
            rate = row["closure_rate_per_s"]
            row |= {"e_folding_time_h": 1.0 / rate / 3600.0,
                    "e_folding_capacity_mAh_per_cm2": CURRENT_DENSITY / rate / MAH_PER_CM2,
                    "coefficient": rate / law.strain_rate(PRESSURE / contact)}
            print(f"f {contact}: closure {rate:.3e} 1/s, e-folding {row['e_folding_time_h']:.3g} h = "
                  f"{row['e_folding_capacity_mAh_per_cm2']:.3g} mAh/cm2, c {row['coefficient']:.4f}"
                  f"{' (continuation)' if row['pressure_continuation'] else ''}", flush=True)
        else:
            print(f"f {contact}: {row['failed']}", flush=True)
        rows.append(row)
    write_json(output, {
        "benchmark": "creep collapse time of a wide Li-Mg void against the contact fraction "
                     "(benchmarks/creep_closure/li_mg_collapse.py)",
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "git_revision": git_revision(),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count()}, "versions": versions(),
        "metal": METAL, "stack_pressure_MPa": PRESSURE / 1e6, "temperature_K": TEMPERATURE,
        "half_width_um": HALF_WIDTH * 1e6, "void_height_um": HEIGHT * 1e6, "metal_height_um": METAL_HEIGHT * 1e6,
        "stripping_current_A_per_m2": CURRENT_DENSITY, "rows": rows})


if __name__ == "__main__":
    main()
