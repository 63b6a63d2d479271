"""Void growth under injection: the void area after T_END for several steps, with the phase rows'
stabilisation reference phi^n or extrapolated (docs/voids.md, "Time scheme").
Usage: python benchmarks/void_time_scheme/growth.py [T_END_S]"""
# ruff: noqa: E402  (mpi4py before dolfinx, and the repository on the path)
import sys
import time
from pathlib import Path

from mpi4py import MPI

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import numpy as np
import ufl
from dolfinx import fem

from phasefield.constants import FARADAY
from phasefield.generic.free_energy import well_and_gradient_coefficients
from phasefield.physics.vacancies import EV, VacancyProperties
from phasefield.physics.voids import STABILIZATION, VacancyVoidSystem
from phasefield.verification.windows import metal_window

T_END = float(sys.argv[1]) if len(sys.argv) > 1 else 360.0
GAMMA, OMEGA, DELTA, TAU = 0.42, 12.97e-6, 0.5e-6, 1.0
PROPERTIES = VacancyProperties(298.15, 1e-4, 8e-15, 100e-6, 0.03 * EV, 0.22 * EV, 0.51 * EV)
WELL, _ = well_and_gradient_coefficients(GAMMA, DELTA)
WINDOW = metal_window(8e-6, 6e-6, 64, 48)
INJECTION = 5.0 * OMEGA / FARADAY  # 0.5 mA/cm2


def void_area(dt: float, extrapolated: bool) -> float:
    """The void area (um^2) after T_END s with steps dt."""
    system = VacancyVoidSystem(WINDOW.metal, PROPERTIES, OMEGA, GAMMA, DELTA, np.deg2rad(93.6), 1.0 / (WELL * TAU),
                               stabilization=STABILIZATION, extrapolated_stabilization=extrapolated, top="sink_layer")
    system.set_state(lambda x: 0.5 * (1 + np.tanh((np.hypot(x[0] - 4e-6, x[1]) - 1.0e-6) / DELTA)),
                     lambda x: 0 * x[0])
    system.injection.x.array[:] = INJECTION
    t = 0.0
    while t < T_END - 1e-9:
        step = min(dt, T_END - t)
        system.step(step)
        t += step
    area = fem.form((1 - system.u.sub(0)) * ufl.dx)
    return MPI.COMM_WORLD.allreduce(fem.assemble_scalar(area)) * 1e12


reference = void_area(0.25, False)
print(f"T = {T_END} s, reference (dt 0.25 s, phi* = phi^n): void area {reference:.4f} um^2", flush=True)
for dt in [72, 36, 18, 9, 4.5]:
    row = []
    for extrapolated in (False, True):
        start = time.perf_counter()
        error = void_area(dt, extrapolated) - reference
        label = "extrapolated" if extrapolated else "phi^n"
        row.append(f"{label}: error {error:+.4f} um^2 ({time.perf_counter() - start:.0f} s)")
    print(f"dt {dt:5.1f} s: " + " | ".join(row), flush=True)
