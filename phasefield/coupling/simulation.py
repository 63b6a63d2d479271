"""The coupled run: a case turned into a window and sub-models, marched through its protocol.

:class:`Simulation` builds the sub-models (:mod:`phasefield.coupling.submodels`), advances them one
accepted time step at a time (:meth:`Simulation.step`: the order of :mod:`phasefield.coupling.step_order`,
step rejection and retry by :mod:`phasefield.coupling.step_control`) and records each step
(:mod:`phasefield.coupling.recording`). It prints nothing and never exits: a run that cannot go on
raises :class:`~phasefield.solvers.failures.SolverFailure`.
"""

import copy
import dataclasses
import gc
import logging
import time as wallclock
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from mpi4py import MPI

from phasefield.case import ProtocolStep, ResolvedCase
from phasefield.case.schema import OutputPeriod
from phasefield.constants import FARADAY
from phasefield.coupling.interrupt import Interrupt
from phasefield.coupling.protocol_clock import (
    CUT_OFFS,
    ProtocolState,
    finished_reason,
    next_time_step,
    output_due,
    secant_estimate,
    step_conditions,
    varied_conditions,
)
from phasefield.coupling.recording import Recorder
from phasefield.coupling.step_control import StepControl
from phasefield.coupling.step_order import coupled_step
from phasefield.coupling.submodels import build_submodels
from phasefield.mesh import WindowSpec, build_interface_window
from phasefield.physics.fixture import fixture_pressure
from phasefield.solvers import kernel_compilation
from phasefield.solvers.failures import SolverFailure
from phasefield.submodels.base import InterfaceFields, StepConditions

log = logging.getLogger(__name__)

#: the passes of a hold's time step that look for its current before the step is rejected (and retried at dt / 2)
HOLD_PASSES = 8
#: why a run ends when a sub-model reports a short circuit (CSV column ``short`` = 1): the status of run.json
SHORT_CIRCUIT = "short-circuit"
#: progress(row, protocol index, protocol step, clock), called after each accepted step
Progress = Callable[[dict, int, ProtocolStep, ProtocolState], None]


class HoldInconsistent(SolverFailure):
    """The current of a hold's time step did not settle: the step is rejected and retried with dt / 2."""


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
    #: the signal that interrupted the run (0: none)
    signal: int = 0


