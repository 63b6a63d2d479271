"""Parameter sweeps: a case file with a ``[sweep]`` table stands for one case per value.

.. code-block:: toml

    [sweep]
    parameter = "cell.stack_pressure"
    values = ["0.2 MPa", "1 MPa", "1.5 MPa", "7 MPa"]

Each member is the case with that value set (and the ``[sweep]`` table removed), validated like any
case file before anything runs; a bad value is reported as ``[sweep] values[i]``.
"""

import copy
import re
from dataclasses import dataclass

import tomli_w

from phasefield.case.loader import CaseError, ResolvedCase, resolve


@dataclass(frozen=True)
class SweepMember:
    """One member: its directory name, the swept value as written, and its case."""

    label: str
    value: str | float | int
    resolved: ResolvedCase

    def toml(self) -> str:
        """The member's case file (the sweep's case with the value in place)."""
        return tomli_w.dumps(self.resolved.raw)


def member_label(key: str, value: str | float | int) -> str:
    """A directory name for ``key = value``: ``stack_pressure_0p2MPa``."""
    text = str(value).replace("/", "_per_").replace(".", "p").replace(" ", "")
    return f"{key}_{re.sub(r'[^A-Za-z0-9_+-]', '', text)}"


def sweep_members(resolved: ResolvedCase, allow_unused: bool = False) -> list[SweepMember]:
    """The validated members of a sweep case (raises :class:`CaseError` for a bad value)."""
    sweep = resolved.case.sweep
    if sweep is None:
        raise CaseError(resolved.path, "[sweep]", "this case has no [sweep] table; run it with `phasefield run`")
    table, key = sweep.parameter.split(".")
    if not isinstance(resolved.raw.get(table, {}), dict):
        raise CaseError(resolved.path, "[sweep] parameter", f"[{table}] is not a table", sweep.parameter)
    labels = [member_label(key, value) for value in sweep.values]
    if len(set(labels)) != len(labels):
        raise CaseError(resolved.path, "[sweep] values", "values must differ", sweep.values)
    members = []
    for index, (label, value) in enumerate(zip(labels, sweep.values, strict=True)):
        raw = copy.deepcopy(resolved.raw)
        raw.pop("sweep")
        raw.setdefault(table, {})[key] = value
        raw["meta"]["description"] = f"{raw['meta']['description']} [{key} = {value}]"
        try:
            member = resolve(resolved.path, raw, allow_unused)
        except CaseError as err:
            inner = err.message if err.key == f"[{table}] {key}" else f"{err.key}: {err.message}"
            got = "" if err.given is None or err.given == value else f" (got {err.given!r})"
            raise CaseError(resolved.path, f"[sweep] values[{index}]", f"as [{table}] {key}: {inner}{got}",
                            value) from None
        members.append(SweepMember(label, value, member))
    return members
