"""Requirement: the void statistics of each step (count, widths, heights) are computed without gathering
the metal field to rank 0, and they are the numbers of the gather-based :func:`void_statistics` on all
nodes: exactly, on 1 and on 2 ranks, at every step of the tiny void cases, on every rank; and the same on 1
and 2 ranks.

The script runs a case step by step under ``mpiexec -n RANKS``; after each step it computes the
statistics both ways (the sub-model's and, as the reference, phi and the node coordinates gathered to
rank 0) and writes them to a JSON file.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import DATA, MPIEXEC

SCRIPT = """
import json, sys
from pathlib import Path
from mpi4py import MPI
import numpy as np
from phasefield.case import load_case
from phasefield.coupling.simulation import Simulation
from phasefield.output.void_statistics import void_statistics

case, output = Path(sys.argv[1]), Path(sys.argv[2])
comm = MPI.COMM_WORLD
simulation = Simulation(load_case(case), comm, output)
simulation.start()
contact = simulation.models.contact
owned = contact.metal_fraction.function_space.dofmap.index_map.size_local
coordinates = comm.gather(contact.metal_fraction.function_space.tabulate_dof_coordinates()[:owned], root=0)
steps = []
while simulation.counters.protocol_index < len(simulation.case.protocol.steps):
    simulation.step()
    stats = contact._statistics(contact._interface_samples())
    phi = comm.gather(contact.metal_fraction.x.array[:owned], root=0)
    on_all_ranks = comm.allgather((stats.widths.tolist(), stats.heights.tolist()))
    if comm.rank == 0:
        reference = void_statistics(np.concatenate(coordinates), np.concatenate(phi), contact.window.normal_axis,
                                    contact.window.spec.width)
        steps.append({"widths": stats.widths.tolist(), "heights": stats.heights.tolist(),
                      "reference_widths": reference.widths.tolist(), "reference_heights": reference.heights.tolist(),
                      "same_on_all_ranks": all(other == on_all_ranks[0] for other in on_all_ranks),
                      "voids_per_100um": simulation.row["voids_per_100um"],
                      "max_void_height_um": simulation.row["max_void_height_um"]})
simulation.close()
if comm.rank == 0:
    (output / "statistics.json").write_text(json.dumps(steps))
"""


def statistics_by_step(tmp_path: Path, case: str, ranks: int) -> list[dict]:
    output = tmp_path / f"{case}_{ranks}"
    output.mkdir()
    script = tmp_path / "statistics.py"
    script.write_text(SCRIPT)
    command = [sys.executable, str(script), str(DATA / f"{case}.toml"), str(output)]
    command = [MPIEXEC, "-n", str(ranks), *command] if ranks > 1 else command
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads((output / "statistics.json").read_text())


@pytest.mark.mpi
@pytest.mark.parametrize("case", ["tiny_phase_field", "tiny_creep", "tiny_phase_field_3d"])
def test_statistics_equal_the_gathered_ones_on_one_and_two_ranks(tmp_path, case):
    by_ranks = {ranks: statistics_by_step(tmp_path, case, ranks) for ranks in (1, 2)}
    for steps in by_ranks.values():
        for step in steps:
            assert step["widths"] == step["reference_widths"]  # exactly: the same runs, the same maxima
            assert step["heights"] == step["reference_heights"]
            assert step["same_on_all_ranks"]
        assert steps[-1]["widths"] and max(steps[-1]["heights"]) > 0.5e-6  # a void, taller than a cell
    serial, parallel = by_ranks[1], by_ranks[2]
    assert len(serial) == len(parallel)
    for one, two in zip(serial, parallel, strict=True):
        assert len(one["widths"]) == len(two["widths"])
        # the same mesh nodes: the heights are node coordinates (exactly in 2-D; the 3-D box's coordinates differ by
        # an ulp between partitions), the widths interpolated crossings of a phi that two ranks solve to round-off
        # (MUMPS on another partition)
        np.testing.assert_allclose(two["heights"], one["heights"], rtol=1e-15 if "3d" in case else 0.0)
        np.testing.assert_allclose(two["widths"], one["widths"], rtol=1e-9)
        assert one["voids_per_100um"] == two["voids_per_100um"]
