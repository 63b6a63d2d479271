"""Requirement: ``[time] coupling_passes`` solves each step again from its start with the vacancy
injection of the last pass's end-of-step current, a fixed-point iteration towards the implicit
coupling: the passes converge (each changes the result less than the one before), and one pass is the
lagged scheme."""

import tomllib

import numpy as np
from helpers import DATA
from mpi4py import MPI

from phasefield.case.loader import resolve
from phasefield.coupling.simulation import Simulation
from phasefield.output.timeseries import read_timeseries


def void_volume_share(passes: int, output) -> np.ndarray:
    raw = tomllib.loads((DATA / "tiny_phase_field.toml").read_text())
    raw.setdefault("time", {})["coupling_passes"] = passes
    output.mkdir()
    simulation = Simulation(resolve(DATA / "tiny_phase_field.toml", raw), MPI.COMM_WORLD, output)
    try:
        assert simulation.run().status == "completed"
    finally:
        simulation.close()
    return np.array(read_timeseries(output / "timeseries.csv")["void_volume_share"])


def test_the_passes_converge_to_the_implicitly_coupled_step(tmp_path):
    one, two, three = (void_volume_share(passes, tmp_path / str(passes)) for passes in (1, 2, 3))
    assert one[-1] > 0.0  # the tiny case nucleates: the injection moves a void
    first, second = np.max(np.abs(two - one)), np.max(np.abs(three - two))
    assert first > 0.0 and second < 0.5 * first
