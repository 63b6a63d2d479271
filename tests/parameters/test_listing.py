"""Requirement: ``phasefield params`` lists the parameter sets (name, role, number of values, description,
file) and ``phasefield params SET`` every value of one set, a built-in name or a user's file, with its
standing and source: plain columns without a terminal, a rich table on one. A bad name or a malformed
file is one line on stderr and exit 2."""

import io
import re

from helpers import run_in_process, run_subprocess
from rich.console import Console

from phasefield.parameters import PARAMETER_SETS, read_parameter_set
from phasefield.parameters.listing import show_set

OVERLAY = """base = "Li"
description = "Li with a faster exchange"

[parameters.exchange_current_density]
value = "2 mA/cm2"
standing = "L"
source = "my measurement [3] (impedance)"
"""


def columns(line: str) -> list[str]:
    return re.split(r"\s{2,}", line)


def test_params_lists_every_set_with_its_values_count_and_file(capsys):
    code, out, err = run_in_process(["params"], capsys)
    assert (code, err) == (0, "")
    title, header, *rows = out.splitlines()
    assert title.startswith("parameter sets")
    assert columns(header) == ["set", "role", "values", "description", "file"]
    assert [columns(row) for row in rows] == [
        [s.name, s.role, str(len(s.parameters)), s.description, str(s.path)] for s in PARAMETER_SETS.values()]
    assert [columns(row)[2] for row in rows] == ["41", "41", "5", "2"]


def test_params_of_a_set_prints_every_value_with_its_unit_standing_and_source(capsys):
    code, out, err = run_in_process(["params", "Li6PS5Cl"], capsys)
    assert (code, err) == (0, "")
    title, header, *rows, legend = out.splitlines()
    assert title.startswith("Li6PS5Cl (electrolyte, 5 values, ")
    assert columns(header) == ["name", "value", "standing", "source"]
    assert columns(rows[0]) == ["conductivity", "3.5 mS/cm", "V",
                                "Zhao et al., Nat. Commun. 16 (2025) 4283, Methods (25 C, pellet pressed at 375 MPa)"]
    expected = [[k, str(p.text), p.standing, p.source] for k, p in PARAMETER_SETS["Li6PS5Cl"].parameters.items()]
    assert [columns(row) for row in rows] == expected
    assert legend == "standing: V stated in the seed paper, L literature, U uncertain, F fitted"


def test_params_of_a_user_file_shows_its_own_values(tmp_path, capsys):
    path = tmp_path / "my_li.toml"
    path.write_text(OVERLAY)
    code, out, _ = run_in_process(["params", str(path)], capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0] == f"my_li (metal, 41 values, {path}): Li with a faster exchange"
    row = next(columns(line) for line in lines if line.startswith("exchange_current_density "))
    assert row == ["exchange_current_density", "2 mA/cm2", "L", "my measurement [3] (impedance)"]
    assert len(lines) == 44  # title, header, 41 values, legend


def test_params_of_an_unknown_set_is_one_line_and_exit_2(capsys):
    code, out, err = run_in_process(["params", "Li-Mg"], capsys)
    assert (code, out) == (2, "")
    assert err == ("phasefield: error: no parameter set 'Li-Mg'; choose one of ['In-InLi', 'Li', 'Li0.97Mg0.03', "
                   "'Li6PS5Cl'] or a set file (.toml)\n")


def test_a_malformed_set_file_is_one_line_and_exit_2_without_traceback(tmp_path):
    (tmp_path / "bad.toml").write_text(OVERLAY.replace('standing = "L"', 'standing = "good"'))
    code, out, err = run_subprocess(["params", "bad.toml"], tmp_path)
    assert (code, out) == (2, "")
    assert err == ("phasefield: error: bad.toml: [parameters.exchange_current_density] standing: expected one of "
                   "V, L, U, F (V stated in the seed paper; L literature; U uncertain; F fitted) (got 'good')\n")


def test_on_a_terminal_the_values_are_a_rich_table_that_keeps_brackets(tmp_path):
    path = tmp_path / "my_li.toml"
    path.write_text(OVERLAY)
    stream = io.StringIO()
    show_set(read_parameter_set(path), Console(file=stream, force_terminal=True, width=250, color_system=None))
    text = stream.getvalue()
    assert "┃ name" in text and "┃ standing ┃" in text
    assert "my measurement [3] (impedance)" in text  # "[3]" is not taken for rich markup
    assert text.count("│ rk_L") == 6
