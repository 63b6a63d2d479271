"""Checkpoints: every field and the stepper/protocol state in one HDF5 file, restorable on any rank count.

Functions on continuous Lagrange spaces are supported: scalar or blocked (vector), of any degree,
on any mesh, and mixed spaces of such sub-elements, stored as one part per sub-space. File layout
(format version 1)::

    /                        attrs: format, format_version, phasefield_version, mpi_ranks,
                                    written_at, function_names (JSON), state (JSON), complete
    /functions/<part>/coordinates   (N, gdim) float64, one row per dof node (not per component)
    /functions/<part>/values        (N, bs), the block components of each node
                             attrs: element (JSON: family, degree, lagrange_variant, block_size,
                                    value_shape, cell_type, gdim), num_nodes

where ``<part>`` is the function's name, or ``<name>/<i>`` for sub-space i of a mixed space
(``<name>/<i>/<j>`` if that is mixed in turn).

Writing gathers the owned dofs of each part to rank 0, one part at a time (so rank 0 holds at most
one part of the global field), and rank 0 writes ``<path>.tmp``, fsyncs it, renames it onto
``<path>`` and fsyncs the directory. The rename is atomic, so ``<path>`` is always either the
previous complete file or the new complete one, whatever moment the writer is killed; a leftover
``.tmp`` is ignored and overwritten by the next write.
Numbered files (:func:`checkpoint_path`) keep earlier checkpoints; :func:`latest_checkpoint` picks the
newest complete one and :func:`prune_checkpoints` removes older ones.

Reading does not depend on the partition or rank count of the writer: every rank opens the file
read-only, streams the stored dof coordinates in blocks keeping those inside its own bounding box,
and matches its local dofs (ghosts included) to them with a KD-tree. A dof must find a stored dof
within ``RELATIVE_TOLERANCE`` times the shortest mesh edge, and the global dof counts must agree;
otherwise the mesh differs from the checkpoint's and :class:`CheckpointMismatchError` is raised on
all ranks. Values are copied, not interpolated, so a restart reproduces them bitwise. Every rank
reads for itself rather than rank 0 reading and scattering: no rank holds more than the stored dofs
of its own region (plus one block), no communication is needed, and serial h5py reading the same
file from several processes is safe because a checkpoint never changes once renamed into place.
"""

import collections
import json
import logging
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import basix
import h5py
import numpy as np
from dolfinx import fem
from dolfinx import mesh as dmesh
from mpi4py import MPI
from scipy.spatial import cKDTree

import phasefield

log = logging.getLogger(__name__)

FORMAT = "phasefield-checkpoint"
FORMAT_VERSION = 1
RELATIVE_TOLERANCE = 1e-6
"""Largest distance between a dof and its stored match, relative to the shortest mesh edge.

Far above the round-off of dof coordinates computed in different cells (~1e-16 of the window
size) and far below the spacing of distinct Lagrange nodes of degree <= 2 (half an edge)."""
READ_BLOCK_ROWS = 1 << 20
_NAME = re.compile(r"checkpoint_(\d+)\.h5")


class CheckpointError(RuntimeError):
    """A checkpoint could not be written or read."""


class CheckpointMismatchError(CheckpointError):
    """The functions to restore do not match those stored (other mesh, element or names)."""


def checkpoint_path(directory: Path, step: int) -> Path:
    """The file of the checkpoint taken after time step ``step`` in ``directory``."""
    return Path(directory) / f"checkpoint_{step:08d}.h5"


def latest_checkpoint(directory: Path) -> Path | None:
    """The complete checkpoint with the highest step in ``directory``, or None if there is none."""
    for path in _numbered_checkpoints(directory)[::-1]:
        if _is_complete(path):
            return path
        log.warning("skipping %s: not a complete phasefield checkpoint", path)
    return None


