"""The terminal side of the command line: logging through rich on rank 0, and run progress.

On a terminal a run shows a rich progress bar per protocol step, with log lines printed above it
(one console for both). Without a terminal (batch jobs, sweep member logs) it logs a progress line
every ``PROGRESS_PERIOD`` seconds: step, time, capacity, overpotential, contact and the ETA.
"""

import logging
import sys
import time

from mpi4py import MPI
from rich.console import Console
from rich.logging import RichHandler

log = logging.getLogger("phasefield")
#: seconds between progress lines without a terminal
PROGRESS_PERIOD = 30.0
CONSOLE = Console(stderr=True)


def setup_logging(verbose: bool = False, quiet: bool = False) -> None:
    """phasefield's logger at INFO (DEBUG with ``verbose``, WARNING with ``quiet``) on rank 0, silent
    elsewhere: through rich on a terminal, as plain ``LEVEL name: message`` lines otherwise (batch logs);
    every other library at WARNING, also with ``verbose``."""
    root = logging.getLogger()
    root.handlers.clear()
    root.setLevel(logging.WARNING)
    if MPI.COMM_WORLD.rank != 0:
        handler = logging.NullHandler()
    elif CONSOLE.is_terminal:
        handler = RichHandler(console=CONSOLE, show_path=False, rich_tracebacks=False, markup=False)
    else:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    root.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)


class _StderrHandler(logging.StreamHandler):
    """Plain lines to whatever ``sys.stderr`` is when a record is emitted (not the stream at set-up, which a
    caller such as a test or a notebook may have replaced and closed since)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def protocol_fraction(protocol_index: int, step_count: int, step, clock) -> float:
    """How much of the protocol is done: finished steps plus the share of the current step's limit."""
    done = max(clock.step_capacity / step.capacity_limit if step.capacity_limit else 0.0,
               clock.step_time / step.time_limit if step.time_limit else 0.0)
    return (protocol_index + min(done, 1.0)) / step_count


def _status(row: dict) -> str:
    return (f"Q={row['capacity_mAh_per_cm2']:.3f} mAh/cm2  eta={1e3 * row['overpotential_V']:.1f} mV"
            f"  contact={row['contact_fraction']:.3f}  dt={row['dt_s']:.3g} s")


def progress_bar():
    """(a rich progress bar to enter, its update callback) on a terminal's rank 0, else (None, None)."""
    if MPI.COMM_WORLD.rank != 0 or not CONSOLE.is_terminal:
        return None, None
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[status]}"),
                   TimeRemainingColumn(), console=CONSOLE, transient=False)
    tasks = {}

    def update(row, protocol_index, step, clock):
        if protocol_index not in tasks:
            tasks[protocol_index] = bar.add_task(f"step {protocol_index + 1}", total=1.0, status="")
        bar.update(tasks[protocol_index], completed=protocol_fraction(0, 1, step, clock), status=_status(row))

    return bar, update


class ProgressLines:
    """A progress callback that logs a line at most every ``period`` seconds (rank 0), with an ETA
    from the share of the protocol done so far."""

    def __init__(self, step_count: int, period: float = PROGRESS_PERIOD):
        self.step_count, self.period = step_count, period
        self._start = self._last = time.monotonic()

    def __call__(self, row, protocol_index, step, clock) -> None:
        now = time.monotonic()
        if now - self._last < self.period or MPI.COMM_WORLD.rank != 0:
            return
        self._last = now
        done = protocol_fraction(protocol_index, self.step_count, step, clock)
        eta = (now - self._start) * (1.0 - done) / done if done > 0.0 else float("inf")
        log.info("step %d  t=%.4g s  %s  %.1f%% done, ETA %s", row["step"], row["time_s"], _status(row),
                 100.0 * done, _duration(eta))


def _duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "unknown"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:d}:{minutes:02d}:{secs:02d}"

