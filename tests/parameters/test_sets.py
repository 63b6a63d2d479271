"""Parameter sets: every value has a source and a standing, its SI value is the number of its text in
the unit it is written in (checked against factors written out here, not through phasefield.units), and
the metals share one set of keys (so that a case can switch metals and the calibration knobs are the
same for Li and Li-Mg). The sets are the TOML files of phasefield/parameters/data; when they replaced the
Python dicts (c005876) all 66 values were checked equal to those of 2c8ca21, SI value bit for bit: a few
of them stay pinned here with their sources."""

import math
import tomllib

import pytest

from phasefield.parameters import PARAMETER_SETS
from phasefield.parameters.sets import DATA

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
            unitless = parameter.dimension in ("dimensionless", "fraction")
            assert isinstance(parameter.text, str) or unitless, (pset.name, key)


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
    assert alloy.si()["contact_angle"] == pytest.approx(math.radians(93.6))  # the Mg-free interface is Li's
    assert alloy.si()["mg_covered_contact_angle"] == pytest.approx(math.radians(87.1))  # seed: Li-Mg/Li2S



#: (set, parameter): value as written, standing, words of its source, SI value (bits as at 2c8ca21).
SPOT_VALUES = {
    ("Li", "interface_vacancy_trap"): ("0.22 eV", "V", "Fig 2c: 0.28 eV at the Li/Li2S interface", 3.5247885948e-20),
    ("Li", "creep_stress_exponent"): (6.6, "L", "LePage et al., J. Electrochem. Soc. 166 (2019) A89", 6.6),
    ("Li", "mg_tracer_prefactor"): ("3.15e-3 cm^2/s", "V", "Arrhenius fit through the two DFT values", 3.15e-07),
    ("Li0.97Mg0.03", "mg_covered_contact_angle"): ("87.1 deg", "U", "Suppl. Table 2: Li-Mg/Li2S", 1.520181778487061),
    ("Li0.97Mg0.03", "creep_alloy_factor"): (0.1, "U", "solute strengthening by 3 at% Mg", 0.1),
    ("Li0.97Mg0.03", "exchange_current_density"): ("5 mA/cm^2", "U", "as for Li (no measurement for the alloy)",
                                                   50.0),
    ("Li6PS5Cl", "conductivity"): ("3.5 mS/cm", "V", "Methods (25 C, pellet pressed at 375 MPa)",
                                   0.35000000000000003),
    ("In-InLi", "equilibrium_potential"): ("0.623 V", "V", "open-circuit potential vs Li+/Li", 0.623),
}


@pytest.mark.parametrize(("name", "key"), SPOT_VALUES)
def test_spot_values_keep_their_text_standing_source_and_si_bits(name, key):
    text, standing, source, si = SPOT_VALUES[name, key]
    parameter = PARAMETER_SETS[name].parameters[key]
    assert (parameter.text, parameter.standing) == (text, standing)
    assert source in parameter.source
    assert parameter.si == si  # exactly: the TOML files changed no bit of what the code gets


def test_the_built_in_sets_are_the_files_of_the_package_data_folder():
    assert list(PARAMETER_SETS) == ["Li", "Li0.97Mg0.03", "Li6PS5Cl", "In-InLi"]
    for name, pset in PARAMETER_SETS.items():
        assert pset.path == DATA / f"{name}.toml" and pset.path.is_file(), name
        assert pset.description, name
    assert [len(s.parameters) for s in PARAMETER_SETS.values()] == [41, 41, 5, 2]


def test_the_alloy_is_the_li_set_with_four_values_changed():
    li, alloy = PARAMETER_SETS["Li"].parameters, PARAMETER_SETS["Li0.97Mg0.03"].parameters
    changed = {key for key in li if li[key] != alloy[key]}
    assert changed == {"molar_volume", "exchange_current_density", "magnesium_fraction", "creep_alloy_factor"}


def test_the_set_files_are_package_data():
    """An installed phasefield (not only this checkout) has its sets: pyproject's package-data covers DATA."""
    package = DATA.parents[1]
    pyproject = tomllib.loads((package.parent / "pyproject.toml").read_text())
    globs = pyproject["tool"]["setuptools"]["package-data"]["phasefield"]
    shipped = {path for pattern in globs for path in package.glob(pattern)}
    assert set(DATA.glob("*.toml")) <= shipped and len(set(DATA.glob("*.toml"))) == 4
