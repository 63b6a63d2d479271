"""Parameter sets: every value has a source and a standing, its SI value is the number of its text in
the unit it is written in (checked against factors written out here, not through phasefield.units), and
the metals share one set of keys (so that a case can switch metals and the calibration knobs are the
same for Li and Li-Mg)."""

import math

import pytest

from phasefield.parameters import PARAMETER_SETS

#: SI value of one of each unit written in the parameter sets, and the offset added (temperatures), by
#: hand from the definitions (1 eV = 1.602176634e-19 J exactly, 0 degC = 273.15 K).
SI_FACTORS: dict[str, tuple[float, float]] = {
    "cm^3/mol": (1e-6, 0.0),
    "mA/cm^2": (1e-3 / 1e-4, 0.0),
    "m^2/s": (1.0, 0.0),
    "cm^2/s": (1e-4, 0.0),
    "K": (1.0, 0.0),
    "degC": (1.0, 273.15),
    "kJ/mol": (1e3, 0.0),
    "J/mol": (1.0, 0.0),
    "J/(mol*K)": (1.0, 0.0),
    "s^-1": (1.0, 0.0),
    "MPa": (1e6, 0.0),
    "eV": (1.602176634e-19, 0.0),
    "J/m^2": (1.0, 0.0),
    "um": (1e-6, 0.0),
    "/(m*s)": (1.0, 0.0),
    "deg": (math.pi / 180, 0.0),
    "mS/cm": (1e-3 / 1e-2, 0.0),
    "V": (1.0, 0.0),
    "ohm*cm^2": (1e-4, 0.0),
}


def expected_si(text: str | float) -> float:
    """The SI value of ``text`` ("<number> <unit>", or a bare number) from :data:`SI_FACTORS`."""
    if not isinstance(text, str):
        return float(text)
    number, unit = text.split(maxsplit=1)
    assert unit in SI_FACTORS, f"unit {unit!r} of {text!r}: add its SI factor to SI_FACTORS"
    factor, offset = SI_FACTORS[unit]
    return float(number) * factor + offset


def test_every_parameter_has_units_a_source_and_a_standing():
    for pset in PARAMETER_SETS.values():
        for key, parameter in pset.parameters.items():
            assert parameter.source and parameter.description, (pset.name, key)
            assert parameter.standing in {"V", "L", "U", "F"}, (pset.name, key)
            assert isinstance(parameter.text, str) or parameter.dimension == "dimensionless", (pset.name, key)


def test_every_si_value_is_its_text_converted_by_hand():
    for pset in PARAMETER_SETS.values():
        for key, parameter in pset.parameters.items():
            assert math.isfinite(parameter.si), (pset.name, key)
            assert parameter.si == pytest.approx(expected_si(parameter.text), rel=1e-12, abs=0.0), (
                pset.name, key, parameter.text)


def test_the_hand_conversion_of_three_seed_values():
    assert expected_si("3.5 mS/cm") == pytest.approx(0.35)  # S/m, as in phasefield.verification.electrochemistry
    assert expected_si("25 degC") == pytest.approx(298.15)
    assert expected_si("12.97 cm^3/mol") == pytest.approx(12.97e-6)


def test_metal_sets_have_the_same_keys_and_share_the_calibration_knobs():
    li, alloy = PARAMETER_SETS["Li"], PARAMETER_SETS["Li0.97Mg0.03"]
    assert set(li.parameters) == set(alloy.parameters)
    for knob in ("vacancy_sink_spacing", "nucleation_prefactor", "nucleation_barrier"):
        assert li.parameters[knob] == alloy.parameters[knob], knob  # value, source and standing
    assert li.si()["contact_angle"] == pytest.approx(math.radians(93.6))  # seed: Li/Li2S
    assert alloy.si()["contact_angle"] == pytest.approx(math.radians(87.1))  # seed: Li-Mg/Li2S


def test_the_toml_sets_equal_the_python_dicts_they_replace():
    """Transitional: the TOML files carry every value of the Python dicts of 2c8ca21 unchanged (text, type,
    dimension, source, standing, description; SI value bit for bit)."""
    import subprocess
    import types
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    text = subprocess.run(["git", "show", "2c8ca21:phasefield/parameters/sets.py"], cwd=root, check=True,
                          capture_output=True, text=True).stdout
    old = types.ModuleType("old_sets")
    exec(compile(text, "old_sets.py", "exec"), old.__dict__)
    assert list(old.PARAMETER_SETS) == list(PARAMETER_SETS)
    for name, before in old.PARAMETER_SETS.items():
        after = PARAMETER_SETS[name]
        assert (after.name, after.role, set(after.parameters)) == (before.name, before.role, set(before.parameters))
        for key, p in before.parameters.items():
            q = after.parameters[key]
            assert (q.text, type(q.text), q.dimension, q.source, q.standing, q.description) == (
                p.text, type(p.text), p.dimension, p.source, p.standing, p.description), (name, key)
            assert q.si.hex() == p.si.hex(), (name, key)
