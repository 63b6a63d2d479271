"""A sub-model added from outside the package, as a user would: this one module and a ``[tracer]``
section in a case file, found through the ``phasefield.submodels`` entry-point group.

A passive tracer a on the metal mesh decays as da/dt = -k a, advanced exactly, a(t) = exp(-k t).
A step longer than ``reject_above`` fails after it changed a, so the coupler must restore the
snapshot for the retry to stay on the exact curve.
"""

import math

import numpy as np
from dolfinx import fem
from mpi4py import MPI
from pydantic import BaseModel, ConfigDict

from phasefield.case.schema import quantity
from phasefield.solvers.failures import SolverFailure
from phasefield.submodels.base import Column, InterfaceFields, StepConditions, SubModel
from phasefield.submodels.registry import register


class TracerSettings(BaseModel):
    """``[tracer]``: the decay rate k and the longest step the tracer accepts."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    decay_rate: quantity("strain_rate", gt=0.0)
    reject_above: quantity("time", gt=0.0) = 3600.0


@register("tracer", settings=TracerSettings)
class DecayingTracer(SubModel):
    """a on the metal mesh, a(0) = 1."""

    columns = (Column("tracer_amount", "mean tracer a over the metal window"),
               Column("tracer_time_s", "time the tracer has decayed for", "s", "s"))

    def __init__(self, settings: TracerSettings, interface: InterfaceFields):
        self.rate, self.reject_above = settings.decay_rate, settings.reject_above
        self.tracer = fem.Function(interface.metal_space, name="tracer")
        self.tracer.x.array[:] = 1.0
        self.elapsed = 0.0
        self._comm = interface.window.metal.mesh.comm
        self._owned = interface.metal_space.dofmap.index_map.size_local

    @classmethod
    def build(cls, settings: TracerSettings, interface: InterfaceFields, models) -> "DecayingTracer":
        return cls(settings, interface)

    def advance(self, step: StepConditions) -> None:
        self.tracer.x.array[:] *= math.exp(-self.rate * step.dt)
        self.elapsed += step.dt
        if step.dt > self.reject_above:
            raise SolverFailure(f"tracer: a step of {step.dt:.3g} s is longer than {self.reject_above:.3g} s")

    def values(self, step: StepConditions) -> dict[str, float]:
        total = self._comm.allreduce(float(np.sum(self.tracer.x.array[: self._owned])), op=MPI.SUM)
        return {"tracer_amount": total / self._comm.allreduce(self._owned, op=MPI.SUM),
                "tracer_time_s": self.elapsed}

    def fields(self) -> dict[str, list[fem.Function]]:
        return {"metal": [self.tracer]}

    def checkpoint_fields(self) -> dict[str, fem.Function]:
        return {"tracer": self.tracer}

    def checkpoint_state(self) -> dict:
        return {"tracer_time": self.elapsed}

    def restart(self, state: dict) -> None:
        self.elapsed = state["tracer_time"]

    def snapshot(self) -> tuple[np.ndarray, float]:
        return self.tracer.x.array.copy(), self.elapsed

    def restore(self, snapshot: tuple[np.ndarray, float]) -> None:
        self.tracer.x.array[:], self.elapsed = snapshot
