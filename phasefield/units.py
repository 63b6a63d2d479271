"""Unit-aware input at the edges: parse quantities such as ``"0.5 mA/cm^2"`` into SI floats.

Everything inside phasefield is SI. Case files and parameter sets are written with units, and
this module is the only place where strings become numbers.
"""

import math
import re
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
    "strain_rate": "1/s",
    "surface_energy": "J/m^2",
    "angle": "rad",
    "rate_per_length": "1/(m*s)",
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
    "strain_rate": "1e-3 s^-1",
    "surface_energy": "0.42 J/m^2",
    "angle": "93.6 deg",
    "rate_per_length": "0.1 /(m*s)",
    "dimensionless": "0.5",
}


class UnitError(ValueError):
    """A quantity could not be parsed or has the wrong dimension."""


# The accepted form of a quantity, checked before pint sees the text (pint evaluates arithmetic:
# "1,5 mA" would be 15 mA, "1.5.5 K" 0.75 K, and "10**10**10 K" never finishes): a plain decimal
# number, then units such as "mA/cm^2", "ohm*cm^2", "J/(mol*K)", "cm^-2" with small exponents.
_NAME, _EXPONENT = r"(?:[^\W\d]\w*|%)", r"(?:\s*(?:\^|\*\*)\s*[+-]?\d{1,2}(?:\.\d{1,3})?)?"
_UNITS_FLAT = rf"{_NAME}{_EXPONENT}(?:(?:\s*[*/]\s*|\s+){_NAME}{_EXPONENT})*"
_FACTOR = rf"(?:{_NAME}|\(\s*{_UNITS_FLAT}\s*\)){_EXPONENT}"
_QUANTITY = re.compile(
    rf"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
    rf"(?:\s*/?\s*{_FACTOR}(?:(?:\s*[*/]\s*|\s+){_FACTOR})*)?\s*"
)


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
        if dimension != "dimensionless":
            raise UnitError(f"a bare number has no unit: write it like {example!r}")
        if not math.isfinite(text):
            raise UnitError(f"expected a finite number such as {example!r}")
        return float(text)
    if not _QUANTITY.fullmatch(str(text)):
        raise UnitError(f"cannot read {text!r} as a quantity, write it like {example!r}")
    try:
        quantity = ureg.Quantity(str(text).strip())
    except Exception as err:  # pint raises several unrelated types for malformed input
        raise UnitError(f"cannot read {text!r} as a quantity, write it like {example!r}") from err
    try:
        if not isinstance(quantity, pint.Quantity):
            quantity = ureg.Quantity(float(quantity), "")
        value = float(quantity.to(SI_UNITS[dimension]).magnitude)
    except pint.DimensionalityError as err:
        raise UnitError(
            f"{text!r} is not a {dimension.replace('_', ' ')}, write it like {example!r}"
        ) from err
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise UnitError(f"{text!r} is not a finite {dimension.replace('_', ' ')}")
    return value


@cache
def si_factor(si_unit: str, unit: str) -> float:
    """The factor that turns a value in ``si_unit`` into ``unit`` (for output columns and tables)."""
    return float(registry().Quantity(1.0, si_unit).to(unit).magnitude)


def si_to(value: float, dimension: str, unit: str) -> float:
    """Convert an SI value of ``dimension`` to ``unit`` (for reports and plots)."""
    ureg = registry()
    return float(ureg.Quantity(value, SI_UNITS[dimension]).to(unit).magnitude)
