r"""Vacancy-void phase field: grand-potential formulation (Plapp 2011; Aagesen et al. 2018).

Unknowns on the metal window: the metal fraction :math:`\phi` (1 metal, 0 void) and the vacancy
chemical potential :math:`\mu` (units of kT). With :math:`e_0 = kT/\Omega_s` (energy density of
kT per lattice site) the phase grand potentials (J/m^3) are

.. math::

    \omega_m(\mu) = -e_0\, c_{eq}(x)\,(e^{\mu} - 1),\qquad
    \omega_v(\mu) = -e_0\,(\mu + \mu^2 / 2k_v),

so the vacancy site fraction is :math:`c = -\partial\omega/\partial\mu\,/e_0 = h(\phi)\,c_m(\mu) +
(1 - h(\phi))(1 + \mu/k_v)`: dilute :math:`c_m = c_{eq} e^{\mu}` in the metal, ~1 in the void
(:math:`k_v` a numerical stiffness), and the phases coexist at :math:`\mu = 0`. The total grand
potential is

.. math::

    \Omega = \int h\,\omega_m + (1 - h)\,\omega_v + W g(\phi) + \tfrac{\kappa}{2}|\nabla\phi|^2\,dV
             + \int_\Gamma -\gamma\cos\theta\; s(\phi)\,dA,

with W, kappa from the metal surface energy gamma and the interface width delta (W = 6 gamma/delta,
kappa = 3 gamma delta), h, g, s from :mod:`phasefield.generic.free_energy`, and the wetting energy
on the metal/electrolyte interface :math:`\Gamma` that sets Young's angle :math:`\theta` (measured
through the metal; a nodal field, :attr:`wetting`, which the caller sets from the interface Mg coverage,
:meth:`set_young_cosine`). Evolution (v: metal velocity from the coupler; non-conservative advection):

.. math::

    \partial_t\phi + \mathbf{v}\cdot\nabla\phi &= -L\,[h'(\phi)(\omega_m - \omega_v) + W g'(\phi)
        - \kappa\nabla^2\phi],\quad \kappa\,\partial_n\phi = \gamma\cos\theta\,s'(\phi)\ \text{on}\ \Gamma,\\
    \partial_t c + \mathbf{v}\cdot\nabla c &= \nabla\cdot(M\nabla\mu) - k_s\,w\,c_{eq}(e^{\mu} - 1)\,h(\phi),
        \quad -M\partial_n\mu = j_{inj}\ \text{on}\ \Gamma,

where the phase driving force :math:`\omega_m - \omega_v` enters through the smooth limiter
:math:`\alpha W\tanh[(\omega_m - \omega_v)/\alpha W]`, :math:`\alpha` = ``driving_limit`` (0.5 here, for the
verification problems; the case key ``[voids] driving_force_limit``, 0.1 by default in the coupled runs). At a diffuse
width of ~0.5 um, W is ~500 times smaller than for the real (nm) interface, and a supersaturation
of ~1 kT would make e0 mu exceed W and erase the barrier that keeps the supersaturated metal
metastable (the whole window would turn to void at once). The limiter leaves equilibrium (Young's
angle, Gibbs-Thomson, the tanh profile) unchanged, bounds the interface speed by ~alpha delta/(3 tau),
which for tau ~ 1 s is still 100 times faster than the stripping speed, and turns off the exact
gradient-flow structure only where |omega_m - omega_v| > alpha W. It does not leave growth unchanged: at
alpha = 0.5 the capped metal is barely metastable (barrier 0.004 W at phi = 0.88), and next to the injecting
contact the void's diffuse edge runs ahead along the interface as a half-void film, so a void fed by its
contact spreads as a sheet far faster than the sharp-interface partition of its vacancies says, and the faster
the smaller the time step; at alpha = 0.1 the spreading is converged in dt and nearer the sharp partition, at the
cost of a capped critical radius delta / (6 alpha) (docs/voids.md, "A lone void fed by its contact"). Further,
:math:`M = (D^*_{Li}/f)\,[h\,(c_{eq}/c^0_{eq})\,w\,e^{\mu} + 1 - h]`, with :math:`c_{eq}(x)` and the hop factor
:math:`w(x)` of the Li hops slowed next to Mg (:meth:`~phasefield.physics.vacancies.VacancyProperties.hop_factor`;
the sink strength :math:`k_s` and the window top's sink layer below are slowed by the same w), and the injected
vacancy flux
:math:`j_{inj} = i\,\Omega/F\,s` where the metal touches the electrolyte (i: local interface current
density, > 0 stripping): stripping leaves a vacancy per atom removed but for the share a that the interface
annihilates itself (``annihilation_share``, a hypothesis, 0 in the parameter sets: s = 1 - a); plating (i < 0)
fills one per atom deposited while there are vacancies to fill, :math:`s = 1 - e^{-c / \epsilon c_{eq}}`
(:math:`\epsilon` = ``VACANCY_STARVATION``), so c stays positive; the rest,
:math:`-i\,(1 - s)\,\Omega/F`, is lattice added (plating) or removed (stripping, a < 0 speed: the metal in
contact comes down) at the interface (:attr:`lattice_growth`, the normal speed of the metal on the contact).
Surface diffusion on the void surfaces (``surface_diffusivity`` :math:`D_s > 0`, issue 23 item 2): the vacancy flux
gains a degenerate, tangential part in the diffuse interface,

.. math:: \mathbf{J} = -\left[M\,\mathbf{I}
          + D_s\,\delta_s\,\delta_\Gamma(\phi)\,(\mathbf{I} - \mathbf{n}\mathbf{n})\right]\nabla\mu,\qquad
          \delta_\Gamma = \frac{h'(\phi)}{5\delta/2},\quad
          \mathbf{n} = \nabla\phi/|\nabla\phi|,

:math:`\delta_\Gamma` integrating to 1 across the equilibrium profile, :math:`\delta_s = \Omega^{1/3}` one atomic
layer (n regularised, ``NORMAL_REGULARISATION``). Atoms hopping in the surface layer are vacancies hopping the
other way (:math:`\mu_a = -\mu`), so the layer's volume flux per unit length, Mullins' :math:`\Omega J_s =
-(D_s \nu\Omega)\nabla_s(\mu_a/kT)` with :math:`\nu\Omega = \delta_s` surface sites, is
:math:`D_s\delta_s\nabla_s\mu`. Tangential, because a degenerate isotropic mobility also conducts across the layer,
an extra path between metal and void that the sharp limit does not have (it decays a sinusoid 6.5% too fast at
8 cells per delta where the tangential form is within 1%, docs/voids.md). With the phase at equilibrium,
Gibbs-Thomson :math:`e_0\mu = \gamma\kappa` on the interface and :math:`\Delta c \approx 1` across it give
Mullins' law (Mullins 1957; as the limit of a degenerate Cahn-Hilliard mobility: Cahn & Taylor 1994, Cahn, Elliott
& Novick-Cohen 1996) :math:`v_n = B\,\partial_s^2\kappa`, :math:`B = D_s\delta_s\gamma\Omega/kT`
(:attr:`mullins_coefficient`).
Interface vacancy layer (``interface_layer``, issue 23 item 3): the first metal layer on the electrolyte holds
vacancies at :math:`\theta_{trap}` times the bulk fraction (:math:`\theta_{trap} = e^{E_{t,eff}/kT}`, the trap
0.22 eV of the seed's DFT averaged over the interface sites at their Mg coverage,
:func:`phasefield.interface_segregation.trap_boltzmann_factor`; 5.2e3 on clean Li at 25 C) and, hopping at the
bulk's rate, conducts along the interface like a slab of metal of thickness :math:`a\,\theta_{trap}` (a = delta_s,
one atomic layer; 1.46 um on clean Li). Its exchange with the metal beneath crosses the escape barrier
:math:`E_{esc}` (0.15 eV), a resistance like that of :math:`a\,e^{E_{esc}/kT}` of metal (95 nm at 25 C), below the
cells and the diffuse width, so the layer is taken in equilibrium with the metal next to it (the Fisher limit of a
fast-diffusion layer; the travel length of a layer vacancy before it first escapes, :math:`\lambda_\Gamma =
a\,e^{(E_t+E_{esc})/2kT}` = 0.37 um, is the geometric mean of the two lengths) and quasi-steady (its content,
that of 1.46 um of metal, is left out of c). It adds a tangential flux on the contact,

.. math:: \mathbf{J}_\Gamma = -a\,\theta_{trap}\,h(\phi)\,M_m\,(\mathbf{I} - \mathbf{n}\mathbf{n})\nabla\mu
          \quad\text{on}\ \Gamma,\qquad M_m = (D^*_{Li}/f)\,(c_{eq}/c^0_{eq})\,w\,e^{\mu},

h(phi) keeping it to the metal's side of the contact (under a void the interface is the void's surface); in the weak
form :math:`\int_\Gamma a\theta_{trap} h M_m\,\nabla_\Gamma\mu\cdot\nabla_\Gamma q\,dA`, a divergence, so it
moves vacancies and makes none. :math:`\theta_{trap}` is a nodal field (:attr:`interface_trap`) set by the caller
from the coverage (:meth:`set_interface_trap`).
Window top (``top = "sink_layer"``, the coupled runs): the flux into the bulk above,
where sinks annihilate the excess over the sink length :math:`\ell = \sqrt{D_v/k_s}`, of the
semi-infinite steady solution :math:`c - c_{eq} \propto e^{-z/\ell}`:
:math:`-M\partial_n\mu = (D_v w c_{eq}/\ell)(e^{\mu} - 1)\,h(\phi)` (a window shorter than
:math:`\ell` then behaves like a semi-infinite metal); ``top = "closed"``: no flux (the default, for the
verification problems). Other boundaries: no flux. Time: backward Euler on (phi, c(mu, phi)) (so c is
conserved by the discrete scheme when v = 0, no sinks and no injection). The phase rows carry the linear
stabilisation :math:`+L W S\,(\phi - \phi^{*})` with :math:`\phi^* = \phi^n` or, with
``extrapolated_stabilization`` (the coupled runs), :math:`\phi^* = \phi^n + (\Delta t/\Delta t_{n-1})
(\phi^n - \phi^{n-1})` clipped to [0, 1], which makes the splitting error O(dt^2) instead of O(dt) (the
implicit part, and so the Newton matrix, is the same) (Xu & Tang 2006; Shen & Yang 2010; parameter
``stabilization``: 0, plain backward Euler, by default and in the verification tests; S = 4,
``STABILIZATION``, in the coupled runs through :mod:`phasefield.submodels.voids`), an
O(dt) change to the backward-Euler phase equation (equilibria unchanged; first order kept). Why: the
local part :math:`W g + h\,\alpha W\tanh(\cdot)` is non-convex in phi (its second derivative reaches
-3.09 W at saturated driving, -1 W without), so for dt > tau/3 (tau = 1/(L W)) the phase Jacobian
:math:`1/dt + L f''` becomes indefinite inside a nucleus' diffuse edge and Newton stagnates; with
S > 3.09 it is positive for any dt. The cost with phi* = phi^n is a splitting error: phi relaxes with an
effective time ~tau + S dt per step, so the limiter's speed bound drops to ~alpha delta / (3 (tau + S dt))
(at 18 s, 73 times tau). With the extrapolated phi* a front moving less than its width per step sees
almost no stabilisation force, and the bound stays ~alpha delta / (3 tau). Numbers: docs/voids.md,
"Time scheme"; trials: "Design history and trials".
Newton on one mixed P1 x P1 space with MUMPS. Rows are scaled (phi rows by 1/(L W), mu rows by dt)
over the window size.
"""

