"""Requirement: the protocol grammar reads repeats, and a repeat the grammar cannot read is refused in one
line naming the case file and the ``[protocol] steps`` entry (no DOLFINx needed)."""

import tomllib

import pytest
from helpers import DATA

from phasefield.case import CaseError
from phasefield.case.loader import resolve
from phasefield.case.protocol import MAX_STEPS, ProtocolError, parse_entry
from phasefield.case.schema import Protocol

HOUR = 3600.0


def protocol(*entries: str) -> list:
    return Protocol(steps=list(entries)).steps


def resolve_with(steps: list[str], name: str = "small_prescribed.toml", **tables):
    path = DATA / name
    raw = tomllib.loads(path.read_text())
    raw["protocol"] = {"steps": steps}
    for table, values in tables.items():
        raw.setdefault(table, {}).update(values)
    return resolve(path, raw)


def test_a_repeat_expands_in_place_with_its_entry_index():
    steps = protocol("Rest for 1 min",
                     "Repeat 3 times: Strip at 0.5 mA/cm2 for 1 hour, Plate at 0.25 mA/cm2 until 0.5 mAh/cm2",
                     "Rest for 2 min")
    assert [step.kind for step in steps] == ["rest"] + ["strip", "plate"] * 3 + ["rest"]
    assert [step.entry for step in steps] == [0] + [1] * 6 + [2]
    assert [step.time_limit for step in steps[1::2][:3]] == [HOUR] * 3
    assert all(step.current_density == pytest.approx(-2.5) for step in steps[2:7:2])
    assert steps[2].text == "Plate at 0.25 mA/cm2 until 0.5 mAh/cm2"


def test_repeat_is_case_insensitive_and_takes_one_time():
    (step,) = protocol("repeat 1 time: Rest for 5 min")
    assert step.time_limit == pytest.approx(300.0)


@pytest.mark.parametrize(("entry", "message"), [
    ("Repeat 0 times: Rest for 1 h", "whole number of at least 1, got '0'"),
    ("Repeat three times: Rest for 1 h", "got 'three'"),
    ("Repeat 2 times:", "has no steps"),
    ("Repeat 2 times: Rest for 1 h,, Rest for 1 h", "step 2 of the repeat .* is empty"),
    ("Repeat 2 times: Rest for 1 h, Plat at 1 mA/cm2 for 1 h", "step 2 of the repeat .*did you mean 'Plate'"),
    ("Repeat 2 times: Repeat 2 times: Rest for 1 h", "cannot hold another repeat"),
    ("Repeat 2: Rest for 1 h", "expected 'Repeat 3 times: <step>, <step>'"),
    ("Repaet 2 times: Rest for 1 h", "did you mean 'Repeat' for 'Repaet'"),
])
def test_a_malformed_repeat_says_what_is_wrong(entry, message):
    with pytest.raises(ProtocolError, match=message):
        parse_entry(entry)


def test_a_malformed_repeat_is_one_line_naming_the_file_and_the_entry():
    with pytest.raises(CaseError) as error:
        resolve_with(["Rest for 1 h", "Repeat 2 times: Strip at 0.5 mA/cm2 for 1 h, Plate at 0.5 mA/cm2"])
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{DATA / 'small_prescribed.toml'}: [protocol] steps[1]: step 2 of the repeat")
    assert "never ends" in message


def test_a_protocol_beyond_the_step_limit_is_refused_once_expanded():
    with pytest.raises(CaseError, match=rf"\[protocol\] steps: the protocol expands to 10,002 steps .* {MAX_STEPS:,}"):
        resolve_with(["Repeat 5001 times: Rest for 1 s, Rest for 1 s"])


def test_feasibility_names_the_entry_of_a_repeated_step():
    # 100 um of Li holds 20.66 mAh/cm2: the 21st stripped 1 mAh/cm2 is in the repeat, entry 1
    with pytest.raises(CaseError, match=r"\[protocol\] steps\[1\]: the protocol strips 21 mAh/cm2"):
        resolve_with(["Rest for 1 min", "Repeat 30 times: Strip at 1 mA/cm2 until 1 mAh/cm2, Rest for 1 min"])


