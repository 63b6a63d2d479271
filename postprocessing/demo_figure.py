"""The demo's two figures (`make demo`), from its two run folders: Li and Li0.97Mg0.03 on the coupled model.

Usage: python postprocessing/demo_figure.py LI_RUN LIMG_RUN OUTPUT_DIR

``OUTPUT_DIR/demo_overpotential_contact.png``: overpotential, contact loss and voids per 100 um against the
stripped capacity, Li and Li-Mg on the same axes with the seed's measured features (seed Fig 1a-c;
``void_runs.py``). ``OUTPUT_DIR/demo_sem_snapshots.png``: the metal fraction (the void phase field) near the
interface in SEM-like grey, metal light and voids dark (seed Fig 1f-g), Li above Li-Mg, at the capacities
the seed names (its first SEM frame, the coalescence in Li, the splitting in Li-Mg; each panel the nearest
written field output, ``snapshots.py``) and at the run's last field output. Reads results only; never runs
the solver.
"""

import argparse
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seed_measurements as seed  # noqa: E402 - sibling script: the seed's measured values
import snapshots  # noqa: E402 - sibling script: field outputs and the SEM-like render
import void_runs  # noqa: E402 - sibling script: the T1/T2 curves against the measured features

TITLE = ("Demo: Li and Li$_{0.97}$Mg$_{0.03}$ stripped at 0.5 mA/cm$^2$, 0.2 MPa, 25 C; voids, creep and "
         "contact-limited Butler-Volmer on a 20 um window (indicative only)")
CAPACITIES = (seed.sem_frame_capacity(), *(seed.get(key).value for key in ("t1.coalescence_capacity",
                                                                         "t2.split_capacity")))


def curves(li: Path, limg: Path, png: Path) -> Path:
    """Overpotential, contact loss and void count of both runs against the measured features."""
    fig = void_runs.void_run_figure({li: void_runs.LI, limg: void_runs.LIMG}, TITLE)
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return png


def sem_snapshots(runs: dict[Path, str], png: Path) -> Path:
    """One row per run (label), one column per capacity of ``CAPACITIES`` and one for the run's last field
    output: the SEM-like metal fraction."""
    columns = len(CAPACITIES) + 1
    fig, axes = plt.subplots(len(runs), columns, figsize=(2.9 * columns, 2.0 * len(runs)), layout="constrained",
                             squeeze=False)
    for row, (run, label) in zip(axes, runs.items(), strict=True):
        outputs = snapshots.field_outputs(run)
        chosen = snapshots.nearest_outputs(outputs, list(CAPACITIES)) + [(math.inf, outputs[-1] if outputs else None)]
        for ax, (asked, output) in zip(row, chosen, strict=True):
            if output is None:
                ax.text(0.5, 0.5, f"{asked:g} mAh/cm$^2$:\nnot reached", ha="center", va="center",
                        transform=ax.transAxes, fontsize=8)
                ax.set_axis_off()
                continue
            snapshots.draw_metal_fraction(ax, output)
            ax.set_xticks(range(0, int(ax.get_xlim()[1]) + 1, 5))
            ending = ", the end" if asked == math.inf else ""
            ax.set_title(f"{label}, {output.capacity:.2f} mAh/cm$^2${ending}", fontsize=8)
            ax.tick_params(labelsize=7)
        row[0].set_ylabel("y (um)", fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel("x along the interface (um)", fontsize=8)
    limg_voids = seed.get("t2.early_voids")
    fig.suptitle("Metal fraction near the interface, SEM-like: metal light grey, voids dark, electrolyte blue "
                 "(the interface at y = 0).\nLi-Mg: no void nucleates in the model as it stands (docs/voids.md); the "
                 f"seed sees {limg_voids.text} per 100 um early on ({limg_voids.cite})", fontsize=9)
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return png


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("li", type=Path, help="the Li run folder (cases/demo/li_demo.toml)")
    parser.add_argument("limg", type=Path, help="the Li0.97Mg0.03 run folder (cases/demo/limg_demo.toml)")
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    print(curves(args.li, args.limg, args.output / "demo_overpotential_contact.png"))
    print(sem_snapshots({args.li: "Li", args.limg: "Li-Mg"}, args.output / "demo_sem_snapshots.png"))


if __name__ == "__main__":
    main()
