"""An augmented-Lagrangian Schur preconditioner on the headline's creep matrices (issue 24, item 1; one rank).

The creep system [[A, B^T], [B, -C]] (A the viscous block, B the divergence, C the void ersatz's compressibility) is
augmented with gamma B^T W^-1 times its mass rows, W the lumped 1/eta-weighted pressure mass (a diagonal):

.. math::

    (A + \\gamma B^T W^{-1} B)\\,v + (B^T - \\gamma B^T W^{-1} C)\\,p = f + \\gamma B^T W^{-1} g,

the same solution. Its Schur complement obeys -S_gamma^-1 = (S_0 + C)^-1 (I + gamma S_0 W^-1) with S_0 = B A^-1 B^T
(exact), so with S_0 ~ W and C ~ its lumped diagonal C_l the Schur preconditioner is the diagonal
-(W + C_l) / (1 + gamma) (``--weight mass_and_compressibility``: W + C_l augments, and the diagonal is
-(W + C_l) / (1 + gamma W / (W + C_l))); where C = 0 the approximation's error is diluted by gamma (Benzi &
Olshanskii 2006; for extreme viscosity contrasts Shih, Stadler & Wechsung, SIAM J. Sci. Comput. 2023). Solved by
FGMRES (rtol 1e-8) with fieldsplit Schur (full factorisation), the augmented velocity block by MUMPS LU (exact: only
the Schur approximation is judged; in 3-D the augmented block needs a multigrid built for it; ``--velocity gamg``:
one GAMG V-cycle instead), the Schur block by that diagonal. Variants:
the Kacanov or Newton matrix at ``--checkpoint``; with the checkpoint's voids or phi = 1 (``no_voids``); the void
ersatz's viscosity scaled by ``--void-viscosity-factor`` (1: the package's, 1e-2 eta_min).

A random right-hand side of the augmented system; reports outer iterations, the true relative residual and the
difference from a MUMPS LU solve of the same system; JSON with machine, date, versions and revision.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/headline/creep_fieldsplit/augmented_lagrangian.py \\
        --checkpoint RUN/checkpoints/checkpoint_00000100.h5 --gammas 0 10 100 1000 --output F.json
"""

import sys  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
from pathlib import Path

from mpi4py import MPI

import ufl
from dolfinx import fem
from dolfinx.fem.petsc import assemble_vector, assign
from petsc4py import PETSc

from phasefield.physics.creep import LENGTH_SCALE, QUADRATURE_DEGREE

sys.path.insert(0, str(Path(__file__).parent.parent))
sys.path.insert(0, str(Path(__file__).parent))
from block_solver import VELOCITY_SOLVERS, owned_global_dofs, rigid_body_modes, timed_solve  # noqa: E402
from creep_matrices import restored_creep, study_arguments, write_study  # noqa: E402


def augmented(matrix: PETSc.Mat, velocity: PETSc.IS, pressure: PETSc.IS, inverse_weight: PETSc.Vec,
              gamma: float) -> PETSc.Mat:
    """The augmented system of the module docstring as one AIJ matrix, velocity rows first (one rank)."""
    a, bt, b, minus_c = (matrix.createSubMatrix(rows, columns) for rows, columns in
                         ((velocity, velocity), (velocity, pressure), (pressure, velocity), (pressure, pressure)))
    if gamma > 0.0:
        weighted = bt.copy()
        weighted.diagonalScale(R=inverse_weight)
        pattern = PETSc.Mat.Structure.DIFFERENT_NONZERO_PATTERN
        a.axpy(gamma, weighted.matMult(b), structure=pattern)
        bt.axpy(gamma, weighted.matMult(minus_c), structure=pattern)
    return PETSc.Mat().createNest([[a, bt], [b, minus_c]], comm=matrix.comm).convert("aij")


def pressure_part(vector: PETSc.Vec, pressure: PETSc.IS) -> PETSc.Vec:
    """A copy of the entries of ``vector`` at the ``pressure`` indices."""
    part = vector.getSubVector(pressure)
    copy = part.copy()
    vector.restoreSubVector(pressure, part)
    return copy


def diagonal(values: PETSc.Vec) -> PETSc.Mat:
    """A diagonal AIJ matrix."""
    size = values.getSize()
    result = PETSc.Mat().createAIJ([size, size], nnz=1, comm=values.comm)
    result.setDiagonal(values)
    result.assemble()
    return result


