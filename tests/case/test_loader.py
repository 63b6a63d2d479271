"""Case files: ``load_case`` turns valid TOML into SI values and refuses bad input with one clear line.

Every variant is the example case ``cases/li_prescribed_contact.toml`` with one edit, written to
``tmp_path`` next to a copy of the meshes it includes (so the relative include still resolves).
"""

import math
import shutil
import signal
from pathlib import Path

import pytest

from phasefield.case import CaseError, load_case
from phasefield.case.protocol import ProtocolError, parse_step
from phasefield.units import UnitError, to_si

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "cases" / "li_prescribed_contact.toml"
EXAMPLE_TEXT = EXAMPLE.read_text()
INCLUDE_LINE = 'include = "../meshes/window_2d.toml"'
STEP = '"Strip at 0.5 mA/cm^2 until 1.5 mAh/cm^2 or overpotential 1 V"'
META = '[meta]\ndescription = "Li, 0.5 mA/cm2, prescribed contact loss (foundation demo)"\n'
FRACTIONS = "fraction = [1.0, 0.8, 0.6, 0.35, 0.1, 0.02]"
CAPACITIES_SORTED = '"0.5 mAh/cm^2", "0.75 mAh/cm^2"'
CAPACITIES_DECREASING = '"0.5 mAh/cm^2", "0.1 mAh/cm^2"'


def edit(old: str, new: str, text: str = EXAMPLE_TEXT) -> str:
    """``text`` with the first ``old`` replaced by ``new`` (``old`` must be there)."""
    assert old in text, f"the example case no longer contains {old!r}; update the test"
    return text.replace(old, new, 1)


def write_case(tmp_path: Path, text: str, name: str = "variant.toml") -> Path:
    """Write ``text`` as ``tmp_path/cases/name`` with ``tmp_path/meshes`` copied alongside."""
    (tmp_path / "cases").mkdir(exist_ok=True)
    if not (tmp_path / "meshes").exists():
        shutil.copytree(ROOT / "meshes", tmp_path / "meshes")
    path = tmp_path / "cases" / name
    path.write_text(text)
    return path


def load_text(tmp_path: Path, text: str, name: str = "variant.toml"):
    return load_case(write_case(tmp_path, text, name))


# ---------------------------------------------------------------------------------------------
# The example and SI conversion
# ---------------------------------------------------------------------------------------------


def test_example_case_loads_with_its_description_protocol_and_materials():
    resolved = load_case(EXAMPLE)
    case = resolved.case
    assert case.meta.description.startswith("Li, 0.5 mA/cm2")
    assert [step.text for step in case.protocol.steps] == [STEP.strip('"')]
    assert {role: resolved.materials[role].name for role in resolved.materials} == {
        "metal": "Li", "electrolyte": "Li6PS5Cl", "counter_electrode": "In-InLi",
    }
    assert case.contact.model == "prescribed_voids" and case.contact.void_count == 16


def test_example_case_values_are_converted_to_si():
    case = load_case(EXAMPLE).case
    assert case.cell.temperature == pytest.approx(298.15)  # 25 degC
    assert case.cell.stack_pressure == pytest.approx(2.0e5)  # 0.2 MPa
    step = case.protocol.steps[0]
    assert step.current_density == pytest.approx(5.0)  # 0.5 mA/cm^2 = 5 A/m^2
    assert step.capacity_limit == pytest.approx(1.5 * 36000.0)  # 1 mAh/cm^2 = 36 C/cm^2 = 36000 C/m^2
    assert step.overpotential_limit == pytest.approx(1.0)
    assert case.contact.capacity == pytest.approx([0.0, 9000.0, 18000.0, 27000.0, 36000.0, 45000.0])
    assert case.contact.edge_width == pytest.approx(0.25e-6)
    assert case.time.dt_max == pytest.approx(600.0)
    assert case.time.capacity_step == pytest.approx(900.0)
    # from the included mesh file
    assert case.mesh.width == pytest.approx(160e-6)
    assert case.mesh.interface_cell_height == pytest.approx(0.25e-6)


