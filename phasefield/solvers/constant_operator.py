"""A linear problem whose operator never changes: assembled and factorised once, then only right-hand sides.

Used where a sub-model solves the same symmetric positive (semi-)definite operator every step with a new
source (the potential lattice flow, the quasi-steady vacancy excess): MUMPS Cholesky, factorised at the first
solve and reused for the rest of the run.
"""

import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem import petsc as fem_petsc
from petsc4py import PETSc

from phasefield.solvers.failures import SolverFailure


class FactorisedOperator:
    """Solve a(u, w) = L(w) for ``solution`` with the Dirichlet ``bcs``; a (symmetric) is assembled at construction
    and factorised at the first :meth:`solve`, L is assembled at every solve."""

    def __init__(self, bilinear: ufl.Form, linear: ufl.Form, bcs: list[fem.DirichletBC], solution: fem.Function,
                 what: str):
        self._bcs, self._solution, self._what = bcs, solution, what
        self._rhs = fem.form(linear)
        matrix = fem_petsc.assemble_matrix(fem.form(bilinear), bcs=bcs)
        matrix.assemble()
        self._vector = fem_petsc.create_vector(solution.function_space)
        self._ksp = PETSc.KSP().create(solution.function_space.mesh.comm)
        self._ksp.setOperators(matrix)
        self._ksp.setType("preonly")
        self._ksp.getPC().setType("cholesky")
        self._ksp.getPC().setFactorSolverType("mumps")

    def solve(self) -> None:
        """Assemble L, apply the boundary values and solve; raises :class:`SolverFailure` on a failed or
        non-finite solve."""
        with self._vector.localForm() as local:
            local.set(0.0)
        fem_petsc.assemble_vector(self._vector, self._rhs)
        self._vector.ghostUpdate(PETSc.InsertMode.ADD, PETSc.ScatterMode.REVERSE)
        fem_petsc.set_bc(self._vector, self._bcs)
        self._ksp.solve(self._vector, self._solution.x.petsc_vec)
        self._solution.x.scatter_forward()
        if self._ksp.getConvergedReason() < 0 or not np.all(np.isfinite(self._solution.x.array)):
            raise SolverFailure(f"failed or non-finite {self._what} (KSP reason {self._ksp.getConvergedReason()})")
