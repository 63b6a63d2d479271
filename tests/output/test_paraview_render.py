"""ParaView renders a 2-rank run: ``postprocessing/paraview/open_run.py`` under pvpython (Debian's ParaView 5.11).

The fields are phasefield's binary VTU pieces (one per rank, zlib-compressed raw appended data) under a
.pvtu per output and the .pvd series, coordinates in um; ParaView 5.11 must open them (TimeValue and
capacity as field data of the parallel read) and draw the window at its true size.

The run is ``small_limg.toml`` (full contact, so metal_fraction is 1 everywhere; x_Mg piles up at the
interface while stripping). The PNG must show the metal above the interface coloured by x_Mg with viridis,
and the electrolyte below it in another (diverging) colour map. Skipped without pvpython or xvfb-run,
except where PHASEFIELD_REQUIRE_PARAVIEW=1 (set by .ci/run, which installs them): there it fails.
"""

import os
import shutil
import subprocess

import numpy as np
import pytest
from helpers import DATA, run_command
from matplotlib import colormaps
from PIL import Image

SCRIPT = DATA.parent.parent / "postprocessing" / "paraview" / "open_run.py"
SIZE = (800, 500)


def render(results, png) -> subprocess.CompletedProcess:
    command = ["xvfb-run", "-a", "pvpython", str(SCRIPT), str(results), "--output", str(png),
               "--size", *map(str, SIZE)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if result.returncode != 0 and "X server" in result.stderr:  # xvfb-run -a can race another Xvfb for a display
        result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    return result


def viridis_distance(pixels: np.ndarray) -> np.ndarray:
    """For each RGB pixel (0-255), the distance to the nearest colour of matplotlib's viridis."""
    table = 255 * colormaps["viridis"](np.linspace(0, 1, 256))[:, :3]
    return np.min(np.linalg.norm(pixels[:, None, :].astype(float) - table[None], axis=2), axis=1)


def check_image(image: np.ndarray) -> dict:
    """Assert that an (H, W, 3) render shows both layers with colour maps; return what was measured."""
    background = image[-1, 0]
    assert (image[-1, -1] == background).all() and (image[0, -1] == background).all(), "corners differ"
    drawn = np.any(image != background, axis=2)
    colours = len(np.unique(image.reshape(-1, 3), axis=0))
    measured = {"non_background": float(drawn.mean()), "distinct_colours": colours}
    assert measured["non_background"] > 0.25, measured
    assert colours > 200, measured  # colour maps, not a few flat colours
    # a column through the domain: its longest drawn run (not the label) is metal above the interface and
    # electrolyte below it
    x = int(0.3 * image.shape[1])
    edges = np.flatnonzero(np.diff(np.concatenate([[0], drawn[:, x].astype(int), [0]])))
    starts, ends = edges[::2], edges[1::2]
    longest = np.argmax(ends - starts)
    top, bottom = starts[longest], ends[longest]
    assert bottom - top > 0.5 * image.shape[0], measured
    pixels = image[top:bottom, x]
    distance = viridis_distance(pixels)
    metal = distance < 6  # x_Mg in viridis
    measured["metal_rows"], measured["electrolyte_rows"] = int(metal.sum()), int((~metal).sum())
    split = np.flatnonzero(~metal)[0] if (~metal).any() else len(metal)
    assert metal[:split].all() and not metal[split + 2:].any(), "expected viridis above, another map below"
    assert 0.3 < split / len(metal) < 0.7, measured  # the interface near the middle of the window
    for part in (pixels[:split], pixels[split + 2:]):
        assert len(np.unique(part, axis=0)) > 20, measured  # each field varies across its layer
    assert np.linalg.norm(pixels[:split] - np.array([253, 231, 37]), axis=1).min() < 20, "no Mg pile-up (yellow)"
    return measured


def test_check_image_rejects_a_blank_or_flat_render():
    blank = np.full((SIZE[1], SIZE[0], 3), 80, dtype=np.uint8)
    with pytest.raises(AssertionError):
        check_image(blank)
    halves = blank.copy()
    halves[100:250, 100:600], halves[250:400, 100:600] = (40, 130, 140), (200, 100, 50)  # two flat layers
    with pytest.raises(AssertionError):
        check_image(halves)


@pytest.mark.mpi
def test_paraview_renders_a_two_rank_alloy_run(tmp_path):
    missing = [tool for tool in ("pvpython", "xvfb-run") if shutil.which(tool) is None]
    if missing:
        message = (f"{' and '.join(missing)} not found: install Debian's paraview "
                   "(apt-get install paraview python3-paraview xvfb xauth)")
        if os.environ.get("PHASEFIELD_REQUIRE_PARAVIEW") == "1":
            pytest.fail(f"{message}; PHASEFIELD_REQUIRE_PARAVIEW=1 requires the render")
        pytest.skip(message)
    results, png = tmp_path / "out", tmp_path / "view.png"
    run = subprocess.run(run_command(DATA / "small_limg.toml", results, ranks=2), capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    assert (results / "fields" / "metal.pvd").exists() and (results / "fields" / "metal000000.pvtu").exists()
    for rank in (0, 1):  # a piece per rank, binary
        assert b'<AppendedData encoding="raw">' in (results / "fields" / f"metal_p{rank}_000000.vtu").read_bytes()
    result = render(results, png)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "metal + electrolyte, t = 3480 s, window 1 um wide" in result.stdout  # the last step, true size
    image = np.asarray(Image.open(png).convert("RGB"))
    assert image.shape == (SIZE[1], SIZE[0], 3)
    print(check_image(image))
