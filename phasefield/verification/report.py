"""The verification report: ``orders.csv``, ``orders.md`` (with machine and date) and one log-log
figure per study, ``<study>.png``, with the expected slope drawn through the finest point."""

import csv
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
from mpi4py import MPI

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from phasefield.output.metadata import git_revision, versions  # noqa: E402
from phasefield.verification.convergence import ASYMPTOTIC_PAIRS, ORDER_TOLERANCE, StudyResult  # noqa: E402

COLUMNS = ("study", "submodel", "variable", "norm", "expected_order", "observed_order", "orders",
           "resolutions", "errors", "verdict", "wall_time_s")
SIZE_LABEL = {"h": "relative cell size h", "dt": "relative time step dt"}


def cpu_model() -> str:
    """The processor name (from /proc/cpuinfo on Linux), for the timings."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown cpu"


def verdict(result: StudyResult, measure: int) -> str:
    """``pass``, ``MISS`` (off theory by more than the tolerance) or ``reported`` (no theory)."""
    if result.study.measures[measure].expected is None:
        return "reported"
    return "pass" if result.matches(measure) else "MISS"


def rows(results: Sequence[StudyResult]) -> list[dict[str, str]]:
    """One row per study and measure, numbers formatted for the table."""
    table = []
    for result in results:
        study = result.study
        for k, measure in enumerate(study.measures):
            orders = result.orders(k)
            table.append({
                "study": study.name, "submodel": study.submodel, "variable": study.variable,
                "norm": measure.norm,
                "expected_order": "-" if measure.expected is None else f"{measure.expected:g}",
                "observed_order": f"{orders[-1]:.3f}",
                "orders": " ".join(f"{p:.3f}" for p in orders),
                "resolutions": " ".join(str(n) for n in result.resolutions),
                "errors": " ".join(f"{e:.3e}" for e in result.errors[:, k]),
                "verdict": verdict(result, k),
                "wall_time_s": f"{result.wall_time_s:.1f}",
            })
    return table


def write_csv(results: Sequence[StudyResult], path: Path) -> None:
    with path.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows(results))


def write_markdown(results: Sequence[StudyResult], path: Path, resolution_set: str) -> None:
    """The table of observed orders, with the rule of the check, the machine and the date."""
    info = versions()
    lines = [
        "# Verification: observed orders of convergence",
        "",
        f"Written by `phasefield verify` ({resolution_set} resolutions) on "
        f"{datetime.now(UTC).isoformat(timespec='seconds')}, host `{platform.node()}` "
        f"({platform.system()} {platform.machine()}, {cpu_model()}, {MPI.COMM_WORLD.size} MPI rank(s)), "
        f"phasefield {info['phasefield']} at `{git_revision()}`, DOLFINx {info['dolfinx']}, PETSc {info['petsc']}.",
        "",
        f"Observed order p_k = log(e_(k+1)/e_k) / log(h_(k+1)/h_k) over successive refinements; `observed` is "
        f"the finest. A measure passes when the {ASYMPTOTIC_PAIRS} finest orders are within {ORDER_TOLERANCE} "
        "of the expected order (`MISS` otherwise, or with fewer orders than that); coarser orders are shown, "
        "not judged (they may be pre-asymptotic); `reported` measures have no theoretical order. "
        "Resolutions are cells per side (h) or time steps (dt); for the coupled studies the refinement "
        "factor of the steps, or the metal cells, and errors are differences between successive refinements.",
        "",
        "| study | sub-model | norm | expected | observed | all orders | resolutions | verdict | time (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows(results):
        lines.append(f"| {row['study']} | {row['submodel']} | {row['norm']} | {row['expected_order']} | "
                     f"{row['observed_order']} | {row['orders']} | {row['resolutions']} | {row['verdict']} | "
                     f"{row['wall_time_s']} |")
    lines += ["", "## Studies", ""]
    lines += [f"- `{r.study.name}` ({r.study.variable}): {r.study.description}" for r in results]
    path.write_text("\n".join(lines) + "\n")


def plot_study(result: StudyResult, path: Path) -> None:
    """Errors against size, log-log, one series per measure, with the expected slope (dashed)."""
    fig, axes = plt.subplots(figsize=(5.5, 4.2), layout="constrained")
    for k, measure in enumerate(result.study.measures):
        errors = result.errors[:, k]
        orders = result.orders(k)
        axes.loglog(result.sizes, errors, f"C{k}o-", label=f"{measure.norm}: observed {orders[-1]:.2f}")
        if measure.expected is not None:
            reference = errors[-1] * (result.sizes / result.sizes[-1]) ** measure.expected
            axes.loglog(result.sizes, reference, f"C{k}--", lw=1, label=f"slope {measure.expected:g}")
    axes.set_xlabel(SIZE_LABEL[result.study.variable])
    axes.set_ylabel("error")
    axes.set_title(result.study.name)
    axes.grid(alpha=0.3, which="both")
    axes.legend(fontsize=8)
    fig.savefig(path, dpi=150)
    plt.close(fig)


def write_report(results: Sequence[StudyResult], directory: Path, resolution_set: str) -> None:
    """orders.csv, orders.md and <study>.png in ``directory`` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    write_csv(results, directory / "orders.csv")
    write_markdown(results, directory / "orders.md", resolution_set)
    for result in results:
        plot_study(result, directory / f"{result.study.name}.png")
