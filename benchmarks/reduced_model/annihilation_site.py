"""Where the stripped sites are annihilated, and what T5 says of it (issue 23; docs/mechanism.md, "Where the stripped
sites vanish: dense sinks, the interface, and T5").

The seed reads its DFT as "Mg repels the vacancies into the bulk". In the models that matters only where the bulk
annihilates them before they reach a void: with grain-boundary sinks (d_s = 100 um, the seed's grain size, sink
length d_s / sqrt(60) = 13 um) the bulk hands them on to the voids anyway. Denser sinks (dislocations: a density rho
is the sink strength of grains of d_s = sqrt(60 / (Z rho)), Z ~ 1) would annihilate Li-Mg's vacancies near the
interface while Li's trapped interface layer still carries its own into the void edges.

Part 1, the reduced model: T1 (Li) and T2 (Li-Mg) on the cases' 60 um windows with their calibrated flaws, seeds
1-5, at each d_s: the rise, the early count and width (report rules), and where the stripped volume went (the
interface channel into void edges, the bulk sinks) at the end of the run.
Part 2, the finite-element T5 (Darken, the sink frame; `phasefield run cases/t5_limg_strip_*_darken.toml` with the
same d_s, 3-4 s each): the lattice collapses where the sinks annihilate the stripped sites, so the same sinks set how
sharply Mg piles up at the interface: the EDS peak (1 um probe) over the bulk after 4 mAh/cm2 at 0.5 and 0.05
mA/cm2, against the seed's "slightly higher Mg intensity at the interface at both current densities".
Part 3, the same T5 at the grain size's sinks with the share a of the stripped sites annihilated by the interface
itself (`interface_vacancy_annihilation_share`, the twentieth session's hypothesis; a = 1 is the frame of a lattice
annihilated at the interface), and a = 1 without D*_Li(x_Mg) (Mg-vacancy repulsion and hop shift 0), which should
give the uniform frame of the code before the sixth session of 2026-12-05 (EDS 7.65 / 3.86).

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/reduced_model/annihilation_site.py [OUT.json]
(default benchmarks/reduced_model/annihilation_site.json; about 2 min on 2 cores).
"""

import os
import platform
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tables import CASES, ROOT, mean_and_sd, quantities, run

from phasefield.case import load_case
from phasefield.grain_sinks import sink_length
from phasefield.output.metadata import git_revision, write_json
from phasefield.output.timeseries import read_timeseries
from phasefield.reduced.settings import settings_from_case

sys.path.insert(0, str(ROOT / "postprocessing"))
from interdiffusion_targets import eds_convolved, eds_peak_over_bulk, final_scan  # noqa: E402 - the report's EDS probe

SPACINGS_UM = (100.0, 30.0, 10.0, 5.0, 3.0, 2.0, 1.0)
SHARES = (0.0, 0.05, 0.15, 0.3, 1.0)
SEEDS = range(1, 6)
KEYS = ("rise", "early count", "early width", "capacity reached", "interface channel share", "bulk sink share")
T5_CASES = {"0.5 mA/cm2": "t5_limg_strip_0p5_darken", "0.05 mA/cm2": "t5_limg_strip_0p05_darken"}
#: the vacancy's sink bias on a dislocation (Z ~ 1): k^2 = Z rho
DISLOCATION_BIAS = 1.0


def member(job: tuple[str, float, int]) -> dict[str, float]:
    """One reduced run (case label, sink spacing in um, seed): the rise, the early count and width (report rules), the
    capacity reached and, at the end, the shares of the stripped volume carried by the interface channel and taken by
    the bulk sinks."""
    label, spacing_um, seed = job
    resolved = load_case(CASES[label])
    settings = settings_from_case(resolved).replace(seed=seed, sink_length=sink_length(spacing_um * 1e-6))
    result = run(settings, resolved)
    values = quantities(result)
    values.update({"capacity reached": result.column("capacity_mAh_per_cm2")[-1],
                   "interface channel share": result.rows[-1]["interface_channel_share"],
                   "bulk sink share": result.rows[-1]["bulk_sink_share"]})
    return {key: values[key] for key in KEYS}


