"""Closure rate of a quarter interface void against the void ersatz viscosity (docs/creep.md, "The void
ersatz"). Usage: python benchmarks/creep_closure/ersatz_sweep.py [PRESSURE_PA] [CELLS] [DELTA_M]."""
# ruff: noqa: E402  (mpi4py first, then the test helpers from tests/physics)
import sys
import time
from pathlib import Path

from mpi4py import MPI  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "physics"), str(ROOT)]
import numpy as np
import ufl
from test_creep import holed_square, hollow_cylinder_rate, quarter_void, square

from phasefield.physics.creep import PowerLawCreep
from phasefield.verification.creep import LI
from phasefield.verification.norms import integral

stack = float(sys.argv[1]) if len(sys.argv) > 1 else 0.2e6
cells = int(sys.argv[2]) if len(sys.argv) > 2 else 32
delta = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2e-6
radius, size = 2e-6, 8e-6
outer = np.sqrt(4.0 * size**2 / np.pi)
hole = holed_square(radius, size, 24)
sharp = PowerLawCreep(hole, LI, stack)
sharp.solve()
hole_area = size**2 - integral(1.0 * ufl.dx(domain=hole.mesh))
sharp_rate = sharp.top_inflow() / hole_area
estimate = hollow_cylinder_rate(LI, stack, np.sqrt(4 * hole_area / np.pi), outer)
caps = sharp.caps()
print(f"p={stack:.2e} Pa hole/estimate={sharp_rate / estimate:.4f} eta_min={caps['min_viscosity']:.3e} Pa s")
window = square(cells, size)
phi = quarter_void(window, radius, delta)
for ratio in [1e2, 1e1, 1e0, 1e-1, 1e-2, 1e-3, 1e-4]:
    start = time.perf_counter()
    creep = PowerLawCreep(window.metal, LI, stack, phi=phi, void_viscosity=ratio * caps["min_viscosity"])
    iterations = creep.solve()
    rate = -creep.void_area_rate() / creep.void_area()
    print(f"eta_v/eta_min={ratio:.0e} rate/hole={rate / sharp_rate:.4f} rate/estimate={rate / estimate:.4f} "
          f"(Picard, Newton)={iterations} {time.perf_counter() - start:.1f} s", flush=True)
