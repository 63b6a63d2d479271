"""Unit-aware input at the edges: parse quantities such as ``"0.5 mA/cm^2"`` into SI floats.

Everything inside phasefield is SI. Case files and parameter sets are written with units, and
this module is the only place where strings become numbers.
"""

from functools import cache

import pint

#: SI unit of each physical dimension that appears in case files and parameter sets.
SI_UNITS: dict[str, str] = {
    "current_density": "A/m^2",
    "areal_capacity": "C/m^2",
    "pressure": "Pa",
    "temperature": "K",
    "time": "s",
    "length": "m",
    "conductivity": "S/m",
    "area_specific_resistance": "ohm*m^2",
    "voltage": "V",
    "energy": "J",
    "molar_energy": "J/mol",
    "molar_entropy": "J/(mol*K)",
    "molar_volume": "m^3/mol",
    "diffusivity": "m^2/s",
    "surface_energy": "J/m^2",
    "angle": "rad",
    "dimensionless": "",
}

#: How a user writes each dimension, for error messages.
EXAMPLES: dict[str, str] = {
    "current_density": "0.5 mA/cm^2",
    "areal_capacity": "4 mAh/cm^2",
    "pressure": "0.2 MPa",
    "temperature": "25 degC",
    "time": "2 h",
    "length": "20 um",
    "conductivity": "3.5 mS/cm",
    "area_specific_resistance": "5 ohm*cm^2",
    "voltage": "0.623 V",
    "energy": "0.5 eV",
    "molar_energy": "37 kJ/mol",
    "molar_entropy": "8.49 J/(mol*K)",
    "molar_volume": "12.97 cm^3/mol",
    "diffusivity": "2e-13 cm^2/s",
    "surface_energy": "0.42 J/m^2",
    "angle": "93.6 deg",
    "dimensionless": "0.5",
}


class UnitError(ValueError):
    """A quantity could not be parsed or has the wrong dimension."""


@cache
def registry() -> pint.UnitRegistry:
    """The one pint registry of the program (with ``mAh`` for areal capacities)."""
    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    ureg.define("mAh = milliampere * hour")
    ureg.define("Ah = ampere * hour")
    return ureg


def to_si(text: str | float | int, dimension: str) -> float:
    """Parse ``text`` (e.g. ``"0.5 mA/cm^2"``) and return its value in the SI unit of ``dimension``.

    A bare number is accepted only for dimensionless quantities. Raises :class:`UnitError`
    with the expected form when the text is malformed or has the wrong dimension.
    """
    if dimension not in SI_UNITS:
        raise KeyError(f"unknown dimension {dimension!r}")
    ureg = registry()
    example = EXAMPLES[dimension]
    if isinstance(text, bool):
        raise UnitError(f"expected a {dimension.replace('_', ' ')} such as {example!r}")
    if isinstance(text, int | float):
        if dimension == "dimensionless":
            return float(text)
        raise UnitError(f"a bare number has no unit: write it like {example!r}")
    try:
        quantity = ureg.Quantity(str(text).strip())
    except Exception as err:  # pint raises several unrelated types for malformed input
        raise UnitError(f"cannot read {text!r} as a quantity, write it like {example!r}") from err
    if not isinstance(quantity, pint.Quantity):
        quantity = ureg.Quantity(float(quantity), "")
    try:
        value = quantity.to(SI_UNITS[dimension]).magnitude
    except pint.DimensionalityError as err:
        raise UnitError(
            f"{text!r} is not a {dimension.replace('_', ' ')}, write it like {example!r}"
        ) from err
    return float(value)


def si_to(value: float, dimension: str, unit: str) -> float:
    """Convert an SI value of ``dimension`` to ``unit`` (for reports and plots)."""
    ureg = registry()
    return float(ureg.Quantity(value, SI_UNITS[dimension]).to(unit).magnitude)
