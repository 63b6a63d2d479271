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
import seed_measurements as seed  # noqa: E402 - sibling script: the seed's measured values

from phasefield.output.line_scan_plot import read_line_scan  # noqa: E402
from phasefield.output.timeseries import read_timeseries  # noqa: E402

EDS_FWHM_UM = 1.0
UM_PER_MAH_PER_CM2 = 36000.0 * 12.97e-6 / 96485.33212 * 1e6  # 4.84 um of metal per mAh/cm^2
MEASURED_PLATED = seed.plated_layer_mg()  # seed, Fig 4f: Mg in the plated 13 um / bulk, by temperature (C)
BULK_X_MG = seed.get("t5.bulk_x_Mg").value  # Li0.97Mg0.03: every Mg ratio is taken against it
FOIL_UM = seed.get("t5.foil_thickness").value  # T5: the foil stripped before the line scans
STRIPPED = seed.get("t5.stripped_capacity").value  # T5: mAh/cm2 stripped before the line scans
PLATED = seed.get("t6.plated_capacity")  # T6: mAh/cm2 plated before the line scans
PLATING_CURRENT = seed.get("t6.plating_current_density")


def mass_balance(capacity: float) -> float:
    """Mean x_Mg of the T5 foil after stripping ``capacity`` (mAh/cm2) of Li alone from it."""
    return BULK_X_MG * FOIL_UM / (FOIL_UM - capacity * UM_PER_MAH_PER_CM2)


def eds_convolved(distance_um: np.ndarray, x_mg: np.ndarray, fwhm_um: float = EDS_FWHM_UM):
    """The profile seen by a Gaussian probe of ``fwhm_um`` (electrolyte side: no Mg)."""
    sigma = fwhm_um / (2 * np.sqrt(2 * np.log(2)))
    grid = np.arange(-5 * fwhm_um, distance_um[-1], fwhm_um / 200)
    profile = np.where(grid >= 0, np.interp(grid, distance_um, x_mg), 0.0)
    kernel_x = np.arange(-4 * sigma, 4 * sigma, fwhm_um / 200)
    kernel = np.exp(-0.5 * (kernel_x / sigma) ** 2)
    return grid, np.convolve(profile, kernel / kernel.sum(), mode="same")


def eds_peak_over_bulk(grid: np.ndarray, seen: np.ndarray) -> float:
    """The largest x_Mg the probe sees in the metal (``eds_convolved``), over the bulk alloy's."""
    return float(seen[grid >= 0].max() / BULK_X_MG)


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
            peak = eds_peak_over_bulk(grid, seen)
            label = f"{rate.replace('p', '.')} mA/cm2, {model}"
            if status(run) == "completed":
                ax.plot(grid, seen / BULK_X_MG, label=f"{label} (EDS 1 um)")
                ax.plot(distance, x_mg / BULK_X_MG, ":", color=ax.lines[-1].get_color(), label=f"{label} (model)")
            capacity = data["capacity_mAh_per_cm2"][-1]
            balance = mass_balance(capacity)
            rows.append(
                f"| T5 | {label} | {capacity:.2f} | "
                f"{data['foil_mean_x_Mg'][-1]:.4f} (mass balance {balance:.4f}) | "
                f"{data['interface_x_Mg'][-1]:.3f} | "
                f"{peak:.2f} | {status(run)[:90]} |")
    ax.axhline(1, color="gray", lw=0.5)
    ax.set_xlim(-2, 10)
    ax.set_xlabel("distance from the interface (um)")
    ax.set_ylabel("x$_{Mg}$ / bulk")
    ax.set_title(f"T5: Mg after stripping {STRIPPED} mAh/cm$^2$ from {FOIL_UM} um "
                 f"Li$_{{{1 - BULK_X_MG:.2f}}}$Mg$_{{{BULK_X_MG:.2f}}}$, 25 C")
    ax.legend(fontsize=7)
    return rows, fig


def t6_rows(results: Path) -> list[str]:
    rows = []
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    for run in sorted(p for p in results.glob("t6_limg_*") if p.is_dir()):
        data = read_timeseries(run / "timeseries.csv")
        temperature = 60 if "_60C_" in run.name else 25
        predicted = data["plated_layer_relative_Mg"][-1]
        measured = MEASURED_PLATED[temperature]
        rows.append(f"| T6 | {run.name.removeprefix('t6_limg_')} | {temperature} C | {predicted:.3f} | "
                    f"{measured:.2f} | {(predicted - measured) / measured:+.0%} |")
        header, distance, x_mg = final_scan(run)
        ax.plot(distance, x_mg / BULK_X_MG, label=run.name.removeprefix("t6_limg_"))
    layer = round(PLATED.value * UM_PER_MAH_PER_CM2, 2)  # um of metal plated
    ax.axvspan(0, layer, color="0.9", label=f"plated {PLATED.text} mAh/cm$^2$ ({layer:.1f} um)")
    for temperature, value in MEASURED_PLATED.items():
        ax.hlines(value, 0, layer, colors="k", linestyles="--" if temperature == 25 else "-.", lw=1)
        ax.text(12.8, value, f"measured {temperature} C", fontsize=7, va="center")
    ax.set_xlim(0, 25)
    ax.set_xlabel("distance from the interface (um)")
    ax.set_ylabel("x$_{Mg}$ / bulk")
    ax.set_title(f"T6: Mg in plated Li ({PLATING_CURRENT.text} mA/cm$^2$, {PLATED.text} mAh/cm$^2$)")
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
