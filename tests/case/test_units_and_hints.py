"""Units as battery people write them, range errors in the user's unit, and "did you mean" for names.

Quantities go through pint after a rewrite of the spellings it does not read (``cm2`` -> ``cm^2``,
``cm-2`` -> ``cm^-2``, ``°C`` -> ``degC``, superscripts, a middle dot); the guard against pint's
arithmetic still applies to the rewritten text. Unknown keys, tables, parameter sets, model names and
protocol verbs are answered with the closest valid name (difflib).
"""

import shutil
from pathlib import Path

import pytest

from phasefield.case import CaseError, load_case
from phasefield.case.protocol import ProtocolError, parse_step
from phasefield.parameters import resolve_parameter_set
from phasefield.units import UnitError, close_match, describe, did_you_mean, to_si, to_si_within

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_TEXT = (ROOT / "cases" / "li_prescribed_contact.toml").read_text()


@pytest.mark.parametrize(("text", "dimension", "si"), [
    ("0.5 mA/cm2", "current_density", 5.0),
    ("0.5 mA cm-2", "current_density", 5.0),
    ("0.5 mA cm^-2", "current_density", 5.0),
    ("0.5 mA*cm-2", "current_density", 5.0),
    ("0.5 mA·cm⁻²", "current_density", 5.0),
    ("0.5 mA/cm²", "current_density", 5.0),
    ("500 uA/cm2", "current_density", 5.0),
    ("500 µA cm-2", "current_density", 5.0),
    ("4 mAh/cm2", "areal_capacity", 144000.0),
    ("4 mAh cm-2", "areal_capacity", 144000.0),
    ("25 °C", "temperature", 298.15),
    ("25°C", "temperature", 298.15),
    ("25 ℃", "temperature", 298.15),
    ("-73.15 degC", "temperature", 200.0),
    ("12.97 cm3/mol", "molar_volume", 12.97e-6),
    ("12.97 cm3 mol-1", "molar_volume", 12.97e-6),
    ("5 ohm cm2", "area_specific_resistance", 5e-4),
    ("5 Ω cm2", "area_specific_resistance", 5e-4),
    ("3.5 mS/cm", "conductivity", 0.35),
    ("3.5 mS cm-1", "conductivity", 0.35),
    ("1.7e-3 s-1", "strain_rate", 1.7e-3),
    ("2e-13 cm2/s", "diffusivity", 2e-17),
    ("2e-13 cm2 s-1", "diffusivity", 2e-17),
    ("93.6°", "angle", 1.6336281798666925),
])
def test_units_as_battery_people_write_them(text, dimension, si):
    assert to_si(text, dimension) == pytest.approx(si, rel=1e-12, abs=0)


@pytest.mark.parametrize("text", [
    "1,5 mA/cm2", "10**10**10 mA/cm2", "1 mA/cm**10**10", "1.5.5 mA/cm2", "mA/cm2 1", "1 mA/cm100",
    "1 mA/cm2.5", "1 mA cm-2-2", "1 mA/cm2 * 2", "(1) mA/cm2", "1 mA/(cm2", "nan mA/cm2", "",
])
def test_the_guard_still_refuses_what_pint_would_evaluate(text):
    with pytest.raises(UnitError, match="cannot read"):
        to_si(text, "current_density")


def test_a_case_written_with_battery_units_loads_as_the_one_written_with_pint_units(tmp_path):
    shutil.copytree(ROOT / "meshes", tmp_path / "meshes")
    (tmp_path / "cases").mkdir()
    battery = (EXAMPLE_TEXT.replace('"25 degC"', '"25 °C"').replace("mA/cm^2", "mA cm-2")
               .replace("mAh/cm^2", "mAh/cm2"))
    assert "/cm^2" not in battery and "mA cm-2" in battery and "°C" in battery
    path = tmp_path / "cases" / "battery.toml"
    path.write_text(battery)
    mine, reference = load_case(path).case, load_case(ROOT / "cases" / "li_prescribed_contact.toml").case
    assert mine.cell == reference.cell and mine.contact == reference.contact and mine.time == reference.time
    assert [s.current_density for s in mine.protocol.steps] == [s.current_density for s in reference.protocol.steps]
    assert [s.capacity_limit for s in mine.protocol.steps] == [s.capacity_limit for s in reference.protocol.steps]


@pytest.mark.parametrize(("text", "dimension", "bounds", "message"), [
    ("-300 degC", "temperature", dict(ge=200.0), "expected at least -73.15 degC (200 K)"),
    ("-300 °C", "temperature", dict(ge=200.0), "expected at least -73.15 °C (200 K)"),
    ("5000 K", "temperature", dict(le=500.0), "expected at most 500 K"),
    ("900 degF", "temperature", dict(le=500.0), "expected at most 440.33 degF (500 K)"),
    ("1e6 MPa", "pressure", dict(le=1e9), "expected at most 1000 MPa (1e9 Pa)"),
    ("-5 um", "length", dict(gt=0.0), "expected more than 0 um"),
    ("0 mAh/cm2", "areal_capacity", dict(gt=0.0), "expected more than 0 mAh/cm2"),
    ("600 A cm-2", "current_density", dict(le=1e4), "expected at most 1 A cm-2 (10000 A/m^2)"),
    ("2 cm", "length", dict(le=1e-2), "expected at most 1 cm (0.01 m)"),
    ("0.5 s", "time", dict(gt=1.0), "expected more than 1 s"),
])
def test_a_value_out_of_range_is_refused_with_the_bound_in_the_unit_written(text, dimension, bounds, message):
    with pytest.raises(UnitError) as err:
        to_si_within(text, dimension, **bounds)
    assert str(err.value) == message


