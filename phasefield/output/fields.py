"""Fields for ParaView 5.11 and pyvista: DOLFINx VTK output (.pvd + .pvtu + .vtu per rank).

DOLFINx 0.11's VTKHDF, XDMF and ADIOS2 output do not open in ParaView 5.11; its .pvd time
series does, in serial and parallel runs, and so does pyvista.
"""

from pathlib import Path

from dolfinx import fem, io


class FieldWriter:
    """One .pvd time series of a group of functions that share a mesh."""

    def __init__(self, path: Path, functions: list[fem.Function]):
        self._functions = functions
        self._file = io.VTKFile(functions[0].function_space.mesh.comm, str(path), "w")

    def write(self, time: float) -> None:
        self._file.write_function(self._functions, time)

    def close(self) -> None:
        self._file.close()
