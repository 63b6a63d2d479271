"""The electrochemistry sub-model: electrolyte potential and metal potential, under the applied current or
with the overpotential held.

Solves the contact-limited Butler-Volmer problem of :mod:`phasefield.physics.electrochemistry` at
the end of each step, with the contact a(x) from the metal fraction of the contact sub-model and the
equilibrium potential U(x_Mg) of the interdiffusion sub-model; parameters from the metal, electrolyte
and counter-electrode sets and ``[solver]``. Reports the cell voltage E_metal - U_counter, the
overpotential E_metal - U(bulk x_Mg) and the interface current. A hold (``StepConditions.overpotential``)
fixes E_metal = U(bulk x_Mg) + eta and solves for psi alone; its mean interface current density is then
:attr:`Electrochemistry.mean_current_density`, which the clock integrates. A step at its own temperature
(``StepConditions.temperature``) changes F/RT and the Arrhenius conductivity of the electrolyte (with the
series resistance) in place; the exchange current density has no temperature dependence here.
"""

from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from dolfinx import fem

from phasefield.case import ResolvedCase
from phasefield.output.interface_profile import InterfaceProfile
from phasefield.physics.electrochemistry import (
    ButlerVolmer,
    GalvanostaticElectrolyte,
    series_resistance,
)
from phasefield.submodels.base import Column, InterfaceFields, StepConditions, SubModel
from phasefield.thermal_activation import arrhenius_from_reference
from phasefield.units import si_factor

#: how far (in Newton tolerances) a hold's current may be from the estimate it was solved at: the mean current
#: is accurate to about one tolerance, so the passes of a hold's step (coupling.simulation) can settle
HOLD_SLACK = 100.0


