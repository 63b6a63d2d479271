"""Memory and output size of a long coupled run: does the resident set size stay flat, and does the
output grow linearly with the number of outputs?

Runs a whole case (default: ``long_run_limg.toml`` next to this script, a 2-D Li-Mg window with
interdiffusion, prescribed voids and electrochemistry cycled for ~5000 accepted steps, with the
usual output cadence: fields every 50 steps, profiles and Mg line scans every 10, checkpoints every
25) through :class:`phasefield.coupling.simulation.Simulation`, as ``phasefield run`` does. After
every accepted step the progress callback samples the resident set size of every rank (MiB, the
maximum over ranks is kept); after every field output it records the size of the output directory
(by folder) and the number of live Python objects.

The JSON records the machine, date, versions and rank count, the RSS samples (thinned), the
warm-up (the first 10% of the steps), the growth after warm-up (mean of the last 10% of the steps
against the mean of the first 10% after the warm-up, in percent; the acceptance bound is 5%), the
slope of a straight-line fit of RSS over the second half (MiB per 1000 steps), and the output bytes
against the number of field outputs with a straight-line fit (R^2, largest deviation). It then
redraws ``long_run_rss.png`` (RSS against step) from every ``long_run_rss_*.json`` beside the output.

    export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
    .venv/bin/python benchmarks/memory/long_run_rss.py
    .venv/bin/mpiexec -n 2 .venv/bin/python benchmarks/memory/long_run_rss.py
"""

import argparse  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import dataclasses
import gc
import json
import os
import platform
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from mpi4py import MPI

import numpy as np

from phasefield.case import load_case
from phasefield.coupling.simulation import Simulation
from phasefield.output.metadata import git_revision, versions, write_json
from rss import resident_mib  # benchmarks/memory/rss.py, next to this script

HERE = Path(__file__).resolve().parent
FOLDERS = ("fields", "interface", "line_scans", "checkpoints")
WARM_UP = 0.1  # fraction of the steps counted as warm-up
WINDOW = 0.1  # fraction of the steps averaged at the start (after warm-up) and at the end
GROWTH_LIMIT_PERCENT = 5.0


def output_bytes(directory: Path) -> dict[str, int]:
    """Bytes in each output folder, the .pvd indices, the CSV time series, and in total."""
    sizes = {folder: sum(p.stat().st_size for p in (directory / folder).iterdir() if p.is_file())
             for folder in FOLDERS}
    sizes["pvd_indices"] = sum(p.stat().st_size for p in (directory / "fields").glob("*.pvd"))
    csv = directory / "timeseries.csv"
    sizes["timeseries_csv"] = csv.stat().st_size if csv.exists() else 0
    sizes["total"] = sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())
    return sizes


def field_outputs(directory: Path) -> int:
    """How many times the fields have been written (one .pvtu per write of the electrolyte series)."""
    return len(list((directory / "fields").glob("electrolyte[0-9]*.pvtu")))


