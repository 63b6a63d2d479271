"""The CSV time series: one row per time step, unit in every column name, written on rank 0."""

import csv
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
}


class TimeSeriesWriter:
    """Appends rows of :data:`COLUMNS` to ``path``, flushing each row (a crash keeps the rows)."""

    def __init__(self, path: Path, comm: MPI.Comm):
        self._rank = comm.rank
        self._stream = None
        if self._rank == 0:
            self._stream = path.open("w", newline="")
            self._writer = csv.DictWriter(self._stream, fieldnames=list(COLUMNS))
            self._writer.writeheader()

    def write(self, row: dict[str, float | int]) -> None:
        if self._rank == 0:
            self._writer.writerow({k: (f"{v:.12e}" if isinstance(v, float) else v)
                                   for k, v in row.items()})
            self._stream.flush()

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()


def read_timeseries(path: Path) -> dict[str, list[float]]:
    """Columns of a time-series CSV as lists of floats."""
    with Path(path).open() as stream:
        rows = list(csv.DictReader(stream))
    return {key: [float(row[key]) for row in rows] for key in (rows[0] if rows else COLUMNS)}
