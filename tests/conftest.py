"""Shared fixtures: meshes and cases small enough for the default suite."""

import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402
from mpi4py import MPI  # noqa: E402,F401 - before petsc4py / dolfinx

from phasefield.solvers import kernel_compilation  # noqa: E402

kernel_compilation.configure()  # the kernels compiled as in a run (the flags of phasefield's runs)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> Path:
    return ROOT
