"""Probe (outside the package): the vacancy-void Newton started from the linear extrapolation of the last two steps,
u^0 = u^n + (dt / dt_prev)(u^n - u^(n-1)) with phi clipped to [0, 1], instead of from u^n. Runs
``profile_headline.py`` with ``VacancyVoidSystem._solve_step`` wrapped; arguments are those of profile_headline.py.

    OMP_NUM_THREADS=1 .venv/bin/mpiexec -n 2 .venv/bin/python \
        benchmarks/headline/void_newton/extrapolated_guess_probe.py \
        --restart RUN/checkpoints/checkpoint_00000400.h5 --capacity 2.1 --output F.json --results R
"""

import runpy  # noqa: I001 - mpi4py before petsc4py / dolfinx
import sys
from pathlib import Path

from mpi4py import MPI  # noqa: F401

import numpy as np

from phasefield.physics.voids import VacancyVoidSystem

original = VacancyVoidSystem._solve_step


def extrapolated_solve_step(self) -> None:
    """The first guess extrapolated from the last two accepted states (none before the second step)."""
    previous = getattr(self, "_probe_previous", None)
    old = self.u_old.x.array.copy()
    if previous is not None and self.previous_dt > 0.0:
        guess = old + (float(self.dt.value) / self.previous_dt) * (old - previous)
        guess[self.phi_dofs] = np.clip(guess[self.phi_dofs], 0.0, 1.0)
        self.u.x.array[:] = guess
    original(self)
    self._probe_previous = old


VacancyVoidSystem._solve_step = extrapolated_solve_step
sys.argv[0] = str(Path(__file__).resolve().parent.parent / "profile_headline.py")
runpy.run_path(sys.argv[0], run_name="__main__")
