r"""The physical laws of the reduced interface model, one function each, SI units in and out.

Void shape (per unit depth, a void of footprint w and cross-section A on the interface):

- equilibrium cap at the Young angle :math:`\theta` (through the metal; the void side sees
  :math:`\pi - \theta`): a circular segment, :math:`A_{eq} = c_\theta w^2`,
  :math:`c_\theta = (\beta - \sin\beta\cos\beta)/(4\sin^2\beta)`, :math:`\beta = \pi - \theta`
  (:math:`c = \pi/8` at 90 deg);
- largest height of a semi-ellipse of the same footprint and area, :math:`h_{max} = 4A/(\pi w)`.

Surface diffusion (Mullins 1957): :math:`B = D_s \gamma \Omega_a^2 \nu / kT`, :math:`\nu = \Omega_a^{-2/3}`
surface sites per area, :math:`\Omega_a` the atomic volume; the lowest shape mode of a footprint w relaxes at
:math:`B (\pi/w)^4` and a rod of radius R pinches at the fastest Rayleigh rate :math:`B/(4R^4)` (Nichols &
Mullins, J. Appl. Phys. 36 (1965) 1826).

Closure of a void by Norton creep (:math:`\dot\varepsilon = A_T \sigma^n`): the hollow cylinder of inner
radius a and cell radius b under a closing stress :math:`\sigma` (docs/creep.md, "Void closure"),

.. math:: -\frac{\dot A}{A} = \sqrt3 A_T \left[\frac{\sqrt3\,\sigma}{n\,(1 - (a/b)^{2/n})}\right]^n,
          \qquad \sigma = p + \gamma / a,

the stack pressure p and the capillary (Laplace) pressure of the void surface.

Interface vacancy trap (seed Fig 2c, f, g): a vacancy in the first interface layer is bound by
:math:`E_t` = 0.22 eV and leaves it over :math:`E_t + E_{esc}` (:math:`E_{esc}` = 0.15 eV, first to
second layer); with the layer's hop rate equal to the bulk's, the layer conducts along the interface like a slab
of metal of thickness :math:`G = a\,\theta` (:math:`\theta = e^{E_t/kT}` on a clean interface) and exchanges with
the metal beneath through a resistance like that of :math:`\ell_x = a\,e^{E_{esc}/kT}` of metal; the distance a
layer vacancy travels before it first escapes is :math:`\lambda_\Gamma = \sqrt{G\ell_x} = a\, e^{(E_t +
E_{esc})/2kT}`. Mg on interface sites weakens the trap
(:mod:`phasefield.interface_segregation`: the coverage, its kinetic supply and the average over sites).

Butler-Volmer through the contact: the applied current density i flows through the contact fraction f,
:math:`i/f = i_0 [e^{\alpha_a F\eta/RT} - e^{-\alpha_c F\eta/RT}]`, plus the ohmic drop of the pellet.
"""

import math

import numpy as np
from scipy.optimize import brentq

from phasefield.constants import AVOGADRO, BOLTZMANN, FARADAY, GAS_CONSTANT
from phasefield.thermal_activation import arrhenius_from_reference


def atomic_volume(molar_volume: float) -> float:
    """Omega_a = V_m / N_A (m^3 per atom)."""
    return molar_volume / AVOGADRO


def cap_area_coefficient(contact_angle: float) -> float:
    """c_theta of the equilibrium cap A_eq = c_theta w^2 at the Young angle ``contact_angle`` (rad, through
    the metal)."""
    beta = math.pi - contact_angle
    return (beta - math.sin(beta) * math.cos(beta)) / (4.0 * math.sin(beta) ** 2)


def equilibrium_width(area, contact_angle: float):
    """The footprint of the equilibrium cap of cross-section ``area`` (m^2 per depth)."""
    return np.sqrt(np.asarray(area) / cap_area_coefficient(contact_angle))


def largest_height(area, width):
    """h_max = 4 A / (pi w) of a semi-elliptic void."""
    return 4.0 * np.asarray(area) / (math.pi * np.asarray(width))


