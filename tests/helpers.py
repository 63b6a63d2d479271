"""Helpers shared by tests: the test data folder and the CLI command line (meshes and observed
orders come from :mod:`phasefield.verification`)."""

import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"
MPIEXEC = str(Path(sys.executable).parent / "mpiexec")


def run_command(case: Path, output: Path, ranks: int = 1, restart: bool = False) -> list[str]:
    """``phasefield run CASE -o OUTPUT -q`` with this interpreter, under mpiexec for ranks > 1."""
    args = [sys.executable, "-m", "phasefield", "run", str(case), "-o", str(output), "-q"]
    args += ["--restart"] if restart else []
    return [MPIEXEC, "-n", str(ranks), *args] if ranks > 1 else args


def run_in_process(argv: list[str], capsys) -> tuple[int, str, str]:
    """``phasefield ARGV`` in this process: exit code, stdout, stderr (``capsys``: pytest's fixture)."""
    from phasefield import cli

    try:
        cli.main(argv)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def run_subprocess(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    """``python -m phasefield ARGV`` as the user would run it: exit code, stdout, stderr."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-m", "phasefield", *argv], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr
