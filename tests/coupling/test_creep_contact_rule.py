"""The case key ``[creep] contact`` reaches the creep flow of a coupled run: with a void layer under
part of the interface, the ``metal_fraction`` rule releases the facets below a metal fraction of 1/2, the
``impenetrable`` rule keeps v_n = 0 on every interface facet and the ``unilateral`` (default) keeps it on
the facets of its active set."""

import tomllib

import numpy as np
import pytest
from helpers import DATA
from mpi4py import MPI

from phasefield.case.loader import resolve
from phasefield.coupling.simulation import Simulation


def void_under_left_half(directory, **creep) -> Simulation:
    """The tiny creep case with the ``[creep]`` keys ``creep``, a void layer under the left half of its interface."""
    path = DATA / "tiny_creep.toml"
    raw = tomllib.loads(path.read_text())
    raw["creep"].update(creep)
    simulation = Simulation(resolve(path, raw), MPI.COMM_WORLD, directory)
    void = lambda x: np.where((x[1] < 0.9e-6) & (x[0] < 10.1e-6), 0.05, 1.0)  # noqa: E731
    simulation.models.contact.system.set_state(void, lambda x: np.zeros(x.shape[1]))
    return simulation


@pytest.mark.parametrize("rule", ["metal_fraction", "impenetrable", "unilateral"])
def test_case_contact_rule_sets_the_creep_contact_facets(rule, tmp_path):
    simulation = void_under_left_half(tmp_path, contact=rule)
    flow = simulation.models.flow.flow
    flow.solve()
    creep = flow.creep
    in_contact = MPI.COMM_WORLD.allreduce(creep.contact_facets.size)
    interface = MPI.COMM_WORLD.allreduce(creep.interface_facets().size)
    simulation.close()
    if rule == "impenetrable":
        assert in_contact == interface
    elif rule == "unilateral":  # the active set of the last solve: compressive facets only
        assert 0 < in_contact <= interface and creep.contact_facets.size == np.count_nonzero(flow.in_contact)
    else:  # the 30 facets of x < 10 um released (the next one, half in the void, has 0.525)
        assert in_contact == interface // 2


def counted(solve, calls: list):
    """``solve`` that records each call's keywords in ``calls``."""
    def wrapper(**keywords):
        calls.append(keywords)
        return solve(**keywords)
    return wrapper


def test_case_contact_updates_zero_solves_once_a_step_and_leaves_the_update_to_the_next_step(tmp_path, monkeypatch):
    """``[creep] contact_updates = 0`` reaches the flow. In this cell the settled default ends in full contact: one
    facet at the edge of the void turns tensile in full contact and penetrates once released (a cycle, kept in
    contact). With 0 updates each solve is one creep solve, and the facet is released for the next step and put
    back after it: the cycle runs across steps instead of within one (serial: the facet counts include no ghosts)."""
    in_contact, solves = {}, {}
    for updates in (None, 0):
        options = {"contact": "unilateral"} | ({} if updates is None else {"contact_updates": updates})
        simulation = void_under_left_half(tmp_path / str(updates), **options)
        flow = simulation.models.flow.flow
        solves[updates] = []
        monkeypatch.setattr(flow.creep, "solve", counted(flow.creep.solve, solves[updates]))
        in_contact[updates] = []
        for _ in range(2):
            flow.solve()
            in_contact[updates].append(MPI.COMM_WORLD.allreduce(int(np.count_nonzero(flow.in_contact))))
        interface = MPI.COMM_WORLD.allreduce(flow.creep.interface_facets().size)
        simulation.close()
    assert in_contact[None] == [interface, interface] and len(solves[None]) > 2
    assert in_contact[0] == [interface - 1, interface] and len(solves[0]) == 2
