"""Checkpoints (issue 9): bitwise restore on any rank count, atomic writes, clear errors on a mismatch.

Functions on both submeshes of the window cover P2 and P1, scalar, vector (blocked) and mixed spaces.
The 2-rank halves run a script under ``mpiexec -n 2``, written into the test's tmp_path.
"""

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import h5py
import numpy as np
import pytest
from basix.ufl import element, mixed_element
from dolfinx import fem
from mpi4py import MPI
from scipy.spatial import cKDTree

from phasefield.mesh import build_interface_window
from phasefield.output import checkpoint
from phasefield.output.checkpoint import (
    CheckpointError,
    CheckpointMismatchError,
    checkpoint_path,
    latest_checkpoint,
    prune_checkpoints,
    read_checkpoint,
    write_checkpoint,
)
from phasefield.verification.windows import uniform_window

COMM = MPI.COMM_WORLD
MPIEXEC = str(Path(sys.executable).parent / "mpiexec")
HERE = Path(__file__).resolve().parent
WIDTH = 10e-6  # m, the window width of uniform_window
EDGE = 2.5e-6  # m, the shortest edge of uniform_window(4)

PRELUDE = f"""
import sys
from mpi4py import MPI
sys.path[:0] = [{str(HERE.parent)!r}, {str(HERE)!r}]
from test_checkpoint import fill_linear, fill_random, window_functions
from phasefield.output.checkpoint import CheckpointError, read_checkpoint, write_checkpoint
comm = MPI.COMM_WORLD
"""

RESTART_SCRIPT = PRELUDE + """
import h5py
import numpy as np

def disk_full(*args, **kwargs):
    raise OSError(28, "No space left on device")

mode, source, target = sys.argv[1:]
functions = window_functions(comm)
if mode == "write":
    fill_random(functions, seed=7)
    write_checkpoint(target, functions, {"step": 3}, comm)
    h5py.Group.create_dataset = disk_full  # rank 0 fails on the first of eight gathered parts
    try:
        write_checkpoint(target, functions, {"step": 4}, comm)
    except CheckpointError as error:  # on both ranks, without hanging
        assert "No space left on device" in str(error), error
    else:
        raise AssertionError("a failed write must raise on every rank")
else:
    state = read_checkpoint(source, functions, comm)
    for function in functions.values():  # ghosts hold their owners' values without a scatter
        restored = function.x.array.copy()
        function.x.scatter_forward()
        assert np.array_equal(restored, function.x.array), function.name
    write_checkpoint(target, functions, state, comm)
"""

KILL_SCRIPT = PRELUDE + """
import os, time
import h5py

def block(*args, **kwargs):
    print("blocked", flush=True)
    time.sleep(600)

def block_after_first_dataset(create):
    def create_dataset(self, *args, **kwargs):
        if "functions/electrolyte_potential/values" in self.file:
            block()
        return create(self, *args, **kwargs)
    return create_dataset

path, moment = sys.argv[1:]
functions = window_functions(comm)
fill_linear(functions, 1.0)
write_checkpoint(path, functions, {"step": 1}, comm)
fill_linear(functions, 2.0)
if moment == "before_rename":
    os.replace = block
else:
    h5py.Group.create_dataset = block_after_first_dataset(h5py.Group.create_dataset)
write_checkpoint(path, functions, {"step": 2}, comm)
"""


