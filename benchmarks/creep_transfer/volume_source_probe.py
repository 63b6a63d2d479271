"""The creep transfer's miss of the volume source before its correction, at each creep solve of a run (a probe).

Wraps ``CreepFlow._conserve_volume_source`` to record (fine - coarse) / fine of the integral of m(phi) s before the
correction (for sinks, s < 0, that is -lambda) (docs/creep.md, "The creep on a coarser mesh"). Usage (repository root):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/creep_transfer/volume_source_probe.py CASE OUTPUT_DIR KEY=VALUE ...

e.g. ``tests/data/tiny_creep.toml /tmp/tiny creep.mesh_coarsening=2``.
"""
import sys  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx

from mpi4py import MPI  # noqa: F401
import numpy as np
from dolfinx import fem

from phasefield import api
from phasefield.physics import creep_flow

values = []
original = creep_flow.CreepFlow._conserve_volume_source


def recording(self):
    comm = self._creep_metal.mesh.comm
    f = {n: comm.allreduce(fem.assemble_scalar(self._source_forms[n])) for n in ("fine", "coarse")}
    original(self)
    values.append((f["fine"], f["coarse"], (f["fine"] - f["coarse"]) / f["fine"] if f["fine"] else 0.0))


creep_flow.CreepFlow._conserve_volume_source = recording
case, out = sys.argv[1], sys.argv[2]
api.Simulation(case, overrides=dict(a.split("=", 1) for a in sys.argv[3:])).run(out, overwrite=True, progress=False)
rel = np.array([v[2] for v in values])
print("evaluations", len(values), "relative missing (fine-coarse)/fine: first", rel[:3], "last", rel[-3:],
      "min", rel.min(), "max", rel.max())
