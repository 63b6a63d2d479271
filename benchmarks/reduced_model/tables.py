"""The tables of docs/reduced_model.md from the reduced interface model (phasefield.reduced), in about eight
minutes on one core (11 min next to two other runs; two before the interface layer's system, 2026-12-06):

(a) T1 (Li) against T2 (Li-Mg): ensembles of seeds on the cases' 60 um windows, with single mechanisms
    switched off (ablation) and the surface diffusivity across its literature range;
(b) the capacity at the overpotential rise against current density (0.1-1 mA/cm2) and temperature (25, 60 C);
(c) the agreement with the finite-element model (docs/voids.md, "T1/T2 with the issue-22 numerics") with the
    finite-element voids' own height and count;
(d) where the captured vacancies land: widening at the mean height (the finite-element way) against roof growth
    (`Mechanisms(roof_growth=True)`), at the sets' flaw density and at a seventh of it (a what-if, not a fit).

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/reduced_model/tables.py [OUT.md]
(default benchmarks/reduced_model/tables.md). Rules of the rise, gap and early voids: the report's
(phasefield.output.ensemble).
"""

import dataclasses
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from phasefield.case import load_case
from phasefield.case.sweep import sweep_members
from phasefield.output.metadata import git_revision
from phasefield.reduced.run import ReducedRun, run_reduced, strip_steps
from phasefield.reduced.settings import EDGE_ZONE, FixedFlaws, Mechanisms, ReducedSettings, settings_from_case

ROOT = Path(__file__).resolve().parents[2]
CASES = {"Li (T1)": ROOT / "cases" / "t1_li_strip_voids.toml",
         "Li-Mg (T2)": ROOT / "cases" / "t2_limg_strip_voids.toml"}
SEEDS = range(1, 11)
#: the finite-element rows of docs/voids.md ("T1/T2 with the issue-22 numerics", "The dt limit", at the cap 0.5 of
#: the driving force; "The cases' cap", at 0.1): steps, rise (mAh/cm2), phi_void and h_eff (um) at the rise,
#: nucleation events in the 60 um window before the rise
FINITE_ELEMENT_T1 = [("18 s", 0.28, 0.68, 0.97, 2), ("9 s", 0.21, 0.66, 0.70, 2), ("4.5 s", 0.17, 0.60, 0.51, 2),
                     ("2.25 s", 0.15, None, 0.43, 2), ("phase error control, cap 0.1", 0.50, 0.22, 0.55, 3)]
#: the T3 sweep's 0.2 MPa member (20 um window, one void, cap 0.1; docs/mechanism.md, thirteenth session), with
#: its creep and without: creep on, rise (mAh/cm2), phi_void and h_eff (um) at the rise
FINITE_ELEMENT_20UM = [(True, 0.446, 0.253, 0.569), (False, 0.425, 0.567, 1.215)]
T3_SMALL_WINDOW = ROOT / "cases" / "t3_li_pressure_sweep_small_window.toml"


def run(settings: ReducedSettings, resolved, current: float | None = None) -> ReducedRun:
    """One reduced run of the case's strip steps (at ``current``, A/m^2, when given)."""
    steps = strip_steps(resolved)
    if current is not None:
        steps = [dataclasses.replace(step, current_density=current) for step in steps]
    return run_reduced(settings, steps, resolved.case.time.capacity_step, resolved.case.time.dt_max)


def at_capacity(result: ReducedRun, column: str, capacity: float) -> float:
    """``column`` at the first row at or past ``capacity`` (mAh/cm2), NaN when not reached."""
    q = np.array(result.column("capacity_mAh_per_cm2"))
    return float(result.column(column)[int(np.argmax(q >= capacity))]) if q[-1] >= capacity else float("nan")


def quantities(result: ReducedRun) -> dict[str, float]:
    summary = result.summary()
    return {
        "rise": summary["rise_capacity_mAh_per_cm2"] or float("nan"),
        "gap": summary["gap_capacity_mAh_per_cm2"] or float("nan"),
        "early count": summary["early_voids_per_100um"] or 0.0,
        "early width": summary["early_mean_void_width_um"] or float("nan"),
        "width at 0.125": at_capacity(result, "mean_void_width_um", 0.125),
        "largest width": max(result.column("max_void_width_um")),
        "largest height": max(result.column("max_void_height_um")),
        "phi_void at rise": summary.get("void_volume_share_at_rise") or float("nan"),
        "h_eff at rise": summary.get("effective_void_height_um_at_rise") or float("nan"),
        "splits": result.rows[-1]["split_events"],
        "coalescences": result.rows[-1]["coalescence_events"],
        "collapses": result.rows[-1]["collapse_events"],
    }


