"""A weighted BFBt Schur complement for the creep saddle point, against MUMPS LDL^T (issue 24, item 1).

The block study of ``block_solver.py`` found that the textbook Schur approximation of variable-viscosity Stokes, the
pressure mass weighted by 1/eta, needs hundreds of iterations on the headline's creep matrices even with exact block
solves. The BFBt family is built for large viscosity contrasts. With the creep matrix [[A, B^T], [B, -C]] (A the
viscous block, B = -div, C the void ersatz's compressibility), the Schur complement S = -C - B A^-1 B^T is
approximated, C left out, by

    S^-1 ~ -(B D_l^-1 B^T)^-1 (B D_l^-1 A D_r^-1 B^T) (B D_r^-1 B^T)^-1

(Elman et al. 2006; May & Moresi 2008 with D = diag(A), "scaled BFBt"; Rudi, Stadler & Ghattas, SIAM J. Sci.
Comput. 39, S272, 2017 with D_l = D_r = the velocity mass weighted by sqrt(eta), "w-BFBt", robust to 1e10
contrasts in their tests). Here D is diagonal: ``--weight diag`` diag(A), ``--weight sqrt_eta`` the diagonal of the
velocity mass weighted by sqrt(eta) (P2 triangles: row sums of a mass matrix vanish at the vertices, so the
diagonal rather than lumping). C is left out: where a void is open it is of the size of B A^-1 B^T (both ~ 1/eta_v),
a factor of at most ~2 in the preconditioned spectrum; in the checkpoints studied (the cap 0.1) it is zero.

FGMRES on the whole matrix, preconditioned by PETSc's fieldsplit Schur complement (full factorisation); the velocity
block by ``--velocity`` (mumps: exact, which isolates the quality of the Schur approximation; gamg; asm), the two
pressure Poisson-like solves with L = B D^-1 B^T by ``--poisson`` (mumps or gamg). Restores ``--checkpoint`` of a run
of ``--case`` and assembles the Kacanov (viscosity frozen at the checkpoint) and Newton matrices there, as
``block_solver.py`` (``--newtonian``: the Kacanov matrix at the reference viscosity instead, a control at uniform
metal viscosity); a random right-hand side; JSON with machine, date, versions and revision.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/headline/creep_fieldsplit/bfbt.py \\
        --checkpoint RUN/checkpoints/checkpoint_00000075.h5 --weight sqrt_eta diag --output F.json
"""

import sys  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import time
from pathlib import Path

from mpi4py import MPI

import ufl
from dolfinx import fem
from dolfinx.fem.petsc import assemble_matrix, assign
from petsc4py import PETSc

sys.path.insert(0, str(Path(__file__).parent.parent))
sys.path.insert(0, str(Path(__file__).parent))
from block_solver import VELOCITY_SOLVERS, block_study_arguments, owned_global_dofs, restored_study, timed_solve  # noqa: E402
from creep_matrices import write_study  # noqa: E402

POISSON_SOLVERS = {
    "mumps": {"ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps"},
    "gamg": {"ksp_type": "preonly", "pc_type": "gamg", "pc_gamg_threshold": 0.02, "mg_levels_ksp_type": "chebyshev",
             "mg_levels_pc_type": "jacobi", "mg_levels_ksp_max_it": 3},
}


def inner_ksp(matrix: PETSc.Mat, options: dict, prefix: str, near_null=None) -> PETSc.KSP:
    """A KSP on ``matrix`` configured from ``options`` under its own options prefix."""
    ksp = PETSc.KSP().create(matrix.comm)
    ksp.setOperators(matrix)
    ksp.setOptionsPrefix(prefix)
    database = PETSc.Options()
    for key, value in options.items():
        database[prefix + key] = value
    if near_null is not None:
        matrix.setNearNullSpace(near_null)
    ksp.setFromOptions()
    ksp.setUp()
    return ksp


