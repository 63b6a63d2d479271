"""CH-S1 (../../shared/BENCHMARKS.md): problem data, report times, curve error, result files.

Shared by the runners of this folder; imports neither DOLFINx nor FiPy.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

GRADIENT_COEFFICIENT = 1e-2  # lambda
MOBILITY = 1.0
HORIZONS = {"short": 2e-4, "long": 2e-3}
#: A setting "reaches" an accuracy when its curve error is at most this (relative).
ACCURACY_LEVELS = (0.01, 0.05)


def double_well(c):
    """f(c) = 100 c^2 (1 - c)^2 (numbers, arrays or UFL)."""
    return 100.0 * c**2 * (1.0 - c) ** 2


def double_well_derivative(c):
    return 200.0 * c * (1.0 - c) * (1.0 - 2.0 * c)


def double_well_second_derivative(c):
    return 200.0 * (1.0 - 6.0 * c + 6.0 * c**2)


def initial_concentration(x):
    """c0 of CH-S1 at points x (x[0], x[1] arrays)."""
    pi = np.pi
    return 0.63 + 0.02 * (np.cos(6 * pi * x[0]) * np.cos(4 * pi * x[1])
                          + 0.5 * np.cos(14 * pi * x[0]) * np.cos(16 * pi * x[1])
                          + 0.25 * np.cos(2 * pi * x[0]) * np.cos(22 * pi * x[1]))


def report_times(horizon: str) -> list[float]:
    """t = 1e-5, 2e-5, ..., 2e-4, and every 1e-4 from 3e-4 to 2e-3 for the long horizon."""
    times = [k * 1e-5 for k in range(1, 21)]
    if horizon == "long":
        times += [k * 1e-4 for k in range(3, 21)]
    return times


def time_key(t: float) -> str:
    return f"{t:.6e}"


def curve_error(energies: dict[str, float], reference: dict[str, float]) -> float:
    """Largest relative error of E(t) over the report times (t > 0) of ``energies``, all of which
    the reference must have."""
    keys = [k for k in energies if float(k) > 0]
    missing = [k for k in keys if k not in reference]
    if missing or not keys:
        raise ValueError(f"the reference lacks the report times {missing[:3]}" if missing
                         else "no report times")
    return max(abs(energies[k] - reference[k]) / abs(reference[k]) for k in keys)


def load_reference(path: str | None) -> dict[str, float] | None:
    """Energies of a reference file (reference.py), None if there is none."""
    if path is None or not Path(path).exists():
        return None
    return json.loads(Path(path).read_text())["energies"]


def machine() -> dict:
    """Where and when this ran."""
    info = {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(), "python": sys.version.split()[0],
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}
    try:
        info["cpu_model"] = next(line.split(":", 1)[1].strip()
                                 for line in Path("/proc/cpuinfo").read_text().splitlines()
                                 if line.startswith("model name"))
        info["load_average"] = os.getloadavg()
    except (OSError, StopIteration):
        pass
    try:
        info["git_revision"] = subprocess.run(
            ["git", "-C", str(Path(__file__).parent), "describe", "--always", "--dirty"],
            capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def base_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--cells", type=int, default=192, help="cells per side (default 192)")
    parser.add_argument("--horizon", choices=sorted(HORIZONS), default="short")
    parser.add_argument("--t-end", type=float, help="stop earlier than the horizon (validation runs)")
    parser.add_argument("--reference", help="reference JSON (reference.py) for the curve error")
    parser.add_argument("--output", required=True, help="result JSON")
    return parser


def end_time(args) -> float:
    return args.t_end if args.t_end is not None else HORIZONS[args.horizon]


def finish(args, record: dict, energies: dict[str, float], rank: int) -> None:
    """Add the curve error vs the reference, write the JSON (rank 0) and print a one-line summary."""
    reference = load_reference(args.reference)
    record["horizon"] = args.horizon
    record["energies"] = energies
    record["curve_error"] = None if reference is None else curve_error(energies, reference)
    record["machine"] = machine()
    if rank == 0:
        path = Path(args.output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, indent=2) + "\n")
        last = max(energies, key=float)
        error = "n/a" if record["curve_error"] is None else f"{100 * record['curve_error']:.3f}%"
        print(f"{record['code']:>10s} {record['setting']:<28s} steps {record['steps']:5d} "
              f"nonlinear {record['nonlinear_iterations']:6d} wall {record['wall_time_s']:8.2f} s  "
              f"E({float(last):.2e}) = {energies[last]:.6f}  curve error {error}", flush=True)


def fixed_step_schedule(args) -> tuple[float, list[float], list[int]]:
    """(t_end, report times up to it, the step numbers that land on them) for a fixed ``args.dt``."""
    t_end = end_time(args)
    reports = [t for t in report_times(args.horizon) if t <= t_end * (1 + 1e-9)]
    steps_at = [round(t / args.dt) for t in reports]
    if any(abs(n * args.dt - t) > 1e-9 * t for n, t in zip(steps_at, reports, strict=True)):
        raise SystemExit(f"dt = {args.dt:g} does not divide the report times")
    return t_end, reports, steps_at
