"""Probe (outside the package): the vacancy-void Newton's globalisation. ``VOID_SNES`` picks it:
``newtonls:bt`` (the package's), ``newtonls:l2``, ``newtonls:cp``, ``newtonls:basic`` (full steps) or ``newtontr``
(a trust region). Runs ``profile_headline.py`` with ``VacancyVoidSystem.__init__`` wrapped; arguments are those of
profile_headline.py.

    VOID_SNES=newtonls:l2 OMP_NUM_THREADS=1 .venv/bin/mpiexec -n 2 .venv/bin/python \\
        benchmarks/headline/void_newton/globalisation_probe.py \\
        --restart RUN/checkpoints/checkpoint_00000400.h5 --capacity 2.1 --output F.json --results R
"""

import os  # noqa: I001 - mpi4py before petsc4py / dolfinx
import runpy
import sys
from pathlib import Path

from mpi4py import MPI  # noqa: F401

from phasefield.physics.voids import VacancyVoidSystem

SNES_TYPE, _, LINE_SEARCH = os.environ.get("VOID_SNES", "newtonls:bt").partition(":")
original = VacancyVoidSystem.__init__


def globalised_init(self, *args, **kwargs) -> None:
    original(self, *args, **kwargs)
    snes = self.problem.solver
    snes.setType(SNES_TYPE)
    if LINE_SEARCH:
        snes.getLineSearch().setType(LINE_SEARCH)


VacancyVoidSystem.__init__ = globalised_init
sys.argv[0] = str(Path(__file__).resolve().parent.parent / "profile_headline.py")
runpy.run_path(sys.argv[0], run_name="__main__")
