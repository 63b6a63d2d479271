"""What a valid case may still ask for that cannot be run or is not read: refused at ``check``.

- The protocol must not strip more metal than the foil holds: the running net capacity
  sum(strip) - sum(plate) of the capacity- or time-limited steps stays below F h / V_m
  (``[cell] foil_thickness`` h, the metal set's molar volume V_m; 100 um of Li hold 20.7 mAh/cm2). A hold
  counts with its capacity limit only, since its current is known only in the run.
- A hold without a time limit is refused where its current cannot change (full contact on a metal without
  Mg) if it ends on a current alone (``Hold at 50 mV until 0.01 mA/cm2``) or holds 0 V (no charge
  passes): it would end at once or never.
- Current densities stay within ``MAX_CURRENT_DENSITY``.
- A step's own temperature or stack pressure (``at 60 degC``, ``under 1 MPa``) must reach the physics:
  the temperature changes the electrochemistry only (F/RT, the electrolyte's conductivity), so it is
  refused where it also enters forms built once at the ``[cell]`` temperature (Mg interdiffusion and
  U(x_Mg), the vacancy-void phase field, Norton creep); the stack pressure acts through Norton creep
  only (``[creep] model = "power_law"``) and is refused without it.
- The cap of the void phase field's driving force must let a nucleus grow: alpha W > gamma / r_n with
  W = 6 gamma / delta, so ``[voids] driving_force_limit`` > ``interface_width`` / (6 ``nucleus_radius``) (0.083
  for the defaults); below it no void ever grows (docs/voids.md, "A lone void fed by its contact").
- Every table and key the user wrote is read by the models the case chooses (as MOOSE refuses an
  unused parameter): ``[voids]`` and ``[time] phase_tolerance`` only with the phase-field contact,
  ``[creep]`` keys only with it (``mesh_coarsening`` only with Norton creep, and dividing the metal's cell counts on
  a flat interface),
  ``[interdiffusion]`` and Mg line scans only for an alloy, the prescribed-void keys of ``[contact]``
  only with ``prescribed_voids``. With ``allow_unused`` these are logged as warnings instead.
"""

import logging
import math

from phasefield.case.loader import CaseError, ResolvedCase
from phasefield.case.protocol import ProtocolStep
from phasefield.constants import FARADAY
from phasefield.units import si_to

log = logging.getLogger(__name__)

#: |i| above this is refused (A/m^2; 100 mA/cm2): two decades above the critical current densities of
#: Li | Li6PS5Cl cells (~1 mA/cm2 at room temperature, Kasemchainan et al., Nat. Mater. 18 (2019) 1105),
#: a bound against unit slips (500 A/cm2 for 500 uA/cm2), not a physical parameter.
MAX_CURRENT_DENSITY = 1000.0
PRESCRIBED_VOID_KEYS = ("void_count", "void_aspect_ratio", "edge_width", "capacity", "fraction")


def _capacity(value: float) -> str:
    return f"{si_to(value, 'areal_capacity', 'mAh/cm^2'):.4g} mAh/cm2"


def _most_stripped(step: ProtocolStep) -> float:
    """The net charge (C/m^2, > 0 strips) that ``step`` passes at most by its own limits: the smaller of
    its capacity and its current x time, none at rest; a hold's capacity limit, with the sign of its
    overpotential (0 without one: its current is known only in the run)."""
    if step.held_overpotential is not None:
        return math.copysign(step.capacity_limit or 0.0, step.held_overpotential)
    current = abs(step.current_density)
    limits = [limit for limit in (step.capacity_limit, current * step.time_limit if step.time_limit is not None
                                  else None) if limit is not None]
    return math.copysign(min(limits), step.current_density) if limits and current > 0.0 else 0.0


def _check_protocol(resolved: ResolvedCase) -> None:
    case, path = resolved.case, resolved.path
    metal = resolved.parameters("metal")
    held = case.cell.foil_thickness * FARADAY / metal["molar_volume"]
    steady = case.contact.model == "full" and metal["magnesium_fraction"] == 0.0
    net = 0.0
    for step in case.protocol.steps:
        key = f"[protocol] steps[{step.entry}]"
        if abs(step.current_density) > MAX_CURRENT_DENSITY:
            raise CaseError(path, key, f"expected a current density of at most "
                            f"{si_to(MAX_CURRENT_DENSITY, 'current_density', 'mA/cm^2'):g} mA/cm2", step.text)
        if steady and step.held_overpotential is not None and step.time_limit is None \
                and (step.capacity_limit is None or step.held_overpotential == 0.0):
            metal_name = resolved.materials["metal"].name
            raise CaseError(path, key, f"this hold ends at once or never: its current is steady with full contact on "
                            f"{metal_name} (no Mg); add 'or <time>'", step.text)
        net += _most_stripped(step)
        if net > held:
            raise CaseError(path, key, f"the protocol strips {_capacity(net)} by the end of this step, more than "
                            f"the {si_to(case.cell.foil_thickness, 'length', 'um'):g} um "
                            f"{resolved.materials['metal'].name} foil holds ({_capacity(held)}; [cell] foil_thickness)",
                            step.text)


def _built_at_cell_temperature(resolved: ResolvedCase) -> list[str]:
    """The sub-models of this case whose forms hold the ``[cell]`` temperature, built once."""
    case = resolved.case
    return [name for name, applies in (
        ("Mg interdiffusion", resolved.parameters("metal")["magnesium_fraction"] > 0.0),
        ("the vacancy-void phase field", case.contact.model == "phase_field"),
        ("Norton creep", case.creep.model == "power_law"),
    ) if applies]


