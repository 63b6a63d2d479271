"""The headline benchmark (issue #8): wall time, steps, iterations, memory and where the time goes.

Runs ``headline_li.toml`` (or ``--case``) in process under cProfile and the PETSc event log, optionally
stopped early (``--capacity``, mAh/cm2), and writes JSON with the machine, date and versions:

- wall time, accepted and rejected steps, Newton iterations (electrochemistry, voids, creep), linear
  solves (KSPSolve events), peak resident memory (max over ranks);
- the share of wall time in: assembly (DOLFINx assemble_* calls), linear solves and factorisations
  (PETSc KSPSolve, PCSetUp), output (CSV, profiles, fields, checkpoints), and the Python interpreter
  (see :func:`interpreter_time`); "compiled" is the rest. The JSON also lists the CPU time of the
  process: on a loaded machine wall time exceeds it and the shares are of wall time.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/headline/profile_headline.py --capacity 0.1 \
        --output benchmarks/headline/headline_profile_1rank.json

The creep solves run in their own PETSc log stage (their factorisations, solves and assembly apart, and
their wall time). ``--restart RUN/checkpoints/checkpoint_N.h5`` starts from a checkpoint of an earlier run of
the case instead (its RUN/timeseries.csv is copied; the JSON counts the steps after N only), e.g. 20 steps
with grown voids: ``--restart RUN/checkpoints/checkpoint_00000080.h5 --capacity 0.5``.
"""

import argparse  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import cProfile
import os
import platform
import pstats
import re
import resource
import shutil
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from mpi4py import MPI

import numpy as np

from petsc4py import PETSc

from phasefield.case.loader import load_case, resolve
from phasefield.case.overrides import Overrides
from phasefield.coupling.simulation import Simulation
from phasefield.output.ensemble import member_summary, strip_rows
from phasefield.output.metadata import git_revision, versions, write_json
from phasefield.output.timeseries import read_timeseries
from phasefield.physics.creep import PowerLawCreep
from phasefield.solvers import kernel_compilation

HERE = Path(__file__).parent
#: every output of a run goes through these methods of the Recorder (none calls another, so that their
#: cumulative times add up without counting anything twice)
RECORDER_FILE = "coupling/recording.py"
RECORDER_WRITES = ("write_row", "write_fields", "write_profile", "write_line_scan", "write_checkpoint")


def shortened(path: Path, capacity: float | None, width_fraction: float = 1.0, overrides: Sequence[str] = ()):
    """The case with ``overrides`` (``TABLE.KEY=VALUE`` as ``phasefield run --set``), its strip stopped at
    ``capacity`` mAh/cm2 if given, and its window narrowed to ``width_fraction`` of its width at the same cell size
    (weak scaling)."""
    resolved = load_case(path, overrides=Overrides.parse(overrides, path) if overrides else None)
    if capacity is None and width_fraction == 1.0:
        return resolved
    raw = resolved.raw
    if capacity is not None:
        raw["protocol"]["steps"] = [re.sub(r"until [0-9.]+ mAh/cm\^2", f"until {capacity} mAh/cm^2", step)
                                    for step in raw["protocol"]["steps"]]
    if width_fraction != 1.0:
        mesh = raw["mesh"]
        width, unit = mesh["width"].split()
        mesh["width"] = f"{float(width) * width_fraction:g} {unit}"
        mesh["cells_along_interface"] = round(mesh["cells_along_interface"] * width_fraction)
    return resolve(path, raw)


#: Python files whose own time (tottime) is compiled code: thin wrappers around C++ (pybind11) and
#: Cython (petsc4py) calls that cProfile cannot see into.
COMPILED_WRAPPERS = ("/dolfinx/", "/petsc4py/", "/mpi4py/")
#: phasefield's own functions of that kind: (file name, function) whose tottime is a petsc4py call, the MUMPS
#: factorisation and the triangular solves of the creep's lagged factorisation (docs/performance.md, "End to end at
#: the cap 0.1": the interpreter share before this)
COMPILED_CALLS = (("lagged_factorisation.py", "_factorise"), ("lagged_factorisation.py", "apply"))


def interpreter_time(stats: pstats.Stats) -> float:
    """Seconds in the Python interpreter: the tottime of Python functions, except the DOLFINx,
    petsc4py and mpi4py wrappers and :data:`COMPILED_CALLS` (whose tottime is the C++/Cython call they wrap);
    C functions (filename "~", numpy included) are compiled code. UFL and FFCx (form compilation) count as Python."""
    return sum(tottime for (filename, _, name), (_, _, tottime, _, _) in stats.stats.items()
               if filename != "~" and not any(part in filename for part in COMPILED_WRAPPERS)
               and (Path(filename).name, name) not in COMPILED_CALLS)


