"""Requirement: a case that asks for what cannot be run, or writes what its models do not read, is
refused at ``check`` with one line naming the key (and only warned about with ``allow_unused``)."""

import logging
import tomllib

import pytest
from helpers import DATA

from phasefield.case import CaseError
from phasefield.case.feasibility import MAX_CURRENT_DENSITY
from phasefield.case.loader import resolve
from phasefield.constants import FARADAY
from phasefield.parameters import PARAMETER_SETS


def case(name: str, **tables) -> tuple:
    path = DATA / name
    raw = tomllib.loads(path.read_text())
    for table, values in tables.items():
        raw.setdefault(table, {}).update(values)
    return path, raw


def test_li_foil_holds_its_thickness_times_f_over_the_molar_volume():
    """100 um of Li hold F h / V_m = 20.7 mAh/cm2: 20 pass, 21 are refused at the step that passes it."""
    li = PARAMETER_SETS["Li"].si()
    held = 100e-6 * FARADAY / li["molar_volume"] / 36000.0  # mAh/cm2
    assert held == pytest.approx(20.66, abs=0.01)
    resolve(*case("small_prescribed.toml", protocol={"steps": ["Strip at 0.5 mA/cm^2 until 20 mAh/cm^2"]}))
    steps = ["Strip at 0.5 mA/cm^2 until 15 mAh/cm^2", "Plate at 0.5 mA/cm^2 for 2 h", "Strip at 1 mA/cm^2 for 7 h"]
    with pytest.raises(CaseError, match=r"\[protocol\] steps\[2\]: the protocol strips 21 mAh/cm2 .*\(20\.66 mAh/cm2"):
        resolve(*case("small_prescribed.toml", protocol={"steps": steps}))


def test_a_current_density_beyond_the_bound_is_refused():
    assert MAX_CURRENT_DENSITY == pytest.approx(1000.0)  # 100 mA/cm2 in A/m2
    with pytest.raises(CaseError, match=r"steps\[0\]: expected a current density of at most 100 mA/cm2"):
        resolve(*case("small_prescribed.toml", protocol={"steps": ["Strip at 500 A/cm^2 until 1 mAh/cm^2"]}))


@pytest.mark.parametrize(("name", "tables", "key"), [
    ("small_prescribed.toml", {"voids": {"seed": 3}}, r"\[voids\]"),
    ("small_prescribed.toml", {"interdiffusion": {"model": "fick"}}, r"\[interdiffusion\]"),
    ("small_prescribed.toml", {"output": {"line_scan_at": ["1 mAh/cm^2"]}}, r"\[output\] line_scan_at"),
    ("small_prescribed.toml", {"creep": {"interface": "stick"}}, r"\[creep\] interface"),
    ("tiny_phase_field.toml", {"contact": {"void_count": 3}}, r"\[contact\] void_count"),
    ("small_prescribed.toml", {"time": {"phase_tolerance": 0.05}}, r"\[time\] phase_tolerance"),
])
def test_a_key_the_models_do_not_read_is_refused_or_only_warned_about(name, tables, key, caplog):
    with pytest.raises(CaseError, match=key + ": not read by this case's models"):
        resolve(*case(name, **tables))
    with caplog.at_level(logging.WARNING, logger="phasefield.case.feasibility"):
        resolve(*case(name, **tables), allow_unused=True)
    assert any("not read" in record.message for record in caplog.records)


def test_a_key_the_models_read_is_not_flagged():
    resolve(*case("small_limg.toml", output={"line_scan_at": ["0.1 mAh/cm^2"]}, interdiffusion={"model": "fick"}))
    resolve(*case("tiny_phase_field.toml", time={"phase_tolerance": 0.05}))