def ensemble(make, resolved, current: float | None = None) -> dict[str, tuple[float, float]]:
    """Mean and sd over SEEDS of each quantity of the runs ``make(seed)``."""
    values = [quantities(run(make(seed), resolved, current)) for seed in SEEDS]
    return {key: mean_and_sd([v[key] for v in values]) for key in values[0]}


def mean_and_sd(values: list[float]) -> tuple[float, float]:
    """Mean and sample sd of the values that are not NaN (NaN, NaN when none is)."""
    present = np.array([v for v in values if not np.isnan(v)], dtype=float)
    if present.size == 0:
        return float("nan"), float("nan")
    return float(present.mean()), float(present.std(ddof=1)) if present.size > 1 else float("nan")


def cell(pair: tuple[float, float], digits: int = 2) -> str:
    mean, sd = pair
    return "none" if np.isnan(mean) else f"{mean:.{digits}f} ± {sd:.{digits}f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def li_against_li_mg(resolved: dict) -> str:
    keys = ["rise", "gap", "early count", "early width", "width at 0.125", "largest width", "largest height",
            "phi_void at rise", "h_eff at rise", "splits", "coalescences", "collapses"]
    rows = []
    for name, case in resolved.items():
        base = settings_from_case(case)
        result = ensemble(lambda seed, base=base: base.replace(seed=seed), case)
        rows.append([name] + [cell(result[key]) for key in keys])
    return table(["metal"] + keys, rows)


def ablation(resolved: dict) -> str:
    variants = {"all mechanisms": {}, "no surface diffusion": {"surface_diffusion": False},
                "no creep closure": {"creep_closure": False}, "no interface trap": {"interface_trap": False}}
    rows = []
    for label, off in variants.items():
        row = [label]
        for case in resolved.values():
            base = settings_from_case(case).replace(mechanisms=Mechanisms(**off))
            result = ensemble(lambda seed, base=base: base.replace(seed=seed), case)
            row += [cell(result["rise"]), cell(result["h_eff at rise"])]
        rows.append(row)
    return table(["mechanisms", "Li rise", "Li h_eff um", "Li-Mg rise", "Li-Mg h_eff um"], rows)


def surface_diffusivity(resolved: dict) -> str:
    rows = []
    for value in (1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7):
        row = [f"{value:g}" + (" (beyond the range)" if value > 1e-8 else "")]
        for case in resolved.values():
            base = settings_from_case(case).replace(surface_diffusivity=value)
            result = ensemble(lambda seed, base=base: base.replace(seed=seed), case)
            row += [cell(result["rise"]), cell(result["h_eff at rise"]), cell(result["splits"], 1)]
        rows.append(row)
    return table(["D_s at 25 C, m2/s", "Li rise", "Li h_eff um", "Li splits", "Li-Mg rise", "Li-Mg h_eff um",
                  "Li-Mg splits"], rows)


def rate_and_temperature(resolved: dict) -> str:
    rows = []
    for temperature in (298.15, 333.15):
        for current in (1.0, 2.0, 5.0, 10.0):
            row = [f"{temperature - 273.15:.0f}", f"{current / 10:g}"]
            for case in resolved.values():
                base = settings_from_case(case, temperature=temperature)
                result = ensemble(lambda seed, base=base: base.replace(seed=seed), case, current)
                row += [cell(result["rise"]), cell(result["h_eff at rise"]), cell(result["early count"], 1)]
            rows.append(row)
    return table(["T, C", "i, mA/cm2", "Li rise", "Li h_eff um", "Li early /100um", "Li-Mg rise",
                  "Li-Mg h_eff um", "Li-Mg early /100um"], rows)


def contact_plateaus(resolved: dict) -> str:
    """What stops the contact loss: the closing pressure carried by the contact (p / f), and a surface
    diffusivity far beyond its range; seeds 1-3 (these runs go to 4 mAh/cm2)."""
    variants = {"closing pressure on the contact, p / f": (Mechanisms(load_on_contact=True), None),
                "D_s = 1e-6 m2/s (beyond the range)": (Mechanisms(), 1e-6)}
    rows = []
    for label, (mechanisms, diffusivity) in variants.items():
        for name, case in resolved.items():
            values = []
            for seed in (1, 2, 3):
                settings = settings_from_case(case).replace(mechanisms=mechanisms, seed=seed)
                result = run(settings if diffusivity is None else settings.replace(surface_diffusivity=diffusivity),
                             case)
                values.append([at_capacity(result, "contact_fraction", q) for q in (0.5, 1.0, 2.0, 3.0)]
                              + [quantities(result)["rise"], result.rows[-1]["closed_volume_share"],
                                 result.rows[-1]["split_events"], result.rows[-1]["collapse_events"]])
            columns = [mean_and_sd([v[k] for v in values]) for k in range(8)]
            rows.append([label, name] + [cell(c) for c in columns[:6]] + [cell(c, 0) for c in columns[6:]])
    return table(["variant", "metal", "contact at 0.5", "at 1", "at 2", "at 3", "rise", "closed share at the end",
                  "splits", "collapses"], rows)


