r"""Interpolation and double-well functions of an order parameter, for numbers, arrays or UFL.

- :math:`g(\phi) = \phi^2 (1-\phi)^2`, the double well with minima at 0 and 1 (barrier 1/16);
- :math:`h(\phi) = \phi^3 (6\phi^2 - 15\phi + 10)`, the interpolation with h(0)=0, h(1)=1 and
  h'(0)=h'(1)=0, so that the bulk phases are equilibrium states of the Allen-Cahn equation;
- :math:`s(\phi) = \phi^2 (3 - 2\phi)`, the cubic step used for boundary (wetting) energies.

A flat interface of :math:`W g(\phi) + (\kappa/2)|\nabla\phi|^2` has the profile
:math:`\phi = [1 + \tanh(x/\delta)]/2` with :math:`\delta = \sqrt{2\kappa/W}`, and the energy per
area :math:`\gamma = \sqrt{\kappa W / 18}`. Conversely, for a given :math:`\gamma` and width
:math:`\delta`: :math:`W = 6\gamma/\delta`, :math:`\kappa = 3\gamma\delta`
(:func:`well_and_gradient_coefficients`).
"""


def double_well(phi):
    """g = phi^2 (1 - phi)^2."""
    return phi**2 * (1 - phi) ** 2


def double_well_derivative(phi):
    """g' = 2 phi (1 - phi)(1 - 2 phi)."""
    return 2 * phi * (1 - phi) * (1 - 2 * phi)


def interpolation(phi):
    """h = phi^3 (6 phi^2 - 15 phi + 10)."""
    return phi**3 * (6 * phi**2 - 15 * phi + 10)


def interpolation_derivative(phi):
    """h' = 30 phi^2 (1 - phi)^2."""
    return 30 * phi**2 * (1 - phi) ** 2


def boundary_step(phi):
    """s = phi^2 (3 - 2 phi)."""
    return phi**2 * (3 - 2 * phi)


def boundary_step_derivative(phi):
    """s' = 6 phi (1 - phi)."""
    return 6 * phi * (1 - phi)


def well_and_gradient_coefficients(interface_energy: float, width: float) -> tuple[float, float]:
    """(W, kappa) giving energy ``interface_energy`` per area and the tanh width ``width``."""
    return 6.0 * interface_energy / width, 3.0 * interface_energy * width
