r"""Li/Mg interdiffusion in the metal, number-fixed frame, advected by the metal velocity.

For the Mg mole fraction :math:`x` in the metal window (SI):

.. math::

    \partial_t x + \nabla\cdot\mathbf{J} = s,\qquad \mathbf{J} = \mathbf{v}\,x - \tilde D(x)\nabla x,

with the Darken interdiffusivity :math:`\tilde D = (x_{Li} D^*_{Mg} + x_{Mg} D^*_{Li}(x))\,\Phi(x)`
(``darken``) or :math:`\tilde D = D^*_{Mg}` (``fick``), tracer diffusivities
:math:`D^* = D_0 \exp(-Q/RT)` of the dilute alloy, that of Li lowered by Mg neighbours (fewer vacancies,
slower hops: :func:`phasefield.mg_neighbours.li_tracer_factor`, 0.81 at x = 0.03 and 25 C), and the
thermodynamic factor :math:`\Phi` of the Redlich-Kister solution (:mod:`phasefield.physics.thermodynamics`).
Boundary conditions:

- interface (n = 0): :math:`\mathbf{J}\cdot\mathbf{n} = 0`: Mg is not stripped (nor plated);
- top of the window: upwind total flux :math:`\mathbf{J}\cdot\mathbf{n} = (\mathbf{v}\cdot\mathbf{n})^+ x
  + (\mathbf{v}\cdot\mathbf{n})^- x_b`: bulk alloy of composition x_b enters when the metal moves
  towards the interface (stripping), the window's own material leaves when it moves away
  (plating); with ``top_normal_speed`` given (the potential lattice flows), that mean speed takes the place of
  :math:`\mathbf{v}\cdot\mathbf{n}`, so that the Mg entering equals x_b times the metal volume entering exactly;
  ``closed_top`` sets this flux to zero (a verification problem);
- lateral sides: no flux.

The coupler gives v (m/s): the lattice velocity of the vacancy sinks (:mod:`.lattice_flow`; without the void
model, with the sinks of :mod:`.vacancy_sinks`) or, under ``[creep] model = "power_law"``, of
:mod:`.creep_flow`. The weak form is conservative: with w = 1 it
states :math:`d/dt \int x = -\int_{top} \mathbf{J}\cdot\mathbf{n}` exactly, so Mg is conserved to the solver
tolerance. With ``streamline`` set, streamline diffusion with the exponentially fitted coefficient
(:mod:`.streamline_diffusion`, with :math:`\tilde D(x)`; P1 only) is added: where the metal recedes from the
interface no Mg enters, :math:`\tilde D` falls to :math:`D^*_{Mg}` as x_Mg falls, and the depletion layer
:math:`\tilde D/v` is nanometres thick, far below a cell, where the Galerkin scheme undershoots 0 (docs/model.md,
"Streamline diffusion"). It costs accuracy where the cells resolve x_Mg but the cell Peclet number is above 1.
With ``nonnegative`` set the step is solved as a variational inequality, x >= 0 at every node (PETSc's
reduced-space active-set Newton, ``vinewtonrsls``): where the bound acts, the node's balance is not met and Mg is
created, which :attr:`MagnesiumTransport.created` sums from the global balance of each accepted step.

Time: backward Euler; Newton with an LU solve (MUMPS). The residual is scaled by
dt / |window| so that the SNES tolerances are relative to the mole fraction itself.
"""

from collections.abc import Callable

import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem.petsc import NonlinearProblem, assemble_vector
from mpi4py import MPI
from petsc4py import PETSc

from phasefield.mesh import FacetTag, Subdomain
from phasefield.physics.streamline_diffusion import streamline_diffusion
from phasefield.physics.thermodynamics import RedlichKister
from phasefield.solvers.failures import BoundViolation, ModelBreakdown, SolverFailure, guarded_solve

#: The quadrature degree of the transport terms and of a source: UFL's estimate for the transport terms with a
#: constant D*_Li (5), stated because D*_Li(x) makes D~ a polynomial of degree 21 in x, which UFL would integrate with
#: 87 points per triangle (and a manufactured source with D(x_exact) with hundreds); the rule's error is of higher
#: order than that of P1 (the manufactured solutions keep their orders).
QUADRATURE_DEGREE = 5

#: How far x_Mg may leave [0, 1] before the step is refused: discretisation undershoot in strongly
#: depleted regions (steep fronts on coarse cells) stays below it; a model that drives x_Mg past 1
#: (linear Fick) does not.
BOUND_TOLERANCE = 1e-3


def darken_interdiffusivity(thermodynamics: RedlichKister, li_tracer: float, mg_tracer: float,
                            li_tracer_factor: Callable) -> Callable:
    """x -> (x_Li D*_Mg + x_Mg D*_Li(x)) Phi(x), D*_Li(x) = D*_Li(0) times ``li_tracer_factor(x)``."""
    def diffusivity(x):
        return ((1.0 - x) * mg_tracer + x * li_tracer * li_tracer_factor(x)) * thermodynamics.thermodynamic_factor(x)
    return diffusivity


def fick_diffusivity(mg_tracer: float) -> Callable:
    """x -> D*_Mg (constant), the comparison model without the Li term and the solution model."""
    def diffusivity(x):
        return mg_tracer + 0.0 * x
    return diffusivity


