"""Ensembles: the members of a sweep over ``voids.seed`` summarised as mean +- sd (issue 22, item 8).

Voids nucleate at random, so one seed is an anecdote. ``phasefield sweep`` over ``voids.seed`` writes,
beside ``sweep.csv``:

``ensemble.csv``
    every numeric column of the members' ``timeseries.csv`` as ``<column>_mean`` and ``<column>_sd`` on a
    common capacity grid, first ``capacity_mAh_per_cm2`` (the grid) and ``members_reached`` (how many
    members reached that capacity; mean and sd are over those). The grid is the union of the members' own
    capacities (points closer than ``GRID_MERGE`` merged), each member linearly interpolated onto it
    within the capacities it reached, never extrapolated. Only the strip at the start of the protocol is
    summarised: a member's rows while its capacity increases (row 0 included); a rest or plating after
    it ends them. Integer columns (``step``, ``gap``, counts) are interpolated like the others, so their
    mean between two of a member's rows is fractional; on the member's own capacities it is exact.
``ensemble.json``
    per member the scalar quantities of :func:`member_summary` and, per quantity, mean, sd and the
    number of members that have it (a member without a rise has no rise capacity, etc.), and the rules.

sd is the sample standard deviation (ddof = 1): undefined (NaN in the CSV, null in the JSON) for one
member; members that agree exactly give mean = their value and sd = 0 exactly.

The scalar rules restate those of ``postprocessing/report.py`` (which phasefield must not import; the
duplication is deliberate and the constants below must follow the report's):

- rise of the overpotential: the first capacity at which the overpotential exceeds both RISE_FACTOR x
  its initial value (row 0) and its initial value + RISE_MIN_V;
- gap: the capacity of the first row with ``gap`` = 1;
- early voids: of the rows with 0 < capacity <= EARLY_CAPACITY (one SEM frame of the seed, 15 min at
  0.5 mA/cm2), the row with the most ``voids_per_100um`` (the first of equals), its count, mean void
  width and capacity. The report takes the same rule over the interface profiles it finds (every
  ``[output] interface_profile_every`` steps); here every row counts, so the largest count can be higher.
"""

import csv
import json
import math
from pathlib import Path

import numpy as np

from phasefield.output.timeseries import read_timeseries

CAPACITY = "capacity_mAh_per_cm2"
#: the parameter whose sweeps are summarised as an ensemble
ENSEMBLE_PARAMETER = "voids.seed"
#: as postprocessing/report.py: the rise is above RISE_FACTOR x and RISE_MIN_V (V) over the initial value
RISE_FACTOR = 2.0
RISE_MIN_V = 0.05
#: mAh/cm2: "early" is up to the first SEM frame (15 min at 0.5 mA/cm2), as postprocessing/report.py
EARLY_CAPACITY = 0.125
#: mAh/cm2: grid points of different members closer than this are one point
GRID_MERGE = 1e-9
#: columns read at the rise (when the run has them)
AT_RISE = ("contact_fraction", "void_volume_share", "effective_void_height_um")


def strip_rows(data: dict[str, list[float]]) -> dict[str, np.ndarray]:
    """The leading rows of a time series while the capacity increases (row 0 always)."""
    capacity = np.asarray(data[CAPACITY], dtype=float)
    end = 1
    while end < capacity.size and capacity[end] > capacity[end - 1]:
        end += 1
    return {key: np.asarray(values, dtype=float)[:end] for key, values in data.items()}


def capacity_grid(capacities: list[np.ndarray]) -> np.ndarray:
    """The sorted union of the members' capacities, points closer than GRID_MERGE merged."""
    union = np.sort(np.concatenate(capacities))
    if union.size == 0:
        return union
    keep = np.concatenate([[True], np.diff(union) > GRID_MERGE])
    return union[keep]


