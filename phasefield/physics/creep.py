r"""Creep of the metal under stack pressure: quasi-static power-law (Norton) flow on the metal window.

Constitutive law, Norton creep in von Mises form (SI):

.. math::

    \dot\varepsilon_{eq} = A_T\,\sigma_{eq}^n,\qquad A_T = A\,e^{-Q/RT}\quad(\mathrm{Pa^{-n}\,s^{-1}}),

:math:`\sigma_{eq} = \sqrt{3/2\,\mathbf{s}:\mathbf{s}}` (Pa), :math:`\dot\varepsilon_{eq} =
\sqrt{2/3\,\mathbf{D}':\mathbf{D}'}` (1/s), :math:`\mathbf{D} = \mathrm{sym}\nabla\mathbf{v}`,
:math:`\mathbf{D}' = \mathbf{D} - \tfrac13\mathrm{tr}\mathbf{D}\,\mathbf{I}` (plane strain in 2-D:
the out-of-plane rate is zero, :math:`\mathbf{D}':\mathbf{D}' = \mathbf{D}:\mathbf{D} -
(\mathrm{tr}\mathbf{D})^2/3` in 2-D and 3-D). As a viscosity, :math:`\mathbf{s} = 2\eta\mathbf{D}'`
with :math:`\eta_N = \sigma_{eq}/(3\dot\varepsilon_{eq}) = \tfrac13 A_T^{-1/n}
\dot\varepsilon_{eq}^{(1-n)/n}` (Pa s). The parameter sets give :math:`A_T` as a rate at a reference
stress and temperature (:meth:`NortonLaw.from_parameters`). Regularised (smooth caps):

.. math::

    \eta(\dot\varepsilon_{eq}) = \eta_{min} + \tfrac13 A_T^{-1/n}
    \left(\dot\varepsilon_{eq}^2 + \dot\varepsilon_0^2\right)^{(1-n)/2n},

with :math:`\dot\varepsilon_0` such that :math:`\eta(0) = \eta_{max}`. Defaults:
:math:`\eta_{max} = 10^{16}` Pa s (the project notes ask for at least :math:`10^{15}`); for Li at
25 C that is :math:`\dot\varepsilon_0 = 1.4\times10^{-12}` 1/s, :math:`\sigma_{eq}(\dot\varepsilon_0)
= 0.04` MPa (Li0.97Mg0.03: :math:`2\times10^{-12}` 1/s, 0.06 MPa), below the lowest stack pressure
(0.2 MPa); and :math:`\eta_{min} = 10^{-6}\eta_{ref}`, reached
at :math:`\sigma_{eq} \approx 12\,\sigma_0` for n = 6.6 (:math:`\eta_{ref}` and :math:`\sigma_0` below).
:meth:`PowerLawCreep.caps` states both for a given case. :math:`\dot\varepsilon_0 > 0` also makes
:math:`\eta` differentiable at :math:`\mathbf{D} = 0`, which Newton's method needs.

Momentum and mass balance of the metal (no inertia, no elasticity), for the velocity
:math:`\mathbf{v}` (m/s) and the pressure :math:`p = -\mathrm{tr}\,\boldsymbol\sigma/3` (Pa):

.. math::

    -\nabla\cdot(2\eta\,\mathbf{D}' - p\,\mathbf{I}) = \mathbf{f},\qquad
    \nabla\cdot\mathbf{v} = m(\phi)\,s - (1 - m(\phi))\,p/\eta_v,

- :math:`\phi` the metal fraction (1 metal, 0 void), clipped to [0, 1];
  :math:`h(\phi) = \phi^2(3 - 2\phi)`;
- viscosity :math:`\eta = h(\phi)\,\eta_{metal}(\dot\varepsilon_{eq}) + (1 - h(\phi))\,\eta_v`;
- void: a soft, compressible ersatz material, so that voids can close: shear and bulk viscosity
  :math:`\eta_v` (default :math:`10^{-2}\eta_{min}`, softer than the softest the metal can be, at
  any stress: the void surface is traction free to within 1% of the closure rate, which no longer
  changes with :math:`\eta_v` below :math:`10^{-1}\eta_{min}`; docs/creep.md, "The void ersatz");
  the mass balance switches from incompressible metal to the compressible void over
  the void half of the diffuse interface only, :math:`m(\phi) = h(\min(2\phi, 1))` (with :math:`m = h(\phi)`
  the whole diffuse interface would be compressible and the void would close by squeezing diffuse
  metal, much faster than a sharp hole: docs/creep.md, "Equations");
- :math:`s` (1/s) the prescribed divergence, e.g. the vacancy sinks :math:`s = -k_s(c_v - c_v^{eq})`,
  applied in the metal (weight m);
- :math:`\mathbf{f}` a body force (N/m^3): zero in the battery, for verification, plus the capillary
  (Laplace) force of the diffuse void surface where a gradient-energy coefficient :math:`\kappa` is given
  (``gradient_energy``), :math:`\mathbf{f}_K = -2h(\phi)\,\kappa\,|\mathbf{g}|^2(\nabla\cdot\mathbf{n})\,\mathbf{n}`,
  :math:`\mathbf{n} = \mathbf{g}/|\mathbf{g}|`, :math:`\mathbf{g}` the gradient of :math:`\phi` projected on
  P1 (lumped :math:`L^2`, refreshed at every solve), on the metal half of the diffuse layer (the weight
  :math:`2h(\phi)` averages to one across a symmetric profile; on the compressible void ersatz half of the
  force closed the test void 30-43x too fast). Across an equilibrium interface :math:`\int\kappa|\nabla
  \phi|^2 = \gamma`, so it integrates to the Laplace traction :math:`-\gamma K\mathbf{n}` (a void of radius a
  is pulled shut by :math:`\gamma/a`). It is the curvature part of the divergence of the Korteweg stress
  :math:`\kappa(|\nabla\phi|^2\mathbf{I} - \nabla\phi\otimes\nabla\phi)`; the rest, a tangential tension
  that the pressure balances at equilibrium, is left out: as a stress it loads the creeping diffuse layer with
  :math:`\gamma/\delta` instead of :math:`\gamma/a`, which a stress exponent of 6.6 turns into closure rates
  100-700x too fast on meshes that resolve the layer with 7-14 cells (measured, docs/creep.md).

Boundary conditions (:class:`phasefield.mesh.FacetTag`):

- ``METAL_TOP``: traction :math:`\boldsymbol\sigma\mathbf{n} = -p_{stack}\mathbf{n}`; bulk metal
  enters freely through the top;
- ``INTERFACE`` (n = 0): no penetration :math:`v_n = 0` on the contact facets (all interface facets
  unless given: :meth:`PowerLawCreep.set_contact`), or, where the interface adds lattice at a speed
  :math:`g` (m/s; plating on a contact without vacancies to fill), :math:`\mathbf{v}\cdot\mathbf{e}_n = g`:
  the new lattice pushes the metal away from the electrolyte (g < 0: the interface annihilates stripped sites
  and the metal comes towards it); tangentially free slip (default: zero shear
  traction) or stick (:math:`\mathbf{v} = 0`); interface facets out of contact are traction free;
- ``LATERAL``: symmetry, :math:`v_x = 0` on x = const (and the other in-plane component on the
  other pair of sides in 3-D), free slip; or a prescribed velocity (verification).

Weak form, Taylor-Hood P2/P1, test functions :math:`(\mathbf{w}, q)`:

.. math::

    \int 2\eta\,(\mathbf{D}(\mathbf{v}):\mathbf{D}(\mathbf{w}) - \tfrac13\nabla\cdot\mathbf{v}\,
    \nabla\cdot\mathbf{w}) - p\,\nabla\cdot\mathbf{w} - \mathbf{f}\cdot\mathbf{w}
    - q\,(\nabla\cdot\mathbf{v} - m s + (1 - m)p/\eta_v)\,dx
    + \int_{top} p_{stack}\,\mathbf{w}\cdot\mathbf{n}\,ds = 0 .

Where :math:`\phi = 1`, q = 1 gives :math:`\int\nabla\cdot\mathbf{v} = \int s` to solver tolerance:
the lattice sites removed by the sinks enter through the top. Residual and Jacobian use the same
fixed quadrature degree (4), so the Newton matrix is the exact derivative of the discrete residual.

Scaling: the unknowns are nondimensional, lengths in :math:`L_0` = 1 um, stresses in
:math:`\sigma_0` (the stack pressure unless ``stress_scale`` is given), strain rates in
:math:`\dot\varepsilon_r = A_T\sigma_0^n` (the creep rate at :math:`\sigma_0`), velocities in
:math:`L_0\dot\varepsilon_r`, viscosities in :math:`\sigma_0/\dot\varepsilon_r = 3\eta_{ref}`
(:math:`\eta_{ref} = \eta_N(\dot\varepsilon_r)`, the viscosity at :math:`\sigma_{eq} = \sigma_0`).
Then :math:`\hat\eta = \tfrac13\hat{\dot\varepsilon}^{(1-n)/n}` for every n, pressures and
velocities are of order one, and the SNES tolerances (absolute 1e-10, relative 1e-9, step 1e-10)
mean the same at every pressure.

Solver: Picard (Kacanov: the viscosity frozen at the previous iterate) then Newton. Why: Kacanov's iteration is a
descent method for the convex dissipation potential of a shear-thinning law (:math:`\eta` non-increasing in the
rate, n >= 1) and converges from any start, but only linearly (regions that are nearly rigid must stiffen from
:math:`\eta_{ref}` to :math:`\eta_{max}`). Newton converges quadratically but its basin is small for large n: its
tangent stiffness along the current rate direction is :math:`2\eta/n`, so in regions whose rate is still wrong by a
factor it overshoots. Sequence: the Newtonian solve with :math:`\eta = \eta_{ref}`; Kacanov until the velocity
changes by less than 3e-2 (relative, max norm); Newton (SNES, a line search on the residual norm, MUMPS
LDL^T, at most 40 iterations); if it fails, Kacanov continues from its own last iterate to 1e-3, then 1e-5, with a
Newton attempt after each. Newton's matrix is linearised along a stress direction carried as an independent
variable, the stress-velocity Newton (:mod:`.creep_stress_newton`); its residual, solution and tolerances are the
exact Newton's. A later solve starts from the previous solution with one Kacanov iteration (the new data and
Dirichlet rows imposed with the old viscosity), then Newton (Newton straight from the previous solution crawls after
a void step with the exact linearisation, and with the stress-velocity one it pays in the headline but costs 2.5x in
T3's 7 MPa void closures, where it stalls near the viscosity caps; Kacanov on to a velocity change of 1e-2, as
before 2026-12-06, takes 8-16 iterations that Newton does faster: docs/performance.md, "One Kacanov iteration"); a
solve after a change of the unilateral contact set alone (same data, ``newton_first``) tries Newton straight away
and falls back to that sequence. Before it, the estimate of the warm start: the Euclidean norm of the scaled Newton
residual at the previous solution with the new data and contact (one assembly, :meth:`PowerLawCreep.warm_residual`).
Below the Newton's absolute tolerance (1e-10) the previous solution is the solution (Newton would stop there at its
iteration 0, by the same test): nothing is solved. A failure raises :class:`SolverFailure` and restores the previous
state. The line search works on the residual norm because the residual is the gradient of a saddle (convex in v,
concave in p) Lagrangian, not of a convex potential: PETSc's ``l2`` secant search on the squared norm, which takes
longer steps than backtracking (``bt``) where the rate direction is wrong by a factor (docs/creep.md, "Line search
in coupled runs"). A Newton that stalls at the
round-off floor of the residual is accepted (``ROUND_OFF_DROP``).
Linear solves: both matrices are symmetric, the Kacanov one a Stokes matrix with a viscosity field and the Newton
one the Hessian of the same Lagrangian (the derivative of the viscosity adds a term proportional to
:math:`(\mathbf{D}'(\mathbf{v}):\mathbf{D}(\delta\mathbf{v}))\,(\mathbf{D}'(\mathbf{v}):\mathbf{D}(\mathbf{w}))`,
symmetric in the trial and test functions; the stress-velocity form symmetrises its replacement), and
indefinite: MUMPS LDL^T with 2x2 pivots. Successive matrices differ
little (Kacanov and Newton iterations, steps), so a factorisation is kept as the preconditioner of
right-preconditioned GMRES until a solve needs more than ``REFRESH_AFTER`` iterations
(:mod:`phasefield.solvers.lagged_factorisation`); the Kacanov solves to 1e-6 (true residual, relative), the Newton
ones to the Eisenstat-Walker tolerance (inexact Newton). Measurements and the alternatives tried: docs/creep.md,
"Solver strategy, and why" and "Design history and trials"; docs/performance.md. """

