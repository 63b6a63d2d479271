"""``[interdiffusion] stabilization`` and ``nonnegative``: the case keys reach the Mg transport, Mg stays conserved
with them where x_Mg stays positive, and an undershoot names the keys."""

import tomllib
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from mpi4py import MPI

import phasefield
from phasefield.case.loader import load_case
from phasefield.coupling.simulation import Simulation
from phasefield.solvers.failures import BoundViolation, ModelBreakdown
from phasefield.submodels.base import StepConditions
from phasefield.submodels.interdiffusion import MagnesiumInterdiffusion

DATA = Path(__file__).resolve().parent.parent / "data"


def test_streamline_case_strips_rests_and_plates_with_mg_conserved(tmp_path):
    """small_limg (strip, rest, plate) with streamline diffusion: while stripping and resting the foil's mean x_Mg
    follows from Mg conservation alone (the bulk's Mg over a foil that stripping thins) and is the Galerkin scheme's
    to round-off (plating lets the window's own x_Mg out at its top, which the schemes compute apart); the
    interface enriches while stripping as with the Galerkin scheme (its resolved pile-up layer, cell Peclet number
    below 1, moves by less than 1%)."""
    results = {}
    for stabilization in ("none", "streamline"):
        simulation = phasefield.Simulation(DATA / "small_limg.toml",
                                           overrides={"interdiffusion.stabilization": stabilization})
        assert simulation.resolved.case.interdiffusion.stabilization == stabilization
        results[stabilization] = simulation.run(tmp_path / stabilization, progress=False).timeseries
    galerkin, streamline = results["none"], results["streamline"]
    interface = galerkin["interface_x_Mg"], streamline["interface_x_Mg"]
    print("largest and last interface x_Mg, Galerkin / streamline:", interface[0].max(), interface[1].max(),
          interface[0].iloc[-1], interface[1].iloc[-1])
    stripping_and_rest = galerkin["protocol_step"] < 2
    assert np.allclose(streamline["foil_mean_x_Mg"][stripping_and_rest],
                       galerkin["foil_mean_x_Mg"][stripping_and_rest], rtol=1e-12, atol=0.0)
    assert streamline["foil_mean_x_Mg"].max() > 0.0303  # it did change
    assert streamline["interface_x_Mg"].max() > 1.1 * 0.03
    assert streamline["interface_x_Mg"].max() == pytest.approx(galerkin["interface_x_Mg"].max(), rel=1e-2)
    # the key took effect: plating's depletion layer (cell Peclet number near 1 on the plated side) moves by 0.8%
    assert abs(interface[1].iloc[-1] / interface[0].iloc[-1] - 1) > 1e-3
    assert np.all(np.abs(streamline["mg_created_relative"]) < 1e-12)


def test_the_nonnegative_key_solves_with_the_bound_and_creates_no_mg_where_x_mg_stays_positive(tmp_path):
    raw = tomllib.loads((DATA / "small_limg.toml").read_text())
    raw["interdiffusion"] = {"nonnegative": True}
    path = tmp_path / "bounded.toml"
    path.write_text(tomli_w.dumps(raw))
    (tmp_path / "out").mkdir()
    simulation = Simulation(load_case(path), MPI.COMM_WORLD, tmp_path / "out")
    assert simulation.models.interdiffusion.transport.problem.solver.getType() == "vinewtonrsls"
    simulation.start()
    rows = []
    for _ in range(4):
        simulation.step()
        rows.append(dict(simulation.row))
    simulation.recorder.close()
    simulation.close()
    assert rows[-1]["interface_x_Mg"] > 0.031  # it stripped and piled Mg up
    assert all(abs(row["mg_created_relative"]) < 1e-12 for row in rows)


class Failing:
    """A transport whose step fails with ``error``."""

    def __init__(self, error: Exception):
        self.error = error

    def step(self, dt: float) -> int:
        raise self.error


def advance_with(error: Exception) -> None:
    model = object.__new__(MagnesiumInterdiffusion)
    model.transport = Failing(error)
    model.advance(StepConditions(dt=1.0, current_density=5.0, capacity=0.0, plated_thickness=0.0))


def test_an_undershoot_names_the_keys_that_treat_it_and_a_breakdown_does_not():
    with pytest.raises(BoundViolation, match='nonnegative = true holds x_Mg >= 0.*stabilization = "streamline"'):
        advance_with(BoundViolation("x_Mg undershoots 0 (min -0.002): unresolved front"))
    with pytest.raises(ModelBreakdown, match=r"x_Mg left \[0, 1\]$"):
        advance_with(ModelBreakdown("x_Mg left [0, 1]"))
