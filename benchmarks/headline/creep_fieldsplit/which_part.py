"""Which part of the headline's creep system defeats the fieldsplit Schur preconditioner? (issue 24, item 1)

Restores ``--checkpoint`` (a checkpoint of a run of ``--case``), assembles the creep Kacanov matrix there (viscosity
frozen at the checkpoint's creep state) with parts of the system replaced by simple ones, and solves it with a random
right-hand side by FGMRES (rtol 1e-8) preconditioned by PETSc's fieldsplit Schur complement (full factorisation) with
exact blocks: MUMPS on the velocity block and on the Schur preconditioner, the pressure block of
P = J - int (1/eta) p q dx (the 1/eta-weighted pressure mass plus J's own void compressibility). Only the Schur
approximation is judged. The parts:

- the viscosity: the frozen power law (``power_law``) or the metal's reference viscosity (``newtonian``, the
  ``picard_blend`` = 0 of a cold start; the void ersatz kept);
- the voids: the checkpoint's metal fraction, or phi = 1 everywhere (``no_voids``: no ersatz, no compressibility);
- the contact: the checkpoint's unilateral set, or every interface facet in contact (``full_contact``);
- ``--clip R``: the power-law viscosity without voids clipped to [eta_ref / R, R eta_ref] (the contrast alone).

The viscosity without voids is the metal law at the checkpoint's flow, whose void ersatz flows fast: the cells the
voids occupied keep a soft metal law. The JSON gives its range over all cells, those of the metal (phi >= 1/2 at the
midpoint) and those of the voids.

Reports outer iterations, the true relative residual and the difference from a MUMPS LU solve; the frozen viscosity's
range (cell midpoints); JSON with machine, date, versions and revision.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/headline/creep_fieldsplit/which_part.py \\
        --checkpoint RUN/checkpoints/checkpoint_00000100.h5 --clip 10 100 1000 10000 --output F.json
"""

import sys  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
from pathlib import Path

from mpi4py import MPI

import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem.petsc import assemble_matrix, assign
from petsc4py import PETSc

from phasefield.physics.creep import LENGTH_SCALE, QUADRATURE_DEGREE, _rate_tensor, deviatoric_product

sys.path.insert(0, str(Path(__file__).parent.parent))
sys.path.insert(0, str(Path(__file__).parent))
from block_solver import inverse_viscosity_preconditioner, owned_global_dofs, solve  # noqa: E402
from creep_matrices import restored_creep, study_arguments, write_study  # noqa: E402

#: name: (Newtonian metal, no voids, full contact)
VARIANTS = {
    "newtonian_no_voids_full_contact": (True, True, True),
    "newtonian_no_voids": (True, True, False),
    "newtonian": (True, False, False),
    "power_law_no_voids_full_contact": (False, True, True),
    "power_law_no_voids": (False, True, False),
    "power_law": (False, False, False),
}
#: the metal's reference viscosity in the creep's scaled units (eta_ref = 1/3: module docstring of physics/creep.py)
REFERENCE = 1.0 / 3.0


def schur_options(max_it: int) -> dict:
    """FGMRES with fieldsplit Schur (full), both blocks by MUMPS LU, the Schur block preconditioned by ``a11``."""
    return {"ksp_type": "fgmres", "ksp_rtol": 1e-8, "ksp_max_it": max_it, "ksp_gmres_restart": 300,
            "pc_type": "fieldsplit", "pc_fieldsplit_type": "schur", "pc_fieldsplit_schur_fact_type": "full",
            "pc_fieldsplit_schur_precondition": "a11", "fieldsplit_u_ksp_type": "preonly",
            "fieldsplit_p_ksp_type": "preonly", "fieldsplit_u_pc_type": "lu",
            "fieldsplit_u_pc_factor_mat_solver_type": "mumps", "fieldsplit_p_pc_type": "lu",
            "fieldsplit_p_pc_factor_mat_solver_type": "mumps"}


def judged(matrix, preconditioner, space, comm, max_it: int) -> dict:
    """The exact-block Schur solve of ``matrix`` (Schur block from ``preconditioner``) against MUMPS LU."""
    rhs = matrix.createVecRight()
    rhs.setRandom(PETSc.Random().create(comm))
    _, reference = solve(matrix, matrix, rhs, {"ksp_type": "preonly", "pc_type": "lu",
                                               "pc_factor_mat_solver_type": "mumps"})
    splits = (owned_global_dofs(space, space.sub(0)), owned_global_dofs(space, space.sub(1)))
    result, solution = solve(matrix, preconditioner, rhs, schur_options(max_it), splits)
    solution.axpy(-1.0, reference)
    result["difference_from_lu_relative"] = solution.norm() / reference.norm()
    return result


