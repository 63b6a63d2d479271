"""The Python API in a few lines: run a small case with an override, reopen its results, plot, print numbers.

    .venv/bin/python examples/python_api.py [OUTPUT]      (default: results/python_api; about 10 s)

The case is the test case ``tests/data/small_prescribed.toml`` (a 40 um Li window whose contact follows a
table: strip 0.3 mAh/cm2, rest, plate 0.1 mAh/cm2), with the exchange current density of the Li set lowered
from 5 to 1 mA/cm2 by an override: its charge-transfer overpotential at 0.5 mA/cm2 and full contact rises
from (2RT/F) asinh(0.05) = 2.6 mV to (2RT/F) asinh(0.25) = 12.7 mV.
"""

import sys
from pathlib import Path

from mpi4py import MPI  # noqa: F401 - before anything that loads PETSc or DOLFINx

import phasefield

CASE = Path(__file__).resolve().parent.parent / "tests" / "data" / "small_prescribed.toml"


def main(output: Path) -> None:
    simulation = phasefield.Simulation(CASE, overrides={"metal.exchange_current_density": "1 mA/cm^2"})
    try:
        simulation.run(output=output, overwrite=True)
    except phasefield.RunError as err:  # a solver failure, a cut-off or an interrupt: its results are kept
        print(f"the run did not finish: {err.status}")
    result = phasefield.load(output)
    series = result.timeseries
    result.plot().savefig(output / "python_api.png", dpi=100)

    print(f"status: {result.status}")
    print(f"overrides: {result.metadata['overrides']}")
    print(f"steps: {len(series) - 1}")
    print(f"initial overpotential: {1e3 * series['overpotential_V'].iloc[0]:.3f} mV")
    print(f"largest overpotential: {1e3 * series['overpotential_V'].max():.3f} mV")
    stripped = series["capacity_mAh_per_cm2"].max()
    print(f"stripped capacity: {stripped:.3f} mAh/cm2, contact there: "
          f"{series.loc[series['capacity_mAh_per_cm2'].idxmax(), 'contact_fraction']:.3f}")
    metal = result.fields["metal"]
    metal.set_active_time_value(metal.time_values[-1])
    print(f"metal fields: {len(metal.time_values)} times; at t = {metal.time_values[-1]:.0f} s: "
          f"{', '.join(metal.read()[0].point_data.keys())}")
    print(f"figure: {output / 'python_api.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("results") / "python_api")