class BFBt:
    """The Schur complement's preconditioner (a PETSc python PC): y = -L_l^-1 B D^-1 A D^-1 B^T L_r^-1 x, with one
    diagonal D on both sides, so L_l = L_r = L = B D^-1 B^T and the two Poisson solves share one set-up."""

    def __init__(self, viscous: PETSc.Mat, gradient: PETSc.Mat, divergence: PETSc.Mat, weight: PETSc.Vec,
                 poisson: dict, prefix: str):
        self.viscous, self.gradient, self.divergence = viscous, gradient, divergence
        self.inverse_weight = weight.copy()
        self.inverse_weight.reciprocal()
        scaled = gradient.copy()
        scaled.diagonalScale(L=self.inverse_weight)  # D^-1 B^T
        self.laplacian = divergence.matMult(scaled)  # B D^-1 B^T
        self.poisson = inner_ksp(self.laplacian, poisson, prefix)
        self.velocity_a, self.velocity_b = viscous.createVecs()
        self.pressure = divergence.createVecLeft()
        self.poisson_iterations = 0

    def apply(self, pc, x: PETSc.Vec, y: PETSc.Vec) -> None:
        self.poisson.solve(x, self.pressure)
        self.gradient.mult(self.pressure, self.velocity_a)
        self.velocity_a.pointwiseMult(self.velocity_a, self.inverse_weight)
        self.viscous.mult(self.velocity_a, self.velocity_b)
        self.velocity_b.pointwiseMult(self.velocity_b, self.inverse_weight)
        self.divergence.mult(self.velocity_b, self.pressure)
        self.poisson.solve(self.pressure, y)
        y.scale(-1.0)


def weight_vector(creep, state, kind: str, velocity_is: PETSc.IS, viscous: PETSc.Mat) -> PETSc.Vec:
    """The diagonal D on the velocity dofs: diag(A), or the diagonal of the sqrt(eta)-weighted velocity mass."""
    if kind == "diag":
        return viscous.getDiagonal()
    v, _ = ufl.split(ufl.TrialFunction(creep.space))
    w, _ = ufl.split(ufl.TestFunction(creep.space))
    eta = creep._viscosity(ufl.split(state)[0])
    dx = ufl.dx(metadata={"quadrature_degree": 4})
    mass = assemble_matrix(fem.form(ufl.sqrt(eta) * ufl.inner(v, w) * dx))
    mass.assemble()
    whole = mass.getDiagonal()
    part = whole.getSubVector(velocity_is)
    diagonal = part.copy()
    whole.restoreSubVector(velocity_is, part)
    # Dirichlet rows of A are identity rows with zero columns in B^T: any positive weight serves there
    array = diagonal.getArray()
    array[array <= 0.0] = array[array > 0.0].min() if (array > 0.0).any() else 1.0
    diagonal.setArray(array)
    return diagonal


