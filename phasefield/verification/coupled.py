"""The coupled model (electrochemistry + Li/Mg interdiffusion, :mod:`phasefield.coupling`):
self-convergence in time and in space of a strip / rest / plate run.

A 1-D Li0.97Mg0.03 column (20 um of metal graded to the interface over 10 um of electrolyte,
full contact) is stripped 0.3 mAh/cm^2 at 0.5 mA/cm^2, rested 12 min and plated 0.1 mAh/cm^2; the
quantities are the interface x_Mg and the cell voltage at the end. With no exact solution, the error
of refinement k is estimated by the difference to the next one, e_k = |q_k - q_{k+1}|
(Richardson), so that p_k = log2(e_k / e_{k+1}) for halved steps or cells.

- time: every step divided by r (``capacity_step`` 0.05/r mAh/cm^2 and ``dt_max`` 6/r min, so the
  steps nest); backward Euler for Mg with the electrolyte quasi-static at the end of each step:
  expected order 1;
- space: N metal cells, N / 20 electrolyte cells (at least one; the electrolyte potential is linear
  in a 1-D column, so exact) and a first cell of 1.6 / N um at the interface (the geometric grading
  tends to a fixed smooth map, so doubling N halves the cells everywhere); P1: expected order 2
  for these nodal/interface quantities.
"""

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from mpi4py import MPI

from phasefield.case import load_case
from phasefield.coupling.simulation import Simulation
from phasefield.verification.convergence import ConvergenceStudy, Measure

CASE = """\
[meta]
description = "verification: coupled Li-Mg column, steps divided by {time}, {metal_cells} metal cells"

[cell]
temperature = "25 degC"

[metal]
set = "Li0.97Mg0.03"

[mesh]
dimension = 2
width = "1 um"
metal_height = "20 um"
electrolyte_height = "10 um"
cells_along_interface = 1
metal_cells = {metal_cells}
electrolyte_cells = {electrolyte_cells}
interface_cell_height = "{first_cell} um"

[contact]
model = "full"

[protocol]
steps = ["Strip at 0.5 mA/cm^2 until 0.3 mAh/cm^2", "Rest for 12 min", "Plate at 0.5 mA/cm^2 until 0.1 mAh/cm^2"]

[time]
dt_max = "{dt_max} min"
capacity_step = "{capacity_step} mAh/cm^2"

[output]
fields_every = 1000000
interface_profile_every = 1000000
line_scan_every = 1000000
checkpoint_every = 1000000
"""
QUANTITIES = ("interface_x_Mg", "cell_voltage_V")


#: Metal cells of the time study (a first cell of 20 nm at the interface).
TIME_STUDY_CELLS = 80


def case_text(time: int, metal_cells: int) -> str:
    """The case with every time step divided by ``time`` and ``metal_cells`` metal cells."""
    return CASE.format(time=time, metal_cells=metal_cells, electrolyte_cells=max(1, metal_cells // 20),
                       first_cell=1.6 / metal_cells, dt_max=6.0 / time, capacity_step=0.05 / time)


def final_state(time: int, metal_cells: int) -> np.ndarray:
    """Interface x_Mg and cell voltage (V) at the end of the protocol."""
    comm = MPI.COMM_WORLD
    folder = Path(comm.bcast(tempfile.mkdtemp(prefix="phasefield_verify_") if comm.rank == 0 else None))
    try:
        path = folder / "case.toml"
        if comm.rank == 0:
            path.write_text(case_text(time, metal_cells))
        comm.Barrier()
        simulation = Simulation(load_case(path), comm, folder)
        try:
            summary = simulation.run()
        finally:
            simulation.close()
    finally:
        comm.Barrier()
        if comm.rank == 0:
            shutil.rmtree(folder)
    if summary.status != "completed":
        raise RuntimeError(f"coupled verification run (steps / {time}, {metal_cells} cells): {summary.status}")
    return np.array([summary.final_row[name] for name in QUANTITIES])


def successive_differences(refinements: Sequence[int], values: np.ndarray) -> tuple[list[float], np.ndarray]:
    """Sizes 1/r_k and |q_k - q_{k+1}| for all but the finest refinement."""
    return [1.0 / r for r in refinements[:-1]], np.abs(np.diff(values, axis=0))


def time_errors(refinements: Sequence[int]) -> tuple[list[float], np.ndarray]:
    values = np.array([final_state(r, TIME_STUDY_CELLS) for r in refinements])
    return successive_differences(refinements, values)


def space_errors(metal_cells: Sequence[int]) -> tuple[list[float], np.ndarray]:
    """At the steps of the coarsest time study (the time error is common to all meshes)."""
    return successive_differences(metal_cells, np.array([final_state(1, n) for n in metal_cells]))


def measures(order: float) -> tuple[Measure, ...]:
    return Measure("final interface x_Mg", order), Measure("final cell voltage", order)


COUPLED_TIME = ConvergenceStudy(
    name="coupled_time", submodel="coupled (electrochemistry + interdiffusion)", variable="dt",
    description="strip/rest/plate of a Li0.97Mg0.03 column, 80 metal cells, steps divided by r, self-convergence",
    measures=measures(1.0),
    fast=(1, 2, 4, 8), full=(1, 2, 4, 8, 16, 32, 64), errors=time_errors)

COUPLED_SPACE = ConvergenceStudy(
    name="coupled_space", submodel="coupled (electrochemistry + interdiffusion)", variable="h",
    description="strip/rest/plate of a Li0.97Mg0.03 column, N metal cells graded to 1.6/N um, self-convergence",
    measures=measures(2.0),
    # 640 is the finest: the mesh grading (phasefield.mesh.window.geometric_ratio) overflows beyond ~1000 cells
    fast=(80, 160, 320, 640), full=(10, 20, 40, 80, 160, 320, 640), errors=space_errors)
