"""Read a case file: TOML -> validated :class:`ResolvedCase` with SI values and parameter sources.

Every user error becomes a :class:`CaseError` whose message names the file, the key, what was
expected and what was given, in one line.
"""

import copy
import re
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from phasefield.case.schema import Case
from phasefield.parameters import ParameterSet, ParameterSetError, resolve_parameter_set
from phasefield.submodels import registry
from phasefield.units import UnitError, did_you_mean, format_number

if typing.TYPE_CHECKING:
    from phasefield.case.overrides import Overrides

MATERIAL_ROLES = ("metal", "electrolyte", "counter_electrode")
DEFAULT_SETS = {"metal": "Li", "electrolyte": "Li6PS5Cl", "counter_electrode": "In-InLi"}


class CaseError(ValueError):
    """A user error in a case file; ``str()`` is the one-line message to show."""

    def __init__(self, path: Path, key: str, message: str, given: Any = None):
        self.path, self.key, self.message, self.given = path, key, message, given
        got = "" if given is None else f" (got {given!r})"
        super().__init__(f"{path}: {key}: {message}{got}")


@dataclass(frozen=True)
class ResolvedCase:
    """A validated case: the schema values (SI), the parameter sets, the text it came from (overrides in
    place), the settings of the extension sections (those that registered sub-models bring, by section)
    and the overrides given with it (``--set``, by dotted key)."""

    path: Path
    case: Case
    materials: dict[str, ParameterSet]
    raw: dict[str, Any]
    extensions: dict[str, BaseModel] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)

    def parameters(self, role: str) -> dict[str, float]:
        """SI values of the parameter set of ``role`` (``metal``, ``electrolyte``, ...)."""
        return self.materials[role].si()


def _read_toml(path: Path, key: str) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise CaseError(path, key, "file not found") from None
    except tomllib.TOMLDecodeError as err:
        raise CaseError(path, key, f"malformed TOML: {err}") from None
    except (OSError, ValueError) as err:  # a directory, no permission, not UTF-8, a bad name
        raise CaseError(path, key, f"cannot read: {err}") from None


def key_path(loc: tuple) -> str:
    """``('protocol', 'steps', 0)`` -> ``'[protocol] steps[0]'``."""
    if not loc:
        return "(top level)"
    table, *rest = loc
    key = ""
    for part in rest:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return f"[{table}] {key}".rstrip()


#: pydantic's bound errors, as the case file's range errors read (``expected at least 1``).
_BOUNDS = {"greater_than": ("gt", "more than"), "greater_than_equal": ("ge", "at least"),
           "less_than": ("lt", "less than"), "less_than_equal": ("le", "at most")}


def _message(error: dict) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind in _BOUNDS:
        name, words = _BOUNDS[kind]
        bound = error.get("ctx", {}).get(name, "")
        return f"expected {words} {format_number(bound) if isinstance(bound, int | float) else bound}".rstrip()
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        return f"expected one of {expected}{did_you_mean(error.get('input'), choices)}"
    message = error["msg"].removeprefix("Value error, ")
    if kind == "value_error":
        return message
    for prefix in ("Input should be ", "List should have ", "Input should have "):
        if message.startswith(prefix):
            return "expected " + message.removeprefix(prefix)
    return f"expected {message[0].lower()}{message[1:]}"


