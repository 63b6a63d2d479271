"""MUMPS LU against LDL^T on the headline creep matrices at a checkpoint: flops, factor entries, time.

Restores ``--checkpoint`` (a checkpoint of a run of ``benchmarks/headline/headline_li.toml``), assembles the
creep Newton matrix (at the checkpoint's creep state) and the Kacanov matrix (viscosity frozen there), checks
that both are symmetric, and factorises each with MUMPS LU and with LDL^T (PETSc's Cholesky on the matrix
flagged symmetric: MUMPS SYM = 2): symbolic + numeric, then ``--repeats`` numeric refactorisations (the
median is reported) and solves; the relative residual and the difference of the LU and LDL^T solutions of a
random right-hand side. Writes JSON with the machine, date, versions and revision.

    OMP_NUM_THREADS=1 mpiexec -n 2 .venv/bin/python benchmarks/headline/creep_ldlt/factor_sizes.py \\
        --checkpoint RUN/checkpoints/checkpoint_00000080.h5 --output F.json
"""

import sys  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import time
from pathlib import Path

from mpi4py import MPI

import numpy as np
from petsc4py import PETSc

from phasefield.solvers.direct_solver import enlarge_pc_workspace

sys.path.insert(0, str(Path(__file__).parent.parent))
from creep_matrices import creep_systems, restored_creep, study_arguments, write_study  # noqa: E402


def factorise(matrix: PETSc.Mat, pc_type: str, rhs: PETSc.Vec, repeats: int, reassemble,
              plain: PETSc.Mat, icntl: dict[int, int] | None = None,
              cntl: dict[int, float] | None = None) -> tuple[dict, PETSc.Vec]:
    """Factorise ``matrix`` (re-assembled by ``reassemble``) with MUMPS (``pc_type`` lu or cholesky; ICNTL(14)
    the solver's and the further ``icntl`` and ``cntl`` values); the residual of the solve of ``rhs`` is computed
    with ``plain``, the same matrix without symmetry flags."""
    comm = matrix.comm
    ksp = PETSc.KSP().create(comm)
    ksp.setOperators(matrix)
    ksp.setType("preonly")
    pc = ksp.getPC()
    pc.setType(pc_type)
    pc.setFactorSolverType("mumps")
    enlarge_pc_workspace(pc)
    factor = pc.getFactorMatrix()
    for key, value in (icntl or {}).items():
        factor.setMumpsIcntl(key, value)
    for key, value in (cntl or {}).items():
        factor.setMumpsCntl(key, value)
    began = time.perf_counter()
    ksp.setUp()
    first = time.perf_counter() - began
    numeric = []
    for _ in range(repeats):
        reassemble()  # the same matrix, assembled again: a numeric refactorisation
        began = time.perf_counter()
        pc.setUp()
        numeric.append(time.perf_counter() - began)
    solution = rhs.duplicate()
    solves = []
    for _ in range(repeats):
        began = time.perf_counter()
        pc.apply(rhs, solution)
        solves.append(time.perf_counter() - began)
    residual = rhs.duplicate()
    plain.mult(solution, residual)
    residual.axpy(-1.0, rhs)
    result = {"symbolic_plus_numeric_s": first, "numeric_s_median": float(np.median(numeric)),
              "solve_s_median": float(np.median(solves)), "relative_residual": residual.norm() / rhs.norm(),
              "flops_RINFOG3": factor.getMumpsRinfog(3), "factor_entries_INFOG29": factor.getMumpsInfog(29),
              "ordering_INFOG7": factor.getMumpsInfog(7), "delayed_pivots_INFOG13": factor.getMumpsInfog(13)}
    ksp.destroy()
    return result, solution


def main() -> None:
    parser = study_arguments(__doc__.splitlines()[0], repeats=5)
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    simulation, creep = restored_creep(args, comm)
    results = {}
    for name, matrix, reassemble, plain in creep_systems(creep):
        # plain: a copy without the symmetric flag (PETSc returns a flagged matrix as its own transpose)
        transpose = plain.copy()
        transpose.transpose()
        transpose.axpy(-1.0, plain)
        asymmetry = transpose.norm(PETSc.NormType.FROBENIUS) / plain.norm(PETSc.NormType.FROBENIUS)
        copy = plain.copy()
        copy.axpy(-1.0, matrix)
        difference = copy.norm(PETSc.NormType.FROBENIUS) / plain.norm(PETSc.NormType.FROBENIUS)
        rhs = matrix.createVecRight()
        rhs.setRandom(PETSc.Random().create(comm))
        lu, x_lu = factorise(matrix, "lu", rhs, args.repeats, reassemble, plain)
        ldlt, x_ldlt = factorise(matrix, "cholesky", rhs, args.repeats, reassemble, plain)
        x_ldlt.axpy(-1.0, x_lu)
        results[name] = {"size": matrix.getSize()[0], "asymmetry_frobenius": asymmetry,
                         "solver_matrix_minus_plain_frobenius": difference,
                         "symmetric_flag": matrix.isSymmetricKnown(), "lu": lu, "ldlt": ldlt,
                         "solution_difference_relative": x_ldlt.norm() / x_lu.norm()}
    simulation.close()
    write_study(args.output, "MUMPS LU against LDL^T on the headline creep matrices", args, comm, results)
    if comm.rank == 0:
        print({name: (r["lu"]["numeric_s_median"], r["ldlt"]["numeric_s_median"]) for name, r in results.items()})


if __name__ == "__main__":
    main()
