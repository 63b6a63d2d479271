"""profile_headline.py with the creep solver's constants changed, for the trials of this folder.

Usage (repository root): VARIANT='{"newton": {...}, "picard": {...}, "refresh": N}' \
    .venv/bin/python benchmarks/creep_lagged_factorisation/variant.py <profile_headline.py arguments>
"newton" and "picard" are merged into the PETSc options of the two stages, "refresh" replaces REFRESH_AFTER.
"""

import ast
import os
import runpy
import sys
from pathlib import Path

from mpi4py import MPI  # noqa: F401 - before petsc4py / dolfinx

import phasefield.physics.creep as creep

variant = ast.literal_eval(os.environ.get("VARIANT", "{}"))
creep.PICARD_OPTIONS = creep.PICARD_OPTIONS | variant.get("picard", {})
creep.NEWTON_OPTIONS = creep.NEWTON_OPTIONS | variant.get("newton", {})
creep.REFRESH_AFTER = variant.get("refresh", creep.REFRESH_AFTER)
sys.argv = ["profile_headline.py", *sys.argv[1:]]
runpy.run_path(str(Path(__file__).parents[1] / "headline" / "profile_headline.py"), run_name="__main__")
