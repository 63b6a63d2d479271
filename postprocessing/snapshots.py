"""SEM-like snapshots of the interface region of one run, and an animation, from its field output.

Usage: python postprocessing/snapshots.py RUN_DIR OUTPUT_DIR [--capacities 0.5 1.0 ...] [--animation]

Draws (matplotlib, from the field files pyvista reads; no render window, so no X server) the metal fraction
in grey as an SEM cross-section shows it (metal light, voids dark), the electrolyte in one flat colour and,
where the run has Mg, x_Mg as a colour map on the metal (voids masked dark). Each asked capacity gets the
nearest written field output; its capacity comes from ``timeseries.csv`` (time_s -> capacity). Field outputs
are read from ``fields/metal*.pvd`` or, for a run that was killed before DOLFINx wrote the .pvd index, from
``fields/metalNNNNNN.pvtu`` with output k at step k * fields_every. Writes ``OUTPUT_DIR/<run>_snapshots.png``
and with ``--animation`` ``OUTPUT_DIR/<run>_animation.gif`` (every field output, via Pillow). Never runs the
solver.
"""

import argparse
import json
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pyvista as pv  # noqa: E402
import seed_measurements as seed  # noqa: E402 - sibling script: the seed's measured values
from matplotlib.tri import Triangulation  # noqa: E402
from PIL import Image  # noqa: E402

from phasefield.output.timeseries import read_timeseries  # noqa: E402

ELECTROLYTE_COLOUR = "#8fa9c4"  # flat: the electrolyte carries no field of interest here
ELECTROLYTE_DEPTH_UM = 4.0  # how much of the electrolyte the snapshot shows below the interface
#: SEM-like grey: voids (metal_fraction 0) near black, metal (1) light grey, not white
SEM_GREY = matplotlib.colors.LinearSegmentedColormap.from_list("sem", ["#141414", "#c8c8c8"])
MG_CLIM = (0.0, 2 * seed.get("t5.bulk_x_Mg").value)  # x_Mg colour range: 0 to twice the bulk 0.03 of Li0.97Mg0.03
#: Capacities (mAh/cm2) named in the seed's text for Fig 1f-g and Suppl. Figs 3, 4, 6: first SEM frame
#: (15 min = 0.125), coalescence in Li (0.25), splitting in Li-Mg (0.5), one gap in Li (1.25).
PAPER_CAPACITIES = (seed.sem_frame_capacity(), *(seed.get(key).value for key in (
    "t1.coalescence_capacity", "t2.split_capacity", "t1.gap_capacity")))


@dataclass(frozen=True)
class FieldOutput:
    """One written field output: its time, capacity and the metal and electrolyte files."""

    time_s: float
    capacity: float
    metal: Path
    electrolyte: Path | None


def _pvd_entries(pvd: Path) -> list[tuple[float, Path]]:
    root = ElementTree.parse(pvd).getroot()
    return [(float(d.get("timestep")), pvd.parent / d.get("file")) for d in root.iter("DataSet")]


def field_outputs(run: Path) -> list[FieldOutput]:
    """Every field output of ``run`` in time order, with its capacity from the time series."""
    series = read_timeseries(run / "timeseries.csv")
    times, capacities = np.array(series["time_s"]), np.array(series["capacity_mAh_per_cm2"])
    fields = run / "fields"
    metal = {time: path for pvd in sorted(fields.glob("metal*.pvd")) for time, path in _pvd_entries(pvd)}
    electrolyte = {time: path for pvd in sorted(fields.glob("electrolyte*.pvd"))
                   for time, path in _pvd_entries(pvd)}
    if not metal:  # killed before the .pvd index was written: output k is step k * fields_every
        every = json.loads((run / "run.json").read_text())["case"]["output"]["fields_every"]
        steps = {int(step): time for step, time in zip(series["step"], times, strict=True)}
        for path in sorted(fields.glob("metal[0-9]*.pvtu")):
            index = int(re.search(r"(\d+)\.pvtu$", path.name).group(1))
            if index * every in steps:
                time = steps[index * every]
                metal[time] = path
                electrolyte[time] = fields / path.name.replace("metal", "electrolyte")
    return [FieldOutput(time, float(np.interp(time, times, capacities)), path,
                        electrolyte.get(time) if electrolyte.get(time, Path()).exists() else None)
            for time, path in sorted(metal.items())]


def nearest_outputs(outputs: list[FieldOutput], capacities: list[float],
                    tolerance: float = 0.05) -> list[tuple[float, FieldOutput | None]]:
    """For each asked capacity the nearest output, or None when the run's outputs end before it
    (more than ``tolerance`` mAh/cm2 short of it)."""
    written = np.array([o.capacity for o in outputs])
    chosen = []
    for capacity in capacities:
        if written.size == 0 or capacity > written.max() + tolerance:
            chosen.append((capacity, None))
        else:
            chosen.append((capacity, outputs[int(np.argmin(np.abs(written - capacity)))]))
    return chosen


def _in_um(grid: pv.DataSet) -> pv.DataSet:
    """``grid`` with its points in um: runs write them in um (field data metres_per_length_unit = 1e-6, which a
    .pvtu read leaves empty) or, before 2026-12-05, in m; a window is at most millimetres, so a grid under
    1 cm across is in m."""
    grid = grid.copy()
    if max(abs(b) for b in grid.bounds) < 1e-2:
        grid.points = grid.points * 1e6
    return grid


