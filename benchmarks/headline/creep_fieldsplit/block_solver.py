"""An iterative block solver against MUMPS LDL^T on the headline creep matrices at a checkpoint (issue 24, item 1).

Restores ``--checkpoint`` (a checkpoint of a run of ``--case``), assembles the creep Kacanov matrix (viscosity
frozen at the checkpoint's creep state) and the Newton matrix there, and solves each with a random right-hand
side to a relative residual of ``--rtol`` by:

- ``ldlt``: MUMPS LDL^T (the production solver's fresh factorisation: symbolic + numeric + one solve);
- ``schur_<velocity>``: FGMRES preconditioned by PETSc's fieldsplit Schur complement (full factorisation),
  the Schur complement preconditioned by the pressure block of a preconditioning matrix
  P = J - int (1/eta) p q dx (the pressure mass weighted by the inverse viscosity, the standard choice for Stokes
  with a variable viscosity; eta the scaled viscosity of the frozen state, metal and void ersatz alike, and J's own
  void compressibility term), applied by ``--schur-pc`` (jacobi or a MUMPS factorisation of that block, to
  separate the quality of the approximation from its cost); the velocity block by
  ``<velocity>`` = ``gamg`` (smoothed aggregation with the rigid-body near-null space), ``asm`` (additive Schwarz,
  ILU(0) per rank) or ``mumps`` (an exact velocity solve: the Schur approximation alone).

Reports set-up and solve times, outer iterations, the true relative residual and the difference from the LDL^T
solution. JSON with machine, date, versions and revision.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/headline/creep_fieldsplit/block_solver.py \\
        --checkpoint RUN/checkpoints/checkpoint_00000075.h5 --output F.json
"""

import sys  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import time
from pathlib import Path

from mpi4py import MPI

import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem.petsc import assemble_matrix, assign
from petsc4py import PETSc

from phasefield.physics.creep import LENGTH_SCALE, QUADRATURE_DEGREE
from phasefield.solvers.direct_solver import enlarge_pc_workspace

sys.path.insert(0, str(Path(__file__).parent.parent))
from creep_matrices import restored_creep, study_arguments, write_study  # noqa: E402

VELOCITY_SOLVERS = {
    "gamg": {"pc_type": "gamg", "pc_gamg_threshold": 0.01, "mg_levels_ksp_type": "chebyshev",
             "mg_levels_pc_type": "jacobi", "mg_levels_ksp_max_it": 3},
    "asm": {"pc_type": "asm", "pc_asm_overlap": 1, "sub_pc_type": "ilu"},
    "mumps": {"pc_type": "cholesky", "pc_factor_mat_solver_type": "mumps"},
}


def owned_global_dofs(space, subspace) -> PETSc.IS:
    """The global indices of the owned dofs of ``subspace`` (a sub-space of the mixed ``space``)."""
    _, local = subspace.collapse()
    local = np.asarray(local, dtype=np.int64).ravel()  # collapse() gives the unrolled dofs (as a list)
    index_map = space.dofmap.index_map
    owned = local[local < index_map.size_local]
    return PETSc.IS().createGeneral((owned + index_map.local_range[0]).astype(PETSc.IntType), comm=space.mesh.comm)


def inverse_viscosity_preconditioner(jacobian, eta, space, bcs) -> PETSc.Mat:
    """P = ``jacobian`` - int (1/``eta``) p q dx on the creep's mixed ``space`` (scaled units, lengths in um, the
    creep's quadrature degree), assembled with ``bcs``: its pressure block is the 1/eta-weighted pressure mass plus
    the jacobian's own void compressibility, the Schur preconditioner of the fieldsplit studies."""
    _, p = ufl.split(ufl.TrialFunction(space))
    _, q = ufl.split(ufl.TestFunction(space))
    volume = LENGTH_SCALE ** -space.mesh.geometry.dim  # the residual's scaling of dx
    dx = ufl.dx(metadata={"quadrature_degree": QUADRATURE_DEGREE})
    matrix = assemble_matrix(fem.form(jacobian + (-volume / eta) * p * q * dx), bcs=bcs)
    matrix.assemble()
    return matrix


