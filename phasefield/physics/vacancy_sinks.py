r"""Vacancies between the contact and the bulk sinks where no voids form: the quasi-steady sink rate.

Stripping injects vacancies at the contact at :math:`j = \max(i, 0)\,\Omega/F` (site fraction x velocity) and the
grain-boundary sinks of :mod:`.vacancies` annihilate them; where they do, lattice sites disappear and the lattice
moves (:mod:`.lattice_flow`). This is the void model's vacancy equation at :math:`\phi = 1` with a uniform
:math:`c_{eq}`: there the flux :math:`D_v c\nabla\mu` is :math:`D_v\nabla c` and the sink :math:`k_s(c - c_{eq})`, so
the excess is linear. It relaxes in :math:`1/k_s` (1.5 s for 100 um grains at the model's :math:`c_{eq}^0`, less
at the physical one), short against any step of a strip, so it is solved quasi-statically, for the sink rate
:math:`s = k_s (c - c_{eq})` (lattice sites removed per site and second) itself:

.. math::

    \ell^2\nabla^2 s = s\ \text{in the metal},\quad \ell^2\partial_n s = j\ \text{on the interface},\quad
    \partial_n s = 0\ \text{elsewhere},\qquad \ell = \sqrt{D_v/k_s} = d_s/\sqrt{60},

(n the outward normal, into the electrolyte: s decays into the metal), so that
:math:`\int s\,dV = \int j\,dA`: every injected vacancy is annihilated inside the window (a closed top; for
a window taller than :math:`3\ell` the interface value differs from that of a semi-infinite metal by
:math:`\coth(H/\ell) - 1 < 0.5\%`, while the share :math:`e^{-H/\ell}` (5%) of the sinks that would lie above
H acts in the window's top instead). Only :math:`\ell` enters, not :math:`D_v` or :math:`c_{eq}^0`. In 1-D the lattice
velocity of these sinks (:math:`\nabla\cdot\mathbf{v} = -s`, at rest on the interface) is

.. math:: v(y) = -j\left[1 - \frac{\sinh((H - y)/\ell)}{\sinh(H/\ell)}\right]

at rest at the interface, the stripping speed at the top, and as
:math:`\ell \to 0` the uniform :math:`v = -j` of a lattice annihilated at the interface itself (project notes 3.4,
frames (a) and (b)). P1, the operator factorised once.
"""

import ufl
from dolfinx import fem

from phasefield.mesh import FacetTag, Subdomain
from phasefield.solvers.constant_operator import FactorisedOperator


class QuasiSteadyVacancySinks:
    """The sink rate s (1/s) of the vacancies that :attr:`injection` (m/s) brings in through the interface,
    among sinks of length ``sink_length`` (m); :meth:`solve` after setting the injection."""

    def __init__(self, metal: Subdomain, sink_length: float):
        space = fem.functionspace(metal.mesh, ("Lagrange", 1))
        #: the sink rate s (1/s): lattice sites removed per site and second
        self.sink_rate = fem.Function(space, name="vacancy_sink_rate")
        #: the vacancy injection j (m/s), uniform over the interface facets
        self.injection = fem.Constant(metal.mesh, 0.0)
        s, w = ufl.TrialFunction(space), ufl.TestFunction(space)
        ds = ufl.Measure("ds", domain=metal.mesh, subdomain_data=metal.facet_tags)
        operator = (sink_length**2 * ufl.inner(ufl.grad(s), ufl.grad(w)) + s * w) * ufl.dx
        self._problem = FactorisedOperator(operator, self.injection * w * ds(int(FacetTag.INTERFACE)), [],
                                           self.sink_rate, "vacancy sink rate")

    def solve(self) -> None:
        """The sink rate of the current :attr:`injection`."""
        self._problem.solve()