def schur_solve(system: PETSc.Mat, velocity_size: int, schur: PETSc.Mat, max_it: int, velocity: str = "lu",
                near_null: PETSc.NullSpace | None = None) -> dict:
    """FGMRES with fieldsplit Schur (full): the velocity block by MUMPS LU (``velocity`` "lu") or one application of
    a preconditioner of ``block_solver.VELOCITY_SOLVERS`` (GAMG with the rigid-body ``near_null`` space), the Schur
    block by ``schur`` (diagonal, Jacobi: exact); against MUMPS LU of ``system``."""
    comm = system.comm
    size = system.getSize()[0]
    rhs = system.createVecRight()
    rhs.setRandom(PETSc.Random().create(comm))
    reference = rhs.duplicate()
    direct = PETSc.KSP().create(comm)
    direct.setOperators(system)
    direct.setType("preonly")
    direct.getPC().setType("lu")
    direct.getPC().setFactorSolverType("mumps")
    direct.solve(rhs, reference)
    ksp = PETSc.KSP().create(comm)
    ksp.setOperators(system)
    ksp.setType("fgmres")
    ksp.setTolerances(rtol=1e-8, max_it=max_it)
    ksp.setGMRESRestart(300)
    pc = ksp.getPC()
    pc.setType("fieldsplit")
    velocity_is = PETSc.IS().createStride(velocity_size, 0, 1, comm=comm)
    if near_null is not None:
        velocity_is.setBlockSize(2)  # (v_x, v_y) of a node together in GAMG's aggregates (2-D; collapsed order)
        velocity_is.compose("nearnullspace", near_null)
    pc.setFieldSplitIS(("u", velocity_is),
                       ("p", PETSc.IS().createStride(size - velocity_size, velocity_size, 1, comm=comm)))

    pc.setFieldSplitType(PETSc.PC.CompositeType.SCHUR)
    pc.setFieldSplitSchurFactType(PETSc.PC.FieldSplitSchurFactType.FULL)
    pc.setFieldSplitSchurPreType(PETSc.PC.FieldSplitSchurPreType.USER, schur)
    ksp.setUp()
    velocity_ksp, pressure_ksp = pc.getFieldSplitSubKSP()
    velocity_ksp.setType("preonly")
    if velocity == "lu":
        velocity_ksp.getPC().setType("lu")
        velocity_ksp.getPC().setFactorSolverType("mumps")
    else:
        prefix = f"al{id(ksp)}_u_"
        velocity_ksp.setOptionsPrefix(prefix)
        database = PETSc.Options()
        for key, value in VELOCITY_SOLVERS[velocity].items():
            database[prefix + key] = value
        velocity_ksp.setFromOptions()
        for key in VELOCITY_SOLVERS[velocity]:
            del database[prefix + key]
    pressure_ksp.setType("preonly")
    pressure_ksp.getPC().setType("jacobi")
    result, solution = timed_solve(ksp, system, rhs, 0.0)
    solution.axpy(-1.0, reference)
    result["difference_from_lu_relative"] = solution.norm() / reference.norm()
    return result


def main() -> None:
    parser = study_arguments(__doc__.splitlines()[0])
    parser.add_argument("--gammas", nargs="+", type=float, default=[0.0, 10.0, 100.0, 1000.0])
    parser.add_argument("--matrices", nargs="+", default=["kacanov", "newton"], choices=["kacanov", "newton"])
    parser.add_argument("--voids", nargs="+", default=["no_voids", "voids"], choices=["no_voids", "voids"])
    parser.add_argument("--void-viscosity-factor", type=float, default=1.0)
    parser.add_argument("--max-it", type=int, default=300)
    parser.add_argument("--weight", default="mass", choices=["mass", "mass_and_compressibility"],
                        help="W of the augmentation: the lumped 1/eta mass, or that plus the lumped compressibility")
    parser.add_argument("--velocity", default="lu", choices=["lu", *sorted(VELOCITY_SOLVERS)],
                        help="the augmented velocity block: MUMPS LU (exact) or one application of GAMG/ASM")
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    if comm.size != 1:
        parser.error("one rank: the augmented system is assembled with the velocity rows first")
    simulation, creep = restored_creep(args, comm)
    flow = simulation.models.flow.flow
    flow._phi.interpolate(flow._source)
    metal_fraction = flow._phi.x.array.copy()
    coefficients = creep._coefficients
    coefficients["eta_void"].value = coefficients["eta_void"].value * args.void_viscosity_factor
    space = creep.space
    q = ufl.split(ufl.TestFunction(space))[1]
    volume = LENGTH_SCALE ** -space.mesh.geometry.dim
    dx = ufl.dx(metadata={"quadrature_degree": QUADRATURE_DEGREE})
    velocity, pressure = owned_global_dofs(space, space.sub(0)), owned_global_dofs(space, space.sub(1))
    near_null = rigid_body_modes(space.sub(0).collapse()[0]) if args.velocity == "gamg" else None
    results = {"void_viscosity_over_reference": 3.0 * float(coefficients["eta_void"].value),
               "velocity_block": args.velocity, "weight": args.weight}
    for voids in args.voids:
        flow._phi.x.array[:] = metal_fraction if voids == "voids" else 1.0
        for name in args.matrices:
            problem, _ = creep.operators()[name]
            assign(creep.u, problem.x)
            problem.solver.computeJacobian(problem.x, problem.A)
            eta = creep._viscosity(ufl.split(creep.u if name == "newton" else creep._frozen)[0])
            lumped = [pressure_part(assemble_vector(fem.form(volume * form * q * dx)), pressure)
                      for form in (1.0 / eta, (1.0 - coefficients["solid"]) / coefficients["eta_void"])]
            weight, compressibility = lumped
            total = weight.copy()
            total.axpy(1.0, compressibility)
            augmenting = total if args.weight == "mass_and_compressibility" else weight
            inverse_weight = augmenting.copy()
            inverse_weight.reciprocal()
            share = weight.copy()  # gamma S_0 W^-1 ~ gamma W_l / (the augmenting weight)
            share.pointwiseDivide(weight, augmenting)
            for gamma in args.gammas:
                system = augmented(problem.A, velocity, pressure, inverse_weight, gamma)
                factor = share.copy()
                factor.scale(gamma)
                factor.shift(1.0)
                schur = total.copy()  # -(W + C_l) / (1 + gamma W / (the augmenting weight))
                schur.pointwiseDivide(schur, factor)
                schur.scale(-1.0)
                key = f"{name}_{voids}_gamma_{gamma:g}"
                results[key] = schur_solve(system, velocity.getSize(), diagonal(schur), args.max_it, args.velocity,
                                           near_null)
                print(key, results[key], flush=True)
    flow._phi.x.array[:] = metal_fraction
    simulation.close()
    write_study(args.output, "augmented-Lagrangian fieldsplit Schur solver on the creep matrices", args, comm,
                results, gammas=args.gammas, void_viscosity_factor=args.void_viscosity_factor, max_it=args.max_it,
                velocity=args.velocity, weight=args.weight)


if __name__ == "__main__":
    main()
