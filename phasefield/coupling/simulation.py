"""The coupled run: build the window and sub-models from a case, then march through the protocol.

Per time step, in this order (the coupler is the only place that knows it):

1. protocol clock: dt from the limits, advance time and capacity;
2. contact: the metal fraction on the metal mesh (prescribed by the case until a void model sets
   it), transferred onto the interface of the electrolyte mesh;
3. electrochemistry: electrolyte potential and metal potential under the applied current;
4. outputs: a CSV row every step, fields and interface profiles at the configured cadence.
"""

import logging
import time as wallclock
from dataclasses import dataclass
from pathlib import Path

from dolfinx import fem
from mpi4py import MPI

from phasefield.case import ResolvedCase
from phasefield.coupling.interface_transfer import InterfaceTransfer
from phasefield.coupling.protocol_clock import ProtocolState, finished_reason, next_time_step
from phasefield.mesh import build_interface_window
from phasefield.output.fields import FieldWriter
from phasefield.output.interface_profile import InterfaceProfile
from phasefield.output.timeseries import TimeSeriesWriter
from phasefield.physics.contact import PrescribedVoids, full_contact
from phasefield.physics.electrochemistry import (
    ButlerVolmer,
    GalvanostaticElectrolyte,
    electrolyte_conductivity,
    series_resistance,
)

log = logging.getLogger(__name__)

TO_MAH_PER_CM2 = 1.0 / 36000.0  # (C/m^2) -> mAh/cm^2
TO_MA_PER_CM2 = 0.1  # (A/m^2) -> mA/cm^2


@dataclass(frozen=True)
class RunSummary:
    """How a run ended."""

    status: str
    step_end_reasons: list[str]
    steps: int
    final_row: dict
    wall_time_s: float