def t5_enrichment(*overrides: str) -> dict[str, float]:
    """The finite-element T5 with the metal parameters ``overrides`` ("KEY=VALUE" each): EDS peak / bulk and interface
    x_Mg per current, and their ratio."""
    out = {}
    with tempfile.TemporaryDirectory() as scratch:
        for label, case in T5_CASES.items():
            folder = Path(scratch) / case
            subprocess.run([str(ROOT / ".venv" / "bin" / "phasefield"), "run", str(ROOT / "cases" / f"{case}.toml"),
                            "-o", str(folder), "-q", *(f"--set=metal.{item}" for item in overrides)],
                           check=True, cwd=ROOT)
            _, distance, x_mg = final_scan(folder)
            grid, seen = eds_convolved(distance, x_mg)
            out[label] = {"eds_peak_over_bulk": eds_peak_over_bulk(grid, seen),
                          "interface_x_Mg": float(read_timeseries(folder / "timeseries.csv")["interface_x_Mg"][-1])}
    out["rate_ratio"] = out["0.5 mA/cm2"]["eds_peak_over_bulk"] / out["0.05 mA/cm2"]["eds_peak_over_bulk"]
    return out


def main(output: Path) -> None:
    jobs = [(label, spacing, seed) for spacing in SPACINGS_UM for label in CASES for seed in SEEDS]
    with ProcessPoolExecutor(max_workers=2) as pool:
        members = list(pool.map(member, jobs))
    rows = []
    for index, spacing in enumerate(SPACINGS_UM):
        row = {"vacancy_sink_spacing_um": spacing, "sink_length_um": sink_length(spacing * 1e-6) * 1e6,
               "dislocation_density_per_m2": 60.0 / (DISLOCATION_BIAS * (spacing * 1e-6) ** 2)}
        for offset, label in enumerate(CASES):
            start = (index * len(CASES) + offset) * len(SEEDS)
            runs = members[start:start + len(SEEDS)]
            row[label] = {"rises": int(sum(not np.isnan(m["rise"]) for m in runs)), "members": runs}
            row[label].update({key: mean_and_sd([m[key] for m in runs]) for key in KEYS})
        li, limg = (row[label]["rise"][0] for label in CASES)
        row["T2_over_T1"] = limg / li if row["Li-Mg (T2)"]["rises"] == len(SEEDS) else None
        row["T5"] = t5_enrichment(f"vacancy_sink_spacing={spacing:g} um")
        rows.append(row)
        print(f"d_s={spacing:5.1f} um " + " ".join(
            f"{label}: rise {row[label]['rise'][0]:.3g}+-{row[label]['rise'][1]:.2g} ({row[label]['rises']}/"
            f"{len(SEEDS)}) channel {row[label]['interface channel share'][0]:.2f}" for label in CASES)
            + f" T2/T1 {row['T2_over_T1']} T5 EDS {row['T5']['0.5 mA/cm2']['eds_peak_over_bulk']:.2f} / "
            f"{row['T5']['0.05 mA/cm2']['eds_peak_over_bulk']:.2f}", flush=True)
    shares = [{"interface_vacancy_annihilation_share": share,
               "T5": t5_enrichment(f"interface_vacancy_annihilation_share={share:g}")} for share in SHARES]
    uniform = t5_enrichment("interface_vacancy_annihilation_share=1", "mg_hop_barrier_shift=0 eV",
                            "mg_vacancy_repulsion=0 eV")
    print(f"a=1 without D*_Li(x): T5 EDS {uniform['0.5 mA/cm2']['eds_peak_over_bulk']:.2f} / "
          f"{uniform['0.05 mA/cm2']['eds_peak_over_bulk']:.2f}", flush=True)
    for row in shares:
        fast, slow = (row["T5"][label]["eds_peak_over_bulk"] for label in T5_CASES)
        print(f"a={row['interface_vacancy_annihilation_share']:4.2f} T5 EDS {fast:.2f} / {slow:.2f} "
              f"ratio {row['T5']['rate_ratio']:.2f}", flush=True)
    write_json(output, {
        "what": "reduced-model T1 and T2, and finite-element T5, against the vacancy sink spacing d_s; T5 against the "
                "share of the stripped sites annihilated at the interface",
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "revision": git_revision(),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "host": platform.node()},
        "seeds": list(SEEDS), "dislocation_bias": DISLOCATION_BIAS,
        "seed_measured": {"T1 rise": "~1 mAh/cm2", "T2 rise": "3-3.5 mAh/cm2",
                          "T5": "slightly higher Mg intensity at the interface at both current densities"},
        "rows": rows, "annihilation_shares": shares, "uniform_frame_without_mg_neighbour_terms": uniform,
    })


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("annihilation_site.json"))
