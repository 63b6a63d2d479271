"""The run loop of the reduced model: the strip steps of a case's protocol, one row per time step, and the
results folder (``timeseries.csv`` with the finite-element runs' column names, so that the same
postprocessing reads it, and ``run.json``).

Only galvanostatic strip steps at the conditions of ``[cell]`` are modelled; anything else in the protocol
is refused as a :class:`phasefield.case.CaseError` naming the step. A step ends on its capacity, time or
overpotential limit; the run ends at the end of the protocol or when no contact is left (a gap).
"""

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path

from mpi4py import MPI

from phasefield.case import CaseError, ProtocolStep, ResolvedCase
from phasefield.output.ensemble import member_summary, strip_rows
from phasefield.output.metadata import git_revision, write_case_copy, write_json
from phasefield.output.timeseries import TimeSeriesWriter, read_timeseries
from phasefield.reduced.model import InterfaceModel
from phasefield.reduced.settings import FixedFlaws, ReducedSettings, settings_from_case

#: C/m^2 per mAh/cm^2
MAH_PER_CM2 = 36000.0
#: column -> (description, factor from SI)
COLUMNS = {
    "step": ("time step", 1),
    "protocol_step": ("index of the protocol step", 1),
    "time_s": ("time", 1.0),
    "dt_s": ("time step length", 1.0),
    "capacity_mAh_per_cm2": ("net stripped capacity", 1.0 / MAH_PER_CM2),
    "current_density_mA_per_cm2": ("applied current density", 0.1),
    "overpotential_V": ("Butler-Volmer through the contact plus the pellet's ohmic drop", 1.0),
    "contact_fraction": ("interface share in contact", 1.0),
    "voids_per_100um": ("voids per 100 um (0 at a gap)", 1.0),
    "mean_void_width_um": ("mean footprint", 1e6),
    "max_void_width_um": ("largest footprint", 1e6),
    "max_void_height_um": ("largest height (semi-ellipse)", 1e6),
    "gap": ("1 when no contact is left", 1),
    "nucleation_events": ("flaws activated so far", 1),
    "interface_supersaturation_kT": ("supersaturation of the contact (flat interface with sinks)", 1.0),
    "void_volume_share": ("void volume / stripped volume (phi_void)", 1.0),
    "effective_void_height_um": ("void volume / footprint (h_eff)", 1e6),
    "bulk_sink_share": ("volume sunk in the bulk / stripped volume", 1.0),
    "closed_volume_share": ("volume closed by creep / stripped volume", 1.0),
    "flaw_volume_share": ("volume of the activated flaws / stripped volume", 1.0),
    "interface_channel_share": ("volume carried by the interface layer / stripped volume", 1.0),
    "annihilated_share": ("sites annihilated at the contact / stripped volume", 1.0),
    "descended_volume_share": ("void volume filled by the metal coming down / stripped volume", 1.0),
    "coalescence_events": ("coalescences so far", 1),
    "split_events": ("pinch-offs so far", 1),
    "collapse_events": ("voids closed so far", 1),
    "interface_mg_coverage": ("interface sites holding Mg", 1.0),
    "interface_capture_length_um": ("lambda_Gamma = sqrt(G l_x), the interface layer's reach over perfect sinks", 1e6),
}


@dataclass
class ReducedRun:
    """The rows (column units) and the status of a run."""

    rows: list[dict[str, float]] = field(default_factory=list)
    status: str = "running"

    def column(self, name: str) -> list[float]:
        return [row[name] for row in self.rows]

    def summary(self) -> dict[str, float | None]:
        """Capacity reached, rise, gap and early voids by the report's rules
        (:func:`phasefield.output.ensemble.member_summary`)."""
        return member_summary(strip_rows({name: self.column(name) for name in COLUMNS}))


def strip_steps(resolved: ResolvedCase) -> list[ProtocolStep]:
    """The protocol's steps, refused unless each is a strip at the conditions of ``[cell]``."""
    steps = resolved.case.protocol.steps
    for k, step in enumerate(steps):
        key = f"[protocol] steps[{step.entry}]"
        if step.kind != "strip":
            raise CaseError(resolved.path, key, "the reduced model runs strip steps only", step.text)
        if step.temperature is not None or step.stack_pressure is not None:
            raise CaseError(resolved.path, key, "the reduced model runs at the conditions of [cell] only",
                            step.text)
        if step.capacity_limit is None and step.time_limit is None:
            raise CaseError(resolved.path, key, f"step {k} needs a capacity or a time limit", step.text)
    return steps