def test_a_step_sets_its_own_temperature_and_stack_pressure_after_its_limits():
    step = parse_entry("Strip at 0.5 mA/cm2 until 1 mAh/cm2 or voltage 0 V at 60 degC under 1 MPa")
    assert step.temperature == pytest.approx(333.15) and step.stack_pressure == pytest.approx(1e6)
    assert step.capacity_limit == pytest.approx(36000.0) and step.voltage_limit == 0.0
    rest = parse_entry("Rest for 1 h under 0.5 MPa")
    assert rest.temperature is None and rest.stack_pressure == pytest.approx(5e5)
    plain = parse_entry("Plate at 0.5 mA/cm2 for 1 h")
    assert plain.temperature is None and plain.stack_pressure is None


def test_a_repeated_step_keeps_its_conditions():
    steps = protocol("Repeat 2 times: Strip at 0.5 mA/cm2 for 1 h at 330 K, Rest for 1 h")
    assert [step.temperature for step in steps] == [330.0, None, 330.0, None]


@pytest.mark.parametrize(("entry", "message"), [
    ("Strip at 0.5 mA/cm2 for 1 h at 60 C", "'60 C' is not a temperature.*'at' takes a temperature"),
    ("Strip at 0.5 mA/cm2 for 1 h under 60 degC", "is not a pressure.*'under' a stack pressure"),
    ("Strip at 0.5 mA/cm2 for 1 h at 300 degC", r"the temperature of step .*expected at most 226.85 degC \(500 K\)"),
    ("Rest for 1 h under -1 MPa", "the stack pressure of step .*expected at least"),
    ("Rest for 1 h at 300 K at 310 K", "two temperatures"),
    ("Rest for 1 h undr 1 MPa", "did you mean 'under' for 'undr'"),
])
def test_a_malformed_step_condition_says_what_is_wrong(entry, message):
    with pytest.raises(ProtocolError, match=message):
        parse_entry(entry)


@pytest.mark.parametrize(("name", "entry", "message"), [
    ("small_limg.toml", "Strip at 0.5 mA/cm2 for 1 min at 60 degC", "Mg interdiffusion"),
    ("tiny_phase_field.toml", "Strip at 0.5 mA/cm2 for 1 min at 60 degC", "the vacancy-void phase field"),
    ("tiny_creep.toml", "Strip at 0.5 mA/cm2 for 1 min at 60 degC", "phase field and Norton creep"),
    ("small_prescribed.toml", "Strip at 0.5 mA/cm2 for 1 min under 2 MPa", 'needs \\[creep\\] model = "power_law"'),
    ("tiny_phase_field.toml", "Strip at 0.5 mA/cm2 for 1 min under 2 MPa", "acts through Norton creep only"),
])
def test_a_step_condition_the_case_cannot_honour_is_refused(name, entry, message):
    with pytest.raises(CaseError, match=rf"\[protocol\] steps\[1\]: .*{message}") as error:
        resolve_with(["Rest for 1 min", entry], name)
    assert "\n" not in str(error.value)


def test_a_step_condition_the_case_honours_is_accepted():
    resolve_with(["Strip at 0.5 mA/cm2 for 1 min at 60 degC"], "small_prescribed.toml")
    resolve_with(["Strip at 0.5 mA/cm2 until 0.01 mAh/cm2 under 2 MPa"], "tiny_creep.toml")


def test_a_misspelt_verb_is_named_before_the_conditions_are_read():
    with pytest.raises(ProtocolError, match="did you mean 'Repeat' for 'Reepat'"):
        parse_entry("Reepat 2 times: Strip at 0.5 mA/cm2 for 2 min, Strip at 0.5 mA/cm2 for 2 min at 60 degC")
