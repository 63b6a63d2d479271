"""Protocol bookkeeping: time-step sizes that land on the limits, when a step is finished, and the
temperature and stack pressure it runs at, and when an output with a period is due.

A hold (``Hold at 50 mV ...``) applies no current: its current is the answer of the electrochemistry
solve at the end of the time step, but the clock, the flow of the metal and the sub-models that read the
capacity (the prescribed-contact table, the foil thickness of the interdiffusion, the void mass balance)
need it before. The coupler solves the step at an estimate and solves it again from the step's start at
the :func:`secant_estimate` until the solved mean current is the estimate (to the Newton tolerance), so
the capacity integrates the current the step answers. The step size is chosen before that, with the
current of the last solve (at a hold's start, that of a solve of the state under the hold at dt = 0): a
capacity limit of a hold is landed on to within one step's change of current x dt, an overshoot ending the
step and an undershoot made up by a short extra step.

Pure functions of SI numbers, so that they can be tested without a mesh.
"""

from dataclasses import dataclass

from phasefield.case import ProtocolStep
from phasefield.case.schema import Cell, OutputPeriod

#: the reasons a protocol step ends early, on the cell's response rather than on its own limits
CUT_OFFS = ("overpotential cut-off", "voltage cut-off")
#: the step conditions a protocol step may set itself (fields of ProtocolStep and StepConditions)
CONDITION_NAMES = ("temperature", "stack_pressure")
#: Relative slack when comparing a capacity or a time against its limit.
LIMIT_SLACK = 1e-9


@dataclass
class ProtocolState:
    """Where the run stands: totals since the start and within the current protocol step."""

    time: float = 0.0
    capacity: float = 0.0
    step_time: float = 0.0
    step_capacity: float = 0.0
    #: the capacity passed since the start, stripping and plating alike (C/m^2)
    throughput: float = 0.0

    def advance(self, dt: float, current_density: float) -> None:
        """Pass ``dt`` seconds at ``current_density`` (A/m^2, positive = stripping)."""
        self.time += dt
        self.step_time += dt
        self.capacity += current_density * dt
        self.step_capacity += abs(current_density) * dt
        self.throughput += abs(current_density) * dt

    def start_step(self) -> None:
        self.step_time = 0.0
        self.step_capacity = 0.0


def next_time_step(step: ProtocolStep, state: ProtocolState, dt_max: float, capacity_step: float,
                   current_density: float | None = None) -> float:
    """The largest dt <= dt_max that passes at most ``capacity_step`` and stops on the limits, at
    ``current_density`` (A/m^2; default the step's applied one, for a hold the estimate)."""
    current = abs(step.current_density if current_density is None else current_density)
    dt = dt_max if current == 0.0 else min(dt_max, capacity_step / current)
    if step.time_limit is not None:
        dt = min(dt, step.time_limit - state.step_time)
    if step.capacity_limit is not None and current > 0.0:
        dt = min(dt, (step.capacity_limit - state.step_capacity) / current)
    return dt


def finished_reason(step: ProtocolStep, state: ProtocolState, cell_voltage: float,
                    overpotential: float, current_density: float = 0.0) -> str | None:
    """Why ``step`` is over at ``state`` (a limit reached), or None if it goes on; ``current_density``
    (A/m^2) is the mean current of the last solve, which a hold's current limit compares."""
    if step.capacity_limit is not None and state.step_capacity >= step.capacity_limit * (1 - LIMIT_SLACK):
        return "capacity"
    if step.time_limit is not None and state.step_time >= step.time_limit * (1 - LIMIT_SLACK):
        return "time"
    if step.current_limit is not None and abs(current_density) <= step.current_limit:
        return "current"
    if step.overpotential_limit is not None and abs(overpotential) >= step.overpotential_limit:
        return "overpotential cut-off"
    if step.voltage_limit is not None:
        rising = step.current_density >= 0.0
        if (cell_voltage >= step.voltage_limit) if rising else (cell_voltage <= step.voltage_limit):
            return "voltage cut-off"
    return None


def step_conditions(step: ProtocolStep, cell: Cell) -> tuple[float, float]:
    """The temperature (K) and stack pressure (Pa) of ``step``: its own (``at 60 degC``, ``under 1 MPa``),
    else those of ``[cell]``."""
    return (cell.temperature if step.temperature is None else step.temperature,
            cell.stack_pressure if step.stack_pressure is None else step.stack_pressure)


def secant_estimate(last: tuple[float, float] | None, estimate: float, solved: float) -> float:
    """The next estimate of a hold's current, the fixed point i = S(i) of the solve S (the mean current
    solved at an estimate): the secant through ``last`` (estimate, solved) and (``estimate``, ``solved``),
    or ``solved`` itself without ``last`` or where the secant is flat."""
    if last is None:
        return solved
    residual, last_residual = solved - estimate, last[1] - last[0]
    if residual == last_residual:
        return solved
    return estimate - residual * (estimate - last[0]) / (residual - last_residual)


def varied_conditions(steps: list[ProtocolStep]) -> tuple[str, ...]:
    """The names of the conditions (:data:`CONDITION_NAMES`) that some step of ``steps`` sets itself."""
    return tuple(name for name in CONDITION_NAMES if any(getattr(step, name) is not None for step in steps))


def output_due(every: int | OutputPeriod, index: int, clock: ProtocolState, dt: float,
               current_density: float) -> bool:
    """Whether an output of cadence ``every`` is written after time step ``index``, which passed ``dt``
    at ``current_density`` and ended at ``clock``: every ``every`` steps, or at the first step that
    reaches each multiple of a time or of the capacity passed (the step need not land on it)."""
    if isinstance(every, int):
        return index % every == 0
    by_time = every.dimension == "time"
    after = clock.time if by_time else clock.throughput
    before = after - (dt if by_time else abs(current_density) * dt)
    return _periods(after, every.value) > _periods(before, every.value)


def _periods(value: float, period: float) -> int:
    """Whole periods in ``value``, a step that lands on a multiple up to LIMIT_SLACK counting it."""
    return int(value / period * (1 + LIMIT_SLACK))
