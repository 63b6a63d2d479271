"""Requirement: a restart appends to the CSV cut after the checkpoint's step; a column the earlier file lacks (a
newer version writes it) is "nan" in the kept rows, so runs made before a column existed can be restarted; a
column the file has and the run no longer writes is dropped."""

import csv

from mpi4py import MPI

from phasefield.output.timeseries import TimeSeriesWriter, read_timeseries


def test_a_restart_cuts_after_the_step_and_fills_a_new_column_with_nan(tmp_path):
    path = tmp_path / "timeseries.csv"
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["step", "old_only", "value"])
        writer.writerows([[0, 9, 1.0], [1, 9, 2.0], [2, 9, 3.0]])
    series = TimeSeriesWriter(path, MPI.COMM_SELF, ["step", "value", "new_column"], resume_after=1)
    series.write({"step": 2, "value": 5.0, "new_column": 7.0})
    series.close()
    rows = list(csv.DictReader(path.open(newline="")))
    assert [row["step"] for row in rows] == ["0", "1", "2"] and list(rows[0]) == ["step", "value", "new_column"]
    assert [row["new_column"] for row in rows[:2]] == ["nan", "nan"] and float(rows[2]["new_column"]) == 7.0
    columns = read_timeseries(path)
    assert columns["value"] == [1.0, 2.0, 5.0] and columns["new_column"][2] == 7.0
