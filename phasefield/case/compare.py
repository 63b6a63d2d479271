"""Which keys two resolved cases differ in: a restart must continue the case its results were made with."""

from typing import Any

from phasefield.case.loader import ResolvedCase

#: what a restart may change: raising max_steps continues a run that stopped on it, and what is written
#: (``[output]``) does not change the solution; so does the description (``[meta]``)
MAY_CHANGE = ("[time] max_steps", "[output]", "[meta]")


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}." if prefix else f"[{key}] "))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _content(resolved: ResolvedCase) -> dict[str, Any]:
    """Every validated value (SI) by ``[table] key``, with the parameters used (values and set names,
    not their source texts, which name the file they were read from)."""
    dump = resolved.case.model_dump(mode="json")
    dump["protocol"]["steps"] = [step["text"] for step in dump["protocol"]["steps"]]
    content = _flatten(dump)
    for role, parameters in resolved.materials.items():
        content[f"[{role}] set"] = parameters.name
        content.update({f"[{role}] {key}": p.si for key, p in parameters.parameters.items()})
    for section, settings in resolved.extensions.items():
        content.update(_flatten({section: settings.model_dump(mode="json")}))
    return {key: value for key, value in content.items() if not key.startswith(MAY_CHANGE)}


def differences(case: ResolvedCase, reference: ResolvedCase) -> list[str]:
    """``[table] key (value in case vs in reference)`` for every key whose value differs (SI values)."""
    a, b = _content(case), _content(reference)
    return [f"{key} ({a.get(key, 'absent')!r} vs {b.get(key, 'absent')!r})"
            for key in sorted(a.keys() | b.keys()) if a.get(key) != b.get(key)]