class Simulation:
    """A case turned into meshes, sub-models and writers, ready to :meth:`run`."""

    def __init__(self, resolved: ResolvedCase, comm: MPI.Comm, output_dir: Path):
        case = resolved.case
        self.case, self.comm, self.output_dir = case, comm, output_dir
        self.window = build_interface_window(comm, case.mesh)
        metal = resolved.parameters("metal")
        electrolyte = resolved.parameters("electrolyte")
        counter = resolved.parameters("counter_electrode")
        temperature = case.cell.temperature

        conductivity = electrolyte_conductivity(
            electrolyte["conductivity"], electrolyte["conductivity_reference_temperature"],
            electrolyte["conductivity_activation_energy"], temperature,
        )
        self.kinetics = ButlerVolmer(
            metal["exchange_current_density"], metal["anodic_transfer_coefficient"],
            metal["cathodic_transfer_coefficient"], temperature,
        )
        self.electrochemistry = GalvanostaticElectrolyte(
            self.window.electrolyte, self.kinetics, conductivity,
            series_resistance(electrolyte["pellet_thickness"], case.mesh.electrolyte_height,
                              conductivity, counter["area_specific_resistance"]),
            self.window.interface_area, contact_floor=case.solver.contact_floor,
        )
        self.counter_potential = counter["equilibrium_potential"]
        self.bulk_equilibrium_potential = 0.0  # U of the bulk metal vs Li (Li: 0)

        self.metal_space = fem.functionspace(self.window.metal.mesh, ("Lagrange", 1))
        self.metal_fraction = fem.Function(self.metal_space, name="metal_fraction")
        self.transfer = InterfaceTransfer(
            self.metal_space, self.electrochemistry.function_space, self.window.electrolyte
        )
        self.contact_model = self._contact_model()

        space = self.electrochemistry.function_space
        self.current_density = fem.Function(space, name="interface_current_density")
        self._current_expression = fem.Expression(
            self.electrochemistry.interface_current, space.element.interpolation_points
        )
        self._eta = fem.Function(space, name="interface_overpotential")
        self._eta_expression = fem.Expression(
            self.electrochemistry.eta, space.element.interpolation_points
        )
        self.profile = InterfaceProfile(space, self.window.electrolyte)
        self.state = ProtocolState()

    def _contact_model(self):
        contact = self.case.contact
        if contact.model == "full":
            return None
        return PrescribedVoids(
            self.window.interface_area / (self.case.mesh.depth or 1.0), contact.void_count,
            contact.void_aspect_ratio, contact.edge_width, tuple(contact.capacity),
            tuple(contact.fraction),
        )

    def update_contact(self) -> None:
        """Metal fraction for the current capacity, then onto the electrolyte's interface."""
        if self.contact_model is None:
            self.metal_fraction.interpolate(full_contact)
        else:
            axis = self.window.normal_axis
            capacity = self.state.capacity
            self.metal_fraction.interpolate(
                lambda x: self.contact_model.metal_fraction(x, capacity, axis)
            )
        self.transfer(self.metal_fraction, self.electrochemistry.contact)

    def solve_step(self, step_index: int, protocol_index: int, dt: float,
                   current_density: float) -> dict:
        """Update contact, solve the electrochemistry, and return the CSV row."""
        self.update_contact()
        self.electrochemistry.applied_current_density.value = current_density
        solution = self.electrochemistry.solve(
            self.case.solver.relative_tolerance, self.case.solver.absolute_tolerance,
            self.case.solver.max_iterations,
        )
        self.current_density.interpolate(self._current_expression)
        max_current = self.profile.max_abs(self.current_density.x.array)
        return {
            "step": step_index,
            "protocol_step": protocol_index,
            "time_s": self.state.time,
            "dt_s": dt,
            "capacity_mAh_per_cm2": self.state.capacity * TO_MAH_PER_CM2,
            "step_capacity_mAh_per_cm2": self.state.step_capacity * TO_MAH_PER_CM2,
            "current_density_mA_per_cm2": current_density * TO_MA_PER_CM2,
            "cell_voltage_V": solution.metal_potential - self.counter_potential,
            "overpotential_V": solution.metal_potential - self.bulk_equilibrium_potential,
            "contact_fraction": self.electrochemistry.contact_fraction(),
            "max_current_density_mA_per_cm2": max_current * TO_MA_PER_CM2,
            "current_focusing": max_current / abs(current_density) if current_density else 0.0,
            "newton_iterations": solution.iterations,
        }

    def write_profile(self, index: int) -> None:
        self._eta.interpolate(self._eta_expression)
        header = (f"time_s={self.state.time:.6e} capacity_mAh_per_cm2="
                  f"{self.state.capacity * TO_MAH_PER_CM2:.6e}")
        self.profile.write(
            self.output_dir / "interface" / f"profile_{index:05d}.csv",
            {
                "current_density_mA_per_cm2": self.current_density.x.array * TO_MA_PER_CM2,
                "contact": self.electrochemistry.contact.x.array,
                "interface_overpotential_V": self._eta.x.array,
                "electrolyte_potential_V": self.electrochemistry.psi.x.array,
            },
            header,
        )

    def run(self, progress=None) -> RunSummary:
        """March through the protocol; ``progress(row, fraction_of_step, step)`` is called per step."""
        start = wallclock.perf_counter()
        (self.output_dir / "interface").mkdir(exist_ok=True)
        (self.output_dir / "fields").mkdir(exist_ok=True)
        csv = TimeSeriesWriter(self.output_dir / "timeseries.csv", self.comm)
        electrolyte_fields = FieldWriter(self.output_dir / "fields" / "electrolyte.pvd",
                                         [self.electrochemistry.psi])
        metal_fields = FieldWriter(self.output_dir / "fields" / "metal.pvd", [self.metal_fraction])
        output = self.case.output
        steps = self.case.protocol.steps
        row = self.solve_step(0, 0, 0.0, steps[0].current_density)
        csv.write(row)
        self.write_profile(0)
        electrolyte_fields.write(0.0)
        metal_fields.write(0.0)
        reasons: list[str] = []
        index, profiles = 0, 1
        try:
            for protocol_index, step in enumerate(steps):
                self.state.start_step()
                log.info("protocol step %d: %s", protocol_index, step.text)
                reason = None
                while reason is None:
                    if index >= self.case.time.max_steps:
                        status = f"stopped: max_steps = {self.case.time.max_steps} reached"
                        return RunSummary(status, reasons, index, row,
                                          wallclock.perf_counter() - start)
                    dt = next_time_step(step, self.state, self.case.time.dt_max,
                                        self.case.time.capacity_step)
                    self.state.advance(dt, step.current_density)
                    index += 1
                    row = self.solve_step(index, protocol_index, dt, step.current_density)
                    csv.write(row)
                    reason = finished_reason(step, self.state, row["cell_voltage_V"],
                                             row["overpotential_V"])
                    last = reason is not None and protocol_index == len(steps) - 1
                    if index % output.interface_profile_every == 0 or last:
                        self.write_profile(profiles)
                        profiles += 1
                    if index % output.fields_every == 0 or last:
                        electrolyte_fields.write(self.state.time)
                        metal_fields.write(self.state.time)
                    if progress is not None:
                        progress(row, protocol_index, step, self.state)
                log.info("protocol step %d ended on %s at t = %.1f s", protocol_index, reason,
                         self.state.time)
                reasons.append(reason)
        finally:
            csv.close()
            electrolyte_fields.close()
            metal_fields.close()
        return RunSummary("completed", reasons, index, row, wallclock.perf_counter() - start)
