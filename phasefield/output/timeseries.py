"""The CSV time series: one row per time step, unit in every column name, written on rank 0."""

import csv
from collections.abc import Sequence
from pathlib import Path

from mpi4py import MPI

#: Columns and their meaning (also written into run.json).
COLUMNS: dict[str, str] = {
    "step": "time-step index (0 = initial state)",
    "protocol_step": "index of the protocol step (0-based)",
    "time_s": "time since the start of the protocol",
    "dt_s": "time-step size",
    "capacity_mAh_per_cm2": "net stripped capacity since the start (plating counts negative)",
    "step_capacity_mAh_per_cm2": "capacity passed in the current protocol step (magnitude)",
    "current_density_mA_per_cm2": "applied current density (positive = stripping)",
    "cell_voltage_V": "working (metal) minus counter electrode potential",
    "overpotential_V": "cell voltage minus its open-circuit value (>0 when stripping)",
    "contact_fraction": "mean metal fraction on the interface",
    "max_current_density_mA_per_cm2": "largest local interface current density magnitude",
    "current_focusing": "max local / applied current density magnitude",
    "newton_iterations": "Newton iterations of the electrochemistry solve",
    "interface_x_Mg": "mean Mg mole fraction on the interface (metal side)",
    "max_x_Mg": "largest Mg mole fraction in the metal window",
    "foil_mean_x_Mg": "mean Mg mole fraction of the remaining foil (window plus bulk above it)",
    "plated_layer_relative_Mg": "mean x_Mg in the plated layer next to the interface / bulk x_Mg",
    "voids_per_100um": "interface voids (runs of phi < 0.5 along the interface; a gap over the whole "
                       "interface counts 0) per 100 um",
    "mean_void_width_um": "mean width of the interface voids",
    "max_void_width_um": "largest interface void width",
    "max_void_height_um": "largest void height above the interface",
    "gap": "1 when no contact is left (one continuous gap), else 0",
    "nucleation_events": "voids nucleated in this step",
    "interface_supersaturation_kT": "mean vacancy chemical potential on the interface (kT)",
    "void_newton_iterations": "Newton iterations of the vacancy-void solve",
    "creep_iterations": "Picard plus Newton iterations of the creep solve (0 without creep)",
    "max_metal_speed_um_per_h": "largest metal speed in the window (creep or lattice flow)",
    "rejected_steps": "time steps rejected so far (failed solve or bound violation; retried with dt/2)",
}


class TimeSeriesWriter:
    """Appends rows of :data:`COLUMNS` to ``path``, flushing each row (a crash keeps the rows)."""

    def __init__(self, path: Path, comm: MPI.Comm, resume_after: int | None = None):
        """A new file, or with ``resume_after`` the existing one cut after that step and appended to."""
        self._rank = comm.rank
        self._stream = None
        if self._rank == 0:
            if resume_after is None:
                self._stream = path.open("w", newline="")
                self._writer = csv.DictWriter(self._stream, fieldnames=list(COLUMNS))
                self._writer.writeheader()
            else:
                lines = path.read_text().splitlines(keepends=True)
                kept = [lines[0]] + [line for line in lines[1:] if int(line.split(",", 1)[0]) <= resume_after]
                tmp = path.with_suffix(".csv.tmp")
                tmp.write_text("".join(kept))
                tmp.replace(path)
                self._stream = path.open("a", newline="")
                self._writer = csv.DictWriter(self._stream, fieldnames=list(COLUMNS))

    def write(self, row: dict[str, float | int]) -> None:
        if self._rank == 0:
            self._writer.writerow({k: (f"{v:.12e}" if isinstance(v, float) else v)
                                   for k, v in row.items()})
            self._stream.flush()

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()


def write_table(path: Path, columns: dict[str, Sequence[float]], header: str) -> None:
    """A small CSV table with a ``# header`` comment line (call on one rank)."""
    with path.open("w", newline="") as stream:
        stream.write(f"# {header}\n")
        writer = csv.writer(stream)
        writer.writerow(columns)
        writer.writerows(zip(*(list(map(float, c)) for c in columns.values()), strict=True))


def read_timeseries(path: Path) -> dict[str, list[float]]:
    """Columns of a time-series CSV as lists of floats."""
    with Path(path).open() as stream:
        rows = list(csv.DictReader(stream))
    return {key: [float(row[key]) for row in rows] for key in (rows[0] if rows else COLUMNS)}