@pytest.mark.parametrize(
    ("text", "dimension", "si"),
    [
        pytest.param("0.5 mA/cm^2", "current_density", 5.0, id="0.5mA/cm2-is-5A/m2"),
        pytest.param("25 degC", "temperature", 298.15, id="25degC-is-298.15K"),
        pytest.param("4 mAh/cm^2", "areal_capacity", 144000.0, id="4mAh/cm2-is-144000C/m2"),
        pytest.param("0.2 MPa", "pressure", 2.0e5, id="0.2MPa-is-2e5Pa"),
        pytest.param("2 h", "time", 7200.0, id="2h-is-7200s"),
        pytest.param("20 um", "length", 20e-6, id="20um-is-2e-5m"),
        pytest.param("3.5 mS/cm", "conductivity", 0.35, id="3.5mS/cm-is-0.35S/m"),
        pytest.param("5 ohm*cm^2", "area_specific_resistance", 5e-4, id="5ohm*cm2-is-5e-4ohm*m2"),
        pytest.param("12.97 cm^3/mol", "molar_volume", 12.97e-6, id="cm3/mol-to-m3/mol"),
        pytest.param("0.5 mA cm^-2", "current_density", 5.0, id="negative-exponent-form"),
    ],
)
def test_quantity_strings_convert_to_si(text, dimension, si):
    assert to_si(text, dimension) == pytest.approx(si, rel=1e-12, abs=0)


def test_case_with_4_mah_per_cm2_limit_loads_as_144000_coulomb_per_m2(tmp_path):
    text = edit("until 1.5 mAh/cm^2", "until 4 mAh/cm^2")
    assert load_text(tmp_path, text).case.protocol.steps[0].capacity_limit == pytest.approx(144000.0)


def test_override_of_exchange_current_density_replaces_value_and_records_the_case_file(tmp_path):
    text = edit('[metal]\nset = "Li"\n', '[metal]\nset = "Li"\nexchange_current_density = "2 mA/cm^2"\n')
    resolved = load_text(tmp_path, text, "override.toml")
    metal = resolved.materials["metal"]
    overridden = metal.parameters["exchange_current_density"]
    assert resolved.parameters("metal")["exchange_current_density"] == pytest.approx(20.0)
    assert overridden.text == "2 mA/cm^2"
    assert "override.toml" in overridden.source and overridden.source == "case file override.toml"
    # the other values, and the library set itself, are untouched
    default = load_case(EXAMPLE).materials["metal"]
    assert metal.parameters["molar_volume"] == default.parameters["molar_volume"]
    assert default.parameters["exchange_current_density"].text == "5 mA/cm^2"
    assert "case file" not in default.parameters["exchange_current_density"].source


def test_mesh_include_with_absolute_path_and_key_override_merges_both(tmp_path):
    absolute = f"include = '{(ROOT / 'meshes' / 'window_2d.toml').as_posix()}'"
    text = edit(INCLUDE_LINE, f'{absolute}\ncells_along_interface = 64\nwidth = "80 um"')
    path = tmp_path / "elsewhere.toml"  # no meshes/ next to it: only the absolute path can work
    path.write_text(text)
    mesh = load_case(path).case.mesh
    assert mesh.cells_along_interface == 64 and mesh.width == pytest.approx(80e-6)  # overridden
    assert mesh.metal_height == pytest.approx(20e-6) and mesh.electrolyte_cells == 16  # included


def test_mesh_include_relative_to_the_case_file_resolves_3d_window(tmp_path):
    mesh = load_text(tmp_path, edit("window_2d.toml", "window_3d.toml")).case.mesh
    assert mesh.dimension == 3
    assert mesh.depth == pytest.approx(40e-6) and mesh.cells_across == 40


