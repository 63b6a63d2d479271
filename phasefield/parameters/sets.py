"""Material parameter sets: every value carries its unit, its source and its standing.

Standing (as in ../shared/MODEL.md section 4): ``V`` stated in the seed paper (Zhao et al.,
Nat. Commun. 16 (2025) 4283, "the seed"), ``L`` literature, ``U`` uncertain, ``F`` fitted (the
source then says on which case and why). A case file picks a set by name for each role (metal,
electrolyte, counter electrode) and may override any value; the override is recorded as the source.
"""

from dataclasses import dataclass, field, replace

from phasefield.units import did_you_mean, to_si

SEED = "Zhao et al., Nat. Commun. 16 (2025) 4283"


@dataclass(frozen=True)
class Parameter:
    """One physical value as written (``text`` with units), its dimension, source and standing."""

    text: str | float
    dimension: str
    source: str
    standing: str
    description: str

    @property
    def si(self) -> float:
        """The value in SI units."""
        return to_si(self.text, self.dimension)


@dataclass(frozen=True)
class ParameterSet:
    """A named set of parameters for one role (``metal``, ``electrolyte``, ``counter_electrode``)."""

    name: str
    role: str
    parameters: dict[str, Parameter] = field(default_factory=dict)

    def si(self) -> dict[str, float]:
        """All values in SI units, by parameter name."""
        return {key: p.si for key, p in self.parameters.items()}

    def with_overrides(self, overrides: dict[str, str | float], origin: str) -> "ParameterSet":
        """A copy with ``overrides`` applied; each overridden value's source becomes ``origin``.

        Raises ``KeyError`` for a name the set does not have and ``UnitError`` for a bad value.
        """
        parameters = dict(self.parameters)
        for key, text in overrides.items():
            if key not in parameters:
                raise KeyError(key)
            new = replace(parameters[key], text=text, source=origin, standing="case")
            new.si  # noqa: B018 - validates the units now, not at solve time
            parameters[key] = new
        return replace(self, parameters=parameters)


def _p(text, dimension, source, standing, description) -> Parameter:
    return Parameter(text, dimension, source, standing, description)


_LI_ELECTROCHEMISTRY = {
    "molar_volume": _p(
        "12.97 cm^3/mol", "molar_volume", SEED, "V", "partial molar volume of Li (1 mAh/cm2 = 4.84 um)"
    ),
    "exchange_current_density": _p(
        "5 mA/cm^2",
        "current_density",
        "Sharafi et al., J. Mater. Chem. A 5 (2017) 13475: 5 Ohm cm2 for Li/LLZO, i0 = RT/(F R_ct); "
        "no measured value for Li/Li6PS5Cl",
        "U",
        "exchange current density of Li/Li+ at the metal-electrolyte contact (Butler-Volmer)",
    ),
    "anodic_transfer_coefficient": _p(
        0.5, "dimensionless", "symmetric Butler-Volmer assumed (no measurement)", "U",
        "anodic charge-transfer coefficient alpha_a",
    ),
    "cathodic_transfer_coefficient": _p(
        0.5, "dimensionless", "symmetric Butler-Volmer assumed (no measurement)", "U",
        "cathodic charge-transfer coefficient alpha_c",
    ),
}

_COST507 = (
    "COST 507 database (Ansara, Dinsdale, Rand, eds., 1998), BCC_A2 Li-Mg, parameters from T.G. Chart "
    "(priv. comm., REF105 of the database); read in two copies of the COST507 TDB (1995 update a, 1999 "
    "frozen version). Fitted at high temperature: extrapolated to 25-60 C"
)

