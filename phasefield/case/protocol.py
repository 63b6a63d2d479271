"""Protocol steps written in the user's words, PyBaMM style.

Grammar (case-insensitive), one string per entry of ``[protocol] steps``::

    Strip at <current density> until <limit> [or <limit> ...]
    Plate at <current density> until <limit> [or <limit> ...]
    Strip at <current density> for <time> [or until <limit> ...]
    Rest for <time> [or until ...]
    Hold at <overpotential> until <current density> [or <limit> ...]
    Hold at <overpotential> for <time> [or until <current density>]
    Repeat <n> times: <step>, <step>, ...

and after its limits a step may set its own conditions: ``at <temperature>`` (``at 60 degC``) and
``under <stack pressure>`` (``under 1 MPa``); a step without them runs at those of ``[cell]``.

A ``<limit>`` is an areal capacity (``4 mAh/cm^2``), a time (``2 h``), ``overpotential <voltage>``
(the magnitude of the cell voltage minus its open-circuit value) or ``voltage <voltage>`` (the cell
voltage, reached from below when stripping and from above when plating). Stripping and plating
steps need a capacity or a time limit so that every protocol ends.

A hold fixes the working-electrode overpotential Phi_m - U_bulk (positive: the stripping side) and the
current is the solve's answer; it ends on a current density (``until 0.01 mA/cm^2``: the magnitude of
the mean interface current density at or below it), a time or a capacity, not on a voltage.

A repeat expands into its steps, ``n`` times over, in place (no nested repeats); the protocol holds at
most ``MAX_STEPS`` steps once expanded.
"""

import dataclasses
import difflib
import re
from dataclasses import dataclass

from phasefield.units import UnitError, close_match, to_si, to_si_within

_STEP = re.compile(
    r"^\s*(?P<kind>strip|plate|rest|hold)\s*(?:at\s+(?P<setpoint>.+?))?\s*"
    r"(?:(?P<keyword>until|for)\s+(?P<limits>.+?))?\s*$",
    re.IGNORECASE,
)
_REPEAT = re.compile(r"^\s*repeat\s+(?P<count>\S+)\s+times?\s*:(?P<steps>.*)$", re.IGNORECASE | re.DOTALL)
#: the most steps a protocol holds once its repeats are expanded
MAX_STEPS = 10_000
#: the SI bounds of a temperature and of a stack pressure, in ``[cell]`` as in a step
TEMPERATURE_BOUNDS = {"ge": 200.0, "le": 500.0}
PRESSURE_BOUNDS = {"ge": 0.0, "le": 1.0e9}
#: the largest overpotential magnitude a hold takes (V): a bound against unit slips ('50 V' for '50 mV'),
#: beyond the overpotential cut-offs of the cases (0.5-1 V), not a physical parameter
MAX_HELD_OVERPOTENTIAL = 1.0
#: a step's conditions: the word before the value -> (field, dimension, bounds)
CONDITIONS = {"at": ("temperature", "temperature", TEMPERATURE_BOUNDS),
              "under": ("stack_pressure", "pressure", PRESSURE_BOUNDS)}


@dataclass(frozen=True)
class ProtocolStep:
    """One step of the protocol, SI units. ``current_density`` is positive for stripping; a hold applies
    none (0.0 here: its current is the answer of the solve) and holds ``held_overpotential``."""

    text: str
    kind: str
    current_density: float
    capacity_limit: float | None = None
    time_limit: float | None = None
    overpotential_limit: float | None = None
    voltage_limit: float | None = None
    #: the overpotential Phi_m - U_bulk (V, > 0 strips) a hold fixes; None: the step applies its current
    held_overpotential: float | None = None
    #: a hold ends when the magnitude of its mean current density (A/m^2) falls to this
    current_limit: float | None = None
    #: the step's own temperature (K) and stack pressure (Pa); None: those of ``[cell]``
    temperature: float | None = None
    stack_pressure: float | None = None
    #: the index of the ``[protocol] steps`` entry it comes from (a repeat gives several steps one entry)
    entry: int = 0


@dataclass(frozen=True)
class Repeat:
    """``Repeat <count> times: <step>, <step>, ...``: ``steps``, ``count`` times over."""

    text: str
    count: int
    steps: tuple[ProtocolStep, ...]


class ProtocolError(ValueError):
    """A protocol step could not be read."""


VERBS = ("Strip", "Plate", "Rest", "Hold")
REPEAT = "Repeat"
#: The words of the grammar after the verb, for "did you mean" on a misspelt one.
KEYWORDS = ("at", "until", "for", "or", "overpotential", "voltage", "under")


