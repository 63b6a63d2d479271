r"""Allen-Cahn equation with a user-supplied free energy.

For a non-conserved order parameter :math:`\phi` (dimensionless) on :math:`\Omega` (SI):

.. math::

    \partial_t \phi = -L(\phi)\,\big(f'(\phi) - \nabla\cdot(\kappa\nabla\phi)\big) + \dots,

the :math:`L^2` gradient flow of :math:`E[\phi] = \int_\Omega f(\phi) + \tfrac{\kappa}{2}|\nabla\phi|^2\,dx`
with

- f: free-energy density (J/m^3), a Python callable returning a UFL expression of phi; f' is taken by
  UFL (``ufl.variable`` / ``ufl.diff``);
- :math:`\kappa`: gradient-energy coefficient (J/m);
- L: kinetic coefficient (m^3/(J s)), a number, a UFL expression or a callable of phi;
- ``...``: optional extra terms given by ``extra_residual``.

Boundaries: no flux, :math:`\kappa\nabla\phi\cdot n = 0` (natural); periodic boundaries are not
supported (they need dolfinx_mpc).

Weak form on Lagrange elements of degree p: find :math:`\phi` with

.. math::

    (\partial_t\phi, w) + (L f'(\phi), w) + (\kappa\nabla\phi, \nabla(L w)) + R_{extra}(\phi; w) = 0
    \quad\forall w,

(the integration by parts of :math:`L\,\nabla\cdot(\kappa\nabla\phi)` keeps the product rule when L
depends on phi). Time: variable-step BDF2 (backward Euler start, or ``order`` 1 or 3), implicit at
:math:`t_{n+1}`, the equation multiplied by dt; Newton (SNES) and adaptive steps as in
:mod:`.evolution`.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import ufl
from basix.ufl import element
from dolfinx import fem
from dolfinx.mesh import Mesh

from phasefield.generic.evolution import GradientFlow, check_boundary, coefficient

Coefficient = float | ufl.core.expr.Expr | Callable


@dataclass(frozen=True)
class AllenCahnFields:
    """What an ``extra_residual`` hook may use: phi at the new time level, its test function w
    (already multiplied by dt like the rest of the equation), the new time and the measure."""

    phi: ufl.core.expr.Expr
    w: ufl.core.expr.Expr
    time: fem.Constant
    dx: ufl.Measure


class AllenCahn(GradientFlow):
    """The Allen-Cahn problem of the module docstring on ``mesh``.

    ``extra_residual(fields)`` returns a UFL form added to the time-continuous residual above, e.g. a
    driving force g: ``lambda fl: -g * fl.w * fl.dx``; it is evaluated at the new time level.
    ``quadrature_degree`` as for :class:`.CahnHilliard` (default 2p)."""

    name = "allen_cahn"

    def __init__(self, mesh: Mesh, free_energy: Callable, gradient_coefficient: Coefficient,
                 kinetic_coefficient: Coefficient = 1.0, extra_residual: Callable | None = None,
                 boundary: str = "no-flux", degree: int = 1, order: int = 2,
                 linear_solver: str = "gmres", quadrature_degree: int | None = None,
                 petsc_options: dict | None = None):
        check_boundary(boundary)
        space = fem.functionspace(mesh, element("Lagrange", mesh.basix_cell(), degree))
        super().__init__(space, order, quadrature_degree or 2 * degree)
        phi, w = self.u, ufl.TestFunction(space)
        phi_var = ufl.variable(phi)
        driving_force = ufl.diff(free_energy(phi_var), phi_var)
        kinetic = coefficient(kinetic_coefficient, phi)
        dx = self.dx
        residual = (self.time_derivative(lambda u: u) * w * dx
                    + self.dt * kinetic * driving_force * w * dx
                    + self.dt * gradient_coefficient * ufl.inner(ufl.grad(phi), ufl.grad(kinetic * w)) * dx)
        if extra_residual is not None:
            residual += extra_residual(AllenCahnFields(phi, self.dt * w, self.time, dx))
        energy = (free_energy(self._probe)
                  + 0.5 * gradient_coefficient * ufl.inner(ufl.grad(self._probe), ufl.grad(self._probe)))
        dofs = np.arange(space.dofmap.index_map.size_local, dtype=np.int32)
        self._finish(residual, energy, dofs, space, linear_solver, petsc_options)

    def set_initial_condition(self, phi0: Callable | ufl.core.expr.Expr | fem.Function, time: float = 0.0
                              ) -> None:
        """Set phi (a callable of the coordinates, a UFL expression or a Function); clears the history."""
        if isinstance(phi0, ufl.core.expr.Expr) and not isinstance(phi0, fem.Function):
            self.u.interpolate(fem.Expression(phi0, self.space.element.interpolation_points))
        else:
            self.u.interpolate(phi0)
        self.t = time
        self._times = []
        self._reset_history()

    @property
    def phi(self) -> fem.Function:
        """The order parameter of the current state."""
        return self.u
