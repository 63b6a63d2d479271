"""Is the deviatoric viscous form what defeats the fieldsplit Schur solver on the creep matrices? (issue 24, item 1)

Stokes, Taylor-Hood P2/P1, uniform viscosity, on an L x 1 window with the headline's boundary conditions: v_x = 0 on
the sides, v_y = 0 at the bottom (full contact), traction free top; a smooth body force. Solved by FGMRES (rtol 1e-8)
with PETSc's fieldsplit Schur complement (full factorisation), both blocks by exact LU, the Schur complement
preconditioned by the pressure mass weighted by 1/eta (``a11`` of a preconditioning matrix) or ``selfp``, for the
viscous form of the package, 2 eta (D(v):D(w) - div v div w / 3) (deviatoric), and for 2 eta D(v):D(w) (full).
The deviatoric form is weaker on dilatational rates than the full one (2c^2/3 against 2c^2 on D(v) = c I in 2-D;
coercive, >= D:D / 3); the question is whether that alone spoils the Schur approximation. Writes the outer
iterations and the difference from a direct solve, as JSON.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/headline/creep_fieldsplit/deviatoric_form_check.py \\
        --length 10 --cells 320 --output F.json
"""

import argparse  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import platform
from datetime import UTC, datetime
from pathlib import Path

from mpi4py import MPI

import basix.ufl
import numpy as np
import ufl
from dolfinx import fem
from dolfinx import mesh as dmesh
from dolfinx.fem.petsc import apply_lifting, assemble_matrix, assemble_vector, set_bc
from petsc4py import PETSc

from phasefield.output.metadata import git_revision, write_json


def lu(ksp: PETSc.KSP) -> None:
    ksp.setType("preonly")
    ksp.getPC().setType("lu")
    ksp.getPC().setFactorSolverType("mumps")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=float, default=10.0, help="window length over its height")
    parser.add_argument("--cells", type=int, default=320, help="cells along the window")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    length = args.length
    msh = dmesh.create_rectangle(MPI.COMM_WORLD, [[0.0, 0.0], [length, 1.0]],
                                 [args.cells, max(4, int(2 * args.cells / length))], dmesh.CellType.triangle)
    mixed = basix.ufl.mixed_element([basix.ufl.element("Lagrange", "triangle", 2, shape=(2,)),
                                     basix.ufl.element("Lagrange", "triangle", 1)])
    space = fem.functionspace(msh, mixed)
    (v, p), (w, q) = ufl.TrialFunctions(space), ufl.TestFunctions(space)
    x = ufl.SpatialCoordinate(msh)
    eta = 1.0

    def rate(u):
        return ufl.sym(ufl.grad(u))

    sides = dmesh.locate_entities_boundary(msh, 1, lambda X: np.isclose(X[0], 0.0) | np.isclose(X[0], length))
    bottom = dmesh.locate_entities_boundary(msh, 1, lambda X: np.isclose(X[1], 0.0))
    bcs = [fem.dirichletbc(PETSc.ScalarType(0), fem.locate_dofs_topological(space.sub(0).sub(0), 1, sides),
                           space.sub(0).sub(0)),
           fem.dirichletbc(PETSc.ScalarType(0), fem.locate_dofs_topological(space.sub(0).sub(1), 1, bottom),
                           space.sub(0).sub(1))]
    force = ufl.as_vector([ufl.sin(3 * x[0]) * x[1], ufl.cos(2 * x[0])])
    rhs = fem.form(ufl.inner(force, w) * ufl.dx)
    (_, velocity_dofs), (_, pressure_dofs) = space.sub(0).collapse(), space.sub(1).collapse()
    fields = [(name, PETSc.IS().createGeneral(np.asarray(dofs, dtype=PETSc.IntType)))
              for name, dofs in (("v", velocity_dofs), ("p", pressure_dofs))]
    forms = {"deviatoric": 2 * eta * (ufl.inner(rate(v), rate(w)) - ufl.div(v) * ufl.div(w) / 3),
             "full": 2 * eta * ufl.inner(rate(v), rate(w))}
    results = []
    for name, viscous in forms.items():
        saddle = viscous - p * ufl.div(w) - q * ufl.div(v)
        a = fem.form(saddle * ufl.dx)
        matrix = assemble_matrix(a, bcs)
        matrix.assemble()
        preconditioning = assemble_matrix(fem.form((saddle - p * q / eta) * ufl.dx), bcs)
        preconditioning.assemble()
        b = assemble_vector(rhs)
        apply_lifting(b, [a], [bcs])
        b.ghostUpdate(PETSc.InsertMode.ADD, PETSc.ScatterMode.REVERSE)
        set_bc(b, bcs)
        direct = matrix.createVecRight()
        ksp = PETSc.KSP().create()
        ksp.setOperators(matrix)
        lu(ksp)
        ksp.solve(b, direct)
        for schur in ("a11", "selfp"):
            ksp = PETSc.KSP().create()
            ksp.setOperators(matrix, preconditioning)
            ksp.setType("fgmres")
            ksp.setTolerances(rtol=1e-8, max_it=300)
            pc = ksp.getPC()
            pc.setType("fieldsplit")
            pc.setFieldSplitIS(*fields)
            pc.setFieldSplitType(PETSc.PC.CompositeType.SCHUR)
            pc.setFieldSplitSchurFactType(PETSc.PC.FieldSplitSchurFactType.FULL)
            pc.setFieldSplitSchurPreType(getattr(PETSc.PC.FieldSplitSchurPreType, schur.upper()))
            ksp.setUp()
            velocity, pressure = pc.getFieldSplitSubKSP()
            lu(velocity)
            pressure.setType("gmres")
            pressure.setTolerances(rtol=1e-10)
            pressure.getPC().setType("lu")
            pressure.getPC().setFactorSolverType("mumps")
            solution = matrix.createVecRight()
            ksp.solve(b, solution)
            results.append({"form": name, "schur_preconditioner": schur, "iterations": ksp.getIterationNumber(),
                            "converged_reason": int(ksp.getConvergedReason()),
                            "difference_from_direct": float((solution - direct).norm() / direct.norm())})
            print(results[-1], flush=True)
    write_json(args.output, {"benchmark": __doc__.splitlines()[0], "length": length, "cells": args.cells,
                             "unknowns": int(space.dofmap.index_map.size_global), "results": results,
                             "git_revision": git_revision(), "date": datetime.now(UTC).isoformat(timespec="seconds"),
                             "machine": {"platform": platform.platform(), "cpu_count": MPI.COMM_WORLD.size}})


if __name__ == "__main__":
    main()