import logging
from collections.abc import Callable
from dataclasses import dataclass

import basix.ufl
import dolfinx.mesh as dmesh
import numpy as np
import ufl
from dolfinx import fem, la
from dolfinx.fem.petsc import NonlinearProblem, assign
from mpi4py import MPI
from petsc4py import PETSc

from phasefield.constants import AVOGADRO
from phasefield.mesh import FacetTag, Subdomain
from phasefield.physics.creep_stress_newton import StressDirection
from phasefield.solvers.failures import SolverFailure, at_round_off_floor
from phasefield.solvers.lagged_factorisation import KRYLOV_OPTIONS, LaggedFactorisation
from phasefield.thermal_activation import arrhenius_from_reference

log = logging.getLogger(__name__)

#: Internal length unit (m): the equations are solved with lengths in micrometres.
LENGTH_SCALE = 1e-6
#: Default low-rate cap of the viscosity (Pa s), above the 1e15 Pa s floor of the project notes.
DEFAULT_MAX_VISCOSITY = 1e16
#: Default lower viscosity cap eta_min relative to eta_ref (module docstring).
MIN_VISCOSITY_RATIO = 1e-6
#: Default viscosity of the void ersatz material relative to the lower viscosity cap eta_min: softer
#: than the metal at any stress (the closure rate is then independent of it to < 1%, docs/creep.md).
VOID_VISCOSITY_RATIO = 1e-2
#: Quadrature degree of the residual and its Jacobian (the same for both: an exact Newton matrix).
QUADRATURE_DEGREE = 4
#: |g|^2 floor (1/m^2) of the capillary force's normal g/|g|: negligible against an interface's (1/delta)^2 ~ 1e13
GRADIENT_FLOOR = 1.0
#: Picard hands over to Newton when the velocity changes by less than the first of these (relative,
#: max norm); each time Newton fails, Picard continues from there to the next one and Newton retries.
PICARD_STAGES = (3e-2, 1e-3, 1e-5)
#: A warm solve (from the previous solution) starts with Kacanov from there, at most WARM_PICARD_ITERATIONS
#: iterations or until the velocity changes by less than WARM_PICARD_TOLERANCE, then Newton; if that fails, the cold
#: sequence of PICARD_STAGES follows (module docstring: why). One iteration imposes the new data (the Dirichlet rows,
#: a moved void) with the old viscosity, and Newton takes it from there: against Kacanov to 1e-2 (8-16 iterations in
#: the headline's late steps), creep time -22% on the headline from step 100 and -19% creep iterations on T3's 7 MPa
#: member, the results the same within the solver tolerance (docs/performance.md, "One Kacanov iteration").
WARM_PICARD_TOLERANCE = 1e-2
WARM_PICARD_ITERATIONS = 1
#: A Newton-first attempt (``PowerLawCreep.solve(newton_first=True)``: a state close to the solution) gives up after
#: this many iterations (None: the Newton's own limit), and the warm sequence follows. A cap of 15 cost the headline
#: 5% more creep iterations (docs/performance.md, "Newton first after a change of the contact set")
NEWTON_FIRST_ITERATIONS = None
#: The linear solves of both stages: GMRES preconditioned by a MUMPS factorisation kept while it serves
#: (:mod:`phasefield.solvers.lagged_factorisation`). The Kacanov and Newton matrices are symmetric indefinite
#: (saddle points; the Newton matrix is the Hessian of the saddle Lagrangian), so MUMPS factorises them as
#: LDL^T (SYM = 2, with 2x2 pivots), half the flops and factor entries of LU (module docstring).
LINEAR_OPTIONS = KRYLOV_OPTIONS | {"ksp_rtol": 1e-10}
#: A solve that needed more Krylov iterations than this refactorises the next time. Measured on T1 with
#: creep (17 steps from step 150, 1 rank; benchmarks/creep_lagged_factorisation): creep time 25.0 / 27.3 /
#: 30.2 / 36.5 s at 2 / 4 / 8 / 16 against 34.7 s refactorising every time.
REFRESH_AFTER = 2
#: The factorisation: LDL^T (PETSc's Cholesky on a matrix flagged symmetric: MUMPS SYM = 2).
FACTOR = "cholesky"
#: Its fill-reducing ordering, MUMPS ICNTL(7) = 4: PORD. On the headline's creep matrices (step 75) it needs 20%
#: fewer flops than METIS (MUMPS's automatic choice here) and its triangular solves take 16-17% less time on 2 ranks
#: (benchmarks/headline/creep_ldlt/mumps_options.py; docs/performance.md, "The creep factorisation's ordering").
ORDERING = 4
#: Newton's matrix with the stress-velocity linearisation (:mod:`.creep_stress_newton`) instead of the exact one.
STRESS_VELOCITY_NEWTON = True
#: Newton: a line search on the residual norm (module docstring: why), the secant search of PETSc's ``l2``.
NEWTON_OPTIONS = {
    "snes_type": "newtonls", "snes_linesearch_type": "l2", "snes_rtol": 1e-9, "snes_atol": 1e-10,
    "snes_stol": 1e-10, "snes_max_it": 40, **LINEAR_OPTIONS,
    # inexact Newton: the Krylov tolerance follows the residual's decrease (Eisenstat-Walker), loose far
    # from the solution (where an old factorisation serves in a few iterations), tight near it
    "snes_ksp_ew": True,
}
#: Newton at a round-off floor, accepted as converged (:func:`.failures.at_round_off_floor`): the
#: residual norm fell by this factor from the start of the attempt and then stalled within 1% over
#: this many iterations (the line search finds no descent in the round-off of nearly rigid
#: regions; a Newton still converging, even damped, lowers the norm by several % per iteration).
#: The case that needed it: docs/creep.md, "Design history and trials", "Round-off floor".
ROUND_OFF_DROP = 1e-3
ROUND_OFF_STALL = 5
#: One Picard iteration: the residual is linear in the unknowns, one linear solve.
PICARD_OPTIONS = {"snes_type": "ksponly", **LINEAR_OPTIONS, "ksp_rtol": 1e-6}  # its test: velocity change 1e-2


