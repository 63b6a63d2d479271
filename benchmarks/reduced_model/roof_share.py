"""Where the bulk vacancies land on a semicircular void, solved in its true 2-D geometry, against the reduced
model's flat-strip rule (`Mechanisms(roof_growth=True)`, docs/reduced_model.md section (d)).

The exact problem: voids of radius a in a periodic array of spacing 2R on the interface y = 0, the metal above
them; the linearised vacancy excess solves -lap u + u / l^2 = 0 (l the sink length), u = 0 on the void surface,
-du/dy = j on the contact (a < |x| < R), mirror planes at x = 0 and x = R, no flux at the top (y = H, several l
up). P2 Lagrange on a structured mesh of the quarter cell between the arc and the rectangle [0, R] x [0, H] (rays
from the void centre, graded towards the arc), solved twice (80 x 160 and 160 x 320 cells). Reported: the share of
the void's capture on its side walls (within 45 deg of the interface plane, whose growth moves the edges) and the
captured share of the injection, against the reduced model's edge share (its bulk flux within EDGE_ZONE w of the
edges) and capture for one void of footprint 2a on a strip of 2R. Then the T1/T2 ensembles (10 seeds) with the
edge zone raised until the flat-strip rule gives the exact shares (a bracket, not a rule).

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/reduced_model/roof_share.py [OUT.json]
(default benchmarks/reduced_model/roof_share.json; about 35 s).
"""

import os  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from mpi4py import MPI  # noqa: F401 - before the DOLFINx the verification module imports

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import tables  # noqa: E402

from phasefield.case import load_case  # noqa: E402
from phasefield.output.metadata import git_revision, versions, write_json  # noqa: E402
from phasefield.reduced.capture import VacancyPartition  # noqa: E402
from phasefield.reduced.settings import EDGE_ZONE  # noqa: E402
from phasefield.verification.void_growth import sharp_interface_shares  # noqa: E402

#: (a, R, l) in m: radius, half the spacing, sink length (12.9 um: the cases' 100 um grains)
GEOMETRIES = [(1e-6, 3e-6, 12.9e-6), (1e-6, 10e-6, 12.9e-6), (1e-6, 30e-6, 12.9e-6), (2e-6, 20e-6, 12.9e-6),
              (1e-6, 10e-6, 1e-3)]
#: edge zones (share of the footprint) for the ensembles: the derived rule and the bracket of the exact shares
ZONES = [EDGE_ZONE, 0.18, 0.25]


def reduced_shares(radius: float, half_spacing: float, sink_length: float) -> tuple[float, float]:
    """(edge share, captured share) of the reduced model's flat strip (nodes of 0.0625 um)."""
    partition = VacancyPartition(2 * half_spacing, sink_length, node_spacing=0.0625e-6)
    shares = partition.partition(np.array([half_spacing - radius]), np.array([2 * radius]), 1.0, 0.0, 0.0,
                                 np.array([EDGE_ZONE * 2 * radius]))
    return shares.at_edges[0] / shares.captured[0], shares.captured[0] / (2 * (half_spacing - radius))


def ensembles() -> list[dict]:
    rows = []
    for zone in ZONES:
        for scale in (1.0, 7.0):
            for name, path in tables.CASES.items():
                case = load_case(path)
                base = tables.roof_growth_settings(case, True, scale, zone)
                result = tables.ensemble(lambda seed, base=base: base.replace(seed=seed), case)
                rows.append({"edge_zone": zone, "flaw_spacing_factor": scale, "metal": name,
                             **{key: result[key] for key in ("rise", "early count", "h_eff at rise")}})
                print(rows[-1], flush=True)
    return rows


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("roof_share.json")
    geometries = []
    for radius, half_spacing, sink_length in GEOMETRIES:
        exact = {cells: sharp_interface_shares(radius, half_spacing, sink_length, cells) for cells in (80, 160)}
        flat = reduced_shares(radius, half_spacing, sink_length)
        geometries.append({"radius_um": radius * 1e6, "half_spacing_um": half_spacing * 1e6,
                           "sink_length_um": sink_length * 1e6,
                           "exact_side_wall_share": {str(c): s[0] for c, s in exact.items()},
                           "exact_captured_share": {str(c): s[1] for c, s in exact.items()},
                           "reduced_edge_share": flat[0], "reduced_captured_share": flat[1]})
        print(geometries[-1], flush=True)
    write_json(output, {
        "study": "side-wall share of a semicircular void's capture, true geometry against the flat-strip rule",
        "geometries": geometries, "ensembles_10_seeds": ensembles(),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "host": platform.node()},
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "git_revision": git_revision(),
        "versions": versions()})


if __name__ == "__main__":
    main()
