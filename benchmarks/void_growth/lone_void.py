"""How a lone finite-element void grows (:mod:`phasefield.verification.void_growth`: a semicircle of radius 2 um
on the interface of an 8 x 6 um window, fed by its contact's injection or by a uniform source at 0.5 mA/cm2):
its aspect ratio against its area, for the diffuse width 0.25 um at 8 cells per um (16 diffuse widths across
the void), then the time step, the interface time, the mesh, the diffuse width (0.5, 0.25, 0.125 um) and the cap
of the phase driving force (``[voids] driving_force_limit``: 0.5, the cases' default until 2026-12-06, and 0.2
down to 0.02; 0.1 the default since) varied. Reference: the
side walls' share s of the sharp-interface problem in the same box
(:func:`phasefield.verification.void_growth.sharp_interface_shares`), r prop. to A^(1 - 2s).

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/void_growth/lone_void.py [OUT.json] (about 3 minutes).
"""

import os  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from mpi4py import MPI

from phasefield.output.metadata import git_revision, versions, write_json
from phasefield.verification.void_growth import HEIGHT, RADIUS, WIDTH, grow_lone_void, sharp_interface_shares

DELTA, CELLS_PER_UM = 0.25e-6, 8
#: (label, feed, time step s, interface time tau s, diffuse width m, cells per um, driving limit)
RUNS = [("contact injection, dt 18 s", "contact", 18.0, 1.0, DELTA, CELLS_PER_UM, 0.5),
        ("contact injection, dt 2 s", "contact", 2.0, 1.0, DELTA, CELLS_PER_UM, 0.5),
        ("contact injection, tau 0.1 s", "contact", 18.0, 0.1, DELTA, CELLS_PER_UM, 0.5),
        ("uniform source, dt 18 s", "uniform", 18.0, 1.0, DELTA, CELLS_PER_UM, 0.5),
        ("contact injection, 16 cells per um", "contact", 18.0, 1.0, DELTA, 16, 0.5),
        ("contact injection, delta 0.5 um (the cases' width)", "contact", 18.0, 1.0, 0.5e-6, 4, 0.5),
        ("contact injection, delta 0.5 um, dt 2 s", "contact", 2.0, 1.0, 0.5e-6, 4, 0.5),
        ("contact injection, delta 0.125 um", "contact", 18.0, 1.0, 0.125e-6, 16, 0.5),
        ("contact injection, limit 0.2", "contact", 18.0, 1.0, DELTA, CELLS_PER_UM, 0.2),
        ("contact injection, limit 0.1", "contact", 18.0, 1.0, DELTA, CELLS_PER_UM, 0.1),
        ("contact injection, limit 0.1, dt 2 s", "contact", 2.0, 1.0, DELTA, CELLS_PER_UM, 0.1),
        ("uniform source, limit 0.1", "uniform", 18.0, 1.0, DELTA, CELLS_PER_UM, 0.1),
        ("contact injection, limit 0.1, delta 0.125 um", "contact", 18.0, 1.0, 0.125e-6, 16, 0.1),
        ("contact injection, limit 0.1, delta 0.5 um (the cases' default)", "contact", 18.0, 1.0, 0.5e-6, 4, 0.1),
        ("contact injection, limit 0.1, delta 0.5 um, dt 2 s", "contact", 2.0, 1.0, 0.5e-6, 4, 0.1),
        ("contact injection, limit 0.05", "contact", 18.0, 1.0, DELTA, CELLS_PER_UM, 0.05),
        ("contact injection, limit 0.02, tau 0.1 s", "contact", 18.0, 0.1, DELTA, CELLS_PER_UM, 0.02)]


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("lone_void.json")
    wall, captured = sharp_interface_shares(RADIUS, WIDTH, 1.0, 80, height=HEIGHT)
    results = {}
    for label, feed, dt, tau, delta, cells, limit in RUNS:
        clock = time.perf_counter()
        grown = grow_lone_void(feed, dt, tau, delta, cells, limit)
        results[label] = {"feed": feed, "dt_s": dt, "tau_s": tau, "interface_width_um": delta * 1e6,
                          "cells_per_um": cells, "driving_limit": limit, **grown,
                          "wall_s": time.perf_counter() - clock}
        r = results[label]
        print(f"{label}: aspect {r['aspect_start']:.3f} -> {r['aspect_end']:.3f}, area {r['rows'][0]['area_um2']:.2f}"
              f" -> {r['rows'][-1]['area_um2']:.2f} um2, slope {r['slope_dln_aspect_dln_area']:+.3f}", flush=True)
    print(f"sharp interface, same box: side walls {wall:.3f} of the capture, slope 1 - 2s = {1 - 2 * wall:+.3f}")
    write_json(output, {
        "study": "a lone finite-element void fed by its contact or from afar: aspect ratio against area",
        "geometry": {"radius_um": RADIUS * 1e6, "window_um": [WIDTH * 1e6, HEIGHT * 1e6],
                     "contact_angle_deg": 93.6},
        "sharp_interface_reference": {"side_wall_share": wall, "captured_share": captured,
                                      "slope_1_minus_2s": 1 - 2 * wall},
        "runs": results,
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "host": platform.node()},
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "git_revision": git_revision(),
        "versions": versions(), "mpi_ranks": MPI.COMM_WORLD.size})


if __name__ == "__main__":
    main()
