"""Creep closure of a flat interface void against the metal height of the window, the contact fraction and the aspect.

A flat-roofed void (half-width a, height h, diffuse width delta = 0.25 um, rounded corners) sits on the interface
at the window's left side (a symmetry plane), so the window of width W is half the period of a row of voids with
contact fraction f = 1 - a / W. The stack pressure acts on the window top (traction, metal entering freely), the
contact facets (|x| > a) are impenetrable with free slip: the cases' creep problem (:mod:`phasefield.physics.creep`).
For each metal height H the instantaneous flow gives the closure rate -(dA/dt)/A and the roof's shape of motion:
the downward speed of the roof (y = h + 2 delta) at its centre against that at 0.8 a (a block settles as one, a plate
sags in its middle and would split the void). The reduced model's law for the same void
(:func:`phasefield.reduced.laws.norton_closure_rate`, the hollow cylinder of the void's area in a cell of the void
spacing under p / f, ``load_on_contact``) is listed beside it, without the Laplace pressure gamma / r that the reduced
model adds (the finite-element problem here has no capillary force, as in the cases).

Second, on a converged window, the closure against the contact fraction f and the void's aspect h / a, as a multiple of
the Norton rate at the stress the contact carries: c in -(dA/dt)/A = c A_T (p / f)^n. Some of these cold creep solves
(no earlier solution to start from) fail, and whether one fails depends on the solves run before it in the process
(docs/creep.md, "The window's metal height"): those are solved again by a continuation in the stack pressure
(:func:`phasefield.verification.flat_void.solved_by_continuation`, listed in the row), and a failure of that too is
recorded as such.

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/creep_closure/window_height.py [OUT.json] (about 10 minutes).
"""

import math  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from mpi4py import MPI

from phasefield.output.metadata import git_revision, versions, write_json
from phasefield.parameters.sets import PARAMETER_SETS
from phasefield.physics.creep import NortonLaw
from phasefield.reduced.laws import norton_closure_rate
from phasefield.solvers.failures import SolverFailure
from phasefield.verification.flat_void import CELLS_PER_UM, DELTA, flat_void_closure

TEMPERATURE = 298.15
#: (metal set, stack pressure Pa, half-width a m, window W m, void height h m)
VOIDS = [("Li", 1e6, 2e-6, 4e-6, 0.5e-6), ("Li", 1e6, 5e-6, 10e-6, 1e-6), ("Li", 1e6, 10e-6, 20e-6, 1e-6),
         ("Li0.97Mg0.03", 0.2e6, 10e-6, 20e-6, 1e-6)]
HEIGHTS = (8e-6, 16e-6, 32e-6, 64e-6)
#: the second study: Li under 1 MPa, a = 4 um, on 16 um of metal (converged: H > 1.6 x 2a), the contact fraction f
#: and the void's aspect h / a varied
SCAN_METAL, SCAN_PRESSURE, SCAN_HALF_WIDTH, SCAN_METAL_HEIGHT = "Li", 1e6, 4e-6, 16e-6
SCAN_CONTACT = (0.2, 0.35, 0.5, 0.65, 0.8)
SCAN_ASPECT = (0.125, 0.25, 0.5, 1.0)


def norton_law(metal_set: str) -> NortonLaw:
    return NortonLaw.from_parameters(PARAMETER_SETS[metal_set].si(), TEMPERATURE)


def closure(metal_set: str, pressure: float, half_width: float, width: float, height: float,
            metal_height: float) -> dict:
    """:func:`phasefield.verification.flat_void.flat_void_closure` for a metal set at 25 C, timed; a failed creep
    solve gives ``{"failed": why}``."""
    clock = time.perf_counter()
    try:
        row = flat_void_closure(norton_law(metal_set), pressure, half_width, width, height, metal_height)
    except SolverFailure as failure:
        row = {"failed": str(failure)}
    return {"metal_height_um": metal_height * 1e6} | row | {"solve_s": time.perf_counter() - clock}


