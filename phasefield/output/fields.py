"""Fields for ParaView 5.11 and pyvista: binary VTK XML, a .vtu piece per rank, a .pvtu per output, a .pvd series.

For a series ``fields/NAME.pvd`` the k-th output is ``NAMEkkkkkk.pvtu`` (written by rank 0) over the pieces
``NAME_pR_kkkkkk.vtu`` (each rank writes its owned cells; nothing is gathered). The pieces are VTK XML
unstructured grids with zlib-compressed raw appended data, which Debian's ParaView 5.11 and pyvista read
(DOLFINx 0.11's VTKFile writes ASCII; its VTKHDF, XDMF and ADIOS2 files do not open in ParaView 5.11).
Rank 0 rewrites the .pvd after every output, so it opens while a run is going, with time steps in s.

Units: point coordinates in um (field data ``metres_per_length_unit`` = 1e-6 says so); point data are the
functions' values in SI (V, m/s; fractions and kT as they are), named after the functions. Each piece
carries the field data ``TimeValue`` (s) and ``capacity_mAh_per_cm2`` of its output, and :class:`FieldTimes`
lists step, time and capacity of every output in ``fields/times.csv``.
"""

import csv
import zlib
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
from dolfinx import fem, plot

from phasefield.units import si_factor

#: point coordinates are written in this unit
LENGTH_UNIT = "um"
METRES_PER_LENGTH_UNIT = si_factor(LENGTH_UNIT, "m")
VTK_TYPES = {np.dtype("float64"): "Float64", np.dtype("int64"): "Int64", np.dtype("uint8"): "UInt8"}


def p1_values_at(function: fem.Function, space: fem.FunctionSpace) -> np.ndarray:
    """The node values of the P1 ``function`` in the node order of the P1 ``space`` on the same mesh,
    shape (nodes, components), vectors padded to 3 components."""
    element = function.function_space.ufl_element()
    if element.family_name not in ("P", "Lagrange", "Q") or element.degree != 1:
        raise ValueError(f"field {function.name}: only P1 Lagrange fields are written, not {element}")
    own = function.function_space.dofmap.list
    order = np.empty(space.dofmap.index_map.size_local + space.dofmap.index_map.num_ghosts, dtype=np.int64)
    order[space.dofmap.list.ravel()] = own.ravel()
    block = function.function_space.dofmap.index_map_bs
    values = function.x.array.reshape(-1, block)[order]
    return np.pad(values, ((0, 0), (0, 3 - block))) if block > 1 else values


class AppendedData:
    """The arrays of one VTK XML file, each zlib-compressed with its UInt64 block header, and their
    ``<DataArray>`` tags that point into them."""

    def __init__(self):
        self.blocks: list[bytes] = []
        self._offset = 0

    def array(self, values: np.ndarray, name: str = "", components: int = 1) -> str:
        data = np.ascontiguousarray(values).tobytes()
        compressed = zlib.compress(data, 6)
        block = np.array([1, len(data), len(data), len(compressed)], dtype="<u8").tobytes() + compressed
        tag = (f'<DataArray type="{VTK_TYPES[values.dtype]}"' + (f" Name={quoteattr(name)}" if name else "")
               + f' NumberOfComponents="{components}" NumberOfTuples="{len(values)}" format="appended"'
               f' offset="{self._offset}"/>')
        self.blocks.append(block)
        self._offset += len(block)
        return tag


HEADER = ('<?xml version="1.0"?>\n<VTKFile type="{kind}" version="1.0" byte_order="LittleEndian" '
          'header_type="UInt64" compressor="vtkZLibDataCompressor">\n')


