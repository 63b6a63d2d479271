"""postprocessing/seed_measurements.toml holds the seed's measured values, and the scripts read them there
(issue 21, item 8).

Requirements: every entry has a number (value, range, lower bound or list), a unit pint reads, a source in
the seed, a standing and a target; the loader refuses an entry without them; the T3 entries agree with each
other; no seed number is left written in the scripts' code; and the report takes its measured column and
its misses from the file: a copy of postprocessing/ with a changed value gives a changed report row.
"""

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pint
import pytest

POSTPROCESSING = Path(__file__).resolve().parents[2] / "postprocessing"
TOML = POSTPROCESSING / "seed_measurements.toml"
SCRIPTS = ("report.py", "void_runs.py", "calibration.py", "interdiffusion_targets.py", "snapshots.py",
           "ensemble_figure.py")
REQUIRED = ("target", "quantity", "unit", "cite", "source", "standing")
FORMS = ("value", "range", "at_least", "values")


@pytest.fixture(scope="module")
def seed():
    sys.path.insert(0, str(POSTPROCESSING))
    try:
        import seed_measurements
    finally:
        sys.path.remove(str(POSTPROCESSING))
    return seed_measurements


def raw_entries() -> dict[str, dict]:
    data = tomllib.loads(TOML.read_text())
    return {f"{group}.{name}": table for group, tables in data.items() for name, table in tables.items()}


def test_every_entry_has_a_number_unit_source_standing_and_target():
    ureg = pint.UnitRegistry()
    entries = raw_entries()
    assert len(entries) >= 30, sorted(entries)
    for key, table in entries.items():
        assert all(table.get(name) for name in REQUIRED), (key, [n for n in REQUIRED if not table.get(n)])
        forms = [form for form in FORMS if form in table]
        assert len(forms) == 1, (key, forms)
        numbers = table[forms[0]] if isinstance(table[forms[0]], list) else [table[forms[0]]]
        assert numbers and all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers), key
        assert table["standing"] in ("measured", "read off a figure", "stated in the text"), key
        targets = [table["target"]] if isinstance(table["target"], str) else table["target"]
        assert targets and all(re.fullmatch(r"T[1-7]", t) for t in targets), key
        assert re.search(r"\bseed\b", table["source"]) and re.search(r"Fig|Results|Methods", table["source"]), key
        quantity = numbers[0] * ureg.parse_expression(table["unit"])  # raises for a unit pint does not read
        assert isinstance(quantity, pint.Quantity), key


def test_units_parse_to_the_dimensions_of_their_quantities(seed):
    dimensions = {"mAh/cm^2": "[current] * [time] / [length] ** 2", "mA/cm^2": "[current] / [length] ** 2",
                  "MPa": "[mass] / [length] / [time] ** 2", "um": "[length]", "min": "[time]",
                  "1/(100 um)": "1 / [length]", "percent": "dimensionless", "dimensionless": "dimensionless"}
    for m in seed.SEED.values():
        assert m.unit in dimensions, (m.key, m.unit)
        assert str(m.quantity_of(m.low).dimensionality) == dimensions[m.unit], m.key
    assert seed.get("t1.early_voids").quantity_of(16).to("1/mm").magnitude == pytest.approx(160.0)
    assert seed.sem_frame_capacity() == 0.125  # 15 min at 0.5 mA/cm2
    assert seed.plated_layer_mg() == {25: 0.5, 60: 0.8}  # 50 % and 80 %
    assert seed.get("t1.contact_loss_at_rise").to("dimensionless") == pytest.approx(0.9)


@pytest.mark.parametrize(("change", "message"), [
    (("source = ", "sourced = "), "no source"),
    (('unit = "mAh/cm^2"', 'unit = "mAh/cm^^2"'), "does not parse"),
    (("value = 1\n", "value = 1\nat_least = 1\n"), "exactly one of"),
    (('standing = "measured"', 'standing = "guessed"'), "standing must be"),
    (('target = "T1"', 'target = "T9"'), "target must be"),
])
def test_the_loader_refuses_an_incomplete_entry(seed, tmp_path, change, message):
    text = TOML.read_text()
    start = text.index("[t1.rise_capacity]")
    end = text.index("\n[", start + 1)
    broken = tmp_path / "broken.toml"
    broken.write_text(text[:start] + text[start:end].replace(*change, 1) + text[end:])
    with pytest.raises(seed.SeedMeasurementError, match=message):
        seed.load(broken)


def test_the_t3_entries_agree_critical_pressure_between_rising_and_flat_pressures(seed):
    rising, flat = seed.get("t3.rise_pressures").number, seed.get("t3.flat_pressures").number
    critical = seed.get("t3.critical_pressure").value
    assert critical == min(flat) and max(rising) < critical
    assert set(seed.get("t4.no_late_rise_pressures").number) <= set(seed.get("t4.pressures").number)
    drops, window = seed.get("t2.width_drops").number, seed.get("t2.width_drop_window").value
    assert list(drops) == sorted(drops) and drops[-1] <= window


