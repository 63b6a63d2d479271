"""ParaView view of a phasefield results directory: the metal and the electrolyte at one time.

A pvpython script: it runs under ParaView's own Python (Debian's ParaView 5.11: ``apt-get install
paraview python3-paraview xvfb xauth``), not under the project's venv, and does not import phasefield.

Usage, batch (writes a PNG)::

    xvfb-run -a pvpython postprocessing/paraview/open_run.py RESULTS [--output RESULTS/paraview_view.png]
        [--size 1600 1000] [--time T_SECONDS] [--series metal_restart00040.pvd]
        [--metal-field auto|metal_fraction|x_Mg|...] [--half-height UM] [--electrolyte potential|solid]

Usage, interactive (the GUI passes no arguments, so they come from the environment)::

    PHASEFIELD_RESULTS=RESULTS PHASEFIELD_VIEW_OPTIONS="--time 3600" \
        paraview --script=postprocessing/paraview/open_run.py

(default results directory: the working directory; ``--output`` is honoured in the GUI too, otherwise
the view is left open). Do not pass ``--force-offscreen-rendering`` to pvpython: it crashes Debian's 5.11.

What it shows, read from ``RESULTS/fields`` (``.pvd`` + ``.pvtu`` + binary ``.vtu`` pieces, serial or parallel,
coordinates in um as the field data ``metres_per_length_unit`` says; results written before that, with
DOLFINx's ASCII ``VTKFile``, have none and are in metres, and open too):

* ``metal.pvd`` - or, by default, the newest restart series ``metal_restartNNNNN.pvd`` (with ``--time``:
  the newest series that starts at or before that time); ``--series`` picks one. The metal is drawn
  SEM-like: ``metal_fraction`` in grey (void dark, metal light); where the metal is solid (metal_fraction
  >= 0.5, cut along the interpolated 0.5 contour) it is coloured by ``x_Mg`` (viridis) when present
  (``--metal-field`` chooses, e.g. ``vacancy_chemical_potential_kT``, or ``metal_fraction`` for grey only).
* ``electrolyte.pvd`` (the matching ``electrolyte*`` series): ``electrolyte_potential`` (V) with a
  diverging map, or a uniform tan with ``--electrolyte solid``.
* The last time step unless ``--time`` (seconds; the nearest written time is shown). A run that did not
  finish has a complete ``.pvd`` (rewritten after every output); an older run killed before DOLFINx wrote
  its ``.pvd`` on close has only ``.pvtu`` files: they are read as frames, the last frame is shown and the
  time is unknown.
* The camera looks at the interface (the plane where the two meshes meet; its normal is the last
  coordinate), metal on top, window: the full width by +-``--half-height`` (default: the thinner of the
  two layers). A 2-D column much narrower than the window is stretched laterally (noted in the label).
  3-D: an oblique view with the front half of the electrolyte cut away, so the metal's interface face
  (contact and voids) is visible.
* Scalar bars and a label: run description, time, capacity, protocol step, contact fraction, overpotential
  (from ``run.json`` and ``timeseries.csv``).
"""

import argparse
import csv
import json
import math
import os
import re
import shlex
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from paraview import simple as pv

BACKGROUND = [0.32, 0.34, 0.43]  # ParaView's classic blue-grey: neither void-dark nor metal-light
GREYS = [0.0, 0.10, 0.10, 0.10, 1.0, 0.90, 0.90, 0.90]  # metal_fraction: void dark, metal light
TAN = [0.82, 0.71, 0.55]
BOX = (0.03, 0.74, 0.07, 0.85)  # the part of the image the window is fitted to; labels and bars around it
METAL_FIELD_MAPS = {"x_Mg": "Viridis (matplotlib)", "vacancy_chemical_potential_kT": "Inferno (matplotlib)"}
TITLES = {"metal_fraction": "metal fraction", "x_Mg": "x_Mg", "electrolyte_potential": "electrolyte potential (V)",
          "vacancy_chemical_potential_kT": "vacancy chem. potential (kT)"}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?", default=".", help="a phasefield results directory (has fields/)")
    parser.add_argument("--output", type=Path, help="PNG to write (batch default: RESULTS/paraview_view.png)")
    parser.add_argument("--size", type=int, nargs=2, default=(1600, 1000), metavar=("W", "H"))
    parser.add_argument("--time", type=float, help="time in s (default: the last written)")
    parser.add_argument("--series", help="metal series, e.g. metal.pvd or metal_restart00040.pvd")
    parser.add_argument("--metal-field", default="auto",
                        help="field on the solid metal: auto (x_Mg if present, else metal_fraction), or a name")
    parser.add_argument("--half-height", type=float, help="window half-height about the interface, um")
    parser.add_argument("--electrolyte", choices=("potential", "solid"), default="potential")
    return parser.parse_args(argv)


