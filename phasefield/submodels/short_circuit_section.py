"""The ``[short_circuit]`` case section: its schema and the builder of its sub-model, importable without DOLFINx
(the case loader validates the section; a run builds :class:`phasefield.submodels.short_circuit.ShortCircuit`)."""

from pydantic import BaseModel, ConfigDict

from phasefield.submodels.registry import register


class ShortCircuitSettings(BaseModel):
    """``[short_circuit]``, no keys: the section switches the filament criterion of
    :mod:`phasefield.physics.short_circuit` on. Its parameters are those of the electrolyte set
    (``critical_current_density``, ``pellet_thickness``; a case overrides them in ``[electrolyte]``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@register("short_circuit", settings=ShortCircuitSettings)
class ShortCircuitSection:
    """Builds the sub-model when a run starts (its module imports DOLFINx)."""

    @staticmethod
    def build(settings: ShortCircuitSettings, interface, models):
        from phasefield.submodels.short_circuit import ShortCircuit

        return ShortCircuit.build(settings, interface, models)
