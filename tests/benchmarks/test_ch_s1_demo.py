"""benchmarks/ch_s1/run_dolfinx_demo.py: the demo formulation at P2 and with phasefield's solver options.

Requirement: the script shall solve the same demo residual whichever solver options it is given (the
energies of --solver demo and --solver phasefield agree to the Newton tolerances, ~1e-9 relative), and
--degree 2 shall change the discretisation (its energies differ from P1's by more than round-off).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "ch_s1" / "run_dolfinx_demo.py"


def energies(tmp_path: Path, *options: str) -> dict[str, float]:
    """E(t) at t = 0, 1e-5, 2e-5 of the demo formulation on 8 x 8 cells with dt = 1e-6."""
    output = tmp_path / f"{'_'.join(options) or 'demo'}.json"
    subprocess.run([sys.executable, str(SCRIPT), "--cells", "8", "--dt", "1e-6", "--t-end", "2e-5",
                    "--output", str(output), *options], check=True, capture_output=True)
    return json.loads(output.read_text())["energies"]


def largest_relative_difference(a: dict[str, float], b: dict[str, float]) -> float:
    return max(abs(a[t] - b[t]) / abs(b[t]) for t in b)


@pytest.mark.parametrize("linear_solver", ["gmres", "mumps"])
def test_phasefield_solver_options_give_the_demo_energies_at_p2(tmp_path, linear_solver):
    demo = energies(tmp_path, "--degree", "2")
    ours = energies(tmp_path, "--degree", "2", "--solver", "phasefield", "--linear-solver", linear_solver)
    assert largest_relative_difference(ours, demo) < 1e-9


def test_degree_two_changes_the_discretisation(tmp_path):
    assert largest_relative_difference(energies(tmp_path, "--degree", "2"), energies(tmp_path)) > 1e-3
