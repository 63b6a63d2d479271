"""Requirement: ``[voids] driving_force_limit`` reaches the vacancy-void phase field (unset: the case schema's 0.1);
a cap that no nucleus can grow under is refused at ``check`` (tests/case/test_malformed_cases.py)."""

import tomllib

import tomli_w
from helpers import DATA
from mpi4py import MPI

from phasefield.case.loader import load_case
from phasefield.coupling.simulation import Simulation


def test_the_driving_force_limit_of_the_case_reaches_the_phase_field(tmp_path):
    limits = {}
    # the tiny case pins the cap at 0.5; unset, a 1.5 um nucleus lets the default pass check (0.8 / 9 < 0.1)
    for name, voids in (("default", {"nucleus_radius": "1.5 um"}), ("lower", {"driving_force_limit": 0.2})):
        raw = tomllib.loads((DATA / "tiny_phase_field.toml").read_text())
        if name == "default":
            del raw["voids"]["driving_force_limit"]
        raw["voids"].update(voids)
        path = tmp_path / f"{name}.toml"
        path.write_text(tomli_w.dumps(raw))
        (tmp_path / name).mkdir()
        simulation = Simulation(load_case(path), MPI.COMM_WORLD, tmp_path / name)
        simulation.start()
        limits[name] = simulation.models.contact.system.driving_limit
        simulation.close()
    assert limits == {"default": 0.1, "lower": 0.2}
