"""`phasefield sweep` over ``voids.seed`` is an ensemble (issue 22, item 8): beside sweep.csv it writes
ensemble.csv (each column's mean and sd across the seeds on a common capacity grid) and ensemble.json
(per-member rise, gap and early-void numbers and their mean +- sd).

Requirement: a 3-seed ensemble of the tiny void window (nucleation raised so that every seed nucleates
in its 0.03 mAh/cm2) gives the mean and sample sd that numpy gives on the members' CSVs; a column that
does not depend on the seed (time, current) has sd exactly 0; the seeds do differ (the void columns'
sd is not 0); and each member's scalars follow the stated rules.
"""

import csv
import json
import subprocess
import sys
import tomllib

import numpy as np
import pytest
import tomli_w
from helpers import DATA

from phasefield.output.ensemble import EARLY_CAPACITY
from phasefield.output.timeseries import read_timeseries

SEEDS = (1, 2, 3)


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ensemble")
    raw = tomllib.loads((DATA / "tiny_phase_field.toml").read_text())
    raw["metal"]["nucleation_prefactor"] = "10 /(m*s)"  # every seed nucleates in the first step
    raw["protocol"]["steps"] = ["Strip at 0.5 mA/cm^2 until 0.03 mAh/cm^2"]
    raw["sweep"] = {"parameter": "voids.seed", "values": list(SEEDS)}
    case = folder / "seeds.toml"
    case.write_text(tomli_w.dumps(raw))
    output = folder / "out"
    result = subprocess.run([sys.executable, "-m", "phasefield", "sweep", str(case), "-o", str(output), "-j", "2"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ensemble of 3 seeds" in result.stderr
    members = {seed: {k: np.array(v) for k, v in read_timeseries(output / f"seed_{seed}" / "timeseries.csv").items()}
               for seed in SEEDS}
    with (output / "ensemble.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    table = {key: np.array([float(row[key]) for row in rows]) for key in rows[0]}
    return output, members, table, json.loads((output / "ensemble.json").read_text())


def test_each_member_ran_its_own_seed(ensemble):
    output, members, _, document = ensemble
    for seed in SEEDS:
        run = json.loads((output / f"seed_{seed}" / "run.json").read_text())
        assert run["case"]["voids"]["seed"] == seed and run["status"] == "completed"
    assert document["parameter"] == "voids.seed" and list(document["members"]) == [f"seed_{s}" for s in SEEDS]
    assert [document["members"][f"seed_{s}"]["value"] for s in SEEDS] == list(SEEDS)


def test_ensemble_csv_is_the_numpy_mean_and_sd_of_the_members(ensemble):
    _, members, table, _ = ensemble
    capacities = [m["capacity_mAh_per_cm2"] for m in members.values()]
    for capacity in capacities[1:]:  # same steps in every member: the grid is their capacities
        np.testing.assert_array_equal(capacity, capacities[0])
    np.testing.assert_allclose(table["capacity_mAh_per_cm2"], capacities[0], rtol=1e-11)
    assert np.all(table["members_reached"] == len(SEEDS))
    columns = [key for key in members[1] if key != "capacity_mAh_per_cm2"]
    assert {f"{key}_{stat}" for key in columns for stat in ("mean", "sd")} <= set(table)
    for key in columns:
        stacked = np.array([m[key] for m in members.values()])
        np.testing.assert_allclose(table[f"{key}_mean"], stacked.mean(axis=0), rtol=1e-11, atol=1e-300,
                                   equal_nan=True, err_msg=key)
        np.testing.assert_allclose(table[f"{key}_sd"], stacked.std(axis=0, ddof=1), rtol=1e-9,
                                   atol=1e-12 * max(1.0, np.nanmax(np.abs(stacked), initial=0.0)),
                                   equal_nan=True, err_msg=key)


def test_a_seed_independent_column_has_sd_exactly_zero_and_the_void_columns_do_not(ensemble):
    _, members, table, _ = ensemble
    for key in ("time_s", "current_density_mA_per_cm2"):
        assert np.all(table[f"{key}_sd"] == 0.0), key
        np.testing.assert_array_equal(table[f"{key}_mean"], members[1][key])
    for key in ("contact_fraction", "void_volume_share", "effective_void_height_um"):
        assert table[f"{key}_sd"][-1] > 0.0, f"{key}: every seed gave the same value"


def test_member_scalars_follow_the_rules_and_are_summarised(ensemble):
    _, members, _, document = ensemble
    for seed, data in members.items():
        scalars = document["members"][f"seed_{seed}"]
        q = data["capacity_mAh_per_cm2"]
        early = np.nonzero((q > 0) & (q <= EARLY_CAPACITY))[0]
        row = early[np.argmax(data["voids_per_100um"][early])]
        assert scalars["early_voids_per_100um"] == data["voids_per_100um"][row] > 0
        assert scalars["early_mean_void_width_um"] == pytest.approx(data["mean_void_width_um"][row], rel=1e-12)
        assert scalars["early_capacity_mAh_per_cm2"] == pytest.approx(q[row], rel=1e-12)
        eta = data["overpotential_V"]
        assert scalars["rise_capacity_mAh_per_cm2"] is None  # 0.03 mAh/cm2 is too short for a rise
        assert not np.any(eta > max(2 * eta[0], eta[0] + 0.05))
        assert scalars["gap_capacity_mAh_per_cm2"] is None and not np.any(data["gap"] > 0.5)
        assert scalars["capacity_reached_mAh_per_cm2"] == pytest.approx(0.03, rel=1e-9)
    summary = document["summary"]
    for key in ("early_voids_per_100um", "early_mean_void_width_um", "capacity_reached_mAh_per_cm2"):
        values = np.array([document["members"][f"seed_{s}"][key] for s in SEEDS])
        assert summary[key]["n"] == len(SEEDS)
        assert summary[key]["mean"] == pytest.approx(values.mean(), rel=1e-12)
        assert summary[key]["sd"] == pytest.approx(values.std(ddof=1), rel=1e-9, abs=1e-15)
    assert summary["capacity_reached_mAh_per_cm2"]["sd"] == 0.0
    assert summary["rise_capacity_mAh_per_cm2"] == {"mean": None, "sd": None, "n": 0}
