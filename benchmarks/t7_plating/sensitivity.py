"""The shorting capacity of a T7 run over the literature range of the critical current density.

Usage: python benchmarks/t7_plating/sensitivity.py RUN_DIR [i_c in mA/cm2 ...]

The filament does not act back on the run (physics/short_circuit.py), so the front for any critical current
density i_c follows from the run's recorded largest local plating current density, row by row (the rule of
:class:`phasefield.physics.short_circuit.FilamentGrowth`, with the run's pellet thickness and molar volume). A
run that shorted at its own i_c holds the history only up to that short: larger values need the history of
a run without a short (``--set electrolyte.critical_current_density="1e4 mA/cm^2"``).
"""

import json
import sys
from pathlib import Path

import numpy as np

from phasefield.output.timeseries import read_timeseries
from phasefield.physics.short_circuit import FilamentGrowth

LITERATURE = (1.0, 2.0, 3.0, 5.0, 9.0)  # mA/cm2: the range of the electrolyte set's source
MA_PER_CM2 = 10.0  # A/m^2


def shorting_capacity(run: Path, critical: float) -> tuple[float, float]:
    """(plated capacity at the short, or nan without one; front length in um at the end of the history)
    for the critical current density ``critical`` (mA/cm2)."""
    data = read_timeseries(run / "timeseries.csv")
    info = json.loads((run / "run.json").read_text())
    growth = FilamentGrowth(critical * MA_PER_CM2, info["parameters"]["electrolyte"]["pellet_thickness"]["si"],
                            info["parameters"]["metal"]["molar_volume"]["si"])
    for dt, peak, plated in zip(data["dt_s"], data["max_plating_current_density_mA_per_cm2"],
                                data["plated_capacity_mAh_per_cm2"], strict=True):
        growth.advance(dt, peak * MA_PER_CM2)
        if growth.shorted:
            return float(plated), growth.length * 1e6
    return float("nan"), growth.length * 1e6


def main(argv: list[str]) -> None:
    run = Path(argv[0])
    values = [float(v) for v in argv[1:]] or LITERATURE
    plated = read_timeseries(run / "timeseries.csv")["plated_capacity_mAh_per_cm2"][-1]
    print(f"{run}: plated {plated:.3f} mAh/cm2 in the history")
    print("| critical current density (mA/cm2) | shorting capacity (mAh/cm2) | front at the end (um) |")
    print("|---|---|---|")
    for critical in values:
        capacity, front = shorting_capacity(run, critical)
        shown = f"no short to {plated:.2f}" if np.isnan(capacity) else f"{capacity:.3f}"
        print(f"| {critical:g} | {shown} | {front:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
