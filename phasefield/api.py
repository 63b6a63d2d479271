"""The Python API: run a case, reopen its results and sweep a parameter from a script or a notebook.

.. code-block:: python

    import phasefield

    sim = phasefield.Simulation("cases/li_prescribed_contact.toml", overrides={"cell.stack_pressure": "1 MPa"})
    result = sim.run(output="results/li_1MPa")
    result.timeseries          # pandas DataFrame, one row per time step, the unit in each column name
    result.fields["metal"]     # pyvista reader of fields/metal.pvd
    result.metadata["status"]  # run.json as a dict
    result.plot()              # matplotlib Figure: overpotential and contact loss, measured values of a target
    phasefield.load("results/li_1MPa")   # the same Result, from the folder
    phasefield.sweep("cases/t3_li_pressure_sweep.toml", output="results/t3").timeseries  # every member's rows

A case is a file path, TOML text or a dict of tables; ``overrides`` (``{"table.key": value}``) are
validated like the file, as ``phasefield run --set`` does. Nothing here exits the interpreter: a bad case
raises :class:`CaseError`, an output folder that is not empty :class:`OutputNotEmpty`, and a run that does
not finish raises :class:`SolverFailed`, :class:`CutOff` or :class:`Interrupted`, each holding the run's
:class:`Result` (its results up to the end). A run stopped by ``[time] max_steps`` returns its Result.
``run(output, restart=True)`` continues an interrupted run from its latest checkpoint, as ``phasefield run
--restart`` does (:class:`RestartRefused` without a checkpoint or for another case); the output folder's
checks are the command line's (:mod:`phasefield.coupling.results_folder`).
A run is collective under MPI (``mpiexec -n 2 python script.py``); a sweep runs from one process.
"""

import json
import logging
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

from mpi4py import MPI  # noqa: I001 - before anything that loads PETSc or DOLFINx

from phasefield.case.loader import CaseError, ResolvedCase, load_case, load_document
from phasefield.case.overrides import Overrides
from phasefield.coupling.results_folder import PYTHON, prepare_output, restart_point
from phasefield.coupling.results_folder import OutputNotEmpty as OutputNotEmpty  # the API's exceptions
from phasefield.coupling.results_folder import RestartRefused as RestartRefused

log = logging.getLogger("phasefield")
#: seconds between progress lines where no progress bar can be drawn (a notebook, a batch job)
PROGRESS_PERIOD = 10.0
#: the path that names a case given as TOML text or a dict (its ``[mesh] include`` is relative to the
#: working directory)
UNNAMED_CASE = Path("<case>")

class RunError(RuntimeError):
    """A run that did not finish its protocol: ``status`` as in run.json, ``result`` what it wrote."""

    def __init__(self, status: str, result: "Result"):
        super().__init__(f"{status} (results in {result.directory})")
        self.status, self.result = status, result


class SolverFailed(RunError):
    """A solve failed beyond its retries, or the model broke down (``phasefield run`` exits with 3)."""


class CutOff(RunError):
    """A protocol step reached its cut-off in its first time step (``phasefield run`` exits with 4)."""


class Interrupted(RunError):
    """SIGINT (Ctrl-C, a notebook's interrupt button) or SIGTERM ended the run after a time step, with a
    checkpoint; ``signal`` is its number. ``Simulation(case).run(output, restart=True)`` continues it (also
    ``Simulation(output / "case.toml")``, the case copy in the folder; on the command line
    ``phasefield run OUTPUT/case.toml -o OUTPUT --restart``)."""

    def __init__(self, status: str, result: "Result", signal: int):
        super().__init__(status, result)
        self.signal = signal


def _read_case(case: str | Path | Mapping[str, Any], overrides: Overrides | None,
               allow_unused: bool) -> ResolvedCase:
    """A case file (a path), TOML text (a string with a line break) or a TOML document (a mapping)."""
    if isinstance(case, Mapping):
        return load_document(dict(case), UNNAMED_CASE, allow_unused, overrides)
    if isinstance(case, str) and "\n" in case:
        try:
            document = tomllib.loads(case)
        except tomllib.TOMLDecodeError as err:
            raise CaseError(UNNAMED_CASE, "(text)", f"malformed TOML: {err}") from None
        return load_document(document, UNNAMED_CASE, allow_unused, overrides)
    return load_case(case, allow_unused, overrides)


