r"""The stress-velocity Newton linearisation of power-law creep (Rudi, Shih & Stadler, G-cubed 21, 2020).

The creep residual (:mod:`phasefield.physics.creep`) is that of the velocity-pressure form with the viscosity
:math:`\eta(\mathbf v) = \eta_{min} + \eta_N(q)`, :math:`q = \tfrac23\mathbf D':\mathbf D' + \dot\varepsilon_0^2`
(scaled units). Its exact Jacobian holds the rank-one term of the viscosity's derivative,

.. math::

    2\,h\,\eta_N'(q)\,\tfrac43\,(\mathbf D'_k:\delta\mathbf D)\,(\mathbf D'_k:\mathbf D(\mathbf w)),
    \qquad \eta_N'(q) = \frac{1-n}{2n}\,\frac{\eta_N}{q},

whose direction is the current strain rate :math:`\mathbf D_k`. For n = 6.6 a rate that is wrong by a
factor makes that direction wrong, and a backtracking line search cuts the steps to a tenth (measured on the
headline's steps after void growth: 30 of its 33 Newton iterations at a step length of 0.1-0.4).

The stress-velocity Newton treats the stress as an independent unknown during the linearisation only: the
stress direction :math:`\mathbf Z` (a rate-like tensor at the quadrature points, equal to :math:`\mathbf D(\mathbf
v)` at the solution) replaces :math:`\mathbf D_k` in one factor of the rank-one term (symmetrised, so the matrix
stays symmetric and MUMPS's LDL^T serves),

.. math::

    2\,h\,\eta_N'(q_k)\,\tfrac43\,\tfrac12\big[(\mathbf Z'_k:\delta\mathbf D)(\mathbf D'_k:\mathbf D(\mathbf w))
    + (\mathbf D'_k:\delta\mathbf D)(\mathbf Z'_k:\mathbf D(\mathbf w))\big],

and is carried from step to step by the linearised constitutive law, the stress
:math:`\boldsymbol\tau = 2\eta\mathbf D'` after the step :math:`\delta\mathbf v` (line-search length included)
divided by the new viscosity:

.. math::

    \mathbf Z_{k+1} = \frac{\eta_k\,(\mathbf D_k + \delta\mathbf D) + \eta_N'(q_k)\,\tfrac43\,
    (\mathbf D'_k:\delta\mathbf D)\,\mathbf Z_k}{\eta_{k+1}},

scaled down where :math:`\tfrac23\mathbf Z':\mathbf Z' > q_{k+1}`, which keeps the tangent positive definite in
the velocity (its rank-one part is then at most :math:`(n-1)/n < 1` of the viscous part). The residual, and so
the solution and its tolerance, are those of the velocity-pressure form: only the path to it changes. At the
first iteration of a solve :math:`\mathbf Z = \mathbf D(\mathbf v_0)`: the first step is the standard Newton's.
"""

import basix.ufl
import ufl
from dolfinx import fem
from dolfinx.fem.petsc import assign
from petsc4py import PETSc


class StressDirection:
    """The stress direction Z of the module docstring on the quadrature points of ``degree`` (the residual's) of
    the creep problem's mesh, and the SNES update hook that carries it between Newton iterations.

    ``velocity_of`` maps a Function of the creep space to its velocity (UFL); ``rate`` maps a velocity to D,
    ``deviatoric_product`` is D'(a):D(b); ``metal_viscosity`` maps a velocity to (eta, eta_N'(q), q) of the metal
    (scaled, UFL)."""

    def __init__(self, state: fem.Function, degree: int, velocity_of, rate, deviatoric_product, metal_viscosity):
        mesh = state.function_space.mesh
        gdim = mesh.geometry.dim
        element = basix.ufl.quadrature_element(mesh.basix_cell(), value_shape=(gdim, gdim), degree=degree)
        space = fem.functionspace(mesh, element)
        self.state = state
        self.direction = fem.Function(space, name="creep_stress_direction")
        self._previous = fem.Function(state.function_space, name="creep_previous_iterate")
        self._rate, self._product, self._viscosity = rate, deviatoric_product, metal_viscosity
        points = space.element.interpolation_points
        v_new, v_old = velocity_of(state), velocity_of(self._previous)
        self._initial = fem.Expression(rate(v_new), points)
        self._carried = fem.Expression(self._carried_direction(v_old, v_new), points)

    def _carried_direction(self, v_old, v_new) -> ufl.core.expr.Expr:
        """Z_{k+1} of the module docstring, scaled to 2/3 Z':Z' <= q_{k+1}."""
        d_old, step = self._rate(v_old), self._rate(v_new - v_old)
        eta_old, slope_old, _ = self._viscosity(v_old)
        eta_new, _, q_new = self._viscosity(v_new)
        z = self.direction
        carried = (eta_old * (d_old + step) + slope_old * 4.0 / 3.0 * self._product(d_old, step) * z) / eta_new
        size = 2.0 / 3.0 * self._product(carried, carried)
        return carried * ufl.min_value(1.0, ufl.sqrt(q_new / ufl.max_value(size, 1e-300)))

    def jacobian_correction(self, velocity, trial_velocity, test_velocity, weight) -> ufl.core.expr.Expr:
        """The integrand to add to the exact Jacobian's: the stress-velocity rank-one term minus the exact one
        (``weight`` h(phi) times the Picard blend)."""
        d, dd, dw = self._rate(velocity), self._rate(trial_velocity), self._rate(test_velocity)
        _, slope, _ = self._viscosity(velocity)
        z = self.direction
        exact = self._product(d, dd) * self._product(d, dw)
        dual = 0.5 * (self._product(z, dd) * self._product(d, dw) + self._product(d, dd) * self._product(z, dw))
        return 2.0 * weight * slope * 4.0 / 3.0 * (dual - exact)

    def update(self, snes: PETSc.SNES, iteration: int) -> None:
        """SNES's update hook, called before each Newton iteration's Jacobian: Z from the step just taken
        (iteration 0: Z = D of the start)."""
        iterate = snes.getSolution()  # its ghosts are stale after the line search's copy: refresh them first
        iterate.ghostUpdate(addv=PETSc.InsertMode.INSERT, mode=PETSc.ScatterMode.FORWARD)
        assign(iterate, self.state)
        if iteration == 0:
            self.direction.interpolate(self._initial)
        else:
            self.direction.interpolate(self._carried)
        self._previous.x.array[:] = self.state.x.array
