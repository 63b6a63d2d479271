"""Fuzz the command line with broken case files: each is refused in one line, results stay untouched.

The variants are generated deterministically from the valid example case
``cases/li_prescribed_contact.toml`` by mutation operators (wrong type, wrong unit, negative, zero,
absurd or non-finite value, malformed quantity, missing key or table, unknown key or table, typo,
malformed TOML, a protocol that never ends) applied to its keys. Each variant is written to
``tmp_path/cases`` (with the meshes copied to ``tmp_path/meshes`` so the include resolves) and run
with ``phasefield run VARIANT -o RESULTS`` where ``RESULTS`` is an existing, populated results
directory. Most run in-process (``phasefield.cli.main``); a few run as a real subprocess to show
that no traceback reaches the user.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import run_in_process, run_subprocess

from phasefield import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "cases" / "li_prescribed_contact.toml"
EXAMPLE_TEXT = EXAMPLE.read_text()
PREFIX = "phasefield: error: "

#: The populated results directory every run must leave byte for byte as it is.
RESULTS_FILES: dict[str, bytes] = {
    "summary.json": b'{"status": "finished", "steps": 42}\n',
    "timeseries.csv": b"time_s,voltage_V\n0,0.0\n600,0.0125\n",
    "fields/fields_0000.bin": bytes(range(256)) * 16,
    "fields/fields_0001.bin": b"\x00" * 1000 + b"\xff",
    ".hidden": b"keep me",
}
RESULTS_DIRS = ("fields", "logs")  # logs/ stays empty


@dataclass(frozen=True)
class Variant:
    """A broken case: its text (or bytes), and what the error line must name."""

    id: str
    content: str | bytes
    names: str  # the key, e.g. "[cell] temperature", or "(file)" for unreadable TOML
    file: str | None = None  # the file the line must name; None: the variant itself


# ---------------------------------------------------------------------------------------------
# Editing the example case line by line
# ---------------------------------------------------------------------------------------------

_HEADER = re.compile(r"^\[([A-Za-z_]+)\]\s*(#.*)?$")
_ENTRY = re.compile(r"^([A-Za-z_]+)\s*=")


def _locate(lines: list[str], table: str, key: str | None = None) -> int:
    """Index of the ``[table]`` header, or of ``key = ...`` inside it."""
    current = None
    for index, line in enumerate(lines):
        if header := _HEADER.match(line):
            current = header[1]
            if key is None and current == table:
                return index
        elif key is not None and current == table and (entry := _ENTRY.match(line)) and entry[1] == key:
            return index
    raise AssertionError(f"the example case has no [{table}] {key or ''}; update the fuzz test")


def set_value(table: str, key: str, value: str, text: str = EXAMPLE_TEXT) -> str:
    lines = text.splitlines()
    lines[_locate(lines, table, key)] = f"{key} = {value}"
    return "\n".join(lines) + "\n"


def delete_key(table: str, key: str, text: str = EXAMPLE_TEXT) -> str:
    lines = text.splitlines()
    del lines[_locate(lines, table, key)]
    return "\n".join(lines) + "\n"


def rename_key(table: str, key: str, new: str, text: str = EXAMPLE_TEXT) -> str:
    lines = text.splitlines()
    index = _locate(lines, table, key)
    lines[index] = new + lines[index][len(key):]
    return "\n".join(lines) + "\n"


def insert(table: str, line: str, text: str = EXAMPLE_TEXT) -> str:
    lines = text.splitlines()
    lines.insert(_locate(lines, table) + 1, line)
    return "\n".join(lines) + "\n"


def delete_table(table: str, text: str = EXAMPLE_TEXT) -> str:
    lines = text.splitlines()
    start = _locate(lines, table)
    end = next((i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])), len(lines))
    del lines[start:end]
    return "\n".join(lines) + "\n"


def _entries(text: str = EXAMPLE_TEXT) -> list[tuple[str, str]]:
    """``(table, key)`` of every ``key = value`` line of the example, in order."""
    found, current = [], None
    for line in text.splitlines():
        if header := _HEADER.match(line):
            current = header[1]
        elif current and (entry := _ENTRY.match(line)):
            found.append((current, entry[1]))
    return found


# ---------------------------------------------------------------------------------------------
# Mutation operators x keys
# ---------------------------------------------------------------------------------------------

#: Quantity keys of the example and a unit of their dimension.
QUANTITIES = {
    ("cell", "temperature"): "K",
    ("cell", "stack_pressure"): "MPa",
    ("contact", "edge_width"): "um",
    ("time", "dt_max"): "min",
    ("time", "capacity_step"): "mAh/cm^2",
}
#: Values out of the allowed range (too large, or zero where it must be positive).
ABSURD = {
    ("cell", "temperature"): ['"5000 K"', '"0 K"'],
    ("cell", "stack_pressure"): ['"1e6 MPa"'],
    ("contact", "edge_width"): ['"0 um"'],
    ("time", "dt_max"): ['"0 s"'],
    ("time", "capacity_step"): ['"0 mAh/cm^2"'],
    ("contact", "void_count"): ["0", "1000000000"],
    ("contact", "void_aspect_ratio"): ["0", "1e9", "nan", "inf"],
    ("output", "fields_every"): ["0"],
    ("output", "interface_profile_every"): ["0"],
}
INTEGERS = [("contact", "void_count"), ("output", "fields_every"), ("output", "interface_profile_every")]
STEPS_NEVER_ENDING = {
    "no-limit": '["Strip at 0.5 mA/cm^2"]',
    "only-overpotential": '["Strip at 0.5 mA/cm^2 until overpotential 1 V"]',
    "only-voltage": '["Plate at 0.5 mA/cm^2 until voltage -0.1 V"]',
    "rest-without-time": '["Rest"]',
    "rest-for-infinite-time": '["Rest for inf h"]',
    "infinite-capacity": '["Strip at 0.5 mA/cm^2 until 1e999 mAh/cm^2"]',
    "second-step-never-ends": '["Strip at 0.5 mA/cm^2 until 1 mAh/cm^2", "Plate at 0.5 mA/cm^2"]',
}
STEPS_BAD = {
    "current-in-wrong-unit": '["Strip at 0.5 mAh/cm^2 until 1.5 mAh/cm^2"]',
    "negative-current": '["Strip at -0.5 mA/cm^2 until 1.5 mAh/cm^2"]',
    "decimal-comma": '["Strip at 0,5 mA/cm^2 until 1.5 mAh/cm^2"]',
    "unknown-verb": '["Discharge at 0.5 mA/cm^2 until 1.5 mAh/cm^2"]',
    "not-a-list": '"Strip at 0.5 mA/cm^2 until 1.5 mAh/cm^2"',
    "empty-list": "[]",
    "not-strings": "[1, 2]",
}


def build_variants() -> list[Variant]:
    variants: list[Variant] = []

    def add(id_: str, content, names: str, file: str | None = None) -> None:
        variants.append(Variant(re.sub(r"[^A-Za-z0-9_.+-]+", "-", id_), content, names, file))

    # every key: a typo in its name is an unknown key (or leaves a required key missing)
    for table, key in _entries():
        names = "[mesh]" if (table, key) == ("mesh", "include") else f"[{table}] {key}"
        add(f"typo-{table}-{key}", rename_key(table, key, key + "x"), names)

    # quantities: wrong type, bare number, wrong unit, malformed, negative, non-finite
    for (table, key), unit in QUANTITIES.items():
        name = f"[{table}] {key}"
        add(f"bare-number-{key}", set_value(table, key, "5"), name)
        add(f"wrong-type-bool-{key}", set_value(table, key, "true"), name)
        add(f"wrong-type-list-{key}", set_value(table, key, f'["5 {unit}"]'), name)
        add(f"wrong-unit-{key}", set_value(table, key, '"5 kg"'), name)
        add(f"decimal-comma-{key}", set_value(table, key, f'"0,5 {unit}"'), name)
        add(f"unit-before-number-{key}", set_value(table, key, f'"{unit} 5"'), name)
        add(f"runaway-arithmetic-{key}", set_value(table, key, f'"10**10**10 {unit}"'), name)
        add(f"negative-{key}", set_value(table, key, f'"-5 {unit}"'), name)
        add(f"non-finite-{key}", set_value(table, key, f'"1e999 {unit}"'), name)
        add(f"nan-{key}", set_value(table, key, f'"nan {unit}"'), name)

    # out of range
    for (table, key), values in ABSURD.items():
        for value in values:
            add(f"absurd-{key}-{value}", set_value(table, key, value), f"[{table}] {key}")

    # integers: wrong types and negative
    for table, key in INTEGERS:
        add(f"wrong-type-string-{key}", set_value(table, key, '"many"'), f"[{table}] {key}")
        add(f"wrong-type-fraction-{key}", set_value(table, key, "2.5"), f"[{table}] {key}")
        add(f"negative-{key}", set_value(table, key, "-3"), f"[{table}] {key}")
    add("wrong-type-void_aspect_ratio", set_value("contact", "void_aspect_ratio", '"half"'),
        "[contact] void_aspect_ratio")
    add("negative-void_aspect_ratio", set_value("contact", "void_aspect_ratio", "-0.5"),
        "[contact] void_aspect_ratio")

    # the contact table
    add("contact-model-unknown", set_value("contact", "model", '"voids"'), "[contact] model")
    add("contact-model-wrong-type", set_value("contact", "model", "3"), "[contact] model")
    add("contact-capacity-not-a-list", set_value("contact", "capacity", '"1 mAh/cm^2"'), "[contact] capacity")
    add("contact-capacity-wrong-unit",
        set_value("contact", "capacity", '["0 V", "1 V", "2 V", "3 V", "4 V", "5 V"]'), "[contact] capacity")
    add("contact-capacity-negative",
        set_value("contact", "capacity", '["-1 mAh/cm^2", "0 mAh/cm^2", "0.5 mAh/cm^2", "0.75 mAh/cm^2", '
                                         '"1 mAh/cm^2", "1.25 mAh/cm^2"]'), "[contact] capacity")
    add("contact-capacity-decreasing",
        set_value("contact", "capacity", '["0 mAh/cm^2", "0.5 mAh/cm^2", "0.25 mAh/cm^2", "0.75 mAh/cm^2", '
                                         '"1 mAh/cm^2", "1.25 mAh/cm^2"]'), "[contact] capacity")
    add("contact-fraction-not-a-list", set_value("contact", "fraction", "0.5"), "[contact] fraction")
    add("contact-fraction-above-one", set_value("contact", "fraction", "[1.0, 0.8, 0.6, 0.35, 0.1, 50]"),
        "[contact] fraction")
    add("contact-fraction-negative", set_value("contact", "fraction", "[1.0, 0.8, 0.6, 0.35, 0.1, -0.02]"),
        "[contact] fraction")
    add("contact-fraction-nan", set_value("contact", "fraction", "[1.0, 0.8, nan, 0.35, 0.1, 0.02]"),
        "[contact] fraction")
    add("contact-table-lengths-differ", set_value("contact", "fraction", "[1.0, 0.5]"), "[contact]")

    # material sets and overrides
    for role, other in (("metal", "Li6PS5Cl"), ("electrolyte", "Li"), ("counter_electrode", "Li")):
        add(f"{role}-set-unknown", set_value(role, "set", '"Unobtainium"'), f"[{role}] set")
        add(f"{role}-set-of-another-role", set_value(role, "set", f'"{other}"'), f"[{role}] set")
        add(f"{role}-set-wrong-type", set_value(role, "set", '["Li"]'), f"[{role}] set")
        add(f"{role}-unknown-parameter", insert(role, 'bogus_parameter = "1 V"'), f"[{role}] bogus_parameter")
    overrides = [
        ("metal", "exchange_current_density", '"5 V"', "wrong-unit"),
        ("metal", "exchange_current_density", "5", "bare-number"),
        ("metal", "exchange_current_density", '"nan mA/cm^2"', "nan"),
        ("metal", "exchange_current_density", '"1e999 mA/cm^2"', "non-finite"),
        ("metal", "exchange_current_density", '["5 mA/cm^2"]', "wrong-type"),
        ("metal", "anodic_transfer_coefficient", "nan", "nan-dimensionless"),
        ("metal", "vacancy_sink_spacing", '"-100 um"', "negative-length"),
        ("metal", "exchange_current_density", '"0 mA/cm^2"', "zero-current-density"),
        ("electrolyte", "conductivity", '"-3.5 mS/cm"', "negative-conductivity"),
        ("electrolyte", "conductivity", '"3.5 mS"', "wrong-unit"),
        ("electrolyte", "conductivity", '"3,5 mS/cm"', "decimal-comma"),
        ("counter_electrode", "equilibrium_potential", '"0.623 mA"', "wrong-unit"),
    ]
    for role, key, value, what in overrides:
        add(f"{role}-override-{key}-{what}", insert(role, f"{key} = {value}"), f"[{role}] {key}")

    # the mesh: include and overrides of included keys
    add("mesh-include-missing-file", set_value("mesh", "include", '"../meshes/nope.toml"'), "[mesh] include",
        file="nope.toml")
    add("mesh-include-directory", set_value("mesh", "include", '"../meshes"'), "[mesh] include",
        file="meshes")
    add("mesh-include-wrong-type", set_value("mesh", "include", "42"), "[mesh] include")
    add("mesh-include-deleted", delete_key("mesh", "include"), "[mesh]")
    mesh_overrides = [
        ('width = "-5 um"', "[mesh] width"),
        ('width = "5 m"', "[mesh] width"),
        ('metal_height = "1e999 um"', "[mesh] metal_height"),
        ("cells_along_interface = 0", "[mesh] cells_along_interface"),
        ('cells_along_interface = "many"', "[mesh] cells_along_interface"),
        ("dimension = 4", "[mesh] dimension"),
        ("dimension = 3", "[mesh]"),  # a 3-D mesh without depth
        ('interface_cell_height = "30 um"', "[mesh]"),  # coarser than the metal is high
        ('cell_type = "hex"', "[mesh] cell_type"),
        ("bogus = 1", "[mesh] bogus"),
    ]
    for line, names in mesh_overrides:
        add(f"mesh-override-{line.replace('=', '')}", insert("mesh", line), names)

    # the protocol
    for what, value in STEPS_NEVER_ENDING.items():
        step = 1 if what.startswith("second") else 0
        add(f"protocol-never-ends-{what}", set_value("protocol", "steps", value), f"[protocol] steps[{step}]")
    for what, value in STEPS_BAD.items():
        add(f"protocol-{what}", set_value("protocol", "steps", value), "[protocol] steps")

    # meta
    add("meta-description-wrong-type", set_value("meta", "description", "42"), "[meta] description")
    add("meta-description-empty", set_value("meta", "description", '""'), "[meta] description")
    add("meta-target-unknown", insert("meta", 'target = "T9"'), "[meta] target")

    # missing and unknown tables, unknown keys in every table
    for table in ("meta", "mesh", "protocol"):
        add(f"missing-table-{table}", delete_table(table), f"[{table}]")
    for table in ("meta", "cell", "contact", "protocol", "time", "output"):
        add(f"unknown-key-in-{table}", insert(table, "bogus_key = 1"), f"[{table}] bogus_key")
    add("unknown-table", EXAMPLE_TEXT + "\n[solvr]\nmax_iterations = 3\n", "[solvr]")
    add("unknown-top-level-key", "stray = 1\n" + EXAMPLE_TEXT, "stray")
    add("empty-file", "", "[meta]")

    # malformed TOML: the line names the file
    toml_breakages = {
        "unterminated-string": set_value("cell", "temperature", '"25 degC'),
        "missing-value": set_value("cell", "temperature", ""),
        "missing-equals": EXAMPLE_TEXT.replace('temperature = "25 degC"', 'temperature "25 degC"', 1),
        "unclosed-array": EXAMPLE_TEXT.replace('1 V"]', '1 V"', 1),
        "unclosed-table-header": EXAMPLE_TEXT.replace("[cell]", "[cell", 1),
        "duplicate-key": insert("cell", 'temperature = "20 degC"'),
        "duplicate-table": EXAMPLE_TEXT + "\n[cell]\nstack_pressure = \"1 MPa\"\n",
        "python-style-comment-syntax": EXAMPLE_TEXT.replace("void_count = 16", "void_count = 16 // voids", 1),
    }
    for what, text in toml_breakages.items():
        add(f"malformed-toml-{what}", text, "(file)")
    add("not-utf8", b"\xff\xfe" + EXAMPLE_TEXT.encode("utf-16-le"), "(file)")
    return variants


VARIANTS = build_variants()
BY_ID = {variant.id: variant for variant in VARIANTS}
#: Run as a real subprocess, one of each kind: the console entry point must not show a traceback.
SUBPROCESS_IDS = [
    "malformed-toml-unterminated-string",
    "protocol-never-ends-no-limit",
    "wrong-unit-temperature",
    "runaway-arithmetic-stack_pressure",
    "missing-table-mesh",
    "metal-override-exchange_current_density-nan",
]


# ---------------------------------------------------------------------------------------------
# Fixtures and checks
# ---------------------------------------------------------------------------------------------


def tree(directory: Path) -> dict[str, str]:
    """Every file (sha256 of its bytes) and directory under ``directory``, by relative path."""
    return {
        path.relative_to(directory).as_posix(): (
            "<dir>" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        )
        for path in sorted(directory.rglob("*"))
    }


EXPECTED_TREE = {
    **{name: "<dir>" for name in RESULTS_DIRS},
    **{name: hashlib.sha256(data).hexdigest() for name, data in RESULTS_FILES.items()},
}


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """A results directory from an earlier run, with known bytes."""
    directory = tmp_path / "results"
    for name in RESULTS_DIRS:
        (directory / name).mkdir(parents=True)
    for name, data in RESULTS_FILES.items():
        (directory / name).write_bytes(data)
    assert tree(directory) == EXPECTED_TREE
    return directory


def write_variant(tmp_path: Path, variant: Variant) -> Path:
    (tmp_path / "cases").mkdir(exist_ok=True)
    if not (tmp_path / "meshes").exists():
        shutil.copytree(ROOT / "meshes", tmp_path / "meshes")
    path = tmp_path / "cases" / f"{variant.id}.toml"
    if isinstance(variant.content, bytes):
        path.write_bytes(variant.content)
    else:
        path.write_text(variant.content)
    return path


def assert_refused(code: int, out: str, err: str, path: Path, variant: Variant) -> None:
    assert code == cli.USER_ERROR, (code, err)
    assert "Traceback" not in err and "Traceback" not in out
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith("\n"), err
    line = lines[0]
    assert line.startswith(PREFIX) and len(line) > len(PREFIX), line
    assert variant.names in line, f"{variant.names!r} not named in: {line}"
    assert (variant.file or path.name) in line, f"file not named in: {line}"


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def test_fuzz_generates_at_least_50_distinct_deterministic_variants():
    assert len(VARIANTS) >= 50, len(VARIANTS)
    assert len(BY_ID) == len(VARIANTS), "variant ids are not unique"
    assert len({v.content for v in VARIANTS}) == len(VARIANTS), "two variants are the same file"
    assert [v.id for v in build_variants()] == [v.id for v in VARIANTS]  # deterministic
    assert all(v.content != EXAMPLE_TEXT for v in VARIANTS)
    assert set(SUBPROCESS_IDS) <= set(BY_ID)


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])
def test_run_refuses_bad_case_in_one_line_naming_the_key_and_leaves_results_untouched(
    variant, tmp_path, results, capsys, monkeypatch
):
    def accepted(*_args, **_kwargs):
        pytest.fail(f"variant {variant.id} was accepted: the results directory would be touched")

    monkeypatch.setattr(cli, "_prepare_output", accepted)
    path = write_variant(tmp_path, variant)
    argv = ["run", str(path), "-o", str(results), "-q"]
    if VARIANTS.index(variant) % 2:  # half of them with --overwrite: it must not matter
        argv.append("--overwrite")
    code, out, err = run_in_process(argv, capsys)
    assert_refused(code, out, err, path, variant)
    assert tree(results) == EXPECTED_TREE


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])
def test_check_refuses_bad_case_with_exit_2_and_one_line_naming_the_key(variant, tmp_path, capsys):
    path = write_variant(tmp_path, variant)
    code, out, err = run_in_process(["check", str(path)], capsys)
    assert_refused(code, out, err, path, variant)


@pytest.mark.parametrize("variant_id", SUBPROCESS_IDS)
def test_bad_case_through_real_cli_process_prints_no_traceback_and_leaves_results_untouched(
    variant_id, tmp_path, results
):
    variant = BY_ID[variant_id]
    path = write_variant(tmp_path, variant)
    code, out, err = run_subprocess(["run", str(path), "-o", str(results), "--overwrite"], tmp_path)
    assert_refused(code, out, err, path, variant)
    assert tree(results) == EXPECTED_TREE


def test_run_refuses_valid_case_into_non_empty_results_dir_without_overwrite(tmp_path, results, capsys):
    code, out, err = run_in_process(["run", str(EXAMPLE), "-o", str(results), "-q"], capsys)
    assert code == cli.USER_ERROR
    assert out == "" and "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith(PREFIX), err
    assert f"output directory {results} exists and is not empty" in err
    assert "--overwrite" in err
    assert tree(results) == EXPECTED_TREE


def test_run_refuses_output_path_that_is_a_file_and_leaves_it_untouched(tmp_path, capsys):
    target = tmp_path / "results.txt"
    target.write_bytes(b"not a directory\n")
    code, _, err = run_in_process(["run", str(EXAMPLE), "-o", str(target)], capsys)
    assert code == cli.USER_ERROR and err.count("\n") == 1
    assert "exists and is not a directory" in err
    assert target.read_bytes() == b"not a directory\n"


def test_check_accepts_valid_example_case_with_exit_0(tmp_path):
    code, out, err = run_subprocess(["check", str(EXAMPLE)], tmp_path)
    assert code == 0, err
    assert f"{EXAMPLE}: valid" in out
    assert "Traceback" not in err
    assert not any(tmp_path.iterdir()), "check wrote something"


def test_run_refuses_a_case_file_that_does_not_exist(tmp_path, results, capsys):
    missing = tmp_path / "no_such_case.toml"
    code, out, err = run_in_process(["run", str(missing), "-o", str(results), "--overwrite"], capsys)
    assert code == cli.USER_ERROR and out == ""
    assert err == f"{PREFIX}{missing}: (file): file not found\n"
    assert tree(results) == EXPECTED_TREE


def test_output_piped_into_a_reader_that_stops_early_ends_without_a_traceback(tmp_path):
    """`phasefield check CASE | head -1`: the reader has gone before check writes (a pipe whose read
    end is closed), so the write fails with SIGPIPE / EPIPE every time."""
    case = Path(__file__).resolve().parent.parent / "cases" / "t4_limg_pressure_sweep.toml"
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "phasefield", "check", str(case)], stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=120, cwd=tmp_path)
    finally:
        os.close(write_end)
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr, result.stderr


def test_kernel_flags_the_compiler_refuses_are_refused_in_one_line_and_leave_results_untouched(tmp_path, results):
    """PHASEFIELD_KERNEL_FLAGS with a flag the C compiler refuses: exit 2, one line naming the variable, what was
    expected and what it got, before the results directory is touched (--overwrite included), and no traceback."""
    env = {"PHASEFIELD_KERNEL_FLAGS": "-O2 -fno-such-flag-in-any-compiler"}
    code, out, err = run_subprocess(["run", str(EXAMPLE), "-o", str(results), "--overwrite"], tmp_path, env=env)
    assert code == cli.USER_ERROR and out == "" and "Traceback" not in err
    assert err == (f"{PREFIX}PHASEFIELD_KERNEL_FLAGS: expected C compiler flags that the compiler accepts, or "
                   "'default' (got '-O2 -fno-such-flag-in-any-compiler', refused)\n")
    assert tree(results) == EXPECTED_TREE
