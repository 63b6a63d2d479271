"""Surface diffusion on void surfaces (docs/voids.md, "Surface diffusion"): the two exploratory studies behind
the tables there, on closed windows (90 degree contact: mirror planes), no sinks, no injection, tau = 1 ms.

    python benchmarks/surface_diffusion/study.py resolution   # Mullins rate vs cells per delta (delta = 0.5 um)
    python benchmarks/surface_diffusion/study.py slit 6 20    # slit voids of these aspect ratios: split or not

``resolution``: a sinusoid of wavelength 8 and 16 um, D_s = 1e-8 m2/s, the early decay rate of its projection
(while above e^-1.5 of the start) over B k^4 at 2.5, 4 and 8 cells per delta. ``slit``: a quarter of a slit void
1 um thick (mirror planes x = 0 and y = 0), delta = 0.25 um at 4 cells per delta, D_s = 1e-8 m2/s, 2.5 um of metal
above it and 2 um beyond its tip; prints the number of void runs on the axis y = 0 (2 or more: a split), the tip
and the void's top, in units of a^4 / B (a = 0.5 um), until a split or 400 a^4 / B.
"""

import sys
import time

from mpi4py import MPI  # noqa: F401  (before DOLFINx)

# isort: split
import numpy as np
import ufl
from dolfinx import fem

from phasefield.generic.free_energy import well_and_gradient_coefficients
from phasefield.physics.vacancies import EV, VacancyProperties
from phasefield.physics.voids import VacancyVoidSystem
from phasefield.solvers.failures import SolverFailure
from phasefield.verification.voids import GAMMA, OMEGA
from phasefield.verification.windows import metal_window

NO_SINKS = VacancyProperties(298.15, 1e-4, 7e-15, 1.0, 0.03 * EV, 0.22 * EV, 0.51 * EV)
SURFACE_DIFFUSIVITY = 1e-8


def window_system(width, height, delta, cells_per_delta, phi):
    win = metal_window(width, height, round(width / delta * cells_per_delta), round(height / delta * cells_per_delta))
    well, _ = well_and_gradient_coefficients(GAMMA, delta)
    system = VacancyVoidSystem(win.metal, NO_SINKS, OMEGA, GAMMA, delta, np.pi / 2, 1.0 / (well * 1e-3),
                               surface_diffusivity=SURFACE_DIFFUSIVITY)
    system.set_state(phi, lambda x: 0 * x[0])
    return system, win.metal.mesh


def resolution(wavelength: float, cells_per_delta: float, delta: float = 0.5e-6, per_step: float = 0.05) -> None:
    k, height = 2 * np.pi / wavelength, 4e-6
    system, mesh = window_system(wavelength / 2, height, delta, cells_per_delta, lambda x: 0.5 * (
        1 + np.tanh((height / 2 + 0.1e-6 * np.cos(k * x[0]) - x[1]) / delta)))
    projection = fem.form(system.u.sub(0) * ufl.cos(k * ufl.SpatialCoordinate(mesh)[0]) * ufl.dx)
    expected = system.mullins_coefficient * k**4
    dt = per_step / expected
    amplitude = [fem.assemble_scalar(projection)]
    for _ in range(40):
        system.step(dt)
        amplitude.append(fem.assemble_scalar(projection))
    amplitude = np.array(amplitude) / amplitude[0]
    early = (np.arange(amplitude.size) >= 2) & (amplitude > np.exp(-1.5))
    slope = np.polyfit(dt * np.flatnonzero(early), np.log(amplitude[early]), 1)[0]
    rate = (np.exp(-slope * dt) - 1) / dt
    print(f"lambda {wavelength * 1e6:.0f} um, {cells_per_delta} cells per delta: rate / B k^4 = {rate / expected:.3f}, "
          f"lowest A/A0 {amplitude.min():.3f}", flush=True)


def slit(aspect: float, delta: float = 0.25e-6, half_thickness: float = 0.5e-6) -> None:
    a = half_thickness
    half = aspect * a
    width, height = half + 2.0e-6, a + 2.5e-6

    def phi(x):
        distance = np.where(x[0] < half - a, x[1] - a, np.hypot(x[0] - (half - a), x[1]) - a)
        return 0.5 * (1 + np.tanh(distance / delta))

    system, _ = window_system(width, height, delta, 4, phi)
    unit = a**4 / system.mullins_coefficient
    owned = system.phi_space.dofmap.index_map.size_local
    points = system.phi_space.tabulate_dof_coordinates()[:owned]
    axis = np.flatnonzero(np.abs(points[:, 1]) < 1e-12)
    axis = axis[np.argsort(points[axis, 0])]

    def state():
        values = system.u.x.array[system.phi_dofs[:owned]]
        void = values[axis] < 0.5
        runs = int(void[0]) + int(np.sum(np.diff(void.astype(int)) == 1))
        return runs, points[axis[void], 0].max(initial=0.0), points[values < 0.5, 1].max(initial=0.0)

    t, dt, start, reported = 0.0, 0.05 * unit, time.time(), -1
    runs = 1
    while t < 400 * unit and runs < 2:
        try:
            system.step(dt)
        except SolverFailure:
            dt /= 2
            continue
        t += dt
        dt = min(1.15 * dt, 200 * unit)
        runs, tip, top = state()
        if int(4 * np.log10(t / unit)) != reported or runs > 1:
            reported = int(4 * np.log10(t / unit))
            print(f"aspect {aspect:g}: t = {t / unit:7.1f} a^4/B, void runs on the axis {runs}, "
                  f"tip {tip * 1e6:.2f} um, top {top * 1e6:.2f} um ({time.time() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "resolution":
        for wavelength in (8e-6, 16e-6):
            for cells in (2.5, 4, 8):
                resolution(wavelength, cells)
    else:
        for value in sys.argv[2:]:
            slit(float(value))
