"""The coupled run: build the window and sub-models from a case, then march through the protocol.

Per time step, in this order (the coupler is the only place that knows it):

1. protocol clock: dt from the limits; advance time, capacity and the plated thickness;
2. contact: the metal fraction on the metal mesh (prescribed by the case until a void model sets
   it), transferred onto the interface of the electrolyte mesh;
3. interdiffusion (alloys): Mg over the step with the metal velocity of the applied current,
   v = -(i Omega / F) e_n; its interface value sets the equilibrium potential U(x_Mg);
4. electrochemistry: electrolyte potential and metal potential under the applied current at the
   end of the step (with the contact and U of step 2 and 3: no splitting lag for these);
5. outputs: a CSV row every step, fields, interface profiles and Mg line scans at their cadence.
"""

import copy
import dataclasses
import gc
import logging
import time as wallclock
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from dolfinx import fem
from mpi4py import MPI

from phasefield.case import ResolvedCase
from phasefield.coupling.interface_transfer import InterfaceTransfer
from phasefield.coupling.protocol_clock import ProtocolState, finished_reason, next_time_step
from phasefield.coupling.submodels import (
    build_electrochemistry,
    build_interdiffusion,
    li_mg_thermodynamics,
    mass_balance_velocity,
)
from phasefield.coupling.void_coupling import VoidCoupling
from phasefield.mesh import build_interface_window
from phasefield.output.checkpoint import checkpoint_path, prune_checkpoints, read_checkpoint, write_checkpoint
from phasefield.output.fields import FieldWriter
from phasefield.output.interface_profile import InterfaceProfile
from phasefield.output.line_scan import NormalLineScan
from phasefield.output.timeseries import TimeSeriesWriter, write_table
from phasefield.physics.constants import FARADAY
from phasefield.physics.contact import PrescribedVoids, full_contact
from phasefield.physics.creep import NortonLaw
from phasefield.physics.creep_flow import CreepFlow
from phasefield.solvers.failures import ModelBreakdown, SolverFailure
from phasefield.physics.lattice_flow import PotentialLatticeFlow

log = logging.getLogger(__name__)

VOID_COLUMNS = ("voids_per_100um", "mean_void_width_um", "max_void_width_um", "max_void_height_um", "gap",
                "nucleation_events", "interface_supersaturation_kT", "void_newton_iterations", "creep_iterations",
                "max_metal_speed_um_per_h")
STEP_GROWTH = 1.5
TO_MAH_PER_CM2 = 1.0 / 36000.0  # (C/m^2) -> mAh/cm^2
TO_MA_PER_CM2 = 0.1  # (A/m^2) -> mA/cm^2