def linear_fit(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Least-squares line y = a x + b with R^2 and the largest deviation (absolute and relative to y)."""
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    total = np.sum((y - y.mean()) ** 2)
    return {"slope": float(slope), "intercept": float(intercept),
            "r_squared": float(1.0 - np.sum(residual ** 2) / total) if total > 0 else 1.0,
            "max_abs_deviation": float(np.max(np.abs(residual))),
            "max_relative_deviation": float(np.max(np.abs(residual) / np.maximum(np.abs(y), 1e-300)))}


def rss_statistics(steps: np.ndarray, rss: np.ndarray) -> dict:
    """Warm-up, growth after warm-up and the slope over the second half of a RSS series."""
    n = len(rss)
    warm = max(1, int(round(WARM_UP * n)))
    window = max(1, int(round(WINDOW * n)))
    start = float(np.mean(rss[warm:warm + window]))
    end = float(np.mean(rss[-window:]))
    half = n // 2
    slope = np.polyfit(steps[half:], rss[half:], 1)[0]
    post = rss[warm:]
    return {
        "warm_up": f"the first {WARM_UP:.0%} of the accepted steps (steps 1-{int(steps[warm - 1])})",
        "growth_definition": (f"mean RSS over the last {WINDOW:.0%} of the steps against the mean over the first "
                              f"{WINDOW:.0%} after warm-up (steps {int(steps[warm])}-{int(steps[warm + window - 1])})"),
        "rss_after_warm_up_MiB": round(start, 2),
        "rss_end_MiB": round(end, 2),
        "rss_growth_after_warm_up_MiB": round(end - start, 3),
        "rss_growth_after_warm_up_percent": round(100.0 * (end - start) / start, 3),
        "rss_growth_within_limit": bool(100.0 * (end - start) / start <= GROWTH_LIMIT_PERCENT),
        "rss_min_max_after_warm_up_MiB": [round(float(post.min()), 2), round(float(post.max()), 2)],
        "rss_slope_second_half_MiB_per_1000_steps": round(1000.0 * float(slope), 4),
    }


def size_statistics(records: list[dict]) -> dict:
    """Output bytes against the number of field outputs: straight-line fits and per-output increments."""
    outputs = np.array([r["field_outputs"] for r in records], dtype=float)
    result = {"field_outputs": int(outputs[-1]), "records": len(records)}
    if len(records) < 3:
        return result
    for key in ("total", "fields", "interface", "line_scans", "timeseries_csv"):
        values = np.array([r["bytes"][key] for r in records], dtype=float)
        if values[-1] == values[0]:
            continue
        increments = np.diff(values[1:]) / np.diff(outputs[1:])  # skip the first (initial-state) output
        result[key] = linear_fit(outputs, values) | {
            "increment_per_output_bytes_min_mean_max": [float(increments.min()), float(increments.mean()),
                                                        float(increments.max())] if increments.size else None}
    checkpoints = [r["bytes"]["checkpoints"] for r in records]
    result["checkpoints_bytes_min_max"] = [min(checkpoints), max(checkpoints)]
    pvd = [r["bytes"]["pvd_indices"] for r in records]
    result["pvd_indices"] = {
        "note": "DOLFINx writes the .pvd index only when the VTKFile is closed (end of run), not after each output",
        "bytes_during_run_min_max": [min(pvd[:-1]), max(pvd[:-1])] if len(pvd) > 1 else None,
        "bytes_at_end": pvd[-1], "bytes_per_field_output_at_end": pvd[-1] / records[-1]["field_outputs"]}
    return result


def plot(directory: Path, png: Path) -> None:
    """RSS (maximum over ranks) against step, one line per ``long_run_rss_*.json`` in ``directory``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7.0, 4.0), dpi=110)
    for path in sorted(directory.glob("long_run_rss_*.json")):
        data = json.loads(path.read_text())
        steps, rss = np.array(data["rss_samples"]["step"]), np.array(data["rss_samples"]["rss_MiB_max_over_ranks"])
        label = (f"{data['mpi_ranks']} rank{'s' if data['mpi_ranks'] > 1 else ''}: "
                 f"{data['rss_growth_after_warm_up_percent']:+.2f}% after warm-up, "
                 f"{data['rss_slope_second_half_MiB_per_1000_steps']:+.3f} MiB/1000 steps")
        line, = axes.plot(steps, rss, lw=1.0, label=label)
        warm = int(data["rss_samples"]["warm_up_steps"])
        axes.axvline(warm, color=line.get_color(), ls=":", lw=0.8)
    axes.set_xlabel("accepted time step")
    axes.set_ylabel("resident set size, max over ranks (MiB)")
    axes.set_title("long coupled run: memory (dotted: end of warm-up)", fontsize=10)
    axes.set_ylim(bottom=0.0)
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    figure.savefig(png)
    plt.close(figure)


