"""The creep Jacobian's assembly: what the kernels cost against the matrix insertion, and the C compiler flags of the
generated kernels (issue 24).

Restores ``--checkpoint`` (a checkpoint of a run of ``--case``), and times (median of ``--repeats``) the assembly into a
preallocated matrix, with the creep's Dirichlet rows, of: a mass form on the creep's mixed space at the creep's
quadrature degree (the insertion and the loop, almost no kernel work), the Kacanov Jacobian and the Newton
(stress-velocity) Jacobian; then the Newton Jacobian and the residual compiled with each of ``--flags`` (CFFI's extra
compile arguments; DOLFINx's default is "-O2 -g0"). JSON with machine, date, versions and revision.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/headline/creep_assembly/assembly_flags.py \\
        --checkpoint RUN/checkpoints/checkpoint_00000100.h5 --output F.json
"""

import sys  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import time
from pathlib import Path

from mpi4py import MPI

import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem.petsc import assemble_matrix, assemble_vector, assign, create_matrix

from phasefield.physics.creep import QUADRATURE_DEGREE

sys.path.insert(0, str(Path(__file__).parent.parent))
from creep_matrices import restored_creep, study_arguments, write_study  # noqa: E402


def matrix_time(form: fem.Form, bcs, repeats: int) -> float:
    """The median wall time (s) of assembling ``form`` into its matrix with ``bcs``."""
    matrix = create_matrix(form)
    times = []
    for _ in range(repeats):
        matrix.zeroEntries()
        start = time.perf_counter()
        assemble_matrix(matrix, form, bcs=bcs)
        matrix.assemble()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def vector_time(form: fem.Form, repeats: int) -> float:
    """The median wall time (s) of assembling ``form`` into its vector."""
    vector = assemble_vector(form)
    times = []
    for _ in range(repeats):
        with vector.localForm() as local:
            local.set(0.0)
        start = time.perf_counter()
        assemble_vector(vector, form)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> None:
    parser = study_arguments(__doc__.splitlines()[0], repeats=20)
    parser.add_argument("--flags", nargs="+", default=["-O2 -g0", "-O3 -march=native -g0"])
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    simulation, creep = restored_creep(args, comm)
    problem, bcs = creep.operators()["newton"]
    assign(creep.u, problem.x)
    trial, test = ufl.TrialFunction(creep.space), ufl.TestFunction(creep.space)
    mass = ufl.inner(trial, test) * ufl.dx(metadata={"quadrature_degree": QUADRATURE_DEGREE})
    results = {"matrix_assembly_s": {
        name: matrix_time(fem.form(form), bcs, args.repeats) for name, form in
        (("mass_form", mass), ("kacanov_jacobian", ufl.derivative(creep._picard_residual, creep.u)),
         ("newton_jacobian", creep._newton_jacobian()))}}
    results["by_flags"] = {}
    for flags in args.flags:
        options = {"cffi_extra_compile_args": flags.split()}
        results["by_flags"][flags] = {
            "newton_jacobian_s": matrix_time(fem.form(creep._newton_jacobian(), jit_options=options), bcs,
                                             args.repeats),
            "residual_s": vector_time(fem.form(creep._residual, jit_options=options), args.repeats)}
    if comm.rank == 0:
        print(results, flush=True)
    simulation.close()
    write_study(args.output, "the creep Jacobian's assembly: kernels against insertion, and compiler flags", args, comm,
                results, flags=args.flags, repeats=args.repeats)


if __name__ == "__main__":
    main()