def main() -> None:
    parser = block_study_arguments(__doc__.splitlines()[0], 300, ["mumps"])
    parser.add_argument("--poisson", nargs="+", default=["mumps"], choices=sorted(POISSON_SOLVERS))
    parser.add_argument("--weight", nargs="+", default=["sqrt_eta", "diag"], choices=["sqrt_eta", "diag"])
    parser.add_argument("--matrices", nargs="+", default=["kacanov", "newton"], choices=["kacanov", "newton"])
    parser.add_argument("--newtonian", action="store_true",
                        help="the Kacanov matrix at the metal's reference viscosity (a cold start's first iteration): "
                             "a control at uniform metal viscosity")
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    simulation, creep, near_null = restored_study(args, comm)
    space = creep.space
    results = {}
    for name, (problem, _) in creep.operators().items():
        if name not in args.matrices:
            continue
        assign(creep.u, problem.x)
        creep.picard_blend.value = 0.0 if args.newtonian and name == "kacanov" else 1.0
        problem.solver.computeJacobian(problem.x, problem.A)
        matrix = problem.A
        state = creep.u if name == "newton" else creep._frozen
        rhs = matrix.createVecRight()
        rhs.setRandom(PETSc.Random().create(comm))
        velocity_is, pressure_is = owned_global_dofs(space, space.sub(0)), owned_global_dofs(space, space.sub(1))
        viscous = matrix.createSubMatrix(velocity_is, velocity_is)
        gradient = matrix.createSubMatrix(velocity_is, pressure_is)
        divergence = matrix.createSubMatrix(pressure_is, velocity_is)
        reference = rhs.duplicate()
        direct = inner_ksp(matrix, {"ksp_type": "preonly", "pc_type": "cholesky",
                                    "pc_factor_mat_solver_type": "mumps"}, f"ref{name}_")
        direct.solve(rhs, reference)
        results[name] = {"size": matrix.getSize()[0], "velocity_dofs": viscous.getSize()[0]}
        for weight_kind in args.weight:
            weight = weight_vector(creep, state, weight_kind, velocity_is, viscous)
            for poisson in args.poisson:
                schur = BFBt(viscous, gradient, divergence, weight, POISSON_SOLVERS[poisson],
                             f"bfbt{name}{weight_kind}{poisson}_")
                for velocity in args.velocity:
                    result = solve(matrix, rhs, reference, schur, velocity, velocity_is, pressure_is, near_null, args,
                                   f"{name}{weight_kind}{poisson}{velocity}_")
                    key = f"bfbt_{weight_kind}_poisson_{poisson}_velocity_{velocity}"
                    results[name][key] = result
                    if comm.rank == 0:
                        print(name, key, result, flush=True)
    simulation.close()
    write_study(args.output, "fieldsplit Schur with a weighted BFBt Schur approximation against MUMPS LDL^T on the "
                "creep matrices", args, comm, results, rtol=args.rtol, newtonian=args.newtonian)


def solve(matrix, rhs, reference, schur: BFBt, velocity: str, velocity_is, pressure_is, near_null, args,
          prefix: str) -> dict:
    """FGMRES with fieldsplit Schur (full), the Schur block by ``schur``: iterations, residual, times, error."""
    ksp = PETSc.KSP().create(matrix.comm)
    ksp.setOperators(matrix)
    ksp.setOptionsPrefix(prefix)
    options = {"ksp_type": "fgmres", "ksp_rtol": args.rtol, "ksp_max_it": args.max_it, "ksp_gmres_restart": 300,
               "pc_type": "fieldsplit", "pc_fieldsplit_type": "schur", "pc_fieldsplit_schur_fact_type": "full",
               "pc_fieldsplit_schur_precondition": "a11",
               "fieldsplit_u_ksp_type": "preonly", "fieldsplit_p_ksp_type": "preonly",
               **{f"fieldsplit_u_{k}": v for k, v in VELOCITY_SOLVERS[velocity].items()}}
    database = PETSc.Options()
    for key, value in options.items():
        database[prefix + key] = value
    ksp.setFromOptions()
    pc = ksp.getPC()
    if velocity == "gamg":
        velocity_is.compose("nearnullspace", near_null)
    pc.setFieldSplitIS(("u", velocity_is), ("p", pressure_is))
    began = time.perf_counter()
    pc.setUp()
    _, schur_ksp = pc.getFieldSplitSubKSP()
    schur_pc = schur_ksp.getPC()
    schur_pc.setType(PETSc.PC.Type.PYTHON)
    schur_pc.setPythonContext(schur)
    ksp.setUp()
    result, solution = timed_solve(ksp, matrix, rhs, time.perf_counter() - began)
    solution.axpy(-1.0, reference)
    result["difference_from_ldlt_relative"] = solution.norm() / reference.norm()
    for key in options:
        del database[prefix + key]
    ksp.destroy()
    return result


if __name__ == "__main__":
    main()
