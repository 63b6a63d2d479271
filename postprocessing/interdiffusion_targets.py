"""T5 and T6 from results directories: Mg pile-up on stripping and Mg in the plated layer.

Usage: python postprocessing/interdiffusion_targets.py RESULTS_DIR OUTPUT_DIR

Reads ``RESULTS_DIR/t5_*`` and ``RESULTS_DIR/t6_*`` (as written by ``phasefield run`` for the cases
of the same names) and writes ``OUTPUT_DIR/interdiffusion_targets.md`` (the table) and figures
under ``OUTPUT_DIR/figures/``. The EDS comparison convolves the plane-averaged profile (x_Mg = 0 in
the electrolyte) with a Gaussian probe of 1 um FWHM, the interaction volume named in the notes.
"""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from phasefield.output.line_scan_plot import read_line_scan  # noqa: E402
from phasefield.output.timeseries import read_timeseries  # noqa: E402

EDS_FWHM_UM = 1.0
UM_PER_MAH_PER_CM2 = 36000.0 * 12.97e-6 / 96485.33212 * 1e6  # 4.84 um of metal per mAh/cm^2
MEASURED_PLATED = {25: 0.50, 60: 0.80}  # seed, Fig 4f: Mg in the plated 13 um / bulk


def eds_convolved(distance_um: np.ndarray, x_mg: np.ndarray, fwhm_um: float = EDS_FWHM_UM):
    """The profile seen by a Gaussian probe of ``fwhm_um`` (electrolyte side: no Mg)."""
    sigma = fwhm_um / (2 * np.sqrt(2 * np.log(2)))
    grid = np.arange(-5 * fwhm_um, distance_um[-1], fwhm_um / 200)
    profile = np.where(grid >= 0, np.interp(grid, distance_um, x_mg), 0.0)
    kernel_x = np.arange(-4 * sigma, 4 * sigma, fwhm_um / 200)
    kernel = np.exp(-0.5 * (kernel_x / sigma) ** 2)
    return grid, np.convolve(profile, kernel / kernel.sum(), mode="same")


def final_scan(run: Path):
    return read_line_scan(sorted((run / "line_scans").glob("x_Mg_*.csv"))[-1])


def status(run: Path) -> str:
    return json.loads((run / "run.json").read_text())["status"]


def t5_rows(results: Path) -> list[str]:
    rows, fig, ax = [], *plt.subplots(figsize=(6, 4), layout="constrained")
    for model in ("darken", "fick"):
        for rate in ("0p5", "0p05"):
            run = results / f"t5_limg_strip_{rate}_{model}"
            if not run.exists():
                continue
            data = read_timeseries(run / "timeseries.csv")
            header, distance, x_mg = final_scan(run)
            grid, seen = eds_convolved(distance, x_mg)
            peak = seen[grid >= 0].max() / 0.03
            label = f"{rate.replace('p', '.')} mA/cm2, {model}"
            if status(run) == "completed":
                ax.plot(grid, seen / 0.03, label=f"{label} (EDS 1 um)")
                ax.plot(distance, x_mg / 0.03, ":", color=ax.lines[-1].get_color(), label=f"{label} (model)")
            capacity = data["capacity_mAh_per_cm2"][-1]
            balance = 0.03 * 90.0 / (90.0 - capacity * UM_PER_MAH_PER_CM2)
            rows.append(
                f"| T5 | {label} | {capacity:.2f} | "
                f"{data['foil_mean_x_Mg'][-1]:.4f} (mass balance {balance:.4f}) | "
                f"{data['interface_x_Mg'][-1]:.3f} | "
                f"{peak:.2f} | {status(run)[:90]} |")
    ax.axhline(1, color="gray", lw=0.5)
    ax.set_xlim(-2, 10)
    ax.set_xlabel("distance from the interface (um)")
    ax.set_ylabel("x$_{Mg}$ / bulk")
    ax.set_title("T5: Mg after stripping 4 mAh/cm$^2$ from 90 um Li$_{0.97}$Mg$_{0.03}$, 25 C")
    ax.legend(fontsize=7)
    return rows, fig


def t6_rows(results: Path) -> list[str]:
    rows = []
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    for run in sorted(results.glob("t6_limg_*")):
        data = read_timeseries(run / "timeseries.csv")
        temperature = 60 if "_60C_" in run.name else 25
        predicted = data["plated_layer_relative_Mg"][-1]
        measured = MEASURED_PLATED[temperature]
        rows.append(f"| T6 | {run.name.removeprefix('t6_limg_')} | {temperature} C | {predicted:.3f} | "
                    f"{measured:.2f} | {(predicted - measured) / measured:+.0%} |")
        header, distance, x_mg = final_scan(run)
        ax.plot(distance, x_mg / 0.03, label=run.name.removeprefix("t6_limg_"))
    ax.axvspan(0, 12.58, color="0.9", label="plated 2.6 mAh/cm$^2$ (12.6 um)")
    for temperature, value in MEASURED_PLATED.items():
        ax.hlines(value, 0, 12.58, colors="k", linestyles="--" if temperature == 25 else "-.", lw=1)
        ax.text(12.8, value, f"measured {temperature} C", fontsize=7, va="center")
    ax.set_xlim(0, 25)
    ax.set_xlabel("distance from the interface (um)")
    ax.set_ylabel("x$_{Mg}$ / bulk")
    ax.set_title("T6: Mg in plated Li (0.28 mA/cm$^2$, 2.6 mAh/cm$^2$)")
    ax.legend(fontsize=6)
    return rows, fig


def main(results: Path, output: Path) -> None:
    (output / "figures").mkdir(parents=True, exist_ok=True)
    t5, fig5 = t5_rows(results)
    fig5.savefig(output / "figures" / "t5_mg_line_scans.png", dpi=150)
    t6, fig6 = t6_rows(results)
    fig6.savefig(output / "figures" / "t6_plated_layer_mg.png", dpi=150)
    text = "\n".join([
        "| target | run | capacity (mAh/cm2) | foil mean x_Mg | interface x_Mg | EDS-convolved peak / bulk "
        "| status |",
        "|---|---|---|---|---|---|---|", *t5, "",
        "| target | run | T | predicted plated-layer Mg / bulk | measured | relative miss |",
        "|---|---|---|---|---|---|", *t6, ""])
    (output / "interdiffusion_targets.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
