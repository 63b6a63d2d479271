"""Requirement: fields, interface profiles and line scans may be written every n time steps or at each
multiple of a time or of the capacity passed, while timeseries.csv keeps every step."""

import csv
import tomllib

import pytest
from helpers import DATA
from mpi4py import MPI

from phasefield.case import CaseError
from phasefield.case.loader import resolve
from phasefield.case.schema import Output, OutputPeriod
from phasefield.coupling.protocol_clock import ProtocolState, output_due
from phasefield.coupling.simulation import Simulation
from phasefield.output.timeseries import read_timeseries

MAH_PER_CM2 = 36000.0  # C/m^2


def due_steps(every, schedule) -> list[int]:
    """The step indices (1-based) at which ``every`` is due over ``schedule``: (dt, current density) pairs."""
    clock, due = ProtocolState(), []
    for index, (dt, current) in enumerate(schedule, start=1):
        clock.advance(dt, current)
        if output_due(every, index, clock, dt, current):
            due.append(index)
    return due


def test_output_keys_take_steps_a_time_or_a_capacity_passed():
    output = Output(fields_every=4, interface_profile_every="10 min", line_scan_every="0.1 mAh/cm2")
    assert output.fields_every == 4
    assert output.interface_profile_every == OutputPeriod("time", 600.0)
    assert output.line_scan_every == OutputPeriod("areal_capacity", pytest.approx(0.1 * MAH_PER_CM2))


def test_a_time_period_is_due_at_the_first_step_reaching_each_multiple():
    # steps of 4 min against a 10 min period: 4, 8, 12 (due), 16, 20 (due, lands on it), 24, 28, 32 (due)
    assert due_steps(OutputPeriod("time", 600.0), [(240.0, 5.0)] * 8) == [3, 5, 8]
    assert due_steps(3, [(240.0, 5.0)] * 8) == [3, 6]


def test_a_capacity_period_counts_plating_as_stripping_and_rests_as_nothing():
    half_hour = 1800.0  # at 0.5 mA/cm2 (5 A/m^2): 0.25 mAh/cm2
    schedule = [(half_hour, 5.0)] * 2 + [(half_hour, 0.0)] * 3 + [(half_hour, -5.0)] * 2
    assert due_steps(OutputPeriod("areal_capacity", 0.5 * MAH_PER_CM2), schedule) == [2, 7]


def test_a_period_lands_on_its_multiples_despite_round_off():
    # ten steps of 0.1 s against a 0.3 s period: 0.1 + 0.1 + 0.1 = 0.30000000000000004 and 0.6 = 0.6000000000000001
    assert due_steps(OutputPeriod("time", 0.3), [(0.1, 0.0)] * 10) == [3, 6, 9]


@pytest.mark.parametrize(("value", "message"), [
    ("3 V", "expected a number of time steps"),
    ("0 min", "expected a positive period"),
    (0, "expected at least 1 time step"),
    (2.5, "expected a number of time steps"),
])
def test_a_malformed_output_period_is_one_line_naming_the_key(value, message):
    path = DATA / "tiny_protocol.toml"
    raw = tomllib.loads(path.read_text())
    raw["output"] = {"fields_every": value}
    with pytest.raises(CaseError, match=rf"\[output\] fields_every: {message}") as error:
        resolve(path, raw)
    assert "\n" not in str(error.value)


def test_a_run_writes_profiles_per_capacity_and_fields_per_time_and_every_step_to_the_csv(tmp_path):
    path = DATA / "tiny_protocol.toml"
    raw = tomllib.loads(path.read_text())
    raw["output"] = {"interface_profile_every": "0.025 mAh/cm2", "fields_every": "3 min"}
    simulation = Simulation(resolve(path, raw), MPI.COMM_WORLD, tmp_path)
    try:
        assert simulation.run().status == "completed"
    finally:
        simulation.close()
    data = read_timeseries(tmp_path / "timeseries.csv")
    # 8 strip steps of 1 min at 0.5 mA/cm2 (1/120 mAh/cm2 each), one rest step of 1 min: all in the CSV
    assert data["step"] == list(range(10))
    profiles = sorted((tmp_path / "interface").glob("profile_*.csv"))
    capacities = [float(p.read_text().split("capacity_mAh_per_cm2=")[1].split()[0]) for p in profiles]
    # the initial state, 0.025 and 0.05 mAh/cm2 (steps 3 and 6), and the last step
    assert capacities == pytest.approx([0.0, 0.025, 0.05, 0.2 / 3], abs=1e-8)  # headers: 7 digits
    with (tmp_path / "fields" / "times.csv").open() as stream:
        times = [float(row["time_s"]) for row in csv.DictReader(stream)]
    assert times == pytest.approx([0.0, 180.0, 360.0, 540.0])
