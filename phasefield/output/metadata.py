"""run.json: the resolved case, its overrides, parameters with sources, versions, git revision and rank count."""

import json
import math
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w
from mpi4py import MPI

import phasefield


def git_revision() -> str:
    """The git revision of the phasefield source tree ("unknown" outside a checkout)."""
    root = Path(phasefield.__file__).resolve().parent.parent
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty", "--abbrev=40"],
            capture_output=True, text=True, timeout=10, check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return result.stdout.strip() or "unknown"


def versions() -> dict[str, str]:
    """Versions of phasefield and of the libraries it stands on."""
    import basix
    import dolfinx
    import mpi4py
    import ufl
    from petsc4py import PETSc

    return {
        "phasefield": phasefield.__version__,
        "python": sys.version.split()[0],
        "dolfinx": dolfinx.__version__,
        "basix": basix.__version__,
        "ufl": ufl.__version__,
        "petsc": ".".join(str(v) for v in PETSc.Sys.getVersion()),
        "mpi4py": mpi4py.__version__,
        "mpi": MPI.Get_library_version().splitlines()[0].strip(),
    }


def run_metadata(resolved, comm: MPI.Comm, **extra: Any) -> dict[str, Any]:
    """Everything needed to know what produced a results directory."""
    return {
        "case_file": str(resolved.path),
        "case": resolved.case.model_dump(mode="json"),
        "case_as_written": resolved.raw,
        "overrides": resolved.overrides,
        "parameters": {
            role: {
                key: {"value": p.text, "si": p.si, "source": p.source, "standing": p.standing,
                      "description": p.description}
                for key, p in pset.parameters.items()
            } | {"set": pset.name}
            for role, pset in resolved.materials.items()
        },
        "versions": versions(),
        "git_revision": git_revision(),
        "mpi_ranks": comm.size,
        "host": platform.node(),
        "machine": f"{platform.system()} {platform.machine()}",
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **extra,
    }


def strict(value: Any) -> Any:
    """``value`` with every NaN and infinity replaced by None (JSON null), in nested dicts and lists."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: strict(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [strict(item) for item in value]
    return value


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` atomically as strict JSON (NaN and infinities as null; a crash leaves the
    previous file intact)."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(strict(data), indent=2, default=str, allow_nan=False) + "\n")
    tmp.replace(path)


def write_case_copy(resolved, path: Path) -> None:
    """The case as run, self-contained: includes inlined and overrides (``--set``) in place, so that
    ``--restart`` reads it from any directory."""
    header = f"# {resolved.path} as run by phasefield: [mesh] include inlined\n"
    if resolved.overrides:
        header += "# overrides in place: " + ", ".join(f"{k} = {v!r}" for k, v in resolved.overrides.items()) + "\n"
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(header + tomli_w.dumps(resolved.raw))
    tmp.replace(path)