def window_functions(comm: MPI.Comm, spec=None, degree: int = 2, dimension: int = 2,
                     mixed_creep: bool = True) -> dict[str, fem.Function]:
    """On the electrolyte: scalar P``degree`` and vector P2. On the metal: scalar P2, vector P1, a
    mixed P1 x P1 (as the voids model) and a mixed vector P2 x P1 (Taylor-Hood, as the creep model)."""
    window = build_interface_window(comm, spec or uniform_window(4, metal_cells=2, dimension=dimension))
    electrolyte, metal = window.electrolyte.mesh, window.metal.mesh
    gdim = electrolyte.geometry.dim
    p1, p2_vector = element("Lagrange", metal.basix_cell(), 1), element("Lagrange", metal.basix_cell(), 2,
                                                                          shape=(gdim,))
    spaces = {
        "electrolyte_potential": fem.functionspace(electrolyte, ("Lagrange", degree)),
        "electrolyte_flux": fem.functionspace(electrolyte, ("Lagrange", 2, (gdim,))),
        "metal_fraction": fem.functionspace(metal, ("Lagrange", 2)),
        "metal_displacement": fem.functionspace(metal, ("Lagrange", 1, (gdim,))),
        "metal_voids": fem.functionspace(metal, mixed_element([p1, p1])),
        "metal_creep": fem.functionspace(metal, mixed_element([p2_vector, p1]) if mixed_creep else p2_vector),
    }
    return {name: fem.Function(space, name=name) for name, space in spaces.items()}


def fill_random(functions: dict[str, fem.Function], seed: int) -> None:
    rng = np.random.default_rng([seed, functions["metal_fraction"].function_space.mesh.comm.rank])
    for function in functions.values():
        function.x.array[:] = rng.standard_normal(function.x.array.size)
        function.x.scatter_forward()


def fill_linear(functions: dict[str, fem.Function], offset: float) -> None:
    """offset + k + (x + 2 y) / WIDTH in component k of each (sub-)function."""
    for function in functions.values():
        space = function.function_space
        subs = [function.sub(i) for i in range(space.num_sub_spaces)] if space.ufl_element().is_mixed \
            else [function]
        for sub in subs:
            components = int(np.prod(sub.function_space.value_shape))
            sub.interpolate(lambda x, n=components: np.vstack(
                [offset + k + (x[0] + 2 * x[1]) / WIDTH for k in range(n)]))


