"""benchmarks/headline/profile_headline.py for a case without creep (the 3-D T1): the same profile (wall time,
PETSc events, time shares, peak memory) with a creep iteration count of 0 per step, the column a run without
creep does not write.

    .venv/bin/mpiexec -n 2 .venv/bin/python benchmarks/three_d/profile_3d.py --case cases/t1_li_strip_voids_3d.toml \
        --capacity 0.05 --output benchmarks/three_d/profile_3d_0p05_2ranks.json
"""

import sys  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx (profile_headline imports them)
from pathlib import Path

from mpi4py import MPI  # noqa: F401

sys.path.insert(0, str(Path(__file__).parent.parent / "headline"))
import profile_headline  # noqa: E402 - a sibling benchmark script, not a package

timeseries = profile_headline.read_timeseries


def without_creep(path: Path) -> dict[str, list[float]]:
    data = timeseries(path)
    data.setdefault("creep_iterations", [0.0] * len(data["step"]))
    return data


profile_headline.read_timeseries = without_creep

if __name__ == "__main__":
    profile_headline.main()