@contextmanager
def _progress(step_count: int, show: bool) -> Iterator:
    """The progress callback of a run: a rich bar on a terminal, else a log line every ``PROGRESS_PERIOD``
    seconds (a notebook shows them under the cell). Logging is set up for it when the application has not
    set up any."""
    if not show:
        yield None
        return
    from phasefield.console import ProgressLines, progress_bar, setup_logging

    if not (logging.getLogger().handlers or log.handlers):
        setup_logging()
    elif log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    bar, update = progress_bar()
    if bar is None:
        yield ProgressLines(step_count, PROGRESS_PERIOD)
        return
    with bar:
        yield update


class Simulation:
    """A case, validated on construction, ready to :meth:`run`.

    ``case``: a case file (path), TOML text (a string with a line break) or a dict of tables; ``overrides``:
    ``{"table.key": value}``, values written as in the case file (``{"cell.stack_pressure": "1 MPa",
    "time.max_steps": 100}``); ``allow_unused``: warn about keys the chosen models do not read instead of
    refusing them. Raises :class:`CaseError` for a bad case or override.
    """

    def __init__(self, case: str | Path | Mapping[str, Any], overrides: Mapping[str, Any] | None = None,
                 allow_unused: bool = False):
        given = Overrides(dict(overrides), origin="overrides") if overrides else None
        self.allow_unused = allow_unused
        #: the validated case (SI values, parameter sets, the document with the overrides in place)
        self.resolved = _read_case(case, given, allow_unused)

    def run(self, output: str | Path, overwrite: bool = False, progress: bool = True,
            restart: bool = False) -> "Result":
        """Run the case into the folder ``output`` (created; a folder with files in it is replaced only with
        ``overwrite`` and only when it holds phasefield results) and return its :class:`Result`.

        ``restart=True`` continues the interrupted (or failed, or stopped) run in ``output`` from its latest
        checkpoint instead, as ``phasefield run OUTPUT/case.toml -o OUTPUT --restart``: the rows after the
        checkpoint are written again, and the case must be the one the results were made with (``[time]
        max_steps``, ``[output]`` and ``[meta]`` may change). Raises :class:`RestartRefused` when there is no
        checkpoint or the case differs.

        Raises :class:`OutputNotEmpty`, :class:`SolverFailed`, :class:`CutOff` or :class:`Interrupted`; a sweep
        case raises :class:`CaseError` (run it with :func:`sweep`)."""
        if self.resolved.case.sweep is not None:
            raise CaseError(self.resolved.path, "[sweep]", "a sweep case runs with phasefield.sweep()")
        if restart and overwrite:
            raise ValueError("restart=True continues the run in output, overwrite=True would remove it: pass one")
        directory, checkpoint = Path(output), None
        if restart:
            checkpoint = restart_point(self.resolved, directory, self.allow_unused, PYTHON)
        else:
            prepare_output(directory, overwrite, PYTHON)
        from phasefield.coupling.run import run_case

        with _progress(len(self.resolved.case.protocol.steps), progress) as update:
            outcome = run_case(self.resolved, directory, progress=update, restart=checkpoint)
        MPI.COMM_WORLD.barrier()  # rank 0 has written the final run.json: every rank reads the same Result
        result = Result(directory)
        if outcome.status.startswith("failed"):
            raise SolverFailed(outcome.status, result)
        if outcome.status.startswith("cut off"):
            raise CutOff(outcome.status, result)
        if outcome.signal:
            raise Interrupted(outcome.status, result, outcome.signal)
        return result


class _ResultsFolder:
    """A folder that phasefield wrote, known by its JSON file ``RECORD``, which ``metadata`` reads."""

    RECORD = ""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        if not (self.directory / self.RECORD).is_file():
            raise FileNotFoundError(f"{self.directory}: no {self.RECORD}, not a phasefield results folder of "
                                    f"this kind ({type(self).__name__})")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.directory)!r})"

    @cached_property
    def metadata(self) -> dict[str, Any]:
        """The folder's JSON record as a dict."""
        return json.loads((self.directory / self.RECORD).read_text())