def prune_checkpoints(directory: Path, keep: int = 2) -> list[Path]:
    """Keep the ``keep`` newest complete checkpoints in ``directory``; remove every other numbered
    file and leftover ``.tmp`` files, and return what was removed. Call on one rank, after a write."""
    if keep < 1:
        raise ValueError(f"keep must be at least 1, not {keep}")
    numbered = _numbered_checkpoints(directory)
    kept = [path for path in numbered if _is_complete(path)][-keep:]
    removed = [path for path in numbered if path not in kept]
    removed += sorted(Path(directory).glob("checkpoint_*.h5.tmp"))
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def write_checkpoint(path: Path, functions: Mapping[str, fem.Function], state: Mapping[str, Any],
                     comm: MPI.Comm) -> None:
    """Write ``functions`` and the JSON-serialisable ``state`` atomically to ``path`` (collective).

    ``state`` is taken from rank 0 (it should be the same on all ranks); numpy scalars and arrays
    in it are stored as Python numbers and lists. Raises :class:`CheckpointError` on all ranks if
    rank 0 cannot write, leaving the previous file at ``path`` untouched.
    """
    path = Path(path)
    header = _header(functions, state, comm)
    parts = [(part, function) for name, function in functions.items()
             for part in _parts(name, function.function_space)]
    gathered = _gather_parts(parts, comm)
    error = _write_atomically(path, header, gathered) if comm.rank == 0 else None
    collections.deque(gathered, maxlen=0)  # every rank takes part in the gathers rank 0 did not consume
    message = comm.bcast(None if error is None else f"{type(error).__name__}: {error}", root=0)
    if message is not None:
        raise CheckpointError(f"could not write checkpoint {path}: {message}") from error


def read_checkpoint(path: Path, functions: Mapping[str, fem.Function], comm: MPI.Comm) -> dict[str, Any]:
    """Restore ``functions`` (any subset of those stored) from ``path`` and return the state (collective)."""
    path = Path(path)
    try:
        h5 = h5py.File(path, "r", locking=False)
    except OSError as error:
        raise CheckpointError(f"cannot open checkpoint {path}: {error}") from error
    with h5:
        _check_header(h5, path)
        for name, function in functions.items():
            parts = _parts(name, function.function_space)
            _check_structure(h5, path, name, parts)
            for part in parts:
                _restore_part(h5["functions"][part.key], path, part, function, comm)
        return json.loads(h5.attrs["state"])


@dataclass(frozen=True)
class _Part:
    """A function, or one sub-space of a mixed one, as a plain Lagrange space."""

    key: str  # its group below /functions
    space: fem.FunctionSpace  # not mixed (collapsed from the function's space if that is mixed)
    dofs: np.ndarray | None  # local dofs (unrolled, ghosts included) of space in the function; None: all
    element: dict[str, Any]

    def values(self, function: fem.Function) -> np.ndarray:
        array = function.x.array if self.dofs is None else function.x.array[self.dofs]
        return array.reshape(-1, self.element["block_size"])

    def assign(self, function: fem.Function, values: np.ndarray) -> None:
        if self.dofs is None:
            function.x.array[:] = values.reshape(-1)
        else:
            function.x.array[self.dofs] = values.reshape(-1)


def _parts(key: str, space: fem.FunctionSpace) -> list[_Part]:
    """The plain parts of ``space`` (collective: collapsing a sub-space is)."""
    if not space.ufl_element().is_mixed:
        return [_Part(key, space, None, _element_description(space))]
    parts = []
    for i in range(space.num_sub_spaces):
        sub, dofs = space.sub(i).collapse()
        dofs = np.concatenate(dofs)
        parts += [_Part(p.key, p.space, dofs if p.dofs is None else dofs[p.dofs], p.element)
                  for p in _parts(f"{key}/{i}", sub)]
    return parts


def _numbered_checkpoints(directory: Path) -> list[Path]:
    directory = Path(directory)
    if not directory.is_dir():
        return []
    numbered = [(int(m.group(1)), p) for p in directory.iterdir() if (m := _NAME.fullmatch(p.name))]
    return [p for _, p in sorted(numbered)]


def _is_complete(path: Path) -> bool:
    try:
        with h5py.File(path, "r", locking=False) as h5:
            _check_header(h5, path)
    except (OSError, KeyError, RuntimeError):  # unreadable, truncated or not ours
        return False
    return True


