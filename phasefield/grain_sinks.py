r"""Vacancy sinks at the grain boundaries, shared by the finite-element and the reduced model.

A grain of diameter :math:`d_s` without other sinks inside absorbs a vacancy excess at the rate
:math:`k_s (c - c_{eq})` with :math:`k_s = 15 D_v / R^2 = 60 D_v / d_s^2` (spherical grain of radius R = d_s/2;
Brailsford & Bullough, Phil. Trans. R. Soc. A 302 (1981) 87), so an excess decays over the sink length
:math:`\ell = \sqrt{D_v / k_s} = d_s / \sqrt{60}` (13 um for 100 um grains), whatever the vacancy diffusivity.
"""

import math


def sink_strength(vacancy_diffusivity: float, sink_spacing: float) -> float:
    """k_s = 60 D_v / d_s^2 (1/s)."""
    return 60.0 * vacancy_diffusivity / sink_spacing**2


def sink_length(sink_spacing: float) -> float:
    """l = sqrt(D_v / k_s) = d_s / sqrt(60) (m)."""
    return sink_spacing / math.sqrt(60.0)
