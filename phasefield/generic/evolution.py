r"""Shared machinery of the gradient-flow models (:mod:`.cahn_hilliard`, :mod:`.allen_cahn`).

A :class:`GradientFlow` owns the unknown ``u`` (at the new time level), the accepted states
:math:`u^n, u^{n-1}, \dots` (newest first) and their times, and advances ``u`` by the variable-step
BDF of :mod:`.time_step`: backward Euler while fewer than ``order`` + 1 states are stored, then the
requested order. Each attempt starts Newton from the explicit extrapolation of the stored states
(the predictor; if Newton fails from there, once more from the last accepted state), whose
difference from the solution is also the local error estimate (Milne's device) on the primary field
(c or phi), measured as a root mean square over the domain with the lumped mass matrix. A failed
or rejected attempt restores the last accepted state.

Newton's method is PETSc SNES (``newtonls`` with a basic line search). The default linear solver is
GMRES preconditioned by additive Schwarz (one block per rank, overlap 1) with ILU(3) blocks: ILU(0)
needs hundreds of iterations, or stalls, once dt lambda / h^4 is large, while ILU(3) stays at tens;
it is 2-3 times faster than MUMPS on these systems. ``linear_solver="mumps"`` selects an LU
factorisation. Algebraic multigrid (GAMG) does not converge on the mixed Cahn-Hilliard system.
Measurements: docs/generic_phase_field.md, "Solver choices and why".
"""

import itertools
from collections.abc import Callable, Sequence

import numpy as np
import ufl
from dolfinx import fem, la
from dolfinx.fem.petsc import NonlinearProblem
from mpi4py import MPI
from petsc4py import PETSc

from phasefield.generic.time_step import (
    AdaptiveTimeStepper,
    RunStatistics,
    StepOutcome,
    bdf_coefficients,
    extrapolation_weights,
    milne_factor,
)

_instances = itertools.count()

#: SNES settings common to both linear solvers: Newton converges when the residual fell by
#: ``snes_rtol`` or the update is below ``snes_stol`` relative to the state.
NEWTON_OPTIONS = {
    "snes_type": "newtonls", "snes_linesearch_type": "basic",
    "snes_rtol": 1e-6, "snes_atol": 1e-13, "snes_stol": 1e-10, "snes_max_it": 20,
}

LINEAR_SOLVERS = {
    "gmres": {"ksp_type": "gmres", "ksp_gmres_restart": 100, "ksp_rtol": 1e-8, "ksp_atol": 1e-14,
              "ksp_max_it": 500, "pc_type": "asm", "pc_asm_overlap": 1, "sub_pc_type": "ilu",
              "sub_pc_factor_levels": 3},
    "mumps": {"ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps"},
}


def solver_options(linear_solver: str, overrides: dict | None = None) -> dict:
    """SNES + KSP options for ``linear_solver`` ("gmres" or "mumps"), updated by ``overrides``."""
    if linear_solver not in LINEAR_SOLVERS:
        raise ValueError(f"linear_solver must be one of {sorted(LINEAR_SOLVERS)}, not {linear_solver!r}")
    return NEWTON_OPTIONS | LINEAR_SOLVERS[linear_solver] | (overrides or {})


def check_boundary(boundary: str) -> None:
    """Only no-flux (natural) boundaries are implemented."""
    if boundary == "periodic":
        raise NotImplementedError(
            "periodic boundaries need a multi-point constraint (dolfinx_mpc), which is not available "
            "here; use boundary='no-flux' on a domain large enough for the boundary not to matter")
    if boundary != "no-flux":
        raise ValueError(f"boundary must be 'no-flux' (or 'periodic', not implemented), not {boundary!r}")


def coefficient(value: float | ufl.core.expr.Expr | Callable, field: ufl.core.expr.Expr):
    """A model coefficient given as a number, a UFL expression or a callable of the field (UFL
    expressions are callable themselves, for point evaluation, so they are tested for first)."""
    if isinstance(value, ufl.core.expr.Expr) or not callable(value):
        return value
    return value(field)


def measure(mesh, quadrature_degree: int | None) -> ufl.Measure:
    """dx with a fixed quadrature degree (None: the degree UFL estimates for each term)."""
    metadata = {} if quadrature_degree is None else {"quadrature_degree": quadrature_degree}
    return ufl.Measure("dx", domain=mesh, metadata=metadata)


