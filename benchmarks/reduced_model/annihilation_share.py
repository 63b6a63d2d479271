"""The seed's "velocity field created by stripping" as a hypothesis (issue 23; docs/mechanism.md, "The velocity
field created by stripping"): a share a of the stripped sites annihilated by the interface itself
(`[parameters] interface_vacancy_annihilation_share`, 0 in the sets), so that only (1 - a) of them enter the metal
as vacancies and the metal in contact, with the void roofs, comes down at a of the stripping speed.

For each a, the reduced model runs T1 (Li) and T2 (Li-Mg) on the cases' 60 um windows, seeds 1-5, in two
configurations: the calibrated flaws (the reduced model's default) and the finite-element cases' voids (nucleation at
the interface trap, no flaws); and T2 in a third, the second with the interface Mg sink hypothesis at
k = 0.17 s^-1 (docs/mechanism.md, "An interface Mg sink"), without which Li-Mg nucleates no void.
Per run: the rise, the early count and width (report rules), the lowest contact and
the contact at the end of the run, the largest width, and the split and collapse events.

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/reduced_model/annihilation_share.py [OUT.json]
(default benchmarks/reduced_model/annihilation_share.json; about 5 min on 2 cores).
"""

import dataclasses
import os
import platform
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tables import CASES, mean_and_sd, quantities, run

from phasefield.case import load_case
from phasefield.output.metadata import git_revision, write_json
from phasefield.reduced.settings import FixedFlaws, settings_from_case

SHARES = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)
SEEDS = range(1, 6)

CONFIGURATIONS = ("flaws", "nucleation", "nucleation + Mg sink")
MG_SINK = 0.17  # 1/s: the interface Mg sink hypothesis at the rate the T2 counts ask for (not in the sets)
KEYS = ("rise", "early count", "early width", "largest width", "lowest contact", "final contact", "splits",
        "collapses", "capacity reached")


def member(job: tuple[str, str, float, int, float | None, float | None]) -> dict[str, float]:
    """One run: (case label, configuration, share, seed, current in A/m^2, temperature in K; None: the case's)."""
    label, configuration, share, seed, current, temperature = job
    resolved = load_case(CASES[label])
    settings = settings_from_case(resolved, temperature=temperature).replace(seed=seed, annihilation_share=share)
    if configuration.startswith("nucleation"):
        settings = settings.replace(mechanisms=dataclasses.replace(settings.mechanisms, nucleation=True),
                                    fixed_flaws=FixedFlaws(0, 0.0, 0.0))
    if configuration.endswith("Mg sink"):
        settings = settings.replace(mg_reaction_rate=MG_SINK)
    result = run(settings, resolved, current)
    values = quantities(result)
    contact = result.column("contact_fraction")
    values.update({"lowest contact": min(contact), "final contact": contact[-1],
                   "capacity reached": result.column("capacity_mAh_per_cm2")[-1]})
    return {key: values[key] for key in KEYS}


def main(output: Path) -> None:
    jobs = [(label, configuration, share, seed, None, None) for configuration in CONFIGURATIONS for label in CASES
            for share in SHARES for seed in SEEDS if "Li-Mg" in label or not configuration.endswith("Mg sink")]
    with ProcessPoolExecutor(max_workers=2) as pool:
        members = list(pool.map(member, jobs))
    rows = []
    for start in range(0, len(jobs), len(SEEDS)):
        label, configuration, share, *_ = jobs[start]
        runs = members[start:start + len(SEEDS)]
        row = {"case": label, "configuration": configuration, "annihilation_share": share,
               "rises": sum(not np.isnan(m["rise"]) for m in runs), "members": runs}
        row.update({key: mean_and_sd([m[key] for m in runs]) for key in KEYS})
        rows.append(row)
        print(f"{configuration:10s} {label:8s} a={share:4.2f} rises {row['rises']}/{len(SEEDS)} "
              + " ".join(f"{key}={row[key][0]:.3g}+-{row[key][1]:.2g}" for key in KEYS))
    write_json(output, {
        "what": "reduced model, T1 and T2 against the share of stripped sites annihilated at the interface",
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "revision": git_revision(),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "host": platform.node()},
        "seeds": list(SEEDS), "rows": rows,
    })


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("annihilation_share.json"))