def _check_header(h5: h5py.File, path: Path) -> None:
    if h5.attrs.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a phasefield checkpoint")
    if h5.attrs.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(f"{path} has checkpoint format version {h5.attrs.get('format_version')}, "
                              f"this phasefield reads version {FORMAT_VERSION}")
    if not h5.attrs.get("complete", False):
        raise CheckpointError(f"{path} is incomplete")


def _to_builtin(value: Any) -> Any:
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    raise TypeError(f"checkpoint state holds a {type(value).__name__}, which is not JSON-serialisable")


def _header(functions: Mapping[str, fem.Function], state: Mapping[str, Any], comm: MPI.Comm) -> dict:
    bad = [name for name in functions if not name or "/" in name or name in (".", "..")]
    if bad:
        raise CheckpointError(f"function names {bad} cannot name HDF5 groups")
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "phasefield_version": phasefield.__version__,
        "mpi_ranks": comm.size,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "function_names": json.dumps(list(functions)),
        "state": json.dumps(dict(state), default=_to_builtin),
    }


def _element_description(space: fem.FunctionSpace) -> dict[str, Any]:
    """The properties of ``space`` that a restore must match; only continuous Lagrange is supported."""
    try:
        element = space.element.basix_element
    except RuntimeError as error:
        raise CheckpointError(f"{space.ufl_element()} is not a Lagrange element") from error
    if element.family != basix.ElementFamily.P or element.discontinuous:
        raise CheckpointError(f"only continuous Lagrange functions can be checkpointed, not {element}")
    mesh = space.mesh
    return {
        "family": "P",
        "degree": int(element.degree),
        "lagrange_variant": element.lagrange_variant.name,
        "block_size": int(space.dofmap.index_map_bs),
        "value_shape": [int(n) for n in space.value_shape],
        "cell_type": mesh.topology.cell_type.name,
        "gdim": int(mesh.geometry.dim),
    }


def _gather_rows(array: np.ndarray, comm: MPI.Comm) -> np.ndarray | None:
    """Stack the rows of ``array`` from all ranks, in rank order, on rank 0 (None elsewhere)."""
    array = np.ascontiguousarray(array)
    counts = comm.gather(array.size, root=0)
    if comm.rank != 0:
        comm.Gatherv(array, None, root=0)
        return None
    stacked = np.empty(sum(counts), dtype=array.dtype)
    comm.Gatherv(array, (stacked, counts), root=0)
    return stacked.reshape(-1, *array.shape[1:])


def _gather_parts(parts: list[tuple[_Part, fem.Function]],
                  comm: MPI.Comm) -> Iterator[tuple[_Part, np.ndarray | None, np.ndarray | None]]:
    """For each part in turn: its owned dof coordinates and values, gathered on rank 0."""
    for part, function in parts:
        owned = part.space.dofmap.index_map.size_local
        coordinates = part.space.tabulate_dof_coordinates()[:owned, : part.element["gdim"]]
        yield part, _gather_rows(coordinates, comm), _gather_rows(part.values(function)[:owned], comm)


