"""The creep warm start, measured (issue 24, item 1): phasefield's CLI or the headline profiler with the warm Kacanov
stage capped at KW iterations (0: no cap, Kacanov to WARM_PICARD_TOLERANCE, the policy before 2026-12-06) and, with
NFOFF=1, the re-solves after a change of the contact set through the same warm sequence instead of Newton first.

    KW=1 PROFILE=1 .venv/bin/python benchmarks/creep_warm_start/warm_start_variants.py \\
        --restart RUN/checkpoints/checkpoint_00000100.h5 --capacity 0.53 --output F.json --results DIR
    KW=1 .venv/bin/python benchmarks/creep_warm_start/warm_start_variants.py run CASE -o DIR -q [--set ...]

``run_variants.sh`` runs the four variants of ``warm_start_variants_20261206.json``; ``summary.py`` writes it."""

import os  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import runpy
import sys
from pathlib import Path

from mpi4py import MPI  # noqa: F401

import phasefield.physics.creep as creep
from phasefield.cli import main

CAP = int(os.environ.get("KW", "0")) or 10**6
creep.WARM_PICARD_ITERATIONS = CAP
if os.environ.get("NFOFF") == "1":
    solve = creep.PowerLawCreep.solve
    creep.PowerLawCreep.solve = lambda self, newton_first=False: solve(self, False)

if __name__ == "__main__":
    if os.environ.get("PROFILE"):
        sys.argv = ["profile_headline.py", *sys.argv[1:]]
        runpy.run_path(str(Path(__file__).parents[1] / "headline" / "profile_headline.py"), run_name="__main__")
    else:
        sys.exit(main())
