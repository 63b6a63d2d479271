"""Malformed case files generated from the shipped ones: each is refused with exit code 2 and one line.

Every variant is one of the shipped cases (``cases/*.toml``, ``tests/data/*.toml``) with one edit, in one
of the categories syntax, types, units, ranges, unknown keys and names, missing keys, protocol grammar,
includes, mesh limits, sweeps and feasibility. Some operators are applied to every shipped case (a
misspelt protocol verb, a misspelt key, a temperature below the range, an unterminated string, a
charge in place of a current), the others each to one case, chosen so that every kind of shipped
case is edited.

For each variant ``phasefield check VARIANT`` and ``phasefield run VARIANT -o RESULTS --overwrite`` (with
``RESULTS`` an existing results directory) must exit with 2, print one line naming the key (and the
file) on stderr and nothing on stdout, show no traceback, write nothing, and leave ``RESULTS`` byte for
byte as it was (every file hashed before and after). Most run in-process (``phasefield.cli.main``); a
handful run as ``python -m phasefield`` in a subprocess, as a user would.

The feasibility variants (a case that is well formed but asks for something that cannot be run) are
refused by ``phasefield/case/feasibility.py``: strict xfails where that module is absent, ordinary
tests where it exists.
"""

import copy
import hashlib
import importlib.util
import re
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import tomli_w
from helpers import run_in_process, run_subprocess

from phasefield import cli

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "phasefield: error: "
SHIPPED = sorted((ROOT / "cases").glob("*.toml")) + sorted((ROOT / "tests" / "data").glob("*.toml"))
EVERY_CASE = sorted((ROOT / "cases").rglob("*.toml")) + sorted((ROOT / "tests" / "data").glob("*.toml"))
#: strict xfails until the feasibility module exists, ordinary tests once it does
FEASIBILITY = pytest.mark.xfail(importlib.util.find_spec("phasefield.case.feasibility") is None, strict=True,
                                reason="feasibility checks: phasefield/case/feasibility.py, in progress")


def _name(path: Path) -> str:
    """``li_prescribed_contact`` for a case under cases/, ``data/small_limg`` for tests/data."""
    return path.stem if path.parent.name == "cases" else f"data/{path.stem}"


def _absolute_include(path: Path, text: str) -> str:
    """``text`` with a relative ``[mesh] include`` made absolute, so the variant may live anywhere."""
    def absolute(match: re.Match) -> str:
        return f'include = "{(path.parent / match[1]).resolve().as_posix()}"'

    return re.sub(r'^include\s*=\s*"([^"]+)"', absolute, text, flags=re.MULTILINE)


TEXTS = {_name(path): _absolute_include(path, path.read_text()) for path in SHIPPED}
RAWS = {name: tomllib.loads(text) for name, text in TEXTS.items()}


@dataclass(frozen=True)
class Variant:
    """A broken case: its content, the key the line must name (any of ``names``), a fragment the line
    must contain, the file it must name (None: the variant), files to write next to it, its category."""

    id: str
    category: str
    content: str | bytes
    names: tuple[str, ...]
    fragment: str = ""
    file: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    feasibility: bool = False


def edited(name: str, edit: Callable[[dict], object]) -> str:
    """The shipped case ``name`` with ``edit`` applied to its TOML document."""
    raw = copy.deepcopy(RAWS[name])
    edit(raw)
    return tomli_w.dumps(raw)


def text_edit(name: str, old: str, new: str) -> str:
    text = TEXTS[name]
    assert old in text, f"{name} no longer contains {old!r}; update the test"
    return text.replace(old, new, 1)


def setting(table: str, key: str, value) -> Callable[[dict], None]:
    def edit(raw: dict) -> None:
        raw.setdefault(table, {})[key] = value
    return edit


def deleting(table: str, key: str | None = None) -> Callable[[dict], None]:
    def edit(raw: dict) -> None:
        if key is None:
            del raw[table]
        else:
            del raw[table][key]
    return edit


def first_step(raw: dict) -> str:
    return raw["protocol"]["steps"][0]


def setting_step(index: int, step: str) -> Callable[[dict], None]:
    def edit(raw: dict) -> None:
        steps = raw["protocol"]["steps"]
        steps[index:index + 1] = [step]
    return edit


