"""`phasefield sweep`: one case file with a [sweep] table runs every member and collects one CSV;
`postprocessing/calibration.py` tabulates the members of a sweep (the calibration studies)."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import DATA

from phasefield.case import CaseError, load_case
from phasefield.case.sweep import member_label, sweep_members
from phasefield.output.sweep_table import read_sweep_table
from phasefield.output.timeseries import read_timeseries

CALIBRATION = Path(__file__).resolve().parent.parent / "postprocessing" / "calibration.py"
SWEEP = '\n[sweep]\nparameter = "cell.stack_pressure"\nvalues = ["0.2 MPa", "7 MPa"]\n'


def sweep_case(tmp_path: Path, values: str = '["0.2 MPa", "7 MPa"]') -> Path:
    text = (DATA / "tiny_creep.toml").read_text()
    path = tmp_path / "sweep.toml"
    path.write_text(text + SWEEP.replace('["0.2 MPa", "7 MPa"]', values))
    return path


def phasefield(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "phasefield", *args], capture_output=True, text=True, timeout=600)


def test_members_differ_only_in_the_swept_value(tmp_path):
    resolved = load_case(sweep_case(tmp_path))
    members = sweep_members(resolved)
    assert [m.label for m in members] == ["stack_pressure_0p2MPa", "stack_pressure_7MPa"]
    assert [m.resolved.case.cell.stack_pressure for m in members] == pytest.approx([0.2e6, 7e6])
    first, second = (m.resolved.case.model_dump() for m in members)
    changed = {table for table in first if first[table] != second[table]}
    assert changed == {"cell", "meta"} and first["sweep"] is None
    assert member_label("cell_thickness", "1.5 um/s") == "cell_thickness_1p5um_per_s"


def test_a_bad_value_is_reported_as_the_sweep_entry(tmp_path):
    with pytest.raises(CaseError, match=r"\[sweep\] values\[1\]: as \[cell\] stack_pressure: .*'-3 MPa'"):
        sweep_members(load_case(sweep_case(tmp_path, '["0.2 MPa", "-3 MPa"]')))
    result = phasefield("check", str(sweep_case(tmp_path, '["0.2 MPa", "-3 MPa"]')))
    assert result.returncode == 2 and "[sweep] values[1]" in result.stderr and "Traceback" not in result.stderr


def test_run_refuses_a_sweep_case_and_names_the_verb(tmp_path):
    result = phasefield("run", str(sweep_case(tmp_path)), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and "phasefield sweep" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option", [("-j", "0"), ("--ranks", "-2"), ("-j", "two")])
def test_sweep_refuses_a_non_positive_job_or_rank_count(tmp_path, option):
    result = phasefield("sweep", str(sweep_case(tmp_path)), "-o", str(tmp_path / "out"), *option)
    assert result.returncode == 2 and "expected a positive whole number" in result.stderr
    assert not (tmp_path / "out").exists()


def test_sweep_runs_the_members_and_collects_one_csv_then_resumes_without_rerunning(tmp_path):
    """Both members complete; sweep.csv holds each member's time series exactly; under 7 MPa the
    metal creeps faster than under 0.2 MPa once a void has nucleated (Norton: rate ~ p^6.6)."""
    case, output = sweep_case(tmp_path), tmp_path / "out"
    result = phasefield("sweep", str(case), "-o", str(output), "-j", "2")
    assert result.returncode == 0, result.stderr
    table = read_sweep_table(output / "sweep.csv")
    assert set(table) == {"stack_pressure_0p2MPa", "stack_pressure_7MPa"}
    for label, data in table.items():
        series = read_timeseries(output / label / "timeseries.csv")
        np.testing.assert_array_equal(data["overpotential_V"], series["overpotential_V"])
    assert table["stack_pressure_7MPa"]["value"] == "7 MPa"
    nucleated = np.nonzero(np.cumsum(table["stack_pressure_0p2MPa"]["nucleation_events"]))[0]
    assert nucleated.size
    slow = max(table["stack_pressure_0p2MPa"]["max_metal_speed_um_per_h"][nucleated[0]:])
    fast = max(table["stack_pressure_7MPa"]["max_metal_speed_um_per_h"])
    assert fast > 100 * slow
    statuses = json.loads((output / "sweep.json").read_text())["members"]
    assert {m["status"] for m in statuses.values()} == {"completed"}
    assert (output / "overpotential_vs_capacity.png").stat().st_size > 10_000
    assert not (output / "ensemble.csv").exists()  # an ensemble is a sweep over voids.seed only
    before = (output / "stack_pressure_7MPa" / "timeseries.csv").stat().st_mtime_ns
    again = phasefield("sweep", str(case), "-o", str(output), "--resume")
    assert again.returncode == 0 and again.stderr.count("completed already, kept") == 2
    assert (output / "stack_pressure_7MPa" / "timeseries.csv").stat().st_mtime_ns == before
    tabulated = subprocess.run([sys.executable, str(CALIBRATION), str(output), "--output", str(tmp_path / "cal")],
                               capture_output=True, text=True, timeout=300)
    assert tabulated.returncode == 0, tabulated.stderr
    with (tmp_path / "cal" / "calibration.csv").open() as stream:
        rows = {row["value"]: row for row in csv.DictReader(stream)}
    assert set(rows) == {"0.2 MPa", "7 MPa"}
    for value, row in rows.items():
        capacity = table[member_label("stack_pressure", value)]["capacity_mAh_per_cm2"]
        assert float(row["capacity_reached_mAh_per_cm2"]) == pytest.approx(capacity[-1], abs=1e-3)
        assert row["parameter"] == "cell.stack_pressure" and row["status"] == "completed"
    assert (tmp_path / "cal" / "calibration.png").stat().st_size > 10_000


def test_calibration_table_refuses_a_directory_that_is_not_a_sweep(tmp_path):
    result = subprocess.run([sys.executable, str(CALIBRATION), str(tmp_path), "--output", str(tmp_path / "cal")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no sweep.json" in result.stderr
    assert not (tmp_path / "cal").exists()


def test_a_member_ended_by_a_short_circuit_counts_as_finished_and_is_kept_on_resume(tmp_path):
    """A short circuit (issue 27) is a result: the sweep neither reports it as failed nor re-runs it."""
    from phasefield.coupling.sweep import finished, member_status

    (tmp_path / "run.json").write_text('{"status": "short-circuit"}')
    assert finished(member_status(tmp_path)) and finished("completed")
    assert not any(finished(status) for status in ("failed (solver)", "interrupted", "missing", "cut off: 1 V"))