class GradientFlow:
    """Time stepping, Newton solve, error estimate and energy of a model on ``space`` (see module
    docstring). Subclasses build their residual with :meth:`time_derivative` and ``dt``, ``time``
    and ``dx``, then call :meth:`_finish`."""

    name = "gradient_flow"

    def __init__(self, space: fem.FunctionSpace, order: int, quadrature_degree: int | None):
        if order not in (1, 2, 3):
            raise ValueError("order must be 1 (backward Euler), 2 (BDF2) or 3 (BDF3)")
        self.space = space
        self.mesh = space.mesh
        self.order = order
        self.dx = measure(self.mesh, quadrature_degree)
        self.u = fem.Function(space, name=self.name)
        self._states = [fem.Function(space) for _ in range(order + 1)]
        self._times: list[float] = []
        self._weights = [fem.Constant(self.mesh, PETSc.ScalarType(0.0)) for _ in range(order + 1)]
        self.dt = fem.Constant(self.mesh, PETSc.ScalarType(1.0))
        self.time = fem.Constant(self.mesh, PETSc.ScalarType(0.0))
        self.t = 0.0
        self._probe = fem.Function(space)
        self._comm = self.mesh.comm
        self._volume = self._comm.allreduce(fem.assemble_scalar(fem.form(1.0 * ufl.dx(domain=self.mesh))))

    # -- construction helpers for subclasses --------------------------------------------------
    def time_derivative(self, field: Callable[[fem.Function], ufl.core.expr.Expr]) -> ufl.core.expr.Expr:
        """dt * (BDF approximation of the time derivative) of ``field(u)``: dimensionless weights."""
        functions = [self.u, *self._states[: self.order]]
        return sum(w * field(f) for w, f in zip(self._weights, functions, strict=True))

    def _finish(self, residual: ufl.Form, energy_density: ufl.core.expr.Expr, primary_dofs: np.ndarray,
                primary_space: fem.FunctionSpace, linear_solver: str, petsc_options: dict | None) -> None:
        """Compile the residual, the energy of ``_probe`` and the lumped-mass error weights."""
        self.problem = NonlinearProblem(
            (1.0 / self._volume) * residual, self.u, petsc_options_prefix=f"{self.name}_{next(_instances)}_",
            petsc_options=solver_options(linear_solver, petsc_options))
        self._energy = fem.form(energy_density * self.dx)
        owned = primary_space.dofmap.index_map.size_local
        lumped = fem.assemble_vector(fem.form(ufl.TestFunction(primary_space) * ufl.dx))
        lumped.scatter_reverse(la.InsertMode.add)
        self._primary_dofs = primary_dofs[:owned]
        self._error_weights = lumped.array[:owned] / self._volume

    # -- state ----------------------------------------------------------------------------------
    def _reset_history(self) -> None:
        """Make ``u`` the only accepted state, at time ``self.t``."""
        self.u.x.scatter_forward()
        self._states[0].x.array[:] = self.u.x.array
        self._times = [self.t]
        self.time.value = self.t

    def _combine(self, target: fem.Function, weights: Sequence[float]) -> None:
        target.x.array[:] = sum(w * s.x.array for w, s in zip(weights, self._states, strict=False))

    def state_at(self, time: float) -> fem.Function:
        """The polynomial through the stored states evaluated at ``time`` (dense output, exact at the
        stored times); a work function overwritten by the next call."""
        self._combine(self._probe, extrapolation_weights(self._times, time))
        return self._probe

    # -- stepping -------------------------------------------------------------------------------
    def attempt(self, dt: float) -> StepOutcome:
        """Solve for the state at t + dt from the accepted states without committing it."""
        if not self._times:
            self._reset_history()
        target = self.t + dt
        order = max(1, min(self.order, len(self._times) - 1))
        steps = [target, *self._times[:order]]
        weights = bdf_coefficients(steps)
        for constant, w in zip(self._weights, [*weights, *[0.0] * (self.order + 1 - len(weights))],
                               strict=True):
            constant.value = w * dt
        self.dt.value = dt
        self.time.value = target
        predictor_times = self._times[: order + 1]
        self._combine(self.u, extrapolation_weights(predictor_times, target))
        predicted = self.u.x.array[self._primary_dofs].copy()
        converged, iterations = self._solve()
        if not converged and len(predictor_times) > 1:
            self.u.x.array[:] = self._states[0].x.array
            converged, more = self._solve()
            iterations += more
        error = None
        if converged and len(predictor_times) == order + 1:
            difference = self.u.x.array[self._primary_dofs] - predicted
            norm = np.sqrt(self._comm.allreduce(float(np.dot(self._error_weights, difference**2))))
            error = milne_factor(target, predictor_times) * norm
        self._pending = target
        return StepOutcome(converged, iterations, error)

    def _solve(self) -> tuple[bool, int]:
        """Newton from the current u: (converged to a finite state, iterations)."""
        self.problem.solve()
        snes = self.problem.solver
        finite = self._comm.allreduce(bool(np.all(np.isfinite(self.u.x.array))), op=MPI.LAND)
        return snes.getConvergedReason() > 0 and finite, snes.getIterationNumber()

    def accept(self) -> None:
        """Commit the last attempt."""
        for newer, older in zip(self._states[-2::-1], self._states[:0:-1], strict=True):
            older.x.array[:] = newer.x.array
        self._states[0].x.array[:] = self.u.x.array
        self._times = [self._pending, *self._times][: self.order + 1]
        self.t = self._pending

    def reject(self) -> None:
        """Return to the last accepted state."""
        self.u.x.array[:] = self._states[0].x.array
        self.time.value = self.t

    def step(self, dt: float) -> StepOutcome:
        """One step of size dt: accepted if Newton converged, else the previous state is restored."""
        outcome = self.attempt(dt)
        if outcome.converged:
            self.accept()
        else:
            self.reject()
        return outcome

    def run_adaptive(self, t_end: float, tolerance: float, dt_initial: float, dt_min: float,
                     dt_max: float, stop_times: Sequence[float] = (),
                     on_accept: Callable[[float, float, StepOutcome], None] | None = None,
                     **controller) -> RunStatistics:
        """Advance to ``t_end`` with error-controlled steps (:class:`.AdaptiveTimeStepper`); the
        tolerance is on the root mean square of the local error of the primary field."""
        stepper = AdaptiveTimeStepper(tolerance, dt_initial, dt_min, dt_max, order=self.order, **controller)
        if not self._times:
            self._reset_history()
        return stepper.run(self, self.t, t_end, stop_times, on_accept)

    # -- outputs --------------------------------------------------------------------------------
    def free_energy(self, time: float | None = None) -> float:
        """Total free energy (J in 3-D, J/m in 2-D) of the last accepted state, or of the dense
        output at ``time`` within the stored history."""
        if time is None:
            self._probe.x.array[:] = self.u.x.array
        else:
            self.state_at(time)
        return self._comm.allreduce(fem.assemble_scalar(self._energy))
