"""Requirement: ``[voids] driving_force_limit`` reaches the vacancy-void phase field (unset: the case schema's 0.1);
a cap that no nucleus can grow under is refused at ``check`` (tests/case/test_malformed_cases.py); the interface
vacancy layer's trap and Young's angle follow the interface Mg coverage, also across a restart."""

import tomllib

import numpy as np
import pytest
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


def test_the_interface_layer_and_the_wetting_follow_the_interface_mg_coverage(tmp_path):
    """``[voids] interface_layer`` on Li0.97Mg0.03: the layer's trap on the interface nodes is that of the coverage
    as the interface forms (the alloy's share x = 0.03: 0.885 of the clean trap), and after a step of stripping
    that of the coverage the kinetic supply has brought (Mg-covered within seconds: the 0.03 eV repulsion), also
    after a restart from that step's checkpoint. Young's angle follows alike: 93.4 deg as formed (3% of 87.1
    deg's adhesion on Li's 93.6), the covered interface's 87.1 deg after the step."""
    raw = tomllib.loads((DATA / "tiny_phase_field.toml").read_text())
    raw["metal"] = {"set": "Li0.97Mg0.03"}
    raw["voids"]["interface_layer"] = True
    path = tmp_path / "layer.toml"
    path.write_text(tomli_w.dumps(raw))
    (tmp_path / "run").mkdir()
    simulation = Simulation(load_case(path), MPI.COMM_WORLD, tmp_path / "run")
    simulation.start()
    voids = simulation.models.contact
    interface = voids.system.phi_space.tabulate_dof_coordinates()[:, 1] < 1e-12 + voids.window.spec.electrolyte_height
    trap = voids.system.interface_trap.x.array

    def expected():
        return voids.properties.trap_factor(voids.mg_coverage.coverage)

    assert interface.any()
    assert np.allclose(trap[interface], expected().mean(), rtol=1e-12)
    assert expected().mean() == pytest.approx(0.97**4 * voids.properties.trap_factor(0.0), rel=1e-3)

    def young_angle():
        cosine = -voids.system.wetting.x.array[interface] / voids.system.surface_energy
        return np.degrees(np.arccos(cosine))

    as_formed = np.degrees(np.arccos(0.97 * np.cos(np.radians(93.6)) + 0.03 * np.cos(np.radians(87.1))))
    assert np.allclose(young_angle(), as_formed, atol=1e-9) and as_formed == pytest.approx(93.40, abs=0.01)
    simulation.step()
    assert voids.mg_coverage.coverage.min() > 0.99
    assert np.allclose(voids.system.interface_trap.x.array[interface], expected().mean(), rtol=1e-9)
    assert expected().max() < 1.0
    assert np.allclose(young_angle(), 87.1, atol=0.07)
    simulation.write_checkpoint()
    covered = voids.system.interface_trap.x.array.copy()
    covered_wetting = voids.system.wetting.x.array.copy()
    checkpoint = simulation.last_checkpoint
    simulation.close()
    # a restart rebuilds the layer at the as-formed coverage, then puts back the checkpoint's covered interface
    restarted = Simulation(load_case(path), MPI.COMM_WORLD, tmp_path / "run")
    restarted.start(restart=checkpoint)
    np.testing.assert_allclose(restarted.models.contact.system.interface_trap.x.array, covered, rtol=1e-12)
    np.testing.assert_allclose(restarted.models.contact.system.wetting.x.array, covered_wetting, rtol=1e-12)
    restarted.close()
