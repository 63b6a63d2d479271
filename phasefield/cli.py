"""Command line: ``phasefield run CASE [-o DIR]``, ``sweep CASE``, ``check CASE``, ``reduced CASE [-o DIR]``,
``verify``, ``info``, ``params [SET]``.

User errors (a bad case file, an existing output directory) print one line and exit with 2;
a solver failure prints one line and exits with 3; a run cut off at the first step of a protocol step
exits with 4; SIGINT and SIGTERM end a run cleanly after the current step with 130 and 143.
Nothing is written before the case is valid.
"""

import argparse
import logging
import signal
import sys
from pathlib import Path

from mpi4py import MPI  # noqa: I001 - must come before petsc4py / dolfinx

import phasefield
from phasefield.case import CaseError, load_case
from phasefield.case.overrides import Overrides
from phasefield.console import ProgressLines, progress_bar, setup_logging
from phasefield.coupling import results_folder
from phasefield.solvers import kernel_compilation

log = logging.getLogger("phasefield")
USER_ERROR, SOLVER_ERROR, CUT_OFF = 2, 3, 4


def _fail(message: str, code: int) -> None:
    if MPI.COMM_WORLD.rank == 0:
        print(f"phasefield: error: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def _prepare_output(case_path: Path, output: Path | None, overwrite: bool) -> Path:
    """The results directory (default results/<case>), created empty; refuses to touch an existing one unless told."""
    try:
        return results_folder.prepare_output(output or Path("results") / case_path.stem, overwrite,
                                             results_folder.COMMAND_LINE)
    except results_folder.OutputNotEmpty as err:
        _fail(str(err), USER_ERROR)


def _load(path: str, allow_unused: bool = False, assignments: list[str] | None = None):
    """The case at ``path`` with the ``--set`` ``assignments`` in place (none: the file as it is)."""
    try:
        overrides = Overrides.parse(assignments, Path(path)) if assignments else None
        return load_case(path, allow_unused, overrides)
    except CaseError as err:
        _fail(str(err), USER_ERROR)


def command_check(args: argparse.Namespace) -> None:
    resolved = _load(args.case, args.allow_unused, args.set)
    case = resolved.case
    print(f"{resolved.path}: valid ({case.meta.description})")
    print(f"  protocol: {len(case.protocol.steps)} step(s): "
          + "; ".join(step.text for step in case.protocol.steps))
    if case.sweep is not None:
        _, members = _sweep_members(args.case, args.allow_unused, args.set)
        print(f"  sweep over {case.sweep.parameter}: " + ", ".join(member.label for member in members))


def _restart_point(resolved, output: Path | None, allow_unused: bool) -> tuple[Path, Path]:
    """The results directory and its latest checkpoint, for ``--restart`` of the same case."""
    output = output or Path("results") / resolved.path.stem
    try:
        return output, results_folder.restart_point(resolved, output, allow_unused, results_folder.COMMAND_LINE)
    except (results_folder.RestartRefused, CaseError) as err:
        _fail(str(err), USER_ERROR)


def command_run(args: argparse.Namespace) -> None:
    resolved = _load(args.case, args.allow_unused, args.set)
    if resolved.case.sweep is not None:
        _fail(f"{resolved.path}: [sweep]: a sweep case runs with `phasefield sweep {args.case}`", USER_ERROR)
    if args.restart:
        output, checkpoint = _restart_point(resolved, args.output, args.allow_unused)
    else:
        output, checkpoint = _prepare_output(resolved.path, args.output, args.overwrite), None
    from phasefield.coupling.run import run_case

    bar, update = (None, None) if args.quiet else progress_bar()
    if bar is None:
        lines = None if args.quiet else ProgressLines(len(resolved.case.protocol.steps))
        outcome = run_case(resolved, output, progress=lines, restart=checkpoint)
    else:
        with bar:
            outcome = run_case(resolved, output, progress=update, restart=checkpoint)
    _end_run(outcome, args.case, output)


def _end_run(outcome, case: str, output: Path) -> None:
    """The exit code of a run: 0 completed or stopped at max_steps, 3 failed, 4 cut off in its first step,
    128 + N interrupted by signal N (one line on stderr for each of these)."""
    if outcome.status.startswith("failed"):
        _fail(f"solver {outcome.status}", SOLVER_ERROR)
    if outcome.status.startswith("cut off"):
        _fail(f"{outcome.status} (results in {output})", CUT_OFF)
    if outcome.signal:
        name = signal.Signals(outcome.signal).name
        _fail(f"interrupted by {name} after step {outcome.steps}; results and a checkpoint are in {output}: "
              f"continue with `phasefield run {case} -o {output} --restart`", 128 + outcome.signal)


def _sweep_members(path: str, allow_unused: bool, assignments: list[str]):
    from phasefield.case.sweep import sweep_members

    resolved = _load(path, allow_unused, assignments)
    try:
        return resolved, sweep_members(resolved, allow_unused)
    except CaseError as err:
        _fail(str(err), USER_ERROR)


def command_sweep(args: argparse.Namespace) -> None:
    """Run every member of a sweep case; collect sweep.csv and the figure; exit 3 if one failed."""
    resolved, members = _sweep_members(args.case, args.allow_unused, args.set)
    executor = _sweep_executor(args)
    if args.resume:
        output = args.output or Path("results") / resolved.path.stem
    else:
        output = _prepare_output(resolved.path, args.output, args.overwrite)
    if MPI.COMM_WORLD.rank != 0:
        return
    from phasefield.coupling.sweep import finished, run_sweep

    statuses = run_sweep(members, resolved.case.sweep.parameter, output, args.ranks, args.resume, args.allow_unused,
                         executor)
    for label, status in statuses.items():
        print(f"{label}: {status}")
    files = ["sweep.csv", "sweep.json", "overpotential_vs_capacity.png", "ensemble.csv", "ensemble.json"]
    print(f"sweep results in {output}: {', '.join(f for f in files if (output / f).exists())}")
    failed = [label for label, status in statuses.items() if not finished(status)]
    if failed:
        _fail(f"sweep members not completed: {', '.join(failed)} (logs in {output / 'logs'})", SOLVER_ERROR)


def _sweep_executor(args: argparse.Namespace):
    """Where the members run (``--executor``, ``--scheduler``, ``--jobqueue``, ``--job-option``; docs/sweeps.md)."""
    from phasefield.coupling.sweep_executors import ExecutorError, make_executor

    try:
        return make_executor(args.executor, args.jobs, args.ranks, args.scheduler, args.jobqueue,
                             dict(args.job_option))
    except ExecutorError as err:
        _fail(f"phasefield sweep: {err}", USER_ERROR)


def _job_option(text: str) -> tuple[str, str | int]:
    key, equals, value = text.partition("=")
    if not (key and equals and value):
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE (e.g. walltime=04:00:00), got {text!r}")
    return key, int(value) if value.isdigit() else value


def command_reduced(args: argparse.Namespace) -> None:
    """Run the reduced interface model (``phasefield.reduced``, seconds, no DOLFINx) on a case's strip steps."""
    from phasefield.reduced.run import run_case, strip_steps
    from phasefield.units import UnitError, to_si_within

    resolved = _load(args.case, args.allow_unused, args.set)
    try:
        strip_steps(resolved)
        width = None if args.width is None else to_si_within(args.width, "length", gt=0.0, le=1e-2)
    except CaseError as err:
        _fail(str(err), USER_ERROR)
    except UnitError as err:
        _fail(f"--width: {err} (got {args.width!r})", USER_ERROR)
    output = _prepare_output(resolved.path, args.output or Path("results") / f"{resolved.path.stem}_reduced",
                             args.overwrite)
    summary = run_case(resolved, output, width, args.nucleation, not args.no_flaws).summary()
    rise = summary["rise_capacity_mAh_per_cm2"]
    print(f"reduced model: {summary['capacity_reached_mAh_per_cm2']:.3f} mAh/cm2 stripped, rise "
          + (f"at {rise:.3f} mAh/cm2" if rise is not None else "none") + f"; results in {output}")


def command_params(args: argparse.Namespace) -> None:
    """List the parameter sets, or every value of one (a name or a set file) with its standing and source."""
    from phasefield.parameters import PARAMETER_SETS, ParameterSetError, find_parameter_set
    from phasefield.parameters.listing import show_set, show_sets

    if args.set is None:
        show_sets(PARAMETER_SETS.values())
        return
    try:
        show_set(find_parameter_set(args.set))
    except KeyError as err:
        _fail(err.args[0], USER_ERROR)
    except ParameterSetError as err:
        _fail(str(err), USER_ERROR)


def command_info(args: argparse.Namespace) -> None:
    from petsc4py import PETSc

    from phasefield.output.metadata import git_revision, versions

    for key, value in versions().items():
        print(f"{key:>12}: {value}")
    print(f"{'git':>12}: {git_revision()}")
    print(f"{'mpi ranks':>12}: {MPI.COMM_WORLD.size}")
    config = PETSc.Sys.getVersionInfo()
    print(f"{'petsc info':>12}: {config}")
    packages = [p for p in ("mumps", "superlu_dist", "hdf5", "hypre", "metis", "parmetis",
                            "scalapack") if PETSc.Sys.hasExternalPackage(p)]
    print(f"{'petsc pkgs':>12}: {', '.join(packages)}")
    print(f"{'scalar':>12}: {PETSc.ScalarType.__name__}")
    print(f"{'kernels':>12}: {' '.join(kernel_compilation.configure())} (x86-64 level of this CPU: "
          f"{kernel_compilation.instruction_level() or 'none'}; {kernel_compilation.FLAGS_VARIABLE}=default for "
          "DOLFINx's)")


def _print_orders(table_rows: list[dict[str, str]], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in ("study", "norm", "expected", "observed", "all orders", "verdict"):
        table.add_column(column, no_wrap=column in ("study", "expected", "observed", "verdict"))
    for row in table_rows:
        style = {"pass": "green", "MISS": "bold red"}.get(row["verdict"], "")
        table.add_row(row["study"], row["norm"], row["expected_order"], row["observed_order"], row["orders"],
                      f"[{style}]{row['verdict']}[/]" if style else row["verdict"])
    Console().print(table)


def command_verify(args: argparse.Namespace) -> None:
    """Run the convergence studies, print and write their orders; exit 1 if one misses theory."""
    from phasefield.verification import ORDER_TOLERANCE, run_study
    from phasefield.verification.report import rows, write_report
    from phasefield.verification.studies import STUDIES

    unknown = sorted(set(args.only or ()) - set(STUDIES))
    if unknown:
        _fail(f"unknown study {', '.join(unknown)}; expected one of {', '.join(STUDIES)}", USER_ERROR)
    if not args.verbose:
        logging.getLogger("phasefield.coupling").setLevel(logging.WARNING)  # the coupled runs' step log
    resolution_set = "full" if args.full else "fast"
    results = []
    for name in args.only or STUDIES:
        resolutions = getattr(STUDIES[name], resolution_set)
        log.info("%s at %s", name, resolutions)
        results.append(run_study(STUDIES[name], resolutions))
    if MPI.COMM_WORLD.rank != 0:
        return
    write_report(results, args.output, resolution_set)
    table_rows = rows(results)
    _print_orders(table_rows, f"observed orders ({resolution_set} resolutions, pass within {ORDER_TOLERANCE})")
    print(f"report: {args.output / 'orders.md'}, {args.output / 'orders.csv'} and {len(results)} figure(s)")
    missed = [row for row in table_rows if row["verdict"] == "MISS"]
    for row in missed:
        print(f"phasefield verify: {row['study']} {row['norm']}: observed orders {row['orders']}, "
              f"expected {row['expected_order']} +- {ORDER_TOLERANCE}", file=sys.stderr)
    if missed:
        sys.exit(1)


def _case_and_output(verb: argparse.ArgumentParser, case_help: str) -> None:
    verb.add_argument("case", help=case_help)
    verb.add_argument("-o", "--output", type=Path, help="results directory (default results/<case>)")
    verb.add_argument("--overwrite", action="store_true", help="replace an existing results directory")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    from phasefield.coupling.sweep_executors import JOBQUEUE_CLUSTERS

    top = argparse.ArgumentParser(prog="phasefield", description=__doc__.splitlines()[0])
    top.add_argument("-v", "--verbose", action="store_true", help="log phasefield's debugging detail")
    top.add_argument("--version", action="version", version=f"phasefield {phasefield.__version__}")
    verbs = top.add_subparsers(dest="command", required=True)
    run = verbs.add_parser("run", help="run a case file")
    _case_and_output(run, "case file (TOML)")
    run.add_argument("--restart", action="store_true",
                     help="continue from the latest checkpoint in the results directory (any rank count)")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar or progress lines")
    run.set_defaults(func=command_run)
    check = verbs.add_parser("check", help="validate a case file without running it")
    check.add_argument("case")
    check.set_defaults(func=command_check)
    sweep = verbs.add_parser("sweep", help="run every member of a case with a [sweep] table, collect one CSV")
    _case_and_output(sweep, "case file (TOML) with a [sweep] table")
    sweep.add_argument("--resume", action="store_true",
                       help="keep completed members, restart the others from their checkpoints")
    sweep.add_argument("-j", "--jobs", type=_positive, default=1, help="members run at the same time (default 1)")
    sweep.add_argument("--ranks", type=_positive, default=1, help="MPI ranks per member (default 1)")
    sweep.add_argument("--executor", choices=("local", "dask"),
                       help="where members run: local processes (default), or tasks of a Dask cluster (default with "
                            "--scheduler or --jobqueue; without either, a Dask LocalCluster of --jobs workers)")
    sweep.add_argument("--scheduler", metavar="ADDRESS",
                       help="a running Dask scheduler (e.g. tcp://login1:8786) whose workers run the members")
    sweep.add_argument("--jobqueue", choices=tuple(JOBQUEUE_CLUSTERS),
                       help="start --jobs batch jobs of --ranks cores through dask-jobqueue, one member at a time each")
    sweep.add_argument("--job-option", type=_job_option, action="append", default=[], metavar="KEY=VALUE",
                       help="a keyword of dask-jobqueue's cluster for those jobs, e.g. queue=short, account=abc, "
                            "walltime=04:00:00, memory=8GB (lists go in its jobqueue.yaml; repeatable)")
    sweep.set_defaults(func=command_sweep)
    reduced = verbs.add_parser("reduced", help="the reduced interface void-population model of a case (seconds)")
    _case_and_output(reduced, "case file (TOML) with strip steps")
    reduced.add_argument("--width", metavar="LENGTH", help='strip length along the interface (default: [mesh] width), '
                                                           'e.g. "600 um"')
    reduced.add_argument("--nucleation", action="store_true",
                         help="voids also nucleate at the interface trap, as in the finite-element model")
    reduced.add_argument("--no-flaws", action="store_true",
                         help="no interface flaws (with --nucleation: the voids of the finite-element cases)")
    reduced.set_defaults(func=command_reduced)
    for verb in (run, check, sweep, reduced):
        verb.add_argument("--allow-unused", action="store_true",
                          help="warn about tables and keys the chosen models do not read, instead of refusing them")
        verb.add_argument("--set", action="append", default=[], metavar="TABLE.KEY=VALUE",
                          help='override a key of the case, validated like the file (repeatable): '
                               '--set cell.stack_pressure="1 MPa" --set time.max_steps=100')
    info = verbs.add_parser("info", help="versions, MPI and PETSc configuration")
    info.set_defaults(func=command_info)
    params = verbs.add_parser("params", help="list the parameter sets, or the values of one with their sources")
    params.add_argument("set", nargs="?", metavar="SET", help="a set name (Li) or a set file (my_set.toml)")
    params.set_defaults(func=command_params)
    verify = verbs.add_parser("verify", help="convergence studies of every sub-model: observed vs theoretical orders")
    verify.add_argument("--full", action="store_true", help="the full (finer, slow) resolutions, not the fast ones")
    verify.add_argument("--only", nargs="+", metavar="NAME", help="run only these studies")
    verify.add_argument("-o", "--output", type=Path, default=Path("results") / "verification",
                        help="report directory (default results/verification)")
    verify.set_defaults(func=command_verify)
    return top


def main(argv: list[str] | None = None) -> None:
    if hasattr(signal, "SIGPIPE"):  # `phasefield check CASE | head`: end quietly, as other tools do
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # before any PETSc import: PETSc's own signal handler aborts with a crash report on a closed pipe
    # (`phasefield info | head`) and would take SIGINT/SIGTERM, which a run handles itself
    import petsc4py

    petsc4py.init([sys.argv[0], "-no_signal_handler"])
    args = parser().parse_args(argv)
    setup_logging(args.verbose, getattr(args, "quiet", False))
    problem = kernel_compilation.override_problem()  # before anything is written
    if problem:
        _fail(problem, USER_ERROR)
    args.func(args)