class FieldWriter:
    """One .pvd time series of a group of P1 functions that share a mesh."""

    def __init__(self, path: Path, functions: list[fem.Function]):
        self._functions = functions
        space = functions[0].function_space
        self._comm = space.mesh.comm
        self._pvd, self._stem = path, path.stem
        topology, cell_types, x = plot.vtk_mesh(space)
        self._space = space  # the node order of the points: the first function's
        for function in functions:
            p1_values_at(function, self._space)  # refuse a field that is not P1 now, not at the first output
        cells = topology.reshape(-1, space.dofmap.dof_layout.num_dofs + 1)  # a rank may own no cell
        self._connectivity = cells[:, 1:].astype(np.int64).ravel()
        self._offsets = np.cumsum(cells[:, 0], dtype=np.int64)
        self._cell_types = cell_types.astype(np.uint8)
        self._points = (x / METRES_PER_LENGTH_UNIT).astype(np.float64)
        self._entries: list[tuple[float, str]] = []

    def _piece_name(self, rank: int, index: int) -> str:
        return f"{self._stem}_p{rank}_{index:06d}.vtu"

    def write(self, time: float, capacity: float) -> None:
        """Output number ``len(entries)`` at ``time`` (s) after the net stripped ``capacity`` (mAh/cm^2)."""
        index = len(self._entries)
        directory = self._pvd.parent
        (directory / self._piece_name(self._comm.rank, index)).write_bytes(self._piece(time, capacity))
        self._entries.append((time, f"{self._stem}{index:06d}.pvtu"))
        if self._comm.rank == 0:
            (directory / self._entries[-1][1]).write_text(self._parallel_file(index))
            self._write_collection()

    def _piece(self, time: float, capacity: float) -> bytes:
        data = AppendedData()
        field = [data.array(np.array([time]), "TimeValue"), data.array(np.array([capacity]), "capacity_mAh_per_cm2"),
                 data.array(np.array([METRES_PER_LENGTH_UNIT]), "metres_per_length_unit")]
        points = data.array(self._points, components=3)
        cells = [data.array(self._connectivity, "connectivity"), data.array(self._offsets, "offsets"),
                 data.array(self._cell_types, "types")]
        point_data = []
        for function in self._functions:
            values = p1_values_at(function, self._space)
            point_data.append(data.array(values, function.name, values.shape[1] if values.ndim > 1 else 1))
        text = (HEADER.format(kind="UnstructuredGrid") + "<UnstructuredGrid>\n<FieldData>\n" + "\n".join(field)
                + f'\n</FieldData>\n<Piece NumberOfPoints="{len(self._points)}" '
                f'NumberOfCells="{len(self._cell_types)}">\n<Points>\n{points}\n</Points>\n<Cells>\n'
                + "\n".join(cells) + "\n</Cells>\n<PointData>\n" + "\n".join(point_data)
                + '\n</PointData>\n</Piece>\n</UnstructuredGrid>\n<AppendedData encoding="raw">\n_')
        return text.encode() + b"".join(data.blocks) + b"\n</AppendedData>\n</VTKFile>\n"

    def _parallel_file(self, index: int) -> str:
        arrays = []
        for function in self._functions:
            components = 3 if function.function_space.dofmap.index_map_bs > 1 else 1
            arrays.append(f'<PDataArray type="Float64" Name={quoteattr(function.name)} '
                          f'NumberOfComponents="{components}"/>')
        pieces = "".join(f'<Piece Source="{self._piece_name(rank, index)}"/>\n' for rank in range(self._comm.size))
        return (HEADER.format(kind="PUnstructuredGrid") + '<PUnstructuredGrid GhostLevel="0">\n<PPointData>\n'
                + "\n".join(arrays) + '\n</PPointData>\n<PPoints>\n<PDataArray type="Float64" '
                'NumberOfComponents="3"/>\n</PPoints>\n' + pieces + "</PUnstructuredGrid>\n</VTKFile>\n")

    def _write_collection(self) -> None:
        entries = "".join(f'<DataSet timestep="{time:.17g}" part="0" file="{name}"/>\n' for time, name in self._entries)
        text = ('<?xml version="1.0"?>\n<VTKFile type="Collection" version="1.0">\n<Collection>\n' + entries
                + "</Collection>\n</VTKFile>\n")
        tmp = self._pvd.with_suffix(".pvd.tmp")
        tmp.write_text(text)
        tmp.replace(self._pvd)

    def close(self) -> None:
        """Nothing is held open: the .pvd is complete after every output."""


class FieldTimes:
    """``fields/times.csv`` (rank 0): output index, step, time (s) and net stripped capacity (mAh/cm^2) of
    every field output, one row appended per output."""

    COLUMNS = ("output", "step", "time_s", "capacity_mAh_per_cm2")

    def __init__(self, path: Path, rank: int):
        self._path, self._rank, self._count = path, rank, 0
        if rank == 0:
            with path.open("w", newline="") as stream:
                csv.writer(stream).writerow(self.COLUMNS)

    def write(self, step: int, time: float, capacity: float) -> None:
        if self._rank == 0:
            with self._path.open("a", newline="") as stream:
                csv.writer(stream).writerow([self._count, step, f"{time:.12e}", f"{capacity:.12e}"])
        self._count += 1