#: Transport and thermodynamics of the bcc Li-Mg system (apply to pure Li at x_Mg = 0 as well).
_LI_MG_SYSTEM = {
    "li_tracer_diffusivity": _p(
        "8e-15 m^2/s", "diffusivity",
        "NMR, Messer & Noack, Appl. Phys. 6 (1975) 79, as used by Roy, Fleck, Deshpande, "
        "Extreme Mech. Lett. 2021", "L",
        "Li self (tracer) diffusivity D*_Li at `li_tracer_reference_temperature`",
    ),
    "li_tracer_reference_temperature": _p(
        "300 K", "temperature", "Messer & Noack 1975 (as above)", "L",
        "temperature of `li_tracer_diffusivity`",
    ),
    "li_tracer_activation_energy": _p(
        "55 kJ/mol", "molar_energy",
        "tracer/NMR activation energy of bcc Li self-diffusion, ~0.55 eV (Lodding, Mundy, Ott 1970; "
        "not re-read here: value from the project notes)", "U",
        "Arrhenius activation energy of D*_Li",
    ),
    "mg_tracer_prefactor": _p(
        "3.15e-3 cm^2/s", "diffusivity",
        f"Arrhenius fit through the two DFT values of {SEED} (Suppl. Table 1): 2.06e-13 cm2/s at 25 C, "
        "2.42e-12 cm2/s at 60 C", "V",
        "prefactor D0 of the Mg tracer diffusivity in Li",
    ),
    "mg_tracer_activation_energy": _p(
        "58.1 kJ/mol", "molar_energy", "as `mg_tracer_prefactor`", "V",
        "activation energy of the Mg tracer diffusivity in Li",
    ),
    "rk_L0_a": _p("-18335 J/mol", "molar_energy", _COST507, "L", "Redlich-Kister L0 = a + b T: a"),
    "rk_L0_b": _p("8.49 J/(mol*K)", "molar_entropy", _COST507, "L", "Redlich-Kister L0 = a + b T: b"),
    "rk_L1_a": _p("3481 J/mol", "molar_energy", _COST507, "L", "Redlich-Kister L1 = a + b T: a"),
    "rk_L1_b": _p("0 J/(mol*K)", "molar_entropy", _COST507, "L", "Redlich-Kister L1 = a + b T: b"),
    "rk_L2_a": _p("2658 J/mol", "molar_energy", _COST507, "L", "Redlich-Kister L2 = a + b T: a"),
    "rk_L2_b": _p("-0.114 J/(mol*K)", "molar_entropy", _COST507, "L", "Redlich-Kister L2 = a + b T: b"),
}

_NORTON = (
    "Norton form of the Anand fit of Narayan & Anand, Extreme Mech. Lett. (2018) (A = 4.25e4 1/s, "
    "m = 0.15, S = 0.95 MPa initial to 2.0 MPa saturated): eps_dot(1 MPa, 25 C) = 2e-2 to 1.4e-4 1/s; "
    "Roy, Fleck, Deshpande, Extreme Mech. Lett. 2021 use 1e-2 1/s. Value: the log-midpoint of that range "
    "(two orders of magnitude uncertain), the calibration knob for T3; range as quoted in the project notes"
)

#: Power-law (Norton) creep of Li: eps_dot = f_alloy eps_ref (sigma/sigma_ref)^n exp(-Q/R (1/T - 1/T_ref)).
_LI_CREEP = {
    "creep_stress_exponent": _p(
        6.6, "dimensionless",
        "LePage et al., J. Electrochem. Soc. 166 (2019) A89; Masias et al., J. Mater. Sci. 54 (2019) 2585 "
        "(n ~ 6.6, as quoted in the project notes; not re-read here)", "L",
        "Norton stress exponent n of Li (power-law creep)",
    ),
    "creep_activation_energy": _p(
        "37 kJ/mol", "molar_energy", "LePage et al., J. Electrochem. Soc. 166 (2019) A89 (as quoted in the "
        "project notes)", "L", "activation energy Q of power-law creep of Li",
    ),
    "creep_reference_strain_rate": _p(
        "1.7e-3 s^-1", "strain_rate", _NORTON, "U",
        "equivalent creep rate of Li at `creep_reference_stress` and `creep_reference_temperature`",
    ),
    "creep_reference_stress": _p(
        "1 MPa", "pressure",
        "reference point of `creep_reference_strain_rate` (Narayan & Anand 2018 as above)", "L",
        "von Mises stress at which `creep_reference_strain_rate` is given",
    ),
    "creep_reference_temperature": _p(
        "25 degC", "temperature", "as `creep_reference_stress`", "L",
        "temperature at which `creep_reference_strain_rate` is given",
    ),
    "creep_alloy_factor": _p(
        1.0, "dimensionless", "pure Li (definition)", "V",
        "factor on the creep rate at a given stress relative to pure Li",
    ),
}