def rate_mechanisms(resolved: dict) -> str:
    """Which mechanism makes the rise depend on the current: 0.1 and 1 mA/cm2 with single mechanisms off."""
    variants = {"all": Mechanisms(), "no creep closure": Mechanisms(creep_closure=False),
                "no surface diffusion": Mechanisms(surface_diffusion=False)}
    rows = []
    for temperature in (298.15, 333.15):
        for label, mechanisms in variants.items():
            row = [f"{temperature - 273.15:.0f}", label]
            for case in resolved.values():
                base = settings_from_case(case, temperature=temperature).replace(mechanisms=mechanisms)
                for current in (1.0, 10.0):
                    row.append(cell(ensemble(lambda seed, base=base: base.replace(seed=seed), case, current)["rise"]))
            rows.append(row)
    return table(["T, C", "mechanisms", "Li rise at 0.1", "Li rise at 1", "Li-Mg rise at 0.1", "Li-Mg rise at 1"],
                 rows)


def at_rise(resolved: dict) -> str:
    """The volume budget at the rise: shares of the stripped volume (10 seeds)."""
    columns = ("void_volume_share", "flaw_volume_share", "bulk_sink_share", "closed_volume_share",
               "interface_channel_share", "contact_fraction")
    rows = []
    for name, case in resolved.items():
        base = settings_from_case(case)
        values = []
        for seed in SEEDS:
            result = run(base.replace(seed=seed), case)
            rise = result.summary()["rise_capacity_mAh_per_cm2"]
            values.append([at_capacity(result, column, rise) for column in columns])
        rows.append([name] + [cell(mean_and_sd([v[k] for v in values])) for k in range(len(columns))])
    return table(["metal", "voids", "flaws", "bulk sinks", "closed by creep", "through the interface layer",
                  "contact"], rows)


def finite_element_agreement(case) -> str:
    """The reduced model with the finite-element voids: their count, their height at the rise, no flaws, no
    surface diffusion, no interface layer (the finite-element model has none of these), creep on."""
    rows = []
    base = settings_from_case(case).replace(mechanisms=Mechanisms(surface_diffusion=False, interface_trap=False))
    for steps, rise, phi, height, count in FINITE_ELEMENT_T1:
        settings = base.replace(fixed_flaws=FixedFlaws(count, 2e-6, height * 1e-6))
        result = run(settings, case)
        q = quantities(result)
        miss = (q["rise"] - rise) / rise
        rows.append([steps, f"{height:.2f}", f"{rise:.2f}", f"{q['rise']:.2f} ({100 * miss:+.0f}%)",
                     "-" if phi is None else f"{phi:.2f}", f"{q['phi_void at rise']:.2f}",
                     f"{q['h_eff at rise']:.2f}"])
    return table(["FE steps", "FE h_eff at rise, um (input)", "FE rise", "reduced rise (miss)", "FE phi_void",
                  "reduced phi_void", "reduced h_eff"], rows)


def finite_element_agreement_small_window() -> str:
    """The same with the one void of the T3 0.2 MPa member on its 20 um window, with creep closure as the finite-element
    run had creep (on: at the remote stack pressure, and at the load the contact carries, p / f; off)."""
    member = next(m.resolved for m in sweep_members(load_case(T3_SMALL_WINDOW)) if m.value == "0.2 MPa")
    rows = []
    for creep, rise, phi, height in FINITE_ELEMENT_20UM:
        for on_contact in ((False, True) if creep else (False,)):
            mechanisms = Mechanisms(surface_diffusion=False, interface_trap=False, creep_closure=creep,
                                    load_on_contact=on_contact)
            settings = settings_from_case(member).replace(mechanisms=mechanisms,
                                                         fixed_flaws=FixedFlaws(1, 2e-6, height * 1e-6))
            q = quantities(run(settings, member))
            closure = ("at p / f" if on_contact else "at p") if creep else "off"
            reduced = "none" if np.isnan(q["rise"]) else f"{q['rise']:.2f} ({100 * (q['rise'] - rise) / rise:+.0f}%)"
            rows.append([f"creep {'on' if creep else 'off'}", closure, f"{height:.2f}", f"{rise:.3f}", reduced,
                         f"{phi:.2f}", "-" if np.isnan(q["phi_void at rise"]) else f"{q['phi_void at rise']:.2f}"])
    return table(["FE run", "reduced closure", "FE h_eff at rise, um (input)", "FE rise", "reduced rise (miss)",
                  "FE phi_void", "reduced phi_void"], rows)