def _hint(text: str) -> str:
    """``; did you mean 'Strip'?`` for a misspelt verb, or ``'until'`` for a misspelt keyword."""
    words = text.split()
    if words and words[0].lower() not in {verb.lower() for verb in VERBS}:
        verb = close_match(words[0], (*VERBS, REPEAT))
        if verb is not None:
            return f"; did you mean {verb!r} for {words[0]!r}?"
        return f"; a step starts with {', '.join(VERBS[:-1])} or {VERBS[-1]}"
    for word in words[1:]:
        if len(word) >= 3 and word.isalpha() and word.lower() not in KEYWORDS:
            keyword = difflib.get_close_matches(word.lower(), KEYWORDS, n=1, cutoff=0.75)
            if keyword:
                return f"; did you mean {keyword[0]!r} for {word!r}?"
    return ""


def _parse_limit(text: str, hold: bool) -> tuple[str, float]:
    """``(field, SI value)`` of one limit; a current density is a limit of a hold only."""
    words = text.strip().split(maxsplit=1)
    if words and words[0].lower() in ("overpotential", "voltage") and len(words) == 2:
        return f"{words[0].lower()}_limit", to_si(words[1], "voltage")
    readable = (("areal_capacity", "capacity_limit"), ("time", "time_limit"))
    for dimension, name in (*readable, ("current_density", "current_limit")) if hold else readable:
        try:
            return name, to_si(text, dimension)
        except UnitError:
            continue
    expected = ("a current density ('0.01 mA/cm^2'), a time ('2 h') or a capacity ('4 mAh/cm^2')" if hold else
                "a capacity ('4 mAh/cm^2'), a time ('2 h'), 'overpotential 0.5 V' or 'voltage -0.1 V'")
    raise ProtocolError(f"cannot read the limit {text.strip()!r}: expected {expected}{_hint('Rest ' + text)}")



def _split_conditions(text: str) -> tuple[str, dict[str, float]]:
    """``Strip ... until 1 mAh/cm2 at 60 degC under 1 MPa`` -> (``Strip ... until 1 mAh/cm2``,
    {temperature: 333.15, stack_pressure: 1e6}): the conditions after the limits, in SI."""
    limit = re.search(r"\s(?:until|for)\s", text, re.IGNORECASE)
    if limit is None:
        return text, {}
    limits, *written = re.split(r"\s+(?=(?:at|under)\s)", text[limit.end():], flags=re.IGNORECASE)
    conditions: dict[str, float] = {}
    for condition in written:
        word, value = condition.split(maxsplit=1)
        name, dimension, bounds = CONDITIONS[word.lower()]
        if name in conditions:
            raise ProtocolError(f"two {name.replace('_', ' ')}s in {text!r}")
        try:
            to_si(value, dimension)
        except UnitError as err:
            raise ProtocolError(f"in step {text!r}: {err}; 'at' takes a temperature ('at 60 degC') and 'under' a "
                                f"stack pressure ('under 1 MPa')") from None
        try:
            conditions[name] = to_si_within(value, dimension, **bounds)
        except UnitError as err:
            raise ProtocolError(f"the {name.replace('_', ' ')} of step {text!r}: {err}") from None
    return text[:limit.end()] + limits, conditions


def _setpoint(kind: str, value: str | None, text: str) -> tuple[float, float | None]:
    """The applied current density (A/m^2, > 0 strips) and the held overpotential (V, a hold's only) of
    a step of ``kind`` written ``<kind> at <value>``."""
    if kind == "rest":
        if value:
            raise ProtocolError(f"a rest step has no current: {text!r}")
        return 0.0, None
    if not value:
        wanted = "an overpotential ('Hold at 50 mV')" if kind == "hold" else "'at <current density>'"
        raise ProtocolError(f"a {kind} step needs {wanted}: {text!r}")
    dimension = "voltage" if kind == "hold" else "current_density"
    try:
        setpoint = to_si(value, dimension)
    except UnitError as err:
        raise ProtocolError(f"in step {text!r}: {err}{_hint(text)}") from err
    if kind == "hold":
        if abs(setpoint) > MAX_HELD_OVERPOTENTIAL:
            raise ProtocolError(f"a hold takes an overpotential within +-{MAX_HELD_OVERPOTENTIAL:g} V "
                                f"(Phi_m - U_bulk, > 0 strips), got {value!r} in {text!r}")
        return 0.0, setpoint
    if setpoint <= 0:
        raise ProtocolError(f"the current density must be positive in {text!r}")
    return (setpoint if kind == "strip" else -setpoint), None