def _write_atomically(path: Path, header: dict,
                      gathered: Iterator[tuple[_Part, np.ndarray, np.ndarray]]) -> Exception | None:
    """Rank 0: write ``<path>.tmp`` and rename it onto ``path``; the error, returned so that all
    ranks can raise it together (raising on rank 0 alone would leave the others waiting)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with h5py.File(tmp, "w", locking=False) as h5:
            h5.attrs.update(header)
            for part, coordinates, values in gathered:
                group = h5.create_group(f"functions/{part.key}")
                group.attrs.update(element=json.dumps(part.element), num_nodes=coordinates.shape[0])
                group.create_dataset("coordinates", data=coordinates)
                group.create_dataset("values", data=values)
            h5.attrs["complete"] = True
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync(path.parent)
    except Exception as error:  # re-raised on all ranks by write_checkpoint
        tmp.unlink(missing_ok=True)
        return error
    return None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_structure(h5: h5py.File, path: Path, name: str, parts: list[_Part]) -> None:
    if name not in h5.get("functions", {}):
        stored = json.loads(h5.attrs["function_names"])
        raise CheckpointMismatchError(f"{path} holds no function {name!r}; it holds {stored}")
    group = h5["functions"][name]
    stored = [name] if "element" in group.attrs else []
    group.visititems(lambda key, item: stored.append(f"{name}/{key}") if "element" in item.attrs else None)
    wanted = [part.key for part in parts]
    if sorted(stored) != sorted(wanted):
        raise CheckpointMismatchError(f"{name!r}: stored as the parts {sorted(stored)}, the function has "
                                      f"{sorted(wanted)} (mixed sub-spaces differ)")


def _restore_part(group: h5py.Group, path: Path, part: _Part, function: fem.Function, comm: MPI.Comm) -> None:
    stored = json.loads(group.attrs["element"])
    differ = {k: (stored.get(k), v) for k, v in part.element.items() if stored.get(k) != v}
    if differ:
        raise CheckpointMismatchError(f"{part.key!r}: stored element differs from the function's "
                                      f"(stored, wanted): {differ}")
    nodes = part.space.dofmap.index_map.size_global
    if group.attrs["num_nodes"] != nodes:
        raise CheckpointMismatchError(f"{part.key!r}: {path} holds {group.attrs['num_nodes']} dof nodes, "
                                      f"the function has {nodes}; the mesh differs from the checkpoint's")
    tolerance = RELATIVE_TOLERANCE * _shortest_edge(part.space.mesh)
    local = part.space.tabulate_dof_coordinates()[:, : part.element["gdim"]]
    coordinates, values = _stored_near(group, local, tolerance)
    distance, index = _nearest(coordinates, local)
    unmatched = comm.allreduce(int(np.count_nonzero(distance > tolerance)), op=MPI.SUM)
    if unmatched:
        worst = comm.allreduce(float(distance.max(initial=0.0)), op=MPI.MAX)
        raise CheckpointMismatchError(
            f"{part.key!r}: {unmatched} of {nodes} dof nodes have no stored node within {tolerance:.3g} m "
            f"(the farthest is {worst:.3g} m from one); the mesh differs from the one in {path}")
    part.assign(function, values[index])  # ghosts are matched too: no scatter needed


def _shortest_edge(mesh: dmesh.Mesh) -> float:
    mesh.topology.create_connectivity(1, mesh.topology.dim)
    edges = mesh.topology.index_map(1)
    local = mesh.h(1, np.arange(edges.size_local, dtype=np.int32)).min(initial=np.inf)
    return mesh.comm.allreduce(float(local), op=MPI.MIN)


def _stored_near(group: h5py.Group, points: np.ndarray, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """The stored nodes inside the bounding box of ``points`` widened by ``margin``, read in blocks."""
    stored_coordinates, stored_values = group["coordinates"], group["values"]
    kept_coordinates = [np.empty((0, stored_coordinates.shape[1]))]
    kept_values = [np.empty((0, stored_values.shape[1]), dtype=stored_values.dtype)]
    if points.shape[0] == 0:
        return kept_coordinates[0], kept_values[0]
    low, high = points.min(axis=0) - margin, points.max(axis=0) + margin
    for start in range(0, stored_coordinates.shape[0], READ_BLOCK_ROWS):
        block = stored_coordinates[start : start + READ_BLOCK_ROWS]
        inside = np.all((block >= low) & (block <= high), axis=1)
        if inside.any():
            kept_coordinates.append(block[inside])
            kept_values.append(stored_values[start : start + READ_BLOCK_ROWS][inside])
    return np.concatenate(kept_coordinates), np.concatenate(kept_values)


def _nearest(stored: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance to, and index of, the nearest stored node of each point (inf, 0 with none stored)."""
    if stored.shape[0] == 0:
        return np.full(points.shape[0], np.inf), np.zeros(points.shape[0], dtype=np.intp)
    return cKDTree(stored).query(points, k=1)