class Recorder:
    """The progress callback's samples, in arrays allocated (and touched) before the run, so that
    recording adds nothing to the resident set size while it is measured."""

    KEYS = (*FOLDERS, "pvd_indices", "timeseries_csv", "total")

    def __init__(self, comm: MPI.Comm, directory: Path, max_steps: int, every: int):
        self.comm, self.directory, self.every = comm, directory, every
        self.samples = np.zeros((max_steps + 1, 2))  # step, RSS (MiB, max over ranks)
        self.samples.fill(0.0)
        self.records = np.zeros((max_steps // every + 3, 3 + len(self.KEYS)), dtype=np.int64)
        self.records.fill(0)  # step, field outputs, live Python objects, bytes by KEYS
        self.count, self.outputs = 0, 0

    def sample(self, row, protocol_index, step, state) -> None:
        """The progress callback: RSS after every accepted step, output sizes after every field output."""
        self.samples[self.count] = row["step"], self.comm.allreduce(resident_mib(), op=MPI.MAX)
        self.count += 1
        if row["step"] % self.every == 0:
            self.record_sizes(row["step"])

    def record_sizes(self, step: int) -> None:
        if self.comm.rank != 0:
            return
        outputs = field_outputs(self.directory)
        if self.outputs and self.records[self.outputs - 1, 1] == outputs:
            self.outputs -= 1  # the same output again (the last step at the end of the run): replace
        sizes = output_bytes(self.directory)
        self.records[self.outputs] = step, outputs, len(gc.get_objects()), *(sizes[k] for k in self.KEYS)
        self.outputs += 1

    def results(self) -> tuple[np.ndarray, np.ndarray, list[dict]]:
        """Steps, RSS samples and the output records (as dictionaries, on rank 0)."""
        records = [{"step": int(r[0]), "field_outputs": int(r[1]), "python_objects": int(r[2]),
                    "bytes": dict(zip(self.KEYS, map(int, r[3:]), strict=True))} for r in self.records[:self.outputs]]
        return self.samples[:self.count, 0], self.samples[:self.count, 1], records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=Path, default=HERE / "long_run_limg.toml")
    parser.add_argument("--max-steps", type=int, default=None, help="stop after this many steps (for a trial)")
    parser.add_argument("--samples", type=int, default=1000, help="RSS samples kept in the JSON (thinned)")
    parser.add_argument("--keep", type=Path, default=None, help="write the run's output here and keep it")
    parser.add_argument("--output", type=Path, default=None,
                        help="JSON file (default: long_run_rss_<n>rank[s].json next to this script)")
    parser.add_argument("--plot", type=Path, default=HERE / "long_run_rss.png")
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    output = args.output or HERE / f"long_run_rss_{comm.size}rank{'s' if comm.size > 1 else ''}.json"

    resolved = load_case(args.case)
    if args.max_steps is not None:
        case = resolved.case
        resolved = dataclasses.replace(resolved, case=case.model_copy(
            update={"time": case.time.model_copy(update={"max_steps": args.max_steps})}))
    every = resolved.case.output.fields_every
    if args.keep is not None:
        directory = args.keep
        if comm.rank == 0:
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)
    else:
        directory = Path(comm.bcast(tempfile.mkdtemp(prefix="long_run_rss_") if comm.rank == 0 else None))
    comm.barrier()

    start_rss = comm.allreduce(resident_mib(), op=MPI.MAX)
    setup = time.perf_counter()
    simulation = Simulation(resolved, comm, directory)
    setup = time.perf_counter() - setup
    recorder = Recorder(comm, directory, resolved.case.time.max_steps, every)
    summary = simulation.run(recorder.sample)
    models = simulation.models
    transport = getattr(models.interdiffusion, "transport", None)  # Mg transport (alloys only)
    dofs = {f.name: f.function_space.dofmap.index_map.size_global * f.function_space.dofmap.index_map_bs
            for f in (models.electrochemistry.system.psi, models.contact.metal_fraction,
                      *([transport.x] if transport is not None else []))}
    simulation.close()
    comm.barrier()
    recorder.record_sizes(summary.steps)  # after the writers are closed (the last step is always written)
    steps, rss, sizes = recorder.results()
    per_rank = comm.gather(resident_mib(), root=0)
    peak = comm.allreduce(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, op=MPI.MAX)
    if comm.rank == 0:
        if args.keep is None:
            shutil.rmtree(directory)
        stats = rss_statistics(steps, rss)
        output.parent.mkdir(parents=True, exist_ok=True)
        keep = np.unique(np.linspace(0, len(rss) - 1, min(args.samples, len(rss))).round().astype(int))
        write_json(output, {
            "benchmark": "long_run_rss",
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "host": platform.node(),
            "machine": f"{platform.system()} {platform.machine()} {platform.processor()}".strip(),
            "cpu_count": os.cpu_count(),
            "versions": versions(),
            "git_revision": git_revision(),
            "mpi_ranks": comm.size,
            "case": os.path.relpath(args.case.resolve(), HERE.parent.parent),
            "case_description": resolved.case.meta.description,
            "output_cadence": resolved.case.output.model_dump(mode="json"),
            "status": summary.status,
            "steps": summary.steps,
            "protocol_steps": len(resolved.case.protocol.steps),
            "global_dofs": dofs,
            "wall_time_s": round(summary.wall_time_s, 1),
            "setup_time_s": round(setup, 2),
            "mean_step_s": round(summary.wall_time_s / summary.steps, 4),
            "rss_before_setup_MiB": round(start_rss, 2),
            **stats,
            "rss_final_per_rank_MiB": [round(r, 2) for r in per_rank],
            "peak_rss_MiB_max_over_ranks": round(peak, 2),
            "python_objects_first_last_output": [sizes[0]["python_objects"], sizes[-1]["python_objects"]],
            "output_size": size_statistics(sizes),
            "output_records": sizes,
            "rss_samples": {
                "note": f"every accepted step was sampled; {len(keep)} of {len(rss)} samples kept, evenly spaced",
                "warm_up_steps": int(steps[max(1, int(round(WARM_UP * len(rss)))) - 1]),
                "step": [int(steps[i]) for i in keep],
                "rss_MiB_max_over_ranks": [round(float(rss[i]), 2) for i in keep],
            },
        })
        plot(output.parent, args.plot)
        print(f"{output}: {summary.steps} steps in {summary.wall_time_s:.0f} s, RSS {stats['rss_after_warm_up_MiB']}"
              f" -> {stats['rss_end_MiB']} MiB ({stats['rss_growth_after_warm_up_percent']:+.2f}%), slope "
              f"{stats['rss_slope_second_half_MiB_per_1000_steps']:+.3f} MiB/1000 steps")


if __name__ == "__main__":
    main()