#: Vacancy and void energetics (seed DFT values, V) and the calibration knobs of the void model (F).
_VACANCIES_AND_VOIDS = {
    "mg_vacancy_repulsion": _p(
        "0.03 eV", "energy", f"{SEED}, Suppl. Table 1: vacancy formation 0.53 eV next to Mg vs 0.50 eV", "V",
        "extra formation energy of a vacancy with a Mg nearest neighbour",
    ),
    "interface_vacancy_trap": _p(
        "0.22 eV", "energy", f"{SEED}, Fig 2c: 0.28 eV at the Li/Li2S interface vs 0.50 eV in bulk Li", "V",
        "binding of a vacancy to the first interface layer (lithiophobic Li/Li2S)",
    ),
    "mg_interface_segregation": _p(
        "0.51 eV", "energy", f"{SEED}, Fig 2f, g: an interface vacancy filled by Mg -0.67 eV, by Li -0.16 eV",
        "V", "preference of interface sites for Mg over Li (McLean segregation energy)",
    ),
    "surface_energy": _p(
        "0.42 J/m^2", "surface_energy",
        "Li surface energy (project notes, section 4; consistent with the seed's W_adh = 0.39 J/m2 and "
        "93.6 deg via Young-Dupre)", "L", "metal/void interface energy gamma",
    ),
    "vacancy_sink_spacing": _p(
        "100 um", "length", f"{SEED}, Methods (grain size ~100 um of Li and Li-Mg)", "V",
        "grain diameter d_s (grain-boundary vacancy sinks): k_s = 15 D_v / (d_s/2)^2 = 60 D_v / d_s^2 "
        "(Brailsford & Bullough 1981), sink length d_s/sqrt(60); left at the grain size by the T1 study "
        "(docs/calibration.md, run with 15 D_v / d_s^2 before 2026-12-05)",
    ),
    "nucleation_prefactor": _p(
        "0.1 /(m*s)", "rate_per_length",
        "F: initial guess from a back-of-envelope estimate (~17 voids per 100 um early in Li); NOT calibrated: "
        "in the T1 study (docs/calibration.md) more early voids come with an earlier rise, no value gives both",
        "F", "J0 of the interface nucleation rate J = J0 theta_trap exp(-B / mu^2)",
    ),
    "nucleation_barrier": _p(
        1.0, "dimensionless",
        "F: initial guess (nucleation sets in at a few tenths of kT of supersaturation); NOT calibrated: the "
        "T1 study (docs/calibration.md) finds no value that gives T1's early voids and late rise together", "F",
        "B (in kT^2) of the interface nucleation rate",
    ),
}