def stored_parts(path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The coordinates and values of every stored part, by its group name."""
    parts = {}
    with h5py.File(path, "r") as h5:
        h5["functions"].visititems(lambda key, item: parts.update(
            {key: (item["coordinates"][:], item["values"][:])}) if "element" in item.attrs else None)
    return parts


def assert_same_fields(path: Path, reference: Path) -> None:
    """The files hold the same parts, and every node of each carries bitwise the value the reference
    stores at the same point; the nodes of the two correspond one to one."""
    parts, reference_parts = stored_parts(path), stored_parts(reference)
    assert sorted(parts) == sorted(reference_parts)
    for key, (coordinates, values) in parts.items():
        ref_coordinates, ref_values = reference_parts[key]
        distance, index = cKDTree(ref_coordinates).query(coordinates)
        assert distance.max() < 1e-9 * EDGE
        assert np.unique(index).size == index.size == ref_coordinates.shape[0]
        np.testing.assert_array_equal(values, ref_values[index])


def run_restart_script(tmp_path: Path, ranks: int, mode: str, source: Path, target: Path) -> None:
    script = tmp_path / "restart.py"
    script.write_text(RESTART_SCRIPT)
    command = [sys.executable, str(script), mode, str(source), str(target)]
    if ranks > 1:
        command = [MPIEXEC, "-n", str(ranks), *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("dimension", [2, 3])
def test_round_trip_on_one_rank_is_bitwise_and_records_metadata(tmp_path, dimension):
    functions = window_functions(COMM, dimension=dimension)
    fill_random(functions, seed=1)
    path = tmp_path / "checkpoint.h5"
    write_checkpoint(path, functions, {"step": 0}, COMM)
    restored = window_functions(COMM, dimension=dimension)
    assert read_checkpoint(path, restored, COMM) == {"step": 0}
    for name, function in functions.items():
        assert restored[name].x.array.tobytes() == function.x.array.tobytes()
    with h5py.File(path, "r") as h5:
        assert h5.attrs["mpi_ranks"] == 1 and h5.attrs["phasefield_version"]
        assert h5.attrs["format_version"] == checkpoint.FORMAT_VERSION
        assert datetime.fromisoformat(h5.attrs["written_at"]).tzinfo is not None
        assert json.loads(h5.attrs["function_names"]) == list(functions)
        assert sorted(h5["functions/metal_creep"]) == ["0", "1"]
        assert json.loads(h5["functions/metal_displacement"].attrs["element"]) == {
            "family": "P", "degree": 1, "lagrange_variant": "gll_warped", "block_size": dimension,
            "value_shape": [dimension], "cell_type": "triangle" if dimension == 2 else "tetrahedron",
            "gdim": dimension}


@pytest.mark.mpi
def test_checkpoint_written_on_two_ranks_restores_bitwise_on_one(tmp_path):
    """Also: a write that fails on rank 0 raises on both ranks and leaves the checkpoint before it."""
    written, rewritten = tmp_path / "two_ranks.h5", tmp_path / "one_rank.h5"
    run_restart_script(tmp_path, 2, "write", written, written)
    with h5py.File(written, "r") as h5:
        assert h5.attrs["mpi_ranks"] == 2
    functions = window_functions(COMM)
    state = read_checkpoint(written, functions, COMM)
    assert state == {"step": 3}
    write_checkpoint(rewritten, functions, state, COMM)
    assert_same_fields(rewritten, written)


@pytest.mark.mpi
def test_checkpoint_written_on_one_rank_restores_bitwise_on_two(tmp_path):
    functions = window_functions(COMM)
    fill_random(functions, seed=11)
    written, rewritten = tmp_path / "one_rank.h5", tmp_path / "two_ranks.h5"
    write_checkpoint(written, functions, {"step": 5, "time": 0.5}, COMM)
    run_restart_script(tmp_path, 2, "restore", written, rewritten)
    with h5py.File(rewritten, "r") as h5:
        assert h5.attrs["mpi_ranks"] == 2
    assert_same_fields(rewritten, written)
    assert read_checkpoint(rewritten, {}, COMM) == {"step": 5, "time": 0.5}


@pytest.mark.parametrize("moment", ["inside_hdf5_write", "before_rename"])
def test_writer_killed_mid_write_leaves_the_previous_checkpoint_valid(tmp_path, moment):
    script, path = tmp_path / "kill.py", checkpoint_path(tmp_path, 1)
    script.write_text(KILL_SCRIPT)
    child = subprocess.Popen([sys.executable, str(script), str(path), moment],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "blocked", child.communicate(timeout=60)[1]
        child.kill()  # SIGKILL
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()
    tmp = path.with_name(path.name + ".tmp")
    assert tmp.exists() and latest_checkpoint(tmp_path) == path
    functions, expected = window_functions(COMM), window_functions(COMM)
    if moment == "inside_hdf5_write":
        with pytest.raises(CheckpointError):
            read_checkpoint(tmp, functions, COMM)
    assert read_checkpoint(path, functions, COMM) == {"step": 1}
    fill_linear(expected, 1.0)
    for name, function in functions.items():
        np.testing.assert_array_equal(function.x.array, expected[name].x.array)


def test_failed_rename_raises_and_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    functions = window_functions(COMM)
    fill_linear(functions, 1.0)
    path = tmp_path / "checkpoint.h5"
    write_checkpoint(path, functions, {"step": 1}, COMM)
    expected = {name: function.x.array.copy() for name, function in functions.items()}
    fill_linear(functions, 2.0)

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(checkpoint.os, "replace", disk_full)
    with pytest.raises(CheckpointError, match="No space left on device"):
        write_checkpoint(path, functions, {"step": 2}, COMM)
    monkeypatch.undo()
    assert not path.with_name(path.name + ".tmp").exists()
    restored = window_functions(COMM)
    assert read_checkpoint(path, restored, COMM) == {"step": 1}
    for name, function in restored.items():
        np.testing.assert_array_equal(function.x.array, expected[name])


@pytest.mark.parametrize("other, message", [
    (dict(spec=uniform_window(5, metal_cells=2)), r"'electrolyte_potential': .* holds 81 dof nodes, the "
                                                  r"function has 121; the mesh differs"),
    # P2 nodes at x = k 1.5 um instead of k 1.25 um: only the columns x = 0 and 7.5 um (2 x 9 nodes) match
    (dict(spec=uniform_window(4, width=12e-6, metal_cells=2)), r"'electrolyte_potential': 63 of 81 dof nodes "
                                                               r"have no stored node within 2.5e-12 m"),
    (dict(degree=1), r"'electrolyte_potential': stored element differs .*'degree': \(2, 1\)"),
    (dict(mixed_creep=False), r"'metal_creep': stored as the parts \['metal_creep/0', 'metal_creep/1'\], "
                              r"the function has \['metal_creep'\]"),
], ids=["refined", "wider", "degree", "not_mixed"])
def test_restore_onto_a_different_mesh_or_element_raises_a_clear_error(tmp_path, other, message):
    path = tmp_path / "checkpoint.h5"
    write_checkpoint(path, window_functions(COMM), {}, COMM)
    with pytest.raises(CheckpointMismatchError, match=message):
        read_checkpoint(path, window_functions(COMM, **other), COMM)


def test_restore_of_a_function_not_stored_raises_a_clear_error(tmp_path):
    functions = window_functions(COMM)
    path = tmp_path / "checkpoint.h5"
    write_checkpoint(path, {"metal_fraction": functions["metal_fraction"]}, {}, COMM)
    with pytest.raises(CheckpointMismatchError, match=r"holds no function 'electrolyte_potential'; it holds "
                                                      r"\['metal_fraction'\]"):
        read_checkpoint(path, functions, COMM)


def test_state_round_trips_and_the_generator_continues_with_the_same_numbers(tmp_path):
    rng = np.random.default_rng(2024)
    rng.random(17)
    state = {"step": 41, "time": 0.1 + 0.2, "dt": 1e-3 / 3, "capacity": 2.0 / 3.0, "protocol_step": 2,
             "rng": rng.bit_generator.state, "retries": [1, 0, 2], "note": None, "count": np.int64(5)}
    path = tmp_path / "checkpoint.h5"
    write_checkpoint(path, window_functions(COMM), state, COMM)
    draws = rng.random(5)
    restored = read_checkpoint(path, {}, COMM)
    assert restored == {**state, "count": 5}
    generator = np.random.Generator(getattr(np.random, restored["rng"]["bit_generator"])())
    generator.bit_generator.state = restored["rng"]
    np.testing.assert_array_equal(generator.random(5), draws)


def test_state_that_is_not_json_serialisable_is_refused_before_writing(tmp_path):
    path = tmp_path / "checkpoint.h5"
    with pytest.raises(TypeError, match="not JSON-serialisable"):
        write_checkpoint(path, {}, {"rng": np.random.default_rng(0)}, COMM)
    assert list(tmp_path.iterdir()) == []


def test_latest_checkpoint_is_the_newest_complete_one_and_pruning_keeps_two(tmp_path):
    assert latest_checkpoint(tmp_path / "missing") is None and latest_checkpoint(tmp_path) is None
    functions = window_functions(COMM)
    for step in (5, 10, 20):
        write_checkpoint(checkpoint_path(tmp_path, step), functions, {"step": step}, COMM)
    checkpoint_path(tmp_path, 30).write_bytes(b"truncated copy")
    Path(str(checkpoint_path(tmp_path, 40)) + ".tmp").write_bytes(b"killed writer")
    assert latest_checkpoint(tmp_path) == checkpoint_path(tmp_path, 20)
    assert read_checkpoint(latest_checkpoint(tmp_path), {}, COMM) == {"step": 20}
    prune_checkpoints(tmp_path, keep=2)
    assert sorted(tmp_path.iterdir()) == [checkpoint_path(tmp_path, 10), checkpoint_path(tmp_path, 20)]


def test_discontinuous_functions_are_refused_with_a_clear_error(tmp_path):
    window = build_interface_window(COMM, uniform_window(4))
    dg = fem.Function(fem.functionspace(window.electrolyte.mesh, ("DG", 1)))
    with pytest.raises(CheckpointError, match="only continuous Lagrange"):
        write_checkpoint(tmp_path / "checkpoint.h5", {"dg": dg}, {}, COMM)
