"""Overrides of a case's keys: ``phasefield run CASE --set cell.stack_pressure="1 MPa"`` and the Python API's
``overrides={"cell.stack_pressure": "1 MPa"}``.

An override names a key by its dotted path (``table.key``; ``metal.exchange_current_density`` for a
parameter of a set) and gives the value as the case file would. It is put into the TOML document before
validation, so it is checked exactly like the file; an error at an overridden key names the override
(``case.toml: --set cell.stack_pressure: expected ... (got '1 kg')``).
"""

import copy
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from phasefield.case.loader import MATERIAL_ROLES, CaseError, ResolvedCase, key_path

#: a dotted key: a table and at least one key below it
DOTTED_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+$")
EXAMPLE = 'cell.stack_pressure="1 MPa"'


def toml_value(text: str) -> Any:
    """``text`` read as a TOML value when it is one (``100``, ``1.5``, ``true``, ``"1 MPa"``, ``["a", "b"]``),
    else the text itself (``1 MPa``, ``phase_field``): a shell has already removed the quotes."""
    try:
        document = tomllib.loads(f"value = {text}")
    except tomllib.TOMLDecodeError:
        return text
    return document["value"] if len(document) == 1 else text


@dataclass(frozen=True)
class Overrides:
    """``values`` by dotted key, and where they were given (``origin``: ``--set``, or ``overrides`` in Python)."""

    values: dict[str, Any]
    origin: str = "--set"

    @classmethod
    def parse(cls, assignments: Iterable[str], path: Path) -> "Overrides":
        """From ``--set`` texts ``TABLE.KEY=VALUE`` (the value read by :func:`toml_value`; a later one of the
        same key wins); raises :class:`CaseError` for a text that is no assignment."""
        values = {}
        for text in assignments:
            name, equals, value = text.partition("=")
            if not equals or not DOTTED_KEY.match(name.strip()):
                raise CaseError(path, f"--set {text}", f"expected TABLE.KEY=VALUE, e.g. --set {EXAMPLE}")
            values[name.strip()] = toml_value(value.strip())
        return cls(values)

    def apply(self, path: Path, raw: dict[str, Any]) -> dict[str, Any]:
        """A copy of the TOML document ``raw`` (read from ``path``) with every value in place; a missing
        table is created, a key that is not inside a table is refused."""
        document = copy.deepcopy(raw)
        for name, value in self.values.items():
            if not isinstance(name, str) or not DOTTED_KEY.match(name):
                raise CaseError(path, f"{self.origin} {name}", f"expected a dotted key TABLE.KEY, e.g. {EXAMPLE}")
            *tables, key = name.split(".")
            table = document
            for depth, part in enumerate(tables):
                table = table.setdefault(part, {})
                if not isinstance(table, dict):
                    raise CaseError(path, f"{self.origin} {name}",
                                    f"{key_path(tuple(tables[:depth + 1]))} is a value, not a table", table)
            table[key] = copy.deepcopy(value)
        return document

    def blame(self, error: CaseError) -> CaseError:
        """``error`` as the override's own when it is at an overridden key (or inside it, or about the
        overridden key's table as a whole); otherwise ``error`` with the overrides named after its key
        (an override may have made another key wrong: ``[contact] void_count (with --set contact.model)``)."""
        for name in self.values:
            own, table = key_path(tuple(name.split("."))), key_path((name.split(".")[0],))
            if error.key == own or error.key.startswith((f"{own}[", f"{own}.")):
                return CaseError(error.path, f"{self.origin} {name}", error.message, error.given)
            if error.key == table:
                return CaseError(error.path, f"{self.origin} {name}", f"{table}: {error.message}", error.given)
        named = ", ".join(f"{self.origin} {name}" for name in self.values)
        return CaseError(error.path, f"{error.key} (with {named})", error.message, error.given)

    def record(self, resolved: ResolvedCase) -> ResolvedCase:
        """``resolved`` (validated with these overrides in place) holding them, each overridden parameter of a
        set with the override as its source (``--set metal.exchange_current_density``)."""
        materials = dict(resolved.materials)
        for name in self.values:
            role, _, key = name.partition(".")
            if role in MATERIAL_ROLES and key in materials[role].parameters:
                parameters = materials[role].parameters
                source = replace(parameters[key], source=f"{self.origin} {name}")
                materials[role] = replace(materials[role], parameters={**parameters, key: source})
        return replace(resolved, materials=materials, overrides=dict(self.values))
