"""Requirement: an override (``--set table.key=value``, the API's ``overrides=``) changes the case before
validation, is validated like the case file (an error names the override, exit 2 on the command line), is
recorded in run.json and the case copy, carries into every sweep member, and takes part in the restart
check."""

import json

import pytest
from helpers import DATA, run_in_process

from phasefield.case import CaseError, load_case
from phasefield.case.overrides import Overrides, toml_value
from phasefield.case.sweep import sweep_members

CASE = DATA / "small_prescribed.toml"
PREFIX = "phasefield: error: "


def load(*assignments: str):
    return load_case(CASE, overrides=Overrides.parse(assignments, CASE))


@pytest.mark.parametrize(("text", "value"), [
    ("1 MPa", "1 MPa"), ('"1 MPa"', "1 MPa"), ("100", 100), ("1.5", 1.5), ("true", True),
    ("phase_field", "phase_field"), ('["a", "b"]', ["a", "b"]), ("1\nx = 2", "1\nx = 2"),
])
def test_a_set_value_is_read_as_toml_when_it_is_a_toml_value_else_as_text(text, value):
    assert toml_value(text) == value


def test_overrides_replace_the_values_of_the_file_in_si():
    resolved = load("cell.stack_pressure=1 MPa", "time.max_steps=7", "metal.exchange_current_density=2 mA/cm2")
    assert resolved.case.cell.stack_pressure == pytest.approx(1.0e6, rel=1e-12)
    assert resolved.case.time.max_steps == 7
    assert resolved.parameters("metal")["exchange_current_density"] == pytest.approx(20.0, rel=1e-12)  # A/m^2
    assert resolved.materials["metal"].parameters["exchange_current_density"].source \
        == "--set metal.exchange_current_density"
    assert resolved.materials["metal"].parameters["molar_volume"].source == plain_source("molar_volume")
    assert resolved.overrides == {"cell.stack_pressure": "1 MPa", "time.max_steps": 7,
                                  "metal.exchange_current_density": "2 mA/cm2"}
    assert resolved.raw["cell"]["stack_pressure"] == "1 MPa"  # the case copy holds the value as given
    plain = load_case(CASE)
    assert plain.case.cell.stack_pressure == pytest.approx(2.0e5) and plain.overrides == {}


def plain_source(key: str) -> str:
    return load_case(CASE).materials["metal"].parameters[key].source


def test_a_later_set_of_the_same_key_wins():
    assert load("time.max_steps=3", "time.max_steps=9").case.time.max_steps == 9


def test_the_document_given_is_not_changed():
    raw = {"meta": {"description": "x"}, "cell": {"stack_pressure": "0.2 MPa"}}
    assert Overrides({"cell.stack_pressure": "1 MPa"}).apply(CASE, raw)["cell"]["stack_pressure"] == "1 MPa"
    assert raw["cell"]["stack_pressure"] == "0.2 MPa"


@pytest.mark.parametrize(("assignments", "line"), [
    (["cell.stack_presure=1 MPa"], "--set cell.stack_presure: unknown key; did you mean 'stack_pressure'?"),
    (["cell.stack_pressure=1 kg"], "--set cell.stack_pressure: '1 kg' is not a pressure"),
    (["cell.stack_pressure=-1 MPa"], "--set cell.stack_pressure: expected at least 0 MPa"),
    (["cel.stack_pressure=1 MPa"],
     "--set cel.stack_pressure: [cel]: unknown key (no such table); did you mean [cell]?"),
    (["metal.exchange_current_densty=2 mA/cm2"], "--set metal.exchange_current_densty: unknown parameter of set 'Li'"),
    (["time.max_steps=1.5"], "--set time.max_steps: expected a valid integer"),
    (["metal.interface_vacancy_annihilation_share=1.5"],
     "--set metal.interface_vacancy_annihilation_share: expected at most 1"),
    (['protocol.steps=["Stirp at 1 mA/cm2 until 1 mAh/cm2"]'], "--set protocol.steps: cannot read the step"),
    (["meta.description.text=x"], "--set meta.description.text: [meta] description is a value, not a table"),
    (["stack_pressure=1 MPa"], "--set stack_pressure=1 MPa: expected TABLE.KEY=VALUE"),
    (["cell.stack_pressure"], "--set cell.stack_pressure: expected TABLE.KEY=VALUE"),
    (["contact.model=full"], "[contact] void_count (with --set contact.model): not read by this case's models"),
])
def test_a_bad_override_is_one_error_that_names_it(assignments, line):
    with pytest.raises(CaseError) as caught:
        load(*assignments)
    assert str(caught.value).startswith(f"{CASE}: {line}")
    assert "\n" not in str(caught.value)