# ---------------------------------------------------------------------------------------------
# Protocol steps in words
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Strip at 0.5 mA/cm^2 until 1.5 mAh/cm^2 or overpotential 1 V",
            dict(kind="strip", current_density=5.0, capacity_limit=54000.0, overpotential_limit=1.0),
            id="strip-capacity-or-overpotential",
        ),
        pytest.param(
            "Plate at 0.28 mA/cm^2 until 2.6 mAh/cm^2 or voltage -0.1 V",
            dict(kind="plate", current_density=-2.8, capacity_limit=93600.0, voltage_limit=-0.1),
            id="plate-is-negative-capacity-or-voltage",
        ),
        pytest.param(
            "plate AT 1 mA/cm^2 UNTIL 30 min or 0.5 mAh/cm^2",
            dict(kind="plate", current_density=-10.0, time_limit=1800.0, capacity_limit=18000.0),
            id="plate-time-or-capacity-case-insensitive",
        ),
        pytest.param(
            "Strip at 2 mA/cm^2 for 2 h",
            dict(kind="strip", current_density=20.0, time_limit=7200.0),
            id="strip-for-time",
        ),
        pytest.param("Rest for 1 h", dict(kind="rest", current_density=0.0, time_limit=3600.0), id="rest"),
        pytest.param(
            "Rest until 10 min or voltage 0.5 V",
            dict(kind="rest", current_density=0.0, time_limit=600.0, voltage_limit=0.5),
            id="rest-time-or-voltage",
        ),
    ],
)
def test_protocol_step_parses_to_si_limits_with_plating_negative(text, expected):
    step = parse_step(text)
    limits = ("capacity_limit", "time_limit", "overpotential_limit", "voltage_limit")
    for name in ("current_density", *limits):
        want = expected.get(name)
        got = getattr(step, name)
        assert (got is None) if want is None else got == pytest.approx(want), name
    assert step.kind == expected["kind"] and step.text == text


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("Strip at 0.5 mA/cm^2", "never ends", id="no-limit"),
        pytest.param("Strip at 0.5 mA/cm^2 until overpotential 1 V", "needs a capacity or time",
                     id="only-overpotential"),
        pytest.param("Plate at 0.5 mA/cm^2 until voltage -0.1 V", "needs a capacity or time",
                     id="only-voltage"),
        pytest.param("Rest", "never ends", id="rest-without-time"),
        pytest.param("Rest for inf h", "cannot read the limit 'inf h'", id="rest-for-infinite-time"),
        pytest.param("Strip at 0.5 mA/cm^2 until 1e999 mAh/cm^2", "cannot read the limit",
                     id="infinite-capacity"),
        pytest.param("Strip at 0.5 mA/cm^2 for 1 mAh/cm^2", "'for' takes a time", id="for-with-capacity"),
        pytest.param("Strip at 0.5 mA/cm^2 until 1 mAh/cm^2 or 2 mAh/cm^2", "two capacity",
                     id="two-capacities"),
        pytest.param("Strip at 0 mA/cm^2 until 1 mAh/cm^2", "must be positive", id="zero-current"),
        pytest.param("Plate at -1 mA/cm^2 until 1 mAh/cm^2", "must be positive", id="negative-current"),
        pytest.param("Strip at 0.5 mA/cm^2 until 0 mAh/cm^2", "must be positive", id="zero-capacity"),
        pytest.param("Rest at 1 mA/cm^2 for 1 h", "has no current", id="rest-with-current"),
        pytest.param("Rest until 1 mAh/cm^2", "cannot end on a capacity", id="rest-until-capacity"),
        pytest.param("Strip at 0.5 V until 1 mAh/cm^2", "is not a current density", id="current-in-volts"),
        pytest.param("Strip at 1,5 mA/cm^2 until 1 mAh/cm^2", "cannot read '1,5 mA/cm^2'",
                     id="decimal-comma"),
        pytest.param("Discharge at 1 mA until 1 h", "cannot read the step", id="unknown-verb"),
    ],
)
def test_protocol_step_that_is_unbounded_or_malformed_is_refused_with_reason(text, fragment):
    with pytest.raises(ProtocolError, match=None) as err:
        parse_step(text)
    assert fragment in str(err.value)


# ---------------------------------------------------------------------------------------------
# Bad input: one line naming the file, the key and the value
# ---------------------------------------------------------------------------------------------