def _limits(keyword: str, written: str, kind: str, text: str) -> dict[str, float]:
    """The limits after ``until`` or ``for``, by field; after the first, a limit may say ``until`` again
    (``for 1 h or until 0.01 mA/cm^2``)."""
    limits: dict[str, float] = {}
    for index, part in enumerate(re.split(r"\s+or\s+", written, flags=re.IGNORECASE)):
        until = index > 0 and re.match(r"until\s+", part, re.IGNORECASE)
        name, value = _parse_limit(part[until.end():] if until else part, kind == "hold")
        if keyword.lower() == "for" and name != "time_limit" and not until:
            raise ProtocolError(f"'for' takes a time in {text!r}; use 'until' for other limits")
        if name in limits:
            raise ProtocolError(f"two {name.split('_')[0]} limits in {text!r}")
        limits[name] = value
    for name in ("capacity_limit", "time_limit", "overpotential_limit", "current_limit"):
        if name in limits and limits[name] <= 0:
            raise ProtocolError(f"the {name.split('_')[0]} limit must be positive in {text!r}")
    if kind == "hold":
        if "overpotential_limit" in limits or "voltage_limit" in limits:
            raise ProtocolError(f"a hold fixes the overpotential: it ends on a current ('until 0.01 mA/cm^2'), "
                                f"a time or a capacity, not on a voltage: {text!r}")
    elif "capacity_limit" not in limits and "time_limit" not in limits:
        raise ProtocolError(f"the step {text!r} needs a capacity or time limit so that it always ends")
    if kind == "rest" and "capacity_limit" in limits:
        raise ProtocolError(f"a rest step cannot end on a capacity: {text!r}")
    return limits


def parse_step(text: str) -> ProtocolStep:
    """Read one protocol step; raises :class:`ProtocolError` with the expected form."""
    body, conditions = _split_conditions(text) if isinstance(text, str) and _STEP.match(text) else (text, {})
    match = _STEP.match(body) if isinstance(body, str) else None
    if match is None:
        hint = _hint(text) if isinstance(text, str) else ""
        raise ProtocolError(
            f"cannot read the step {text!r}: expected 'Strip at 0.5 mA/cm^2 until 4 mAh/cm^2', "
            f"'Plate at ... until ...', 'Rest for 1 h', 'Hold at 50 mV until 0.01 mA/cm^2' or "
            f"'{REPEAT} 3 times: <step>, <step>'{hint}"
        )
    kind = match["kind"].lower()
    current, held = _setpoint(kind, match["setpoint"], text)
    if not match["limits"]:
        raise ProtocolError(f"the step {text!r} never ends: add 'until <limit>' or 'for <time>'")
    limits = _limits(match["keyword"], match["limits"], kind, text)
    return ProtocolStep(text=text.strip(), kind=kind, current_density=current, held_overpotential=held,
                        **limits, **conditions)



def parse_repeat(text: str) -> Repeat:
    """Read ``Repeat <n> times: <step>, <step>, ...``; raises :class:`ProtocolError`."""
    match = _REPEAT.match(text)
    if match is None:
        raise ProtocolError(f"cannot read the repeat {text!r}: expected 'Repeat 3 times: <step>, <step>'")
    count = match["count"]
    if not count.isdigit() or int(count) < 1:
        raise ProtocolError(f"the repeat count must be a whole number of at least 1, got {count!r} in {text!r}")
    parts = [part.strip() for part in match["steps"].split(",")]
    if not any(parts):
        raise ProtocolError(f"the repeat {text!r} has no steps after the colon")
    steps = []
    for number, part in enumerate(parts, start=1):
        if not part:
            raise ProtocolError(f"step {number} of the repeat {text!r} is empty (two commas in a row?)")
        if part.lower().startswith(REPEAT.lower() + " "):
            raise ProtocolError(f"a repeat cannot hold another repeat: {text!r}; write the inner steps out")
        try:
            steps.append(parse_step(part))
        except ProtocolError as err:
            raise ProtocolError(f"step {number} of the repeat {text!r}: {err}") from None
    return Repeat(text.strip(), int(count), tuple(steps))


def parse_entry(text: str) -> ProtocolStep | Repeat:
    """One entry of ``[protocol] steps``: a step, or a repeat of steps."""
    if isinstance(text, str) and text.strip().lower().startswith(REPEAT.lower()):
        return parse_repeat(text)
    return parse_step(text)


def expand(entries: list[ProtocolStep | Repeat]) -> list[ProtocolStep]:
    """The protocol's steps in order, each repeat written out, each step marked with its entry index;
    raises :class:`ProtocolError` beyond ``MAX_STEPS`` steps."""
    total = sum(entry.count * len(entry.steps) if isinstance(entry, Repeat) else 1 for entry in entries)
    if total > MAX_STEPS:
        raise ProtocolError(f"the protocol expands to {total:,} steps with its repeats, more than the "
                            f"{MAX_STEPS:,} a run takes; repeat fewer times")
    steps = []
    for index, entry in enumerate(entries):
        for step in entry.steps * entry.count if isinstance(entry, Repeat) else (entry,):
            steps.append(dataclasses.replace(step, entry=index))
    return steps