# -- series -----------------------------------------------------------------------------------------------

class Series:
    """One field time series: the .pvd and its times, or (no .pvd) the .pvtu frames in order."""

    def __init__(self, fields: Path, stem: str):
        self.stem = stem
        self.pvd = fields / f"{stem}.pvd"
        pattern = re.compile(rf"^{re.escape(stem)}\d{{6}}\.pvtu$")
        self.frames = sorted(p for p in fields.glob(f"{stem}*.pvtu") if pattern.match(p.name))
        self.times = None
        if self.pvd.exists():
            root = ElementTree.parse(self.pvd).getroot()
            self.times = [float(d.get("timestep")) for d in root.iter("DataSet")]

    def exists(self) -> bool:
        """Has data: a .pvd with at least one time (a restart from the last checkpoint writes none), or frames."""
        return bool(self.times) if self.times is not None else bool(self.frames)

    def reader(self):
        if self.pvd.exists():
            return pv.PVDReader(registrationName=self.pvd.name, FileName=str(self.pvd))
        return pv.XMLPartitionedUnstructuredGridReader(registrationName=f"{self.stem}*.pvtu",
                                                       FileName=[str(p) for p in self.frames])


def choose_series(fields: Path, series: str | None, time: float | None) -> tuple[Series, Series]:
    """The metal series (``series``, else the newest restart series that covers ``time``) and its electrolyte."""
    if not fields.is_dir():
        raise SystemExit(f"{fields}: no such directory; is {fields.parent} a phasefield results directory?")
    if series is not None:
        stem = Path(series).name.removesuffix(".pvd")
        if not stem.startswith("metal"):
            raise SystemExit(f"--series {series}: expected metal.pvd or metal_restartNNNNN.pvd")
        candidates = [stem]
    else:
        restarts = {m.group(1) for p in fields.iterdir()
                    if (m := re.match(r"^(metal_restart\d{5})(\d{6}\.pvtu|\.pvd)$", p.name))}
        candidates = [*sorted(restarts, reverse=True), "metal"]
    for stem in candidates:
        metal = Series(fields, stem)
        if not metal.exists():
            continue
        if series is None and time is not None and stem != "metal" and (not metal.times or metal.times[0] > time):
            continue  # a restart series that starts after the requested time
        electrolyte = Series(fields, "electrolyte" + stem.removeprefix("metal"))
        if not electrolyte.exists():
            raise SystemExit(f"{fields}: {stem} has no matching electrolyte series")
        return metal, electrolyte
    raise SystemExit(f"{fields}: no {candidates[0]}.pvd (or .pvtu frames); is this a phasefield results directory?")


def pick_time(series: Series, time: float | None) -> tuple[float, float | None]:
    """(the reader's time value to show, the physical time in s or None when unknown)."""
    if series.times is None:
        if time is not None:
            print(f"warning: {series.pvd.name} missing (run not finished?): --time ignored, showing the last frame")
        return float(len(series.frames) - 1), None
    t = series.times[-1] if time is None else min(series.times, key=lambda s: abs(s - time))
    return t, t


# -- annotation -------------------------------------------------------------------------------------------

def label(results: Path, time: float | None, metal: Series, frame: float, lateral: float) -> str:
    lines = []
    try:
        meta = json.loads((results / "run.json").read_text())
    except (OSError, ValueError):
        meta = {}
    case = meta.get("case", {})
    description = case.get("meta", {}).get("description") or results.resolve().name
    lines.append(f"{description}   [{meta.get('status', '?')}]")
    if time is None:
        lines.append(f"{metal.stem}: frame {int(frame) + 1} of {len(metal.frames)} (no .pvd: time unknown)")
    else:
        row = nearest_row(results / "timeseries.csv", time)
        text = f"t = {time:.0f} s ({time / 3600:.3g} h)"
        if row:
            steps = case.get("protocol", {}).get("steps", [])
            k = int(float(row["protocol_step"]))
            step = steps[k]["text"] if k < len(steps) else f"step {k}"
            text += f"   capacity {float(row['capacity_mAh_per_cm2']):.3g} mAh/cm\u00b2   ({step})"
            lines.append(text)
            lines.append(f"contact {float(row['contact_fraction']):.1%}   "
                         f"overpotential {1e3 * float(row['overpotential_V']):.3g} mV")
        else:
            lines.append(text)
    if lateral != 1.0:
        lines[-1] += f"   (lateral scale \u00d7{lateral:.3g})"
    return "\n".join(lines)