def test_an_override_error_from_python_names_the_origin_given():
    with pytest.raises(CaseError, match=r": overrides cell\.stack_presure: unknown key"):
        load_case(CASE, overrides=Overrides({"cell.stack_presure": "1 MPa"}, origin="overrides"))


def test_every_sweep_member_carries_the_overrides():
    sweep = DATA.parent.parent / "cases" / "t3_li_pressure_sweep.toml"
    resolved = load_case(sweep, overrides=Overrides({"time.max_steps": 4}))
    members = sweep_members(resolved)
    assert len(members) > 1
    assert {member.resolved.case.time.max_steps for member in members} == {4}
    assert all("max_steps = 4" in member.toml() for member in members)


@pytest.mark.parametrize("verb", ["check", "run", "sweep"])
def test_the_command_line_refuses_a_bad_set_with_exit_2_and_one_line(verb, tmp_path, capsys):
    case = DATA.parent.parent / "cases" / "t3_li_pressure_sweep.toml" if verb == "sweep" else CASE
    code, _, err = run_in_process([verb, str(case), *(["-o", str(tmp_path / "out")] if verb != "check" else []),
                                   "--set", "cell.stack_pressure=1 kg"], capsys)
    assert code == 2
    assert err.startswith(f"{PREFIX}{case}: --set cell.stack_pressure: '1 kg' is not a pressure")
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_a_run_records_its_overrides_and_restarts_only_with_them(tmp_path, capsys):
    output = tmp_path / "run"
    sets = ["--set", "cell.stack_pressure=1 MPa", "--set", "time.max_steps=2"]
    code, _, err = run_in_process(["run", str(CASE), "-o", str(output), "-q", *sets], capsys)
    assert code == 0, err
    metadata = json.loads((output / "run.json").read_text())
    assert metadata["overrides"] == {"cell.stack_pressure": "1 MPa", "time.max_steps": 2}
    assert metadata["case"]["cell"]["stack_pressure"] == pytest.approx(1.0e6)
    assert metadata["status"].startswith("stopped: max_steps = 2")
    copy = load_case(output / "case.toml")  # the case copy runs the overridden case without any --set
    assert copy.case.cell.stack_pressure == pytest.approx(1.0e6) and copy.case.time.max_steps == 2
    header = (output / "case.toml").read_text().splitlines()[1]
    assert header == "# overrides in place: cell.stack_pressure = '1 MPa', time.max_steps = 2"

    code, _, err = run_in_process(["run", str(CASE), "-o", str(output), "-q", "--restart",
                                   "--set", "time.max_steps=4"], capsys)
    assert code == 2 and "differs from the case" in err and "[cell] stack_pressure (200000.0 vs 1000000.0)" in err
    code, _, err = run_in_process(["run", str(CASE), "-o", str(output), "-q", "--restart",
                                   "--set", "cell.stack_pressure=1 MPa", "--set", "time.max_steps=4"], capsys)
    assert code == 0, err
    rows = (output / "timeseries.csv").read_text().splitlines()[1:]
    assert [int(row.split(",")[0]) for row in rows] == [0, 1, 2, 3, 4]


def test_a_sweep_runs_every_member_with_the_overrides(tmp_path, capsys):
    case = tmp_path / "sweep.toml"
    case.write_text(CASE.read_text() + '\n[sweep]\nparameter = "cell.temperature"\nvalues = ["25 degC", "40 degC"]\n')
    code, out, err = run_in_process(["sweep", str(case), "-o", str(tmp_path / "out"), "--set", "time.max_steps=1"],
                                    capsys)
    assert code == 3, err  # members that stop at max_steps are "not completed"
    assert out.count(": stopped: max_steps = 1 reached") == 2
    members = sorted(path for path in (tmp_path / "out").iterdir() if (path / "run.json").is_file())
    assert len(members) == 2
    for member in members:
        assert load_case(member / "case.toml").case.time.max_steps == 1
        assert len((member / "timeseries.csv").read_text().splitlines()) == 3  # header, step 0, step 1
