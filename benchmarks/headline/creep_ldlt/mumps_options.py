"""MUMPS options for the creep LDL^T on 1 and 2 ranks: factorisation and triangular-solve times per option set.

Why: on the headline the triangular solves of the lagged creep factorisation (GMRES's preconditioner, one per
iteration) are the largest creep item and scale 1.36x from 1 to 2 ranks (docs/performance.md), which holds the
strong efficiency below the 85% of issue 24. Restores ``--checkpoint`` of a run of
``benchmarks/headline/headline_li.toml``, assembles the creep Newton and Kacanov matrices there (as
``factor_sizes.py``), and factorises each with MUMPS LDL^T under the option sets of ``OPTION_SETS`` (ICNTL values
on top of the solver's workspace setting): analysis + factorisation, the median of ``--repeats`` numeric
refactorisations and of as many solves, and the relative difference of each solution from the default's. Run it
on 1 and on 2 ranks and compare the solve medians.

    OMP_NUM_THREADS=1 mpiexec -n 2 .venv/bin/python benchmarks/headline/creep_ldlt/mumps_options.py \\
        --checkpoint RUN/checkpoints/checkpoint_00000075.h5 --output F.json
"""

import sys  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
from pathlib import Path

from mpi4py import MPI

from petsc4py import PETSc

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from creep_matrices import creep_systems, restored_creep, study_arguments, write_study  # noqa: E402
from factor_sizes import factorise  # noqa: E402

#: ICNTL values by name (MUMPS 5.8 user guide): 7 the sequential ordering (0 AMD, 3 SCOTCH, 4 PORD, 5 METIS, 7
#: automatic), 28/29 a parallel analysis with PT-Scotch, 13 = 1 the root front on one process (no ScaLAPACK),
#: 12 the ordering strategy of LDL^T (1 the usual one, 2 compressed on 2x2 pivot candidates), 8 = 0 no scaling.
OPTION_SETS = {
    "default": {},  # MUMPS's automatic choice (METIS here), not the creep solver's setting (PORD since 4baf159)
    "root_without_scalapack": {13: 1},
    "metis": {7: 5},
    "scotch": {7: 3},
    "pord": {7: 4},
    "amd": {7: 0},
    "parallel_ptscotch": {28: 2, 29: 1},
    "metis_root_without_scalapack": {7: 5, 13: 1},
    "pord_usual_ordering": {7: 4, 12: 1},
    "pord_compressed_ordering": {7: 4, 12: 2},
    "pord_without_scaling": {7: 4, 8: 0},
    "pord_root_without_scalapack": {7: 4, 13: 1},
    "pord_diagonal_scaling": {7: 4, 8: 1},
    # block low-rank factors (ICNTL(35) = 2) at the dropping threshold of OPTION_CNTL: an approximate factorisation,
    # which the creep's GMRES takes as its preconditioner anyway
    **{f"pord_blr_{threshold:g}": {7: 4, 35: 2} for threshold in (1e-10, 1e-8, 1e-6, 1e-4)},
}
#: CNTL values of the option sets that have them: CNTL(7), the BLR dropping threshold (relative)
OPTION_CNTL = {f"pord_blr_{threshold:g}": {7: threshold} for threshold in (1e-10, 1e-8, 1e-6, 1e-4)}


def main() -> None:
    parser = study_arguments(__doc__.splitlines()[0], repeats=10)
    parser.add_argument("--sets", nargs="+", choices=OPTION_SETS, default=list(OPTION_SETS),
                        help="the option sets to time (default: all; the first is the solutions' reference)")
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    simulation, creep = restored_creep(args, comm)
    results = {}
    for name, matrix, reassemble, plain in creep_systems(creep):
        rhs = matrix.createVecRight()
        rhs.setRandom(PETSc.Random().create(comm))
        reference = None
        results[name] = {"size": matrix.getSize()[0]}
        for option_set in args.sets:
            icntl = OPTION_SETS[option_set]
            result, solution = factorise(matrix, "cholesky", rhs, args.repeats, reassemble, plain, icntl,
                                         OPTION_CNTL.get(option_set))
            if reference is None:
                reference = solution
            difference = solution.copy()
            difference.axpy(-1.0, reference)
            result["solution_difference_relative"] = difference.norm() / reference.norm()
            result["icntl"] = icntl
            result["cntl"] = OPTION_CNTL.get(option_set, {})
            results[name][option_set] = result
            if comm.rank == 0:
                print(name, option_set, {key: result[key] for key in
                                         ("symbolic_plus_numeric_s", "numeric_s_median", "solve_s_median")},
                      flush=True)
    simulation.close()
    write_study(args.output, "MUMPS options of the creep LDL^T", args, comm, results,
                option_sets={key: {str(k): v for k, v in value.items()} for key, value in OPTION_SETS.items()},
                option_cntl={key: {str(k): v for k, v in value.items()} for key, value in OPTION_CNTL.items()})


if __name__ == "__main__":
    main()
