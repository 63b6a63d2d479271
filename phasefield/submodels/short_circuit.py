"""The short-circuit sub-model: a Li filament from the contacts where plating focuses, through the pellet.

An extension (``[short_circuit]``, :mod:`phasefield.submodels.short_circuit_section`), advanced after the
electrochemistry: it reads the local interface current density of that solve, grows the filament of
:mod:`phasefield.physics.short_circuit` over the step and counts the charge plated. The coupler ends the
run when the column ``short`` turns 1 (run.json status ``"short-circuit"``). The local current density is
an output field (``interface_current_density`` on the electrolyte side), so the fields written at the short
map it.
"""

from phasefield.output.interface_profile import InterfaceProfile
from phasefield.physics.short_circuit import FilamentGrowth, overcritical_sites, plating_peak
from phasefield.submodels.base import Column, InterfaceFields, StepConditions, SubModel


class ShortCircuit(SubModel):
    """The filament front and the plated charge, from the interface current of the electrochemistry."""

    columns = (
        Column("short", "1 once a Li filament has crossed the electrolyte (the run ends), else 0"),
        Column("plated_capacity_mAh_per_cm2", "charge plated since the start (the sum of the plating steps' "
                                              "capacity: from the start of plating)", "mAh/cm^2", "C/m^2"),
        Column("max_plating_current_density_mA_per_cm2", "largest local plating current density on the interface",
               "mA/cm^2", "A/m^2"),
        Column("overcritical_sites", "spots along the interface plating above the critical current density"),
        Column("filament_length_um", "length of the Li front of the fastest filament in the electrolyte", "um", "m"),
    )

    def __init__(self, interface: InterfaceFields, current_density, growth: FilamentGrowth):
        self.growth = growth
        #: the local interface current density (A/m^2, > 0 strips) of the electrochemistry, on the electrolyte side
        self.current_density = current_density
        self.profile = InterfaceProfile(interface.electrolyte_space, interface.window.electrolyte)
        self._comm = interface.window.electrolyte.mesh.comm
        #: charge plated since the start (C/m^2)
        self.plated = 0.0
        self._peak, self._sites = 0.0, 0

    @classmethod
    def build(cls, settings, interface: InterfaceFields, models) -> "ShortCircuit":
        """From the electrolyte set (critical current density, pellet thickness) and the metal's molar volume."""
        electrolyte, metal = models.parameters("electrolyte"), models.parameters("metal")
        growth = FilamentGrowth(electrolyte["critical_current_density"], electrolyte["pellet_thickness"],
                                metal["molar_volume"])
        return cls(interface, models.electrochemistry.current_density, growth)

    def _sample(self) -> tuple[float, int]:
        """The largest local plating current density and the over-critical spots (on rank 0, broadcast)."""
        samples = self.profile.gather({"i": self.current_density.x.array})
        result = None
        if self._comm.rank == 0:
            current = samples["i"]
            result = (plating_peak(current), overcritical_sites(current, self.growth.critical_current_density))
        return self._comm.bcast(result, root=0)

    def advance(self, step: StepConditions) -> None:
        """The filament over ``step`` at the local current of its solve; the charge it plated."""
        self._peak, self._sites = self._sample()
        self.growth.advance(step.dt, self._peak)
        self.plated += step.dt * max(-step.current_density, 0.0)

    @property
    def shorted(self) -> bool:
        return self.growth.shorted

    def values(self, step: StepConditions) -> dict[str, float]:
        return {"short": float(self.growth.shorted), "plated_capacity_mAh_per_cm2": self.plated,
                "max_plating_current_density_mA_per_cm2": self._peak, "overcritical_sites": float(self._sites),
                "filament_length_um": self.growth.length}

    def fields(self) -> dict[str, list]:
        return {"electrolyte": [self.current_density]}

    def checkpoint_state(self) -> dict:
        return {"filament_length": self.growth.length, "plated_charge": self.plated}

    def restart(self, state: dict) -> None:
        self.growth.length, self.plated = state["filament_length"], state["plated_charge"]
        self._peak, self._sites = self._sample()

    def snapshot(self) -> tuple[float, float, float, int]:
        return self.growth.length, self.plated, self._peak, self._sites

    def restore(self, snapshot: tuple[float, float, float, int]) -> None:
        self.growth.length, self.plated, self._peak, self._sites = snapshot
