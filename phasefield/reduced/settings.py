"""The reduced model's SI parameters from a resolved case: the metal, electrolyte and counter-electrode sets,
``[cell]``, ``[mesh] width`` (the strip, unless another is asked for), ``[voids] seed`` and ``[solver]
contact_floor``. The model switches (:class:`Mechanisms`) turn single mechanisms off for ablations and for
the comparison with the finite-element model, which has no surface diffusion and no flaws.
"""

import dataclasses
import math
from dataclasses import dataclass

from phasefield.case import ResolvedCase
from phasefield.grain_sinks import sink_length
from phasefield.reduced.laws import norton_rate_factor
from phasefield.thermal_activation import (
    arrhenius,
    arrhenius_from_reference,
    li_tracer_alloy_factor,
    tracer_diffusivities,
)

#: correlation factor of vacancy-mediated self-diffusion in bcc (D_v c_eq f = D*_Li)
CORRELATION_FACTOR_BCC = 0.73
#: roof growth: the side walls of a footprint, as a share of its width at each end, (1 - cos 45 deg) / 2 (the
#: semicircle's walls within 45 deg of the plane on its conformal image, the conducting strip)
EDGE_ZONE = (1.0 - math.sqrt(0.5)) / 2.0


@dataclass(frozen=True)
class Mechanisms:
    """Which mechanisms act (all by default). ``load_on_contact``: the stack pressure that closes the voids is
    the one the contact carries, p / f (an upper bound), instead of the remote p (a sensitivity, off).
    ``roof_growth``: the bulk vacancies that land on a void farther than ``ReducedSettings.edge_zone`` of its
    width from its edges raise its roof instead of widening it (off: every captured vacancy widens the void at its
    mean height, as the finite-element voids grow). ``nucleation``: voids also nucleate at the interface trap, by the
    finite-element model's seeded Poisson process and rate law (:mod:`phasefield.interface_nucleation`) at the
    supersaturation of each contact site (off: the voids come from the flaws alone, the calibrated configuration)."""

    surface_diffusion: bool = True
    creep_closure: bool = True
    interface_trap: bool = True
    load_on_contact: bool = False
    roof_growth: bool = False
    nucleation: bool = False


@dataclass(frozen=True)
class FixedFlaws:
    """Voids placed at the start instead of seeded flaws (for comparisons): count, footprint and height (m)."""

    count: int
    width: float
    height: float


@dataclass(frozen=True)
class ReducedSettings:
    """Everything a reduced run needs, SI."""

    strip_width: float
    seed: int
    temperature: float
    stack_pressure: float
    molar_volume: float
    surface_energy: float
    contact_angle: float  # Young's angle of the Mg-free interface (rad)
    mg_covered_contact_angle: float  # ... and of the fully Mg-covered one
    self_diffusivity: float  # D*_Li of the alloy at its bulk x_Mg and the temperature
    sink_length: float  # d_s / sqrt(60)
    surface_diffusivity: float  # D_s at the temperature
    norton_exponent: float
    norton_rate_factor: float  # A_T, Pa^-n s^-1
    interface_trap: float  # J
    escape_barrier: float  # J
    mg_repulsion: float  # J
    mg_segregation: float  # J
    mg_reaction_rate: float  # 1/s: interface Mg lost to an interphase (hypothesis; 0 = none)
    annihilation_share: float  # stripped sites annihilated at the contact itself (hypothesis; 0 = none)
    magnesium_fraction: float
    mg_tracer_diffusivity: float  # D*_Mg at the temperature (the diffusive supply of interface Mg)
    nucleation_prefactor: float  # J0, 1/(m s)
    nucleation_barrier: float  # B, kT^2
    nucleus_radius: float  # m
    flaw_spacing: float
    flaw_median_radius: float
    flaw_size_spread: float
    pinch_off_aspect_ratio: float
    exchange_current_density: float
    anodic_transfer_coefficient: float
    cathodic_transfer_coefficient: float
    series_resistance: float  # Ohm m^2: the whole pellet and the counter electrode
    contact_floor: float
    mechanisms: Mechanisms = Mechanisms()
    fixed_flaws: FixedFlaws | None = None
    edge_zone: float = EDGE_ZONE  # roof growth: the side walls' share of a footprint's width at each end

    def replace(self, **changes) -> "ReducedSettings":
        return dataclasses.replace(self, **changes)


def settings_from_case(resolved: ResolvedCase, strip_width: float | None = None,
                       temperature: float | None = None) -> ReducedSettings:
    """The settings of ``resolved`` at its ``[cell]`` temperature (or ``temperature``, K), on a strip as wide as
    its window (or ``strip_width``, m)."""
    case = resolved.case
    metal, electrolyte = resolved.parameters("metal"), resolved.parameters("electrolyte")
    counter = resolved.parameters("counter_electrode")
    temperature = case.cell.temperature if temperature is None else temperature
    conductivity = arrhenius_from_reference(electrolyte["conductivity"],
                                            electrolyte["conductivity_reference_temperature"],
                                            electrolyte["conductivity_activation_energy"], temperature)
    li_tracer_diffusivity, mg_tracer_diffusivity = tracer_diffusivities(metal, temperature)
    self_diffusivity = li_tracer_diffusivity * li_tracer_alloy_factor(metal, temperature)(metal["magnesium_fraction"])
    return ReducedSettings(
        strip_width=case.mesh.width if strip_width is None else strip_width,
        seed=case.voids.seed,
        temperature=temperature,
        stack_pressure=case.cell.stack_pressure,
        molar_volume=metal["molar_volume"],
        surface_energy=metal["surface_energy"],
        contact_angle=metal["contact_angle"],
        mg_covered_contact_angle=metal["mg_covered_contact_angle"],
        self_diffusivity=self_diffusivity,
        sink_length=sink_length(metal["vacancy_sink_spacing"]),
        surface_diffusivity=arrhenius(metal["surface_diffusion_prefactor"],
                                      metal["surface_diffusion_activation_energy"], temperature),
        norton_exponent=metal["creep_stress_exponent"],
        norton_rate_factor=norton_rate_factor(metal, temperature),
        interface_trap=metal["interface_vacancy_trap"],
        escape_barrier=metal["interface_vacancy_escape_barrier"],
        mg_repulsion=metal["mg_vacancy_repulsion"],
        mg_segregation=metal["mg_interface_segregation"],
        mg_reaction_rate=metal["mg_interface_reaction_rate"],
        annihilation_share=metal["interface_vacancy_annihilation_share"],
        magnesium_fraction=metal["magnesium_fraction"],
        mg_tracer_diffusivity=mg_tracer_diffusivity,
        nucleation_prefactor=metal["nucleation_prefactor"],
        nucleation_barrier=metal["nucleation_barrier"],
        nucleus_radius=case.voids.nucleus_radius,
        flaw_spacing=metal["flaw_spacing"],
        flaw_median_radius=metal["flaw_median_radius"],
        flaw_size_spread=metal["flaw_size_spread"],
        pinch_off_aspect_ratio=metal["void_pinch_off_aspect_ratio"],
        exchange_current_density=metal["exchange_current_density"],
        anodic_transfer_coefficient=metal["anodic_transfer_coefficient"],
        cathodic_transfer_coefficient=metal["cathodic_transfer_coefficient"],
        series_resistance=electrolyte["pellet_thickness"] / conductivity + counter["area_specific_resistance"],
        contact_floor=case.solver.contact_floor,
    )
