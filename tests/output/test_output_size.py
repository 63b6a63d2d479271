"""Output size and cadence over a run (issue 9, long runs).

Properties checked, on the small Li-Mg case of the end-to-end tests (interdiffusion and
electrochemistry, so that fields, interface profiles, Mg line scans and checkpoints are all written)
run in-process, with the size of every output file recorded after each accepted step:

* the output grows linearly with the number of outputs: with every output every step, each step adds
  the same number of new files and the same number of bytes (within 5%); no file written at an earlier
  step changes afterwards except the append-only indices (``timeseries.csv``, one row a step, the
  ``fields/*.pvd`` series and ``fields/times.csv``, one entry an output); checkpoints never pile up (at most
  the two kept);
* the cadence keys of ``[output]`` are honoured: ``<kind>_every = k`` over N steps gives ceil(N/k) + 1
  outputs (step 0, every k-th step, and the last step), checkpoints at every k-th step and at the end.

A writer that rewrote a growing file at every output, appended to an earlier output, wrote at the
wrong steps or kept every checkpoint fails here.
"""

import math
import re
from pathlib import Path

import pytest

from phasefield.case import load_case
from phasefield.coupling.simulation import Simulation

DATA = Path(__file__).resolve().parent.parent / "data"
APPEND_ONLY = re.compile(r"^(timeseries\.csv|fields/[^/]+\.pvd|fields/times\.csv)$")


def write_variant(directory: Path, minutes: int, fields: int, profiles: int, scans: int, checkpoints: int) -> Path:
    """The small Li-Mg case stripped for ``minutes`` minutes in 1-minute steps, with the given cadences."""
    text = (DATA / "small_limg.toml").read_text()
    assert "[protocol]" in text, "tests/data/small_limg.toml changed: update this test"
    text = text[:text.index("[protocol]")] + (
        f'[protocol]\nsteps = ["Strip at 0.5 mA/cm^2 for {minutes} min"]\n\n'
        '[time]\ndt_max = "1 min"\n\n'
        f"[output]\nfields_every = {fields}\ninterface_profile_every = {profiles}\n"
        f"line_scan_every = {scans}\ncheckpoint_every = {checkpoints}\n")
    path = directory / "case.toml"
    path.write_text(text)
    return path


def sizes(directory: Path) -> dict[str, int]:
    """Size of every file under ``directory``, by path relative to it."""
    return {p.relative_to(directory).as_posix(): p.stat().st_size for p in directory.rglob("*") if p.is_file()}


def run_recording(case: Path, output: Path) -> tuple[list[dict[str, int]], int]:
    """Run ``case`` into ``output``; the file sizes after every accepted step (and once more at the end)
    and the number of steps."""
    from mpi4py import MPI

    output.mkdir()
    simulation = Simulation(load_case(case), MPI.COMM_WORLD, output)
    snapshots = []
    try:
        summary = simulation.run(lambda row, index, step, state: snapshots.append(sizes(output)))
    finally:
        simulation.close()
    assert summary.status == "completed"
    snapshots.append(sizes(output))
    return snapshots, summary.steps


def in_folder(snapshot: dict[str, int], folder: str, suffix: str = "") -> dict[str, int]:
    return {k: v for k, v in snapshot.items() if k.startswith(folder + "/") and k.endswith(suffix)}


def test_output_grows_linearly_with_the_number_of_outputs(tmp_path):
    steps = 16
    snapshots, done = run_recording(write_variant(tmp_path, steps, 1, 1, 1, 1), tmp_path / "out")
    assert done == steps and len(snapshots) == steps + 1
    during = snapshots[:-1]  # after steps 1..N (the final snapshot adds the closed .pvd files)
    increments, new_files = [], []
    for before, after in zip(during, during[1:], strict=False):
        for name, size in before.items():
            if name.startswith("checkpoints/") or APPEND_ONLY.match(name):
                continue
            assert after.get(name) == size, f"{name} changed after it was written ({size} -> {after.get(name)} B)"
        new_files.append(sorted(re.sub(r"\d+", "#", k) for k in set(after) - set(before)
                                if not k.startswith("checkpoints/")))
        increments.append(sum(v for k, v in after.items() if not k.startswith("checkpoints/"))
                          - sum(v for k, v in before.items() if not k.startswith("checkpoints/")))
    # each step: one .vtu and one .pvtu per field series, one profile, one line scan
    assert all(files == new_files[0] for files in new_files), new_files
    assert len(new_files[0]) == 6, new_files[0]
    median = sorted(increments)[len(increments) // 2]
    assert max(abs(i - median) for i in increments) <= 0.05 * median, increments
    csv_rows = [s["timeseries.csv"] for s in during]
    assert max(b - a for a, b in zip(csv_rows, csv_rows[1:], strict=False)) < 1024  # one row a step
    for snapshot in snapshots:
        checkpoints = in_folder(snapshot, "checkpoints")
        assert 1 <= len(checkpoints) <= 2 and len(set(checkpoints.values())) == 1, checkpoints
    final = snapshots[-1]
    for series in ("electrolyte", "metal"):
        pvd = (tmp_path / "out" / "fields" / f"{series}.pvd").read_text()
        assert pvd.count("<DataSet") == steps + 1
        assert final[f"fields/{series}.pvd"] < 256 * (steps + 2)  # one short entry an output


@pytest.mark.parametrize(("fields", "profiles", "scans", "checkpoints"), [(3, 2, 4, 5), (1, 7, 10, 3)])
def test_output_cadence_is_honoured(tmp_path, fields, profiles, scans, checkpoints):
    steps = 10
    snapshots, done = run_recording(write_variant(tmp_path, steps, fields, profiles, scans, checkpoints),
                                    tmp_path / "out")
    assert done == steps
    final = snapshots[-1]
    for folder, suffix, every in (("fields", ".pvtu", fields), ("interface", ".csv", profiles),
                                  ("line_scans", ".csv", scans)):
        count = math.ceil(steps / every) + 1
        written = in_folder(final, folder, suffix)
        assert len(written) == count * (2 if folder == "fields" else 1), (folder, sorted(written))
    seen = {int(re.search(r"(\d+)\.h5$", name)[1]) for s in snapshots for name in in_folder(s, "checkpoints")}
    assert seen == {*range(0, steps, checkpoints), steps}
    assert all(len(in_folder(s, "checkpoints")) <= 2 for s in snapshots)