def _metal_mesh(output: FieldOutput) -> tuple[pv.DataSet, Triangulation]:
    """The metal of ``output`` in um and its P1 triangles (3 vertices each) for matplotlib."""
    metal = _in_um(pv.read(output.metal))
    triangles = next(cells for kind, cells in metal.cells_dict.items()
                     if kind in (pv.CellType.LAGRANGE_TRIANGLE, pv.CellType.TRIANGLE))
    return metal, Triangulation(metal.points[:, 0], metal.points[:, 1], triangles[:, :3])


def _frame(ax, metal: pv.DataSet) -> None:
    """The electrolyte as a flat band below the interface, the window's extent, um for um."""
    x0, x1, _, y1, _, _ = metal.bounds
    ax.axhspan(-ELECTROLYTE_DEPTH_UM, 0.0, color=ELECTROLYTE_COLOUR, lw=0)
    ax.set_xlim(x0, x1)
    ax.set_ylim(-ELECTROLYTE_DEPTH_UM, y1)
    ax.set_aspect("equal")


def draw_metal_fraction(ax, output: FieldOutput) -> None:
    """The SEM-like metal fraction of ``output`` on the matplotlib axes ``ax`` (um): metal light grey, voids
    dark, the electrolyte flat blue. Drawn from the field file, without a render window (no X server)."""
    metal, mesh = _metal_mesh(output)
    ax.tripcolor(mesh, metal.point_data["metal_fraction"], cmap=SEM_GREY, vmin=0.0, vmax=1.0, shading="gouraud")
    _frame(ax, metal)


def draw_mg(ax, output: FieldOutput) -> None:
    """x_Mg of ``output`` on the metal (cells with a mean metal fraction of at least 1/2; voids black)."""
    metal, mesh = _metal_mesh(output)
    mesh.set_mask(metal.point_data["metal_fraction"][mesh.triangles].mean(axis=1) < 0.5)
    ax.set_facecolor("black")
    ax.tripcolor(mesh, metal.point_data["x_Mg"], cmap="viridis", vmin=MG_CLIM[0], vmax=MG_CLIM[1],
                 shading="gouraud")
    _frame(ax, metal)


def snapshot_figure(run: Path, chosen: list[tuple[float, FieldOutput | None]], png: Path, title: str) -> Path:
    """One panel per asked capacity (two with x_Mg where the run has Mg), stacked; ``png`` written."""
    shown = [output for _, output in chosen if output is not None]
    has_mg = bool(shown) and "x_Mg" in pv.read(shown[0].metal).point_data
    rows = [(capacity, output, kind) for capacity, output in chosen
            for kind in (("sem", "mg") if has_mg and output is not None else ("sem",))]
    fig, axes = plt.subplots(len(rows), 1, figsize=(7.5, 1.9 * len(rows)), layout="constrained", squeeze=False)
    for ax, (capacity, output, kind) in zip(axes[:, 0], rows, strict=True):
        if output is None:
            ax.text(0.5, 0.5, f"{capacity:g} mAh/cm$^2$: not reached by this run", ha="center", va="center",
                    transform=ax.transAxes)
            ax.set_axis_off()
            continue
        (draw_metal_fraction if kind == "sem" else draw_mg)(ax, output)
        label = "metal light, voids dark" if kind == "sem" else "x$_{Mg}$ in the metal"
        ax.set_title(f"{output.capacity:.3f} mAh/cm$^2$ (asked {capacity:g}): {label}", fontsize=8)
        ax.set_ylabel("y (um)", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[-1, 0].set_xlabel("x along the interface (um)", fontsize=8)
    if has_mg:
        mappable = plt.cm.ScalarMappable(norm=plt.Normalize(*MG_CLIM), cmap="viridis")
        fig.colorbar(mappable, ax=axes[:, 0].tolist(), shrink=0.5, label="x$_{Mg}$")
    fig.suptitle(title, fontsize=9)
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=130)
    plt.close(fig)
    return png


def animation(run: Path, gif: Path, frame_ms: int = 250, max_frames: int = 120) -> Path:
    """Every field output (at most ``max_frames``, evenly picked) as SEM-like frames with a capacity label."""
    outputs = field_outputs(run)
    picked = [outputs[int(k)] for k in np.unique(np.linspace(0, len(outputs) - 1, min(max_frames, len(outputs)))
                                                   .round().astype(int))]
    frames = []
    for output in picked:
        fig, ax = plt.subplots(figsize=(7.5, 2.6), layout="constrained")
        draw_metal_fraction(ax, output)
        ax.set_title(f"{run.name}: {output.capacity:.3f} mAh/cm$^2$ stripped", fontsize=9)
        ax.set_xlabel("x along the interface (um)", fontsize=8)
        ax.set_ylabel("y (um)", fontsize=8)
        fig.canvas.draw()
        frames.append(Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3]).quantize(colors=128))
        plt.close(fig)
    gif.parent.mkdir(parents=True, exist_ok=True)
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=frame_ms, loop=0)
    return gif


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--capacities", type=float, nargs="+", default=list(PAPER_CAPACITIES))
    parser.add_argument("--animation", action="store_true")
    args = parser.parse_args(argv)
    chosen = nearest_outputs(field_outputs(args.run), args.capacities)
    print(snapshot_figure(args.run, chosen, args.output / f"{args.run.name}_snapshots.png", args.run.name))
    if args.animation:
        print(animation(args.run, args.output / f"{args.run.name}_animation.gif"))


if __name__ == "__main__":
    main()
