"""Requirement: with ``[voids] flaws = true`` the metal set's flaws (seeded from the case's seed) become voids
of their radius in the first step, where nothing nucleates, so Li and Li-Mg alike get voids; the vacancies of
the inserted voids are owed to the next injections (the void volume never exceeds the stripped volume plus the
flaws' own); a 3-D window with flaws is refused in one line."""

import tomllib

import numpy as np
import pytest
import tomli_w
from helpers import DATA, run_in_process
from mpi4py import MPI

from phasefield.case.loader import load_case
from phasefield.coupling.simulation import Simulation
from phasefield.interface_flaws import Flaws

UM = 1e-6


def flawed_case(tmp_path, metal_set: str):
    """tiny_phase_field.toml without nucleation (J0 tiny), with flaws 4 um apart of 1.5 um (> the nucleus
    radius 1.2 um: inserted at once)."""
    raw = tomllib.loads((DATA / "tiny_phase_field.toml").read_text())
    raw["metal"] = {"set": metal_set, "nucleation_prefactor": "1e-12 /(m*s)", "flaw_spacing": "4 um",
                    "flaw_median_radius": "1.5 um", "flaw_size_spread": 0.05}
    raw["voids"]["flaws"] = True
    raw["protocol"]["steps"] = ["Strip at 0.5 mA/cm^2 until 0.005 mAh/cm^2"]
    path = tmp_path / f"flawed_{metal_set}.toml"
    path.write_text(tomli_w.dumps(raw))
    return load_case(path)


@pytest.mark.parametrize("metal_set", ["Li", "Li0.97Mg0.03"])
def test_the_seeded_flaws_become_voids_in_the_first_step_in_both_metals(tmp_path, metal_set):
    resolved = flawed_case(tmp_path, metal_set)
    expected = Flaws.seeded(20 * UM, 4 * UM, 1.5 * UM, 0.05, seed=7)
    (tmp_path / "out").mkdir()
    simulation = Simulation(resolved, MPI.COMM_WORLD, tmp_path / "out")
    simulation.start()
    simulation.step()
    row = dict(simulation.row)
    balance = simulation.models.contact.mass_balance(simulation.clock.capacity)
    simulation.recorder.close()
    simulation.close()
    assert expected.position.size >= 3
    assert row["nucleation_events"] == expected.position.size
    footprint = 2 * expected.radius.sum() / (20 * UM)  # less where neighbours overlap
    assert 0.5 * footprint < 1 - row["contact_fraction"] <= footprint * 1.2
    half_discs = 0.5 * np.pi * (expected.radius**2).sum()
    assert 0.6 * half_discs < balance.void_volume < 1.2 * half_discs


def test_flaws_in_a_3d_window_are_refused_in_one_line(tmp_path, capsys):
    raw = tomllib.loads((DATA / "tiny_phase_field_3d.toml").read_text())
    raw.setdefault("voids", {})["flaws"] = True
    path = tmp_path / "flawed_3d.toml"
    path.write_text(tomli_w.dumps(raw))
    code, _, err = run_in_process(["check", str(path)], capsys)
    assert code == 2 and "voids.flaws" in err and "2-D" in err and len(err.strip().splitlines()) == 1
