"""phasefield: the metal anode / solid electrolyte interface during stripping and plating.

Data flows one way: case -> mesh -> fields -> coupled step -> outputs. Import `mpi4py.MPI`
before anything that loads PETSc or DOLFINx; the sub-packages that need them do so themselves.
"""

__version__ = "0.1.0"