def _row(model: InterfaceModel, step: int, protocol_step: int, time: float, dt: float, current: float) -> dict:
    stats = model.voids.statistics()
    footprint = float(model.voids.width.sum())

    def share(volume: float) -> float:
        return volume / model.stripped if model.stripped > 0.0 else 0.0

    values = {
        "step": step, "protocol_step": protocol_step, "time_s": time, "dt_s": dt,
        "capacity_mAh_per_cm2": model.capacity,
        "current_density_mA_per_cm2": current, "overpotential_V": model.overpotential(current),
        "contact_fraction": model.contact_fraction, "voids_per_100um": stats["voids_per_100um"],
        "mean_void_width_um": stats["mean_void_width"], "max_void_width_um": stats["max_void_width"],
        "max_void_height_um": stats["max_void_height"], "gap": int(stats["gap"]),
        "interface_supersaturation_kT": model.supersaturation,
        "void_volume_share": share(model.voids.volume),
        "effective_void_height_um": model.voids.volume / footprint if footprint > 0.0 else 0.0,
        "bulk_sink_share": share(model.sunk), "closed_volume_share": share(model.closed),
        "flaw_volume_share": share(model.flaw_volume),
        "interface_channel_share": share(model.through_interface),
        "annihilated_share": share(model.annihilated), "descended_volume_share": share(model.descended),
        "interface_mg_coverage": model.interface_mg_coverage, "interface_capture_length_um": model.capture_length(),
        **model.events,
    }
    return {name: values[name] * factor if isinstance(factor, float) else values[name]
            for name, (_, factor) in COLUMNS.items()}


def run_reduced(settings: ReducedSettings, steps: list[ProtocolStep], capacity_step: float,
                dt_max: float) -> ReducedRun:
    """Run the strip ``steps`` with time steps passing at most ``capacity_step`` (C/m^2) and ``dt_max`` (s)."""
    model = InterfaceModel(settings)
    run = ReducedRun()
    time, count = 0.0, 0
    run.rows.append(_row(model, 0, 0, 0.0, 0.0, steps[0].current_density))
    for index, step in enumerate(steps):
        current, start_time, start_capacity = step.current_density, time, model.capacity
        limit_time = step.time_limit if step.time_limit is not None else math.inf
        while True:
            passed = model.capacity - start_capacity
            left = min(limit_time - (time - start_time),
                       ((step.capacity_limit - passed) / current) if step.capacity_limit is not None else math.inf)
            if left <= 1e-9 * max(time, 1.0):
                break
            dt = min(dt_max, capacity_step / current, left)
            model.advance(current, dt)
            time += dt
            count += 1
            run.rows.append(_row(model, count, index, time, dt, current))
            if model.voids.gap:
                run.status = "completed (gap: no contact left)"
                return run
            if step.overpotential_limit is not None and model.overpotential(current) >= step.overpotential_limit:
                break
    run.status = "completed"
    return run


def write_results(output: Path, resolved: ResolvedCase, settings: ReducedSettings, run: ReducedRun) -> None:
    """``timeseries.csv``, ``run.json`` and ``case.toml`` (the case as run) in ``output``."""
    writer = TimeSeriesWriter(output / "timeseries.csv", MPI.COMM_SELF, list(COLUMNS))
    for row in run.rows:
        writer.write(row)
    writer.close()
    write_case_copy(resolved, output / "case.toml")
    summary = member_summary(strip_rows(read_timeseries(output / "timeseries.csv")))
    write_json(output / "run.json", {
        "model": "reduced interface void population (phasefield.reduced)",
        "case_file": str(resolved.path),
        "case": resolved.case.model_dump(mode="json"),
        "overrides": resolved.overrides,
        "settings": {key: value for key, value in vars(settings).items() if key not in ("mechanisms", "fixed_flaws")},
        "mechanisms": vars(settings.mechanisms),
        "flaws": "seeded" if settings.fixed_flaws is None else vars(settings.fixed_flaws),
        "parameters": {role: {key: {"value": p.text, "si": p.si, "source": p.source, "standing": p.standing}
                              for key, p in pset.parameters.items()} | {"set": pset.name}
                       for role, pset in resolved.materials.items()},
        "columns": {name: description for name, (description, _) in COLUMNS.items()},
        "status": run.status,
        "steps": len(run.rows) - 1,
        "summary": summary,
        "git_revision": git_revision(),
    })


def run_case(resolved: ResolvedCase, output: Path, strip_width: float | None = None, nucleation: bool = False,
             flaws: bool = True) -> ReducedRun:
    """Run the reduced model on the case ``resolved`` (on a strip of ``strip_width``, m; default its window)
    and write its results folder ``output`` (which must exist); raises :class:`CaseError` on a protocol it
    does not model. ``nucleation``: voids also nucleate at the interface trap (``Mechanisms.nucleation``);
    ``flaws`` False: no flaws (with nucleation, the finite-element cases' voids)."""
    steps = strip_steps(resolved)
    settings = settings_from_case(resolved, strip_width)
    settings = settings.replace(mechanisms=dataclasses.replace(settings.mechanisms, nucleation=nucleation))
    if not flaws:
        settings = settings.replace(fixed_flaws=FixedFlaws(0, 0.0, 0.0))
    run = run_reduced(settings, steps, resolved.case.time.capacity_step, resolved.case.time.dt_max)
    write_results(output, resolved, settings, run)
    return run
