"""The reduced model with the finite-element model's trap-driven nucleation (``Mechanisms(nucleation=True)``, no
flaws, as the finite-element cases), and with the interface Mg sink hypothesis for Li-Mg (issue 23; docs/mechanism.md,
"An interface Mg sink"; docs/reduced_model.md, "Nucleation at the trap"):

(a) agreement with the finite-element 20 um ensembles with the cases' creep (docs/figures/ensembles_creep/ for Li,
    docs/figures/ensembles_dstar/ for Li-Mg at k = 0.17 s^-1): first void and rise per seed;
(b) the window: the rise, early count, nuclei and events on 20, 60 and 160 um strips (the seed's SEM field is
    160 um wide), 10 seeds;
(c) the rise against current density (0.1-1 mA/cm2) and temperature (25, 60 C) on the cases' 60 um window, 10 seeds;
(d) the same at 25 C and 0.2-1 mA/cm2 with the nucleation barrier B halved and doubled (B = 1 kT^2 is guessed,
    standing F).

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/reduced_model/nucleation.py [OUT.md [SECTIONS]]
(default benchmarks/reduced_model/nucleation.md and abc; about 15 min on one core for abc, 3 min for d). Rules of
the rise and early voids: the report's (phasefield.output.ensemble).
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
from tables import CASES, ROOT, cell, mean_and_sd, quantities, run, table, write_tables

from phasefield.case import load_case
from phasefield.reduced.run import ReducedRun
from phasefield.reduced.settings import FixedFlaws, Mechanisms, settings_from_case

#: the interface Mg sink rate of the finite-element Li-Mg ensemble (a hypothesis fitted to T2's counts, not in the sets)
SINK_RATE = 0.17
SEEDS = range(1, 11)
FIGURES = ROOT / "docs" / "figures"
#: the finite-element ensembles (20 um, 80 cells, the cases' creep and cap 0.1): their JSON, and Li's first voids
#: (docs/mechanism.md, "An interface Mg sink", seeds 1-8; Li unchanged since)
FINITE_ELEMENT = {"Li (T1)": FIGURES / "ensembles_creep" / "t1_t2_seed_ensembles.json",
                  "Li-Mg (T2)": FIGURES / "ensembles_dstar" / "t1_t2_seed_ensembles.json"}
FINITE_ELEMENT_LI_FIRST_VOID = [0.045, 0.190, 0.098, 0.208, 0.045, 0.200, 0.015, 0.040]


def settings(case, name: str, seed: int, width: float | None = None, temperature: float | None = None):
    """Trap nucleation without flaws and without the interface layer (the finite-element cases' configuration);
    Li-Mg with the interface Mg sink."""
    base = settings_from_case(case, width, temperature)
    return base.replace(seed=seed, mechanisms=Mechanisms(nucleation=True, interface_trap=False),
                        fixed_flaws=FixedFlaws(0, 0.0, 0.0),
                        mg_reaction_rate=SINK_RATE if "Mg" in name else 0.0)


def first_void(result: ReducedRun) -> float:
    """The capacity (mAh/cm2) of the first nucleation event, NaN without one."""
    events = np.array(result.column("nucleation_events"))
    return float(result.column("capacity_mAh_per_cm2")[int(np.argmax(events > 0))]) if events[-1] > 0 else np.nan


def measures(result: ReducedRun) -> dict[str, float]:
    return quantities(result) | {"first void": first_void(result),
                                 "nuclei": float(result.rows[-1]["nucleation_events"])}


def finite_element_members(name: str) -> list[float]:
    members = json.loads(FINITE_ELEMENT[name].read_text())[name.split(" ")[0]]["members"]
    return [members[f"seed_{k}"]["rise"]["value"] for k in range(1, len(members) + 1)]


def agreement(resolved: dict) -> str:
    rows = []
    for name, case in resolved.items():
        fe_rise = finite_element_members(name)
        for seed, fe in enumerate(fe_rise, start=1):
            result = measures(run(settings(case, name, seed, 20e-6), case))
            fe_first = FINITE_ELEMENT_LI_FIRST_VOID[seed - 1] if "Mg" not in name else float("nan")
            rows.append([name, str(seed), "-" if np.isnan(fe_first) else f"{fe_first:.3f}",
                         f"{result['first void']:.3f}", f"{fe:.3f}", f"{result['rise']:.3f}",
                         f"{100 * (result['rise'] / fe - 1):+.0f}%"])
    return table(["metal", "seed", "FE first void", "reduced first void", "FE rise", "reduced rise", "reduced/FE"],
                 rows)


def ensemble(make, case, current: float | None = None) -> dict[str, tuple[float, float]]:
    """Mean and sd over SEEDS of each measure, over the seeds that have it; ``"<key> n"``: how many have it."""
    values = [measures(run(make(seed), case, current)) for seed in SEEDS]
    result = {key: mean_and_sd([v[key] for v in values]) for key in values[0]}
    return result | {f"{key} n": sum(not np.isnan(v[key]) for v in values) for key in ("first void", "rise")}


def counted(result: dict, key: str) -> str:
    """The mean ± sd of ``key`` with the share of the seeds that have it (the others never reached it)."""
    present = result[f"{key} n"]
    return cell(result[key]) + ("" if present == len(SEEDS) else f" ({present}/{len(SEEDS)})")


def window(resolved: dict) -> str:
    rows = []
    for width in (20e-6, 60e-6, 160e-6):
        for name, case in resolved.items():
            result = ensemble(lambda seed, case=case, name=name, w=width: settings(case, name, seed, w), case)
            rows.append([f"{width * 1e6:.0f}", name, counted(result, "first void"), counted(result, "rise"),
                         cell(result["early count"], 1), cell(result["nuclei"], 1), cell(result["largest width"], 1),
                         cell(result["splits"], 1), cell(result["collapses"], 1)])
    return table(["window, um", "metal", "first void", "rise", "early /100um", "nuclei", "largest width, um", "splits",
                  "collapses"], rows)


def rate_and_temperature(resolved: dict) -> str:
    rows = []
    for temperature in (298.15, 333.15):
        for current in (1.0, 2.0, 5.0, 10.0):
            row = [f"{temperature - 273.15:.0f}", f"{current / 10:g}"]
            for name, case in resolved.items():
                result = ensemble(lambda seed, case=case, name=name, t=temperature: settings(case, name, seed, None, t),
                                  case, current)
                row += [counted(result, "first void"), counted(result, "rise"), cell(result["early count"], 1)]
            rows.append(row)
    return table(["T, C", "i, mA/cm2", "Li first void", "Li rise", "Li early /100um", "Li-Mg first void",
                  "Li-Mg rise", "Li-Mg early /100um"], rows)


def barrier(resolved: dict) -> str:
    rows = []
    for value in (0.5, 1.0, 2.0):
        for current in (2.0, 5.0, 10.0):
            row = [f"{value:g}", f"{current / 10:g}"]
            for name, case in resolved.items():
                result = ensemble(lambda seed, case=case, name=name, b=value: settings(case, name, seed).replace(
                    nucleation_barrier=b), case, current)
                row += [counted(result, "first void"), counted(result, "rise")]
            rows.append(row)
    return table(["B, kT^2", "i, mA/cm2", "Li first void", "Li rise", "Li-Mg first void", "Li-Mg rise"], rows)


SECTIONS = {
    "a": (f"(a) against the finite-element 20 um ensembles with creep, per seed (mAh/cm2; Li-Mg at k = {SINK_RATE} "
          "s^-1)", agreement),
    "b": ("(b) the window, 10 seeds (mean ± sd over the seeds that reached it, their number if not all; capacities "
          "mAh/cm2; 'none': no run rose)", window),
    "c": ("(c) against current density and temperature, 60 um, 10 seeds", rate_and_temperature),
    "d": ("(d) the nucleation barrier B halved and doubled, 25 C, 60 um, 10 seeds (mAh/cm2)", barrier),
}


def main() -> None:
    start = time.perf_counter()
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("nucleation.md")
    chosen = sys.argv[2] if len(sys.argv) > 2 else "abc"
    resolved = {name: load_case(path) for name, path in CASES.items()}
    sections = [(SECTIONS[key][0], SECTIONS[key][1](resolved)) for key in chosen]
    write_tables(output, sections, start, " Trap nucleation on, no flaws, no interface layer; Li-Mg with the "
                 f"interface Mg sink k = {SINK_RATE} s^-1 (a hypothesis, not in the sets).")


if __name__ == "__main__":
    main()