def _unwrap_model(annotation) -> type[BaseModel] | None:
    """The pydantic model inside ``annotation`` (``Sweep | None`` -> ``Sweep``), or None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        if (model := _unwrap_model(argument)) is not None:
            return model
    return None


def _unknown_key(loc: tuple, given: Any) -> str:
    """``unknown key; did you mean 'temperature'?`` for the key at ``loc``, with the table's keys when
    nothing is close."""
    extensions = {name: schema for name, schema in registry.section_schemas().items() if name not in Case.model_fields}
    if len(loc) == 1:  # a table (or a stray key) at the top level
        tables = [*Case.model_fields, *sorted(extensions)]
        hint = did_you_mean(loc[0], tables, quote="[{}]")
        what = "no such table" if isinstance(given, dict) else "not inside a table"
        return f"unknown key ({what}){hint or '; the tables are ' + ', '.join(f'[{t}]' for t in tables)}"
    model = _unwrap_model(Case.model_fields[loc[0]].annotation) if loc[0] in Case.model_fields \
        else extensions.get(loc[0])
    for part in loc[1:-1]:
        field = model.model_fields.get(part) if model is not None else None
        model = _unwrap_model(field.annotation) if field is not None else None
    if model is None:
        return "unknown key"
    keys = list(model.model_fields)
    return f"unknown key{did_you_mean(loc[-1], keys) or '; expected one of ' + ', '.join(keys)}"


def _include_mesh(path: Path, raw: dict[str, Any]) -> None:
    mesh = raw.get("mesh")
    if not isinstance(mesh, dict) or "include" not in mesh:
        return
    include = mesh.pop("include")
    if not isinstance(include, str):
        raise CaseError(path, "[mesh] include", "expected a path to a mesh TOML file", include)
    included = _read_toml(path.parent / include, "[mesh] include")
    table = included.get("mesh", included)
    if not isinstance(table, dict):
        raise CaseError(path.parent / include, "[mesh]", "expected a [mesh] table", table)
    raw["mesh"] = {**table, **mesh}


def _anchor_set_files(path: Path, raw: dict[str, Any]) -> None:
    """Set files (``[metal] set = "my_li.toml"``) named relative to the case file ``path``, made absolute in
    ``raw``: the copies of the case written with its results (case.toml, sweep members) read the same files."""
    for role in MATERIAL_ROLES:
        table = raw.get(role)
        name = table.get("set") if isinstance(table, dict) else None
        if isinstance(name, str) and name.endswith(".toml"):
            table["set"] = str((path.parent / name).resolve())


def _anchor_interface_profile(path: Path, raw: dict[str, Any]) -> None:
    """``[mesh] interface_profile`` named relative to the case file ``path``, made absolute in ``raw``."""
    mesh = raw.get("mesh")
    name = mesh.get("interface_profile") if isinstance(mesh, dict) else None
    if isinstance(name, str):
        mesh["interface_profile"] = str((path.parent / name).resolve())


def _materials(path: Path, case: Case) -> dict[str, ParameterSet]:
    sets = {}
    for role in MATERIAL_ROLES:
        table = dict(getattr(case, role))
        name = table.pop("set", DEFAULT_SETS[role])
        try:
            base = resolve_parameter_set(str(name), role, path.parent)
        except KeyError as err:
            raise CaseError(path, f"[{role}] set", err.args[0], name) from None
        except ParameterSetError as err:
            raise CaseError(path, f"[{role}] set", str(err)) from None
        for key in table:
            if key not in base.parameters:
                keys = ["set", *sorted(base.parameters)]
                hint = did_you_mean(key, keys)
                raise CaseError(
                    path, f"[{role}] {key}",
                    f"unknown parameter of set {base.name!r}" + (hint or f"; expected one of {keys}"),
                )
        try:
            sets[role] = base.with_overrides(table, origin=f"case file {path.name}")
        except UnitError as err:
            bad = next(k for k in table if _fails(base, k, table[k]))
            raise CaseError(path, f"[{role}] {bad}", str(err), table[bad]) from None
    return sets


def _fails(base: ParameterSet, key: str, value) -> bool:
    try:
        base.with_overrides({key: value}, origin="check")
    except UnitError:
        return True
    return False


def load_case(path: str | Path, allow_unused: bool = False, overrides: "Overrides | None" = None) -> ResolvedCase:
    """Read, validate and resolve the case file at ``path`` (and each member of a sweep case), with
    ``overrides`` (:class:`phasefield.case.overrides.Overrides`) in place; raises :class:`CaseError`."""
    path = Path(path)
    return load_document(_read_toml(path, "(file)"), path, allow_unused, overrides)


def load_document(raw: dict[str, Any], path: Path, allow_unused: bool = False,
                  overrides: "Overrides | None" = None) -> ResolvedCase:
    """:func:`load_case` of the TOML document ``raw`` read from ``path`` (a ``[mesh] include`` is relative
    to its folder); ``raw`` itself is left as it is."""
    raw = copy.deepcopy(raw)
    _include_mesh(path, raw)
    if overrides is not None:
        raw = overrides.apply(path, raw)
    try:
        resolved = resolve(path, raw, allow_unused)
        if resolved.case.sweep is not None:  # a sweep case is valid when each of its members is
            from phasefield.case.sweep import sweep_members

            sweep_members(resolved, allow_unused)
    except CaseError as err:
        if overrides is None:
            raise
        raise overrides.blame(err) from None
    return resolved if overrides is None else overrides.record(resolved)


def resolve(path: Path, raw: dict[str, Any], allow_unused: bool = False) -> ResolvedCase:
    """Validate the case ``raw`` (a TOML document read from ``path``, mesh included) and resolve
    its parameter sets (set files named relative to ``path`` are made absolute in ``raw``); raises
    :class:`CaseError` naming ``path``."""
    _anchor_set_files(path, raw)
    _anchor_interface_profile(path, raw)
    schemas = {name: schema for name, schema in registry.section_schemas().items() if name not in Case.model_fields}
    try:
        case = Case.model_validate({key: value for key, value in raw.items() if key not in schemas})
    except ValidationError as err:
        raise _case_error(path, err.errors()[0]) from None
    extensions = {}
    for name in sorted(schemas.keys() & raw.keys()):
        try:
            extensions[name] = schemas[name].model_validate(raw[name])
        except ValidationError as err:
            first = err.errors()[0]
            raise _case_error(path, {**first, "loc": (name, *first["loc"])}) from None
    if case.creep.model != "none" and case.contact.model != "phase_field":
        raise CaseError(path, "[creep] model", f'creep moves the voids of [contact] model = "phase_field", '
                        f'not of "{case.contact.model}"', case.creep.model)
    resolved = ResolvedCase(path=path, case=case, materials=_materials(path, case), raw=raw, extensions=extensions)
    from phasefield.case.feasibility import check_feasibility  # it reads a ResolvedCase: imported here, once built

    check_feasibility(resolved, allow_unused)
    return resolved


def _case_error(path: Path, first: dict) -> CaseError:
    """The one-line error of pydantic's first ``ValidationError`` entry."""
    given = first.get("input")
    loc = first["loc"]
    message = _unknown_key(loc, given) if first["type"] == "extra_forbidden" else _message(first)
    if first["type"] in ("missing", "extra_forbidden") or isinstance(given, dict):
        given = None  # nothing given, or a whole table (its check says what is wrong)
    if loc and loc[0] in MATERIAL_ROLES:
        loc = loc[:2]  # `[metal] key`, without the union member pydantic appends
    return CaseError(path, key_path(loc), message, given)