def rigid_body_modes(velocity_space) -> PETSc.NullSpace:
    """Translations and the in-plane rotation on the collapsed velocity space (2-D), orthonormalised: GAMG's
    near-null space of the velocity block (composed with its index set, which PCFIELDSPLIT passes on)."""
    velocity = fem.Function(velocity_space)
    basis = []
    for mode in (lambda x: np.stack([np.ones_like(x[0]), np.zeros_like(x[0])]),
                 lambda x: np.stack([np.zeros_like(x[0]), np.ones_like(x[0])]),
                 lambda x: np.stack([-x[1], x[0]])):
        velocity.interpolate(mode)
        vector = velocity.x.petsc_vec.copy()
        for previous in basis:  # Gram-Schmidt
            vector.axpy(-vector.dot(previous), previous)
        vector.normalize()
        basis.append(vector)
    return PETSc.NullSpace().create(vectors=basis, comm=velocity_space.mesh.comm)


def solve(matrix, preconditioner, rhs, options: dict, splits=None, near_null=None) -> tuple[dict, PETSc.Vec]:
    """Solve ``matrix`` x = ``rhs`` by a KSP with the PETSc ``options`` (under a prefix of its own, removed after),
    preconditioned from ``preconditioner``; ``splits``: the (velocity, pressure) index sets of a fieldsplit, the
    velocity one carrying ``near_null`` for GAMG. Returns set-up and solve times, iterations, the converged reason
    and the true relative residual, and the solution."""
    comm = matrix.comm
    ksp = PETSc.KSP().create(comm)
    ksp.setOperators(matrix, preconditioner)
    prefix = f"bench{id(ksp)}_"
    ksp.setOptionsPrefix(prefix)
    database = PETSc.Options()
    for key, value in options.items():
        database[prefix + key] = value
    ksp.setFromOptions()
    pc = ksp.getPC()
    if splits is not None:
        if near_null is not None:
            splits[0].compose("nearnullspace", near_null)
        pc.setFieldSplitIS(("u", splits[0]), ("p", splits[1]))
    if options.get("pc_type") == "cholesky":
        enlarge_pc_workspace(pc)  # MUMPS's automatic ordering, as in the committed runs (the creep solver: PORD)
    began = time.perf_counter()
    ksp.setUp()
    result, solution = timed_solve(ksp, matrix, rhs, time.perf_counter() - began)
    for key in options:
        del database[prefix + key]
    ksp.destroy()
    return result, solution


def timed_solve(ksp: PETSc.KSP, matrix: PETSc.Mat, rhs: PETSc.Vec, setup: float) -> tuple[dict, PETSc.Vec]:
    """Solve by ``ksp`` (set up in ``setup`` s): set-up and solve times, iterations, the converged reason and the
    true relative residual; and the solution."""
    solution = rhs.duplicate()
    began = time.perf_counter()
    ksp.solve(rhs, solution)
    elapsed = time.perf_counter() - began
    residual = rhs.duplicate()
    matrix.mult(solution, residual)
    residual.axpy(-1.0, rhs)
    result = {"setup_s": setup, "solve_s": elapsed, "total_s": setup + elapsed, "iterations": ksp.getIterationNumber(),
              "converged_reason": int(ksp.getConvergedReason()), "relative_residual": residual.norm() / rhs.norm()}
    return result, solution


def block_study_arguments(description: str, max_it: int, velocity: list[str]):
    """The arguments of a block-solver study: those of every creep study, the Krylov tolerance and limit, and the
    velocity block's solvers (``velocity`` by default)."""
    parser = study_arguments(description)
    parser.add_argument("--rtol", type=float, default=1e-8)
    parser.add_argument("--max-it", type=int, default=max_it)
    parser.add_argument("--velocity", nargs="+", default=velocity, choices=sorted(VELOCITY_SOLVERS))
    return parser


