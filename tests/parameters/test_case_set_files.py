"""Requirement: a case may name a user's parameter set file (``[metal] set = "sets/my_li.toml"``, relative
to the case file); its values reach the run with their sources, case overrides still apply on top, the
copy of the case written with the results reads the same file from any directory, and a malformed set
file stops ``phasefield check`` with one line naming the case, the set file and the key (exit 2)."""

import json
import shutil
from pathlib import Path

import pytest
import tomli_w
from helpers import DATA, run_in_process

from phasefield.case import load_case
from phasefield.case.compare import differences

MY_LI = """description = "Li with a slower exchange"
base = "Li"

[parameters.exchange_current_density]
value = "0.5 mA/cm2"
standing = "L"
source = "my measurement (impedance, 2026)"
"""


def case_with_set_file(folder: Path, set_text: str = MY_LI, metal: str = "") -> Path:
    """tests/data/small_prescribed.toml in ``folder/cases`` with ``[metal] set = "sets/my_li.toml"``."""
    (folder / "cases" / "sets").mkdir(parents=True)
    (folder / "cases" / "sets" / "my_li.toml").write_text(set_text)
    text = (DATA / "small_prescribed.toml").read_text()
    assert '[metal]\nset = "Li"\n' in text
    case = folder / "cases" / "mine.toml"
    case.write_text(text.replace('[metal]\nset = "Li"\n', f'[metal]\nset = "sets/my_li.toml"\n{metal}'))
    return case


def test_a_case_reads_the_values_of_its_set_file(tmp_path):
    resolved = load_case(case_with_set_file(tmp_path))
    metal = resolved.materials["metal"]
    assert (metal.name, metal.role) == ("my_li", "metal")
    assert resolved.parameters("metal")["exchange_current_density"] == pytest.approx(5.0, rel=1e-15)  # A/m^2
    assert metal.parameters["exchange_current_density"].source == "my measurement (impedance, 2026)"
    assert resolved.parameters("metal")["contact_angle"] == load_case(DATA / "small_prescribed.toml").parameters(
        "metal")["contact_angle"]


def test_case_overrides_apply_on_top_of_the_set_file(tmp_path):
    resolved = load_case(case_with_set_file(tmp_path, metal='exchange_current_density = "1 mA/cm2"\n'))
    i0 = resolved.materials["metal"].parameters["exchange_current_density"]
    assert i0.si == pytest.approx(10.0, rel=1e-15)
    assert (i0.standing, i0.source) == ("case", "case file mine.toml")


def test_the_copy_of_the_case_reads_the_same_set_file_from_another_directory(tmp_path):
    resolved = load_case(case_with_set_file(tmp_path))
    assert resolved.raw["metal"]["set"] == str((tmp_path / "cases" / "sets" / "my_li.toml").resolve())
    copy = tmp_path / "results" / "case.toml"
    copy.parent.mkdir()
    copy.write_text(tomli_w.dumps(resolved.raw))
    assert differences(load_case(copy), resolved) == []
    shutil.move(tmp_path / "cases" / "sets", tmp_path / "elsewhere")
    with pytest.raises(ValueError, match=r"case\.toml: \[metal\] set: .*my_li\.toml: \(file\): file not found"):
        load_case(copy)


def test_a_malformed_set_file_of_a_case_is_one_line_and_exit_2(tmp_path, capsys):
    case = case_with_set_file(tmp_path, MY_LI.replace('"0.5 mA/cm2"', '"0.5 mA/cm"'))
    code, out, err = run_in_process(["check", str(case)], capsys)
    set_file = (tmp_path / "cases" / "sets" / "my_li.toml").resolve()
    assert (code, out) == (2, "")
    assert err == (f"phasefield: error: {case}: [metal] set: {set_file}: [parameters.exchange_current_density] "
                   "value: '0.5 mA/cm' is not a current density, write it like '0.5 mA/cm^2' (got '0.5 mA/cm')\n")


def test_a_set_file_of_another_role_is_refused(tmp_path, capsys):
    case = case_with_set_file(tmp_path)
    case.write_text(case.read_text() + '\n[electrolyte]\nset = "sets/my_li.toml"\n')
    code, _, err = run_in_process(["check", str(case)], capsys)
    assert code == 2
    set_file = (tmp_path / "cases" / "sets" / "my_li.toml").resolve()
    assert err == (f"phasefield: error: {case}: [electrolyte] set: the set file is a metal set, not an electrolyte "
                   f"set (got '{set_file}')\n")


def test_a_run_records_the_values_and_sources_of_the_set_file(tmp_path, capsys):
    case = case_with_set_file(tmp_path)
    text = case.read_text()
    steps = '["Strip at 0.5 mA/cm^2 until 0.3 mAh/cm^2", "Rest for 10 min", "Plate at 0.5 mA/cm^2 until 0.1 mAh/cm^2"]'
    assert steps in text
    case.write_text(text.replace(steps, '["Strip at 0.5 mA/cm^2 until 0.05 mAh/cm^2"]'))
    code, _, err = run_in_process(["run", str(case), "-o", str(tmp_path / "out"), "-q"], capsys)
    assert code == 0, err
    metal = json.loads((tmp_path / "out" / "run.json").read_text())["parameters"]["metal"]
    assert metal["set"] == "my_li"
    assert metal["exchange_current_density"] == {
        "value": "0.5 mA/cm2", "si": 5.0, "source": "my measurement (impedance, 2026)", "standing": "L",
        "description": "exchange current density of Li/Li+ at the metal-electrolyte contact (Butler-Volmer)"}
    assert metal["contact_angle"]["standing"] == "V"
