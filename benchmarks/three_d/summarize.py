"""3-D T1 against 2-D (issue 24 item 4): wall time, memory, rise, early void count and widths of finished runs.

Reads run directories of ``phasefield run`` (their ``run.json``, ``timeseries.csv`` and interface profiles) and,
for each, the log of ``/usr/bin/time -v`` that wrapped it (``LABEL=RUN_DIR[:TIME_LOG]``), and writes JSON with
the machine, date and revision:

- wall time (run.json and /usr/bin/time), the peak resident memory of the largest process (a rank; the
  ``Maximum resident set size`` of /usr/bin/time -v over mpiexec), steps and rejected steps;
- the rise of the overpotential as ``postprocessing/report.py`` defines it (the first capacity above both
  2 x its initial value and its initial value + 0.05 V) and the contact fraction there;
- early voids (0 < Q <= 0.125 mAh/cm2, the seed's first SEM frame): the step with the most voids per 100 um
  (CSV column ``voids_per_100um``; in 3-D counted along the node lines z = const,
  ``phasefield/output/void_statistics.py``) and the mean void width of that step;
- in 3-D also the void patches of the interface profiles (connected node sets with contact < 0.5, edge
  neighbours, ``scipy.ndimage.label``): patches per 100 um^2 and their equivalent diameters 2 sqrt(A / pi)
  (A = nodes x node cell area), in the early profile with the most patches;
- over the runs labelled ``NAME@SEED``: mean, sd, least and largest of the rise and the early voids.

    .venv/bin/python benchmarks/three_d/summarize.py --output benchmarks/three_d/t1_3d_vs_2d.json \
        3d=RUN3D:RUN3D.time.log 2d_same_cells=RUN2D:RUN2D.time.log ...
"""

import argparse
import json
import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy import ndimage

from phasefield.output.metadata import git_revision, versions, write_json
from phasefield.output.timeseries import read_timeseries

RISE_FACTOR, RISE_MIN_V = 2.0, 0.05  # postprocessing/report.py
EARLY_CAPACITY = 0.125  # mAh/cm2: the seed's first SEM frame (postprocessing/report.py EARLY_CAPACITY)


def timeseries(run: Path) -> dict[str, np.ndarray]:
    return {key: np.array(values) for key, values in read_timeseries(run / "timeseries.csv").items()}


