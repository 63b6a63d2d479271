"""Every form a coupled run assembles is compiled with a stated quadrature, not UFL's estimate.

UFL estimates the degree of exp/tanh/power expressions as the sum of their arguments' degrees plus
two, and FFCx 0.11 ignores ``form_compiler_options["quadrature_degree"]``: the vacancy-void Jacobian
was compiled with 159 points per triangle (27 mass-matrix assemblies) until the degree was set on
its measures. This test reads the generated C code of every ``fem.Form`` reachable from a
:class:`Simulation` and bounds its largest quadrature loop.
"""

import re
from pathlib import Path

import pytest
from dolfinx import fem
from helpers import DATA
from mpi4py import MPI

from phasefield.case.loader import load_case
from phasefield.coupling.simulation import Simulation

#: Degree 6 on triangles has 12 points, on intervals 4; anything above 16 is an estimated degree.
LARGEST_RULE = 16


def reachable_forms(obj, path: str, seen: set, depth: int = 0):
    """(attribute path, form) for the forms held by phasefield objects under ``obj``."""
    if id(obj) in seen or depth > 6:
        return
    seen.add(id(obj))
    if isinstance(obj, fem.Form):
        yield path, obj
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            yield from reachable_forms(item, f"{path}[{i}]", seen, depth + 1)
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from reachable_forms(item, f"{path}[{key!r}]", seen, depth + 1)
    elif type(obj).__module__.split(".")[0] in ("phasefield", "dolfinx") and hasattr(obj, "__dict__"):
        for key, item in vars(obj).items():
            yield from reachable_forms(item, f"{path}.{key}", seen, depth + 1)


def largest_quadrature_rule(form: fem.Form) -> int:
    """Points of the largest quadrature loop in the form's generated C code."""
    source = Path(form.module.__file__.split(".cpython")[0] + ".c").read_text()
    return max(int(n) for n in re.findall(r"for \(int iq = 0; iq < (\d+); \+\+iq\)", source))


@pytest.mark.parametrize("case", ["tiny_creep.toml", "small_limg.toml", "small_prescribed.toml"])
def test_every_form_uses_a_stated_quadrature(case, tmp_path):
    simulation = Simulation(load_case(DATA / case), MPI.COMM_WORLD, tmp_path)
    forms = dict(reachable_forms(simulation, "simulation", set()))
    rules = {path: largest_quadrature_rule(form) for path, form in forms.items()}
    simulation.close()
    assert len(rules) >= 6, f"found only {sorted(rules)}"
    too_many = {path: n for path, n in rules.items() if n > LARGEST_RULE}
    assert not too_many, f"forms with an estimated quadrature (points per cell): {too_many}"
