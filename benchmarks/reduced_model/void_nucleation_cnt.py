"""Classical nucleation theory (CNT) for a void on the Li/Li2S contact, against the models' nucleation law (issue 23;
docs/mechanism.md, "Can a void nucleate on a clean contact?").

A void of radius r in metal with a vacancy supersaturation mu (per atom) costs
dG(r) = -(4 pi / 3) r^3 mu / Omega + 4 pi r^2 gamma; at a flat wall it is a spherical cap whose angle through the
void is pi - theta (theta Young's angle through the metal), which scales the barrier by
f = (2 + cos(pi - theta)) (1 - cos(pi - theta))^2 / 4. So r* = 2 gamma Omega / mu and
dG* = f 16 pi gamma^3 Omega^2 / (3 mu^2), i.e. dG* / kT = A / (mu / kT)^2 with A = f 16 pi gamma^3 Omega^2 / (3 (kT)^3),
the same 1/mu^2 form as the models' rate J = J0 theta_trap exp(-B / mu^2), whose B (kT^2) is a guess (standing F).

The parameters are the cases' (`settings_from_case`: gamma, V_m, the Young angles of the clean and the Mg-covered
contact, D*_Li of the alloy, the sink length), mu that of a flat contact with sinks at the current
(`laws.flat_supersaturation`, mu = ln(1 + j l f / D*)).

Usage: .venv/bin/python benchmarks/reduced_model/void_nucleation_cnt.py [OUT.json]
(default benchmarks/reduced_model/void_nucleation_cnt.json; a second).
"""

import math
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from tables import CASES

from phasefield.case import load_case
from phasefield.constants import AVOGADRO, BOLTZMANN
from phasefield.output.metadata import git_revision, write_json
from phasefield.reduced.laws import flat_supersaturation
from phasefield.reduced.settings import CORRELATION_FACTOR_BCC, settings_from_case

CURRENTS = (1.0, 2.0, 5.0, 10.0)  # A/m^2: 0.1, 0.2, 0.5, 1 mA/cm2
TEMPERATURES = (298.15, 333.15)  # K
#: a barrier a site crosses about once in an hour at an attempt rate of ~1e13/s: ln(1e13 * 3600) ~ 38 kT
OBSERVABLE_BARRIER_KT = 38.0


def cap_factor(young_angle: float) -> float:
    """f of a spherical-cap void at a wall, from Young's angle ``young_angle`` (rad) through the metal."""
    c = math.cos(math.pi - young_angle)
    return (2.0 + c) * (1.0 - c) ** 2 / 4.0


def barrier_constant(surface_energy: float, atomic_volume: float, temperature: float, factor: float) -> float:
    """A (kT^2) of dG*/kT = A / (mu/kT)^2."""
    kt = BOLTZMANN * temperature
    return factor * 16.0 * math.pi * surface_energy**3 * atomic_volume**2 / (3.0 * kt**3)


def main(output: Path) -> None:
    rows = []
    for label, path in CASES.items():
        resolved = load_case(path)
        for temperature in TEMPERATURES:
            s = settings_from_case(resolved, temperature=temperature)
            atomic_volume = s.molar_volume / AVOGADRO
            walls = {"clean contact": s.contact_angle, "Mg-covered contact": s.mg_covered_contact_angle}
            for current in CURRENTS:
                mu = flat_supersaturation(current, s.molar_volume, s.sink_length, s.self_diffusivity,
                                          CORRELATION_FACTOR_BCC)
                kt = BOLTZMANN * temperature
                row = {"case": label, "temperature_C": round(temperature - 273.15, 2),
                       "current_mA_per_cm2": current / 10.0, "supersaturation_kT": mu,
                       "critical_radius_nm": 2.0 * s.surface_energy * atomic_volume / (mu * kt) * 1e9,
                       "models_barrier_kT": s.nucleation_barrier / mu**2}
                for wall, angle in walls.items():
                    a = barrier_constant(s.surface_energy, atomic_volume, temperature, cap_factor(angle))
                    row[wall] = {"young_angle_deg": math.degrees(angle), "cap_factor": cap_factor(angle),
                                 "A_kT2": a, "barrier_kT": a / mu**2,
                                 "mu_for_observable_kT": math.sqrt(a / OBSERVABLE_BARRIER_KT)}
                rows.append(row)
                print(f"{label} {temperature - 273.15:3.0f} C {current / 10:4.2g} mA/cm2: mu {mu:.3f} kT, "
                      f"r* {row['critical_radius_nm']:.1f} nm, CNT barrier {row['clean contact']['barrier_kT']:.3g} kT "
                      f"(clean) / {row['Mg-covered contact']['barrier_kT']:.3g} kT (covered), "
                      f"the models' {row['models_barrier_kT']:.3g} kT", flush=True)
    write_json(output, {
        "what": "classical nucleation barrier of a void on the contact against the models' law",
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "revision": git_revision(),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "host": platform.node()},
        "observable_barrier_kT": OBSERVABLE_BARRIER_KT, "rows": rows,
    })


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("void_nucleation_cnt.json"))
