"""The contract every sub-model fulfils, and what the coupler hands it.

A sub-model owns its unknowns and solvers. The coupler (:mod:`phasefield.coupling`) builds it from
the resolved case, calls its step solve in the order of :mod:`phasefield.coupling.step_order`, and
uses only the methods below for everything else: CSV columns, output fields, checkpoints, the
snapshot that a rejected step restores, and the release of its solvers. A sub-model that does not
apply to a case is a null object of the same role (full contact, no interdiffusion), so the coupler never
asks whether one exists.
"""

from dataclasses import dataclass
from typing import Any

from dolfinx import fem

from phasefield.mesh import InterfaceWindow
from phasefield.mesh.interface_transfer import InterfaceTransfer


@dataclass(frozen=True)
class InterfaceFields:
    """The window with the P1 spaces of its two sides and the vertex copies across the interface
    (:class:`~phasefield.mesh.interface_transfer.InterfaceTransfer`), shared by the sub-models."""

    window: InterfaceWindow
    metal_space: fem.FunctionSpace
    electrolyte_space: fem.FunctionSpace
    to_electrolyte: InterfaceTransfer
    to_metal: InterfaceTransfer

    @classmethod
    def build(cls, window: InterfaceWindow) -> "InterfaceFields":
        metal = fem.functionspace(window.metal.mesh, ("Lagrange", 1))
        electrolyte = fem.functionspace(window.electrolyte.mesh, ("Lagrange", 1))
        return cls(window, metal, electrolyte,
                   InterfaceTransfer(metal, window.metal, electrolyte, window.electrolyte),
                   InterfaceTransfer(electrolyte, window.electrolyte, metal, window.metal))


@dataclass(frozen=True)
class Column:
    """One CSV column: its header (the unit in the name), the display unit and the SI unit of the
    value a sub-model reports (the writer converts between them, :func:`phasefield.units.si_factor`)."""

    name: str
    description: str
    unit: str = ""
    si_unit: str = ""


@dataclass(frozen=True)
class StepConditions:
    """What a step solve needs of the clock: the step ``dt`` (s, 0 for a re-solve of the state),
    the applied ``current_density`` (A/m^2, > 0 strips), and at the step's end the net stripped
    ``capacity`` (C/m^2) and the thickness of the layer plated since the last strip (m); the step's
    ``temperature`` (K) and ``stack_pressure`` (Pa), None where the sub-models keep those they were
    built with (``[cell]``). A hold fixes the ``overpotential`` Phi_m - U_bulk (V) instead of the current:
    ``current_density`` is then the coupler's estimate of the current it answers, which the clock and the
    capacity follow (:mod:`phasefield.coupling.protocol_clock`)."""

    dt: float
    current_density: float
    capacity: float
    plated_thickness: float
    temperature: float | None = None
    stack_pressure: float | None = None
    overpotential: float | None = None


class SubModel:
    """Base of every sub-model: the lifecycle with do-nothing defaults.

    ``columns`` are declared once, here, by the sub-model that computes them; :meth:`values` returns
    their SI values after a step, in the same order.
    """

    columns: tuple[Column, ...] = ()

    def values(self, step: "StepConditions") -> dict[str, float]:
        """SI values of :attr:`columns` for the state after the solve of ``step``."""
        return {}

    def fields(self) -> dict[str, list[fem.Function]]:
        """Output fields by the side they live on (``"metal"``, ``"electrolyte"``)."""
        return {}

    def checkpoint_fields(self) -> dict[str, fem.Function]:
        """The functions a checkpoint stores, by name (the names are part of the file format)."""
        return {}

    def checkpoint_state(self) -> dict[str, Any]:
        """Plain data a checkpoint stores beside the fields (JSON-serialisable)."""
        return {}

    def restart(self, state: dict[str, Any]) -> None:
        """Continue from a checkpoint: its fields are already read, ``state`` is the whole stored state."""

    def snapshot(self) -> Any:
        """What :meth:`restore` needs to undo a step that is rejected."""
        return None

    def restore(self, snapshot: Any) -> None:
        """Return to the state of :meth:`snapshot`."""

    def close(self) -> None:
        """Release solvers (collective: every rank calls it in the same order)."""


