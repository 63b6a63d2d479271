r"""Streamline diffusion with the optimal (exponentially fitted) coefficient, for advection-dominated transport.

For an advection-diffusion equation :math:`\partial_t u + \nabla\cdot(\mathbf{v}u - D\nabla u) = s`, the Galerkin
weak form gains

.. math::

    \int \frac{\nu}{|\mathbf{v}|^2}\,(\mathbf{v}\cdot\nabla u)(\mathbf{v}\cdot\nabla w)\,dx,\qquad
    \nu = \frac{|\mathbf{v}|h}{2}\left(\coth\alpha - \frac{1}{\alpha}\right),\quad
    \alpha = \frac{|\mathbf{v}|h}{2D},

a diffusion along the streamlines only (Brooks and Hughes, Comput. Methods Appl. Mech. Eng. 32, 199 (1982),
the streamline-upwind term; the coefficient of Christie, Griffiths, Mitchell and Zienkiewicz, Int. J. Numer.
Methods Eng. 10, 1389 (1976)), h the cell's length along the velocity (:func:`streamline_length`). In 1-D it
makes the P1 scheme nodally exact for steady constant-coefficient problems; at cell Peclet numbers
:math:`\alpha \gg 1` the face flux becomes the upwind one, so an unresolved layer (thinner than a cell) is not
overshot; for :math:`\alpha \ll 1` it fades as :math:`\nu \approx |\mathbf{v}|^2h^2/12D`, a term of the order
of the P1 error, so a resolved solution keeps its orders. It vanishes for w = 1: the scheme stays conservative.
It is not consistent (the exact solution does not satisfy the stabilised form): for P2 it would cost an order.

Unlike SUPG it does not weight the time derivative: at the small Courant numbers of the coupled steps the SUPG
parameter is set by the step (:math:`\tau \approx \Delta t/2`) and does not remove the undershoot of a receding
depletion layer (docs/model.md, "Streamline diffusion").
"""

import ufl

#: Floor of the diffusivity (m^2/s), far below any physical one: keeps alpha positive and finite
MIN_DIFFUSIVITY = 1e-30
#: Above this cell Peclet number coth(alpha) = 1 to double precision
LARGE_PECLET = 20.0
#: Below this cell Peclet number (coth(alpha) - 1/alpha) / alpha is replaced by its series 1/3 - alpha^2/45
SMALL_PECLET = 1e-2


def fitted_ratio(alpha):
    """(coth(alpha) - 1/alpha) / alpha (UFL): its series below SMALL_PECLET, (1 - 1/alpha) / alpha above
    LARGE_PECLET."""
    bounded = ufl.min_value(ufl.max_value(alpha, SMALL_PECLET), LARGE_PECLET)
    fitted = ((ufl.exp(2.0 * bounded) + 1.0) / (ufl.exp(2.0 * bounded) - 1.0) - 1.0 / bounded) / bounded
    large = ufl.max_value(alpha, LARGE_PECLET)
    return ufl.conditional(ufl.lt(alpha, SMALL_PECLET), 1.0 / 3.0 - alpha**2 / 45.0,
                           ufl.conditional(ufl.gt(alpha, LARGE_PECLET), (1.0 - 1.0 / large) / large, fitted))


def streamline_length(velocity, mesh):
    """The cell's length along the velocity. On triangles and tetrahedra Tezduyar's h = 2|v| / sum_a |v.grad N_a|
    over the P1 basis (Tezduyar and Park, Comput. Methods Appl. Mech. Eng. 59, 307 (1986)): with r = K v (K the
    inverse Jacobian of the reference map) the sum is |r_0| + ... + |r_(d-1)| + |r_0 + ... + r_(d-1)|, which does not
    depend on the vertex order and gives h_y for a flow along y in a right triangle with legs h_x, h_y, however flat.
    On quadrilaterals and hexahedra |v| / |K v| (unit reference sides). Where v = 0 (no direction) the cell diameter."""
    speed = ufl.sqrt(ufl.inner(velocity, velocity))
    reference = ufl.dot(ufl.JacobianInverse(mesh), velocity)
    if mesh.ufl_cell().cellname in ("interval", "triangle", "tetrahedron"):
        dimension = mesh.ufl_cell().topological_dimension
        components = [reference[k] for k in range(dimension)]
        weight = sum(abs(c) for c in components) + abs(sum(components))
        return ufl.conditional(ufl.gt(weight, 0.0), 2.0 * speed / weight, ufl.CellDiameter(mesh))
    reference_speed = ufl.sqrt(ufl.inner(reference, reference))
    return ufl.conditional(ufl.gt(reference_speed, 0.0), speed / reference_speed, ufl.CellDiameter(mesh))


def streamline_diffusion(u, test, velocity, diffusivity, measure):
    """The streamline-diffusion term of the module docstring for the unknown ``u`` (UFL form), h the cell's length
    along v: nu / |v|^2 = h^2 (coth(alpha) - 1/alpha) / (4 D alpha), which stays finite at v = 0. D is floored at
    MIN_DIFFUSIVITY (a Newton iterate of an undershooting x can make it vanish or change sign); as D -> 0 the term tends
    to its pure-advection limit nu = |v| h / 2."""
    diffusivity = ufl.max_value(diffusivity, MIN_DIFFUSIVITY)
    length = streamline_length(velocity, test.ufl_function_space().mesh)
    alpha = ufl.sqrt(ufl.inner(velocity, velocity)) * length / (2.0 * diffusivity)
    streamline = length**2 * fitted_ratio(alpha) / (4.0 * diffusivity)
    return streamline * ufl.dot(velocity, ufl.grad(u)) * ufl.dot(velocity, ufl.grad(test)) * measure
