"""Unit-aware input at the edges: parse quantities such as ``"0.5 mA/cm^2"`` into SI floats.

Everything inside phasefield is SI. Case files and parameter sets are written with units, and
this module is the only place where strings become numbers.
"""

import difflib
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
    "rate_constant": "1/s",
    "dimensionless": "",
    "fraction": "",
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
    "rate_constant": "0.1 s^-1",
    "dimensionless": "0.5",
    "fraction": "0.5",
}


class UnitError(ValueError):
    """A quantity could not be parsed or has the wrong dimension."""


# The accepted form of a quantity, checked before pint sees the text (pint evaluates arithmetic:
# "1,5 mA" would be 15 mA, "1.5.5 K" 0.75 K, and "10**10**10 K" never finishes): a plain decimal
# number, then units such as "mA/cm^2", "ohm*cm^2", "J/(mol*K)", "cm^-2" with small exponents.
# The check applies to the text after :func:`_normalise`, which only rewrites unit spellings.
_NAME, _EXPONENT = r"(?:[^\W\d]\w*|%)", r"(?:\s*(?:\^|\*\*)\s*[+-]?\d{1,2}(?:\.\d{1,3})?)?"
_UNITS_FLAT = rf"{_NAME}{_EXPONENT}(?:(?:\s*[*/]\s*|\s+){_NAME}{_EXPONENT})*"
_FACTOR = rf"(?:{_NAME}|\(\s*{_UNITS_FLAT}\s*\)){_EXPONENT}"
_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_QUANTITY = re.compile(
    rf"{_NUMBER.pattern}"
    rf"(?:\s*/?\s*{_FACTOR}(?:(?:\s*[*/]\s*|\s+){_FACTOR})*)?\s*"
)

