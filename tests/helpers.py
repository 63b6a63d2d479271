"""Helpers shared by tests: the test data folder and the CLI command line (meshes and observed
orders come from :mod:`phasefield.verification`)."""

import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"
MPIEXEC = str(Path(sys.executable).parent / "mpiexec")


def run_command(case: Path, output: Path, ranks: int = 1, restart: bool = False) -> list[str]:
    """``phasefield run CASE -o OUTPUT -q`` with this interpreter, under mpiexec for ranks > 1."""
    args = [sys.executable, "-m", "phasefield", "run", str(case), "-o", str(output), "-q"]
    args += ["--restart"] if restart else []
    return [MPIEXEC, "-n", str(ranks), *args] if ranks > 1 else args
