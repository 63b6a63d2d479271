"""Material parameter sets: every value carries its unit, its source and its standing.

A set is a TOML file; the built-in ones are in ``data/`` beside this module (``phasefield params``
lists them). Standing (as in ../shared/MODEL.md section 4): ``V`` stated in the seed paper (Zhao et al.,
Nat. Commun. 16 (2025) 4283, "the seed"), ``L`` literature, ``U`` uncertain, ``F`` fitted (the source
then says on which case and why). A case file picks a set for each role (metal, electrolyte, counter
electrode) by name or as a path to a set file, and may override any value; the override is recorded as
the source, with the standing ``case``. A set file reads::

    name = "Li"                # optional: the file name without .toml
    role = "metal"             # metal, electrolyte or counter_electrode (optional with a base)
    description = "Li foil of the seed"
    base = "Li"                # optional: the set this one changes (a built-in name or a .toml path)

    [parameters.molar_volume]
    value = "12.97 cm^3/mol"   # with units; a bare number for a dimensionless value
    dimension = "molar_volume" # optional where the base or the built-in sets of the role have the key
    standing = "V"
    source = "Zhao et al., Nat. Commun. 16 (2025) 4283"
    description = "partial molar volume of Li"  # optional where the base or the built-in sets have it

Without a base, a set gives every parameter of the built-in sets of its role (the ones the model
reads); with one, it gives those it changes, each with its value, standing and source.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from phasefield.units import SI_UNITS, UnitError, did_you_mean, to_si_within

#: The folder of the built-in sets.
DATA = Path(__file__).parent / "data"
ROLES = ("metal", "electrolyte", "counter_electrode")
STANDINGS = {"V": "stated in the seed paper", "L": "literature", "U": "uncertain", "F": "fitted"}
#: The standing of a value overridden in a case file.
OVERRIDDEN = "case"
_SET_KEYS = ("name", "role", "description", "base", "parameters")
#: the SI bounds of a parameter by its dimension: sizes, rates and transport coefficients are positive (a negative
#: sink spacing or exchange current would run and mean nothing); a resistance or a prefactor may be zero; a fraction
#: (a share of a whole) lies in [0, 1]
DIMENSION_BOUNDS = {
    "length": {"gt": 0.0}, "diffusivity": {"gt": 0.0}, "conductivity": {"gt": 0.0}, "molar_volume": {"gt": 0.0},
    "surface_energy": {"gt": 0.0}, "temperature": {"gt": 0.0}, "current_density": {"gt": 0.0},
    "strain_rate": {"gt": 0.0}, "pressure": {"gt": 0.0}, "area_specific_resistance": {"ge": 0.0},
    "rate_per_length": {"ge": 0.0}, "rate_constant": {"ge": 0.0}, "fraction": {"ge": 0.0, "le": 1.0},
}
_ENTRY_KEYS = ("value", "dimension", "standing", "source", "description")


@dataclass(frozen=True)
class Parameter:
    """One physical value as written (``text`` with units), its dimension, source and standing."""

    text: str | float
    dimension: str
    source: str
    standing: str
    description: str

    @property
    def si(self) -> float:
        """The value in SI units, within the bounds of its dimension (:data:`DIMENSION_BOUNDS`)."""
        return to_si_within(self.text, self.dimension, **DIMENSION_BOUNDS.get(self.dimension, {}))


@dataclass(frozen=True)
class ParameterSet:
    """A named set of parameters for one role (``metal``, ``electrolyte``, ``counter_electrode``), read
    from ``path``."""

    name: str
    role: str
    parameters: dict[str, Parameter] = field(default_factory=dict)
    description: str = ""
    path: Path | None = None

    def si(self) -> dict[str, float]:
        """All values in SI units, by parameter name."""
        return {key: p.si for key, p in self.parameters.items()}

    def with_overrides(self, overrides: dict[str, str | float], origin: str) -> "ParameterSet":
        """A copy with ``overrides`` applied; each overridden value's source becomes ``origin``.

        Raises ``KeyError`` for a name the set does not have and ``UnitError`` for a bad value.
        """
        parameters = dict(self.parameters)
        for key, text in overrides.items():
            if key not in parameters:
                raise KeyError(key)
            new = replace(parameters[key], text=text, source=origin, standing=OVERRIDDEN)
            new.si  # noqa: B018 - validates the units now, not at solve time
            parameters[key] = new
        return replace(self, parameters=parameters)


class ParameterSetError(ValueError):
    """A malformed set file; ``str()`` is the one-line message: file, key, what was expected and given."""

    def __init__(self, path: Path, key: str, message: str, given: Any = None):
        got = "" if given is None else f" (got {given!r})"
        super().__init__(f"{path}: {key}: {message}{got}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise ParameterSetError(path, "(file)", "file not found") from None
    except tomllib.TOMLDecodeError as err:
        raise ParameterSetError(path, "(file)", f"malformed TOML: {err}") from None
    except (OSError, ValueError) as err:  # a directory, no permission, not UTF-8
        raise ParameterSetError(path, "(file)", f"cannot read: {err}") from None


def _text(path: Path, table: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str | None:
    """The non-empty string at ``table[key]``, ``default`` when absent."""
    value = table.get(key, default)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ParameterSetError(path, where, "expected a non-empty string", value)
    return value


def _unknown_keys(path: Path, table: Mapping[str, Any], allowed, where: str) -> None:
    for key in table:
        if key not in allowed:
            hint = did_you_mean(key, allowed) or f"; expected one of {', '.join(allowed)}"
            raise ParameterSetError(path, f"{where}{key}", f"unknown key{hint}")


def _base(path: Path, name: str, known: Mapping[str, ParameterSet], chain: tuple[Path, ...]) -> ParameterSet:
    """The set ``base = name`` of the file at ``path`` refers to: a path relative to it, or a known set."""
    if name.endswith(".toml"):
        return _read(path.parent / name, known, chain)
    if name not in known:
        raise ParameterSetError(path, "base", f"no parameter set of that name; choose one of {sorted(known)} or a "
                                f"path to a .toml file{did_you_mean(name, known)}", name)
    return known[name]


def _entry(path: Path, key: str, entry: Any, reference: Parameter | None) -> Parameter:
    """The parameter ``[parameters.key]``; dimension and description default to those of ``reference``."""
    where = f"[parameters.{key}]"
    if not isinstance(entry, dict):
        raise ParameterSetError(path, where, "expected a table with value, standing and source", entry)
    _unknown_keys(path, entry, _ENTRY_KEYS, f"{where} ")
    for needed in ("value", "standing", "source"):
        if needed not in entry:
            raise ParameterSetError(path, f"{where} {needed}", "required key is missing")
    standing = entry["standing"]
    if not isinstance(standing, str) or standing not in STANDINGS:
        raise ParameterSetError(path, f"{where} standing", f"expected one of {', '.join(STANDINGS)} "
                                f"({'; '.join(f'{k} {v}' for k, v in STANDINGS.items())})", standing)
    dimension = _text(path, entry, "dimension", f"{where} dimension", reference and reference.dimension)
    description = _text(path, entry, "description", f"{where} description", reference and reference.description)
    if dimension is None or description is None:
        raise ParameterSetError(path, f"{where} {'dimension' if dimension is None else 'description'}",
                                "required key is missing (no base set has this parameter)")
    if dimension not in SI_UNITS or (reference is not None and dimension != reference.dimension):
        expected = reference.dimension if reference is not None else ", ".join(SI_UNITS)
        raise ParameterSetError(path, f"{where} dimension", f"expected {expected}", dimension)
    parameter = Parameter(entry["value"], dimension, _text(path, entry, "source", f"{where} source"), standing,
                          description)
    try:
        parameter.si  # noqa: B018 - checks the value and its unit now
    except UnitError as err:
        raise ParameterSetError(path, f"{where} value", str(err), entry["value"]) from None
    return parameter


def _parameters(path: Path, table: Any, reference: ParameterSet | None, base: bool) -> dict[str, Parameter]:
    """The parameters of a set file: ``reference``'s with the file's entries in place when ``base``, else
    the file's, which must then be ``reference``'s keys (the parameters the model reads) when there is one."""
    if not isinstance(table, dict):
        raise ParameterSetError(path, "[parameters]", "expected a table of parameters", table)
    known = reference.parameters if reference is not None else {}
    for key in table:
        if known and key not in known:
            hint = did_you_mean(key, known)
            raise ParameterSetError(path, f"[parameters.{key}]", f"unknown parameter of {reference.role} sets"
                                    + (hint or f"; expected one of {sorted(known)}"))
    if known and not base and known.keys() - table.keys():
        missing = sorted(known.keys() - table.keys())
        raise ParameterSetError(path, "[parameters]", f"missing {', '.join(missing)} (the model reads every "
                                f"parameter of the {reference.role} sets; or name a set to change with `base`)")
    entries = {key: _entry(path, key, entry, known.get(key)) for key, entry in table.items()}
    return {**known, **entries} if base else entries


def _build(path: Path, document: dict[str, Any], known: Mapping[str, ParameterSet],
           chain: tuple[Path, ...] = ()) -> ParameterSet:
    """The set of the TOML ``document`` read from ``path``; ``known`` are the sets a base may name, and
    a set without base must have the parameters of the first known set of its role."""
    _unknown_keys(path, document, _SET_KEYS, "")
    base_name = _text(path, document, "base", "base")
    base = _base(path, base_name, known, (*chain, path.resolve())) if base_name is not None else None
    role = _text(path, document, "role", "role", base and base.role)
    if role not in ROLES or (base is not None and role != base.role):
        expected = f"{base.role!r}, the role of its base" if base is not None else f"one of {', '.join(ROLES)}"
        raise ParameterSetError(path, "role", f"expected {expected}" if role else "required key is missing", role)
    reference = base or next((s for s in known.values() if s.role == role), None)
    return ParameterSet(
        name=_text(path, document, "name", "name", path.stem),
        role=role,
        parameters=_parameters(path, document.get("parameters", {}), reference, base is not None),
        description=_text(path, document, "description", "description") or "",
        path=path,
    )


def _read(path: Path, known: Mapping[str, ParameterSet], chain: tuple[Path, ...]) -> ParameterSet:
    if path.resolve() in chain:
        raise ParameterSetError(chain[-1], "base", "the bases form a loop", str(path))
    return _build(path, _read_toml(path), known, chain)


def read_parameter_set(path: str | Path) -> ParameterSet:
    """The set in the TOML file at ``path`` (a base may name a built-in set or another file); raises
    :class:`ParameterSetError` naming the file and the key."""
    return _read(Path(path), PARAMETER_SETS, ())


def _built_in_sets() -> dict[str, ParameterSet]:
    """The sets of ``DATA`` by name, in the order of ``ROLES``; those with a base are read after the others."""
    documents = {path: _read_toml(path) for path in sorted(DATA.glob("*.toml"))}
    sets: dict[str, ParameterSet] = {}
    for path in sorted(documents, key=lambda p: "base" in documents[p]):
        pset = _build(path, documents[path], sets)
        sets[pset.name] = pset
    return dict(sorted(sets.items(), key=lambda item: (ROLES.index(item[1].role), item[0])))


PARAMETER_SETS: dict[str, ParameterSet] = _built_in_sets()


def find_parameter_set(name: str, folder: Path = Path()) -> ParameterSet:
    """The built-in set ``name``, or the set file ``folder / name`` when ``name`` ends in ``.toml``;
    ``KeyError`` naming the choices for an unknown name, :class:`ParameterSetError` for a malformed file."""
    if name.endswith(".toml"):
        return read_parameter_set(folder / name)
    if name not in PARAMETER_SETS:
        raise KeyError(f"no parameter set {name!r}; choose one of {sorted(PARAMETER_SETS)}"
                       f"{did_you_mean(name, PARAMETER_SETS) or ' or a set file (.toml)'}")
    return PARAMETER_SETS[name]


def resolve_parameter_set(name: str, role: str, folder: Path = Path()) -> ParameterSet:
    """The set ``name`` for ``role``: a built-in name, or a path to a set file (``.toml``, relative to
    ``folder``). ``KeyError`` naming the choices (and the closest one) if there is none;
    :class:`ParameterSetError` for a malformed file."""
    if name.endswith(".toml"):
        pset = find_parameter_set(name, folder)
        if pset.role != role:
            raise KeyError(f"the set file is {_a(pset.role)} set, not {_a(role)} set")
        return pset
    candidates = {k: s for k, s in PARAMETER_SETS.items() if s.role == role}
    if name not in candidates:
        elsewhere = PARAMETER_SETS.get(name)
        note = f" ({name!r} is {_a(elsewhere.role)} set)" if elsewhere is not None else ""
        hint = "" if elsewhere else did_you_mean(name, candidates)
        raise KeyError(f"no {role} parameter set {name!r}{note}; choose one of {sorted(candidates)}"
                       f"{hint or ' or a set file (.toml)'}")
    return candidates[name]


def _a(role: str) -> str:
    """``an electrolyte``, ``a metal``, ``a counter electrode``."""
    words = role.replace("_", " ")
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"