def main() -> None:
    parser = study_arguments(__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--clip", nargs="*", type=float, default=[])
    parser.add_argument("--max-it", type=int, default=300)
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    simulation, creep = restored_creep(args, comm)
    flow = simulation.models.flow.flow
    flow._phi.interpolate(flow._source)  # the checkpoint's metal fraction (refreshed at a solve otherwise)
    metal_fraction, in_contact = flow._phi.x.array.copy(), flow.in_contact.copy()
    space = creep.space
    results = {"released_facets": comm.allreduce(int(np.count_nonzero(~in_contact)), op=MPI.SUM),
               "smallest_metal_fraction": comm.allreduce(float(metal_fraction.min()), op=MPI.MIN)}

    def setup(newtonian: bool, no_voids: bool, full_contact: bool):
        creep.picard_blend.value = 0.0 if newtonian else 1.0
        flow._phi.x.array[:] = 1.0 if no_voids else metal_fraction
        creep.set_contact(flow._facets if full_contact else flow._facets[in_contact])
        problem, bcs = creep.operators()["kacanov"]
        assign(creep.u, problem.x)
        return problem, bcs

    for name in args.variants:
        problem, bcs = setup(*VARIANTS[name])
        problem.solver.computeJacobian(problem.x, problem.A)
        eta = creep._viscosity(ufl.split(creep._frozen)[0])
        preconditioner = inverse_viscosity_preconditioner(ufl.derivative(creep._picard_residual, creep.u), eta,
                                                          space, bcs)
        results[name] = judged(problem.A, preconditioner, space, comm, args.max_it)
        if comm.rank == 0:
            print(name, results[name], flush=True)

    problem, bcs = setup(False, True, False)
    frozen = creep._viscosity(ufl.split(creep._frozen)[0])
    cells = fem.functionspace(space.mesh, ("DG", 0))
    owned = cells.dofmap.index_map.size_local

    def at_midpoints(expression) -> np.ndarray:
        values = fem.Function(cells)
        values.interpolate(fem.Expression(expression, cells.element.interpolation_points))
        return np.concatenate(comm.allgather(values.x.array[:owned]))

    viscosity = at_midpoints(frozen) / REFERENCE
    flow._phi.x.array[:] = metal_fraction
    metal = at_midpoints(flow._phi) >= 0.5  # the cells the checkpoint's metal occupies (the rest: its voids)
    flow._phi.x.array[:] = 1.0
    # the frozen flow is the checkpoint's, whose void ersatz flows fast: the metal law is soft in those cells
    results["power_law_no_voids_viscosity_over_reference"] = {
        name: {"cells": int(np.count_nonzero(where)), "min": float(viscosity[where].min()),
               "max": float(viscosity[where].max()),
               "quantiles_1_10_50_90_99": np.quantile(viscosity[where], [0.01, 0.1, 0.5, 0.9, 0.99]).tolist()}
        for name, where in (("all_cells", np.ones_like(metal)), ("metal_cells", metal), ("void_cells", ~metal))}
    v, pressure = ufl.split(creep.u)
    w, test = ufl.TestFunctions(space)
    dv, dw = _rate_tensor(v), _rate_tensor(w)
    volume = LENGTH_SCALE ** -space.mesh.geometry.dim  # the residual's scaling of dx (lengths in um)
    dx = ufl.dx(metadata={"quadrature_degree": QUADRATURE_DEGREE})
    for ratio in args.clip:  # physics/creep.py's Kacanov form at phi = 1 (written out here), its viscosity clipped
        eta = ufl.min_value(ufl.max_value(frozen, REFERENCE / ratio), REFERENCE * ratio)
        residual = volume * (2.0 * eta * deviatoric_product(dv, dw) - pressure * ufl.tr(dw) - test * ufl.tr(dv)) * dx
        jacobian = ufl.derivative(residual, creep.u)
        matrix = assemble_matrix(fem.form(jacobian), bcs=bcs)
        matrix.assemble()
        preconditioner = inverse_viscosity_preconditioner(jacobian, eta, space, bcs)
        results[f"power_law_no_voids_clipped_{ratio:g}"] = judged(matrix, preconditioner, space, comm, args.max_it)
        if comm.rank == 0:
            print("clip", ratio, results[f"power_law_no_voids_clipped_{ratio:g}"], flush=True)
    flow._phi.x.array[:] = metal_fraction
    simulation.close()
    write_study(args.output, "which part of the creep system defeats the exact-block fieldsplit Schur solver", args,
                comm, results, max_it=args.max_it, clip=args.clip)


if __name__ == "__main__":
    main()
