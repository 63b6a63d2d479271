"""Requirement: a user's parameter set file is read like the built-in ones. With ``base`` it changes only
the values it names (each with its value, standing and source); without, it must give every parameter
the model reads. A malformed file is refused in one line naming the file and the key."""

import math
from pathlib import Path

import pytest
import tomli_w

from phasefield.parameters import PARAMETER_SETS, ParameterSetError, read_parameter_set, resolve_parameter_set

OVERLAY = """name = "my Li"
description = "Li with a faster exchange"
base = "Li"

[parameters.exchange_current_density]
value = "2 mA/cm2"
standing = "L"
source = "my measurement (impedance, 2026)"
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_an_overlay_changes_only_the_values_it_names(tmp_path):
    pset = read_parameter_set(write(tmp_path, "my_li.toml", OVERLAY))
    li = PARAMETER_SETS["Li"]
    assert (pset.name, pset.role, pset.description) == ("my Li", "metal", "Li with a faster exchange")
    i0 = pset.parameters["exchange_current_density"]
    assert i0.si == pytest.approx(20.0, rel=1e-15)  # 2 mA/cm^2 in A/m^2
    assert (i0.standing, i0.source, i0.dimension) == ("L", "my measurement (impedance, 2026)", "current_density")
    assert i0.description == li.parameters["exchange_current_density"].description  # from the base
    assert {k: p for k, p in pset.parameters.items() if k != "exchange_current_density"} == \
        {k: p for k, p in li.parameters.items() if k != "exchange_current_density"}


def test_a_base_may_be_another_file_and_the_name_defaults_to_the_file_name(tmp_path):
    write(tmp_path, "my_li.toml", OVERLAY)
    pset = read_parameter_set(write(tmp_path, "hot.toml", 'base = "my_li.toml"\n[parameters.contact_angle]\n'
                                    'value = "100 deg"\nstanding = "U"\nsource = "a guess"\n'))
    assert pset.name == "hot"
    assert pset.si()["exchange_current_density"] == pytest.approx(20.0, rel=1e-15)
    assert pset.si()["contact_angle"] == pytest.approx(math.radians(100.0), rel=1e-15)


def test_a_set_without_base_gives_every_parameter_and_reads_as_written(tmp_path):
    li = PARAMETER_SETS["Li"]
    document = {"role": "metal", "parameters": {
        key: {"value": p.text, "standing": p.standing, "source": p.source} for key, p in li.parameters.items()}}
    document["parameters"]["magnesium_fraction"]["value"] = 0.01
    pset = read_parameter_set(write(tmp_path, "full.toml", tomli_w.dumps(document)))
    expected = {**li.si(), "magnesium_fraction": 0.01}
    assert pset.si() == expected  # exactly: the same texts give the same numbers
    assert pset.parameters["contact_angle"].description == li.parameters["contact_angle"].description


def test_a_set_file_names_its_role_for_a_case(tmp_path):
    write(tmp_path, "my_li.toml", OVERLAY)
    assert resolve_parameter_set("my_li.toml", "metal", tmp_path).name == "my Li"
    with pytest.raises(KeyError, match="the set file is a metal set, not an electrolyte set"):
        resolve_parameter_set("my_li.toml", "electrolyte", tmp_path)


ENTRY = '[parameters.exchange_current_density]\nvalue = "2 mA/cm2"\nstanding = "L"\nsource = "mine"\n'


MALFORMED = {
    "missing-source": ('base = "Li"\n' + ENTRY.replace('source = "mine"\n', ""),
                       "[parameters.exchange_current_density] source: required key is missing"),
    "empty-source": ('base = "Li"\n' + ENTRY.replace('"mine"', '" "'),
                     "[parameters.exchange_current_density] source: expected a non-empty string (got ' ')"),
    "unknown-standing": ('base = "Li"\n' + ENTRY.replace('"L"', '"measured"'),
                         "[parameters.exchange_current_density] standing: expected one of V, L, U, F (V stated in "
                         "the seed paper; L literature; U uncertain; F fitted) (got 'measured')"),
    "standing-not-a-string": ('base = "Li"\n' + ENTRY.replace('"L"', '["L"]'),
                              "[parameters.exchange_current_density] standing: expected one of V, L, U, F (V stated "
                              "in the seed paper; L literature; U uncertain; F fitted) (got ['L'])"),
    "bad-unit": ('base = "Li"\n' + ENTRY.replace('"2 mA/cm2"', '"2 mA"'),
                 "[parameters.exchange_current_density] value: '2 mA' is not a current density, write it like "
                 "'0.5 mA/cm^2' (got '2 mA')"),
    "bare-number": ('base = "Li"\n' + ENTRY.replace('"2 mA/cm2"', "2"),
                    "[parameters.exchange_current_density] value: a bare number has no unit: write it like "
                    "'0.5 mA/cm^2' (got 2)"),
    "other-dimension": ('base = "Li"\n' + ENTRY + 'dimension = "length"\n',
                        "[parameters.exchange_current_density] dimension: expected current_density (got 'length')"),
    "unknown-parameter": ('base = "Li"\n' + ENTRY.replace("exchange_current_density", "exchange_curent_density"),
                          "[parameters.exchange_curent_density]: unknown parameter of metal sets; did you mean "
                          "'exchange_current_density'?"),
    "unknown-entry-key": ('base = "Li"\n' + ENTRY + 'sourse = "x"\n',
                          "[parameters.exchange_current_density] sourse: unknown key; did you mean 'source'?"),
    "unknown-top-key": ('bsae = "Li"\n' + ENTRY, "bsae: unknown key; did you mean 'base'?"),
    "unknown-base": ('base = "Lithium"\n' + ENTRY,
                     "base: no parameter set of that name; choose one of ['In-InLi', 'Li', 'Li0.97Mg0.03', "
                     "'Li6PS5Cl'] or a path to a .toml file (got 'Lithium')"),
    "role-of-another-base": ('base = "Li"\nrole = "electrolyte"\n' + ENTRY,
                             "role: expected 'metal', the role of its base (got 'electrolyte')"),
    "no-role": (ENTRY, "role: required key is missing"),
    "missing-parameters": ('role = "counter_electrode"\n[parameters.equilibrium_potential]\nvalue = "0.6 V"\n'
                           'standing = "U"\nsource = "mine"\n',
                           "[parameters]: missing area_specific_resistance (the model reads every parameter of the "
                           "counter_electrode sets; or name a set to change with `base`)"),
    "not-a-table": ('base = "Li"\nparameters = 3\n', "[parameters]: expected a table of parameters (got 3)"),
    "malformed-toml": ('base = "Li\n', "(file): malformed TOML: "),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_set_file_is_refused_in_one_line_naming_file_and_key(tmp_path, case):
    text, expected = MALFORMED[case]
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ParameterSetError) as err:
        read_parameter_set(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {expected}"), message
    assert "\n" not in message


def test_bases_that_form_a_loop_are_refused(tmp_path):
    write(tmp_path, "a.toml", 'base = "b.toml"\n')
    b = write(tmp_path, "b.toml", 'base = "a.toml"\n')
    with pytest.raises(ParameterSetError, match=r"a\.toml: base: the bases form a loop \(got '.*b\.toml'\)"):
        read_parameter_set(b)


def test_a_missing_set_file_is_refused(tmp_path):
    with pytest.raises(ParameterSetError, match=r"nothere\.toml: \(file\): file not found"):
        read_parameter_set(tmp_path / "nothere.toml")
