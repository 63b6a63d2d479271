r"""A direct factorisation kept as the preconditioner of a Krylov solver while it is still a good one.

For a sequence of linear systems :math:`A_k x = b_k` whose matrices change slowly (Kacanov and Newton
iterations, successive time steps), each system is solved by GMRES, right preconditioned so that it
stops on the true residual,

.. math::

    \lVert b_k - A_k x\rVert \le \mathrm{rtol}\,\lVert b_k\rVert,

with the MUMPS factorisation (LDL^T for a matrix flagged symmetric, LU otherwise) of an earlier matrix
:math:`A_j` as the preconditioner. With a fresh factorisation (:math:`j = k`) GMRES stops after one or two
iterations: the direct solve. The factorisation is rebuilt at the next setup when the last Krylov solve
needed more than ``refresh_after`` iterations (a factorisation costs about as much as that many
preconditioner applications: docs/performance.md), and at once when a solve with an old factorisation
fails to converge (:meth:`LaggedFactorisation.solve` repeats it with a fresh one).

PETSc's own lag (``snes_lag_preconditioner``) rebuilds on a fixed count, and SNES overrides the KSP's
reuse flag at every Jacobian, so the decision lives in a Python preconditioner that owns the factorising
PC (which SNES does not touch).
"""

from dolfinx.fem.petsc import NonlinearProblem
from petsc4py import PETSc

from phasefield.solvers.direct_solver import enlarge_pc_workspace
from phasefield.solvers.failures import guarded_solve

#: GMRES, right preconditioned (the true residual is tested), restarted after its maximum iterations.
KRYLOV_OPTIONS = {"ksp_type": "gmres", "ksp_pc_side": "right", "ksp_norm_type": "unpreconditioned",
                  "ksp_gmres_restart": 60, "ksp_max_it": 60, "pc_type": "python"}


class LaggedFactorisation:
    """The Python preconditioner of the module docstring for the KSP of ``problem`` (a DOLFINx
    NonlinearProblem built with :data:`KRYLOV_OPTIONS` and a ``ksp_rtol``): the factorisation of
    ``factor`` type ("cholesky" or "lu") by MUMPS, with its workspace enlarged (ICNTL(14)) and the fill-reducing
    ``ordering`` (ICNTL(7); None: MUMPS's automatic choice)."""

    def __init__(self, problem: NonlinearProblem, refresh_after: int, factor: str = "cholesky",
                 ordering: int | None = None):
        self.problem, self.refresh_after, self.ordering = problem, refresh_after, ordering
        ksp = problem.solver.getKSP()
        self._inner = PETSc.PC().create(ksp.getComm())
        self._inner.setType(factor)
        self._inner.setFactorSolverType("mumps")
        self._inner.setReusePreconditioner(True)  # refactorised only when this class says so
        self._configured = False  # operators and MUMPS options set on the inner PC
        self._stale = True
        self._fresh = False
        self._applications = 0
        self.factorisations = 0
        pc = ksp.getPC()
        pc.setType(PETSc.PC.Type.PYTHON)
        pc.setPythonContext(self)

    # -- the petsc4py Python PC protocol -------------------------------------------------------------

    def setUp(self, pc: PETSc.PC) -> None:  # noqa: N802 (petsc4py's name)
        """Called by the KSP when its matrix changed: refactorise if due, else keep the old factors."""
        matrix, _ = pc.getOperators()
        if self._stale or self._applications > self.refresh_after + 1:  # one extra apply ends GMRES
            self._factorise(matrix)
        else:
            self._fresh = False
        self._applications = 0

    def apply(self, pc: PETSc.PC, x: PETSc.Vec, y: PETSc.Vec) -> None:
        self._applications += 1
        self._inner.apply(x, y)

    def reset(self, pc: PETSc.PC) -> None:
        self.discard()

    # -- ours --------------------------------------------------------------------------------------

    def discard(self) -> None:
        """Discard the factors and MUMPS's analysis (after a failed factorisation, which leaves them
        unusable): the next setup analyses and factorises afresh."""
        self._inner.reset()
        self._configured = False
        self.expire()

    @property
    def factor_type(self) -> str:
        """The factorising PC's type: "cholesky" or "lu"."""
        return self._inner.getType()

    @property
    def factor_matrix(self) -> PETSc.Mat:
        """MUMPS's factor matrix (its ICNTL and INFOG settings), once factorised."""
        return self._inner.getFactorMatrix()

    def expire(self) -> None:
        """Refactorise at the next setup."""
        self._stale = True

    def solve(self, what: str) -> None:
        """``problem.solve()`` (:func:`.failures.guarded_solve`); while a Krylov solve fails with old
        factors, again from where it stopped with fresh ones (each repetition starts with a fresh
        factorisation, so it advances by at least one Newton iteration; at most the SNES's iteration
        limit of repetitions)."""
        snes = self.problem.solver
        guarded_solve(self.problem, what)
        for _ in range(snes.getTolerances()[3]):
            if snes.getConvergedReason() != PETSc.SNES.ConvergedReason.DIVERGED_LINEAR_SOLVE or self._fresh:
                return
            self.expire()
            guarded_solve(self.problem, what)

    def _factorise(self, matrix: PETSc.Mat) -> None:
        """The numeric factorisation of ``matrix``; MUMPS's symbolic analysis is kept while the sparsity
        is (the matrix is assembled in place)."""
        if not self._configured:
            self._inner.setOperators(matrix, matrix)
            enlarge_pc_workspace(self._inner, ordering=self.ordering)
            self._configured = True
        self._inner.setReusePreconditioner(False)
        self._inner.setUp()
        self._inner.setReusePreconditioner(True)
        self._stale, self._fresh = False, True
        self.factorisations += 1