def code_constants(path: Path) -> list[object]:
    """Constants of a script's code: docstrings left out (comments are not in the tree)."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)
                  and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and id(node) not in docstrings]


def test_no_seed_number_is_left_in_the_scripts_code():
    """The distinctive ones: numbers no plot setting or definition uses, and the measured texts."""
    numbers = {2.2, 1.3, 3.8, 0.625, 2.375, 1.25, 0.04, 0.0382, 0.03, 0.06, 12.58, 3.5, 0.28}
    texts = re.compile(r"16-18|2-3 \(|3-3\.5|\+- 1\.[03]|~\d|0\.625|Li0\.96|within [34] \(|to 4 \(")
    for script in SCRIPTS:
        constants = code_constants(POSTPROCESSING / script)
        assert not [c for c in constants if isinstance(c, float) and c in numbers], script
        assert not [c for c in constants if isinstance(c, str) and texts.search(c)], script


# -- the report reads the file ---------------------------------------------------------------------------
def t1_run(results: Path) -> None:
    """A hand-written T1 run: overpotential 10 mV, rising to 200 mV at 0.5 mAh/cm2, 5% contact left there."""
    run = results / "t1_li_strip_voids"
    run.mkdir(parents=True)
    columns = "step,time_s,capacity_mAh_per_cm2,overpotential_V,contact_fraction,voids_per_100um,gap,max_void_width_um"
    rows = [f"{k},{720 * k},{0.1 * k:.1f},{0.2 if k >= 5 else 0.01},{0.05 if k >= 5 else 1 - 0.1 * k:.2f},0,0,0"
            for k in range(8)]
    (run / "timeseries.csv").write_text("\n".join([columns, *rows]) + "\n")
    (run / "run.json").write_text('{"status": "completed", "case": {"protocol": {"steps": [{"capacity_limit": '
                                  '36000.0}]}, "output": {"fields_every": 1}}}')


def report_rows(postprocessing: Path, results: Path, output: Path) -> dict[str, list[str]]:
    built = subprocess.run([sys.executable, str(postprocessing / "report.py"), str(results), str(output)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    rows = {}
    for line in (output / "reproduction.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 6 and re.fullmatch(r"T[1-6]", cells[0]):
            rows[f"{cells[0]} {cells[1]}"] = cells
    return rows


def set_number(text: str, table: str, key: str, number: str) -> str:
    """``text`` with ``key = ...`` of ``[table]`` set to ``number``."""
    start = text.index(f"[{table}]")
    end = text.find("\n[", start + 1)
    end = len(text) if end < 0 else end
    section, count = re.subn(rf"(?m)^{key} = .*$", f"{key} = {number}", text[start:end], count=1)
    assert count == 1, (table, key)
    return text[:start] + section + text[end:]


def test_a_changed_value_in_the_file_changes_the_report_rows(tmp_path):
    results = tmp_path / "results"
    t1_run(results)
    copy = tmp_path / "postprocessing"
    shutil.copytree(POSTPROCESSING, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = report_rows(copy, results, tmp_path / "before")
    text = (copy / "seed_measurements.toml").read_text()
    text = set_number(text, "t1.rise_capacity", "value", "2")
    text = set_number(text, "t6.plated_layer_mg_25C", "value", "40")
    text = set_number(text, "t3.flat_to", "value", "5")
    text = set_number(text, "t2.width_drops", "values", "[0.625, 2.375]")
    (copy / "seed_measurements.toml").write_text(text)
    after = report_rows(copy, results, tmp_path / "after")

    rise = "T1 capacity at the overpotential rise, mAh/cm2"
    assert before[rise][2:5] == ["~1 (Fig 1a)", "0.50", "-50%"]
    assert after[rise][2:5] == ["~2 (Fig 1a)", "0.50", "-75%"]
    loss = "T1 contact loss at the rise, %"
    assert before[loss][2:5] == after[loss][2:5] == ["~90 (Fig 1b)", "95", "+6%"]
    plated = "T6 Mg in the plated 2.6 mAh/cm2 / bulk, 25 C (Darken, D*_Mg from DFT)"
    assert (before[plated][2], after[plated][2]) == ("0.50 (Fig 4f)", "0.40 (Fig 4f)")
    flat = "T3 capacity at the overpotential rise at 7 MPa, mAh/cm2"
    assert (before[flat][2], after[flat][2]) == ("no rise to 4 (Fig 3l)", "no rise to 5 (Fig 3l)")
    drops = "T2 drops of the largest void width (> 10% between SEM frames, every 0.125)"
    assert before[drops][2] == "3 within 4 (at 0.625, 1, 2.375; Fig 1d)"
    assert after[drops][2] == "2 within 4 (at 0.625, 2.375; Fig 1d)"
    changed = [b[1] for b, a in zip(before.values(), after.values(), strict=True) if b != a]
    t3 = [f"capacity at the overpotential rise at {p:g} MPa, mAh/cm2" for p in (0.2, 1, 1.5, 7)]
    assert changed == [rise.removeprefix("T1 "), drops.removeprefix("T2 "), *t3,
                       "critical stack pressure (lowest without a rise within 4 mAh/cm2), MPa",
                       plated.removeprefix("T6 ")], changed
