"""phasefield: the metal anode / solid electrolyte interface during stripping and plating.

Python API (``phasefield.api``; the command line ``phasefield run|sweep|check`` does the same)::

    import phasefield

    sim = phasefield.Simulation("cases/li_prescribed_contact.toml",
                                overrides={"cell.stack_pressure": "1 MPa", "time.max_steps": 100})
    result = sim.run(output="results/li_1MPa")   # overwrite=True replaces an earlier run there
    result.timeseries       # pandas DataFrame of timeseries.csv: one row per step, units in the column names
    result.fields["metal"]  # pyvista reader of fields/metal.pvd (also "electrolyte")
    result.metadata         # run.json: the case as run, its overrides, parameters with sources, status
    result.plot()           # matplotlib Figure: overpotential and contact loss against capacity, with the
                            # seed's measured values when the case has a [meta] target
    result = phasefield.load("results/li_1MPa")  # reopen a run (or a sweep) folder
    table = phasefield.sweep("cases/t3_li_pressure_sweep.toml", output="results/t3", jobs=2).timeseries

- ``Simulation(case, overrides=None, allow_unused=False)``: ``case`` is a case file path, TOML text or a
  dict of tables; ``overrides`` maps ``"table.key"`` to a value written as in the case file. The case is
  validated at once. ``run(output, overwrite=False, progress=True, restart=False)`` returns a ``Result``;
  progress is a bar on a terminal and a log line every 10 s elsewhere (a notebook); ``restart=True``
  continues an interrupted run in ``output`` from its latest checkpoint (``phasefield run --restart``).
- ``Result``: ``timeseries``, ``fields``, ``metadata``, ``status``, ``plot()``, ``directory``.
- ``sweep(case, output, overrides=None, jobs=1, ranks=1, overwrite=False, resume=False, allow_unused=False,
  executor=None, scheduler=None, jobqueue=None, job_options=None)`` returns a ``SweepResult``: ``timeseries``
  (sweep.csv: every member's rows in one DataFrame, labelled by ``member`` and the swept value), ``members``
  (a ``Result`` per member), ``statuses``; ``scheduler="tcp://host:8786"`` or ``jobqueue="slurm"`` run the
  members on a Dask cluster (docs/sweeps.md).
- ``load(path)``: a ``Result`` for a run folder, a ``SweepResult`` for a sweep folder.
- Errors are exceptions, never an exit: ``CaseError`` (a bad case or override, one line naming the key),
  ``OutputNotEmpty`` (the output folder holds files; pass ``overwrite=True``), ``RestartRefused`` (no
  checkpoint to continue from, or results of another case), and for a run that does
  not finish ``SolverFailed``, ``CutOff`` and ``Interrupted`` (Ctrl-C or the notebook's interrupt ends
  the run after a step), subclasses of ``RunError`` with ``.status`` and ``.result`` (what was written).
  A run stopped by ``[time] max_steps`` returns its ``Result`` (see ``result.status``).

Data flows one way: case -> mesh -> fields -> coupled step -> outputs. Import `mpi4py.MPI`
before anything that loads PETSc or DOLFINx; the sub-packages that need them do so themselves
(importing phasefield and its API loads neither; a run does).
"""

__version__ = "0.1.0"

#: the Python API, imported from ``phasefield.api`` on first use (so that ``import phasefield`` stays light)
__all__ = ["CaseError", "CutOff", "Interrupted", "OutputNotEmpty", "RestartRefused", "Result", "RunError",
           "Simulation", "SolverFailed", "SweepResult", "load", "sweep"]


def __getattr__(name: str):
    if name in __all__:
        from phasefield import api

        return getattr(api, name)
    raise AttributeError(f"module 'phasefield' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
