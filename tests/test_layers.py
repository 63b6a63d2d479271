"""Requirement: imports point down. No layer imports the user interface (the CLI, the Python API).
The solver layers (``solvers/``, ``generic/``, ``mesh/``, ``physics/``) never import the case parser,
the coupler, the sub-model components or the writers; ``generic/`` and ``mesh/`` do not need
``physics/``; sub-models never import the coupler;
``postprocessing/`` reads results without the solver (no DOLFINx through phasefield); the reduced model
(``reduced/``) stands on the case, parameters and writers only, never on the finite-element layers."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "phasefield"
#: layer -> the phasefield packages it must not import
FORBIDDEN = {
    "solvers": {"case", "api", "cli", "coupling", "output", "submodels", "physics", "generic", "mesh",
                "verification"},
    "generic": {"case", "api", "cli", "coupling", "output", "submodels", "physics", "verification"},
    "mesh": {"case", "api", "cli", "coupling", "output", "submodels", "physics", "generic", "verification"},
    "physics": {"case", "api", "cli", "coupling", "output", "submodels", "verification"},
    "submodels": {"api", "cli", "coupling", "verification"},
    "output": {"case", "api", "cli", "coupling", "submodels", "physics", "verification"},
    "case": {"api", "cli", "coupling", "output", "physics", "generic", "mesh", "verification"},
    "coupling": {"api", "cli", "verification"},
    "reduced": {"api", "cli", "coupling", "submodels", "physics", "generic", "mesh", "solvers", "verification"},
    "verification": {"api", "cli"},
}
#: what postprocessing may use of phasefield: readers that import no DOLFINx
POSTPROCESSING_ALLOWED = {"phasefield.output.timeseries", "phasefield.output.void_statistics",
                          "phasefield.output.line_scan_plot", "phasefield.output.seed_measurements",
                          "phasefield.parameters.sets"}


def phasefield_imports(path: Path) -> set[str]:
    """Every ``phasefield...`` module that ``path`` imports, at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("phasefield")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.startswith("phasefield"):
            found.add(node.module)
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(layer):
    bad = {}
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        above = {m for m in phasefield_imports(path) if m.split(".")[1:2] and m.split(".")[1] in FORBIDDEN[layer]}
        if above:
            bad[str(path.relative_to(ROOT))] = sorted(above)
    assert not bad, f"imports pointing up from {layer}/: {bad}"


def test_postprocessing_reads_results_without_the_solver():
    bad = {str(p.relative_to(ROOT)): sorted(phasefield_imports(p) - POSTPROCESSING_ALLOWED)
           for p in sorted((ROOT / "postprocessing").glob("*.py"))}
    assert not {k: v for k, v in bad.items() if v}


def test_the_import_check_finds_an_upward_import(tmp_path):
    """The check itself can fail: a module importing the case parser is found."""
    module = tmp_path / "upward.py"
    module.write_text("def f():\n    from phasefield.case.loader import load_case\n    return load_case\n")
    assert phasefield_imports(module) == {"phasefield.case.loader"}