def _swap(word: str, at: int = 1) -> str:
    """``Strip`` -> ``Stirp``: two neighbouring letters swapped (a typo)."""
    return word[:at] + word[at + 1] + word[at] + word[at + 2:]


# ---------------------------------------------------------------------------------------------
# The variants
# ---------------------------------------------------------------------------------------------


def _every_case(add) -> None:
    """Operators applied to every shipped case."""
    for name, raw in RAWS.items():
        verb = first_step(raw).split()[0]
        add(f"verb-typo-{name}", "protocol grammar",
            edited(name, setting_step(0, first_step(raw).replace(verb, _swap(verb, 2), 1))),
            "[protocol] steps[0]", f"did you mean '{verb}'")
        table = next(t for t in ("cell", "time", "output", "contact", "voids") if raw.get(t))
        key = next(iter(raw[table]))
        typo = _swap(key)

        def rename(document, table=table, key=key, typo=typo):
            document[table] = {(typo if k == key else k): v for k, v in document[table].items()}
        add(f"key-typo-{name}", "unknown keys", edited(name, rename), f"[{table}] {typo}",
            f"did you mean '{key}'")
        add(f"temperature-below-range-{name}", "ranges", edited(name, setting("cell", "temperature", "-300 degC")),
            "[cell] temperature", "expected at least -73.15 degC (200 K) (got '-300 degC')")
        description = re.search(r'^description = "[^"\n]*"', TEXTS[name], flags=re.MULTILINE)[0]
        add(f"unterminated-string-{name}", "syntax", text_edit(name, description, description[:-1]), "(file)",
            "malformed TOML")
        current = first_step(raw).split(" until ")[0].split(" at ")[1]
        add(f"charge-as-current-{name}", "units",
            edited(name, setting_step(0, first_step(raw).replace(current, current.replace("mA", "mAh"), 1))),
            "[protocol] steps[0]", "is not a current density")


