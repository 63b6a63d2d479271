"""postprocessing/report.py builds the reproduction report from results directories alone (issue 7).

Requirement: the report's table covers T1-T7 with numbers where a run exists and "not run" where it
does not (nothing invented), and every figure the report links exists. Three small real runs stand in
for T1 (the tiny void window), T5 (the small Li-Mg column), one member of the small-window T3 sweep
(the tiny creep window at 1 MPa) and the Li run of T7 (the tiny strip-then-plate window), named like the cases
the report reads; two log files named like runs lie beside them and are not read as runs.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DATA, run_command

REPORT = Path(__file__).resolve().parent.parent / "postprocessing" / "report.py"
PRESENT, MISSING = {"T1", "T3", "T5", "T7"}, {"T2", "T4", "T6"}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    results = tmp_path_factory.mktemp("results")
    runs = [subprocess.Popen(run_command(DATA / case, results / name), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
            for case, name in (("tiny_phase_field.toml", "t1_li_strip_voids"),
                               ("small_limg.toml", "t5_limg_strip_0p5_darken"),
                               ("tiny_creep.toml", "t3_li_pressure_sweep_small_window/stack_pressure_1MPa"),
                               ("tiny_strip_plate.toml", "t7_li_strip_plate"))]
    for run in runs:
        assert run.wait(timeout=300) == 0, run.stderr.read()
    for log in ("t5_limg_strip_0p5_darken.log", "t6_limg_plate_25C_darken.log"):  # a user's logs beside the runs
        (results / log).write_text("phasefield run ...\n")
    output = tmp_path_factory.mktemp("report")
    built = subprocess.run([sys.executable, str(REPORT), str(results), str(output), "--quick"],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    return output / "reproduction.md"


def table_rows(markdown: Path) -> dict[str, list[list[str]]]:
    """Cells of the measured-vs-predicted table by target."""
    rows: dict[str, list[list[str]]] = {}
    for line in markdown.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if re.fullmatch(r"T[1-7]", cells[0]) and len(cells) == 6:
            rows.setdefault(cells[0], []).append(cells)
    return rows


def test_table_has_rows_for_t1_to_t7_and_the_header_names_date_machine_and_revision(report):
    rows = table_rows(report)
    assert set(rows) == PRESENT | MISSING
    header = report.read_text().splitlines()[2]
    assert re.search(r"Built \d{4}-\d\d-\d\d \d\d:\d\d UTC on .+ CPUs, git \S+", header)


def test_missing_targets_are_not_run_and_present_ones_carry_numbers(report):
    rows = table_rows(report)
    for target in MISSING:
        assert all(cells[3] == "not run" and cells[4] == "-" for cells in rows[target]), rows[target]
    for target in PRESENT:
        predicted = [cells[3] for cells in rows[target]]
        assert any(re.search(r"\d", text) for text in predicted if text != "not run"), predicted
        assert target == "T3" or predicted[0] != "not run", predicted  # T3: one member of four
    assert any(re.fullmatch(r"(>= )?[+-]?\d+%", cells[4]) for cells in rows["T1"] + rows["T5"])


def test_every_linked_figure_exists_including_t1_snapshots_and_animation(report):
    links = re.findall(r"\]\(([^)]+)\)", report.read_text())
    assert any(link.endswith("t1_li_strip_voids_snapshots.png") for link in links)
    assert any(link.endswith("t1_li_strip_voids_animation.gif") for link in links)
    missing = [link for link in links if not (report.parent / link).is_file()]
    assert not missing


def test_t3_rows_come_from_the_small_window_sweep_when_the_full_one_is_absent(report):
    """Only t3_li_pressure_sweep_small_window has a member: the T3 rows name it, the 1 MPa row has a
    number, the pressures without a member are "not run"."""
    rows = {cells[1]: cells for cells in table_rows(report)["T3"]}
    one = rows["capacity at the overpotential rise at 1 MPa, mAh/cm2"]
    assert one[5] == "t3_li_pressure_sweep_small_window/stack_pressure_1MPa" and re.search(r"\d", one[3])
    assert rows["capacity at the overpotential rise at 7 MPa, mAh/cm2"][3] == "not run"


def test_the_critical_pressure_is_a_bound_while_members_are_unfinished(monkeypatch):
    """(pressure, rise, reached the window end): a rise is a point span, no rise a lower bound."""
    monkeypatch.syspath_prepend(str(REPORT.parent))
    report = __import__("report")
    rise, none = report.Span.point, report.Span.at_least
    text, span = report.critical_pressure([(0.2, rise(0.3), False), (1.0, none(1.2), False), (7.0, none(0.1), False)])
    assert text.startswith(">= 1 (rises at 0.2; 1, 7 stopped early)") and span == none(1.0)
    text, span = report.critical_pressure([(0.2, rise(0.3), False), (1.0, none(4.0), True), (7.0, none(4.0), True)])
    assert text == "1 (rises at 0.2)" and span == rise(1.0)
    text, span = report.critical_pressure([(0.2, rise(0.3), False), (1.0, rise(2.0), False)])
    assert text == "> 1 (every member rises)" and span == none(1.0)
