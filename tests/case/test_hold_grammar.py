"""Requirement: the protocol reads ``Hold at <overpotential> until <current density>`` and ``... for <time>``
(PyBaMM's hold, the overpotential Phi_m - U_bulk fixed), refuses a malformed hold in one line naming the
entry, and refuses at ``check`` a hold that cannot end or would strip more than the foil holds."""

import pytest
from test_protocol_grammar import protocol, resolve_with

from phasefield.case import CaseError
from phasefield.case.protocol import ProtocolError, parse_step

HOUR = 3600.0
MA_PER_CM2 = 10.0  # A/m^2


@pytest.mark.parametrize(("text", "expected"), [
    ("Hold at 50 mV for 1 hour", dict(held_overpotential=0.05, time_limit=HOUR)),
    ("Hold at 0.05 V until 0.01 mA/cm^2", dict(held_overpotential=0.05, current_limit=0.01 * MA_PER_CM2)),
    ("hold AT -20 mV UNTIL 0.01 mA/cm2 or 2 h", dict(held_overpotential=-0.02, current_limit=0.1, time_limit=2 * HOUR)),
    ("Hold at 50 mV for 1 h or until 0.02 mA/cm2", dict(held_overpotential=0.05, time_limit=HOUR, current_limit=0.2)),
    ("Hold at 10 mV until 0.5 mAh/cm2 or 0.01 mA/cm2", dict(held_overpotential=0.01, capacity_limit=18000.0,
                                                            current_limit=0.1)),
    ("Hold at 0 V for 10 min", dict(held_overpotential=0.0, time_limit=600.0)),
])
def test_a_hold_reads_its_overpotential_and_limits_in_si_and_applies_no_current(text, expected):
    step = parse_step(text)
    assert step.kind == "hold" and step.current_density == 0.0
    for name in ("held_overpotential", "current_limit", "time_limit", "capacity_limit"):
        want = expected.get(name)
        got = getattr(step, name)
        assert (got is None) if want is None else got == pytest.approx(want, rel=1e-12, abs=0), name


def test_a_hold_takes_step_conditions_and_repeats():
    steps = protocol("Repeat 2 times: Hold at 50 mV until 0.01 mA/cm2 or 1 h at 60 degC, Rest for 1 h")
    assert [step.kind for step in steps] == ["hold", "rest"] * 2
    hold = steps[2]
    assert hold.temperature == pytest.approx(333.15) and hold.time_limit == HOUR and hold.current_limit == 0.1
    assert hold.held_overpotential == 0.05 and steps[3].held_overpotential is None


def test_or_until_after_for_reads_any_limit():
    step = parse_step("Strip at 1 mA/cm2 for 1 h or until overpotential 0.5 V")
    assert step.time_limit == HOUR and step.overpotential_limit == 0.5


@pytest.mark.parametrize(("text", "fragment"), [
    ("Hold at 50 V for 1 h", "within +-1 V"),
    ("Hold for 1 h", "needs an overpotential ('Hold at 50 mV')"),
    ("Hold at 50 mV", "never ends"),
    ("Hold at 1 mA/cm2 for 1 h", "'1 mA/cm2' is not a voltage"),
    ("Hold at 50 mV until overpotential 1 V", "a hold fixes the overpotential"),
    ("Hold at 50 mV until voltage 0.1 V or 1 h", "a hold fixes the overpotential"),
    ("Hold at 50 mV until 0 mA/cm2", "current limit must be positive"),
    ("Hold at 50 mV for 0.01 mA/cm2", "'for' takes a time"),
    ("Hold at 50 mV until 1 V", "expected a current density ('0.01 mA/cm^2'), a time"),
    ("Hold at 50 mV until 0.01 mA/cm2 or 0.02 mA/cm2", "two current limits"),
    ("Strip at 0.5 mA/cm2 until 0.3 mA/cm2", "cannot read the limit '0.3 mA/cm2': expected a capacity"),
    ("Hodl at 50 mV for 1 h", "did you mean 'Hold' for 'Hodl'?"),
])
def test_a_malformed_hold_says_what_is_wrong(text, fragment):
    with pytest.raises(ProtocolError) as err:
        parse_step(text)
    assert fragment in str(err.value)


def test_a_malformed_hold_is_one_line_naming_the_file_and_the_entry():
    with pytest.raises(CaseError) as error:
        resolve_with(["Rest for 1 min", "Hold at 50 V for 1 h"])
    message = str(error.value)
    assert "\n" not in message
    assert "small_prescribed.toml: [protocol] steps[1]: a hold takes an overpotential within +-1 V" in message


@pytest.mark.parametrize("hold", ["Hold at 50 mV until 0.01 mA/cm2", "Hold at 0 V until 1 mAh/cm2"])
def test_a_hold_that_cannot_end_on_a_steady_current_is_refused(hold):
    with pytest.raises(CaseError) as error:
        resolve_with(["Rest for 1 min", hold], name="tiny_protocol.toml")
    message = str(error.value)
    assert "\n" not in message and "[protocol] steps[1]: this hold ends at once or never" in message


def test_a_hold_on_a_current_alone_runs_where_the_contact_can_change():
    resolved = resolve_with(["Hold at 50 mV until 0.01 mA/cm2"])
    assert resolved.case.protocol.steps[0].current_limit == pytest.approx(0.1)
    # the same hold with a time limit is accepted with full contact
    resolve_with(["Hold at 50 mV until 0.01 mA/cm2 or 1 h"], name="tiny_protocol.toml")


def test_the_foil_check_counts_a_holds_capacity_limit_with_the_sign_of_its_overpotential():
    # 100 um of Li holds 20.66 mAh/cm2: the 21st stripping hold of 1 mAh/cm2 is one too many
    with pytest.raises(CaseError, match=r"\[protocol\] steps\[1\]: the protocol strips 21 mAh/cm2"):
        resolve_with(["Rest for 1 min", "Repeat 30 times: Hold at 50 mV until 1 mAh/cm2 or 10 h"])
    # plating holds in between keep the net below it
    resolve_with(["Repeat 30 times: Hold at 50 mV until 1 mAh/cm2, Hold at -50 mV until 1 mAh/cm2"])