#: (variant text, key shown in the message, fragment of the message, value shown as "(got ...)").
BAD = [
    pytest.param(edit('set = "Li"', 'set = "Li'), "(file)", "malformed TOML", None, id="malformed-toml"),
    pytest.param(edit(META, ""), "[meta]", "required key is missing", None, id="missing-meta-table"),
    pytest.param(edit(f"[mesh]\n{INCLUDE_LINE}\n", ""), "[mesh]", "required key is missing", None,
                 id="missing-mesh-table"),
    pytest.param(edit(f"[protocol]\nsteps = [{STEP}]\n", ""), "[protocol]", "required key is missing", None,
                 id="missing-protocol-table"),
    pytest.param(edit("stack_pressure", "stack_presure"), "[cell] stack_presure", "unknown key", None,
                 id="unknown-key-typo"),
    pytest.param(EXAMPLE_TEXT + "\n[solvr]\nmax_iterations = 3\n", "[solvr]", "unknown key", None,
                 id="unknown-table"),
    pytest.param(edit('"25 degC"', '"5 MPa"'), "[cell] temperature", "'5 MPa' is not a temperature", "5 MPa",
                 id="wrong-dimension"),
    pytest.param(edit('"25 degC"', "298"), "[cell] temperature", "a bare number has no unit", 298,
                 id="bare-number-needs-unit"),
    pytest.param(edit('"0.25 um"', '"0.25 umm"'), "[contact] edge_width",
                 "cannot read '0.25 umm' as a quantity", "0.25 umm", id="malformed-quantity"),
    pytest.param(edit('"0.25 um"', '"0,25 um"'), "[contact] edge_width",
                 "cannot read '0,25 um' as a quantity", "0,25 um", id="decimal-comma-quantity"),
    pytest.param(edit('"0.2 MPa"', '"10**10**10 MPa"'), "[cell] stack_pressure", "cannot read",
                 "10**10**10 MPa", id="quantity-with-runaway-arithmetic"),
    pytest.param(edit('"10 min"', '"1e999 min"'), "[time] dt_max", "not a finite time", "1e999 min",
                 id="infinite-quantity"),
    pytest.param(edit('"25 degC"', '"5000 K"'), "[cell] temperature", "expected at most 500 K", "5000 K",
                 id="temperature-out-of-range"),
    pytest.param(edit('"0.2 MPa"', '"1e6 MPa"'), "[cell] stack_pressure", "expected at most 1000 MPa (1e9 Pa)",
                 "1e6 MPa", id="stack-pressure-out-of-range"),
    pytest.param(edit("[contact]", '[creep]\nmodel = "power_law"\n\n[contact]'), "[creep] model",
                 'creep moves the voids of [contact] model = "phase_field"', "power_law", id="creep-without-voids"),
    pytest.param(edit(INCLUDE_LINE, f'{INCLUDE_LINE}\nwidth = "-5 um"'), "[mesh] width", "expected more than 0 um",
                 "-5 um", id="negative-mesh-size"),
    pytest.param(edit(INCLUDE_LINE, f'{INCLUDE_LINE}\ninterface_cell_height = "0 um"'),
                 "[mesh] interface_cell_height", "expected at least 0.0001 um (1e-10 m)", "0 um", id="zero-mesh-size"),
    pytest.param(edit(STEP, '"Strip at 0.5 mA/cm^2"'), "[protocol] steps[0]", "never ends",
                 "Strip at 0.5 mA/cm^2", id="protocol-step-never-ends"),
    pytest.param(edit(STEP, f'{STEP}, "Rest for inf h"'), "[protocol] steps[1]", "cannot read the limit",
                 "Rest for inf h", id="protocol-rest-for-infinite-time"),
    pytest.param(edit(STEP, '"Strip at 0.5 mAh/cm^2 until 1.5 mAh/cm^2"'), "[protocol] steps[0]",
                 "'0.5 mAh/cm^2' is not a current density", "Strip at 0.5 mAh/cm^2 until 1.5 mAh/cm^2",
                 id="protocol-step-wrong-units"),
    pytest.param(edit(STEP, '"Strip at 0.5 mA/cm^2 until voltage 1 V"'), "[protocol] steps[0]",
                 "needs a capacity or time limit", "Strip at 0.5 mA/cm^2 until voltage 1 V",
                 id="protocol-only-voltage-cutoff"),
    pytest.param(edit(f"steps = [{STEP}]", "steps = []"), "[protocol] steps", "at least 1 item", [],
                 id="protocol-without-steps"),
    pytest.param(edit('set = "Li"', 'set = "Na"'), "[metal] set", "no metal parameter set 'Na'", "Na",
                 id="unknown-parameter-set"),
    pytest.param(edit('set = "Li6PS5Cl"', 'set = "Li"'), "[electrolyte] set",
                 "no electrolyte parameter set 'Li'", "Li", id="parameter-set-of-another-role"),
    pytest.param(edit('set = "Li"', 'set = "Li"\nexchange_curent_density = "5 mA/cm^2"'),
                 "[metal] exchange_curent_density", "unknown parameter of set 'Li'", None,
                 id="unknown-material-override-key"),
    pytest.param(edit('set = "Li"', 'set = "Li"\nexchange_current_density = "5 V"'),
                 "[metal] exchange_current_density", "'5 V' is not a current density", "5 V",
                 id="override-wrong-units"),
    pytest.param(edit('set = "Li"', 'set = "Li"\nexchange_current_density = "nan mA/cm^2"'),
                 "[metal] exchange_current_density", "cannot read", "nan mA/cm^2",
                 id="override-not-a-number"),
    pytest.param(edit('set = "Li"', 'set = "Li"\nexchange_current_density = ["5 mA/cm^2"]'),
                 "[metal] exchange_current_density", "valid string", ["5 mA/cm^2"], id="override-wrong-type"),
    pytest.param(edit(FRACTIONS, "fraction = [1.0, 0.8, 0.6]"), "[contact]",
                 "`capacity` and `fraction` need the same length, got 6 and 3", None,
                 id="contact-table-lengths-differ"),
    pytest.param(edit(CAPACITIES_SORTED, CAPACITIES_DECREASING), "[contact] capacity",
                 "capacities must not decrease", None, id="contact-capacities-decrease"),
    pytest.param(edit("0.02]", "1.5]"), "[contact] fraction[5]", "expected at most 1", 1.5,
                 id="contact-fraction-above-one"),
    pytest.param(edit("void_count = 16", 'void_count = "sixteen"'), "[contact] void_count", "valid integer",
                 "sixteen", id="wrong-type-for-integer"),
    pytest.param(edit("[meta]\n", '[meta]\ntarget = "T9"\n'), "[meta] target", "'T1', 'T2'", "T9",
                 id="bad-meta-target"),
    pytest.param(edit(INCLUDE_LINE, f'{INCLUDE_LINE}\ndimension = 3\ncells_across = 4'), "[mesh]",
                 "a 3-D mesh needs `depth`", None, id="3d-mesh-without-depth"),
    pytest.param(edit(INCLUDE_LINE, f'{INCLUDE_LINE}\ninterface_cell_height = "30 um"'), "[mesh]",
                 "interface_cell_height exceeds metal_height", None, id="mesh-grading-inconsistent"),
    pytest.param(edit(INCLUDE_LINE, "include = 5"), "[mesh] include", "expected a path", 5,
                 id="mesh-include-not-a-path"),
]


