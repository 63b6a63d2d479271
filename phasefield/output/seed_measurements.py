"""The seed paper's measured values: the format of ``postprocessing/seed_measurements.toml`` and its loader.

Every entry carries its number(s), unit, source in the seed (figure/panel and text passage), standing
("measured", "read off a figure", "stated in the text") and target (T1-T7); see the file's header for
the keys. ``load(path)`` checks all of that and returns the entries by key (``"t1.rise_capacity"``).
Numbers stay in the units the file gives them in; ``Measurement.to`` converts with pint. ``REPOSITORY_FILE``
is the file of a source checkout (an editable install); it is absent from an installed wheel. No DOLFINx:
the run's figures and ``postprocessing/`` both read it.
"""

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pint

REPOSITORY_FILE = Path(__file__).resolve().parents[2] / "postprocessing" / "seed_measurements.toml"

STANDINGS = ("measured", "read off a figure", "stated in the text")
TARGETS = tuple(f"T{k}" for k in range(1, 8))
FORMS = ("value", "range", "at_least", "values")  # exactly one of these per entry
KEYS = {"target", "quantity", "unit", "cite", "source", "standing", "sd", "approx", *FORMS}
UREG = pint.UnitRegistry()


class SeedMeasurementError(ValueError):
    """An entry of the file lacks a key, has two forms of value, or a unit pint does not read."""


Number = int | float


@dataclass(frozen=True)
class Measurement:
    """One measured quantity of the seed, as the file writes it."""

    key: str
    targets: tuple[str, ...]
    quantity: str
    form: str  # one of FORMS
    number: Number | tuple[Number, ...]  # a number (value, at_least) or a tuple (range, values)
    unit: str
    cite: str
    source: str
    standing: str
    sd: Number | None = None
    approx: bool = False
    extra: dict = field(default_factory=dict)  # further keys of the entry (e.g. temperature_C)

    @property
    def value(self) -> Number:
        """The number of a value or lower-bound entry."""
        if self.form not in ("value", "at_least"):
            raise TypeError(f"{self.key} is a {self.form}, not a single number")
        return self.number

    @property
    def low(self) -> Number:
        return self.number[0] if self.form in ("range", "values") else self.number

    @property
    def high(self) -> Number:
        """Upper end; a lower bound has none (inf)."""
        if self.form == "at_least":
            return math.inf
        return self.number[-1] if self.form in ("range", "values") else self.number

    @property
    def bounds(self) -> tuple[float, float]:
        """(low, high) a prediction is compared with: a point, a range or a lower bound (high = inf)."""
        if self.form == "values":
            raise TypeError(f"{self.key} is a list of points, not one span")
        return self.low, self.high

    @property
    def text(self) -> str:
        """The number as the seed writes it: "~1", "16-18", "2.2 +- 1.3", "0.625, 1, 2.375"."""
        if self.form == "range":
            return f"{self.number[0]}-{self.number[1]}"
        if self.form == "values":
            return ", ".join(str(v) for v in self.number)
        text = f"{'~' if self.approx else ''}{self.number}"
        return text if self.sd is None else f"{text} +- {self.sd}"

    def quantity_of(self, number: Number) -> pint.Quantity:
        return number * UREG.parse_expression(self.unit)

    def to(self, unit: str) -> float:
        """The single number (value or lower bound) converted to ``unit``."""
        return float(self.quantity_of(self.value).to(UREG.parse_expression(unit)).magnitude)


def _entry(key: str, table: dict) -> Measurement:
    missing = [name for name in ("target", "quantity", "unit", "cite", "source", "standing") if not table.get(name)]
    if missing:
        raise SeedMeasurementError(f"{key}: no {', '.join(missing)}")
    forms = [name for name in FORMS if name in table]
    if len(forms) != 1:
        raise SeedMeasurementError(f"{key}: needs exactly one of {', '.join(FORMS)}, has {forms or 'none'}")
    form = forms[0]
    number = table[form]
    if form in ("range", "values"):
        if not isinstance(number, list) or not number or not all(_is_number(v) for v in number):
            raise SeedMeasurementError(f"{key}: {form} must be a list of numbers, got {number!r}")
        if form == "range" and (len(number) != 2 or number[0] >= number[1]):
            raise SeedMeasurementError(f"{key}: range must be [low, high] with low < high, got {number!r}")
        number = tuple(number)
    elif not _is_number(number):
        raise SeedMeasurementError(f"{key}: {form} must be a number, got {number!r}")
    if "sd" in table and (form != "value" or not _is_number(table["sd"])):
        raise SeedMeasurementError(f"{key}: sd goes with a value and must be a number")
    targets = (table["target"],) if isinstance(table["target"], str) else tuple(table["target"])
    if not targets or any(t not in TARGETS for t in targets):
        raise SeedMeasurementError(f"{key}: target must be one of {', '.join(TARGETS)}, got {table['target']!r}")
    if table["standing"] not in STANDINGS:
        raise SeedMeasurementError(f"{key}: standing must be one of {STANDINGS}, got {table['standing']!r}")
    try:
        UREG.parse_expression(table["unit"])
    except Exception as err:  # pint raises several unrelated types for a malformed expression
        raise SeedMeasurementError(f"{key}: unit {table['unit']!r} does not parse: {err}") from err
    return Measurement(key, targets, table["quantity"], form, number, table["unit"], table["cite"], table["source"],
                       table["standing"], table.get("sd"), bool(table.get("approx", False)),
                       {name: v for name, v in table.items() if name not in KEYS})


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def load(path: Path) -> dict[str, Measurement]:
    """Every entry of the file by ``group.name``; raises SeedMeasurementError for a malformed one."""
    data = tomllib.loads(Path(path).read_text())
    entries = {}
    for group, tables in data.items():
        if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
            raise SeedMeasurementError(f"[{group}]: expected tables [{group}.name], one per quantity")
        for name, table in tables.items():
            entries[f"{group}.{name}"] = _entry(f"{group}.{name}", table)
    return entries