def time_log(path: Path | None) -> dict[str, float]:
    """Elapsed wall time (s) and the largest process's peak resident memory (MiB) from /usr/bin/time -v."""
    if path is None:
        return {}
    text = path.read_text()
    clock = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([0-9:.]+)", text).group(1)
    seconds = sum(float(part) * 60**k for k, part in enumerate(reversed(clock.split(":"))))
    rss = float(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return {"time_v_wall_s": seconds, "peak_rss_largest_process_MiB": rss}


def rise(series: dict[str, np.ndarray]) -> dict[str, float | None]:
    eta, q = series["overpotential_V"], series["capacity_mAh_per_cm2"]
    over = eta > max(RISE_FACTOR * eta[0], eta[0] + RISE_MIN_V)
    if not over.any():
        return {"rise_mAh_per_cm2": None, "no_rise_up_to_mAh_per_cm2": float(q[-1])}
    k = int(np.argmax(over))
    return {"rise_mAh_per_cm2": float(q[k]), "contact_fraction_at_rise": float(series["contact_fraction"][k])}


def early_voids(series: dict[str, np.ndarray]) -> dict[str, float]:
    q = series["capacity_mAh_per_cm2"]
    early = np.flatnonzero((q > 0) & (q <= EARLY_CAPACITY * (1 + 1e-9)))
    k = early[int(np.argmax(series["voids_per_100um"][early]))]
    return {"early_voids_per_100um": float(series["voids_per_100um"][k]),
            "early_mean_void_width_um": float(series["mean_void_width_um"][k]), "early_at_mAh_per_cm2": float(q[k])}


def profiles(run: Path) -> list[tuple[float, np.ndarray]]:
    """(capacity in mAh/cm2, the table with named columns) of every interface profile of ``run``."""
    found = []
    for path in sorted((run / "interface").glob("profile_*.csv")):
        with path.open() as stream:
            capacity = re.search(r"capacity_mAh_per_cm2=(\S+)", stream.readline()).group(1)
        found.append((float(capacity), np.genfromtxt(path, delimiter=",", skip_header=1, names=True)))
    return found


def patches(profile: np.ndarray) -> tuple[int, np.ndarray, float]:
    """(patches, equivalent diameters in um, interface area in um^2) of contact < 0.5 on the node grid."""
    x, z = np.round(profile["x_um"], 6), np.round(profile["z_um"], 6)
    xs, zs = np.unique(x), np.unique(z)
    grid = np.ones((zs.size, xs.size))
    grid[np.searchsorted(zs, z), np.searchsorted(xs, x)] = profile["contact"]
    labels, count = ndimage.label(grid < 0.5)
    cell = (xs[1] - xs[0]) * (zs[1] - zs[0])
    nodes = np.bincount(labels.ravel())[1:]
    return count, 2 * np.sqrt(nodes * cell / np.pi), float((xs[-1] - xs[0]) * (zs[-1] - zs[0]))


def early_patches(run: Path) -> dict[str, float] | None:
    early = [(q, p) for q, p in profiles(run) if 0 < q <= EARLY_CAPACITY * (1 + 1e-9) and "z_um" in p.dtype.names]
    if not early:
        return None
    found = [(q, *patches(p)) for q, p in early]
    q, count, diameters, area = max(found, key=lambda f: f[1])
    return {"early_patches_per_100um2": 100.0 * count / area, "early_patches": count, "at_mAh_per_cm2": q,
            "equivalent_diameter_mean_um": float(diameters.mean()) if count else 0.0,
            "equivalent_diameter_sd_um": float(diameters.std()) if count else 0.0}


def summary(run: Path, log: Path | None) -> dict:
    meta = json.loads((run / "run.json").read_text())
    series = timeseries(run)
    result = {"run": str(run), "mesh": meta["case_as_written"]["mesh"], "overrides": meta["overrides"],
              "case_file": meta["case_file"], "git_revision": meta["git_revision"], "ranks": meta["mpi_ranks"],
              "status": meta["status"], "wall_time_s": meta["wall_time_s"], "steps": meta["steps"],
              "rejected_steps": meta["final"].get("rejected_steps"),
              "final_capacity_mAh_per_cm2": float(series["capacity_mAh_per_cm2"][-1]),
              **time_log(log), **rise(series), **early_voids(series)}
    first_gap = np.flatnonzero(series["gap"] > 0.5)
    result["gap_at_mAh_per_cm2"] = float(series["capacity_mAh_per_cm2"][first_gap[0]]) if first_gap.size else None
    result["patches"] = early_patches(run)
    return result


def ensembles(results: dict[str, dict]) -> dict[str, dict]:
    """Mean, standard deviation, least and largest of the rise and the early voids over the runs labelled
    ``NAME@SEED`` of each NAME (the early width over the runs with early voids)."""
    groups: dict[str, list[dict]] = {}
    for label, result in results.items():
        if "@" in label:
            groups.setdefault(label.split("@")[0], []).append(result)
    summary = {}
    for name, runs in groups.items():
        values = {"rise_mAh_per_cm2": [r["rise_mAh_per_cm2"] for r in runs if r["rise_mAh_per_cm2"] is not None],
                  "early_voids_per_100um": [r["early_voids_per_100um"] for r in runs],
                  "early_mean_void_width_um": [r["early_mean_void_width_um"] for r in runs
                                               if r["early_voids_per_100um"] > 0]}
        summary[name] = {"runs": len(runs), **{key: {"mean": float(np.mean(v)), "sd": float(np.std(v, ddof=1)),
                                                        "min": float(np.min(v)), "max": float(np.max(v)), "n": len(v)}
                                                  for key, v in values.items() if len(v) > 1}}
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="LABEL=RUN_DIR[:TIME_LOG]; LABEL NAME@SEED groups runs (ensembles)")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    results = {}
    for item in args.runs:
        label, paths = item.split("=", 1)
        run, _, log = paths.partition(":")
        results[label] = summary(Path(run), Path(log) if log else None)
    write_json(args.output, {
        "benchmark": "3-D T1 against 2-D (issue 24 item 4)", "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(),
                    "load_average_at_summary": list(os.getloadavg())},
        "git_revision": git_revision(), "versions": versions(), "note": args.note, "runs": results,
        "ensembles": ensembles(results)})


if __name__ == "__main__":
    main()