import basix.ufl
import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem.petsc import NonlinearProblem
from mpi4py import MPI
from petsc4py import PETSc

from phasefield.constants import AVOGADRO, FARADAY
from phasefield.generic.free_energy import (
    boundary_step,
    boundary_step_derivative,
    double_well,
    double_well_derivative,
    interpolation,
    interpolation_derivative,
    well_and_gradient_coefficients,
)
from phasefield.generic.time_step import milne_factor
from phasefield.mesh import FacetTag, Subdomain
from phasefield.physics.vacancies import CORRELATION_FACTOR_BCC, VacancyProperties
from phasefield.solvers.direct_solver import enlarge_mumps_workspace
from phasefield.solvers.failures import BoundViolation, SolverFailure, at_round_off_floor, guarded_solve

#: The phase driving force omega_m - omega_v is limited smoothly to +-DRIVING_LIMIT * W by default (docstring).
DRIVING_LIMIT = 0.5
#: The limiter's tanh argument is clipped here, where tanh is 1 in double precision: UFL differentiates tanh as
#: (2 cosh y / (cosh 2y + 1))^2, inf / inf = NaN beyond |y| ~ 710, which a low cap reaches at mu ~ 1 (the
#: vacancy-void Newton then failed with a "zero pivot" in MUMPS).
TANH_SATURATION = 20.0
#: Linear stabilisation S of the phase rows, + L W S (phi - phi_old) (see docstring), as used by the
#: coupled runs: S bounds the concave part of g + h * driving / W (min of g'' + DRIVING_LIMIT |h''| is -3.09).
STABILIZATION = 4.0
#: Quadrature degree of every integral (12 points per triangle): exact for the polynomial parts of the P1
#: residual (h'(phi) psi is degree 5), with room for the exp/tanh factors. Set on the measures: FFCx 0.11
#: ignores ``form_compiler_options["quadrature_degree"]`` (lower and estimated degrees: docs/voids.md,
#: "Design history and trials").
QUADRATURE_DEGREE = 6
#: Plating fills vacancies at the share 1 - exp(-c / (VACANCY_STARVATION c_eq)) of its rate (see docstring): all
#: of it (> 99%) down to a twentieth of the equilibrium fraction, none once the vacancies near the contact are used
#: up (then the deposit is new lattice).
VACANCY_STARVATION = 0.01
#: n = grad phi / (|grad phi|^2 + (NORMAL_REGULARISATION / delta)^2)^(1/2) in the surface mobility's projector: the
#: normal is a unit vector to 2e-5 wherever phi is between 0.01 and 0.99 (|grad phi| >= 0.02 / delta there).
NORMAL_REGULARISATION = 1e-4
#: How far phi may overshoot [0, 1] (discretisation) before a step is refused.
PHI_BOUND_TOLERANCE = 0.05
#: A Newton whose line search fails after the residual fell by this factor has reached its round-off
#: floor (at steps of microseconds: docs/voids.md, "Design history and trials"): accepted as converged.
ROUND_OFF_FLOOR = 1e-7