@pytest.mark.parametrize(("text", "key", "fragment", "given"), BAD)
def test_bad_case_is_refused_with_one_line_naming_file_key_and_value(tmp_path, text, key, fragment, given):
    path = write_case(tmp_path, text, "bad_case.toml")
    with pytest.raises(CaseError) as err:
        load_case(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {key}"), message
    assert "bad_case.toml" in message
    assert fragment in message, message
    if given is not None:
        assert message.endswith(f"(got {given!r})"), message
        assert err.value.key == key
    assert err.value.path == path
    assert "{'" not in message, "a whole table is dumped into the message"


def test_quantity_with_runaway_arithmetic_is_refused_quickly(tmp_path):
    """pint evaluates arithmetic; ``10**10**10`` must be refused before it is computed."""
    def too_slow(*_):
        raise TimeoutError("to_si did not return within 5 s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(5)
    try:
        for text in ("10**10**10 K", "1 K**10**10**10", "2**2**2**2**2 K", "1" + "0" * 400 + " K"):
            with pytest.raises(UnitError):
                to_si(text, "temperature")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("text", ["1,5 K", "1.5.5 K", "K 300", "nan K", "inf K", "25 degC * 2", ""])
def test_quantity_that_pint_would_misread_is_refused(text):
    with pytest.raises(UnitError, match="cannot read"):
        to_si(text, "temperature")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_dimensionless_number_is_refused(value):
    with pytest.raises(UnitError, match="finite"):
        to_si(value, "dimensionless")


def test_mesh_include_pointing_to_missing_file_names_the_file_and_the_include_key(tmp_path):
    path = write_case(tmp_path, edit("window_2d.toml", "window_9d.toml"))
    with pytest.raises(CaseError) as err:
        load_case(path)
    message = str(err.value)
    assert "\n" not in message
    missing = tmp_path / "cases" / ".." / "meshes" / "window_9d.toml"
    assert message == f"{missing}: [mesh] include: file not found"


def test_mesh_include_of_a_file_without_a_mesh_table_is_refused_without_traceback(tmp_path):
    (tmp_path / "scalar.toml").write_text("mesh = 5\n")
    path = tmp_path / "case.toml"
    path.write_text(edit(INCLUDE_LINE, 'include = "scalar.toml"'))
    with pytest.raises(CaseError, match=r"scalar\.toml: \[mesh\]: expected a \[mesh\] table \(got 5\)"):
        load_case(path)


@pytest.mark.parametrize(
    ("include", "fragment"),
    [
        pytest.param("../meshes", "cannot read", id="directory"),
        pytest.param("a" * 5000 + ".toml", "cannot read", id="name-too-long"),
        pytest.param("bad\\u0000name.toml", "cannot read", id="nul-in-name"),
    ],
)
def test_mesh_include_that_cannot_be_opened_is_refused_without_traceback(tmp_path, include, fragment):
    path = write_case(tmp_path, edit(INCLUDE_LINE, f'include = "{include}"'))
    with pytest.raises(CaseError) as err:
        load_case(path)
    assert "[mesh] include: " + fragment in str(err.value)


def test_case_file_that_does_not_exist_is_refused_with_its_path(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(CaseError, match=r"nowhere\.toml: \(file\): file not found"):
        load_case(path)