def build_variants() -> list[Variant]:
    variants: list[Variant] = []

    def add(id_: str, category: str, content, names, fragment: str = "", **more) -> None:
        names = (names,) if isinstance(names, str) else tuple(names)
        variants.append(Variant(re.sub(r"[^A-Za-z0-9_.+-]+", "-", id_), category, content, names, fragment, **more))

    _every_case(add)

    # syntax
    add("syntax-missing-equals", "syntax", text_edit("t1_li_strip_voids", "seed = 1", "seed 1"), "(file)",
        "malformed TOML")
    add("syntax-duplicate-key", "syntax",
        text_edit("t5_limg_strip_0p5_fick", "[cell]\n", '[cell]\ntemperature = "20 degC"\n'),
        "(file)", "malformed TOML")
    add("syntax-duplicate-table", "syntax", TEXTS["t6_limg_plate_25C_darken"] + '\n[cell]\nstack_pressure = "1 MPa"\n',
        "(file)", "malformed TOML")
    add("syntax-unclosed-array", "syntax", text_edit("t5_limg_strip_0p05_fick", '"4 mAh/cm^2"]', '"4 mAh/cm^2"'),
        "(file)", "malformed TOML")
    add("syntax-unclosed-header", "syntax",
        text_edit("data/tiny_creep", "[voids]", "[voids"), "(file)", "malformed TOML")
    add("syntax-not-utf8", "syntax",
        b"\xff\xfe" + TEXTS["data/small_limg"].encode("utf-16-le"), "(file)", "cannot read")
    add("syntax-c-comment", "syntax", text_edit("li_prescribed_contact", "void_count = 16", "void_count = 16 // voids"),
        "(file)", "malformed TOML")
    add("syntax-unquoted-quantity", "syntax",
        text_edit("t2_limg_strip_voids", 'temperature = "25 degC"', "temperature = 25 degC"),
        "(file)", "malformed TOML")

    # types
    add("type-integer-as-word", "types", edited("li_prescribed_contact", setting("contact", "void_count", "sixteen")),
        "[contact] void_count", "valid integer")
    add("type-fractional-integer", "types", edited("t1_li_strip_voids", setting("time", "max_retries", 2.5)),
        "[time] max_retries", "expected")
    add("type-bool-quantity", "types", edited("data/tiny_phase_field", setting("cell", "temperature", True)),
        "[cell] temperature", "expected a temperature")
    add("type-list-quantity", "types", edited("t5_limg_strip_0p5_fick", setting("cell", "foil_thickness", ["90 um"])),
        "[cell] foil_thickness", "expected a length")
    add("type-number-description", "types", edited("data/small_prescribed", setting("meta", "description", 42)),
        "[meta] description", "valid string")
    add("type-steps-not-a-list", "types",
        edited("t6_limg_plate_60C_fick", setting("protocol", "steps", "Plate at 0.28 mA/cm^2 until 2.6 mAh/cm^2")),
        "[protocol] steps", "valid list")
    add("type-table-as-value", "types", edited("t2_limg_strip_voids", lambda raw: raw.update(cell=5)), "[cell]",
        "expected")
    add("type-dimension-as-word", "types", edited("data/tiny_creep", setting("mesh", "dimension", "two")),
        "[mesh] dimension", "expected one of 2 or 3")

    # units
    add("unit-wrong-dimension", "units", edited("t6_limg_plate_25C_darken", setting("cell", "temperature", "25 MPa")),
        "[cell] temperature", "'25 MPa' is not a temperature")
    add("unit-bare-number", "units", edited("t1_li_strip_voids", setting("cell", "stack_pressure", 0.2)),
        "[cell] stack_pressure", "a bare number has no unit")
    add("unit-unknown", "units", edited("li_prescribed_contact", setting("contact", "edge_width", "0.25 umm")),
        "[contact] edge_width", "cannot read '0.25 umm'")
    add("unit-decimal-comma", "units", edited("t3_li_pressure_sweep", setting("cell", "temperature", "25,5 degC")),
        "[cell] temperature", "cannot read '25,5 degC'")
    add("unit-runaway-arithmetic", "units",
        edited("t4_limg_pressure_sweep", setting("cell", "stack_pressure", "10**10**10 MPa")),
        "[cell] stack_pressure", "cannot read")
    add("unit-nan", "units", edited("data/tiny_phase_field", setting("voids", "interface_width", "nan um")),
        "[voids] interface_width", "cannot read")
    add("unit-infinite", "units", edited("t5_limg_strip_0p05_darken", setting("time", "dt_max", "1e999 min")),
        "[time] dt_max", "not a finite time")
    add("unit-capacity-limit-as-current", "units",
        edited("data/small_limg", setting_step(0, "Strip at 0.5 mA/cm2 until 0.3 mA/cm2")),
        "[protocol] steps[0]", "cannot read the limit")
    add("unit-override-wrong-dimension", "units",
        edited("t2_limg_strip_voids", setting("metal", "exchange_current_density", "5 V")),
        "[metal] exchange_current_density", "'5 V' is not a current density")
    add("unit-sweep-value", "units",
        edited("t4_limg_pressure_sweep", lambda raw: raw["sweep"]["values"].__setitem__(1, "1 mAh/cm2")),
        "[sweep] values[1]", "is not a pressure")

    # ranges: the bound in the unit the user wrote
    add("range-temperature-hot", "ranges",
        edited("t6_limg_plate_60C_darken", setting("cell", "temperature", "600 degC")),
        "[cell] temperature", "expected at most 226.85 degC (500 K) (got '600 degC')")
    add("range-stack-pressure", "ranges",
        edited("t3_li_pressure_sweep_small_window", setting("cell", "stack_pressure", "2 GPa")),
        "[cell] stack_pressure", "expected at most 1 GPa (1e9 Pa)")
    add("range-foil-thickness-zero", "ranges",
        edited("t5_limg_strip_0p5_darken", setting("cell", "foil_thickness", "0 um")),
        "[cell] foil_thickness", "expected more than 0 um")
    add("range-contact-fraction", "ranges",
        edited("li_prescribed_contact", lambda raw: raw["contact"]["fraction"].__setitem__(-1, 1.5)),
        "[contact] fraction[5]", "expected at most 1 (got 1.5)")
    add("range-contact-capacity-negative", "ranges",
        edited("li_prescribed_contact", lambda raw: raw["contact"]["capacity"].__setitem__(0, "-1 mAh/cm2")),
        "[contact] capacity[0]", "expected at least 0 mAh/cm2")
    add("range-void-count", "ranges", edited("data/small_prescribed", setting("contact", "void_count", 0)),
        "[contact] void_count", "expected at least 1 (got 0)")
    add("range-max-retries", "ranges", edited("t2_limg_strip_voids", setting("time", "max_retries", 31)),
        "[time] max_retries", "expected at most 30")
    add("range-relative-tolerance", "ranges", edited("data/tiny_creep", setting("solver", "relative_tolerance", 1.0)),
        "[solver] relative_tolerance", "expected less than 1")
    add("range-courant-number", "ranges", edited("data/tiny_phase_field", setting("time", "courant_number", 0)),
        "[time] courant_number", "expected more than 0")
    add("range-dt-max-zero", "ranges", edited("t6_limg_plate_25C_fick", setting("time", "dt_max", "0 s")),
        "[time] dt_max", "expected more than 0 s")
    add("range-line-scan-at-zero", "ranges",
        edited("t5_limg_strip_0p05_fick", lambda raw: raw["output"]["line_scan_at"].__setitem__(0, "0 mAh/cm2")),
        "[output] line_scan_at[0]", "expected more than 0 mAh/cm2")
    add("range-mesh-width", "ranges", edited("t1_li_strip_voids", setting("mesh", "width", "2 cm")),
        "[mesh] width", "expected at most 1 cm (0.01 m)")
    add("range-mesh-negative-height", "ranges", edited("data/tiny_creep", setting("mesh", "metal_height", "-8 um")),
        "[mesh] metal_height", "expected more than 0 um")
    add("range-contact-updates", "ranges", edited("data/tiny_creep", setting("creep", "contact_updates", -1)),
        "[creep] contact_updates", "expected at least 0 (got -1)")

    # unknown keys, tables and names: "did you mean"
    def rename(table, key, new):
        def edit(raw):
            raw[table] = {(new if k == key else k): v for k, v in raw[table].items()}
        return edit

    add("unknown-key-temprature", "unknown keys",
        edited("t5_limg_strip_0p5_fick", rename("cell", "temperature", "temprature")),
        "[cell] temprature", "unknown key; did you mean 'temperature'?")
    add("unknown-table-solvr", "unknown keys", edited("t1_li_strip_voids", setting("solvr", "max_iterations", 3)),
        "[solvr]", "did you mean [solver]?")
    add("unknown-table-no-match", "unknown keys", edited("data/small_limg", setting("extras", "colour", "red")),
        "[extras]", "the tables are [meta], [cell]")
    add("unknown-key-no-match", "unknown keys",
        edited("t6_limg_plate_60C_darken_entropy", setting("output", "bogus", 1)),
        "[output] bogus", "expected one of fields_every")
    add("unknown-top-level-key", "unknown keys", edited("data/tiny_creep", lambda raw: raw.update(stray=1)),
        "[stray]", "not inside a table")
    add("model-typo-contact", "unknown keys",
        edited("li_prescribed_contact", setting("contact", "model", "phase_feild")),
        "[contact] model", "did you mean 'phase_field'?")
    add("model-typo-interdiffusion", "unknown keys",
        edited("t5_limg_strip_0p05_darken", setting("interdiffusion", "model", "darkin")),
        "[interdiffusion] model", "did you mean 'darken'?")
    add("stabilization-typo-interdiffusion", "unknown keys",
        edited("t2_limg_strip_voids", setting("interdiffusion", "stabilization", "supg")),
        "[interdiffusion] stabilization", "'streamline'")
    add("nonnegative-not-a-bool", "types",
        edited("t5_limg_strip_0p5_darken", setting("interdiffusion", "nonnegative", "sometimes")),
        "[interdiffusion] nonnegative", "bool")
    add("model-typo-creep", "unknown keys", edited("data/tiny_creep", setting("creep", "model", "powerlaw")),
        "[creep] model", "did you mean 'power_law'?")
    add("model-typo-creep-interface", "unknown keys",
        edited("t3_li_pressure_sweep_small_window_metal_fraction", setting("creep", "interface", "slipp")),
        "[creep] interface", "did you mean 'slip'?")
    add("set-typo", "unknown keys", edited("t6_limg_plate_60C_fick", setting("metal", "set", "Li0.97Mg0.3")),
        "[metal] set", "did you mean 'Li0.97Mg0.03'?")
    add("set-wrong-case", "unknown keys", edited("t1_li_strip_voids", setting("metal", "set", "li")),
        "[metal] set", "did you mean 'Li'?")
    add("set-of-another-role", "unknown keys", edited("data/small_prescribed", setting("electrolyte", "set", "Li")),
        "[electrolyte] set", "'Li' is a metal set")
    add("override-typo", "unknown keys",
        edited("t2_limg_strip_voids", setting("metal", "exchange_curent_density", "5 mA/cm2")),
        "[metal] exchange_curent_density", "did you mean 'exchange_current_density'?")
    add("voids-key-typo", "unknown keys",
        edited("data/tiny_phase_field", rename("voids", "nucleus_radius", "nucleus_raduis")),
        "[voids] nucleus_raduis", "did you mean 'nucleus_radius'?")
    add("meta-target-unknown", "unknown keys", edited("t1_li_strip_voids", setting("meta", "target", "T9")),
        "[meta] target", "'T1', 'T2'")
    add("sweep-parameter-typo", "unknown keys",
        edited("t3_li_pressure_sweep", setting("sweep", "parameter", "cell.stack_presure")),
        "[sweep] values[0]", "did you mean 'stack_pressure'?")
    add("sweep-parameter-form", "unknown keys",
        edited("t4_limg_pressure_sweep", setting("sweep", "parameter", "stack_pressure")),
        "[sweep] parameter", "expected")

    # missing keys and tables
    add("missing-meta", "missing keys", edited("t2_limg_strip_voids", deleting("meta")), "[meta]",
        "required key is missing")
    add("missing-description", "missing keys", edited("t5_limg_strip_0p5_darken", deleting("meta", "description")),
        "[meta] description", "required key is missing")
    add("missing-protocol", "missing keys", edited("t6_limg_plate_25C_darken_entropy", deleting("protocol")),
        "[protocol]", "required key is missing")
    add("missing-mesh", "missing keys",
        edited("data/small_limg", deleting("mesh")), "[mesh]", "required key is missing")
    add("missing-mesh-key", "missing keys", edited("data/small_prescribed", deleting("mesh", "width")), "[mesh] width",
        "required key is missing")
    add("missing-sweep-values", "missing keys", edited("t4_limg_pressure_sweep", deleting("sweep", "values")),
        "[sweep] values", "required key is missing")
    add("missing-contact-fractions", "missing keys",
        edited("li_prescribed_contact", setting("contact", "fraction", [1.0, 0.5])), "[contact]", "same length")
    add("empty-file", "missing keys", "", "[meta]", "required key is missing")

    # protocol grammar
    def step_edit(name, old, new, index=0):
        raw = RAWS[name]
        step = raw["protocol"]["steps"][index]
        assert old in step, (name, step)
        return edited(name, setting_step(index, step.replace(old, new, 1)))

    add("protocol-untill", "protocol grammar", step_edit("t6_limg_plate_60C_darken", "until", "untill"),
        "[protocol] steps[0]", "did you mean 'until'")
    add("protocol-overpotental", "protocol grammar", step_edit("t1_li_strip_voids", "overpotential", "overpotental"),
        "[protocol] steps[0]", "did you mean 'overpotential'")
    add("protocol-unknown-verb", "protocol grammar", step_edit("li_prescribed_contact", "Strip", "Discharge"),
        "[protocol] steps[0]", "a step starts with Strip, Plate, Rest or Hold")
    add("protocol-never-ends", "protocol grammar", step_edit("t5_limg_strip_0p5_darken", " until 4 mAh/cm^2", ""),
        "[protocol] steps[0]", "never ends")
    add("protocol-for-capacity", "protocol grammar", step_edit("t6_limg_strip_plate_60C_darken", "until", "for"),
        "[protocol] steps[0]", "'for' takes a time")
    add("protocol-rest-with-current", "protocol grammar",
        step_edit("data/small_prescribed", "Rest for", "Rest at 1 mA/cm^2 for", index=1),
        "[protocol] steps[1]", "has no current")
    add("protocol-two-capacities", "protocol grammar",
        step_edit("data/small_limg", "0.3 mAh/cm^2", "0.3 mAh/cm^2 or 0.2 mAh/cm2"),
        "[protocol] steps[0]", "two capacity limits")
    add("protocol-negative-current", "protocol grammar", step_edit("data/tiny_creep", "at 0.5", "at -0.5"),
        "[protocol] steps[0]", "must be positive")
    add("protocol-zero-capacity", "protocol grammar", step_edit("t6_limg_plate_25C_fick", "until 2.6", "until 0"),
        "[protocol] steps[0]", "must be positive")
    add("protocol-empty", "protocol grammar", edited("t2_limg_strip_voids", setting("protocol", "steps", [])),
        "[protocol] steps", "at least 1 item")
    add("protocol-second-step-never-ends", "protocol grammar",
        step_edit("t6_limg_strip_plate_25C_darken", " until 2.6 mAh/cm^2", "", index=1),
        "[protocol] steps[1]", "never ends")
    add("protocol-only-voltage-limit", "protocol grammar",
        step_edit("t5_limg_strip_0p05_fick", "4 mAh/cm^2", "voltage 1 V"), "[protocol] steps[0]",
        "needs a capacity or time limit")
    add("protocol-rest-until-capacity", "protocol grammar",
        step_edit("data/small_limg", "Rest for 10 min", "Rest until 1 mAh/cm2", index=1),
        "[protocol] steps[1]", "cannot end on a capacity")

    # includes
    column = (ROOT / "meshes" / "column_1d.toml").read_text()
    add("include-missing-file", "includes", edited("t5_limg_strip_0p5_fick", setting("mesh", "include", "nope.toml")),
        "[mesh] include", "file not found", file="nope.toml")
    add("include-directory", "includes", edited("t6_limg_plate_25C_darken", setting("mesh", "include", ".")),
        "[mesh] include", "cannot read", file="cases: [mesh] include")
    add("include-wrong-type", "includes", edited("li_prescribed_contact", setting("mesh", "include", 5)),
        "[mesh] include", "expected a path")
    add("include-malformed", "includes",
        edited("t6_limg_plate_60C_darken", setting("mesh", "include", "bad_mesh.toml")),
        "[mesh] include", "malformed TOML", file="bad_mesh.toml",
        extra={"bad_mesh.toml": column.replace('width = "1 um"', 'width = "1 um')})
    add("include-not-a-table", "includes", edited("t5_limg_strip_0p05_fick", setting("mesh", "include", "scalar.toml")),
        "[mesh]", "expected a [mesh] table", file="scalar.toml", extra={"scalar.toml": "mesh = 5\n"})
    add("include-unknown-key", "includes",
        edited("t6_limg_plate_25C_fick", setting("mesh", "include", "typo_mesh.toml")),
        "[mesh] metal_cell", "did you mean 'metal_cells'?",
        extra={"typo_mesh.toml": column.replace("metal_cells = 240", "metal_cells = 240\nmetal_cell = 240")})
    add("include-bad-value", "includes",
        edited("t6_limg_strip_plate_60C_darken", setting("mesh", "include", "zero.toml")),
        "[mesh] interface_cell_height", "expected at least 0.0001 um (1e-10 m) (got '0 um')",
        extra={"zero.toml": column.replace('interface_cell_height = "0.005 um"', 'interface_cell_height = "0 um"')})
    add("include-overridden-badly", "includes",
        edited("t5_limg_strip_0p5_darken", setting("mesh", "electrolyte_cells", -4)),
        "[mesh] electrolyte_cells", "expected at least 1")

    # meshes that cannot be built, or only degenerate
    add("mesh-graded-1100-cells", "mesh", edited("t5_limg_strip_0p5_darken", setting("mesh", "metal_cells", 1100)),
        "[mesh]", "at most 1000 graded cells per side")
    add("mesh-first-cell-degenerate", "mesh",
        edited("t1_li_strip_voids", setting("mesh", "interface_cell_height", "1e-12 m")),
        "[mesh] interface_cell_height", "expected at least 1e-10 m (got '1e-12 m')")
    add("mesh-growth-ratio", "mesh", edited("t6_limg_plate_25C_darken", setting("mesh", "electrolyte_cells", 2)),
        "[mesh]", "from cell to cell (at most 1000)")
    add("mesh-too-many-cells", "mesh", edited("t1_li_strip_voids", setting("mesh", "cells_along_interface", 100_000)),
        "[mesh]", "more than the 2,000,000")
    add("mesh-3d-without-depth", "mesh", edited("data/tiny_creep", setting("mesh", "dimension", 3)),
        "[mesh]", "a 3-D mesh needs")

    # feasibility: well formed, but not runnable (phasefield/case/feasibility.py)
    add("feasibility-strip-more-than-the-foil", "feasibility",
        edited("li_prescribed_contact", setting("protocol", "steps", ["Strip at 0.5 mA/cm^2 until 30 mAh/cm^2"])),
        ("[protocol]", "[cell]"), "", feasibility=True)
    add("feasibility-500-A-per-cm2", "feasibility",
        edited("t5_limg_strip_0p5_darken", setting("protocol", "steps", ["Strip at 500 A/cm^2 until 4 mAh/cm^2"])),
        ("[protocol]",), "", feasibility=True)
    add("feasibility-voids-table-with-prescribed-contact", "feasibility",
        edited("li_prescribed_contact", setting("voids", "interface_width", "0.5 um")), ("[voids]", "[contact]"), "",
        feasibility=True)
    add("feasibility-fick-on-pure-li", "feasibility",
        edited("data/small_prescribed", setting("interdiffusion", "model", "fick")),
        ("[interdiffusion]", "[metal]"), "",
        feasibility=True)
    add("feasibility-line-scans-on-pure-li", "feasibility",
        edited("t1_li_strip_voids", setting("output", "line_scan_at", ["1 mAh/cm^2"])), ("[output]", "[metal]"), "",
        feasibility=True)
    add("feasibility-void-driving-below-a-nucleus-capillary-pressure", "feasibility",
        edited("t1_li_strip_voids", setting("voids", "driving_force_limit", 0.05)), "[voids] driving_force_limit",
        "no void grows", feasibility=True)
    add("feasibility-default-void-driving-at-a-wide-diffuse-width", "feasibility",
        edited("t1_li_strip_voids", setting("voids", "interface_width", "1 um")), "[voids] driving_force_limit",
        "(the default: set it", feasibility=True)
    add("feasibility-creep-mesh-coarsening-not-dividing-the-cells", "feasibility",
        edited("data/tiny_creep", setting("creep", "mesh_coarsening", 7)), "[creep] mesh_coarsening",
        "expected a factor that divides the metal's cell counts ([mesh] cells_along_interface = 60, metal_cells = 12)",
        feasibility=True)
    add("feasibility-creep-mesh-coarsening-without-creep", "feasibility",
        edited("data/tiny_phase_field", setting("creep", "mesh_coarsening", 2)), "[creep] mesh_coarsening",
        'read only with [creep] model = "power_law"', feasibility=True)
    return variants


