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
    """The cell's length along the velocity, |v| / |K v| with K the inverse Jacobian of the map from the reference
    cell (unit legs or sides): h_v = h_y for a flow along y in an h_x by h_y cell, however flat. Where v = 0 (no
    direction) the cell diameter."""
    speed = ufl.sqrt(ufl.inner(velocity, velocity))
    reference = ufl.dot(ufl.JacobianInverse(mesh), velocity)
    reference_speed = ufl.sqrt(ufl.inner(reference, reference))
    return ufl.conditional(ufl.gt(reference_speed, 0.0), speed / reference_speed, ufl.CellDiameter(mesh))


def streamline_diffusion(u, test, velocity, diffusivity, measure):
    """The streamline-diffusion term of the module docstring for the unknown ``u`` (UFL form), h the cell's length
    along v: nu / |v|^2 = h^2 (coth(alpha) - 1/alpha) / (4 D alpha), which stays finite at v = 0."""
    length = streamline_length(velocity, test.ufl_function_space().mesh)
    alpha = ufl.sqrt(ufl.inner(velocity, velocity)) * length / (2.0 * diffusivity)
    streamline = length**2 * fitted_ratio(alpha) / (4.0 * diffusivity)
    return streamline * ufl.dot(velocity, ufl.grad(u)) * ufl.dot(velocity, ufl.grad(test)) * measure
