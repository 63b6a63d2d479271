"""Which class builds the sub-model of a case section: ``[creep] model = "power_law"`` -> a class.

A sub-model module registers its class with :func:`register` when it is imported; the coupler asks
:func:`lookup` for the class of each section and model name of a case. A section that is not one of
the built-in tables of :mod:`phasefield.case.schema` brings its own pydantic schema (``settings``):
the case loader validates it like any other table (:func:`section_schemas`), and the coupler builds
the sub-model as an extension, advanced after the built-in ones (:mod:`phasefield.coupling.step_order`).

Sub-models outside this package are found through the ``phasefield.submodels`` entry-point group
(a package declares ``[project.entry-points."phasefield.submodels"] name = "module"``): importing the
module registers its classes. Nothing here imports DOLFINx, so the case loader may use it.
"""

import difflib
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import entry_points

from pydantic import BaseModel

ENTRY_POINT_GROUP = "phasefield.submodels"
#: the modules of the built-in sub-models (imported on the first look-up)
BUILT_IN = ("interdiffusion", "contact", "voids", "flow")
#: the modules of the built-in extension sections, importable without DOLFINx (their schemas, for the case loader)
BUILT_IN_SECTIONS = ("short_circuit_section",)


@dataclass(frozen=True)
class Registration:
    """One (section, model) pair and what serves it."""

    section: str
    model: str | None
    factory: type
    settings: type[BaseModel] | None


_REGISTRY: dict[tuple[str, str | None], Registration] = {}
_plugins_loaded = False


def register(section: str, model: str | None = None, settings: type[BaseModel] | None = None):
    """Class decorator: ``factory`` serves ``[section] model = "model"`` (``model`` None: a section
    without a model key); ``settings`` is the section's schema when the case schema has no such table."""

    def decorate(factory):
        key = (section, model)
        if key in _REGISTRY and _REGISTRY[key].factory is not factory:
            raise ValueError(f"[{section}] model = {model!r} is registered twice")
        _REGISTRY[key] = Registration(section, model, factory, settings)
        return factory

    return decorate


def load(built_in: bool = True) -> None:
    """Import the sub-models of installed packages (once), and unless ``built_in`` is False the built-in
    ones (they import DOLFINx; the extension schemas that the case loader needs are all in packages)."""
    global _plugins_loaded
    if not _plugins_loaded:
        _plugins_loaded = True
        for name in BUILT_IN_SECTIONS:
            import_module(f"phasefield.submodels.{name}")
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            entry.load()
    if built_in:
        for name in BUILT_IN:
            import_module(f"phasefield.submodels.{name}")


def lookup(section: str, model: str | None = None) -> type:
    """The class registered for ``[section] model``; a KeyError names the registered choices."""
    load()
    try:
        return _REGISTRY[(section, model)].factory
    except KeyError:
        choices = sorted(str(m) for s, m in _REGISTRY if s == section)
        close = difflib.get_close_matches(str(model), choices, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise KeyError(f"no sub-model for [{section}] model = {model!r}; registered: {choices}{hint}") from None


def section_schemas() -> dict[str, type[BaseModel]]:
    """The schema of each registered section that brings its own (extension sections)."""
    load(built_in=False)
    return {r.section: r.settings for r in _REGISTRY.values() if r.settings is not None}


def extensions() -> dict[str, type]:
    """The class of each extension section (registered with a schema and no model name)."""
    load()
    return {r.section: r.factory for r in _REGISTRY.values() if r.settings is not None and r.model is None}