VARIANTS = build_variants()
BY_ID = {variant.id: variant for variant in VARIANTS}
CATEGORIES = {"syntax", "types", "units", "ranges", "unknown keys", "missing keys", "protocol grammar", "includes",
              "mesh", "feasibility"}
#: Run as ``python -m phasefield``, check and run: one of several kinds.
SUBPROCESS_IDS = ["syntax-unquoted-quantity", "temperature-below-range-li_prescribed_contact",
                  "unknown-key-temprature", "verb-typo-t6_limg_plate_25C_darken", "include-malformed",
                  "mesh-graded-1100-cells"]


def params(variants):
    return [pytest.param(v, id=v.id, marks=[FEASIBILITY] if v.feasibility else []) for v in variants]


# ---------------------------------------------------------------------------------------------
# Fixtures and checks
# ---------------------------------------------------------------------------------------------

#: An existing results directory: every run must leave it byte for byte as it is.
RESULTS_FILES = {
    "timeseries.csv": b"time_s,cell_voltage_V\n0,0.0\n600,0.0125\n",
    "run.json": b'{"status": "completed"}\n',
    "case.toml": b'[meta]\ndescription = "an earlier run"\n',
    "fields/metal.pvd": bytes(range(256)) * 8,
    "checkpoints/checkpoint_00000025.h5": b"\x89HDF\r\n" + b"\x00" * 500,
}


