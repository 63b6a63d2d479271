"""The seed's measured values that a run's voltage figure draws, chosen by the run's target and conditions.

A run whose case sets ``[meta] target`` gets the measurements of that target that lie on the figure's
axes: where the overpotential rises (a capacity, a range of capacities, or "no rise up to" a capacity) and
the contact loss at the rise. Where the seed measured several conditions, the run's stack pressure (T3,
T4) or stripping current density (T5) picks the entry. Every number comes from the measurement file
(``seed_measurements.py``); this module holds only which entry goes with which target.
"""

import math
from dataclasses import dataclass

from phasefield.output.seed_measurements import Measurement

CAPACITY_UNIT = "mAh/cm^2"


@dataclass(frozen=True)
class RiseMark:
    """Where the seed sees the overpotential rise (mAh/cm2): at ``low`` (= ``high``), within
    [``low``, ``high``], or nowhere up to ``low`` (``high`` = inf)."""

    low: float
    high: float
    label: str


@dataclass(frozen=True)
class ContactLossMark:
    """The contact loss (%) the seed measures at the capacity (mAh/cm2) of the rise."""

    capacity: float
    loss_percent: float
    label: str


@dataclass(frozen=True)
class RunConditions:
    """What picks the measurements of a run: its target ("T1".."T7" or None), the stack pressure (MPa)
    and the current density of its first stripping step (mA/cm2, None without one)."""

    target: str | None
    stack_pressure_MPa: float
    strip_current_mA_per_cm2: float | None


def _capacity(m: Measurement, number: float) -> float:
    return float(m.quantity_of(number).to(CAPACITY_UNIT).magnitude)


def _rise(m: Measurement, condition: str = "") -> RiseMark:
    low, high = (_capacity(m, x) if math.isfinite(x) else x for x in m.bounds)
    what = f"no rise to {m.text}" if m.form == "at_least" else f"rise at {m.text}"
    return RiseMark(low, high, f"measured{condition}: {what} mAh/cm$^2$ ({m.cite})")


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6)


def _pressure_marks(rising: Measurement | None, flat: Measurement | None, window: Measurement,
                    pressure: float) -> list[RiseMark]:
    """A rise within the window at a pressure of ``rising``, none up to its end at one of ``flat``."""
    condition = f" at {pressure:g} MPa"
    if rising is not None and any(_same(pressure, p) for p in rising.number):
        return [RiseMark(0.0, _capacity(window, window.value),
                         f"measured{condition}: rise within {window.text} mAh/cm$^2$ ({rising.cite})")]
    if flat is not None and any(_same(pressure, p) for p in flat.number):
        return [RiseMark(_capacity(window, window.value), math.inf,
                         f"measured{condition}: no rise to {window.text} mAh/cm$^2$ ({flat.cite})")]
    return []


def seed_marks(run: RunConditions, seed: dict[str, Measurement]) -> list[RiseMark | ContactLossMark]:
    """The measurements of ``seed`` (entries by key) that the figure of ``run`` draws; [] for a run without
    a target or with one whose measurements lie off the figure's axes (T6, T7)."""
    if run.target in ("T1", "T2"):
        rise = seed[f"{run.target.lower()}.rise_capacity"]
        marks: list[RiseMark | ContactLossMark] = [_rise(rise)]
        loss = seed.get(f"{run.target.lower()}.contact_loss_at_rise")
        if loss is not None and rise.form == "value":
            marks.append(ContactLossMark(_capacity(rise, rise.value), loss.to("percent"),
                                         f"measured: {loss.text}% contact loss at the rise ({loss.cite})"))
        return marks
    if run.target == "T3":
        return _pressure_marks(seed["t3.rise_pressures"], seed["t3.flat_pressures"], seed["t3.flat_to"],
                               run.stack_pressure_MPa)
    if run.target == "T4":
        return _pressure_marks(None, seed["t4.pressures"], seed["t4.flat_to"], run.stack_pressure_MPa)
    if run.target == "T5" and run.strip_current_mA_per_cm2 is not None:
        return [_rise(m, f" at {m.extra['current_density_mA_per_cm2']:g} mA/cm$^2$")
                for m in (seed["t5.rise_capacity_fast"], seed["t5.rise_capacity_slow"])
                if _same(m.extra["current_density_mA_per_cm2"], run.strip_current_mA_per_cm2)]
    return []
