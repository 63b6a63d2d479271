r"""Electrolyte potential with contact-limited Butler-Volmer kinetics under galvanostatic or
potentiostatic control.

Unknowns: the electrolyte potential :math:`\psi` (V) in the electrolyte window
:math:`-H_e < n < 0` and the metal potential :math:`\Phi_m` (V, one scalar). Equations (SI):

.. math::

    -\nabla\cdot(\sigma_e \nabla\psi) = f                       &\text{ in the electrolyte}\\
    \sigma_e \nabla\psi\cdot\mathbf{n} = a(x)\, i_{BV}(\eta) + g  &\text{ on the interface } n = 0\\
    \sigma_e \nabla\psi\cdot\mathbf{n} = -\psi / R_s              &\text{ on the bottom } n = -H_e\\
    \int_\Gamma a(x)\, i_{BV}(\eta)\, ds = I\,|\Gamma|            &\text{ (galvanostatic)}

or, under potentiostatic control, :math:`\Phi_m` given and the mean current density
:math:`I = \int_\Gamma a\, i_{BV}\, ds / |\Gamma|` the answer,

with :math:`\eta = \Phi_m - \psi - U`, :math:`i_{BV}(\eta) = i_0 [\exp(\alpha_a F\eta/RT) -
\exp(-\alpha_c F\eta/RT)]` (positive = stripping, Li+ leaves the metal), the contact
:math:`a(x) = \max(c(x), a_{min})` from the metal fraction c on the interface, the series
resistance :math:`R_s = (L_{pellet} - H_e)/\sigma_e + R_{ce}` of the rest of the pellet and the
counter electrode, no flux on the lateral sides, and f, g zero except in manufactured-solution
tests. Potentials are measured so that the electrolyte next to an equilibrated counter electrode
is at 0 V: the cell voltage is :math:`\Phi_m - U_{ce}` and the overpotential
:math:`\Phi_m - U_{bulk}`.

The pair (psi, Phi_m) is solved by Newton's method on the bordered system

.. math::  \begin{pmatrix} J & b \\ b^T & d \end{pmatrix}
           \begin{pmatrix} \delta\psi \\ \delta\Phi \end{pmatrix} = -\begin{pmatrix} F \\ G \end{pmatrix},

with :math:`b = \partial F/\partial\Phi_m = -\int a\, i'_{BV} v\, ds` (also :math:`\partial G/\partial\psi`)
and :math:`d = \int a\, i'_{BV} ds`, by block elimination: two solves with one LU factorisation of J.
With :math:`\Phi_m` held, Newton on :math:`J \delta\psi = -F` alone.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem import petsc as fem_petsc
from mpi4py import MPI
from petsc4py import PETSc

from phasefield.constants import FARADAY, GAS_CONSTANT
from phasefield.mesh import FacetTag, Subdomain
from phasefield.solvers.failures import SolverFailure


def series_resistance(
    pellet_thickness: float, window_height: float, conductivity: float, counter_resistance: float
) -> float:
    """Area-specific resistance (Ohm m^2) between the window bottom and the counter electrode."""
    if window_height >= pellet_thickness:
        raise ValueError("the electrolyte window is thicker than the pellet")
    return (pellet_thickness - window_height) / conductivity + counter_resistance


@dataclass(frozen=True)
class ButlerVolmer:
    """Interface kinetics i = i0 [exp(alpha_a F eta / RT) - exp(-alpha_c F eta / RT)] (A/m^2)."""

    exchange_current_density: float
    anodic_transfer_coefficient: float
    cathodic_transfer_coefficient: float
    temperature: float

    @property
    def inverse_thermal_voltage(self) -> float:
        return FARADAY / (GAS_CONSTANT * self.temperature)

    def current_density(self, eta, exp=ufl.exp, inverse_thermal_voltage=None):
        """i_BV(eta); ``exp`` is ``ufl.exp`` for forms or ``numpy.exp`` for numbers; F/RT is that of
        :attr:`temperature` unless ``inverse_thermal_voltage`` (a number or a ``fem.Constant``) is given."""
        f = self.inverse_thermal_voltage if inverse_thermal_voltage is None else inverse_thermal_voltage
        return self.exchange_current_density * (
            exp(self.anodic_transfer_coefficient * f * eta)
            - exp(-self.cathodic_transfer_coefficient * f * eta)
        )

    def slope(self, eta, exp=ufl.exp, inverse_thermal_voltage=None):
        """d i_BV / d eta (A/m^2/V); F/RT as in :meth:`current_density`."""
        f = self.inverse_thermal_voltage if inverse_thermal_voltage is None else inverse_thermal_voltage
        aa, ac = self.anodic_transfer_coefficient, self.cathodic_transfer_coefficient
        return self.exchange_current_density * f * (aa * exp(aa * f * eta) + ac * exp(-ac * f * eta))


class NewtonDivergence(SolverFailure):
    """The galvanostatic Newton iteration did not converge."""


@dataclass(frozen=True)
class GalvanostaticSolution:
    """Result of one solve, galvanostatic or potentiostatic."""

    metal_potential: float
    iterations: int
    residual: float
    #: the mean interface current density (A/m^2, > 0 strips): the applied one, or the answer of a hold
    current_density: float = 0.0


class GalvanostaticElectrolyte:
    """The electrolyte potential problem of the module docstring on one electrolyte submesh.

    Forms are compiled once; ``contact`` and ``equilibrium_potential`` are updated in place between
    solves, the control by :meth:`apply_current` (galvanostatic, the default) or
    :meth:`hold_metal_potential` (potentiostatic), and the temperature with its conductivity and series
    resistance by :meth:`set_temperature`.

    ``interface_area`` is the projected area of the interface (W per unit depth in 2-D, W D in 3-D), which the
    applied current density is per, as in a cell: the total interface current is i x ``interface_area``;
    ``surface_area`` is its true area (larger on a rough interface; default ``interface_area``), which the
    mean contact is over.
    """

    def __init__(
        self,
        electrolyte: Subdomain,
        kinetics: ButlerVolmer,
        conductivity: float,
        resistance: float,
        interface_area: float,
        degree: int = 1,
        surface_area: float | None = None,
        contact_floor: float = 1e-6,
        source: ufl.core.expr.Expr | None = None,
        interface_source: ufl.core.expr.Expr | None = None,
        equilibrium_potential: ufl.core.expr.Expr | float = 0.0,
    ):
        mesh = electrolyte.mesh
        self.kinetics = kinetics
        self.interface_area = interface_area
        #: the true area of the interface (a rough one is larger than ``interface_area``, the projected one)
        self.surface_area = interface_area if surface_area is None else surface_area
        self.function_space = fem.functionspace(mesh, ("Lagrange", degree))
        self.psi = fem.Function(self.function_space, name="electrolyte_potential")
        self.contact = fem.Function(self.function_space, name="contact")
        self.contact.x.array[:] = 1.0
        self.metal_potential = fem.Constant(mesh, PETSc.ScalarType(0.0))
        self.applied_current_density = fem.Constant(mesh, PETSc.ScalarType(0.0))
        #: whether Phi_m is held (potentiostatic) rather than solved for under the applied current
        self.holds_metal_potential = False
        self.conductivity = fem.Constant(mesh, PETSc.ScalarType(conductivity))
        self.resistance = fem.Constant(mesh, PETSc.ScalarType(resistance))
        self.inverse_thermal_voltage = fem.Constant(mesh, PETSc.ScalarType(kinetics.inverse_thermal_voltage))

        ds = ufl.Measure("ds", domain=mesh, subdomain_data=electrolyte.facet_tags,
                         metadata={"quadrature_degree": 2 * degree + 2})
        self.ds_interface = ds(int(FacetTag.INTERFACE))
        v = ufl.TestFunction(self.function_space)
        self.eta = self.metal_potential - self.psi - equilibrium_potential
        self.contact_area = ufl.max_value(self.contact, contact_floor)
        f = self.inverse_thermal_voltage
        self.interface_current = self.contact_area * kinetics.current_density(self.eta, inverse_thermal_voltage=f)
        slope = self.contact_area * kinetics.slope(self.eta, inverse_thermal_voltage=f)

        residual = (
            self.conductivity * ufl.inner(ufl.grad(self.psi), ufl.grad(v)) * ufl.dx
            - self.interface_current * v * self.ds_interface
            + self.psi / self.resistance * v * ds(int(FacetTag.ELECTROLYTE_BOTTOM))
        )
        if source is not None:
            residual -= source * v * ufl.dx
        if interface_source is not None:
            residual -= interface_source * v * self.ds_interface
        self._F = fem.form(residual)
        self._J = fem.form(ufl.derivative(residual, self.psi))
        self._b = fem.form(-slope * v * self.ds_interface)
        self._d = fem.form(slope * self.ds_interface)
        self._G = fem.form(self.interface_current * self.ds_interface)
        self._contact_integral = fem.form(self.contact * self.ds_interface)

        self._F_vec = fem_petsc.create_vector(self.function_space)
        self._b_vec = fem_petsc.create_vector(self.function_space)
        self._J_mat = fem_petsc.create_matrix(self._J)
        self._z, self._w = self._F_vec.duplicate(), self._F_vec.duplicate()
        #: the line search's start point, allocated once per solver, not once per iteration (a copy per
        #: iteration leaked memory in parallel runs: docs/performance.md, "Performance work driven by these numbers")
        self._psi0 = self.psi.x.petsc_vec.duplicate()
        self._ksp = PETSc.KSP().create(mesh.comm)
        self._ksp.setType("preonly")
        pc = self._ksp.getPC()
        pc.setType("lu")
        pc.setFactorSolverType("mumps")
        self._comm = mesh.comm

    def set_temperature(self, temperature: float, conductivity: float, resistance: float) -> None:
        """The kinetics at ``temperature`` (K) with the electrolyte ``conductivity`` (S/m) and series
        ``resistance`` (Ohm m^2) at that temperature, for the next solves (the forms are not rebuilt)."""
        self.kinetics = dataclasses.replace(self.kinetics, temperature=temperature)
        self.inverse_thermal_voltage.value = self.kinetics.inverse_thermal_voltage
        self.conductivity.value = conductivity
        self.resistance.value = resistance

    def apply_current(self, current_density: float) -> None:
        """Galvanostatic control: the mean interface current density (A/m^2, > 0 strips); Phi_m is solved for."""
        self.holds_metal_potential = False
        self.applied_current_density.value = current_density

    def hold_metal_potential(self, metal_potential: float) -> None:
        """Potentiostatic control: Phi_m (V) is held and the mean interface current density is the answer."""
        self.holds_metal_potential = True
        self.metal_potential.value = metal_potential

    def _scalar(self, form: fem.Form) -> float:
        return self._comm.allreduce(fem.assemble_scalar(form), op=MPI.SUM)

    def _residuals(self) -> tuple[float, float]:
        with self._F_vec.localForm() as local:
            local.set(0.0)
        fem_petsc.assemble_vector(self._F_vec, self._F)
        self._F_vec.ghostUpdate(PETSc.InsertMode.ADD, PETSc.ScatterMode.REVERSE)
        if self.holds_metal_potential:
            return self._F_vec.norm(), 0.0
        constraint = self._scalar(self._G) - self.applied_current_density.value * self.interface_area
        return self._F_vec.norm(), constraint

    def _merit(self) -> float:
        norm, constraint = self._residuals()
        return float(np.hypot(norm, constraint))

    def total_current(self) -> float:
        """Integral of the interface current density (A per unit depth in 2-D, A in 3-D)."""
        return self._scalar(self._G)

    def mean_current_density(self) -> float:
        """The interface current over the interface area (A/m^2, > 0 strips)."""
        return self.total_current() / self.interface_area

    def contact_fraction(self) -> float:
        """Mean of the contact c (without the floor) over the interface, over its true area."""
        return self._scalar(self._contact_integral) / self.surface_area

    def solve(self, rtol: float = 1e-10, atol: float = 1e-12, max_iterations: int = 30):
        """Newton on the bordered system (on F alone with Phi_m held) until |(F, G)| <= (rtol max(|I|, i0) +
        atol) |interface| (atol in A/m^2; I the applied current, or with Phi_m held the mean current at the
        start); raises :class:`NewtonDivergence` when it fails."""
        current = self.mean_current_density() if self.holds_metal_potential else self.applied_current_density.value
        scale = max(abs(float(current)), self.kinetics.exchange_current_density)
        # both parts are current densities times the area: the test means the same in 2-D and 3-D
        tolerance = (rtol * scale + atol) * self.interface_area
        merit = self._merit()
        for iteration in range(1, max_iterations + 1):
            constraint = self._residuals()[1]
            self._J_mat.zeroEntries()
            fem_petsc.assemble_matrix(self._J_mat, self._J)
            self._J_mat.assemble()
            if not (np.isfinite(merit) and np.isfinite(self._J_mat.norm())):
                raise NewtonDivergence("non-finite residual or Jacobian in the electrolyte solve")
            self._ksp.setOperators(self._J_mat)
            self._F_vec.scale(-1.0)
            self._ksp.solve(self._F_vec, self._z)
            d_phi = 0.0 if self.holds_metal_potential else self._bordered_update(constraint)
            if self._ksp.getConvergedReason() < 0:
                raise NewtonDivergence(f"LU solve failed ({self._ksp.getConvergedReason()})")
            merit = self._line_search(self._z, d_phi, merit)
            if not np.isfinite(merit):
                raise NewtonDivergence("non-finite residual in the electrolyte solve")
            if merit <= tolerance:
                return GalvanostaticSolution(float(self.metal_potential.value), iteration, merit,
                                             self.mean_current_density())
        raise NewtonDivergence(
            f"no convergence in {max_iterations} iterations (residual {merit:.3e} A, "
            f"tolerance {tolerance:.3e} A)"
        )

    def _bordered_update(self, constraint: float) -> float:
        """delta Phi_m of the bordered system by block elimination, with the factorised J: turns the
        solution z of J z = -F into delta psi = z - delta Phi_m w, where J w = b."""
        with self._b_vec.localForm() as local:
            local.set(0.0)
        fem_petsc.assemble_vector(self._b_vec, self._b)
        self._b_vec.ghostUpdate(PETSc.InsertMode.ADD, PETSc.ScatterMode.REVERSE)
        self._ksp.solve(self._b_vec, self._w)
        schur = self._scalar(self._d) - self._b_vec.dot(self._w)
        d_phi = (-constraint - self._b_vec.dot(self._z)) / schur
        self._z.axpy(-d_phi, self._w)
        return d_phi

    def _line_search(self, d_psi: PETSc.Vec, d_phi: float, merit: float) -> float:
        """Backtracking on |(F, G)|: take the largest of 1, 1/2, ... that lowers it."""
        psi0 = self._psi0
        self.psi.x.petsc_vec.copy(psi0)
        phi0 = float(self.metal_potential.value)
        step = 1.0
        for _ in range(12):
            self.psi.x.petsc_vec.waxpy(step, d_psi, psi0)
            self.psi.x.scatter_forward()
            self.metal_potential.value = phi0 + step * d_phi
            trial = self._merit()
            if np.isfinite(trial) and trial < merit:
                return trial
            step *= 0.5
        return trial