def tree(directory: Path) -> dict[str, str]:
    """Every file (sha256 of its bytes) and directory under ``directory``, by relative path."""
    return {path.relative_to(directory).as_posix():
            "<dir>" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(directory.rglob("*"))}


@pytest.fixture
def results(tmp_path: Path) -> Path:
    directory = tmp_path / "results"
    for name, data in RESULTS_FILES.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(data)
    return directory


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch) -> Path:
    """An empty working directory: nothing may appear in it."""
    directory = tmp_path / "cwd"
    directory.mkdir()
    monkeypatch.chdir(directory)
    return directory


def write_variant(tmp_path: Path, variant: Variant) -> Path:
    cases = tmp_path / "cases"
    cases.mkdir(exist_ok=True)
    for name, text in variant.extra.items():
        (cases / name).write_text(text)
    path = cases / f"{variant.id}.toml"
    if isinstance(variant.content, bytes):
        path.write_bytes(variant.content)
    else:
        path.write_text(variant.content)
    return path


def assert_refused(code: int, out: str, err: str, path: Path, variant: Variant) -> None:
    assert code == cli.USER_ERROR, (code, out, err)
    assert "Traceback" not in err and "Traceback" not in out, err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith("\n"), err
    line = lines[0]
    assert line.startswith(PREFIX), line
    assert any(name in line for name in variant.names), f"none of {variant.names} named in: {line}"
    assert variant.fragment in line, f"{variant.fragment!r} not in: {line}"
    assert (variant.file or path.name) in line, f"file not named in: {line}"


