"""Helpers shared by tests: the test data folder and the CLI command line (meshes and observed
orders come from :mod:`phasefield.verification`)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

DATA = Path(__file__).parent / "data"
MPIEXEC = str(Path(sys.executable).parent / "mpiexec")


def run_command(case: Path, output: Path, ranks: int = 1, restart: bool = False) -> list[str]:
    """``phasefield run CASE -o OUTPUT -q`` with this interpreter, under mpiexec for ranks > 1."""
    args = [sys.executable, "-m", "phasefield", "run", str(case), "-o", str(output), "-q"]
    args += ["--restart"] if restart else []
    return [MPIEXEC, "-n", str(ranks), *args] if ranks > 1 else args


def json_on_two_ranks(tmp_path: Path, test_file: str, statement: str):
    """Run ``statement``, which sets ``values``, on two ranks with ``test_file``'s directory and the tests' on the path;
    returns what rank 0 prints as JSON. Fails with the end of stderr if the run fails."""
    script = tmp_path / "two_ranks.py"
    script.write_text(textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(Path(test_file).parent)!r})
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from mpi4py import MPI
    """) + textwrap.dedent(statement) + textwrap.dedent("""
        if MPI.COMM_WORLD.rank == 0:
            print(json.dumps(values))
    """))
    done = subprocess.run([MPIEXEC, "-n", "2", sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


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


def run_subprocess(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``python -m phasefield ARGV`` as the user would run it (with the variables ``env`` added to the environment):
    exit code, stdout, stderr."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", **(env or {})}
    done = subprocess.run([sys.executable, "-m", "phasefield", *argv], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


def decay_rate(system, projection, expected: float, steps: int = 25) -> float:
    """The decay rate of ``projection`` (a form linear in the amplitude of one mode of ``system``, a
    :class:`~phasefield.physics.voids.VacancyVoidSystem`) over ``steps`` steps of 0.1 / expected, fitted after
    the first fifth (the start-up of mu) and corrected for backward Euler, A_(n+1) = A_n / (1 + r dt)."""
    import numpy as np
    from dolfinx import fem
    from mpi4py import MPI

    dt = 0.1 / expected
    amplitudes = []
    for _ in range(steps):
        system.step(dt)
        amplitudes.append(MPI.COMM_WORLD.allreduce(fem.assemble_scalar(projection)))
    start = steps // 5
    slope = np.polyfit(dt * np.arange(start, steps), np.log(np.abs(amplitudes[start:])), 1)[0]
    return (np.exp(-slope * dt) - 1.0) / dt
