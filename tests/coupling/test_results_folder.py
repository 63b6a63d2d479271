"""Requirement: the command line and the Python API check an output folder the same way
(``phasefield.coupling.results_folder``): a folder is a phasefield results folder by its run.json, sweep.json
or a member's run.json; a new run gets an empty folder, a folder with files is refused unless overwriting
was asked for and it holds results (then replaced), a file is refused; each refusal is one line naming the
folder and the interface's own options."""

import pytest

from phasefield.coupling.results_folder import (
    COMMAND_LINE,
    PYTHON,
    OutputNotEmpty,
    holds_results,
    prepare_output,
)


@pytest.mark.parametrize(("marker", "holds"), [
    ("run.json", True), ("sweep.json", True), ("member/run.json", True), ("notes.txt", False),
    ("member/deeper/run.json", False), ("run.json/", False),  # a folder named run.json is no run
])
def test_a_results_folder_is_known_by_its_record(marker, holds, tmp_path):
    path = tmp_path / marker.rstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    if marker.endswith("/"):
        path.mkdir()
    else:
        path.write_text("{}")
    assert holds_results(tmp_path) is holds


@pytest.mark.parametrize("options", [COMMAND_LINE, PYTHON])
def test_a_folder_with_files_is_refused_in_one_line_naming_the_options(options, tmp_path):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "chapter1.tex").write_text("precious")
    with pytest.raises(OutputNotEmpty) as refused:
        prepare_output(folder, False, options)
    assert str(refused.value) == (f"output directory {folder} exists and is not empty; "
                                  f"choose another with {options.output} or pass {options.overwrite}")
    with pytest.raises(OutputNotEmpty, match=f"^{options.overwrite}: .* holds no phasefield results") as refused:
        prepare_output(folder, True, options)
    assert "\n" not in str(refused.value)
    assert [path.name for path in folder.iterdir()] == ["chapter1.tex"]
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputNotEmpty, match="exists and is not a directory"):
        prepare_output(tmp_path / "file", True, options)


def test_results_are_replaced_only_when_asked_and_a_new_folder_is_made(tmp_path):
    run = tmp_path / "run"
    assert prepare_output(run / "deeper", False, PYTHON).is_dir()  # parents made
    (run / "deeper" / "run.json").write_text("{}")
    with pytest.raises(OutputNotEmpty, match="overwrite=True"):
        prepare_output(run / "deeper", False, PYTHON)
    assert not any(prepare_output(run / "deeper", True, PYTHON).iterdir())