@dataclass(frozen=True)
class NortonLaw:
    """eps_dot_eq = A_T sigma_eq^n at one temperature; ``rate_factor`` A_T in Pa^-n s^-1."""

    stress_exponent: float
    rate_factor: float

    @classmethod
    def from_parameters(cls, metal: dict[str, float], temperature: float) -> "NortonLaw":
        """A_T = f_alloy eps_ref / sigma_ref^n exp(-Q/R (1/T - 1/T_ref)) from a metal set (SI, Q per mole)."""
        n = metal["creep_stress_exponent"]
        rate = metal["creep_alloy_factor"] * arrhenius_from_reference(
            metal["creep_reference_strain_rate"], metal["creep_reference_temperature"],
            metal["creep_activation_energy"] / AVOGADRO, temperature)
        return cls(n, rate / metal["creep_reference_stress"] ** n)

    def strain_rate(self, stress: float) -> float:
        """eps_dot_eq (1/s) at sigma_eq (Pa)."""
        return self.rate_factor * stress**self.stress_exponent

    def stress(self, strain_rate: float) -> float:
        """sigma_eq (Pa) at eps_dot_eq (1/s)."""
        return (strain_rate / self.rate_factor) ** (1.0 / self.stress_exponent)

    def viscosity(self, strain_rate: float) -> float:
        """eta_N = sigma_eq / (3 eps_dot_eq) (Pa s), unregularised."""
        return self.stress(strain_rate) / (3.0 * strain_rate)