def _refuse_to_touch(*_args, **_kwargs):
    pytest.fail("the case was accepted: the results directory would be replaced")


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def test_at_least_50_distinct_variants_in_every_category_from_every_shipped_case():
    assert len(VARIANTS) >= 50, len(VARIANTS)
    assert len(BY_ID) == len(VARIANTS), "variant ids are not unique"
    assert len({v.content for v in VARIANTS}) == len(VARIANTS), "two variants are the same file"
    assert [v.id for v in build_variants()] == [v.id for v in VARIANTS], "not deterministic"
    assert {v.category for v in VARIANTS} == CATEGORIES
    assert all(v.content not in TEXTS.values() for v in VARIANTS)
    assert all(any(v.id.endswith(name.replace("/", "-")) for v in VARIANTS) for name in TEXTS)
    assert set(SUBPROCESS_IDS) <= set(BY_ID) and not any(BY_ID[i].feasibility for i in SUBPROCESS_IDS)


@pytest.mark.parametrize("variant", params(VARIANTS))
def test_check_refuses_with_exit_2_one_line_and_writes_nothing(variant, tmp_path, workdir, capsys):
    path = write_variant(tmp_path, variant)
    written = tree(path.parent)
    code, out, err = run_in_process(["check", str(path)], capsys)
    assert_refused(code, out, err, path, variant)
    assert tree(workdir) == {} and tree(path.parent) == written, "check wrote something"