def roof_growth_settings(case, roof: bool, flaw_scale: float, edge_zone: float = EDGE_ZONE) -> ReducedSettings:
    """The case's settings with roof growth on or off, ``flaw_scale`` times its flaw spacing and that edge zone."""
    base = settings_from_case(case)
    return base.replace(mechanisms=Mechanisms(roof_growth=roof), flaw_spacing=flaw_scale * base.flaw_spacing,
                        edge_zone=edge_zone)


def roof_growth(resolved: dict) -> str:
    """Edge against roof growth, at the sets' flaw density and at 1/7 of it (the measured Li-Mg count over Li's),
    at 0.5 mA/cm2 and, for the rate trend, at 0.1 and 1 mA/cm2 (10 seeds)."""
    keys = ["rise", "early count", "early width", "h_eff at rise", "phi_void at rise", "largest height"]
    rows = []
    for density, scale in (("the set's", 1.0), ("1/7 of the set's (what-if)", 7.0)):
        for label, roof in (("widen at the mean height", False), ("roof growth", True)):
            for name, case in resolved.items():
                base = roof_growth_settings(case, roof, scale)
                runs = {current: ensemble(lambda seed, base=base: base.replace(seed=seed), case, current)
                        for current in (None, 1.0, 10.0)}
                rows.append([density, label, name] + [cell(runs[None][key]) for key in keys]
                            + [cell(runs[1.0]["rise"]), cell(runs[10.0]["rise"])])
    return table(["flaw density", "growth", "metal", "rise", "early /100um", "early width", "h_eff at rise",
                  "phi_void at rise", "largest height", "rise at 0.1 mA/cm2", "rise at 1 mA/cm2"], rows)


def main() -> None:
    start = time.perf_counter()
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("tables.md")
    resolved = {name: load_case(path) for name, path in CASES.items()}
    sections = [
        ("(a) Li against Li-Mg, 10 seeds, 60 um windows (mean ± sd; capacities mAh/cm2, lengths um)",
         li_against_li_mg(resolved)),
        ("(a) the volume budget at the rise: shares of the stripped volume, 10 seeds", at_rise(resolved)),
        ("(a) ablation: the rise (mAh/cm2) and h_eff at the rise (um) with one mechanism off, 10 seeds",
         ablation(resolved)),
        ("(a) the surface diffusivity across its range and beyond (25 C), 10 seeds", surface_diffusivity(resolved)),
        ("(a) what stops the contact loss (capacities mAh/cm2), seeds 1-3", contact_plateaus(resolved)),
        ("(b) the rise (mAh/cm2) against current density and temperature, 10 seeds", rate_and_temperature(resolved)),
        ("(b) the rise (mAh/cm2) at 0.1 and 1 mA/cm2 with one mechanism off, 10 seeds", rate_mechanisms(resolved)),
        ("(c) agreement with the finite-element T1 (docs/voids.md), the finite-element voids given",
         finite_element_agreement(resolved["Li (T1)"])),
        ("(c) the same on the T3 0.2 MPa member's 20 um window at the cap 0.1 (one void), with and without creep",
         finite_element_agreement_small_window()),
        ("(d) where the captured vacancies land: the rise (mAh/cm2) with roof growth, 10 seeds (0.5 mA/cm2 unless "
         "named)", roof_growth(resolved)),
    ]
    write_tables(output, sections, start)


def write_tables(output: Path, sections: list[tuple[str, str]], start: float, note: str = "") -> None:
    """The sections (title, table) under a line of provenance (date, machine, revision, the time since ``start``
    and ``note``), into ``output`` and on the screen."""
    provenance = (f"Measured {datetime.now(UTC).isoformat(timespec='seconds')} on {platform.node()} "
                  f"({platform.platform()}, {os.cpu_count()} cores), revision {git_revision()}, "
                  f"{time.perf_counter() - start:.0f} s on one core.{note}")
    text = provenance + "\n\n" + "\n\n".join(f"### {title}\n\n{body}" for title, body in sections) + "\n"
    output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
