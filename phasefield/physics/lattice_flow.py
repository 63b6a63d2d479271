r"""Lattice velocity from vacancy sinks while no creep model is active: a potential flow.

Sinks remove lattice sites, :math:`\nabla\cdot\mathbf{v} = s = -k_s c_{eq}(e^{\mu} - 1)\,h(\phi)`
(project notes 3.2), and plating adds sites at the contact. Without a constitutive law for the
metal, the smallest (irrotational) velocity with that divergence is :math:`\mathbf{v} = \nabla\Phi`:

.. math::

    \nabla^2\Phi = s\ \text{in the metal},\quad \Phi = 0\ \text{on the window top (bulk metal enters)},
    \quad \partial_n\Phi = -j_{plate}\ \text{on the interface},\quad \partial_n\Phi = 0\ \text{laterally},

with :math:`j_{plate}` the rate at which the interface adds sites: plating, :math:`\max(-i, 0)\,\Omega/F` where it
finds no vacancies to fill (metal moves away from the interface), or < 0 where the interface annihilates stripped
sites itself (``interface_vacancy_annihilation_share``; metal moves towards it). In 1-D it gives the exact
kinematics: the metal moves towards the interface at the rate at which sites are annihilated below. The creep
sub-model replaces it by a Stokes-type flow with the same divergence. Linear, P1, its Laplacian factorised once
(:class:`~phasefield.solvers.constant_operator.FactorisedOperator`).
"""

import numpy as np
import ufl
from dolfinx import fem
from petsc4py import PETSc

from phasefield.mesh import FacetTag, Subdomain
from phasefield.solvers.constant_operator import FactorisedOperator


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
        #: the mean normal speed (m/s, outward) through the window top, from the volume balance of each solve
        self.top_normal_speed = fem.Constant(metal.mesh, PETSc.ScalarType(0.0))

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
        rhs, volume_change = -divergence * w * ufl.dx, divergence * ufl.dx
        if plating_rate is not None:
            # natural condition d_n Phi = -j_plate (the outward normal points into the electrolyte)
            rhs -= plating_rate * w * ds(int(FacetTag.INTERFACE))
            volume_change += plating_rate * ds(int(FacetTag.INTERFACE))
        self._volume_change = fem.form(volume_change)
        self._top_area = mesh.comm.allreduce(
            fem.assemble_scalar(fem.form(1.0 * ds(int(FacetTag.METAL_TOP)))))
        # the Laplacian is constant: assembled and factorised once, only the right-hand side changes
        self._problem = FactorisedOperator(ufl.inner(ufl.grad(phi_trial), ufl.grad(w)) * ufl.dx, rhs, [bc],
                                           self.potential, "lattice velocity")

    def solve(self) -> None:
        """Phi, and the top's mean normal speed: by the divergence theorem, the integral of div v plus the plating
        inflow over the top's area (the discrete flux the P1 gradient of the top cells misses by the sinks of
        their half-cells)."""
        self._problem.solve()
        comm = self._metal.mesh.comm
        self.top_normal_speed.value = comm.allreduce(fem.assemble_scalar(self._volume_change)) / self._top_area
