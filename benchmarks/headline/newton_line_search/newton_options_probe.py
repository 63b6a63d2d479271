"""``profile_headline.py`` with the creep Newton's SNES options changed before the problems are built: for probes of
the line search and the tolerance on a restart of the headline (issue 24, item 1).

Environment: ``RTOL`` (the Newton's relative tolerance) and ``OPTS="key=value,key=value"`` (entries of
``phasefield.physics.creep.NEWTON_OPTIONS``, given to PETSc as strings); the arguments are profile_headline.py's.

    RTOL=1e-4 OPTS=snes_linesearch_type=bt .venv/bin/mpiexec -n 2 .venv/bin/python \\
        benchmarks/headline/newton_line_search/newton_options_probe.py --case CASE --restart CHECKPOINT \\
        --output F.json --results RUN
"""

import os  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import sys
from pathlib import Path

from mpi4py import MPI  # noqa: F401

import phasefield.physics.creep as creep

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import profile_headline  # noqa: E402

if "RTOL" in os.environ:
    creep.NEWTON_OPTIONS["snes_rtol"] = float(os.environ["RTOL"])
for item in filter(None, os.environ.get("OPTS", "").split(",")):
    key, value = item.split("=")
    creep.NEWTON_OPTIONS[key] = value

if __name__ == "__main__":
    profile_headline.main()
