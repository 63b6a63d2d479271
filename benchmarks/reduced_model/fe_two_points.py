"""The reduced model against the finite-element model at two points of the rate/temperature study (issue 23):
Li with the interface flaws on the 20 um window, 0.1 mA/cm2 at 25 C and 0.5 mA/cm2 at 60 C, with the 0.5 mA/cm2,
25 C ensemble as the reference point (its members of the same seeds; the change of the rise is taken seed by seed,
which removes the seed-to-seed scatter). The reduced model runs with the mechanisms the FE runs have (no creep
closure: the FE windows are creep-off; no surface diffusion: off in the FE cases), seeds 1-10 on the same strip.

Usage: .venv/bin/python benchmarks/reduced_model/fe_two_points.py TWO_POINTS_DIR FLAWS_ENSEMBLE_DIR [OUT.md]
(the FE sweeps of fe_two_points.sh and of seed_ensembles.sh t1 ... flaws; default OUT
benchmarks/reduced_model/fe_two_points.md).
"""

import argparse
import json
from pathlib import Path

from tables import cell, ensemble, mean_and_sd, table

from phasefield.case import load_case
from phasefield.output.metadata import git_revision
from phasefield.reduced.settings import Mechanisms, settings_from_case

ROOT = Path(__file__).resolve().parents[2]
T1 = ROOT / "cases" / "t1_li_strip_voids.toml"
WINDOW = 20e-6
#: (label, temperature K, current A/m^2, FE sweep folder name or None for the flaws ensemble)
POINTS = [("0.5 mA/cm2, 25 C (reference)", 298.15, 5.0, None), ("0.1 mA/cm2, 25 C", 298.15, 1.0, "i0.1_25C"),
          ("0.5 mA/cm2, 60 C", 333.15, 5.0, "i0.5_60C")]


def finite_element(sweep: Path) -> dict[str, dict[str, float]]:
    """Rise and early count of each member (seed_1 ...) of a FE sweep."""
    members = json.loads((sweep / "ensemble.json").read_text())["members"]
    return {name: {"rise": m.get("rise_capacity_mAh_per_cm2") or float("nan"),
                   "early": m.get("early_voids_per_100um") or 0.0} for name, m in members.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("two_points", type=Path)
    parser.add_argument("flaws_ensemble", type=Path)
    parser.add_argument("output", type=Path, nargs="?", default=Path(__file__).parent / "fe_two_points.md")
    args = parser.parse_args()
    resolved = load_case(T1)
    reference = finite_element(args.flaws_ensemble)
    seeds = sorted(finite_element(args.two_points / POINTS[1][3]), key=lambda name: int(name.split("_")[1]))
    rows = []
    for label, temperature, current, folder in POINTS:
        settings = settings_from_case(resolved, strip_width=WINDOW, temperature=temperature).replace(
            mechanisms=Mechanisms(surface_diffusion=False, creep_closure=False))
        reduced = ensemble(lambda seed, s=settings: s.replace(seed=seed), resolved, current)
        fe = reference if folder is None else finite_element(args.two_points / folder)
        rises = [fe[name]["rise"] for name in seeds]
        paired = [(fe[name]["rise"] - reference[name]["rise"]) / reference[name]["rise"] for name in seeds]
        fe_rise = mean_and_sd(rises)
        miss = (reduced["rise"][0] - fe_rise[0]) / fe_rise[0]
        rows.append([label, cell(fe_rise, 3), "-" if folder is None else cell(mean_and_sd(paired), 3),
                     cell(reduced["rise"], 3), f"{100 * miss:+.0f}%",
                     cell(mean_and_sd([fe[name]["early"] for name in seeds]), 1), cell(reduced["early count"], 1)])
    text = (f"Li with flaws, 20 um window, creep closure and surface diffusion off in both models; FE seeds "
            f"{seeds[0].removeprefix('seed_')}-{seeds[-1].removeprefix('seed_')} at every point, reduced seeds 1-10; "
            f"git {git_revision()}\n\n"
            + table(["point", "FE rise, mAh/cm2", "FE change from the reference, same seed", "reduced rise",
                     "reduced vs FE", "FE early /100 um", "reduced early /100 um"], rows) + "\n")
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