def surface_mobility(phi, surface_diffusivity: float, layer_thickness: float, interface_width: float):
    """The surface diffusion mobility tensor D_s delta_s delta_Gamma(phi) (I - n n) (m^2/s, UFL) of the module
    docstring: delta_Gamma = h'(phi) / (5 delta / 2), whose integral across the equilibrium profile
    [1 + tanh(x/delta)]/2 is 1, and n = grad phi / (|grad phi|^2 + (NORMAL_REGULARISATION / delta)^2)^(1/2)."""
    grad = ufl.grad(phi)
    normal = grad / ufl.sqrt(ufl.inner(grad, grad) + (NORMAL_REGULARISATION / interface_width) ** 2)
    peak = interpolation_derivative(phi) / (2.5 * interface_width)
    return surface_diffusivity * layer_thickness * peak * (ufl.Identity(grad.ufl_shape[0]) - ufl.outer(normal, normal))


class VacancyVoidSystem:
    """The coupled (phi, mu) problem of the module docstring on the metal submesh."""

    def __init__(self, metal: Subdomain, vacancies: VacancyProperties, molar_volume: float,
                 surface_energy: float, interface_width: float, contact_angle: float,
                 interface_mobility: float, x_mg=0.0, velocity=None, void_stiffness: float = 10.0,
                 phi_source=None, mu_source=None, petsc_prefix: str = "voids_",
                 stabilization: float = 0.0, extrapolated_stabilization: bool = False, top: str = "closed",
                 surface_diffusivity: float = 0.0, driving_limit: float = DRIVING_LIMIT,
                 interface_layer: bool = False, annihilation_share: float = 0.0):
        mesh = metal.mesh
        self.vacancies = vacancies
        #: the share of the stripped sites that enters the metal as vacancies, 1 - a
        self.vacancy_share = 1.0 - annihilation_share
        element = basix.ufl.element("Lagrange", mesh.basix_cell(), 1)
        self.space = fem.functionspace(mesh, basix.ufl.mixed_element([element, element]))
        self.u = fem.Function(self.space)
        self.u_old = fem.Function(self.space)
        self.dt = fem.Constant(mesh, PETSc.ScalarType(1.0))
        self.stabilization = fem.Constant(mesh, PETSc.ScalarType(stabilization))
        self.phi_space, dofs = self.space.sub(0).collapse()
        #: positions of the phi dofs in the mixed vector (owned first, as in phi_space)
        self.phi_dofs = np.asarray(dofs).reshape(-1)
        #: the stabilisation's reference phi*: phi^n, or extrapolated from the last two steps (docstring)
        self.extrapolated_stabilization = extrapolated_stabilization
        self.phi_reference = fem.Function(self.phi_space, name="stabilisation_reference")
        #: phi at the start of the last step and that step's length (0: no history, phi* = phi^n)
        self.phi_previous = fem.Function(self.phi_space, name="phi_previous_step")
        self.previous_dt = 0.0
        #: the local error estimate of phi in the last step (:meth:`_phase_error`; the step control's)
        self.phase_error = 0.0
        self.injection = fem.Function(self.space.sub(0).collapse()[0], name="vacancy_injection")
        phi, mu = ufl.split(self.u)
        phi_old, mu_old = ufl.split(self.u_old)
        psi, q = ufl.TestFunctions(self.space)

        site_volume = molar_volume / AVOGADRO
        self.e0 = vacancies.kt / site_volume
        self.well, self.kappa = well_and_gradient_coefficients(surface_energy, interface_width)
        self.surface_energy = surface_energy
        #: -gamma cos(theta_Y) (J/m^2, multiplying s(phi)) on the nodes (the interface's values matter): Young's angle
        #: at each interface node, uniform ``contact_angle`` until :meth:`set_young_cosine`
        self.wetting = fem.Function(self.phi_space, name="interface_wetting")
        self.set_young_cosine(np.cos(contact_angle))
        self.void_stiffness = void_stiffness
        self.x_mg = x_mg
        c_eq, hop = vacancies.equilibrium_fraction(x_mg), vacancies.hop_factor(x_mg)
        # (D*_Li / f) (c_eq / c_eq^0) w: the metal's vacancy mobility at mu = 0 (m^2/s)
        metal_transport = (vacancies.self_diffusivity / CORRELATION_FACTOR_BCC) * (
            c_eq / vacancies.reference_fraction) * hop

        def vacancy_fraction(phi_, mu_):
            h = interpolation(phi_)
            return h * c_eq * ufl.exp(mu_) + (1 - h) * (1 + mu_ / void_stiffness)

        self.vacancy_fraction = vacancy_fraction
        omega_m = -self.e0 * c_eq * (ufl.exp(mu) - 1)
        omega_v = -self.e0 * (mu + mu**2 / (2 * void_stiffness))
        mobility = (interpolation(phi) * metal_transport * ufl.exp(mu)
                    + (vacancies.self_diffusivity / CORRELATION_FACTOR_BCC) * (1 - interpolation(phi)))
        #: delta_s, the thickness of the layer that diffuses on the void surface: one atomic layer, Omega^(1/3) (m)
        self.surface_layer = site_volume ** (1.0 / 3.0)
        #: B = D_s delta_s gamma Omega / kT (m^4/s), the coefficient of the Mullins limit v_n = B d^2 kappa / ds^2
        self.mullins_coefficient = (surface_diffusivity * self.surface_layer * surface_energy * site_volume
                                    / vacancies.kt)
        flux = mobility * ufl.grad(mu)
        if surface_diffusivity > 0.0:
            flux += ufl.dot(surface_mobility(phi, surface_diffusivity, self.surface_layer, interface_width),
                            ufl.grad(mu))
        sink = vacancies.sink_strength * hop * c_eq * (ufl.exp(mu) - 1) * interpolation(phi)
        self.sink_rate = sink
        quadrature = {"quadrature_degree": QUADRATURE_DEGREE}
        dx = ufl.Measure("dx", domain=mesh, metadata=quadrature)
        ds = ufl.Measure("ds", domain=mesh, subdomain_data=metal.facet_tags, metadata=quadrature)
        self.ds_interface = ds(int(FacetTag.INTERFACE))
        c, c_old = vacancy_fraction(phi, mu), vacancy_fraction(phi_old, mu_old)
        L = interface_mobility
        #: 1/tau = L W (1/s), the relaxation rate of the phase rows
        self.relaxation_rate = L * self.well
        measure = mesh.comm.allreduce(fem.assemble_scalar(fem.form(1.0 * ufl.dx(domain=mesh))))

        #: alpha: the cap of the phase driving force in units of W
        self.driving_limit = driving_limit
        ratio = (omega_m - omega_v) / (driving_limit * self.well)
        driving = driving_limit * self.well * ufl.tanh(
            ufl.max_value(ufl.min_value(ratio, TANH_SATURATION), -TANH_SATURATION))
        phase = ((phi - phi_old) / self.dt * psi
                 + L * (interpolation_derivative(phi) * driving
                        + self.well * double_well_derivative(phi)) * psi
                 + L * self.kappa * ufl.inner(ufl.grad(phi), ufl.grad(psi))
                 + L * self.well * self.stabilization * (phi - self.phi_reference) * psi) * dx \
            + L * self.wetting * boundary_step_derivative(phi) * psi * self.ds_interface
        def filled_share(c_):
            return ufl.conditional(ufl.gt(self.injection, 0.0), self.vacancy_share,
                                   1.0 - ufl.exp(-c_ / (VACANCY_STARVATION * c_eq)))

        #: the share of this step's stripping vacancies withheld to pay the nuclei's debt (:meth:`_pay_injection_debt`)
        self._withheld = fem.Constant(mesh, PETSc.ScalarType(0.0))
        vacancy = ((c - c_old) / self.dt * q + ufl.inner(flux, ufl.grad(q)) + sink * q) * dx \
            - self.injection * filled_share(c) * (1.0 - self._withheld) * q * self.ds_interface
        #: theta_trap on the nodes (the interface's values matter): the interface vacancy layer's trap factor
        self.interface_trap = None
        if interface_layer:
            self.interface_trap = fem.Function(self.phi_space, name="interface_trap_factor")
            self.interface_trap.x.array[:] = vacancies.trap_factor(0.0)
            normal = ufl.FacetNormal(mesh)
            tangential = ufl.Identity(mesh.geometry.dim) - ufl.outer(normal, normal)
            layer_mobility = self.surface_layer * self.interface_trap * interpolation(phi) * metal_transport \
                * ufl.exp(mu)
            vacancy += layer_mobility * ufl.inner(ufl.dot(tangential, ufl.grad(mu)),
                                                  ufl.dot(tangential, ufl.grad(q))) * self.ds_interface
        if top == "sink_layer":
            layer = metal_transport / vacancies.sink_length
            vacancy += layer * (ufl.exp(mu) - 1) * interpolation(phi) * q * ds(int(FacetTag.METAL_TOP))
        elif top != "closed":
            raise ValueError(f"top must be 'closed' or 'sink_layer', not {top!r}")
        if velocity is not None:
            phase += ufl.dot(velocity, ufl.grad(phi)) * psi * dx
            vacancy += ufl.dot(velocity, ufl.grad(c)) * q * dx
        if phi_source is not None:
            phase -= phi_source * psi * dx
        if mu_source is not None:
            vacancy -= mu_source * q * dx
        residual = (1.0 / (L * self.well * measure)) * phase + (self.dt / measure) * vacancy
        self.problem = NonlinearProblem(
            residual, self.u, petsc_options_prefix=petsc_prefix,
            petsc_options={
                "snes_type": "newtonls", "snes_linesearch_type": "bt",
                # at most 50 iterations: docs/voids.md, "Design history and trials"
                "snes_rtol": 1e-9, "snes_atol": 1e-13, "snes_stol": 1e-12, "snes_max_it": 50,
                "ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps",
            },
        )
        # room for the fill of delayed pivots where fast metal flow makes the matrix non-symmetric
        enlarge_mumps_workspace(self.problem)
        self.problem.solver.setConvergenceHistory(reset=True)  # each solve its own norms
        phi_h, mu_h = self.u.sub(0), self.u.sub(1)
        self._vacancy_amount = fem.form(vacancy_fraction(phi_h, mu_h) * dx)
        self._energy = fem.form(
            (interpolation(phi_h) * (-self.e0 * c_eq * (ufl.exp(mu_h) - 1))
             + (1 - interpolation(phi_h)) * (-self.e0 * (mu_h + mu_h**2 / (2 * void_stiffness)))
             + self.e0 * mu_h * vacancy_fraction(phi_h, mu_h)
             + self.well * double_well(phi_h) + 0.5 * self.kappa * ufl.inner(ufl.grad(phi_h), ufl.grad(phi_h)))
            * dx + self.wetting * boundary_step(phi_h) * self.ds_interface)
        self._contact = fem.form(phi_h * self.ds_interface)
        #: the stripping vacancies entering the metal, (1 - a) max(i, 0) Omega / F on the interface
        self._injected = fem.form(ufl.max_value(self.injection, 0.0) * self.vacancy_share * self.ds_interface)
        share = filled_share(vacancy_fraction(phi_h, mu_h))
        #: the rate (m/s) at which the interface adds lattice: plating where it finds no vacancies to fill (> 0),
        #: stripping where the interface annihilates the stripped sites (< 0)
        self.lattice_growth = -self.injection * (1.0 - share)
        self._plating_split = (fem.form(ufl.max_value(-self.injection, 0.0) * share * self.ds_interface),
                               fem.form(self.lattice_growth * self.ds_interface))
        #: vacancy content of inserted nuclei not yet withheld from the injection (see :meth:`insert_voids`)
        self.injection_debt = 0.0
        self._comm = mesh.comm
        self.molar_volume = molar_volume

    # -- state -----------------------------------------------------------------------------
    @property
    def phi(self) -> fem.Function:
        return self.u.sub(0)

    @property
    def mu(self) -> fem.Function:
        return self.u.sub(1)

    def set_state(self, phi, mu) -> None:
        """Interpolate callables (x -> values) into phi and mu, for the current and old state."""
        self.u.sub(0).interpolate(phi)
        self.u.sub(1).interpolate(mu)
        self.u.x.scatter_forward()
        self.u_old.x.array[:] = self.u.x.array
        self.previous_dt = 0.0

    def set_young_cosine(self, values) -> None:
        """cos(theta_Y) at the dofs of :attr:`phi_space` (owned and ghost; a number: everywhere)."""
        self.wetting.x.array[:] = -self.surface_energy * np.asarray(values)

    def set_interface_trap(self, values: np.ndarray) -> None:
        """theta_trap of the interface vacancy layer at the dofs of :attr:`phi_space` (owned and ghost)."""
        self.interface_trap.x.array[:] = values

    def set_injection_from_current(self, current_density) -> None:
        """i Omega / F from the interface current density i (A/m^2, > 0 stripping; plating fills vacancies
        at the share of the docstring): a Function on the metal mesh, or nodal values in the layout of
        ``injection``."""
        if isinstance(current_density, fem.Function):
            self.injection.interpolate(current_density)
        else:
            self.injection.x.array[:] = current_density
        # (i Omega) / F in this order: the stripping injection bit for bit as before plating was added
        self.injection.x.array[:] = self.injection.x.array * self.molar_volume / FARADAY

    def insert_voids(self, factor: np.ndarray) -> float:
        """Multiply phi (at the dofs of :attr:`phi_space`, owned and ghost) by ``factor`` (new nuclei) and
        owe their vacancy content, the increase of the integral of c, to the next injections
        (:attr:`injection_debt`): a nucleus is made of vacancies the interface would otherwise have taken
        in. Returns that content (m^2 per unit depth in 2-D, m^3 in 3-D)."""
        before = self.vacancy_amount()
        self.u.x.array[self.phi_dofs] *= factor
        self.u_old.x.array[:] = self.u.x.array
        self.phi_previous.x.array[:] *= factor  # the extrapolation sees the nuclei as there before
        created = max(self.vacancy_amount() - before, 0.0)
        self.injection_debt += created
        return created

    def _pay_injection_debt(self, dt: float) -> None:
        """Withhold the debt (up to all of it) from the stripping vacancies injected over ``dt`` (not from the lattice
        the interface removes)."""
        self._withheld.value = 0.0
        if self.injection_debt <= 0.0:  # no assembly nor allreduce in the steps without a debt
            return
        injected = dt * self._sum(self._injected)
        if injected <= 0.0:
            return
        withheld = min(self.injection_debt, injected)
        self._withheld.value = withheld / injected
        self.injection_debt -= withheld

    # -- stepping ----------------------------------------------------------------------------
    def step(self, dt: float) -> int:
        """Advance by dt (the injection less the nuclei's debt); restores the old state and the debt and
        raises SolverFailure/BoundViolation on failure."""
        self.dt.value = dt
        self._set_stabilization_reference(dt)
        debt = self.injection_debt
        self._pay_injection_debt(dt)
        try:
            self._solve_step()
        except SolverFailure:
            self.injection_debt = debt
            raise
        return self.problem.solver.getIterationNumber()

    def _set_stabilization_reference(self, dt: float) -> None:
        """phi* = phi^n, or (extrapolated) phi^n + (dt / dt_prev)(phi^n - phi^(n-1)) clipped to [0, 1]."""
        old = self.u_old.x.array[self.phi_dofs]
        if self.extrapolated_stabilization and self.previous_dt > 0.0:
            extrapolated = old + (dt / self.previous_dt) * (old - self.phi_previous.x.array)
            self.phi_reference.x.array[:] = np.clip(extrapolated, 0.0, 1.0)
        else:
            self.phi_reference.x.array[:] = old

    def _solve_step(self) -> None:
        try:
            guarded_solve(self.problem, "vacancy-void Newton")
        except SolverFailure:
            self.u.x.array[:] = self.u_old.x.array
            raise
        reason = self.problem.solver.getConvergedReason()
        if (reason == PETSc.SNES.ConvergedReason.DIVERGED_LINE_SEARCH
                and at_round_off_floor(self.problem.solver, ROUND_OFF_FLOOR)):
            reason = PETSc.SNES.ConvergedReason.CONVERGED_FNORM_ABS
        if reason <= 0 or not np.all(np.isfinite(self.u.x.array)):
            self.u.x.array[:] = self.u_old.x.array
            raise SolverFailure(f"vacancy-void Newton failed (SNES reason {reason})")
        low, high = self.phi_range()
        if low < -PHI_BOUND_TOLERANCE or high > 1 + PHI_BOUND_TOLERANCE:
            self.u.x.array[:] = self.u_old.x.array
            raise BoundViolation(f"metal fraction left [0, 1] (min {low:.3g}, max {high:.3g})")
        self.phase_error = self._phase_error()
        self.phi_previous.x.array[:] = self.u_old.x.array[self.phi_dofs]
        self.previous_dt = float(self.dt.value)
        self.u_old.x.array[:] = self.u.x.array

    def _phase_error(self) -> float:
        """The local error of phi in the step just solved, estimated as the largest over the window of

            m |phi^(n+1) - phi_p| + (S dt / tau) |phi^(n+1) - phi*|:

        the truncation error of backward Euler by Milne's device (phi_p = phi^n + (dt/dt_(n-1))(phi^n -
        phi^(n-1)), the linear predictor; m = 1/3 at equal steps, :func:`milne_factor`; left out in a step
        without history) and the splitting error of the stabilisation, the change of phi its term
        L W S (phi - phi*) makes over the step (tau = 1/(L W))."""
        size = self.phi_space.dofmap.index_map.size_local
        owned = self.phi_dofs[:size]
        new, old, dt = self.u.x.array[owned], self.u_old.x.array[owned], float(self.dt.value)
        error = (float(self.stabilization.value) * dt * self.relaxation_rate) * np.abs(
            new - self.phi_reference.x.array[:size])
        if self.previous_dt > 0.0:
            predicted = old + (dt / self.previous_dt) * (old - self.phi_previous.x.array[:size])
            error += milne_factor(dt, [0.0, -self.previous_dt]) * np.abs(new - predicted)
        return self._comm.allreduce(float(error.max(initial=0.0)), op=MPI.MAX)

    # -- diagnostics -------------------------------------------------------------------------
    def _sum(self, form) -> float:
        return self._comm.allreduce(fem.assemble_scalar(form), op=MPI.SUM)

    def phi_range(self) -> tuple[float, float]:
        values = self.u.x.array[self.phi_dofs[: self.phi_space.dofmap.index_map.size_local]]
        return (self._comm.allreduce(float(values.min(initial=np.inf)), op=MPI.MIN),
                self._comm.allreduce(float(values.max(initial=-np.inf)), op=MPI.MAX))

    def vacancy_amount(self) -> float:
        """Integral of the vacancy site fraction c over the window (voids count as c ~ 1)."""
        return self._sum(self._vacancy_amount)

    def free_energy(self) -> float:
        """Helmholtz free energy F = Omega + integral of e0 mu c (J per unit depth in 2-D)."""
        return self._sum(self._energy)

    def plating_split(self) -> tuple[float, float]:
        """The rates (m^2/s per unit depth in 2-D, m^3/s in 3-D) at which plating, in the state now, fills
        vacancies and adds new lattice (the second counts lattice the interface removes as it annihilates stripped
        sites, < 0); while only plating, their sum is the plated volume rate, max(-i, 0) Omega / F on the
        interface."""
        return tuple(self._sum(form) for form in self._plating_split)

    def contact_fraction(self, area: float) -> float:
        """Mean of phi on the interface."""
        return self._sum(self._contact) / area
