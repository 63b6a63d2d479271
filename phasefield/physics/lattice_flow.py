r"""Lattice velocity from vacancy sinks while no creep model is active: a potential flow.

Sinks remove lattice sites, :math:`\nabla\cdot\mathbf{v} = s = -k_s c_{eq}(e^{\mu} - 1)\,h(\phi)`
(project notes 3.2), and plating adds sites at the contact. Without a constitutive law for the
metal, the smallest (irrotational) velocity with that divergence is :math:`\mathbf{v} = \nabla\Phi`:

.. math::

    \nabla^2\Phi = s\ \text{in the metal},\quad \Phi = 0\ \text{on the window top (bulk metal enters)},
    \quad \partial_n\Phi = -j_{plate}\ \text{on the interface},\quad \partial_n\Phi = 0\ \text{laterally},

with :math:`j_{plate} = \max(-i, 0)\,\Omega/F` the rate at which plating adds sites (metal moves
away from the interface). In 1-D it gives the exact kinematics: the metal moves towards the
interface at the rate at which sites are annihilated below. The creep sub-model replaces it by a
Stokes-type flow with the same divergence. Linear, P1, solved with a Cholesky factorisation (MUMPS).
"""

import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem import petsc as fem_petsc
from petsc4py import PETSc

from phasefield.mesh import FacetTag, Subdomain
from phasefield.solvers.failures import SolverFailure


class PotentialLatticeFlow:
    """v = grad(Phi); :meth:`bind` gives div v and the plating inflow, then :meth:`solve`.

    The velocity (a UFL expression) exists from construction, so that the sub-models it advects
    can be built before the one that sets its divergence.
    """

    def __init__(self, metal: Subdomain):
        self._metal = metal
        self._space = fem.functionspace(metal.mesh, ("Lagrange", 1))
        self.potential = fem.Function(self._space, name="lattice_potential")
        self.velocity = ufl.grad(self.potential)

    @property
    def state(self) -> fem.Function:
        """The potential Phi (for checkpoints and step snapshots)."""
        return self.potential

    def restore(self, values: np.ndarray) -> None:
        """Set the potential (local array of :attr:`state`) and with it the velocity."""
        self.potential.x.array[:] = values

    def bind(self, divergence, metal_fraction=None, plating_rate=None) -> None:
        """div v = ``divergence`` (1/s, UFL); the potential flow does not depend on the metal fraction
        (accepted for the interface shared with the creep flow)."""
        metal, space = self._metal, self._space
        mesh = metal.mesh
        phi_trial, w = ufl.TrialFunction(space), ufl.TestFunction(space)
        top = fem.locate_dofs_topological(space, mesh.topology.dim - 1,
                                          metal.facet_tags.find(int(FacetTag.METAL_TOP)))
        bc = fem.dirichletbc(PETSc.ScalarType(0.0), top, space)
        ds = ufl.Measure("ds", domain=mesh, subdomain_data=metal.facet_tags)
        rhs = -divergence * w * ufl.dx
        if plating_rate is not None:
            rhs += plating_rate * w * ds(int(FacetTag.INTERFACE))
        # the Laplacian is constant: assembled and factorised once, only the right-hand side changes
        self._bcs = [bc]
        self._rhs = fem.form(rhs)
        matrix = fem_petsc.assemble_matrix(fem.form(ufl.inner(ufl.grad(phi_trial), ufl.grad(w)) * ufl.dx),
                                           bcs=self._bcs)
        matrix.assemble()
        self._vector = fem_petsc.create_vector(space)
        self._ksp = PETSc.KSP().create(mesh.comm)
        self._ksp.setOperators(matrix)
        self._ksp.setType("preonly")
        self._ksp.getPC().setType("cholesky")
        self._ksp.getPC().setFactorSolverType("mumps")

    def solve(self) -> None:
        with self._vector.localForm() as local:
            local.set(0.0)
        fem_petsc.assemble_vector(self._vector, self._rhs)
        self._vector.ghostUpdate(PETSc.InsertMode.ADD, PETSc.ScatterMode.REVERSE)
        fem_petsc.set_bc(self._vector, self._bcs)
        self._ksp.solve(self._vector, self.potential.x.petsc_vec)
        self.potential.x.scatter_forward()
        if self._ksp.getConvergedReason() < 0 or not np.all(np.isfinite(self.potential.x.array)):
            raise SolverFailure("non-finite lattice velocity")