def results_summary(timeseries: Path) -> dict:
    """What the run gave (its strip rows): the ensemble's member summary (capacity reached, rise by the report's rule,
    early voids), the largest overpotential and the smallest contact after step 0 with their capacities, and the contact
    fraction's range and median past 0.6 mAh/cm2 (where the headline's voids have grown)."""
    data = strip_rows(read_timeseries(timeseries))
    capacity, overpotential, contact = (data[key][1:] for key in ("capacity_mAh_per_cm2", "overpotential_V",
                                                                  "contact_fraction"))
    late = contact[capacity > 0.6]
    return member_summary(data) | {
        "largest_overpotential_V": float(overpotential.max()),
        "largest_overpotential_at_mAh_per_cm2": float(capacity[overpotential.argmax()]),
        "smallest_contact_fraction": float(contact.min()),
        "smallest_contact_at_mAh_per_cm2": float(capacity[contact.argmin()]),
        "contact_fraction_past_0p6": {"min": float(late.min()), "median": float(np.median(late)),
                                      "max": float(late.max())} if late.size else None}


def cumulative(stats: pstats.Stats, match) -> float:
    """Sum of the cumulative time of the functions (filename, name) selected by ``match``."""
    return sum(cum for (filename, _, name), (_, _, _, cum, _) in stats.stats.items() if match(filename, name))


EVENTS = ("KSPSolve", "PCSetUp", "MatLUFactorNum", "MatCholFctrNum", "MatLUFactorSym", "MatCholFctrSym",
          "SNESSolve", "SNESFunctionEval", "SNESJacobianEval", "MatAssemblyEnd", "VecScatterBegin", "PCApply",
          "MatSolve", "KSPGMRESOrthog")


def petsc_events(stages: list[int]) -> dict[str, dict[str, float]]:
    """Time (s) and count of the PETSc events that matter, summed over the run (this rank) in the log
    stages ``stages`` (ids; 0 is PETSc's main stage)."""
    events = {}
    for name in EVENTS:
        try:
            infos = [PETSc.Log.Event(name).getPerfInfo(stage) for stage in stages]
        except Exception:  # noqa: BLE001 - an event that never occurred has no record
            continue
        events[name] = {"time_s": sum(info["time"] for info in infos),
                        "count": sum(int(info["count"]) for info in infos)}
    return events


#: wall time (s) and calls of PowerLawCreep.solve, summed by :func:`log_creep_stage`
CREEP_SOLVES = {"wall_time_s": 0.0, "calls": 0}


def log_creep_stage() -> PETSc.Log.Stage:
    """A PETSc log stage around every creep solve (PowerLawCreep.solve), so that its factorisations,
    linear solves and assembly are counted apart from the other sub-models', and its wall time."""
    stage = PETSc.Log.Stage("creep")
    solve = PowerLawCreep.solve

    def staged(self, *args, **kwargs):
        stage.push()
        began = time.perf_counter()
        try:
            return solve(self, *args, **kwargs)
        finally:
            CREEP_SOLVES["wall_time_s"] += time.perf_counter() - began
            CREEP_SOLVES["calls"] += 1
            stage.pop()

    PowerLawCreep.solve = staged
    return stage


