r"""The cell fixture: how the stack pressure on the metal changes as the foil thins.

``constant_traction`` (a spring-loaded or pneumatic fixture): the stack pressure :math:`p_0` acts on the
metal whatever its thickness. ``bolt`` (a bolted fixture, as the operando stage of the seed paper may
be; VOID-REVIEW item 13): the preload is the elastic compression of the stack, which the thinning foil
releases,

.. math::

    p = p_0\,\max\!\left(0,\ 1 - \frac{\Delta h}{h_r}\right),\qquad \Delta h = Q\,\frac{V_m}{F},

with :math:`\Delta h` (m) the net stripped thickness (Q the net stripped capacity in C/m^2, negative
after net plating: the preload then rises), and :math:`h_r` (m) the thinning that releases the whole
preload (the stack's compression under :math:`p_0`; no measurement: an assumption, a sensitivity).
"""

from phasefield.constants import FARADAY

#: the fixtures of the module docstring
FIXTURES = ("constant_traction", "bolt")


def fixture_pressure(fixture: str, preload: float, capacity: float, molar_volume: float,
                     relaxation_thickness: float) -> float:
    """The stack pressure (Pa) on the metal after a net stripped ``capacity`` (C/m^2) under ``preload`` (Pa)."""
    if fixture == "constant_traction":
        return preload
    if fixture == "bolt":
        return preload * max(0.0, 1.0 - capacity * molar_volume / FARADAY / relaxation_thickness)
    raise ValueError(f"fixture must be one of {FIXTURES}, not {fixture!r}")