PARAMETER_SETS: dict[str, ParameterSet] = {
    "Li": ParameterSet("Li", "metal", {
        **_LI_ELECTROCHEMISTRY,
        **_LI_MG_SYSTEM,
        **_LI_CREEP,
        "magnesium_fraction": _p(0.0, "dimensionless", f"{SEED}, Methods (Li foil 99.9%)", "V",
                                 "bulk Mg mole fraction x_Mg of the foil"),
        **_VACANCIES_AND_VOIDS,
        "contact_angle": _p("93.6 deg", "angle", f"{SEED}: DFT W_adh = 0.39 J/m2 for Li/Li2S", "V",
                            "Young's angle of the metal on the electrolyte, measured through the metal"),
    }),
    "Li0.97Mg0.03": ParameterSet(
        "Li0.97Mg0.03",
        "metal",
        {
            **_LI_ELECTROCHEMISTRY,
            "molar_volume": _p(
                "12.97 cm^3/mol", "molar_volume",
                f"{SEED}: Li and Li-Mg have similar partial volumes, ~13 cm3/mol (Suppl. Note 1)", "V",
                "partial molar volume of Li in the alloy",
            ),
            "exchange_current_density": replace(
                _LI_ELECTROCHEMISTRY["exchange_current_density"],
                source="as for Li (no measurement for the alloy); Sharafi et al. 2017",
            ),
            **_LI_MG_SYSTEM,
            "magnesium_fraction": _p(
                0.03, "dimensionless", f"{SEED}, Methods (Li-Mg foil, 10 wt% Mg, Li0.97Mg0.03)", "V",
                "bulk Mg mole fraction x_Mg of the foil",
            ),
            **_VACANCIES_AND_VOIDS,
            "contact_angle": _p("87.1 deg", "angle", f"{SEED}, Suppl. Table 2: Li-Mg/Li2S", "V",
                                "Young's angle of the metal on the electrolyte, measured through the metal"),
            **_LI_CREEP,
            "creep_alloy_factor": _p(
                0.1, "dimensionless",
                "assumption: solute strengthening by 3 at% Mg (no published creep data for dilute bcc Li-Mg "
                "found); with n = 6.6 a factor 0.1 on the rate equals a 1.4x higher flow stress at a given "
                "rate. n and Q taken as for Li", "U",
                "factor on the creep rate at a given stress relative to pure Li",
            ),
        },
    ),
    "Li6PS5Cl": ParameterSet(
        "Li6PS5Cl",
        "electrolyte",
        {
            "conductivity": _p(
                "3.5 mS/cm", "conductivity", f"{SEED}, Methods (25 C, pellet pressed at 375 MPa)", "V",
                "ionic conductivity at the reference temperature",
            ),
            "conductivity_reference_temperature": _p(
                "25 degC", "temperature", f"{SEED}, Methods", "V",
                "temperature at which `conductivity` was measured",
            ),
            "conductivity_activation_energy": _p(
                "0.31 eV", "energy",
                f"{SEED}, Methods (3.5 mS/cm at 25 C, 12.4 mS/cm at 60 C; Arrhenius)", "V",
                "activation energy of the ionic conductivity (Arrhenius)",
            ),
            "pellet_thickness": _p(
                "500 um", "length", f"{SEED}, Methods (as-pressed pellet)", "V",
                "electrolyte pellet thickness between the electrodes",
            ),
        },
    ),
    "In-InLi": ParameterSet(
        "In-InLi",
        "counter_electrode",
        {
            "equilibrium_potential": _p(
                "0.623 V", "voltage", f"{SEED}, Methods (open-circuit potential vs Li+/Li)", "V",
                "equilibrium potential of the lithiated indium counter electrode vs Li+/Li",
            ),
            "area_specific_resistance": _p(
                "0 ohm*cm^2", "area_specific_resistance",
                "assumed non-polarisable (large In-Li reservoir; 9.4 mAh/cm2 of Li, Methods)", "U",
                "linearised charge-transfer resistance of the counter electrode",
            ),
        },
    ),
}


def resolve_parameter_set(name: str, role: str) -> ParameterSet:
    """The set ``name`` for ``role``; ``KeyError`` naming the choices (and the closest one) if there is none."""
    candidates = {k: s for k, s in PARAMETER_SETS.items() if s.role == role}
    if name not in candidates:
        elsewhere = PARAMETER_SETS.get(name)
        other = elsewhere.role.replace("_", " ") if elsewhere is not None else ""
        note = f" ({name!r} is {'an' if other[:1] in 'aeiou' else 'a'} {other} set)" if other else ""
        hint = "" if other else did_you_mean(name, candidates)
        raise KeyError(f"no {role} parameter set {name!r}{note}; choose one of {sorted(candidates)}{hint}")
    return candidates[name]