@dataclass
class LoopCounters:
    """Where the run loop stands (saved in checkpoints)."""

    index: int = 0
    protocol_index: int = 0
    step_started: bool = False
    profiles: int = 1
    scans: int = 1
    rejected: int = 0
    checkpointed: int = -1
    scans_at: list[float] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


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
        self.molar_volume = metal["molar_volume"]
        self.bulk_mg = metal["magnesium_fraction"]
        self.counter_potential = resolved.parameters("counter_electrode")["equilibrium_potential"]
        thermodynamics = li_mg_thermodynamics(metal, case.cell.temperature)

        phase_field = case.contact.model == "phase_field"
        self.flow = self._metal_flow(metal) if phase_field else None
        self.velocity = self.flow.velocity if phase_field else mass_balance_velocity(self.window)
        self.interdiffusion = build_interdiffusion(resolved, self.window, self.velocity)
        self.metal_space = fem.functionspace(self.window.metal.mesh, ("Lagrange", 1))
        self.metal_fraction = fem.Function(self.metal_space, name="metal_fraction")
        electrolyte_space = fem.functionspace(self.window.electrolyte.mesh, ("Lagrange", 1))
        self.transfer = InterfaceTransfer(self.metal_space, self.window.metal, electrolyte_space,
                                          self.window.electrolyte)
        self.voids = None
        if phase_field:
            x_mg = self.interdiffusion.x if self.interdiffusion is not None else None
            self.voids = VoidCoupling(resolved, self.window, self.metal_space, self.flow, x_mg)
            self.current_to_metal = InterfaceTransfer(electrolyte_space, self.window.electrolyte, self.metal_space,
                                                      self.window.metal)

        if self.interdiffusion is None:
            self.interface_mg, equilibrium_potential = None, 0.0
        else:
            self.interface_mg = fem.Function(electrolyte_space, name="interface_x_Mg")
            self.interface_mg.x.array[:] = self.bulk_mg
            equilibrium_potential = thermodynamics.equilibrium_potential(self.interface_mg)
            self.line_scan = NormalLineScan(self.metal_space, self.window.normal_axis)
        self.bulk_equilibrium_potential = float(thermodynamics.equilibrium_potential(self.bulk_mg))
        self.electrochemistry = build_electrochemistry(resolved, self.window, equilibrium_potential)
        self.contact_model = self._contact_model()

        space = self.electrochemistry.function_space
        self.current_density = fem.Function(space, name="interface_current_density")
        self._current_expression = fem.Expression(
            self.electrochemistry.interface_current, space.element.interpolation_points)
        self._eta = fem.Function(space, name="interface_overpotential")
        self._eta_expression = fem.Expression(self.electrochemistry.eta, space.element.interpolation_points)
        self.profile = InterfaceProfile(space, self.window.electrolyte)
        self.state = ProtocolState()
        self.plated_thickness = 0.0
        #: largest dt allowed after recent rejections (grows by STEP_GROWTH per accepted step)
        self.dt_limit = case.time.dt_max
        mesh = self.window.metal.mesh
        cells = np.arange(mesh.topology.index_map(mesh.topology.dim).size_local, dtype=np.int32)
        self.smallest_metal_cell = comm.allreduce(float(np.min(mesh.h(mesh.topology.dim, cells), initial=np.inf)),
                                                  op=MPI.MIN)
        #: largest metal speed (m/s) of the last solved step (phase-field contact)
        self.metal_speed = 0.0
        #: the newest checkpoint written (None before the first)
        self.last_checkpoint: Path | None = None

    def _metal_flow(self, metal: dict[str, float]):
        """The velocity of the metal: creep under the stack pressure, or the potential lattice flow."""
        if self.case.creep.model == "power_law":
            law = NortonLaw.from_parameters(metal, self.case.cell.temperature)
            creep = self.case.creep
            return CreepFlow(self.window.metal, law, self.case.cell.stack_pressure, creep.interface, creep.contact)
        return PotentialLatticeFlow(self.window.metal)

    def courant_limit(self) -> float:
        """courant_number x smallest metal cell / largest metal speed of the last step (inf without
        a moving metal): the void front moves by at most about a cell per step."""
        if self.voids is None or self.metal_speed <= 0.0:
            return np.inf
        return self.case.time.courant_number * self.smallest_metal_cell / self.metal_speed

    def _contact_model(self):
        contact = self.case.contact
        if contact.model == "full":
            return None
        return PrescribedVoids(self.case.mesh.width, contact.void_count, contact.void_aspect_ratio,
                               contact.edge_width, tuple(contact.capacity), tuple(contact.fraction))

    def update_contact(self) -> None:
        """Metal fraction (phase field, or prescribed for the capacity), onto the electrolyte's interface."""
        if self.voids is not None:
            self.metal_fraction.interpolate(self.voids.system.phi)
        elif self.contact_model is None:
            self.metal_fraction.interpolate(full_contact)
        else:
            axis, capacity = self.window.normal_axis, self.state.capacity
            self.metal_fraction.interpolate(lambda x: self.contact_model.metal_fraction(x, capacity, axis))
        self.transfer(self.metal_fraction, self.electrochemistry.contact)

    def advance_interdiffusion(self, dt: float, current_density: float) -> None:
        """Mg over the step at the mass-balance velocity, then U(x_Mg) onto the interface."""
        if self.interdiffusion is None or dt == 0.0:
            return
        if self.flow is None:  # uniform mass-balance velocity; otherwise the lattice flow of this step
            self.velocity.value[:] = 0.0
            self.velocity.value[self.window.normal_axis] = -current_density * self.molar_volume / FARADAY
        self.interdiffusion.step(dt)
        self.transfer(self.interdiffusion.x, self.interface_mg)

    def advance(self, dt: float, current_density: float) -> None:
        """Clock and thickness bookkeeping over one step (before the sub-models are solved)."""
        self.state.advance(dt, current_density)
        change = current_density * dt * self.molar_volume / FARADAY  # > 0: metal removed
        self.plated_thickness = max(0.0, self.plated_thickness - change)

    def solve_step(self, step_index: int, protocol_index: int, dt: float, current_density: float) -> dict:
        """Voids, interdiffusion, contact and electrochemistry at the end of the step; the CSV row."""
        void_iterations, nucleated = 0, 0
        if self.voids is not None and dt > 0.0:
            void_iterations = self.voids.step(dt)
        self.advance_interdiffusion(dt, current_density)
        if self.voids is not None and dt > 0.0:
            nucleated = self.voids.nucleate(dt)
        self.update_contact()
        self.electrochemistry.applied_current_density.value = current_density
        solution = self.electrochemistry.solve(
            self.case.solver.relative_tolerance, self.case.solver.absolute_tolerance,
            self.case.solver.max_iterations,
        )
        self.current_density.interpolate(self._current_expression)
        if self.voids is not None:
            self.current_to_metal(self.current_density, self.voids.current)
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
            **self._magnesium_columns(),
            **self._void_columns(void_iterations, nucleated),
        }

    def _void_columns(self, iterations: int, nucleated: int) -> dict[str, float]:
        if self.voids is None:
            return {key: 0.0 for key in VOID_COLUMNS}
        stats = self.voids.statistics()
        self.metal_speed = self.voids.max_metal_speed()
        return {
            "voids_per_100um": stats.per_100um,
            "mean_void_width_um": float(np.mean(stats.widths)) * 1e6 if stats.count else 0.0,
            "max_void_width_um": float(np.max(stats.widths, initial=0.0)) * 1e6,
            "max_void_height_um": float(np.max(stats.heights, initial=0.0)) * 1e6,
            "gap": float(stats.gap),
            "nucleation_events": float(nucleated),
            "interface_supersaturation_kT": self.voids.interface_supersaturation(),
            "void_newton_iterations": float(iterations),
            "creep_iterations": float(self.voids.flow_iterations),
            "max_metal_speed_um_per_h": self.metal_speed * 1e6 * 3600.0,
        }

    def _magnesium_columns(self) -> dict[str, float]:
        if self.interdiffusion is None:
            return {"interface_x_Mg": 0.0, "max_x_Mg": 0.0, "foil_mean_x_Mg": 0.0,
                    "plated_layer_relative_Mg": float("nan")}
        mg = self.interdiffusion
        depth = self.case.mesh.depth or 1.0
        foil = self.case.cell.foil_thickness - self.state.capacity * self.molar_volume / FARADAY
        in_window = mg.amount() / (self.case.mesh.width * depth)
        return {
            "interface_x_Mg": mg.interface_mean(self.window.interface_area),
            "max_x_Mg": mg.extremes()[1],
            "foil_mean_x_Mg": (in_window + self.bulk_mg * (foil - self.case.mesh.metal_height)) / foil,
            "plated_layer_relative_Mg":
                self.line_scan.layer_mean(mg.x.x.array, self.plated_thickness) / self.bulk_mg,
        }

    def _header(self) -> str:
        return (f"time_s={self.state.time:.6e} capacity_mAh_per_cm2="
                f"{self.state.capacity * TO_MAH_PER_CM2:.6e}")

    def write_profile(self, index: int) -> None:
        self._eta.interpolate(self._eta_expression)
        self.profile.write(
            self.output_dir / "interface" / f"profile_{index:05d}.csv",
            {
                "current_density_mA_per_cm2": self.current_density.x.array * TO_MA_PER_CM2,
                "contact": self.electrochemistry.contact.x.array,
                "interface_overpotential_V": self._eta.x.array,
                "electrolyte_potential_V": self.electrochemistry.psi.x.array,
            },
            self._header(),
        )

    def write_line_scan(self, index: int) -> None:
        """Plane-averaged x_Mg against distance from the interface (an EDS-like line scan)."""
        if self.interdiffusion is None:
            return
        means = self.line_scan(self.interdiffusion.x.x.array)
        if means is not None:
            write_table(self.output_dir / "line_scans" / f"x_Mg_{index:05d}.csv",
                        {"distance_um": self.line_scan.distance * 1e6, "x_Mg": means}, self._header())

    def run(self, progress=None, restart: Path | None = None) -> RunSummary:
        """March through the protocol; ``progress(row, protocol_index, step, state)`` per step.

        With ``restart`` (a checkpoint file), continue from it: the CSV keeps its rows up to the
        checkpoint and is appended to, fields go to new ``*_restartNNNNN.pvd`` series.
        """
        start = wallclock.perf_counter()
        for folder in ("interface", "fields", "line_scans", "checkpoints"):
            (self.output_dir / folder).mkdir(exist_ok=True)
        output, steps = self.case.output, self.case.protocol.steps
        if restart is None:
            counters = LoopCounters(scans_at=list(output.line_scan_at))
            csv = TimeSeriesWriter(self.output_dir / "timeseries.csv", self.comm)
            writers = self._field_writers("")
            row = self.solve_step(0, 0, 0.0, steps[0].current_density)
            row["rejected_steps"] = 0
            csv.write(row)
            self.write_profile(0)
            self.write_line_scan(0)
            for writer in writers:
                writer.write(0.0)
        else:
            counters, row = self.restore_checkpoint(restart)
            csv = TimeSeriesWriter(self.output_dir / "timeseries.csv", self.comm, resume_after=counters.index)
            writers = self._field_writers(f"_restart{counters.index:05d}")
        try:
            while counters.protocol_index < len(steps):
                step = steps[counters.protocol_index]
                if not counters.step_started:
                    self.state.start_step()
                    counters.step_started = True
                    log.info("protocol step %d: %s", counters.protocol_index, step.text)
                reason = None
                while reason is None:
                    if counters.index % output.checkpoint_every == 0 and counters.index != counters.checkpointed:
                        self.write_checkpoint(counters)
                    if counters.index >= self.case.time.max_steps:
                        status = f"stopped: max_steps = {self.case.time.max_steps} reached"
                        return RunSummary(status, counters.reasons, counters.index, row,
                                          wallclock.perf_counter() - start)
                    row, reason = self._advance_one(counters, step, csv, writers)
                    if progress is not None:
                        progress(row, counters.protocol_index, step, self.state)
                log.info("protocol step %d ended on %s at t = %.1f s",
                         counters.protocol_index, reason, self.state.time)
                counters.reasons.append(reason)
                counters.protocol_index += 1
                counters.step_started = False
        except SolverFailure:
            # the last accepted state, for the post-mortem: line scan and a final checkpoint
            self.write_line_scan(counters.scans)
            if counters.checkpointed != counters.index:
                self.write_checkpoint(counters)
            raise
        finally:
            csv.close()
            for writer in writers:
                writer.close()
        self.write_checkpoint(counters)
        return RunSummary("completed", counters.reasons, counters.index, row, wallclock.perf_counter() - start)

    def _advance_one(self, counters: "LoopCounters", step, csv, writers) -> tuple[dict, str | None]:
        """One accepted time step with its outputs; returns the row and why the protocol step ended."""
        output, steps = self.case.output, self.case.protocol.steps
        limit = min(self.dt_limit, self.courant_limit())
        if limit < self.case.time.dt_min:
            raise SolverFailure(f"time step collapsed: the step limit {limit:.4g} s is below [time] dt_min = "
                                f"{self.case.time.dt_min:.4g} s (the Courant limit is {self.courant_limit():.4g} s)")
        dt = min(next_time_step(step, self.state, self.case.time.dt_max, self.case.time.capacity_step), limit)
        row, counters.rejected = self._step_with_retries(counters.index + 1, counters.protocol_index, dt,
                                                         step.current_density, counters.rejected)
        counters.index += 1
        index = counters.index
        csv.write(row)
        reason = finished_reason(step, self.state, row["cell_voltage_V"], row["overpotential_V"])
        last = reason is not None and counters.protocol_index == len(steps) - 1
        if index % output.interface_profile_every == 0 or last:
            self.write_profile(counters.profiles)
            counters.profiles += 1
        passed = counters.scans_at and abs(self.state.capacity) >= counters.scans_at[0] * (1 - 1e-9)
        if index % output.line_scan_every == 0 or last or passed:
            self.write_line_scan(counters.scans)
            counters.scans += 1
            while counters.scans_at and abs(self.state.capacity) >= counters.scans_at[0] * (1 - 1e-9):
                counters.scans_at.pop(0)
        if index % output.fields_every == 0 or last:
            for writer in writers:
                writer.write(self.state.time)
        return row, reason

    def _field_writers(self, suffix: str) -> list[FieldWriter]:
        return [FieldWriter(self.output_dir / "fields" / f"electrolyte{suffix}.pvd", [self.electrochemistry.psi]),
                FieldWriter(self.output_dir / "fields" / f"metal{suffix}.pvd", self._metal_fields())]

    # -- checkpoints -----------------------------------------------------------------------------
    def _checkpoint_fields(self) -> dict[str, fem.Function]:
        fields = {"electrolyte_potential": self.electrochemistry.psi}
        if self.interdiffusion is not None:
            fields["x_Mg"] = self.interdiffusion.x
        if self.voids is not None:
            fields["voids"] = self.voids.system.u
            fields["metal_flow"] = self.flow.state
        return fields

    def write_checkpoint(self, counters: "LoopCounters") -> None:
        """All fields and the stepper, protocol and random state (atomic; the last two are kept)."""
        counters.checkpointed = counters.index
        state = {"counters": dataclasses.asdict(counters), "clock": dataclasses.asdict(self.state),
                 "plated_thickness": self.plated_thickness, "dt_limit": self.dt_limit,
                 "metal_potential": float(self.electrochemistry.metal_potential.value)}
        if self.voids is not None:
            state["nucleation"] = self.voids.nucleation.state()
        directory = self.output_dir / "checkpoints"
        self.last_checkpoint = checkpoint_path(directory, counters.index)
        write_checkpoint(self.last_checkpoint, self._checkpoint_fields(), state, self.comm)
        if self.comm.rank == 0:
            prune_checkpoints(directory, keep=2)
        self.comm.Barrier()

    def restore_checkpoint(self, path: Path) -> tuple["LoopCounters", dict]:
        """Fields and state from ``path``; re-solves the derived quantities; returns counters and row."""
        state = read_checkpoint(path, self._checkpoint_fields(), self.comm)
        counters = LoopCounters(**state["counters"])
        self.state = ProtocolState(**state["clock"])
        self.plated_thickness, self.dt_limit = state["plated_thickness"], state["dt_limit"]
        self.electrochemistry.metal_potential.value = state["metal_potential"]
        if self.interdiffusion is not None:
            self.interdiffusion.x_old.x.array[:] = self.interdiffusion.x.x.array
            self.transfer(self.interdiffusion.x, self.interface_mg)
        if self.voids is not None:
            self.voids.system.u_old.x.array[:] = self.voids.system.u.x.array
            self.voids.restore_random_state(state["nucleation"])
            self.flow.restore(self.flow.state.x.array.copy())
        step = self.case.protocol.steps[min(counters.protocol_index, len(self.case.protocol.steps) - 1)]
        current = step.current_density if counters.step_started else 0.0
        row = self.solve_step(counters.index, counters.protocol_index, 0.0, current)
        log.info("restarted from %s at step %d, t = %.1f s", path, counters.index, self.state.time)
        return counters, row

    def _step_with_retries(self, index: int, protocol_index: int, dt: float, current: float,
                           rejected: int) -> tuple[dict, int]:
        """One time step; a failed solve or a bound violation restores the state, halves dt and
        retries (up to ``[time] max_retries``); later steps start from the reduced dt and grow it by
        STEP_GROWTH per step accepted at the first try. Returns the row and the running rejection count."""
        for attempt in range(self.case.time.max_retries + 1):
            snapshot = self._snapshot()
            self.advance(dt, current)
            try:
                row = self.solve_step(index, protocol_index, dt, current)
                row["rejected_steps"] = rejected
                if attempt == 0:
                    self.dt_limit = min(STEP_GROWTH * self.dt_limit, self.case.time.dt_max)
                return row, rejected
            except SolverFailure as err:
                self._restore(snapshot)
                if isinstance(err, ModelBreakdown):
                    raise
                if attempt == self.case.time.max_retries:
                    raise SolverFailure(f"{err}; gave up after {attempt} retries, the last at dt = {dt:.4g} s "
                                        "(raise [time] max_retries or lower [time] dt_max)") from err
                if 0.5 * dt < self.case.time.dt_min:
                    raise SolverFailure(f"{err}; time step collapsed: the retry would use dt = {0.5 * dt:.4g} s, "
                                        f"below [time] dt_min = {self.case.time.dt_min:.4g} s") from err
                rejected += 1
                log.warning("step %d rejected (%s); retrying with dt = %.4g s", index, err, 0.5 * dt)
                dt *= 0.5
                self.dt_limit = dt
        raise AssertionError("unreachable")

    def _snapshot(self) -> dict:
        snapshot = {"state": copy.copy(self.state), "plated": self.plated_thickness,
                    "psi": self.electrochemistry.psi.x.array.copy(),
                    "metal_potential": float(self.electrochemistry.metal_potential.value)}
        if self.interdiffusion is not None:
            snapshot["x_mg"] = self.interdiffusion.x_old.x.array.copy()
        if self.voids is not None:
            snapshot["voids"] = self.voids.snapshot()
        return snapshot

    def _restore(self, snapshot: dict) -> None:
        self.state, self.plated_thickness = copy.copy(snapshot["state"]), snapshot["plated"]
        self.electrochemistry.psi.x.array[:] = snapshot["psi"]
        self.electrochemistry.metal_potential.value = snapshot["metal_potential"]
        if self.interdiffusion is not None:
            self.interdiffusion.x.x.array[:] = snapshot["x_mg"]
            self.interdiffusion.x_old.x.array[:] = snapshot["x_mg"]
        if self.voids is not None:
            self.voids.restore(snapshot["voids"])

    def close(self) -> None:
        """Release the PETSc solvers on every rank in the same order (MUMPS teardown is collective:
        leaving it to the garbage collector at exit can deadlock a parallel run)."""
        self.interdiffusion = None
        self.electrochemistry = None
        self.voids = None
        self.flow = None
        gc.collect()
        self.comm.Barrier()

    def _metal_fields(self) -> list[fem.Function]:
        fields = [self.metal_fraction]
        if self.interdiffusion is not None:
            fields.append(self.interdiffusion.x)
        if self.voids is not None:
            fields += [self.voids.vacancy_potential, self.voids.metal_velocity]
        return fields