def test_a_value_within_range_passes_and_the_bound_reads_in_si_for_a_bare_number():
    assert to_si_within("25 degC", "temperature", ge=200.0, le=500.0) == pytest.approx(298.15)
    assert describe(0.5, "dimensionless", 3) == "0.5"
    assert describe(200.0, "temperature", "1 umm") == "200 K"  # the unit did not parse: SI alone


def test_close_match_is_case_insensitive_and_quiet_when_nothing_is_close():
    assert close_match("li", ["Li", "Li0.97Mg0.03"]) == "Li"
    assert close_match("temprature", ["temperature", "stack_pressure"]) == "temperature"
    assert close_match("extras", ["meta", "cell", "mesh"]) is None
    assert did_you_mean("solvr", ["solver", "sweep"], quote="[{}]") == "; did you mean [solver]?"
    assert did_you_mean(42, ["a"]) == ""


# ---------------------------------------------------------------------------------------------
# "did you mean" in the case file's one-line errors
# ---------------------------------------------------------------------------------------------


def refused(tmp_path: Path, old: str, new: str) -> str:
    assert old in EXAMPLE_TEXT, old
    if not (tmp_path / "meshes").exists():
        shutil.copytree(ROOT / "meshes", tmp_path / "meshes")
    (tmp_path / "cases").mkdir(exist_ok=True)
    path = tmp_path / "cases" / "hint.toml"
    path.write_text(EXAMPLE_TEXT.replace(old, new, 1))
    with pytest.raises(CaseError) as err:
        load_case(path)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message.removeprefix(f"{path}: ")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('temperature = "25 degC"', 'temprature = "25 degC"',
     "[cell] temprature: unknown key; did you mean 'temperature'?"),
    ("[time]", "[tiem]", "[tiem]: unknown key (no such table); did you mean [time]?"),
    ("fields_every = 5", "bogus = 5",
     "[output] bogus: unknown key; expected one of fields_every, interface_profile_every, line_scan_every, "
     "checkpoint_every, line_scan_at"),
    ('model = "prescribed_voids"', 'model = "phase_feild"',
     "[contact] model: expected one of 'full', 'prescribed_voids' or 'phase_field'; did you mean 'phase_field'? "
     "(got 'phase_feild')"),
    ('[metal]\nset = "Li"', '[metal]\nset = "Li0.97Mg0.3"',
     "[metal] set: no metal parameter set 'Li0.97Mg0.3'; choose one of ['Li', 'Li0.97Mg0.03']; "
     "did you mean 'Li0.97Mg0.03'? (got 'Li0.97Mg0.3')"),
    ('[metal]\nset = "Li"', '[metal]\nset = "Li"\nexchange_curent_density = "1 mA/cm2"',
     "[metal] exchange_curent_density: unknown parameter of set 'Li'; did you mean 'exchange_current_density'?"),
    ('"25 degC"', '"-300 degC"', "[cell] temperature: expected at least -73.15 degC (200 K) (got '-300 degC')"),
    ("void_count = 16", "void_count = 0", "[contact] void_count: expected at least 1 (got 0)"),
])
def test_case_errors_suggest_the_closest_name(tmp_path, old, new, expected):
    assert refused(tmp_path, old, new) == expected


@pytest.mark.parametrize(("step", "hint"), [
    ("Stirp at 0.5 mA/cm2 until 1 mAh/cm2", "did you mean 'Strip' for 'Stirp'?"),
    ("plaet at 0.5 mA/cm2 until 1 mAh/cm2", "did you mean 'Plate' for 'plaet'?"),
    ("Rset for 1 h", "did you mean 'Rest' for 'Rset'?"),
    ("Discharge at 0.5 mA/cm2 until 1 mAh/cm2", "a step starts with Strip, Plate, Rest or Hold"),
    ("Strip at 0.5 mA/cm2 untill 1 mAh/cm2", "did you mean 'until' for 'untill'?"),
    ("Strip at 0.5 mA/cm2 until 1 mAh/cm2 or overpotental 1 V", "did you mean 'overpotential' for 'overpotental'?"),
    ("Strip at 0.5 mA/cm2 until 1 mAh/cm2 or votlage 1 V", "did you mean 'voltage' for 'votlage'?"),
])
def test_protocol_steps_suggest_the_verb_or_keyword_meant(step, hint):
    with pytest.raises(ProtocolError) as err:
        parse_step(step)
    assert str(err.value).endswith(hint), str(err.value)


def test_protocol_steps_in_battery_units_parse():
    step = parse_step("Strip at 0.5 mA cm-2 until 4 mAh/cm2 or overpotential 1 V")
    assert step.current_density == pytest.approx(5.0) and step.capacity_limit == pytest.approx(144000.0)


@pytest.mark.parametrize(("name", "role", "fragment"), [
    ("li", "metal", "; did you mean 'Li'?"),
    ("Li6PS5Cl", "metal", "('Li6PS5Cl' is an electrolyte set)"),
    ("Li", "counter_electrode", "('Li' is a metal set)"),
    ("LPSCl", "electrolyte", "choose one of ['Li6PS5Cl']"),
])
def test_parameter_set_names_suggest_the_set_meant(name, role, fragment):
    with pytest.raises(KeyError) as err:
        resolve_parameter_set(name, role)
    assert fragment in err.value.args[0]