class Simulation:
    """A case turned into meshes, sub-models and writers, ready to :meth:`run` (or to :meth:`step`)."""

    def __init__(self, resolved: ResolvedCase, comm: MPI.Comm, output_dir: Path):
        case = resolved.case
        self.case, self.comm, self.output_dir = case, comm, output_dir
        kernel_compilation.configure(comm)  # before the first form is compiled
        self.window = build_interface_window(comm, WindowSpec(**case.mesh.model_dump()))
        self.models = build_submodels(resolved, InterfaceFields.build(self.window))
        varied = varied_conditions(case.protocol.steps)
        if case.cell.fixture == "bolt" and "stack_pressure" not in varied:  # the fixture varies it
            varied += ("stack_pressure",)
        self.recorder = Recorder(output_dir, comm, self.models, varied)
        self.molar_volume = resolved.parameters("metal")["molar_volume"]
        self.clock = ProtocolState()
        #: thickness (m) of the metal plated since the last strip
        self.plated_thickness = 0.0
        mesh = self.window.metal.mesh
        cells = np.arange(mesh.topology.index_map(mesh.topology.dim).size_local, dtype=np.int32)
        smallest = comm.allreduce(float(np.min(mesh.h(mesh.topology.dim, cells), initial=np.inf)), op=MPI.MIN)
        time = case.time
        self.control = StepControl(time.dt_max, time.dt_min, time.max_retries, time.courant_number, smallest,
                                   dt_limit=time.dt_max, phase_tolerance=time.phase_tolerance)
        self.counters = LoopCounters(scans_at=list(case.output.line_scan_at))
        self.row: dict = {}

    @property
    def columns(self) -> dict[str, str]:
        """The CSV columns with their meaning."""
        return {column.name: column.description for column in self.recorder.columns}

    # -- one step -------------------------------------------------------------------------------
    def _conditions(self, dt: float, current_density: float, overpotential: float | None) -> StepConditions:
        """The step at the clock, with the temperature and stack pressure of the current protocol step."""
        steps = self.case.protocol.steps
        step = steps[min(self.counters.protocol_index, len(steps) - 1)]
        temperature, pressure = step_conditions(step, self.case.cell)
        pressure = fixture_pressure(self.case.cell.fixture, pressure, self.clock.capacity, self.molar_volume,
                                    self.case.cell.preload_relaxation_thickness)
        return StepConditions(dt, current_density, self.clock.capacity, self.plated_thickness, temperature, pressure,
                              overpotential)

    def _pass(self, dt: float, current_density: float) -> None:
        """The clock and the plated thickness over ``dt`` at ``current_density``."""
        self.clock.advance(dt, current_density)
        change = current_density * dt * self.molar_volume / FARADAY  # > 0: metal removed
        self.plated_thickness = max(0.0, self.plated_thickness - change)

    def _solve(self, dt: float, current_density: float, overpotential: float | None = None) -> StepConditions:
        """Clock and plated thickness over ``dt`` at ``current_density``, then every sub-model (the step
        order); returns the step's conditions. A hold (``overpotential``, V) takes ``current_density`` as
        the first estimate of its current (:meth:`_solve_hold`)."""
        if overpotential is not None:
            return self._solve_hold(dt, current_density, overpotential)
        passes = self.case.time.coupling_passes if dt > 0.0 else 1
        start = self._snapshot() if passes > 1 else None
        for k in range(passes):
            if k:  # from the step's start, with the injection of the last pass's end-of-step current
                self._restore(start)
            self._pass(dt, current_density)
            conditions = self._conditions(dt, current_density, overpotential)
            coupled_step(self.models, conditions)
        return conditions

    def _solve_hold(self, dt: float, estimate: float, overpotential: float) -> StepConditions:
        """A hold's step solved at the current it answers: passes from the state at the step's start, each
        at the secant estimate of the last two, until the mean current of the solve is the current the
        clock, the flow and the capacity-driven sub-models took (to the Newton tolerance); at dt = 0 one
        pass, which nothing advances. Raises :class:`HoldInconsistent` after ``HOLD_PASSES``."""
        start, electrochemistry, last = self._snapshot(), self.models.electrochemistry, None
        for _ in range(HOLD_PASSES):
            self._pass(dt, estimate)
            conditions = self._conditions(dt, estimate, overpotential)
            coupled_step(self.models, conditions)
            solved = electrochemistry.mean_current_density
            if dt == 0.0:
                return dataclasses.replace(conditions, current_density=solved)
            if electrochemistry.answers(estimate):
                return conditions
            estimate, last = secant_estimate(last, estimate, solved), (estimate, solved)
            self._restore(start)
        raise HoldInconsistent(f"the current of the hold at {overpotential:.4g} V did not settle in {HOLD_PASSES} "
                               f"passes of the step (last {estimate:.6g} A/m^2 against {solved:.6g} A/m^2)")

    def _snapshot(self) -> tuple:
        return copy.copy(self.clock), self.plated_thickness, [model.snapshot() for model in self.models]

    def _restore(self, snapshot: tuple) -> None:
        """The state of :meth:`_snapshot`, with the interface current of its last solve back at the contact."""
        clock, self.plated_thickness, states = snapshot
        self.clock = copy.copy(clock)
        for model, state in zip(self.models, states, strict=True):
            model.restore(state)
        self.models.contact.receive_current(self.models.electrochemistry.current_density)

    def _solve_with_retries(self, dt: float, current_density: float, overpotential: float | None) -> StepConditions:
        """One time step; a failed solve, a bound violation or a phase error over the tolerance restores every
        sub-model and retries with a shorter step (:class:`StepControl`). Returns the conditions of the
        accepted step."""
        for attempt in range(self.control.max_retries + 1):
            snapshot = self._snapshot()
            try:
                conditions = self._solve(dt, current_density, overpotential)
                self.control.check_phase_error(self.models.contact.phase_error, dt)
            except SolverFailure as err:
                self._restore(snapshot)
                dt_retry = self.control.retry(err, attempt, dt)
                self.counters.rejected += 1
                log.warning("step %d rejected (%s); retrying with dt = %.4g s", self.counters.index + 1, err, dt_retry)
                dt = dt_retry
                continue
            self.control.accepted(attempt)
            return conditions
        raise AssertionError("unreachable")

    def step(self) -> str | None:
        """One accepted time step of the current protocol step, with its outputs; returns why that
        protocol step ended (a limit reached), or None while it goes on. :attr:`row` is its CSV row."""
        counters, steps = self.counters, self.case.protocol.steps
        step = self._begin_protocol_step()
        contact = self.models.contact
        limit = self.control.limit(self.models.flow.front_speed, contact.phase_error, contact.phase_error_dt)
        current = self._current_estimate(step)
        dt = min(next_time_step(step, self.clock, self.case.time.dt_max, self.case.time.capacity_step, current), limit)
        conditions = self._solve_with_retries(dt, current, step.held_overpotential)
        counters.index += 1
        self.row = self.recorder.row(counters.index, counters.protocol_index, self.clock, conditions,
                                     counters.rejected)
        self.recorder.write_row(self.row)
        reason = finished_reason(step, self.clock, self.row["cell_voltage_V"], self.row["overpotential_V"],
                                 conditions.current_density)
        if self.row.get("short") == 1:  # the cell shorted: the run ends with this step's outputs
            reason = SHORT_CIRCUIT
        self._write_outputs(conditions, last=reason == SHORT_CIRCUIT or (
            reason is not None and counters.protocol_index == len(steps) - 1))
        if reason is not None:
            log.info("protocol step %d ended on %s at t = %.1f s", counters.protocol_index, reason, self.clock.time)
            counters.reasons.append(reason)
            counters.protocol_index += 1
            counters.step_started = False
        return reason

    def _begin_protocol_step(self) -> ProtocolStep:
        """The current protocol step, its clock started when it has not been yet; a hold starts with a
        solve of the state at dt = 0 under its overpotential, whose current is the first estimate."""
        step = self.case.protocol.steps[self.counters.protocol_index]
        if not self.counters.step_started:
            self.clock.start_step()
            self.counters.step_started = True
            log.info("protocol step %d: %s", self.counters.protocol_index, step.text)
            if step.held_overpotential is not None:
                self._solve(0.0, 0.0, step.held_overpotential)
        return step

    def _current_estimate(self, step: ProtocolStep) -> float:
        """The current density (A/m^2) that sizes the next time step and moves the metal: the applied one,
        or for a hold the mean current of the last solve."""
        if step.held_overpotential is None:
            return step.current_density
        return self.models.electrochemistry.mean_current_density

    def _write_outputs(self, step: StepConditions, last: bool) -> None:
        """Profiles, line scans and fields at their cadence after ``step`` (and after the last step)."""
        counters, output, capacity = self.counters, self.case.output, abs(self.clock.capacity)

        def due(every: int | OutputPeriod) -> bool:
            return output_due(every, counters.index, self.clock, step.dt, step.current_density)

        if due(output.interface_profile_every) or last:
            self.recorder.write_profile(counters.profiles, self.clock)
            counters.profiles += 1
        passed = counters.scans_at and capacity >= counters.scans_at[0] * (1 - 1e-9)
        if due(output.line_scan_every) or last or passed:
            self.recorder.write_line_scan(counters.scans, self.clock)
            counters.scans += 1
            while counters.scans_at and capacity >= counters.scans_at[0] * (1 - 1e-9):
                counters.scans_at.pop(0)
        if due(output.fields_every) or last:
            self.recorder.write_fields(self.clock.time)

    # -- the run --------------------------------------------------------------------------------
    def start(self, restart: Path | None = None) -> None:
        """Solve and record the initial state, or continue from the checkpoint ``restart``: the CSV
        keeps its rows up to the checkpoint and is appended to, fields go to ``*_restartNNNNN.pvd``."""
        if restart is None:
            self.recorder.open()
            first = self.case.protocol.steps[0]
            self.row = self.recorder.row(0, 0, self.clock,
                                         self._solve(0.0, first.current_density, first.held_overpotential), 0)
            self.recorder.write_row(self.row)
            self.recorder.write_profile(0, self.clock)
            self.recorder.write_line_scan(0, self.clock)
            self.recorder.write_fields(0.0)
        else:
            self.restore_checkpoint(restart)
            self.recorder.open(resume_after=self.counters.index)

    def run(self, progress: Progress | None = None, restart: Path | None = None,
            interrupt: Interrupt | None = None) -> RunSummary:
        """March through the protocol from the start or from the checkpoint ``restart``; ``progress``
        is called after each accepted step. When ``interrupt`` reports a signal, the state of the last
        accepted step is checkpointed and the run ends as ``"interrupted"``."""
        start = wallclock.perf_counter()
        steps, time = self.case.protocol.steps, self.case.time
        self.start(restart)
        try:
            while self.counters.protocol_index < len(steps):
                self._begin_protocol_step()
                if self.counters.index % self.case.output.checkpoint_every == 0 \
                        and self.counters.index != self.counters.checkpointed:
                    self.write_checkpoint()
                if self.counters.index >= time.max_steps:
                    return RunSummary(f"stopped: max_steps = {time.max_steps} reached", self.counters.reasons,
                                      self.counters.index, self.row, wallclock.perf_counter() - start)
                received = interrupt.requested() if interrupt is not None else 0
                if received:
                    if self.counters.checkpointed != self.counters.index:
                        self.write_checkpoint()
                    return RunSummary("interrupted", self.counters.reasons, self.counters.index, self.row,
                                      wallclock.perf_counter() - start, received)
                protocol_index = self.counters.protocol_index
                first = self.clock.step_time == 0.0
                reason = self.step()
                if progress is not None:
                    progress(self.row, protocol_index, steps[protocol_index], self.clock)
                if reason == SHORT_CIRCUIT:
                    self.write_checkpoint()
                    return RunSummary(SHORT_CIRCUIT, self.counters.reasons, self.counters.index, self.row,
                                      wallclock.perf_counter() - start)
                if first and reason in CUT_OFFS:
                    self.write_checkpoint()
                    return RunSummary(f"cut off: protocol step {protocol_index} ({steps[protocol_index].text}) "
                                      f"reached its {reason} in its first time step", self.counters.reasons,
                                      self.counters.index, self.row, wallclock.perf_counter() - start)
        except SolverFailure:
            # the last accepted state, for the post-mortem: line scan and a final checkpoint
            self.recorder.write_line_scan(self.counters.scans, self.clock)
            if self.counters.checkpointed != self.counters.index:
                self.write_checkpoint()
            raise
        finally:
            self.recorder.close()
        self.write_checkpoint()
        return RunSummary("completed", self.counters.reasons, self.counters.index, self.row,
                          wallclock.perf_counter() - start)

    # -- checkpoints ----------------------------------------------------------------------------
    @property
    def last_checkpoint(self) -> Path | None:
        return self.recorder.last_checkpoint

    def write_checkpoint(self) -> None:
        """Every sub-model's fields and state with the loop's counters, clock and step limit."""
        self.counters.checkpointed = self.counters.index
        self.recorder.write_checkpoint(self.counters.index, {
            "counters": dataclasses.asdict(self.counters), "clock": dataclasses.asdict(self.clock),
            "plated_thickness": self.plated_thickness, "dt_limit": self.control.dt_limit})

    def restore_checkpoint(self, path: Path) -> None:
        """The state of ``path``; re-solves the derived quantities at dt = 0 for :attr:`row`."""
        state = self.recorder.read_checkpoint(path)
        self.counters = LoopCounters(**state["counters"])
        self.clock = ProtocolState(**state["clock"])
        self.plated_thickness, self.control.dt_limit = state["plated_thickness"], state["dt_limit"]
        steps = self.case.protocol.steps
        step = steps[min(self.counters.protocol_index, len(steps) - 1)]
        conditions = self._solve(0.0, step.current_density, step.held_overpotential) \
            if self.counters.step_started else self._solve(0.0, 0.0)
        self.row = self.recorder.row(self.counters.index, self.counters.protocol_index, self.clock, conditions,
                                     self.counters.rejected)
        log.info("restarted from %s at step %d, t = %.1f s", path, self.counters.index, self.clock.time)

    def close(self) -> None:
        """Release the PETSc solvers on every rank in the same order (MUMPS teardown is collective:
        leaving it to the garbage collector at exit can deadlock a parallel run)."""
        for model in self.models:
            model.close()
        self.models = None
        gc.collect()
        self.comm.Barrier()