def mean_and_sd(values: np.ndarray, present: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise mean and sample sd of ``values`` (members x points) over the members ``present``
    (a mask; all by default): NaN where none (mean) or fewer than two (sd) are present, or where a
    present value is NaN. Members that agree exactly give their value and sd 0 exactly."""
    values = np.asarray(values, dtype=float)
    present = np.ones(values.shape, dtype=bool) if present is None else present
    mean = np.full(values.shape[1], np.nan)
    sd = np.full(values.shape[1], np.nan)
    for k in range(values.shape[1]):
        column = values[present[:, k], k]
        if column.size == 0:
            continue
        agree = bool(np.all(column == column[0]))
        mean[k] = column[0] if agree else column.mean()
        if column.size > 1:
            sd[k] = 0.0 if agree else column.std(ddof=1)
    return mean, sd


def ensemble_table(members: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """``capacity_mAh_per_cm2``, ``members_reached`` and each column's ``_mean`` and ``_sd`` on the
    common grid (module docstring) from the members' strip rows (:func:`strip_rows`)."""
    grid = capacity_grid([m[CAPACITY] for m in members])
    reached = np.array([(grid >= m[CAPACITY][0] - GRID_MERGE) & (grid <= m[CAPACITY][-1] + GRID_MERGE)
                        for m in members])
    table = {CAPACITY: grid, "members_reached": reached.sum(axis=0).astype(float)}
    for key in (key for key in members[0] if key != CAPACITY and all(key in m for m in members)):
        values = np.array([np.interp(grid, m[CAPACITY], m[key]) for m in members])
        table[f"{key}_mean"], table[f"{key}_sd"] = mean_and_sd(values, reached)
    return table


def rise_capacity(data: dict[str, np.ndarray]) -> float | None:
    """Capacity of the first overpotential above RISE_FACTOR x and RISE_MIN_V over its initial value."""
    eta = data["overpotential_V"]
    over = eta > max(RISE_FACTOR * eta[0], eta[0] + RISE_MIN_V)
    return float(data[CAPACITY][np.argmax(over)]) if over.any() else None


def gap_capacity(data: dict[str, np.ndarray]) -> float | None:
    """Capacity of the first row with ``gap`` = 1."""
    gaps = data["gap"] > 0.5
    return float(data[CAPACITY][np.argmax(gaps)]) if gaps.any() else None


def early_voids(data: dict[str, np.ndarray]) -> dict[str, float | None]:
    """The early row with the most voids (module docstring): count, mean width and its capacity."""
    q = data[CAPACITY]
    early = np.nonzero((q > 0) & (q <= EARLY_CAPACITY * (1 + 1e-9)))[0]
    if early.size == 0:
        return {"early_voids_per_100um": None, "early_mean_void_width_um": None, "early_capacity_mAh_per_cm2": None}
    row = early[np.argmax(data["voids_per_100um"][early])]
    count = float(data["voids_per_100um"][row])
    return {"early_voids_per_100um": count,
            "early_mean_void_width_um": float(data["mean_void_width_um"][row]) if count > 0 else None,
            "early_capacity_mAh_per_cm2": float(q[row])}


def member_summary(data: dict[str, np.ndarray]) -> dict[str, float | None]:
    """The scalar quantities of one member (its strip rows): capacity reached, rise and gap capacities,
    the contact fraction, void volume share and effective void height at the rise, the early voids."""
    rise = rise_capacity(data)
    summary = {"capacity_reached_mAh_per_cm2": float(data[CAPACITY][-1]), "rise_capacity_mAh_per_cm2": rise}
    for key in AT_RISE:
        if key in data:
            value = None if rise is None else float(data[key][np.argmax(data[CAPACITY] >= rise)])
            summary[f"{key}_at_rise"] = value
    summary["gap_capacity_mAh_per_cm2"] = gap_capacity(data) if "gap" in data else None
    if "voids_per_100um" in data:
        summary.update(early_voids(data))
    return summary


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def summarise(values: list[float | None]) -> dict[str, float | int | None]:
    """Mean, sample sd and n of the members' values that exist."""
    present = np.array([v for v in values if v is not None], dtype=float)
    if present.size == 0:
        return {"mean": None, "sd": None, "n": 0}
    mean, sd = mean_and_sd(present[:, None])
    return {"mean": _finite(mean[0]), "sd": _finite(sd[0]), "n": int(present.size)}


def _status(directory: Path) -> str:
    try:
        return json.loads((directory / "run.json").read_text())["status"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return "missing"


def write_ensemble(output: Path, members: list[tuple[str, object, Path]], parameter: str) -> bool:
    """``ensemble.csv`` and ``ensemble.json`` in ``output`` from the members (label, swept value,
    directory) that have a time series with a row; False (nothing written) when none has."""
    series, info, quantities = [], {}, {}
    for label, value, directory in members:
        path = directory / "timeseries.csv"
        data = read_timeseries(path) if path.exists() else {}
        info[label] = {"value": value, "status": _status(directory)}
        if data.get(CAPACITY):
            rows = strip_rows(data)
            series.append(rows)
            scalars = {key: _finite(v) for key, v in member_summary(rows).items()}
            info[label].update(scalars)
            quantities.update(dict.fromkeys(scalars))
    if not series:
        return False
    table = ensemble_table(series)
    with (output / "ensemble.csv").open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(table)
        writer.writerows(zip(*(np.char.mod("%.12e", column) for column in table.values()), strict=True))
    summary = {key: summarise([info[label].get(key) for label in info]) for key in quantities}
    document = {
        "parameter": parameter,
        "members": info,
        "summary": summary,
        "rules": {
            "sd": "sample standard deviation (ddof = 1) over the members that have the quantity",
            "rise_capacity_mAh_per_cm2": f"first capacity with overpotential > max({RISE_FACTOR:g} x initial, "
                                         f"initial + {RISE_MIN_V:g} V) (postprocessing/report.py)",
            "gap_capacity_mAh_per_cm2": "first capacity with gap = 1",
            "early_voids_per_100um": f"largest voids_per_100um of the rows with 0 < capacity <= "
                                     f"{EARLY_CAPACITY:g} mAh/cm2 (first of equals), with that row's mean void "
                                     "width and capacity",
            "ensemble.csv": "members interpolated linearly onto the union of their capacities, within the range "
                            "each reached; the strip at the start of the protocol only",
        },
    }
    (output / "ensemble.json").write_text(json.dumps(document, indent=2) + "\n")
    return True