class MagnesiumTransport:
    """The advection-diffusion problem of the module docstring on the metal submesh."""

    def __init__(self, metal: Subdomain, diffusivity: Callable, bulk_fraction: float,
                 velocity: ufl.core.expr.Expr, degree: int = 1,
                 source: ufl.core.expr.Expr | None = None, closed_top: bool = False,
                 bound_tolerance: float = BOUND_TOLERANCE, top_normal_speed: ufl.core.expr.Expr | None = None,
                 streamline: bool = False, nonnegative: bool = False):
        mesh = metal.mesh
        self.space = fem.functionspace(mesh, ("Lagrange", degree))
        self.x = fem.Function(self.space, name="x_Mg")
        self.x_old = fem.Function(self.space, name="x_Mg_previous")
        self.x.x.array[:] = bulk_fraction
        self.x_old.x.array[:] = bulk_fraction
        self.bulk_fraction = bulk_fraction
        self.bound_tolerance = bound_tolerance
        self.dt = fem.Constant(mesh, PETSc.ScalarType(1.0))
        self.velocity = velocity
        measure = mesh.comm.allreduce(fem.assemble_scalar(fem.form(1.0 * ufl.dx(domain=mesh))))
        ds = ufl.Measure("ds", domain=mesh, subdomain_data=metal.facet_tags)
        dx = ufl.Measure("dx", domain=mesh, metadata={"quadrature_degree": QUADRATURE_DEGREE})
        self.ds_interface = ds(int(FacetTag.INTERFACE))
        w = ufl.TestFunction(self.space)
        x = self.x
        flux = velocity * x - diffusivity(x) * ufl.grad(x)
        normal_velocity = ufl.dot(velocity, ufl.FacetNormal(mesh)) if top_normal_speed is None else top_normal_speed
        top_flux = 0.0 if closed_top else (ufl.max_value(normal_velocity, 0.0) * x
                                           + ufl.min_value(normal_velocity, 0.0) * bulk_fraction)
        residual = ((x - self.x_old) * w * dx
                    - self.dt * ufl.inner(flux, ufl.grad(w)) * dx
                    + self.dt * top_flux * w * ds(int(FacetTag.METAL_TOP)))
        if source is not None:
            residual -= self.dt * source * w * dx
        if streamline:
            if degree != 1:
                raise ValueError(f"streamline diffusion is fitted for P1, not for degree {degree}")
            residual += self.dt * streamline_diffusion(x, w, velocity, diffusivity(x), dx)
        self.measure = measure
        self.problem = NonlinearProblem(
            (1.0 / measure) * residual, self.x, petsc_options_prefix="interdiffusion_",
            petsc_options={
                "snes_type": "vinewtonrsls" if nonnegative else "newtonls", "snes_linesearch_type": "basic",
                "snes_rtol": 1e-12, "snes_atol": 1e-15, "snes_stol": 1e-12, "snes_max_it": 25,
                "ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps",
            },
        )
        if nonnegative:
            self._bounds = (self.problem.x.duplicate(), self.problem.x.duplicate())
            self._bounds[0].set(0.0)
            self._bounds[1].set(PETSc.INFINITY)
            self.problem.solver.setVariableBounds(*self._bounds)
        self._balance = self.problem.b.duplicate()
        #: Mg created by the solves of the accepted steps (m^2 per depth in 2-D, m^3 in 3-D): the bound's under
        #: ``nonnegative``, else of the order of the solver tolerance
        self.created = 0.0
        self._amount = fem.form(self.x * ufl.dx)
        self._interface_amount = fem.form(self.x * self.ds_interface)
        self._comm = mesh.comm

    def step(self, dt: float) -> int:
        """Advance by ``dt`` from ``x_old``; returns the Newton iterations. Accepts the new state."""
        self.dt.value = dt
        try:
            guarded_solve(self.problem, "interdiffusion Newton")
        except SolverFailure:
            self.x.x.array[:] = self.x_old.x.array
            raise
        snes = self.problem.solver
        if snes.getConvergedReason() <= 0 or not np.all(np.isfinite(self.x.x.array)):
            self.x.x.array[:] = self.x_old.x.array
            raise SolverFailure(f"interdiffusion Newton failed (SNES reason {snes.getConvergedReason()})")
        low, high = self.extremes()
        if high > 1.0 + self.bound_tolerance:
            self.x.x.array[:] = self.x_old.x.array
            raise ModelBreakdown(
                f"x_Mg left [0, 1] (min {low:.4g}, max {high:.4g}): the diffusivity cannot carry away the "
                "Mg that the moving metal brings to the interface (a linear Fick model does this)")
        if low < -self.bound_tolerance:
            self.x.x.array[:] = self.x_old.x.array
            raise BoundViolation(f"x_Mg undershoots 0 (min {low:.4g}): unresolved front")
        self.created += self.step_balance()
        self.x_old.x.array[:] = self.x.x.array
        return snes.getIterationNumber()

    def step_balance(self) -> float:
        """The step's residual at the current x summed over the nodes (w = 1), times |window|: the Mg the solve
        created (m^2 per depth or m^3); zero to the solver tolerance where no bound acts."""
        with self._balance.localForm() as local:
            local.set(0.0)
        assemble_vector(self._balance, self.problem.F)
        self._balance.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        return self._balance.sum() * self.measure

    def amount(self) -> float:
        """Integral of x over the window (m^2 per depth in 2-D, m^3 in 3-D)."""
        return self._comm.allreduce(fem.assemble_scalar(self._amount))

    def interface_mean(self, area: float) -> float:
        """Mean x_Mg on the interface."""
        return self._comm.allreduce(fem.assemble_scalar(self._interface_amount)) / area

    def extremes(self) -> tuple[float, float]:
        """(min, max) of x_Mg over the dofs of all ranks."""
        owned = self.x.x.array[: self.space.dofmap.index_map.size_local]
        return (self._comm.allreduce(float(np.min(owned, initial=np.inf)), op=MPI.MIN),
                self._comm.allreduce(float(np.max(owned, initial=-np.inf)), op=MPI.MAX))