# Spellings battery people write, rewritten into pint's: "°C" -> "degC", "cm2" -> "cm^2", "cm-2" ->
# "cm^-2" (a unit name followed directly by a one- or two-digit exponent), superscripts, a middle dot.
_SYMBOLS = (("°C", "degC"), ("℃", "degC"), ("°F", "degF"), ("°", "deg"), ("·", "*"), ("⋅", "*"))
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_EXPONENT = re.compile(r"\s*([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_BARE_EXPONENT = re.compile(r"(?<=[^\W\d_])([+-]?\d{1,2})(?![\w.^])")


def _normalise(units: str) -> str:
    """The unit part of a quantity in pint's spelling (``"mA cm-2"`` -> ``"mA cm^-2"``)."""
    for symbol, name in _SYMBOLS:
        units = units.replace(symbol, f" {name}" if name.startswith("deg") else name)
    units = _SUPERSCRIPT_EXPONENT.sub(lambda m: "^" + m[1].translate(_SUPERSCRIPTS), units)
    return _BARE_EXPONENT.sub(r"^\1", units)


def _split(text: str) -> tuple[str, str]:
    """``"0.5 mA cm-2"`` -> ``("0.5", "mA cm^-2")``: the number as written and the units normalised
    (``("", text)`` when the text does not start with a number)."""
    number = _NUMBER.match(text)
    if number is None:
        return "", text
    return number[0].strip(), re.sub(r"\s+", " ", _normalise(text[number.end():])).strip()


@cache
def registry() -> pint.UnitRegistry:
    """The one pint registry of the program (with ``mAh`` for areal capacities)."""
    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    ureg.define("mAh = milliampere * hour")
    ureg.define("Ah = ampere * hour")
    return ureg


def to_si(text: str | float | int, dimension: str) -> float:
    """Parse ``text`` (e.g. ``"0.5 mA/cm^2"``, ``"0.5 mA cm-2"``, ``"25 °C"``) and return its value in
    the SI unit of ``dimension``.

    A bare number is accepted only for dimensionless quantities (and fractions). Raises :class:`UnitError`
    with the expected form when the text is malformed or has the wrong dimension.
    """
    if dimension not in SI_UNITS:
        raise KeyError(f"unknown dimension {dimension!r}")
    ureg = registry()
    example = EXAMPLES[dimension]
    if isinstance(text, bool):
        raise UnitError(f"expected a {dimension.replace('_', ' ')} such as {example!r}")
    if isinstance(text, int | float):
        if SI_UNITS[dimension]:
            raise UnitError(f"a bare number has no unit: write it like {example!r}")
        if not math.isfinite(text):
            raise UnitError(f"expected a finite number such as {example!r}")
        return float(text)
    if not isinstance(text, str):
        raise UnitError(f"expected a {dimension.replace('_', ' ')} such as {example!r}")
    number, units = _split(text)
    normalised = f"{number} {units}".strip()
    if not number or not _QUANTITY.fullmatch(normalised):
        raise UnitError(f"cannot read {text!r} as a quantity, write it like {example!r}")
    try:
        quantity = ureg.Quantity(normalised)
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


def format_number(value: float) -> str:
    """A short form of ``value``: ``-73.15``, ``1e9``, ``0.0001``."""
    text = f"{value:.6g}"
    return re.sub(r"e\+?(-?)0*(\d)", r"e\1\2", text)


def describe(value: float, dimension: str, like: str | float | int) -> str:
    """The SI ``value`` of ``dimension`` written in the unit of ``like`` (the user's text), with the SI
    value after it when the units differ: ``describe(200, "temperature", "-300 degC")`` ->
    ``"-73.15 degC (200 K)"``."""
    si_unit = SI_UNITS[dimension]
    si_text = f"{format_number(value)} {si_unit}".strip()
    number, units = _split(like) if isinstance(like, str) else ("", "")
    if not number or not units:
        return si_text
    try:
        converted = float(registry().Quantity(value, si_unit or "dimensionless").to(units).magnitude)
    except Exception:  # noqa: BLE001 - the user's unit did not parse: SI alone
        return si_text
    written = like[_NUMBER.match(like).end():].strip()
    mine = f"{format_number(converted)} {written}"
    return mine if format_number(converted) == format_number(value) else f"{mine} ({si_text})"


#: How a failed bound reads: ``expected at least ...``.
BOUND_WORDS = {"ge": "at least", "gt": "more than", "le": "at most", "lt": "less than"}


def to_si_within(text: str | float | int, dimension: str, **bounds: float) -> float:
    """:func:`to_si`, then the SI bounds ``ge``, ``gt``, ``le``, ``lt``; a value outside them is refused
    with the bound in the user's unit: ``expected at least -73.15 degC (200 K)``."""
    value = to_si(text, dimension)
    tests = {"ge": value.__ge__, "gt": value.__gt__, "le": value.__le__, "lt": value.__lt__}
    for name, bound in bounds.items():
        if not tests[name](bound):
            raise UnitError(f"expected {BOUND_WORDS[name]} {describe(bound, dimension, text)}")
    return value


def close_match(word: object, choices) -> str | None:
    """The choice ``word`` was probably meant to be (difflib, case-insensitive), or None."""
    if not isinstance(word, str) or not word:
        return None
    by_lower = {str(choice).lower(): choice for choice in choices}
    found = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.7)
    return str(by_lower[found[0]]) if found else None


def did_you_mean(word: object, choices, quote: str = "'{}'") -> str:
    """``"; did you mean 'temperature'?"`` when ``word`` is close to one of ``choices``, else ``""``."""
    match = close_match(word, choices)
    return f"; did you mean {quote.format(match)}?" if match is not None else ""


@cache
def si_factor(si_unit: str, unit: str) -> float:
    """The factor that turns a value in ``si_unit`` into ``unit`` (for output columns and tables)."""
    return float(registry().Quantity(1.0, si_unit).to(unit).magnitude)


def si_to(value: float, dimension: str, unit: str) -> float:
    """Convert an SI value of ``dimension`` to ``unit`` (for reports and plots)."""
    ureg = registry()
    return float(ureg.Quantity(value, SI_UNITS[dimension]).to(unit).magnitude)