def restored_study(args, comm: MPI.Comm) -> tuple:
    """The simulation at the study's checkpoint, its creep model and the rigid-body near-null space of its
    velocity space."""
    simulation, creep = restored_creep(args, comm)
    velocity_space, _ = creep.space.sub(0).collapse()
    return simulation, creep, rigid_body_modes(velocity_space)


def main() -> None:
    parser = block_study_arguments(__doc__.splitlines()[0], 500, ["mumps", "asm", "gamg"])
    parser.add_argument("--schur-pc", default="jacobi", choices=["jacobi", "mumps"])
    parser.add_argument("--schur-matrix", default="a11", choices=["a11", "selfp"],
                        help="the matrix the Schur complement is preconditioned with: the pressure block of P (the "
                             "1/eta-weighted mass) or PETSc's A11 - A10 diag(A00)^-1 A01")
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    simulation, creep, near_null = restored_study(args, comm)
    space = creep.space
    velocity_space, _ = space.sub(0).collapse()
    results = {}
    for name, (problem, bcs) in creep.operators().items():  # the Kacanov viscosity at the checkpoint's state
        assign(creep.u, problem.x)
        problem.solver.computeJacobian(problem.x, problem.A)
        matrix = problem.A
        state = creep.u if name == "newton" else creep._frozen
        eta = creep._viscosity(ufl.split(state)[0])
        jacobian = ufl.derivative(creep._residual if name == "newton" else creep._picard_residual, creep.u)
        preconditioner = inverse_viscosity_preconditioner(jacobian, eta, space, bcs)
        rhs = matrix.createVecRight()
        rhs.setRandom(PETSc.Random().create(comm))
        results[name] = {"size": matrix.getSize()[0],
                         "velocity_dofs": velocity_space.dofmap.index_map.size_global * velocity_space.dofmap.bs}
        results[name]["pressure_dofs"] = results[name]["size"] - results[name]["velocity_dofs"]
        direct, reference = solve(matrix, matrix, rhs, {"ksp_type": "preonly", "pc_type": "cholesky",
                                                        "pc_factor_mat_solver_type": "mumps"})
        results[name]["ldlt"] = direct
        schur = ({"pc_type": "jacobi"} if args.schur_pc == "jacobi" else
                 {"pc_type": "lu", "pc_factor_mat_solver_type": "mumps"})
        for velocity in args.velocity:
            options = {"ksp_type": "fgmres", "ksp_rtol": args.rtol, "ksp_max_it": args.max_it,
                       "ksp_gmres_restart": 200, "pc_type": "fieldsplit", "pc_fieldsplit_type": "schur",
                       "pc_fieldsplit_schur_fact_type": "full", "pc_fieldsplit_schur_precondition": args.schur_matrix,
                       "fieldsplit_u_ksp_type": "preonly", "fieldsplit_p_ksp_type": "preonly",
                       **{f"fieldsplit_u_{k}": v for k, v in VELOCITY_SOLVERS[velocity].items()},
                       **{f"fieldsplit_p_{k}": v for k, v in schur.items()}}
            # fresh index sets per solver: GAMG's near-null space is composed with the velocity one
            splits = (owned_global_dofs(space, space.sub(0)), owned_global_dofs(space, space.sub(1)))
            result, solution = solve(matrix, preconditioner, rhs, options, splits,
                                     near_null if velocity == "gamg" else None)
            solution.axpy(-1.0, reference)
            result["difference_from_ldlt_relative"] = solution.norm() / reference.norm()
            results[name][f"schur_{velocity}"] = result
            if comm.rank == 0:
                print(name, velocity, result, flush=True)
        if comm.rank == 0:
            print(name, "ldlt", direct, flush=True)
    simulation.close()
    write_study(args.output, "fieldsplit Schur block solver against MUMPS LDL^T on the creep matrices", args, comm,
                results, rtol=args.rtol, schur_pc=args.schur_pc, schur_matrix=args.schur_matrix)


if __name__ == "__main__":
    main()
