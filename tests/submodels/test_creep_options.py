"""Requirement: ``[creep] capillary`` adds the void surfaces' pull to the flow; ``[creep] void_viscosity_ratio``
sets the void ersatz's viscosity over the lower viscosity cap. With ``[creep]
resolve_tolerance`` a step keeps the last creep velocity while the flow's drivers (metal fraction, sink divergence)
changed by less than the tolerance since the last solve, and solves again once they changed by more or the stack
pressure changed; the lagged run stays within that tolerance of the run that solves every step. Without voids
(nothing nucleates) the drivers settle and most steps skip the solve."""

import tomllib

import pytest
import tomli_w
from helpers import DATA
from mpi4py import MPI

from phasefield.case.loader import load_case
from phasefield.coupling.simulation import Simulation


def rows_of(tmp_path, name: str, tolerance: float, nucleation: str, steps: str, **creep) -> list[dict]:
    """The CSV rows of tiny_creep.toml with these settings (``creep``: more ``[creep]`` keys)."""
    raw = tomllib.loads((DATA / "tiny_creep.toml").read_text())
    raw["metal"]["nucleation_prefactor"] = nucleation
    raw["creep"] |= {"resolve_tolerance": tolerance, **creep}
    raw["protocol"]["steps"] = [steps]
    path = tmp_path / f"{name}.toml"
    path.write_text(tomli_w.dumps(raw))
    (tmp_path / name).mkdir()
    simulation = Simulation(load_case(path), MPI.COMM_WORLD, tmp_path / name)
    simulation.start()
    rows, reason = [], None
    while reason is None:
        reason = simulation.step()
        rows.append(dict(simulation.row))
    simulation.recorder.close()
    simulation.close()
    return rows


def test_without_voids_the_lagged_creep_skips_solves_and_keeps_the_speed(tmp_path):
    strip = "Strip at 0.5 mA/cm^2 until 0.04 mAh/cm^2"
    every = rows_of(tmp_path, "every", 0.0, "1e-12 /(m*s)", strip)
    lagged = rows_of(tmp_path, "lagged", 1e-2, "1e-12 /(m*s)", strip)
    skipped = [row["creep_iterations"] == 0 for row in lagged]
    assert not skipped[0] and sum(skipped) >= len(skipped) // 2
    assert sum(row["creep_iterations"] for row in lagged) < 0.7 * sum(row["creep_iterations"] for row in every)
    for a, b in zip(every, lagged, strict=True):
        assert b["max_metal_speed_um_per_h"] == pytest.approx(a["max_metal_speed_um_per_h"], rel=2e-2)
        assert b["overpotential_V"] == pytest.approx(a["overpotential_V"], rel=1e-6)


def test_a_growing_void_changes_the_drivers_and_the_creep_is_solved(tmp_path):
    rows = rows_of(tmp_path, "voids", 1e-2, "10 /(m*s)", "Strip at 0.5 mA/cm^2 until 0.03 mAh/cm^2")
    nucleated = next(i for i, row in enumerate(rows) if row["nucleation_events"] > 0)
    assert all(row["creep_iterations"] > 0 for row in rows[nucleated + 1:])


def test_the_capillary_force_of_the_void_surfaces_speeds_the_metal_up(tmp_path):
    """``[creep] capillary = true``: once a void has nucleated, its surface tension pulls the metal around it
    (the largest metal speed rises above that of the same run without it); before, nothing differs."""
    strip = "Strip at 0.5 mA/cm^2 until 0.02 mAh/cm^2"
    plain = rows_of(tmp_path, "plain", 0.0, "10 /(m*s)", strip)
    rows = rows_of(tmp_path, "capillary", 0.0, "10 /(m*s)", strip, capillary=True)
    nucleated = next(i for i, row in enumerate(plain) if row["nucleation_events"] > 0)
    speed = "max_metal_speed_um_per_h"
    assert rows[nucleated + 1][speed] > 1.5 * plain[nucleated + 1][speed]


def test_the_void_viscosity_ratio_of_the_case_sets_the_ersatz_of_the_flow(tmp_path):
    """``[creep] void_viscosity_ratio`` reaches the creep model: the ersatz viscosity is that ratio times the lower
    viscosity cap (unset: the model's 1e-2)."""
    ratios = {}
    for name, creep in (("default", {}), ("stiffer", {"void_viscosity_ratio": 1.0})):
        raw = tomllib.loads((DATA / "tiny_creep.toml").read_text())
        raw["creep"] |= creep
        path = tmp_path / f"{name}.toml"
        path.write_text(tomli_w.dumps(raw))
        (tmp_path / name).mkdir()
        simulation = Simulation(load_case(path), MPI.COMM_WORLD, tmp_path / name)
        simulation.start()
        model = simulation.models.flow.flow.creep
        ratios[name] = model.void_viscosity / model.min_viscosity
        simulation.close()
    assert ratios == pytest.approx({"default": 1e-2, "stiffer": 1.0}, rel=1e-12)
