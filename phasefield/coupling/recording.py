"""What a run writes: the CSV row of each step, fields, interface profiles, Mg line scans, checkpoints.

The columns are those the sub-models declare (:class:`~phasefield.submodels.base.Column`), after the
clock's own and the step conditions that the protocol varies, and ``rejected_steps`` last; values
arrive in SI and are converted to each column's unit here. Checkpoints hold every sub-model's
checkpoint fields and state beside the loop's own.
"""

from pathlib import Path
from typing import Any

from mpi4py import MPI

from phasefield.coupling.protocol_clock import ProtocolState
from phasefield.coupling.submodels import SubModels
from phasefield.output.checkpoint import checkpoint_path, prune_checkpoints, read_checkpoint, write_checkpoint
from phasefield.output.fields import FieldTimes, FieldWriter
from phasefield.output.timeseries import TimeSeriesWriter, in_column_units
from phasefield.submodels.base import Column, StepConditions

CLOCK_COLUMNS = (
    Column("step", "time-step index (0 = initial state)"),
    Column("protocol_step", "index of the protocol step (0-based)"),
    Column("time_s", "time since the start of the protocol", "s", "s"),
    Column("dt_s", "time-step size", "s", "s"),
    Column("capacity_mAh_per_cm2", "net stripped capacity since the start (plating counts negative)",
           "mAh/cm^2", "C/m^2"),
    Column("step_capacity_mAh_per_cm2", "capacity passed in the current protocol step (magnitude)",
           "mAh/cm^2", "C/m^2"),
    Column("current_density_mA_per_cm2", "mean interface current density, applied or, in a hold, solved "
           "(positive = stripping)", "mA/cm^2", "A/m^2"),
)
#: the columns of the conditions a protocol step may set itself (protocol_clock.CONDITION_NAMES), written
#: only where some step of the protocol sets that condition
CONDITION_COLUMNS = {
    "temperature": Column("temperature_K", "temperature of the protocol step (its own 'at ...', else [cell])",
                          "K", "K"),
    "stack_pressure": Column("stack_pressure_MPa", "stack pressure on the metal: the protocol step's own "
                             "('under ...', else [cell]), released as the foil thins with [cell] fixture = "
                             "\"bolt\"", "MPa", "Pa"),
}
REJECTED_COLUMN = Column("rejected_steps", "time steps rejected so far (failed solve or bound violation; "
                                           "retried with dt/2)")
#: the folders of a results directory, below the CSV and run.json
FOLDERS = ("interface", "fields", "line_scans", "checkpoints")


class Recorder:
    """The writers of one results directory for the sub-models ``models``, with a column for each of the
    step ``conditions`` (names of :data:`CONDITION_COLUMNS`) that the protocol varies."""

    def __init__(self, output_dir: Path, comm: MPI.Comm, models: SubModels, conditions: tuple[str, ...] = ()):
        self.output_dir, self.comm, self.models = output_dir, comm, models
        self.conditions = conditions
        self.columns = (*CLOCK_COLUMNS, *(CONDITION_COLUMNS[name] for name in conditions),
                        *(c for model in models for c in model.columns), REJECTED_COLUMN)
        self._csv: TimeSeriesWriter | None = None
        self._fields: list[FieldWriter] = []
        self._field_times: FieldTimes | None = None
        self._last_row: dict[str, Any] = {}
        #: the newest checkpoint written or restarted from (None before the first)
        self.last_checkpoint: Path | None = None

    def row(self, index: int, protocol_index: int, clock: ProtocolState, step: StepConditions,
            rejected: int) -> dict[str, Any]:
        """The CSV row after the solve of ``step``, in the columns' units."""
        values = {"step": index, "protocol_step": protocol_index, "time_s": clock.time, "dt_s": step.dt,
                  "capacity_mAh_per_cm2": clock.capacity, "step_capacity_mAh_per_cm2": clock.step_capacity,
                  "current_density_mA_per_cm2": step.current_density}
        values.update({CONDITION_COLUMNS[name].name: getattr(step, name) for name in self.conditions})
        for model in self.models:
            values.update(model.values(step))
        values["rejected_steps"] = rejected
        return in_column_units(self.columns, values)

    def open(self, resume_after: int | None = None) -> None:
        """Start the CSV and the field series, or with ``resume_after`` (a step index) continue them."""
        for folder in FOLDERS:
            (self.output_dir / folder).mkdir(exist_ok=True)
        self._csv = TimeSeriesWriter(self.output_dir / "timeseries.csv", self.comm, [c.name for c in self.columns],
                                     resume_after=resume_after)
        suffix = "" if resume_after is None else f"_restart{resume_after:05d}"
        sides: dict[str, list] = {"electrolyte": [], "metal": []}
        for model in self.models:
            for side, functions in model.fields().items():
                sides[side] += functions
        self._fields = [FieldWriter(self.output_dir / "fields" / f"{side}{suffix}.pvd", functions)
                        for side, functions in sides.items() if functions]
        self._field_times = FieldTimes(self.output_dir / "fields" / f"times{suffix}.csv", self.comm.rank)

    def write_row(self, row: dict[str, Any]) -> None:
        self._csv.write(row)
        self._last_row = row

    def write_fields(self, time: float) -> None:
        """The fields at ``time`` (s), the state of the last row written (its step and capacity)."""
        step, capacity = self._last_row["step"], self._last_row["capacity_mAh_per_cm2"]
        for writer in self._fields:
            writer.write(time, capacity)
        self._field_times.write(step, time, capacity)

    def write_profile(self, index: int, clock: ProtocolState) -> None:
        self.models.electrochemistry.write_profile(self.output_dir / "interface" / f"profile_{index:05d}.csv",
                                                   self._header(clock))

    def write_line_scan(self, index: int, clock: ProtocolState) -> None:
        self.models.interdiffusion.write_line_scan(self.output_dir / "line_scans" / f"x_Mg_{index:05d}.csv",
                                                   self._header(clock))

    @staticmethod
    def _header(clock: ProtocolState) -> str:
        capacity = in_column_units(CLOCK_COLUMNS, {"capacity_mAh_per_cm2": clock.capacity})["capacity_mAh_per_cm2"]
        return f"time_s={clock.time:.6e} capacity_mAh_per_cm2={capacity:.6e}"

    def _checkpoint_fields(self) -> dict:
        return {name: function for model in self.models for name, function in model.checkpoint_fields().items()}

    def write_checkpoint(self, index: int, loop_state: dict[str, Any]) -> None:
        """The loop's state and every sub-model's fields and state after step ``index`` (atomic; the last
        two are kept)."""
        state = dict(loop_state)
        for model in self.models:
            state.update(model.checkpoint_state())
        directory = self.output_dir / "checkpoints"
        self.last_checkpoint = checkpoint_path(directory, index)
        write_checkpoint(self.last_checkpoint, self._checkpoint_fields(), state, self.comm)
        if self.comm.rank == 0:
            prune_checkpoints(directory, keep=2)
        self.comm.Barrier()

    def read_checkpoint(self, path: Path) -> dict[str, Any]:
        """Every sub-model's fields from ``path``, then its restart; returns the whole stored state. ``path`` is the
        last accepted state until the next checkpoint."""
        state = read_checkpoint(path, self._checkpoint_fields(), self.comm)
        self.last_checkpoint = path
        for model in self.models:
            model.restart(state)
        return state

    def close(self) -> None:
        if self._csv is not None:
            self._csv.close()
        for writer in self._fields:
            writer.close()
