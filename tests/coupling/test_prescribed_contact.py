"""Requirement: the prescribed contact delivers its table: the contact fraction the Butler-Volmer kinetics
integrates equals the table's value at every capacity, also where the voids' diffuse edges overlap
(0.02 was delivered as 0.037 when the width came from (1 - f) L / N)."""

from pathlib import Path

import numpy as np
import pytest
from mpi4py import MPI

from phasefield.case import load_case
from phasefield.coupling.simulation import Simulation
from phasefield.coupling.step_order import coupled_step
from phasefield.submodels.base import StepConditions

DEMO = Path(__file__).resolve().parents[2] / "cases" / "li_prescribed_contact.toml"


def test_the_demo_contact_follows_its_table(tmp_path):
    resolved = load_case(DEMO)
    table = resolved.case.contact
    simulation = Simulation(resolved, MPI.COMM_WORLD, tmp_path)
    delivered = []
    for capacity in [*table.capacity, 0.5 * (table.capacity[-2] + table.capacity[-1])]:
        coupled_step(simulation.models, StepConditions(0.0, 5.0, capacity, 0.0))
        delivered.append(simulation.models.electrochemistry.system.contact_fraction())
    simulation.close()
    expected = [*table.fraction, 0.5 * (table.fraction[-2] + table.fraction[-1])]
    np.testing.assert_allclose(delivered, expected, atol=1e-9)
    assert delivered[-2] == pytest.approx(0.02, abs=1e-9)
