"""Probe (outside the package): the vacancy-void Newton's linear solves by GMRES on a kept LU factorisation
(:class:`phasefield.solvers.lagged_factorisation.LaggedFactorisation`, refreshed when GMRES needs more than
``REFRESH_AFTER`` iterations, as the creep's) instead of a fresh LU at every Newton iteration. Runs
``profile_headline.py`` with ``VacancyVoidSystem.__init__`` wrapped; arguments are those of profile_headline.py.

    OMP_NUM_THREADS=1 .venv/bin/mpiexec -n 2 .venv/bin/python benchmarks/headline/void_newton/lagged_lu_probe.py \\
        --restart RUN/checkpoints/checkpoint_00000400.h5 --capacity 2.1 --output F.json --results R
"""

import os  # noqa: I001 - mpi4py before petsc4py / dolfinx
import runpy
import sys
from pathlib import Path

from mpi4py import MPI  # noqa: F401
from petsc4py import PETSc

from phasefield.physics.voids import VacancyVoidSystem
from phasefield.solvers.lagged_factorisation import KRYLOV_OPTIONS, LaggedFactorisation

REFRESH_AFTER = int(os.environ.get("REFRESH_AFTER", "2"))
RTOL = float(os.environ.get("KSP_RTOL", "1e-10"))
original = VacancyVoidSystem.__init__


def lagged_init(self, *args, **kwargs) -> None:
    original(self, *args, **kwargs)
    ksp = self.problem.solver.getKSP()
    ksp.setType(KRYLOV_OPTIONS["ksp_type"])
    ksp.setPCSide(PETSc.PC.Side.RIGHT)
    ksp.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
    ksp.setGMRESRestart(KRYLOV_OPTIONS["ksp_gmres_restart"])
    ksp.setTolerances(rtol=RTOL, max_it=KRYLOV_OPTIONS["ksp_max_it"])
    self.probe_factors = LaggedFactorisation(self.problem, REFRESH_AFTER, factor="lu")


VacancyVoidSystem.__init__ = lagged_init
sys.argv[0] = str(Path(__file__).resolve().parent.parent / "profile_headline.py")
runpy.run_path(sys.argv[0], run_name="__main__")