@dataclass(frozen=True)
class CreepScales:
    """Units of the nondimensional unknowns: length, stress, strain rate; velocity and viscosity follow."""

    length: float
    stress: float
    strain_rate: float

    @property
    def velocity(self) -> float:
        return self.length * self.strain_rate

    @property
    def viscosity(self) -> float:
        return self.stress / self.strain_rate


def metal_weight(phi):
    """h(phi) = phi^2 (3 - 2 phi) of phi clipped to [0, 1]: 1 in the metal, 0 in a void (the cubic,
    with which the void-closure numbers of docs/creep.md were obtained)."""
    phi = ufl.min_value(ufl.max_value(phi, 0.0), 1.0)
    return phi**2 * (3.0 - 2.0 * phi)


def _rate_tensor(velocity):
    """D = sym grad v with lengths in um (the scaled rate of a scaled velocity)."""
    return ufl.sym(LENGTH_SCALE * ufl.grad(velocity))


def deviatoric_product(a, b):
    """D'(a):D(b) for symmetric rates a, b (plane strain in 2-D: zero out-of-plane rate)."""
    return ufl.inner(a, b) - ufl.tr(a) * ufl.tr(b) / 3.0


class PowerLawCreep:
    """The creep problem of the module docstring on the metal submesh ``metal``.

    What the coupler passes: ``phi`` the metal fraction (a Function of any scalar space on
    ``metal.mesh``; None: all metal), ``divergence`` s in 1/s (a UFL expression on ``metal.mesh``,
    e.g. ``-k_s * (c_v - c_v_eq)``; None: zero), the stack pressure in Pa (changed between solves
    with :meth:`set_stack_pressure`) and the contact facets (:meth:`set_contact`). The forms are
    built once: update the values of ``phi`` and of the coefficients in ``divergence`` in place.
    After :meth:`solve`, :attr:`velocity` (m/s, P2) and :attr:`pressure` (Pa, P1) hold the solution.
    """

    _instances = 0

    def __init__(self, metal: Subdomain, law: NortonLaw, stack_pressure: float, *,
                 phi: fem.Function | None = None, divergence: ufl.core.expr.Expr | None = None,
                 interface: str = "slip", contact_facets: np.ndarray | None = None,
                 lateral_velocity: Callable | None = None, body_force: ufl.core.expr.Expr | None = None,
                 stress_scale: float | None = None, max_viscosity: float = DEFAULT_MAX_VISCOSITY,
                 min_viscosity: float | None = None, void_viscosity: float | None = None,
                 void_viscosity_ratio: float = VOID_VISCOSITY_RATIO,
                 picard_iterations: int = 100, interface_growth: ufl.core.expr.Expr | None = None,
                 gradient_energy: float | None = None):
        """``interface``: "slip" (default) or "stick" on the contact; ``interface_growth`` g (m/s, a UFL
        expression on the metal mesh, read at every solve; None: 0), the normal speed of the metal on the
        contact facets; ``lateral_velocity``: x -> v (m/s, shape (gdim, N)) prescribed on the lateral sides
        instead of symmetry;
        ``body_force`` f (N/m^3); ``gradient_energy`` kappa (J/m) of the capillary force (None: none);
        viscosities in Pa s (defaults in the module docstring); the void ersatz's ``void_viscosity``, else
        ``void_viscosity_ratio`` times the lower cap;
        ``picard_iterations`` bounds each Picard stage."""
        if interface not in ("slip", "stick"):
            raise ValueError(f"interface must be 'slip' or 'stick', not {interface!r}")
        self.metal, self.law, self.interface = metal, law, interface
        mesh = metal.mesh
        self._comm = mesh.comm
        sigma0 = stress_scale or (stack_pressure if stack_pressure > 0 else 1e6)
        self.scales = CreepScales(LENGTH_SCALE, sigma0, law.strain_rate(sigma0))
        reference = law.viscosity(self.scales.strain_rate)
        self.max_viscosity = max_viscosity
        default_min = MIN_VISCOSITY_RATIO * reference
        self.min_viscosity = default_min if min_viscosity is None else min_viscosity
        softest = self.min_viscosity if self.min_viscosity > 0 else default_min
        self.void_viscosity = void_viscosity_ratio * softest if void_viscosity is None else void_viscosity
        if self.void_viscosity <= 0:
            raise ValueError("the void ersatz's viscosity must be positive")
        if self.max_viscosity <= self.min_viscosity:
            raise ValueError("max_viscosity must exceed min_viscosity")
        self.picard_iterations = picard_iterations
        self._lateral_velocity = lateral_velocity

        gdim = mesh.geometry.dim
        self.space = fem.functionspace(mesh, basix.ufl.mixed_element([
            basix.ufl.element("Lagrange", mesh.basix_cell(), 2, shape=(gdim,)),
            basix.ufl.element("Lagrange", mesh.basix_cell(), 1),
        ]))
        self.u = fem.Function(self.space, name="creep_state")
        self._frozen = fem.Function(self.space, name="creep_picard_state")
        self._saved = fem.Function(self.space)
        velocity_space, self._velocity_dofs = self.space.sub(0).collapse()
        pressure_space, self._pressure_dofs = self.space.sub(1).collapse()
        self.velocity = fem.Function(velocity_space, name="velocity")
        self.pressure = fem.Function(pressure_space, name="pressure")

        self.phi = fem.Constant(mesh, PETSc.ScalarType(1.0)) if phi is None else phi
        self._gradient_form = None
        if gradient_energy:
            capillary = self._capillary_force(mesh, gradient_energy)
            body_force = capillary if body_force is None else capillary + body_force
        self.stack_pressure = fem.Constant(mesh, PETSc.ScalarType(stack_pressure / sigma0))
        self.picard_blend = fem.Constant(mesh, PETSc.ScalarType(1.0))
        self._coefficients = self._scaled_coefficients(mesh, divergence, body_force)
        self.ds = ufl.Measure("ds", domain=mesh, subdomain_data=metal.facet_tags)
        self._residual = self._scaled_residual(self.u)
        self._picard_residual = self._scaled_residual(self._frozen)
        self._warm = False
        self._reaction_form = None
        self._lateral = self._lateral_bcs()
        self._growth = self._interface_growth(interface_growth)
        self._bcs: list[fem.DirichletBC] = []
        self._stress_direction = (StressDirection(self.u, QUADRATURE_DEGREE, lambda state: ufl.split(state)[0],
                                                  _rate_tensor, deviatoric_product, self._metal_viscosity)
                                  if STRESS_VELOCITY_NEWTON and law.stress_exponent != 1.0 else None)
        self._build_problems()
        self.set_contact(contact_facets)
        self._diagnostics = self._diagnostic_forms(mesh, divergence)

    def _capillary_force(self, mesh: dmesh.Mesh, kappa: float) -> ufl.core.expr.Expr:
        """f_K (N/m^3, UFL) of the module docstring, on the lumped P1 projection of grad phi."""
        space = fem.functionspace(mesh, ("Lagrange", 1, (mesh.geometry.dim,)))
        self._phi_gradient = fem.Function(space, name="metal_fraction_gradient")
        test = ufl.TestFunction(space)
        self._gradient_form = fem.form(ufl.inner(ufl.grad(self.phi), test) * ufl.dx)
        self._gradient_vector = fem.petsc.create_vector(space)
        self._lumped_mass = fem.petsc.assemble_vector(fem.form(ufl.inner(ufl.as_vector([1.0] * mesh.geometry.dim),
                                                                         test) * ufl.dx))
        self._lumped_mass.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        g = self._phi_gradient
        magnitude = ufl.sqrt(ufl.dot(g, g) + GRADIENT_FLOOR)
        normal = g / magnitude
        return -2.0 * metal_weight(self.phi) * kappa * ufl.dot(g, g) * ufl.div(normal) * normal

    def _refresh_phi_gradient(self) -> None:
        """g = the lumped L2 projection of grad phi on P1 (for the capillary force)."""
        if self._gradient_form is None:
            return
        vector = self._gradient_vector
        with vector.localForm() as local:
            local.set(0.0)
        fem.petsc.assemble_vector(vector, self._gradient_form)
        vector.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        vector.pointwiseDivide(vector, self._lumped_mass)
        self._phi_gradient.x.petsc_vec.array[:] = vector.array
        self._phi_gradient.x.scatter_forward()

    def _scaled_coefficients(self, mesh: dmesh.Mesh, divergence, body_force) -> dict:
        """Nondimensional coefficients of the forms (constants updatable without recompiling)."""
        n, sc = self.law.stress_exponent, self.scales
        max_hat, min_hat = self.max_viscosity / sc.viscosity, self.min_viscosity / sc.viscosity
        # eta_N(eps_0) = eta_max - eta_min; for n = 1 the viscosity is constant and eps_0 arbitrary
        rate0 = 1.0 if n == 1.0 else (3.0 * (max_hat - min_hat)) ** (n / (1.0 - n))
        self.cap_rate = rate0 * sc.strain_rate
        scalar = lambda v: fem.Constant(mesh, PETSc.ScalarType(v))  # noqa: E731
        return dict(
            n=scalar(n), rate0=scalar(rate0), eta_min=scalar(min_hat),
            eta_void=scalar(self.void_viscosity / sc.viscosity),
            h=metal_weight(self.phi), solid=metal_weight(2.0 * self.phi),
            s=None if divergence is None else divergence / sc.strain_rate,
            f=None if body_force is None else body_force * (LENGTH_SCALE / sc.stress),
        )

    def _metal_viscosity(self, velocity) -> tuple:
        """Nondimensional (eta_metal, d eta_N / dq, q) at ``velocity``, q = 2/3 D':D' + eps_0^2 (module
        docstring)."""
        c = self._coefficients
        rate = _rate_tensor(velocity)
        q = 2.0 / 3.0 * deviatoric_product(rate, rate) + c["rate0"] ** 2
        power_law = q ** ((1.0 - c["n"]) / (2.0 * c["n"])) / 3.0
        return c["eta_min"] + power_law, (1.0 - c["n"]) / (2.0 * c["n"]) * power_law / q, q

    def _viscosity(self, velocity) -> ufl.core.expr.Expr:
        """Nondimensional eta(phi, eps_dot_eq(velocity)); eta_ref = 1/3 while ``picard_blend`` = 0."""
        c = self._coefficients
        metal = self._metal_viscosity(velocity)[0]
        metal = self.picard_blend * metal + (1.0 - self.picard_blend) / 3.0
        return c["h"] * metal + (1.0 - c["h"]) * c["eta_void"]

    def _scaled_residual(self, viscosity_state: fem.Function) -> ufl.Form:
        """The weak form in scaled units, viscosity at ``viscosity_state`` (self.u: Newton;
        the frozen previous iterate: Picard)."""
        c = self._coefficients
        v, p = ufl.split(self.u)
        w, q = ufl.TestFunctions(self.space)
        gdim = self.metal.mesh.geometry.dim
        volume, area = LENGTH_SCALE**-gdim, LENGTH_SCALE ** (1 - gdim)  # dx, ds in um^d, um^(d-1)
        eta = self._viscosity(ufl.split(viscosity_state)[0])
        dv, dw = _rate_tensor(v), _rate_tensor(w)
        mass = ufl.tr(dv) + (1.0 - c["solid"]) * p / c["eta_void"]
        if c["s"] is not None:
            mass -= c["solid"] * c["s"]
        integrand = 2.0 * eta * deviatoric_product(dv, dw) - p * ufl.tr(dw) - q * mass
        if c["f"] is not None:
            integrand -= ufl.dot(c["f"], w)
        traction = self.stack_pressure * ufl.dot(w, ufl.FacetNormal(self.metal.mesh))
        dx = ufl.dx(metadata={"quadrature_degree": QUADRATURE_DEGREE})
        return volume * integrand * dx + area * traction * self.ds(int(FacetTag.METAL_TOP))

    def _diagnostic_forms(self, mesh: dmesh.Mesh, divergence) -> dict[str, fem.Form]:
        dx = ufl.dx(domain=mesh, metadata={"quadrature_degree": QUADRATURE_DEGREE})  # as the residual
        n = ufl.FacetNormal(mesh)
        source = 0.0 if divergence is None else self._coefficients["solid"] * divergence
        return dict(
            void_area=fem.form((1.0 - self.phi) * dx),
            void_area_rate=fem.form(ufl.dot(self.velocity, ufl.grad(self.phi)) * dx),
            divergence=fem.form(ufl.div(self.velocity) * dx),
            source=fem.form(source * dx),
            top_inflow=fem.form(-ufl.dot(self.velocity, n) * self.ds(int(FacetTag.METAL_TOP))),
        )

    # -- boundary conditions -------------------------------------------------------------------

    def interface_facets(self) -> np.ndarray:
        """All (local) facets of the metal mesh on the interface n = 0."""
        return self.metal.facet_tags.find(int(FacetTag.INTERFACE))

    def set_contact(self, facets: np.ndarray | None) -> None:
        """Impose no penetration (and stick, if chosen) on ``facets``, local facet indices of
        ``metal.mesh`` on the interface (None: all of them, :meth:`interface_facets`); the other
        interface facets are traction free. Only the Dirichlet rows change: both problems assemble with
        one shared list of conditions, replaced here in place, so the solvers, the forms and the sparsity
        of the matrices stay (MUMPS keeps its symbolic analysis). The next solve starts from the current
        state."""
        self.contact_facets = self.interface_facets() if facets is None else np.asarray(facets, np.int32)
        self._bcs[:] = self._interface_bcs(self.contact_facets) + self._lateral

    def _build_problems(self) -> None:
        """The Newton and Kacanov problems, once; their Dirichlet conditions are the list ``self._bcs``,
        which DOLFINx's NonlinearProblem reads at every residual and Jacobian assembly."""
        PowerLawCreep._instances += 1
        prefix = f"creep{PowerLawCreep._instances}_"
        self._newton = NonlinearProblem(self._residual, self.u, bcs=self._bcs, J=self._newton_jacobian(),
                                        petsc_options_prefix=prefix + "newton_", petsc_options=NEWTON_OPTIONS)
        if self._stress_direction is not None:
            self._newton.solver.setUpdate(self._stress_direction.update)
        self._picard = NonlinearProblem(self._picard_residual, self.u, bcs=self._bcs,
                                        petsc_options_prefix=prefix + "picard_", petsc_options=PICARD_OPTIONS)
        for problem in (self._newton, self._picard):
            # symmetric, the Dirichlet rows and columns zeroed alike (tested): MUMPS LDL^T
            problem.A.setOption(PETSc.Mat.Option.SYMMETRIC, True)
            problem.A.setOption(PETSc.Mat.Option.SYMMETRY_ETERNAL, True)
        self._factors = {problem: LaggedFactorisation(problem, REFRESH_AFTER, FACTOR, ORDERING)
                         for problem in (self._newton, self._picard)}
        self._newton.solver.setConvergenceHistory(reset=True)  # each solve its own norms

    def _newton_jacobian(self) -> ufl.Form:
        """The Newton matrix: the exact derivative of the residual, its rank-one viscosity term along the stress
        direction with the stress-velocity linearisation (:mod:`.creep_stress_newton`)."""
        exact = ufl.derivative(self._residual, self.u, ufl.TrialFunction(self.space))
        if self._stress_direction is None:
            return exact
        v, _ = ufl.split(self.u)
        trial, _ = ufl.split(ufl.TrialFunction(self.space))
        test, _ = ufl.split(ufl.TestFunction(self.space))
        weight = self._coefficients["h"] * self.picard_blend
        volume = LENGTH_SCALE ** -self.metal.mesh.geometry.dim
        dx = ufl.dx(metadata={"quadrature_degree": QUADRATURE_DEGREE})
        return exact + volume * self._stress_direction.jacobian_correction(v, trial, test, weight) * dx

    def _component_bc(self, component: int, facets: np.ndarray) -> fem.DirichletBC:
        fdim = self.metal.mesh.topology.dim - 1
        sub = self.space.sub(0).sub(component)
        return fem.dirichletbc(PETSc.ScalarType(0.0), fem.locate_dofs_topological(sub, fdim, facets), sub)

    def _interface_growth(self, growth) -> tuple[fem.Function, fem.Expression] | None:
        """The scaled normal speed g / v_0 on the normal velocity's collapsed space and the expression it is
        interpolated from before each solve; None without growth."""
        if growth is None:
            return None
        space, _ = self.space.sub(0).sub(self.metal.mesh.geometry.dim - 1).collapse()
        return fem.Function(space), fem.Expression(growth / self.scales.velocity,
                                                   space.element.interpolation_points)

    def _interface_bcs(self, facets: np.ndarray) -> list[fem.DirichletBC]:
        gdim = self.metal.mesh.geometry.dim
        tangential = range(gdim - 1) if self.interface == "stick" else []
        bcs = [self._component_bc(i, facets) for i in tangential]
        if self._growth is None:
            return bcs + [self._component_bc(gdim - 1, facets)]
        speed = self._growth[0]
        sub = self.space.sub(0).sub(gdim - 1)
        dofs = fem.locate_dofs_topological((sub, speed.function_space), gdim - 1, facets)
        return bcs + [fem.dirichletbc(speed, dofs, sub)]

    def _lateral_bcs(self) -> list[fem.DirichletBC]:
        mesh = self.metal.mesh
        fdim = mesh.topology.dim - 1
        lateral = self.metal.facet_tags.find(int(FacetTag.LATERAL))
        if self._lateral_velocity is not None:
            sub = self.space.sub(0)
            space, _ = sub.collapse()
            prescribed = fem.Function(space)
            prescribed.interpolate(lambda x: self._lateral_velocity(x) / self.scales.velocity)
            dofs = fem.locate_dofs_topological((sub, space), fdim, lateral)
            return [fem.dirichletbc(prescribed, dofs, sub)]
        midpoints = dmesh.compute_midpoints(mesh, fdim, lateral)
        bcs = []
        for axis in range(mesh.geometry.dim - 1):
            coordinate = mesh.geometry.x[:, axis]
            low = self._comm.allreduce(float(np.min(coordinate, initial=np.inf)), op=MPI.MIN)
            high = self._comm.allreduce(float(np.max(coordinate, initial=-np.inf)), op=MPI.MAX)
            tol = 1e-9 * (high - low)
            side = (np.abs(midpoints[:, axis] - low) < tol) | (np.abs(midpoints[:, axis] - high) < tol)
            bcs.append(self._component_bc(axis, lateral[side]))
        return bcs

    # -- solution ------------------------------------------------------------------------------

    def set_stack_pressure(self, pressure: float) -> None:
        """The traction on the top of the window (Pa, compressive positive). The viscosity caps and
        the void viscosity stay: the void remains softer than the softest metal. A warm start is rescaled as the
        creep law scales a solution, v by (p_new / p_old)^n and p by p_new / p_old (exact without
        the caps), so that the next solve starts close to its solution."""
        old = float(self.stack_pressure.value) * self.scales.stress
        if self._warm and old > 0 and pressure > 0:
            ratio = pressure / old
            self.u.x.array[self._velocity_dofs] *= ratio**self.law.stress_exponent
            self.u.x.array[self._pressure_dofs] *= ratio
        self.stack_pressure.value = pressure / self.scales.stress

    def solve(self, newton_first: bool = False) -> tuple[int, int]:
        """Solve for (v, p); returns the (Picard, Newton) iterations. On failure the state is
        restored and SolverFailure raised. ``newton_first``: a warm solve tries Newton from the current state
        (at most NEWTON_FIRST_ITERATIONS, if set) before the warm Kacanov stage (for a state that is close to the
        solution: the same data after a change of the contact set); ignored for a cold solve."""
        self._saved.x.array[:] = self.u.x.array
        self._refresh_phi_gradient()
        if self._growth is not None:
            speed, expression = self._growth
            speed.interpolate(expression)
        if self._warm and self.warm_residual() < NEWTON_OPTIONS["snes_atol"]:
            self._publish()  # the solution already: Newton would stop at its iteration 0
            return 0, 0
        for factors in self._factors.values():
            factors.expire()  # each solve from fresh factors: its result depends on its data only (restarts)
        picard_total, newton_total = 0, 0
        # (cold start, Kacanov tolerance, Kacanov iterations); tolerance None: Newton alone, from the current state
        newton_only = [(False, None, 0)] if newton_first and self._warm else []
        warm_iterations = min(WARM_PICARD_ITERATIONS, self.picard_iterations)
        warm = [(False, WARM_PICARD_TOLERANCE, warm_iterations)] if self._warm else []
        cold_stages = [(k == 0, tolerance, self.picard_iterations) for k, tolerance in enumerate(PICARD_STAGES)]
        try:
            for cold, tolerance, kacanov_iterations in newton_only + warm + cold_stages:
                if tolerance is not None:
                    picard_total += self._picard_iterate(kacanov_iterations, tolerance, restart=cold)
                converged, iterations = self._newton_iterate(NEWTON_FIRST_ITERATIONS if tolerance is None else None)
                newton_total += iterations
                if converged:
                    self._warm = True
                    self._publish()
                    log.debug("creep: %d Picard + %d Newton iterations", picard_total, newton_total)
                    return picard_total, newton_total
                log.debug("creep: Newton failed after %d Picard iterations", picard_total)
        except SolverFailure:
            self.u.x.array[:] = self._saved.x.array
            raise
        self.u.x.array[:] = self._saved.x.array
        raise SolverFailure(f"creep solve failed after {picard_total} Picard and {newton_total} Newton "
                            "iterations (SNES diverged)")

    def warm_residual(self) -> float:
        """The Euclidean norm of the scaled Newton residual at the current state with the current data and
        contact (one assembly): what the Newton's convergence test measures at its iteration 0."""
        problem = self._newton
        assign(self.u, problem.x)
        problem.solver.computeFunction(problem.x, problem.b)
        return problem.b.norm()

    def _picard_iterate(self, iterations: int, tolerance: float, restart: bool) -> int:
        """Kacanov iterations (viscosity of the previous iterate) until the velocity changes by less
        than ``tolerance`` (relative, max norm); with ``restart`` the first one is the Newtonian
        solve with eta = eta_ref."""
        for k in range(iterations):
            self.picard_blend.value = 0.0 if restart and k == 0 else 1.0
            self._frozen.x.array[:] = self.u.x.array
            factors = self._factors[self._picard]
            try:
                factors.solve("creep Picard")
            except SolverFailure:
                factors.discard()
                raise
            reason = self._picard.solver.getConvergedReason()
            if reason <= 0 or not np.all(np.isfinite(self.u.x.array)):
                self.picard_blend.value = 1.0
                factors.discard()
                raise SolverFailure(f"creep Picard linear solve failed (SNES reason {reason})")
            if (k > 0 or not restart) and self._relative_change() < tolerance:
                break
        self.picard_blend.value = 1.0
        return k + 1

    def _relative_change(self) -> float:
        dofs = self._velocity_dofs
        change = np.max(np.abs(self.u.x.array[dofs] - self._frozen.x.array[dofs]), initial=0.0)
        size = np.max(np.abs(self.u.x.array[dofs]), initial=0.0)
        change, size = (self._comm.allreduce(float(a), op=MPI.MAX) for a in (change, size))
        return change / size if size > 0 else 0.0

    def _newton_iterate(self, max_iterations: int | None = None) -> tuple[bool, int]:
        """One Newton attempt from the current state (at most ``max_iterations``, else the SNES limit): whether it
        converged, and its iterations; a failed attempt restores the state it started from."""
        self.picard_blend.value = 1.0
        start = self.u.x.array.copy()
        factors = self._factors[self._newton]
        snes = self._newton.solver
        tolerances = snes.getTolerances()
        if max_iterations is not None:
            snes.setTolerances(max_it=max_iterations)
        try:
            factors.solve("creep Newton")
        except SolverFailure:
            self.u.x.array[:] = start
            factors.discard()
            return False, snes.getIterationNumber()
        finally:
            snes.setTolerances(max_it=tolerances[3])
        converged = ((snes.getConvergedReason() > 0 or at_round_off_floor(snes, ROUND_OFF_DROP, ROUND_OFF_STALL))
                     and bool(np.all(np.isfinite(self.u.x.array))))
        if not converged:
            self.u.x.array[:] = start
            if snes.getConvergedReason() <= 0:
                factors.discard()
        return converged, snes.getIterationNumber()

    def operators(self) -> dict[str, tuple]:
        """The Newton and Kacanov problems at the current state (the Kacanov viscosity frozen at it) with their
        Dirichlet conditions, by name: for solver studies (``benchmarks/headline/creep_ldlt``)."""
        self._frozen.x.array[:] = self.u.x.array
        bcs = list(self._bcs)
        return {"newton": (self._newton, bcs), "kacanov": (self._picard, bcs)}

    def restore(self, values: np.ndarray) -> None:
        """Set the scaled unknowns (a local array of :attr:`u`, e.g. from a checkpoint) and the
        published velocity and pressure; a nonzero state is the warm start of the next solve."""
        self.u.x.array[:] = values
        self._warm = self._comm.allreduce(bool(np.any(values != 0.0)), op=MPI.LOR)
        self._publish()

    def _publish(self) -> None:
        self.velocity.x.array[:] = self.scales.velocity * self.u.x.array[self._velocity_dofs]
        self.pressure.x.array[:] = self.scales.stress * self.u.x.array[self._pressure_dofs]

    def normal_reactions(self, dofs: np.ndarray) -> np.ndarray:
        """The reactions at the normal-velocity dofs ``dofs`` (indices into :attr:`u`, shape (facets,
        dofs per facet)) of interface facets, averaged over each facet: the residual of the weak form
        without Dirichlet conditions at the solution, F_i = int (sigma n) . e_n w_i ds. For the metal
        above the interface (outward normal -e_n) F_i = -sigma_nn int w_i ds: positive where the
        electrolyte pushes on the metal (compression), negative where it would have to pull (tension).
        In units of the stress scale times 1 um^(d-1) (only the sign and relative size are used)."""
        if self._reaction_form is None:
            self._reaction_form = fem.form(self._residual)
        residual = fem.assemble_vector(self._reaction_form)
        residual.scatter_reverse(la.InsertMode.add)
        residual.scatter_forward()
        return residual.array[dofs].mean(axis=1) if dofs.size else np.zeros(0)

    # -- postprocessing ------------------------------------------------------------------------

    def _integral(self, name: str) -> float:
        return self._comm.allreduce(fem.assemble_scalar(self._diagnostics[name]))

    def void_area(self) -> float:
        """Integral of 1 - phi over the window (m^2 per depth in 2-D, m^3 in 3-D)."""
        return self._integral("void_area")

    def void_area_rate(self) -> float:
        """d/dt of :meth:`void_area` when phi is advected by v: the integral of v . grad phi."""
        return self._integral("void_area_rate")

    def divergence_integral(self) -> float:
        """Integral of div v over the window (m^2/s per depth in 2-D)."""
        return self._integral("divergence")

    def source_integral(self) -> float:
        """Integral of m(phi) s: equals :meth:`divergence_integral` where phi = 1 everywhere."""
        return self._integral("source")

    def top_inflow(self) -> float:
        """Volume of metal entering through the top per time, -integral of v.n (m^2/s in 2-D)."""
        return self._integral("top_inflow")

    def caps(self) -> dict[str, float]:
        """The viscosity caps (Pa s) and where the law meets them (rate in 1/s, stress in Pa):
        eta(0) = eta_max with eps_0 and sigma_eq(eps_0); eta_min, the rate and stress at which the
        unregularised eta_N equals it; and the void viscosity."""
        n, rate_factor = self.law.stress_exponent, self.law.rate_factor
        high_rate = ((3.0 * self.min_viscosity * rate_factor ** (1.0 / n)) ** (n / (1.0 - n))
                     if n > 1.0 else np.inf)
        return dict(max_viscosity=self.max_viscosity, low_cap_rate=self.cap_rate,
                    low_cap_stress=self.law.stress(self.cap_rate), min_viscosity=self.min_viscosity,
                    high_cap_rate=high_rate, high_cap_stress=self.law.stress(high_rate),
                    void_viscosity=self.void_viscosity)
