r"""Thermodynamics of the bcc Li-Mg solid solution (Redlich-Kister), x = x_Mg, 1 - x = x_Li.

.. math::

    G^{ex} = x(1-x)\sum_{k=0}^{2} L_k (1 - 2x)^k,\qquad L_k = a_k + b_k T,

with :math:`(1 - 2x) = x_{Li} - x_{Mg}` (species order Li, Mg, as in the COST 507 database), and

.. math::

    RT\ln\gamma_{Li} = G^{ex} - x\,G^{ex\prime},\quad
    RT\ln\gamma_{Mg} = G^{ex} + (1-x)\,G^{ex\prime},\quad
    \Phi = 1 + \frac{d\ln\gamma_{Mg}}{d\ln x} = 1 + \frac{x(1-x)}{RT} G^{ex\prime\prime},

and the equilibrium potential of the alloy against Li, :math:`U = -(RT/F)\ln a_{Li}`,
:math:`a_{Li} = (1-x)\gamma_{Li}`. All functions accept numbers, numpy arrays or UFL expressions.
"""

from dataclasses import dataclass

import numpy as np
import ufl

from phasefield.constants import FARADAY, GAS_CONSTANT


@dataclass(frozen=True)
class RedlichKister:
    """Excess Gibbs energy coefficients L_k = a_k + b_k T (J/mol) of the bcc Li-Mg solution."""

    a: tuple[float, float, float]
    b: tuple[float, float, float]
    temperature: float

    def _coefficients(self) -> tuple[float, float, float]:
        return tuple(a + b * self.temperature for a, b in zip(self.a, self.b, strict=True))

    def _derivatives(self, x):
        """G_ex, dG_ex/dx and d2G_ex/dx2 at x (J/mol)."""
        l0, l1, l2 = self._coefficients()
        d = 1.0 - 2.0 * x
        p = x * (1.0 - x)
        q = l0 + l1 * d + l2 * d * d
        dq = -2.0 * l1 - 4.0 * l2 * d
        return p * q, d * q + p * dq, -2.0 * q + 2.0 * d * dq + 8.0 * l2 * p

    def ln_activity_coefficient_li(self, x):
        g, dg, _ = self._derivatives(x)
        return (g - x * dg) / (GAS_CONSTANT * self.temperature)

    def thermodynamic_factor(self, x):
        """Phi = 1 + d ln(gamma_Mg) / d ln(x_Mg), the same for both species (Gibbs-Duhem)."""
        return 1.0 + x * (1.0 - x) * self._derivatives(x)[2] / (GAS_CONSTANT * self.temperature)

    def equilibrium_potential(self, x, log=None):
        """U(x) = -(RT/F) ln[(1 - x) gamma_Li] in V vs Li (``log``: ufl.ln for forms)."""
        log = log or (ufl.ln if isinstance(x, ufl.core.expr.Expr) else np.log)
        rt_f = GAS_CONSTANT * self.temperature / FARADAY
        return -rt_f * (log(1.0 - x) + self.ln_activity_coefficient_li(x))
