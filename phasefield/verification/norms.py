"""Global integrals and norms of UFL forms (summed over the MPI ranks)."""

import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI


def integral(form: ufl.Form) -> float:
    """The value of a scalar form, summed over the ranks."""
    compiled = fem.form(form)
    return compiled.mesh.comm.allreduce(fem.assemble_scalar(compiled), op=MPI.SUM)


def norm(form: ufl.Form) -> float:
    """sqrt of :func:`integral`: the norm whose square ``form`` integrates."""
    return float(np.sqrt(integral(form)))
