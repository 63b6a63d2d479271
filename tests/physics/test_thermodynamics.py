"""Redlich-Kister Li-Mg: the thermodynamic factor and activity against independent evaluations."""

import numpy as np
import pytest
import ufl
from dolfinx import fem, mesh
from mpi4py import MPI

from phasefield.constants import GAS_CONSTANT
from phasefield.parameters import PARAMETER_SETS
from phasefield.physics.thermodynamics import RedlichKister

P = PARAMETER_SETS["Li0.97Mg0.03"].si()
RK = RedlichKister((P["rk_L0_a"], P["rk_L1_a"], P["rk_L2_a"]), (P["rk_L0_b"], P["rk_L1_b"], P["rk_L2_b"]),
                   298.15)


def excess_gibbs(x):
    l0, l1, l2 = (a + b * 298.15 for a, b in zip(RK.a, RK.b, strict=True))
    return x * (1 - x) * (l0 + l1 * (1 - 2 * x) + l2 * (1 - 2 * x) ** 2)


@pytest.mark.parametrize("x", [0.03, 0.1, 0.3, 0.6])
def test_thermodynamic_factor_matches_finite_differences_of_the_excess_energy(x):
    h = 1e-4
    second = (excess_gibbs(x + h) - 2 * excess_gibbs(x) + excess_gibbs(x - h)) / h**2
    phi = 1 + x * (1 - x) * second / (GAS_CONSTANT * 298.15)
    assert RK.thermodynamic_factor(x) == pytest.approx(phi, rel=1e-6)
    # Gibbs-Duhem: the Li activity coefficient integrates the same Phi
    ln_a_li = lambda z: np.log(1 - z) + RK.ln_activity_coefficient_li(z)  # noqa: E731
    dlna_dlnx_li = -(ln_a_li(x + h) - ln_a_li(x - h)) / (2 * h) * (1 - x)
    assert dlna_dlnx_li == pytest.approx(phi, rel=1e-6)


def test_dilute_alloy_values_reported_in_docs():
    """Phi(0.03) = 0.876 and U(0.03) = 0.73 mV, U(0.3) = 14.9 mV at 25 C (docs/model.md)."""
    assert RK.thermodynamic_factor(0.03) == pytest.approx(0.8756, abs=1e-3)
    assert RK.equilibrium_potential(0.03) == pytest.approx(0.726e-3, abs=2e-6)
    assert RK.equilibrium_potential(0.3) == pytest.approx(14.93e-3, abs=2e-5)


def test_ufl_and_numpy_forms_agree():
    domain = mesh.create_unit_interval(MPI.COMM_SELF, 4)
    x = fem.Constant(domain, 0.2)
    value = fem.assemble_scalar(fem.form(RK.thermodynamic_factor(x) * ufl.dx(domain=domain)))
    assert value == pytest.approx(RK.thermodynamic_factor(0.2), rel=1e-12)