def reduced_rate(metal_set: str, pressure: float, half_width: float, width: float, height: float,
                 on_contact: bool = True) -> float:
    """The reduced model's hollow-cylinder -(dA/dt)/A for the same void (area 2 a h, cell radius W) under p / f
    (``on_contact``) or p alone."""
    law = norton_law(metal_set)
    radius = math.sqrt(2.0 * (2.0 * half_width * height) / math.pi)
    stress = pressure / (1.0 - half_width / width) if on_contact else pressure
    return float(norton_closure_rate(law.rate_factor, law.stress_exponent, stress, radius, width))


def scan() -> list[dict]:
    """The closure against the contact fraction and the aspect."""
    law = norton_law(SCAN_METAL)
    rows = []
    for contact in SCAN_CONTACT:
        for aspect in SCAN_ASPECT:
            width, height = SCAN_HALF_WIDTH / (1.0 - contact), aspect * SCAN_HALF_WIDTH
            row = {"contact_fraction": contact, "aspect_h_over_a": aspect, "window_um": width * 1e6}
            row |= closure(SCAN_METAL, SCAN_PRESSURE, SCAN_HALF_WIDTH, width, height, SCAN_METAL_HEIGHT)
            rows.append(row)
            if "failed" in row:
                print(f"f {contact} h/a {aspect}: {row['failed']}", flush=True)
                continue
            row["coefficient"] = row["closure_rate_per_s"] / law.strain_rate(SCAN_PRESSURE / contact)
            row["reduced_closure_rate_per_s"] = reduced_rate(SCAN_METAL, SCAN_PRESSURE, SCAN_HALF_WIDTH, width, height)
            row["reduced_remote_closure_rate_per_s"] = reduced_rate(SCAN_METAL, SCAN_PRESSURE, SCAN_HALF_WIDTH, width,
                                                                    height, on_contact=False)
            print(f"f {contact} h/a {aspect}: closure {row['closure_rate_per_s']:.3e} 1/s = "
                  f"{row['coefficient']:.4f} A_T (p/f)^n; hollow cylinder {row['reduced_closure_rate_per_s']:.3e}",
                  flush=True)
    return rows


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("window_height.json")
    if MPI.COMM_WORLD.size > 1:
        raise SystemExit("serial only (the roof speeds are read on one rank)")
    results = []
    for metal_set, pressure, half_width, width, height in VOIDS:
        rows = [closure(metal_set, pressure, half_width, width, height, h) for h in HEIGHTS]
        results.append({"metal": metal_set, "stack_pressure_MPa": pressure / 1e6, "half_width_um": half_width * 1e6,
                        "window_um": width * 1e6, "void_height_um": height * 1e6,
                        "contact_fraction": 1.0 - half_width / width,
                        "reduced_closure_rate_per_s": reduced_rate(metal_set, pressure, half_width, width, height),
                        "reduced_remote_closure_rate_per_s": reduced_rate(metal_set, pressure, half_width, width,
                                                                          height, on_contact=False),
                        "rows": rows})
        for row in rows:
            outcome = row["failed"] if "failed" in row else (f"closure {row['closure_rate_per_s']:.3e} 1/s, sag share "
                                                             f"{row['sag_share']:+.3f} ({row['solve_s']:.1f} s)")
            print(f"{metal_set} {pressure / 1e6:g} MPa a {half_width * 1e6:g} um W {width * 1e6:g} um: "
                  f"H {row['metal_height_um']:g} um {outcome}", flush=True)
    write_json(output, {
        "benchmark": "creep closure of a flat interface void against the window's metal height "
                     "(benchmarks/creep_closure/window_height.py)",
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "git_revision": git_revision(),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count()},
        "versions": versions(), "diffuse_width_um": DELTA * 1e6, "cells_per_um": CELLS_PER_UM,
        "temperature_K": TEMPERATURE, "voids": results,
        "scan": {"metal": SCAN_METAL, "stack_pressure_MPa": SCAN_PRESSURE / 1e6, "half_width_um": SCAN_HALF_WIDTH * 1e6,
                 "metal_height_um": SCAN_METAL_HEIGHT * 1e6, "rows": scan()}})


if __name__ == "__main__":
    main()