class Result(_ResultsFolder):
    """The results folder of one run (finished or not): what ``phasefield run`` wrote there; ``metadata`` is
    run.json (the resolved case, its overrides, every parameter with its source, versions, status)."""

    RECORD = "run.json"

    @property
    def status(self) -> str:
        """How the run ended: ``completed``, ``short-circuit``, ``stopped: ...``, ``cut off: ...``, ``interrupted``,
        ``failed ...``."""
        return self.metadata["status"]

    @cached_property
    def timeseries(self):
        """timeseries.csv as a pandas DataFrame: one row per time step, the unit in each column name
        (``time_s``, ``capacity_mAh_per_cm2``, ``overpotential_V``, ``contact_fraction``, ...)."""
        import pandas

        return pandas.read_csv(self.directory / "timeseries.csv")

    @cached_property
    def fields(self) -> dict[str, Any]:
        """A pyvista reader per field file (``fields/*.pvd``) by name: ``"metal"``, ``"electrolyte"`` and,
        after a restart, ``"metal_restart00025"``, ...; ``reader.time_values``, ``set_active_time_value(t)``
        and ``read()`` give the meshes with their fields."""
        import pyvista

        return {path.stem: pyvista.get_reader(str(path)) for path in sorted((self.directory / "fields").glob("*.pvd"))}

    def plot(self):
        """The run's figure as a matplotlib Figure: overpotential and contact loss against capacity, with the
        seed's measured values where the case has a ``[meta] target`` (voltage_vs_capacity.png)."""
        from phasefield.output.timeseries import read_timeseries
        from phasefield.output.voltage_plot import run_marks, voltage_figure

        title = self.metadata["case"]["meta"]["description"]
        return voltage_figure(read_timeseries(self.directory / "timeseries.csv"), title,
                              run_marks(self.directory / "run.json"))


class SweepResult(_ResultsFolder):
    """The results folder of a sweep: every member's :class:`Result` and one table of all their rows;
    ``metadata`` is sweep.json (the swept parameter, each member's value and status)."""

    RECORD = "sweep.json"

    @property
    def statuses(self) -> dict[str, str]:
        """Each member's status by label (``completed``, ``stopped: ...``, ``failed ...``, ``missing``)."""
        return {label: member["status"] for label, member in self.metadata["members"].items()}

    @cached_property
    def members(self) -> dict[str, Result]:
        """Each member that started, as a :class:`Result`, by label (``stack_pressure_0p2MPa``)."""
        return {label: Result(self.directory / label) for label in self.metadata["members"]
                if (self.directory / label / "run.json").is_file()}

    @cached_property
    def timeseries(self):
        """sweep.csv as one pandas DataFrame: ``member`` (the label), the swept parameter (its value as
        written, e.g. ``cell.stack_pressure`` = ``"0.2 MPa"``), then every column of the members' time series."""
        import pandas

        path = self.directory / "sweep.csv"
        return pandas.read_csv(path) if path.stat().st_size else pandas.DataFrame()


def load(path: str | Path) -> Result | SweepResult:
    """Reopen the results folder of a run (a :class:`Result`) or of a sweep (a :class:`SweepResult`)."""
    folder = Path(path)
    return SweepResult(folder) if (folder / "sweep.json").is_file() else Result(folder)


def sweep(case: str | Path | Mapping[str, Any], output: str | Path, overrides: Mapping[str, Any] | None = None,
          jobs: int = 1, ranks: int = 1, overwrite: bool = False, resume: bool = False,
          allow_unused: bool = False, executor: str | None = None, scheduler: str | None = None,
          jobqueue: str | None = None, job_options: Mapping[str, Any] | None = None) -> SweepResult:
    """Run every member of a case with a ``[sweep]`` table into ``output`` (as ``phasefield sweep``: ``jobs``
    members at a time, each on ``ranks`` MPI ranks; ``resume`` keeps completed members and continues the
    others) and return the :class:`SweepResult`. ``executor``, ``scheduler``, ``jobqueue`` and ``job_options``
    are the options of the same names (docs/sweeps.md): ``scheduler="tcp://host:8786"`` runs the members on a
    running Dask cluster. Members that did not complete are results too: see its ``statuses``. Raises
    :class:`CaseError` (also for a case without ``[sweep]``), :class:`OutputNotEmpty`, or
    :class:`~phasefield.coupling.sweep_executors.ExecutorError` for executor options that do not go together."""
    from phasefield.case.sweep import sweep_members
    from phasefield.coupling.sweep import finished, run_sweep
    from phasefield.coupling.sweep_executors import make_executor

    resolved = Simulation(case, overrides, allow_unused).resolved
    members = sweep_members(resolved, allow_unused)
    runner = make_executor(executor, jobs, ranks, scheduler, jobqueue, job_options)
    directory = Path(output) if resume else prepare_output(Path(output), overwrite, PYTHON)
    statuses = run_sweep(members, resolved.case.sweep.parameter, directory, ranks, resume, allow_unused, runner)
    unfinished = {label: status for label, status in statuses.items() if not finished(status)}
    if unfinished:
        log.warning("sweep members not completed: %s", "; ".join(f"{k}: {v}" for k, v in unfinished.items()))
    return SweepResult(directory)