@pytest.mark.parametrize("variant", params(VARIANTS))
def test_run_with_overwrite_refuses_before_touching_an_existing_results_directory(
    variant, tmp_path, workdir, results, capsys, monkeypatch
):
    monkeypatch.setattr(cli, "_prepare_output", _refuse_to_touch, raising=False)
    monkeypatch.setattr(shutil, "rmtree", _refuse_to_touch)
    path = write_variant(tmp_path, variant)
    before = tree(results)
    code, out, err = run_in_process(["run", str(path), "-o", str(results), "--overwrite", "-q"], capsys)
    assert_refused(code, out, err, path, variant)
    assert tree(results) == before
    assert tree(workdir) == {}


@pytest.mark.parametrize("variant_id", SUBPROCESS_IDS)
def test_check_and_run_as_a_process_refuse_without_traceback_and_leave_results_unchanged(variant_id, tmp_path, results):
    variant = BY_ID[variant_id]
    path = write_variant(tmp_path, variant)
    before = tree(results)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    for argv in (["check", str(path)], ["run", str(path), "-o", str(results), "--overwrite"]):
        code, out, err = run_subprocess(argv, cwd)
        assert_refused(code, out, err, path, variant)
        assert tree(results) == before
    assert tree(cwd) == {}


@pytest.mark.parametrize("path", EVERY_CASE, ids=[p.relative_to(ROOT).as_posix() for p in EVERY_CASE])
def test_every_shipped_case_passes_check(path, workdir, capsys):
    code, out, err = run_in_process(["check", str(path)], capsys)
    assert code == 0 and err == "", err
    assert out.startswith(f"{path}: valid ("), out
    assert tree(workdir) == {}