def unknown_spaces(simulation: Simulation) -> dict:
    """The function spaces of the sub-models' unknowns, by sub-model (those that solve for some)."""
    models = simulation.models
    spaces = {"electrochemistry": models.electrochemistry.system.function_space}
    voids = getattr(models.contact, "system", None)  # the vacancy-void system of the phase-field contact
    if voids is not None:
        spaces["voids"] = voids.space
    transport = getattr(models.interdiffusion, "transport", None)  # Mg transport (alloys only)
    if transport is not None:
        spaces["interdiffusion"] = transport.space
    creep = getattr(getattr(models.flow, "flow", None), "creep", None)  # the creep of a CreepFlow
    if creep is not None:
        spaces["creep"] = creep.space
    return spaces


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=Path, default=HERE / "headline_li.toml")
    parser.add_argument("--capacity", type=float, help="stop the strip at this capacity (mAh/cm2)")
    parser.add_argument("--width-fraction", type=float, default=1.0,
                        help="narrow the window to this fraction of its width, same cells (weak scaling)")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--restart", type=Path,
                        help="start from this checkpoint of an earlier run of the case (RUN/checkpoints/"
                             "checkpoint_N.h5; its RUN/timeseries.csv is copied) instead of the initial state")
    parser.add_argument("--set", action="append", default=[], metavar="TABLE.KEY=VALUE", dest="overrides",
                        help="override a key of the case, as phasefield run --set (repeatable)")
    parser.add_argument("--label", default="", help="a note stored in the JSON (e.g. what was compared)")
    parser.add_argument("--results", type=Path,
                        help="write the run's results (timeseries.csv, ...) here instead of a temporary folder")
    args = parser.parse_args()
    if not 0.0 < args.width_fraction <= 1.0:
        parser.error(f"--width-fraction: expected a number in (0, 1], got {args.width_fraction}")
    comm = MPI.COMM_WORLD
    PETSc.Log.begin()
    creep_stage = log_creep_stage()
    resolved = shortened(args.case, args.capacity, args.width_fraction, args.overrides)
    if args.results is not None:
        directory = args.results.resolve()
        if comm.rank == 0:
            directory.mkdir(parents=True, exist_ok=True)
    else:
        directory = Path(tempfile.mkdtemp(prefix="headline_")) if comm.rank == 0 else None
    directory = Path(comm.bcast(str(directory) if directory else None, root=0))
    first_step = 0
    if args.restart is not None:
        first_step = int(re.search(r"(\d+)\.h5$", args.restart.name).group(1))
        if comm.rank == 0:
            shutil.copy(args.restart.parent.parent / "timeseries.csv", directory / "timeseries.csv")
        comm.barrier()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    simulation = Simulation(resolved, comm, directory)
    setup = time.perf_counter() - start
    dofs = {name: space.dofmap.index_map.size_global * space.dofmap.index_map_bs
            for name, space in unknown_spaces(simulation).items()}
    summary = simulation.run(restart=args.restart)
    profiler.disable()
    wall = time.perf_counter() - start
    simulation.close()
    stats = pstats.Stats(profiler)
    output_time = cumulative(stats, lambda f, n: f.endswith(RECORDER_FILE) and n in RECORDER_WRITES)
    events = petsc_events([0, creep_stage.id])
    creep_events = petsc_events([creep_stage.id])
    solve_time = events.get("KSPSolve", {}).get("time_s", 0.0) + events.get("PCSetUp", {}).get("time_s", 0.0)
    assembly_time = cumulative(stats, lambda f, n: "dolfinx/fem" in f and n in (
        "assemble_matrix", "assemble_vector", "assemble_scalar", "assemble_jacobian", "assemble_residual"))
    python = interpreter_time(stats)
    peak = comm.allreduce(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, op=MPI.MAX)
    if comm.rank != 0:
        return
    data = read_timeseries(directory / "timeseries.csv")
    rejected_before = sum(rejected for step, rejected in zip(data["step"], data["rejected_steps"], strict=True)
                          if step == first_step)
    # the rows of this run (after the checkpoint's step)
    data = {key: [value for step, value in zip(data["step"], values, strict=True)
                  if step > first_step or step == first_step == 0] for key, values in data.items()}
    stats.sort_stats("tottime")
    top = [{"function": f"{Path(f).name}:{line}({name})", "tottime_s": tt, "cumtime_s": ct, "calls": nc}
           for (f, line, name), (_, nc, tt, ct, _) in sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:15]]
    write_json(args.output, {
        "benchmark": "headline (issue #8)", "case": str(args.case), "overrides": args.overrides,
        "stopped_at_mAh_per_cm2": args.capacity,
        "restarted_from": None if args.restart is None else str(args.restart), "label": args.label,
        "git_revision": git_revision(),
        "width_fraction": args.width_fraction, "dofs": dofs,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "processor": platform.processor(),
                    "cpu_count": os.cpu_count()},
        "versions": versions(), "kernel_compile_flags": kernel_compilation.configure(), "ranks": comm.size,
        "status": summary.status,
        "wall_time_s": wall, "process_cpu_time_s": time.process_time(), "setup_s": setup,
        "accepted_steps": summary.steps - first_step,
        "rejected_steps": int(data["rejected_steps"][-1] - rejected_before),
        "final_capacity_mAh_per_cm2": data["capacity_mAh_per_cm2"][-1],
        "newton_iterations": {key: int(sum(data[key])) for key in
                              ("newton_iterations", "void_newton_iterations", "creep_iterations") if key in data},
        "linear_solves": int(events.get("KSPSolve", {}).get("count", 0)),
        "peak_memory_MiB": peak,
        "time_shares": {
            "linear_solves_and_factorisations (PETSc KSPSolve + PCSetUp)": solve_time / wall,
            "assembly (DOLFINx assemble_*)": assembly_time / wall,
            "output (CSV, profiles, fields, checkpoints)": output_time / wall,
            "python_interpreter (cProfile tottime of Python functions)": python / wall,
            "compiled (1 - python_interpreter)": 1.0 - python / wall,
        },
        "creep_iterations_per_step": [int(k) for k in data.get("creep_iterations", [])],  # none without creep
        "factorisations": sum(events.get(name, {}).get("count", 0) for name in ("MatLUFactorNum", "MatCholFctrNum")),
        "creep_factorisations": sum(creep_events.get(name, {}).get("count", 0)
                                    for name in ("MatLUFactorNum", "MatCholFctrNum")),
        "creep_solves": CREEP_SOLVES,
        "results": str(directory), "results_summary": results_summary(directory / "timeseries.csv"),
        "petsc_events": events, "petsc_events_creep_stage": creep_events, "top_functions_by_tottime": top,
    })
    print(f"{summary.steps} steps in {wall:.1f} s; shares written to {args.output}")


if __name__ == "__main__":
    main()
