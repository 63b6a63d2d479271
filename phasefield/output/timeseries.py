"""The CSV time series: one row per time step, unit in every column name, written on rank 0."""

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mpi4py import MPI

from phasefield.units import si_factor


def in_column_units(columns: Sequence, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` (SI) in the units of ``columns`` (objects with ``name``, ``unit`` and ``si_unit``);
    a column whose unit is its SI unit keeps its value (and type) unchanged."""
    units = {column.name: column for column in columns}
    converted = {}
    for name, value in values.items():
        column = units[name]
        converted[name] = value if column.unit == column.si_unit else value * si_factor(column.si_unit, column.unit)
    return converted


def kept_rows(path: Path, resume_after: int, fieldnames: Sequence[str]) -> list[dict[str, str]]:
    """The rows of ``path`` up to step ``resume_after``, in the columns ``fieldnames``: a file written with more
    columns (e.g. before inactive sub-models wrote none) loses the extra ones; a column the file lacks (written by
    an earlier version, before the column existed) is "nan" in the kept rows."""
    with path.open(newline="") as stream:
        reader = csv.DictReader(stream)
        return [{name: row.get(name, "nan") for name in fieldnames} for row in reader
                if int(row["step"]) <= resume_after]


class TimeSeriesWriter:
    """Appends rows with the columns ``fieldnames`` to ``path``, flushing each row (a crash keeps the rows)."""

    def __init__(self, path: Path, comm: MPI.Comm, fieldnames: Sequence[str], resume_after: int | None = None):
        """A new file, or with ``resume_after`` the existing one cut after that step and appended to."""
        self._rank = comm.rank
        self._stream = None
        if self._rank == 0:
            if resume_after is None:
                self._stream = path.open("w", newline="")
                self._writer = csv.DictWriter(self._stream, fieldnames=list(fieldnames))
                self._writer.writeheader()
            else:
                kept = kept_rows(path, resume_after, fieldnames)
                tmp = path.with_suffix(".csv.tmp")
                with tmp.open("w", newline="") as stream:
                    writer = csv.DictWriter(stream, fieldnames=list(fieldnames))
                    writer.writeheader()
                    writer.writerows(kept)
                tmp.replace(path)
                self._stream = path.open("a", newline="")
                self._writer = csv.DictWriter(self._stream, fieldnames=list(fieldnames))

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
    return {key: [float(row[key]) for row in rows] for key in (rows[0] if rows else ())}
