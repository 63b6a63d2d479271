"""How fast an interface Mg reaction (a Mg-S interphase, `[parameters] mg_interface_reaction_rate`, a hypothesis)
would have to consume interface Mg for Li0.97Mg0.03 to keep part of the interface vacancy trap, and what that
predicts against current density and temperature (issue 23; docs/mechanism.md, "An interface Mg sink").

For each reaction rate k, current density i and temperature T, the interface Mg coverage theta(t) of
`phasefield.interface_segregation` (stripping and diffusive supply, first-order loss k theta) is advanced to the
early SEM frame, 0.1 mAh/cm2, in 1 s steps with 4 midpoint samples (as the finite-element nucleation does), and
the nucleation hazard of Li0.97Mg0.03 relative to Li at the same supersaturation is the trap factor averaged over
that time, <e^(E_t,eff(theta)/kT)> / e^(E_t/kT) (J = J0 theta_trap exp(-B / mu^2), `physics/vacancies.py`). The
band of k that the measured early counts ask for (Li / Li-Mg hazard 12-61 at 0.5 mA/cm2, 25 C; docs/mechanism.md,
"What the few voids of Li-Mg ask of a mechanism") is found by bisection. Also the Mg-S interphase that the
reaction grows once it keeps the coverage steady (it then consumes the x/(1-x) Mg per stripped Li atom).

Usage: .venv/bin/python benchmarks/reduced_model/interface_reaction.py [OUT.json]
(default benchmarks/reduced_model/interface_reaction.json; about a minute on one core).
"""

import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from phasefield.constants import FARADAY
from phasefield.interface_segregation import InterfaceMgCoverage, trap_boltzmann_factor
from phasefield.output.metadata import git_revision, write_json
from phasefield.parameters import PARAMETER_SETS
from phasefield.thermal_activation import tracer_diffusivities
from phasefield.units import to_si

ALLOY = {key: p.si for key, p in PARAMETER_SETS["Li0.97Mg0.03"].parameters.items()}
CURRENTS = tuple(to_si(f"{i} mA/cm^2", "current_density") for i in (0.1, 0.2, 0.5, 1.0))  # A/m^2
TEMPERATURES = (298.15, 333.15)  # 25 and 60 C
RATES = (0.0, 0.1, 0.15, 0.17, 0.2, 0.3, 1.0, 3.0)  # k, 1/s
EARLY_CAPACITY = to_si("0.1 mAh/cm^2", "areal_capacity")  # C/m^2
ONE_MAH_PER_CM2 = to_si("1 mAh/cm^2", "areal_capacity")  # C/m^2
MEASURED_HAZARD_RATIO = (12.0, 61.0)  # Li / Li-Mg from the SEM counts
MGS_MOLAR_VOLUME = 56.37e-3 / 2.68e3  # m^3/mol: MgS, 56.37 g/mol at 2.68 g/cm3 (rock salt)


def hazard_ratio(rate: float, current: float, temperature: float) -> tuple[float, float]:
    """(Li-Mg / Li nucleation hazard to 0.1 mAh/cm2, coverage there) at reaction rate ``rate``."""
    _, mg_tracer = tracer_diffusivities(ALLOY, temperature)
    coverage = InterfaceMgCoverage.as_formed(ALLOY["magnesium_fraction"], ALLOY["mg_interface_segregation"],
                                             mg_tracer, ALLOY["molar_volume"], temperature, 1, rate)

    def trap(theta):
        return trap_boltzmann_factor(ALLOY["interface_vacancy_trap"], ALLOY["mg_vacancy_repulsion"], theta, temperature)

    steps = int(round(EARLY_CAPACITY / current))
    held = [trap(coverage.advance(1.0, current, ALLOY["magnesium_fraction"], 4)).mean() for _ in range(steps)]
    return float(np.mean(held) / trap(0.0)), float(coverage.coverage[0])


def rate_for(ratio: float, current: float = CURRENTS[2], temperature: float = TEMPERATURES[0]) -> float:
    """k (1/s) at which Li / Li-Mg hazard equals ``ratio`` (bisection in log k; the hazard rises with k)."""
    low, high = 1e-2, 10.0
    for _ in range(40):
        middle = np.sqrt(low * high)
        low, high = (middle, high) if 1.0 / hazard_ratio(middle, current, temperature)[0] > ratio else (low, middle)
    return float(np.sqrt(low * high))


def main(output: Path) -> None:
    rows = []
    for temperature in TEMPERATURES:
        for current in CURRENTS:
            for rate in RATES:
                ratio, theta = hazard_ratio(rate, current, temperature)
                rows.append({"temperature_C": temperature - 273.15, "current_mA_cm2": round(current / 10.0, 12),
                             "reaction_rate_per_s": rate, "coverage_at_0p1": theta,
                             "li_over_limg_hazard": 1.0 / ratio})
    band = [rate_for(r) for r in MEASURED_HAZARD_RATIO]
    x = ALLOY["magnesium_fraction"]
    interphase = x / (1.0 - x) * ONE_MAH_PER_CM2 / FARADAY * MGS_MOLAR_VOLUME  # m of MgS per mAh/cm2 stripped
    write_json(output, {
        "what": "Li / Li-Mg nucleation hazard to 0.1 mAh/cm2 against the interface Mg reaction rate k",
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "revision": git_revision(),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "host": platform.node()},
        "rows": rows,
        "measured_hazard_ratio": MEASURED_HAZARD_RATIO,
        "rate_band_for_measured_ratio_per_s": band,
        "mgs_interphase_um_per_mAh_cm2": interphase * 1e6,
    })
    print(f"k for Li/Li-Mg hazard {MEASURED_HAZARD_RATIO}: {band[0]:.3f}-{band[1]:.3f} 1/s; "
          f"MgS {interphase * 1e6:.3f} um per mAh/cm2")
    for row in rows:
        print("  ".join(f"{key}={value:.4g}" for key, value in row.items()))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("interface_reaction.json"))
