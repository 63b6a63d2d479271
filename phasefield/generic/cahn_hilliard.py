r"""Cahn-Hilliard equation in mixed form (c, mu) with a user-supplied free energy.

For a conserved field c (dimensionless, e.g. a mole fraction) on a domain :math:`\Omega` (SI):

.. math::

    \partial_t c = \nabla\cdot\big(M(c)\,\nabla\mu\big) + \dots,\qquad
    \mu = f'(c) - \nabla\cdot(\kappa\nabla c) + \dots,

the gradient flow of :math:`E[c] = \int_\Omega f(c) + \tfrac{\kappa}{2}|\nabla c|^2\,dx` with

- f: free-energy density (J/m^3), a Python callable returning a UFL expression of c; f' is taken by
  UFL (``ufl.variable`` / ``ufl.diff``);
- :math:`\kappa`: gradient-energy coefficient (J/m);
- M: mobility (m^5/(J s)), a number, a UFL expression or a callable of c;
- :math:`\mu`: chemical potential (J/m^3); E in J (J/m in 2-D);
- ``...``: optional extra terms (sources, couplings) given by ``extra_residual``.

Boundaries: no flux, :math:`M\nabla\mu\cdot n = 0` and :math:`\kappa\nabla c\cdot n = 0`, natural in
the mixed form; periodic boundaries are not supported (they need dolfinx_mpc).

Weak form on :math:`V\times V` (Lagrange of degree p, P1 by default): find :math:`(c, \mu)` with

.. math::

    (\partial_t c, q) + (M\nabla\mu, \nabla q) + (\mu, v) - (f'(c), v) - (\kappa\nabla c, \nabla v)
    + R_{extra}(c, \mu; q, v) = 0\quad\forall (q, v).

Time: variable-step BDF2 (backward Euler for the first two steps; ``order`` 1 or 3 for backward Euler
or BDF3), fully implicit at :math:`t_{n+1}`: :math:`\partial_t c \approx \sum_j a_j c^{n+1-j}` with the
weights of :func:`.time_step.bdf_coefficients`; the c equation is multiplied by dt so that both rows are
increments. The c equation holds for q = 1 exactly, so :math:`\int c` is conserved to the Newton
tolerance with no-flux boundaries. Solution: Newton (SNES) on the monolithic mixed system, see
:mod:`.evolution` for the linear solver and the local error estimate used by ``run_adaptive``.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import ufl
from basix.ufl import element, mixed_element
from dolfinx import fem
from dolfinx.fem.petsc import LinearProblem
from dolfinx.mesh import Mesh

from phasefield.generic.evolution import GradientFlow, check_boundary, coefficient

Coefficient = float | ufl.core.expr.Expr | Callable


@dataclass(frozen=True)
class CahnHilliardFields:
    """What an ``extra_residual`` hook may use: the unknowns at the new time level, the test
    functions of the c equation (q, already multiplied by dt like the rest of that equation) and of
    the mu equation (v), the new time and the measure."""

    c: ufl.core.expr.Expr
    mu: ufl.core.expr.Expr
    q: ufl.core.expr.Expr
    v: ufl.core.expr.Expr
    time: fem.Constant
    dx: ufl.Measure


class CahnHilliard(GradientFlow):
    """The Cahn-Hilliard problem of the module docstring on ``mesh``.

    ``extra_residual(fields)`` returns a UFL form added to the time-continuous residual above
    (written with ``fields.q`` for terms of the c equation and ``fields.v`` for terms of mu), e.g. a
    source s: ``lambda fl: -s * fl.q * fl.dx``. It is evaluated implicitly at the new time level
    (``fields.time``). ``quadrature_degree`` fixes the quadrature of every term (default 2p: exact
    for the linear terms, an O(h^2) error on f' for P1 like the discretisation's own; pass a higher
    degree for exact integration of a polynomial f, at some cost in assembly)."""

    name = "cahn_hilliard"

    def __init__(self, mesh: Mesh, free_energy: Callable, gradient_coefficient: Coefficient,
                 mobility: Coefficient = 1.0, extra_residual: Callable | None = None,
                 boundary: str = "no-flux", degree: int = 1, order: int = 2,
                 linear_solver: str = "gmres", quadrature_degree: int | None = None,
                 petsc_options: dict | None = None):
        check_boundary(boundary)
        lagrange = element("Lagrange", mesh.basix_cell(), degree)
        space = fem.functionspace(mesh, mixed_element([lagrange, lagrange]))
        super().__init__(space, order, quadrature_degree or 2 * degree)
        self.free_energy_density = free_energy
        self.kappa = gradient_coefficient
        c, mu = ufl.split(self.u)
        q, v = ufl.TestFunctions(space)
        c_var = ufl.variable(c)
        potential = ufl.diff(free_energy(c_var), c_var)
        mobility_value = coefficient(mobility, c)
        dx = self.dx
        residual = (self.time_derivative(lambda u: ufl.split(u)[0]) * q * dx
                    + self.dt * mobility_value * ufl.inner(ufl.grad(mu), ufl.grad(q)) * dx
                    + (mu - potential) * v * dx
                    - gradient_coefficient * ufl.inner(ufl.grad(c), ufl.grad(v)) * dx)
        if extra_residual is not None:
            residual += extra_residual(CahnHilliardFields(c, mu, self.dt * q, v, self.time, dx))
        self.concentration_space, c_dofs = space.sub(0).collapse()
        c_probe = ufl.split(self._probe)[0]
        energy = free_energy(c_probe) + 0.5 * gradient_coefficient * ufl.inner(ufl.grad(c_probe),
                                                                              ufl.grad(c_probe))
        self._finish(residual, energy, np.asarray(c_dofs).ravel(), self.concentration_space, linear_solver,
                     petsc_options)
        self._amount = fem.form(c * ufl.dx)

    def set_initial_condition(self, c0: Callable | ufl.core.expr.Expr | fem.Function, time: float = 0.0
                              ) -> None:
        """Set c (a callable of the coordinates x[0..2], a UFL expression or a Function) and the
        consistent mu = f'(c) - div(kappa grad c) (its L2 projection); clears the step history."""
        sub_c = self.u.sub(0)
        if isinstance(c0, ufl.core.expr.Expr) and not isinstance(c0, fem.Function):
            sub_c.interpolate(fem.Expression(c0, self.concentration_space.element.interpolation_points))
        else:
            sub_c.interpolate(c0)
        self.u.x.scatter_forward()
        self.u.sub(1).interpolate(self._projected_potential())
        self.u.x.scatter_forward()
        self.t = time
        self._times = []
        self._reset_history()

    def _projected_potential(self) -> fem.Function:
        space = self.concentration_space
        trial, test = ufl.TrialFunction(space), ufl.TestFunction(space)
        c = ufl.variable(ufl.split(self.u)[0])
        potential = ufl.diff(self.free_energy_density(c), c)
        problem = LinearProblem(
            trial * test * self.dx,
            potential * test * self.dx + self.kappa * ufl.inner(ufl.grad(c), ufl.grad(test)) * self.dx,
            petsc_options_prefix=f"{self.name}_initial_mu_{id(self)}_",
            petsc_options={"ksp_type": "cg", "pc_type": "jacobi", "ksp_rtol": 1e-12})
        return problem.solve()

    @property
    def c(self) -> fem.Function:
        """The concentration of the current state (a view into the mixed function)."""
        return self.u.sub(0)

    @property
    def mu(self) -> fem.Function:
        """The chemical potential of the current state (a view into the mixed function)."""
        return self.u.sub(1)

    def amount(self) -> float:
        """Integral of c over the domain (m^3 in 3-D, m^2 in 2-D)."""
        return self._comm.allreduce(fem.assemble_scalar(self._amount))
