"""Solver plumbing shared by every layer: typed solver failures and PETSc/MUMPS helpers (no physics)."""