def mullins_coefficient(surface_diffusivity: float, surface_energy: float, molar_volume: float,
                        temperature: float) -> float:
    """B = D_s gamma Omega_a^2 nu / kT (m^4/s), nu = Omega_a^(-2/3)."""
    omega = atomic_volume(molar_volume)
    return surface_diffusivity * surface_energy * omega ** (4.0 / 3.0) / (BOLTZMANN * temperature)


def mullins_rate(coefficient: float, width):
    """Relaxation rate (1/s) of the lowest shape mode of a footprint ``width``: B (pi / w)^4."""
    return coefficient * (math.pi / np.asarray(width)) ** 4


def pinch_off_rate(coefficient: float, height):
    """The fastest Rayleigh rate B / (4 R^4) of a rod of radius R = ``height`` (the interface a mirror plane)."""
    return coefficient / (4.0 * np.asarray(height) ** 4)


def norton_rate_factor(metal: dict[str, float], temperature: float) -> float:
    """A_T (Pa^-n s^-1) of eps_dot = A_T sigma^n from the metal set (Arrhenius in Q per mole, the alloy factor)."""
    n = metal["creep_stress_exponent"]
    rate = metal["creep_alloy_factor"] * arrhenius_from_reference(
        metal["creep_reference_strain_rate"], metal["creep_reference_temperature"],
        metal["creep_activation_energy"] / AVOGADRO, temperature)
    return rate / metal["creep_reference_stress"] ** n


def norton_closure_rate(rate_factor: float, exponent: float, stress, radius, cell_radius):
    """-(dA/dt)/A (1/s) of a cylindrical void of ``radius`` a in a cell of radius b under ``stress``."""
    ratio = np.clip(np.asarray(radius) / np.asarray(cell_radius), 0.0, 0.99)
    denominator = exponent * (1.0 - ratio ** (2.0 / exponent))
    return math.sqrt(3.0) * rate_factor * (math.sqrt(3.0) * np.asarray(stress) / denominator) ** exponent


def flat_supersaturation(current_density: float, molar_volume: float, sink_length: float,
                         self_diffusivity: float, correlation_factor: float) -> float:
    """mu_Gamma (kT) of a flat interface injecting i Omega/F into a metal with sinks: ln(1 + j l f / D*)."""
    injection = current_density * molar_volume / FARADAY
    return math.log1p(injection * sink_length * correlation_factor / self_diffusivity)


def interface_layer_thickness(trap_factor: float, molar_volume: float) -> float:
    """G = a theta (m): the slab of metal that conducts along the interface as the trapped first layer does, with
    theta the trap factor (the layer's vacancy fraction over the bulk's) and the bulk's hop rate."""
    return atomic_volume(molar_volume) ** (1.0 / 3.0) * trap_factor


def interface_exchange_length(escape_barrier: float, molar_volume: float, temperature: float) -> float:
    """l_x = a exp(E_esc / kT) (m): the slab of metal whose resistance equals that of the layer's exchange with the
    metal beneath (the escape barrier E_esc)."""
    return atomic_volume(molar_volume) ** (1.0 / 3.0) * math.exp(escape_barrier / (BOLTZMANN * temperature))


def butler_volmer_overpotential(current_density: float, exchange_current_density: float, anodic: float,
                                cathodic: float, temperature: float) -> float:
    """eta (V) with i0 [exp(alpha_a F eta / RT) - exp(-alpha_c F eta / RT)] = ``current_density``."""
    f = FARADAY / (GAS_CONSTANT * temperature)
    if anodic == cathodic:
        return math.asinh(current_density / (2.0 * exchange_current_density)) / (anodic * f)

    def residual(eta: float) -> float:
        return exchange_current_density * (math.exp(anodic * f * eta) - math.exp(-cathodic * f * eta)) \
            - current_density

    bound = 1.0
    while residual(bound) * residual(-bound) > 0.0:
        bound *= 2.0
    return brentq(residual, -bound, bound, xtol=1e-14)