class Electrochemistry(SubModel):
    """psi and Phi_m under the applied current (or psi under a held overpotential); the interface current
    density for the other sub-models."""

    columns = (
        Column("cell_voltage_V", "working (metal) minus counter electrode potential", "V", "V"),
        Column("overpotential_V", "cell voltage minus its open-circuit value (>0 when stripping)", "V", "V"),
        Column("contact_fraction", "mean metal fraction on the interface"),
        Column("max_current_density_mA_per_cm2", "largest local interface current density magnitude",
               "mA/cm^2", "A/m^2"),
        Column("current_focusing", "max local / applied current density magnitude"),
        Column("newton_iterations", "Newton iterations of the electrochemistry solve"),
    )

    def __init__(self, system: GalvanostaticElectrolyte, interface: InterfaceFields, counter_potential: float,
                 bulk_equilibrium_potential: float, tolerances: tuple[float, float, int],
                 electrolyte_at: Callable[[float], tuple[float, float]]):
        """``electrolyte_at(T)``: the conductivity (S/m) and series resistance (Ohm m^2) at T (K)."""
        self.system = system
        self._electrolyte_at = electrolyte_at
        self.counter_potential = counter_potential
        self.bulk_equilibrium_potential = bulk_equilibrium_potential
        self._tolerances = tolerances
        self._to_electrolyte = interface.to_electrolyte
        space = system.function_space
        #: the local interface current density (A/m^2) of the last solve
        self.current_density = fem.Function(space, name="interface_current_density")
        self._current_expression = fem.Expression(system.interface_current, space.element.interpolation_points)
        self._eta = fem.Function(space, name="interface_overpotential")
        self._eta_expression = fem.Expression(system.eta, space.element.interpolation_points)
        self.profile = InterfaceProfile(space, interface.window.electrolyte)
        self._solution = None

    @classmethod
    def build(cls, resolved: ResolvedCase, interface: InterfaceFields, equilibrium_potential,
              bulk_equilibrium_potential: float) -> "Electrochemistry":
        """From the metal, electrolyte and counter-electrode sets, ``[cell]``, ``[mesh]`` and ``[solver]``;
        ``equilibrium_potential`` is U on the interface (a number or a UFL expression of x_Mg)."""
        case = resolved.case
        metal, counter = resolved.parameters("metal"), resolved.parameters("counter_electrode")
        kinetics = ButlerVolmer(metal["exchange_current_density"], metal["anodic_transfer_coefficient"],
                                metal["cathodic_transfer_coefficient"], case.cell.temperature)
        at = partial(electrolyte_at, resolved)
        window = interface.window
        system = GalvanostaticElectrolyte(
            window.electrolyte, kinetics, *at(case.cell.temperature),
            window.interface_area, surface_area=window.surface_area, contact_floor=case.solver.contact_floor,
            equilibrium_potential=equilibrium_potential,
        )
        solver = case.solver
        return cls(system, interface, counter["equilibrium_potential"], bulk_equilibrium_potential,
                   (solver.relative_tolerance, solver.absolute_tolerance, solver.max_iterations), at)

    def set_temperature(self, temperature: float) -> None:
        """F/RT, the conductivity and the series resistance at ``temperature`` (K), if it changed."""
        if temperature != self.system.kinetics.temperature:
            self.system.set_temperature(temperature, *self._electrolyte_at(temperature))

    def solve(self, step: StepConditions, metal_fraction: fem.Function) -> None:
        """Contact a = metal fraction on the interface, then (psi, Phi_m) at ``step.current_density``, or
        psi at Phi_m = U_bulk + ``step.overpotential`` for a hold."""
        self._to_electrolyte(metal_fraction, self.system.contact)
        if step.temperature is not None:
            self.set_temperature(step.temperature)
        if step.overpotential is None:
            self.system.apply_current(step.current_density)
        else:
            self.system.hold_metal_potential(self.bulk_equilibrium_potential + step.overpotential)
        self._solution = self.system.solve(*self._tolerances)
        self.current_density.interpolate(self._current_expression)

    @property
    def mean_current_density(self) -> float:
        """The mean interface current density (A/m^2, > 0 strips) of the last solve: the applied one, or
        the answer of a hold."""
        return self._solution.current_density

    def answers(self, current_density: float) -> bool:
        """Whether the mean current of the last solve is ``current_density`` (A/m^2) to ``HOLD_SLACK`` x the
        tolerance of its Newton iteration (rtol max(|i|, i0) + atol)."""
        rtol, atol, _ = self._tolerances
        scale = max(abs(current_density), self.system.kinetics.exchange_current_density)
        return abs(self.mean_current_density - current_density) <= HOLD_SLACK * (rtol * scale + atol)

    def values(self, step: StepConditions) -> dict[str, float]:
        metal_potential = self._solution.metal_potential
        max_current = self.profile.max_abs(self.current_density.x.array)
        return {
            "cell_voltage_V": metal_potential - self.counter_potential,
            "overpotential_V": metal_potential - self.bulk_equilibrium_potential,
            "contact_fraction": self.system.contact_fraction(),
            "max_current_density_mA_per_cm2": max_current,
            "current_focusing": max_current / abs(step.current_density) if step.current_density else 0.0,
            "newton_iterations": self._solution.iterations,
        }

    def write_profile(self, path: Path, header: str) -> None:
        """Current density, contact, interface overpotential and electrolyte potential along the interface."""
        self._eta.interpolate(self._eta_expression)
        self.profile.write(path, {
            "current_density_mA_per_cm2": self.current_density.x.array * si_factor("A/m^2", "mA/cm^2"),
            "contact": self.system.contact.x.array,
            "interface_overpotential_V": self._eta.x.array,
            "electrolyte_potential_V": self.system.psi.x.array,
        }, header)

    def fields(self) -> dict[str, list[fem.Function]]:
        return {"electrolyte": [self.system.psi]}

    def checkpoint_fields(self) -> dict[str, fem.Function]:
        return {"electrolyte_potential": self.system.psi}

    def checkpoint_state(self) -> dict:
        return {"metal_potential": float(self.system.metal_potential.value)}

    def restart(self, state: dict) -> None:
        self.system.metal_potential.value = state["metal_potential"]

    def snapshot(self) -> tuple[np.ndarray, float]:
        return self.system.psi.x.array.copy(), float(self.system.metal_potential.value)

    def restore(self, snapshot: tuple[np.ndarray, float]) -> None:
        self.system.psi.x.array[:], self.system.metal_potential.value = snapshot

    def close(self) -> None:
        self.system = None



def electrolyte_at(resolved: ResolvedCase, temperature: float) -> tuple[float, float]:
    """The Arrhenius conductivity (S/m) of the electrolyte set at ``temperature`` (K) and the series
    resistance (Ohm m^2) of the pellet below the window and the counter electrode with it."""
    electrolyte, counter = resolved.parameters("electrolyte"), resolved.parameters("counter_electrode")
    conductivity = arrhenius_from_reference(
        electrolyte["conductivity"], electrolyte["conductivity_reference_temperature"],
        electrolyte["conductivity_activation_energy"], temperature,
    )
    return conductivity, series_resistance(electrolyte["pellet_thickness"], resolved.case.mesh.electrolyte_height,
                                           conductivity, counter["area_specific_resistance"])