def nearest_row(path: Path, time: float) -> dict | None:
    try:
        with path.open(newline="") as stream:
            rows = list(csv.DictReader(stream))
    except OSError:
        return None
    rows = [r for r in rows if r.get("time_s")]
    return min(rows, key=lambda r: abs(float(r["time_s"]) - time)) if rows else None


# -- scene ------------------------------------------------------------------------------------------------

def array_range(source, name: str, time: float) -> tuple[float, float] | None:
    source.UpdatePipeline(time)
    array = source.PointData.GetArray(name)
    if array is None or source.GetDataInformation().GetNumberOfPoints() == 0:
        return None
    low, high = array.GetRange(-1 if array.GetNumberOfComponents() > 1 else 0)  # vectors: the magnitude
    if not high > low:
        pad = 1e-6 * max(abs(low), 1e-30)
        low, high = low - pad, high + pad
    return low, high


def colour_by(view, source, display, name: str, time: float, preset: str | None, bar_position) -> None:
    pv.ColorBy(display, ("POINTS", name))
    lut = pv.GetColorTransferFunction(name)
    if preset is None:
        lut.ColorSpace = "RGB"
        lut.RGBPoints = GREYS
    else:
        lut.ApplyPreset(preset, True)
    value_range = (0.0, 1.0) if name == "metal_fraction" else array_range(source, name, time)
    if value_range is not None:
        lut.RescaleTransferFunction(*value_range)
        lut.AutomaticRescaleRangeMode = "Never"
    bar = pv.GetScalarBar(lut, view)
    bar.Title = TITLES.get(name, name)
    bar.ComponentTitle = ""
    bar.WindowLocation = "Any Location"
    bar.Orientation = "Vertical"
    bar.Position = list(bar_position)
    bar.ScalarBarLength = 0.33
    bar.TitleFontSize = 14
    bar.LabelFontSize = 12
    bar.TitleColor = bar.LabelColor = [1.0, 1.0, 1.0]
    bar.RangeLabelFormat = "%-#.3g"
    bar.Visibility = value_range is not None


def flat(display) -> None:
    """The colour map's colours as they are (no shading): the 2-D window is a flat sheet."""
    display.Ambient, display.Diffuse, display.Specular = 1.0, 0.0, 0.0


