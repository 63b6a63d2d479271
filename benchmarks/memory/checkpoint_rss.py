"""Memory of repeated checkpointing: does the resident set size stay flat over many writes?

Each iteration solves a small Poisson problem on the electrolyte (-div grad u = s, u = 0 at the
bottom; forms built once, only s changes), writes a checkpoint of six fields on both submeshes
(scalar, vector and mixed spaces), prunes to the two newest, and every ``--read-every`` iterations
restores all fields from the latest one. The resident set size of every rank is sampled after each
iteration; the JSON records the samples (MiB, maximum over ranks), the growth after warm-up and the
slope of a straight-line fit over the second half, with the machine, date and versions.

    OMP_NUM_THREADS=1 .venv/bin/mpiexec -n 2 .venv/bin/python benchmarks/memory/checkpoint_rss.py
"""

import argparse  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import platform
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from mpi4py import MPI

import basix.ufl
import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem.petsc import LinearProblem

from phasefield.case.schema import Mesh
from phasefield.mesh import FacetTag, WindowSpec, build_interface_window
from phasefield.output.checkpoint import (
    checkpoint_path,
    latest_checkpoint,
    prune_checkpoints,
    read_checkpoint,
    write_checkpoint,
)
from phasefield.output.metadata import versions, write_json
from rss import resident_mib  # benchmarks/memory/rss.py, next to this script


def window_fields(comm: MPI.Comm, cells: int):
    mesh = Mesh.model_validate(dict(
        width="40 um", metal_height="20 um", electrolyte_height="40 um", cells_along_interface=cells,
        metal_cells=cells // 2, electrolyte_cells=cells, interface_cell_height="0.25 um"))
    window = build_interface_window(comm, WindowSpec(**mesh.model_dump()))
    electrolyte, metal = window.electrolyte.mesh, window.metal.mesh
    p1 = basix.ufl.element("Lagrange", metal.basix_cell(), 1)
    p2_vector = basix.ufl.element("Lagrange", metal.basix_cell(), 2, shape=(2,))
    spaces = {
        "electrolyte_potential": fem.functionspace(electrolyte, ("Lagrange", 1)),
        "electrolyte_flux": fem.functionspace(electrolyte, ("Lagrange", 2, (2,))),
        "metal_fraction": fem.functionspace(metal, ("Lagrange", 2)),
        "metal_displacement": fem.functionspace(metal, ("Lagrange", 1, (2,))),
        "metal_voids": fem.functionspace(metal, basix.ufl.mixed_element([p1, p1])),
        "metal_creep": fem.functionspace(metal, basix.ufl.mixed_element([p2_vector, p1])),
    }
    return window, {name: fem.Function(space, name=name) for name, space in spaces.items()}


def poisson(window, u: fem.Function) -> tuple[LinearProblem, fem.Constant]:
    space, sub = u.function_space, window.electrolyte
    source = fem.Constant(sub.mesh, 1.0)
    trial, test = ufl.TrialFunction(space), ufl.TestFunction(space)
    bottom = fem.locate_dofs_topological(space, 1, sub.facet_tags.find(FacetTag.ELECTROLYTE_BOTTOM))
    bc = fem.dirichletbc(0.0, bottom, space)
    problem = LinearProblem(ufl.inner(ufl.grad(trial), ufl.grad(test)) * ufl.dx, source * test * ufl.dx,
                            u=u, bcs=[bc], petsc_options_prefix="checkpoint_rss_",
                            petsc_options={"ksp_type": "cg", "pc_type": "jacobi", "ksp_rtol": 1e-10})
    return problem, source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--cells", type=int, default=32)
    parser.add_argument("--read-every", type=int, default=10)
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "checkpoint_rss.json")
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    window, functions = window_fields(comm, args.cells)
    rng = np.random.default_rng(comm.rank)
    for function in functions.values():
        function.x.array[:] = rng.random(function.x.array.size)
        function.x.scatter_forward()
    problem, source = poisson(window, functions["electrolyte_potential"])
    directory = Path(comm.bcast(tempfile.mkdtemp(prefix="checkpoint_rss_") if comm.rank == 0 else None))
    rss, write_seconds, read_seconds = [], [], []
    for step in range(args.iterations):
        source.value = 1.0 + 0.1 * np.sin(step)
        problem.solve()
        start = time.perf_counter()
        state = {"step": step, "rng": rng.bit_generator.state}
        write_checkpoint(checkpoint_path(directory, step), functions, state, comm)
        write_seconds.append(time.perf_counter() - start)
        if comm.rank == 0:
            prune_checkpoints(directory, keep=2)
        comm.barrier()
        if step % args.read_every == args.read_every - 1:
            start = time.perf_counter()
            read_checkpoint(latest_checkpoint(directory), functions, comm)
            read_seconds.append(time.perf_counter() - start)
        rss.append(comm.allreduce(resident_mib(), op=MPI.MAX))
    file_mib = checkpoint_path(directory, args.iterations - 1).stat().st_size / 2**20
    peak = comm.allreduce(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, op=MPI.MAX)
    if comm.rank == 0:
        prune_checkpoints(directory, keep=1)
        checkpoint_path(directory, args.iterations - 1).unlink()
        directory.rmdir()
        half = args.iterations // 2
        slope = np.polyfit(np.arange(half, args.iterations), rss[half:], 1)[0]
        warm = min(10, args.iterations - 1)
        write_json(args.output, {
            "benchmark": "checkpoint_rss",
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "host": platform.node(),
            "machine": f"{platform.system()} {platform.machine()} {platform.processor()}".strip(),
            "versions": versions(),
            "mpi_ranks": comm.size,
            "iterations": args.iterations,
            "read_every": args.read_every,
            "global_dofs": {name: f.function_space.dofmap.index_map.size_global
                            * f.function_space.dofmap.index_map_bs for name, f in functions.items()},
            "checkpoint_file_MiB": round(file_mib, 3),
            "mean_write_s": float(np.mean(write_seconds)),
            "mean_read_s": float(np.mean(read_seconds)) if read_seconds else None,
            "rss_MiB_max_over_ranks": [round(r, 2) for r in rss],
            "rss_growth_after_warmup_MiB": round(rss[-1] - rss[warm], 3),
            "rss_slope_second_half_KiB_per_iteration": round(1024.0 * slope, 3),
            "peak_rss_MiB_max_over_ranks": round(peak, 2),
        })


if __name__ == "__main__":
    main()