def _check_step_conditions(resolved: ResolvedCase) -> None:
    case, path = resolved.case, resolved.path
    fixed_temperature = _built_at_cell_temperature(resolved)
    for step in case.protocol.steps:
        key = f"[protocol] steps[{step.entry}]"
        if step.temperature is not None and fixed_temperature:
            raise CaseError(path, key, f"a step's own temperature ('at ...') changes the electrochemistry only, "
                            f"and this case's {' and '.join(fixed_temperature)} would keep the [cell] temperature: "
                            f"set [cell] temperature instead (or sweep it)", step.text)
        if step.stack_pressure is not None and case.creep.model != "power_law":
            raise CaseError(path, key, "a step's own stack pressure ('under ...') acts through Norton creep only: "
                            'it needs [creep] model = "power_law"', step.text)
    if case.cell.fixture == "bolt" and case.creep.model != "power_law":
        raise CaseError(path, "[cell] fixture", 'a bolted fixture changes the stack pressure, which acts through '
                        'Norton creep only: it needs [creep] model = "power_law"', "bolt")


def _check_void_driving(resolved: ResolvedCase) -> None:
    """The capped driving force must beat the capillary pressure of a nucleus (module docstring)."""
    case = resolved.case
    if case.contact.model != "phase_field":
        return
    least = case.voids.interface_width / (6.0 * case.voids.nucleus_radius)
    if case.voids.driving_force_limit <= least:
        unset = "driving_force_limit" not in resolved.raw.get("voids", {})
        raise CaseError(resolved.path, "[voids] driving_force_limit",
                        f"expected above interface_width / (6 nucleus_radius) = {least:.3g}: below it the capped "
                        "driving force cannot beat a nucleus' capillary pressure and no void grows"
                        + (" (the default: set it, or narrow the width or widen the nucleus)" if unset else ""),
                        case.voids.driving_force_limit)


def _check_creep_mesh(resolved: ResolvedCase) -> None:
    """``[creep] mesh_coarsening`` must divide the metal's cell counts, on a flat interface
    (:func:`phasefield.mesh.window.coarsened`)."""
    case = resolved.case
    factor, mesh = case.creep.mesh_coarsening, case.mesh
    if factor == 1 or case.creep.model != "power_law":  # else unread: _unused
        return
    counts = {"cells_along_interface": mesh.cells_along_interface, "metal_cells": mesh.metal_cells,
              "cells_across": mesh.cells_across}
    indivisible = [f"{key} = {count}" for key, count in counts.items() if count is not None and count % factor]
    if indivisible:
        raise CaseError(resolved.path, "[creep] mesh_coarsening", "expected a factor that divides the metal's cell "
                        f"counts ([mesh] {', '.join(indivisible)})", factor)
    if mesh.interface_profile is not None:
        raise CaseError(resolved.path, "[creep] mesh_coarsening", "expected 1 with a rough interface ([mesh] "
                        "interface_profile): the coarse mesh would follow it at another resolution", factor)


def _unused(resolved: ResolvedCase) -> list[tuple[str, str]]:
    """(key, why) for every table or key the user wrote that the chosen models do not read."""
    raw, case = resolved.raw, resolved.case
    phase_field = case.contact.model == "phase_field"
    alloy = resolved.parameters("metal")["magnesium_fraction"] > 0.0
    unused = []
    if "voids" in raw and not phase_field:
        unused.append(("[voids]", f'read only with [contact] model = "phase_field" (here "{case.contact.model}")'))
    if not phase_field:
        unused += [(f"[creep] {key}", 'read only with [contact] model = "phase_field"')
                   for key in raw.get("creep", {}) if key != "model"]
        if "phase_tolerance" in raw.get("time", {}):
            unused.append(("[time] phase_tolerance", 'read only with [contact] model = "phase_field" (the error '
                                                     'control of its phi)'))
    elif case.creep.model != "power_law" and "mesh_coarsening" in raw.get("creep", {}):
        unused.append(("[creep] mesh_coarsening", 'read only with [creep] model = "power_law"'))
    if not alloy:
        metal = resolved.materials["metal"].name
        if "interdiffusion" in raw:
            unused.append(("[interdiffusion]", f"read only for a metal with Mg (the {metal} set has none)"))
        unused += [(f"[output] {key}", f"Mg line scans are written only for a metal with Mg (the {metal} set has none)")
                   for key in ("line_scan_at", "line_scan_every") if key in raw.get("output", {})]
    if case.cell.fixture != "bolt" and "preload_relaxation_thickness" in raw.get("cell", {}):
        unused.append(("[cell] preload_relaxation_thickness", 'read only with [cell] fixture = "bolt"'))
    if case.contact.model != "prescribed_voids":
        unused += [(f"[contact] {key}", 'read only with [contact] model = "prescribed_voids"')
                   for key in PRESCRIBED_VOID_KEYS if key in raw.get("contact", {})]
    return unused


def check_feasibility(resolved: ResolvedCase, allow_unused: bool = False) -> None:
    """Raise :class:`CaseError` for the first infeasible request or unread key of ``resolved``; with
    ``allow_unused``, unread keys are logged as warnings."""
    _check_protocol(resolved)
    _check_step_conditions(resolved)
    _check_void_driving(resolved)
    _check_creep_mesh(resolved)
    for key, why in _unused(resolved):
        if not allow_unused:
            raise CaseError(resolved.path, key, f"not read by this case's models: {why} (remove it, or run with "
                            "--allow-unused)")
        log.warning("%s: %s: not read by this case's models: %s", resolved.path, key, why)