def clip(source, name: str, axis: int, value: float, keep_below: bool):
    """The part of ``source`` below (or above) the plane ``x[axis] = value``."""
    result = pv.Clip(registrationName=name, Input=source, ClipType="Plane")
    origin, normal = [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
    origin[axis], normal[axis] = value, 1.0
    result.ClipType.Origin, result.ClipType.Normal = origin, normal
    result.Invert = int(keep_below)  # ParaView's default (Invert on) keeps the side the normal points away from
    return result


def metres_per_length_unit(source, time: float) -> float:
    """The coordinates' unit in metres: the field data of the run (1e-6, um), or 1 (m) for older runs."""
    source.UpdatePipeline(time)
    array = source.FieldData.GetArray("metres_per_length_unit")
    return array.GetRange()[0] if array is not None else 1.0


def bounds(source, time: float) -> list[float]:
    source.UpdatePipeline(time)
    return list(source.GetDataInformation().GetBounds())


def main(argv: list[str], batch: bool) -> None:
    args = parse(argv)
    results = Path(args.results)
    metal_series, electrolyte_series = choose_series(results / "fields", args.series, args.time)
    frame, time = pick_time(metal_series, args.time)

    metal = metal_series.reader()
    electrolyte = electrolyte_series.reader()
    metal_bounds, electrolyte_bounds = bounds(metal, frame), bounds(electrolyte, frame)
    size = max(b - a for a, b in zip(metal_bounds[::2], metal_bounds[1::2], strict=True))
    dim = 3 if metal_bounds[5] - metal_bounds[4] > 1e-9 * size else 2
    n = dim - 1  # the interface normal: the last coordinate
    metal_up = metal_bounds[2 * n] >= electrolyte_bounds[2 * n] + 0.5 * (electrolyte_bounds[2 * n + 1]
                                                                         - electrolyte_bounds[2 * n])
    if metal_up:
        interface = 0.5 * (metal_bounds[2 * n] + electrolyte_bounds[2 * n + 1])
    else:
        interface = 0.5 * (metal_bounds[2 * n + 1] + electrolyte_bounds[2 * n])
    metal_height = metal_bounds[2 * n + 1] - metal_bounds[2 * n]
    electrolyte_height = electrolyte_bounds[2 * n + 1] - electrolyte_bounds[2 * n]
    metres = metres_per_length_unit(metal, frame)
    half = 1e-6 * args.half_height / metres if args.half_height else min(metal_height, electrolyte_height)

    view = pv.GetActiveViewOrCreate("RenderView")
    if batch:
        view.ViewSize = list(args.size)
    aspect = view.ViewSize[0] / view.ViewSize[1] if view.ViewSize[1] else 1.6
    view.UseColorPaletteForBackground = 0
    view.Background = BACKGROUND
    view.OrientationAxesVisibility = int(dim == 3)
    view.CameraParallelProjection = 1

    # 2-D columns much narrower than the window: stretch the lateral axis (drawing only)
    width = metal_bounds[1] - metal_bounds[0]
    box_aspect = (BOX[1] - BOX[0]) * aspect / (BOX[3] - BOX[2])
    lateral = 1.0
    if dim == 2 and width < 0.25 * 2 * half * box_aspect:
        lateral = 0.8 * 2 * half * box_aspect / width
    to_um = 1e6 * metres
    scale = [to_um * lateral, to_um, to_um] if dim == 2 else [to_um] * 3  # the coordinates in micrometres

    field = args.metal_field
    names = [name for name in metal.PointData.keys() if not name.startswith("vtk")]
    if field == "auto":
        field = "x_Mg" if "x_Mg" in names else "metal_fraction"
    if field not in names:
        raise SystemExit(f"--metal-field {field}: not in {metal_series.stem} (has {', '.join(names)})")
    if "metal_fraction" not in names:
        raise SystemExit(f"{metal_series.stem}: no metal_fraction field (has {', '.join(names)})")

    # only the window is drawn: cut both layers at +-half from the interface
    metal_far = metal_bounds[2 * n + 1] if metal_up else metal_bounds[2 * n]
    if abs(metal_far - interface) > half * (1 + 1e-9):
        metal = clip(metal, "metal in window", n, interface + (half if metal_up else -half), keep_below=metal_up)
    electrolyte_far = electrolyte_bounds[2 * n] if metal_up else electrolyte_bounds[2 * n + 1]
    if abs(electrolyte_far - interface) > half * (1 + 1e-9):
        electrolyte = clip(electrolyte, "electrolyte in window", n, interface - (half if metal_up else -half),
                           keep_below=not metal_up)

    shown_metal = []
    if field == "metal_fraction":
        metal_display = pv.Show(metal, view)
        colour_by(view, metal, metal_display, "metal_fraction", frame, None, (0.80, 0.50))
        shown_metal.append(metal_display)
    else:  # solid metal coloured by the field, the rest (voids, diffuse edges) grey by metal_fraction
        solid = pv.Clip(registrationName="solid metal", Input=metal, ClipType="Scalar",
                        Scalars=["POINTS", "metal_fraction"], Value=0.5)
        solid.Invert = 0  # keeps metal_fraction >= 0.5, cut along the interpolated 0.5 contour
        voids = pv.Clip(registrationName="voids", Input=metal, ClipType="Scalar",
                        Scalars=["POINTS", "metal_fraction"], Value=0.5)
        voids.Invert = 1
        for source, name, preset, position in ((solid, field, METAL_FIELD_MAPS.get(field, "Cool to Warm"),
                                                (0.80, 0.50)),
                                               (voids, "metal_fraction", None, (0.90, 0.50))):
            source.UpdatePipeline(frame)
            if source.GetDataInformation().GetNumberOfPoints():  # e.g. no voids: no grey part, no bar
                display = pv.Show(source, view)
                colour_by(view, source, display, name, frame, preset, position)
                shown_metal.append(display)

    shown_electrolyte = electrolyte
    if dim == 3:  # cut away the front half of the electrolyte to show the metal's interface face
        centre_y = 0.5 * (electrolyte_bounds[2] + electrolyte_bounds[3])
        shown_electrolyte = clip(electrolyte, "electrolyte, back half", 1, centre_y, keep_below=False)
    electrolyte_display = pv.Show(shown_electrolyte, view)
    potential = next((a for a in electrolyte.PointData.keys() if a not in ("vtkGhostType", "vtkOriginalPointIds")),
                     None)
    if args.electrolyte == "potential" and potential is not None:
        colour_by(view, shown_electrolyte, electrolyte_display, potential, frame, "Blue Orange (divergent)",
                  (0.80, 0.08))
    else:
        electrolyte_display.ColorArrayName = ["POINTS", ""]
        electrolyte_display.AmbientColor = electrolyte_display.DiffuseColor = TAN

    for display in [*shown_metal, electrolyte_display]:
        display.Scale = scale
        if dim == 2:
            flat(display)
        else:  # half shading: the faces stay apart, the oblique interface face stays light
            display.Ambient, display.Diffuse = 0.5, 0.5

    text = pv.Text(registrationName="label", Text=label(results, time, metal_series, frame, lateral))
    text_display = pv.Show(text, view)
    text_display.WindowLocation = "Upper Left Corner"
    text_display.Justification = "Left"
    text_display.FontSize = 13
    text_display.Color = [1.0, 1.0, 1.0]

    # time: the view's and the time keeper's, so the GUI's time controls agree (setting the animation scene's
    # time from a --script hangs the 5.11 GUI)
    pv.GetTimeKeeper().Time = frame
    view.ViewTime = frame

    # camera: the window (full width x +-half about the interface), fitted to BOX of the image
    window = [metal_bounds[0], metal_bounds[1], metal_bounds[2], metal_bounds[3], 0.0, 0.0]
    if dim == 3:
        window[4:6] = [metal_bounds[4], metal_bounds[5]]
    window[2 * n], window[2 * n + 1] = interface - half, interface + half
    window = [w * scale[i // 2] for i, w in enumerate(window)]
    up = [0.0, 0.0, 0.0]
    up[n] = 1.0 if metal_up else -1.0
    if dim == 2:
        towards_camera = [0.0, 0.0, 1.0]
    else:  # from the front (-y), a little below the interface, and to the side
        towards_camera = normalised([0.45, -1.0, -0.6 * up[n]])
    pv.Render(view)  # the first render resets the camera: before placing it
    fit_camera(view, window, towards_camera, up, aspect)
    pv.Render(view)

    output = args.output or (results / "paraview_view.png" if batch else None)
    if output is not None:
        resolution = {"ImageResolution": list(args.size)} if batch else {}
        pv.SaveScreenshot(str(output), view, TransparentBackground=0, **resolution)
        shown = f"t = {time:g} s" if time is not None else f"frame {int(frame) + 1}"
        print(f"wrote {output} ({metal_series.stem} + {electrolyte_series.stem}, {shown}, "
              f"window {width * to_um:.4g} um wide)")


def normalised(v: list[float]) -> list[float]:
    length = math.sqrt(sum(c * c for c in v))
    return [c / length for c in v]


def cross(a: list[float], b: list[float]) -> list[float]:
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def fit_camera(view, window: list[float], towards_camera: list[float], up: list[float], aspect: float) -> None:
    """Parallel projection with the box ``window`` (xmin, xmax, ...) just inside BOX of the image."""
    right = normalised(cross(up, towards_camera))
    up = cross(towards_camera, right)
    corners = [[x, y, z] for x in window[0:2] for y in window[2:4] for z in window[4:6]]
    centre = [0.5 * (window[2 * i] + window[2 * i + 1]) for i in range(3)]
    along_right = [sum(c * r for c, r in zip(corner, right, strict=True)) for corner in corners]
    along_up = [sum(c * u for c, u in zip(corner, up, strict=True)) for corner in corners]
    box_width, box_height = BOX[1] - BOX[0], BOX[3] - BOX[2]
    scale = 1.02 * max((max(along_up) - min(along_up)) / (2 * box_height),
                       (max(along_right) - min(along_right)) / (2 * box_width * aspect))
    # the window's centre sits at the centre of BOX, not of the image
    shift_right = (0.5 - 0.5 * (BOX[0] + BOX[1])) * 2 * scale * aspect
    shift_up = (0.5 - 0.5 * (BOX[2] + BOX[3])) * 2 * scale
    focal = [c + shift_right * r + shift_up * u for c, r, u in zip(centre, right, up, strict=True)]
    distance = 10 * max(window[1] - window[0], window[3] - window[2], window[5] - window[4], 1.0)
    view.CameraFocalPoint = focal
    view.CameraPosition = [f + distance * t for f, t in zip(focal, towards_camera, strict=True)]
    view.CameraViewUp = up
    view.CameraParallelScale = scale
    view.CenterOfRotation = centre


# pvpython passes the script's path and arguments; the GUI (paraview --script=...) runs it with sys.argv == ['']
if "__file__" in globals() and sys.argv and sys.argv[0]:
    main(sys.argv[1:], batch=True)
else:
    try:
        main([os.environ.get("PHASEFIELD_RESULTS", "."), *shlex.split(os.environ.get("PHASEFIELD_VIEW_OPTIONS", ""))],
             batch=False)
    except SystemExit as error:  # a message in the GUI's output, not the end of the ParaView session
        print(f"open_run.py: {error}", file=sys.stderr)
