"""Why the high-pressure T3 members are expensive: a few coupled steps from one of their checkpoints.

Restarts a member of the T3 sweep (``phasefield sweep cases/t3_li_pressure_sweep_small_window.toml``)
from a checkpoint and takes ``--steps`` steps with the run's own step (:meth:`Simulation.step`: the
capacity step, the Courant limit of the last metal velocity, halving and retrying a failed step,
regrowth by 1.5x; the run's output cadence is switched off, so that the wall time is the solve's),
writing per step: dt, capacity, overpotential, contact fraction, creep iterations, wall time, and
where the metal moves fastest (its speed, position and metal fraction), the fastest speed inside
the metal (phi > 0.9), how many interface facets keep v_n = 0 (the creep contact set) and the
volume flux of metal out through the interface facets that do not (um^2/h per unit depth). The
summary gives steps and wall time per 0.01 mAh/cm2 (fewer steps than ``--steps`` when the protocol
ends first). Nothing is written into the member's results.

``--contact impenetrable`` takes the steps with that ``[creep] contact`` rule instead of the
member's (v_n = 0 on every interface facet, none released); ``--void-viscosity-ratio R`` with that
``[creep] void_viscosity_ratio`` (the ersatz from the restart on); ``--seconds S`` stops after S s of the
protocol instead of ``--steps`` (the summary then gives the time-averaged contact and overpotential).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/creep_closure/restart_probe.py \
        --member results/t3_small/stack_pressure_7MPa --checkpoint checkpoint_00000075.h5 --steps 16 \
        --output benchmarks/creep_closure/probe_7MPa_metal_fraction.json
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/creep_closure/restart_probe.py \
        --member RUN/stack_pressure_1MPa --checkpoint checkpoint_00007500.h5 --seconds 400 \
        --void-viscosity-ratio 1 --output benchmarks/creep_closure/ersatz_1MPa_ratio_1.json
"""

import argparse  # noqa: I001 - mpi4py must be imported before petsc4py / dolfinx
import itertools
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from mpi4py import MPI

import numpy as np
import ufl
from dolfinx import fem

from phasefield.case.loader import load_case, resolve
from phasefield.coupling.simulation import Simulation
from phasefield.mesh import FacetTag
from phasefield.output.metadata import versions, write_json
from phasefield.physics.creep_flow import CONTACT_RULES, CreepFlow
from phasefield.units import si_to

M_PER_S_TO_UM_PER_H = 3.6e9
#: output cadence (steps) that the probe's steps never reach: no fields, profiles or line scans
NEVER = 10**9


class FlowProbe:
    """Where the metal of a coupled run moves fastest, and how much leaves through released facets."""

    def __init__(self, simulation: Simulation):
        self.flow = getattr(simulation.models.flow, "flow", None)  # the flow of a SinkFlow
        if not isinstance(self.flow, CreepFlow):
            raise SystemExit("the probe needs a run with creep ([creep] model = \"power_law\")")
        creep = self.flow.creep
        mesh = creep.metal.mesh
        self.gdim = mesh.geometry.dim
        self.coordinates = creep.velocity.function_space.tabulate_dof_coordinates()
        self.phi = fem.Function(fem.functionspace(mesh, ("Lagrange", 2)))  # on the velocity's nodes
        normal = ufl.FacetNormal(mesh)
        # outward normal of the metal on the interface points into the electrolyte
        self.outflow = fem.form(ufl.max_value(ufl.dot(creep.velocity, normal), 0.0)
                                * creep.ds(int(FacetTag.INTERFACE)))

    def __call__(self) -> dict:
        self.phi.interpolate(self.flow.creep.phi)
        velocity = self.flow.creep.velocity.x.array.reshape(-1, self.gdim)
        speed = np.linalg.norm(velocity, axis=1) * M_PER_S_TO_UM_PER_H
        phi = self.phi.x.array
        fastest = int(np.argmax(speed))
        return {
            "max_speed_um_per_h": float(speed[fastest]),
            "fastest_at_um": [float(c * 1e6) for c in self.coordinates[fastest, :self.gdim]],
            "phi_at_fastest": float(phi[fastest]),
            "max_speed_in_metal_um_per_h": float(np.max(speed[phi > 0.9], initial=0.0)),
            "contact_facets": int(self.flow.creep.contact_facets.size),
            "interface_facets": int(self.flow.creep.interface_facets().size),
            "outflow_um2_per_h": float(fem.assemble_scalar(self.outflow)) * M_PER_S_TO_UM_PER_H * 1e6,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--member", type=Path, required=True, help="results directory of a T3 member")
    parser.add_argument("--checkpoint", required=True, help="file name in the member's checkpoints/")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--steps", type=int, default=14)
    parser.add_argument("--contact", choices=CONTACT_RULES, help="[creep] contact rule (default: the member's)")
    parser.add_argument("--void-viscosity-ratio", type=float,
                        help="[creep] void_viscosity_ratio (default: the member's)")
    length.add_argument("--seconds", type=float, help="stop after this much protocol time (s) instead of --steps")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    if comm.size != 1:
        raise SystemExit("the probe runs on one rank")
    resolved = load_case(args.member / "case.toml")
    raw = dict(resolved.raw, output={**resolved.raw.get("output", {}), "fields_every": NEVER,
                                     "interface_profile_every": NEVER, "line_scan_every": NEVER})
    creep = {key: value for key, value in (("contact", args.contact),
                                           ("void_viscosity_ratio", args.void_viscosity_ratio)) if value is not None}
    if creep:
        raw["creep"] = {**resolved.raw.get("creep", {}), **creep}
    resolved = resolve(resolved.path, raw, allow_unused=True)  # line_scan_every: read for a metal with Mg only
    case, protocol = resolved.case, resolved.case.protocol.steps
    with tempfile.TemporaryDirectory() as scratch:
        simulation = Simulation(resolved, comm, Path(scratch))
        simulation.restore_checkpoint(args.member / "checkpoints" / args.checkpoint)
        simulation.recorder.open()  # a new CSV in the scratch folder: the member's results stay untouched
        probe = FlowProbe(simulation)
        start_capacity, start_rejected = simulation.clock.capacity, simulation.counters.rejected
        rows, reasons, start = [], [], time.perf_counter()
        start_time = simulation.clock.time
        for _ in (range(args.steps) if args.seconds is None else itertools.count()):
            if simulation.counters.protocol_index >= len(protocol):
                break  # the protocol is over
            if args.seconds is not None and simulation.clock.time - start_time >= args.seconds:
                break
            began = time.perf_counter()
            # the run's own step: the capacity step within dt_limit and the Courant limit, halved and
            # retried on a failed solve, dt_limit regrown after
            reason = simulation.step()
            row = simulation.row
            rows.append({"dt_s": row["dt_s"], "rejected_steps": simulation.counters.rejected - start_rejected,
                         "capacity_mAh_per_cm2": row["capacity_mAh_per_cm2"],
                         "overpotential_mV": row["overpotential_V"] * 1e3, "contact_fraction": row["contact_fraction"],
                         "creep_iterations": row["creep_iterations"], "wall_s": time.perf_counter() - began,
                         **probe()})
            if reason is not None:
                reasons.append(reason)
            print({key: round(value, 5) if isinstance(value, float) else value for key, value in rows[-1].items()},
                  flush=True)
        wall = time.perf_counter() - start
        advanced = si_to(simulation.clock.capacity - start_capacity, "areal_capacity", "mAh/cm^2")
        simulation.recorder.close()
        simulation.close()
    steps = len(rows)
    weights = np.array([row["dt_s"] for row in rows])
    weights = weights / weights.sum() if steps else weights
    write_json(args.output, {
        "void_viscosity_ratio": case.creep.void_viscosity_ratio,
        "time_averaged_contact_fraction": float(weights @ [row["contact_fraction"] for row in rows]) if steps else None,
        "time_averaged_overpotential_mV": float(weights @ [row["overpotential_mV"] for row in rows]) if steps else None,
        "member": str(args.member), "checkpoint": args.checkpoint,
        "stack_pressure_Pa": case.cell.stack_pressure, "contact_rule": case.creep.contact,
        "steps": steps, "protocol_step_end_reasons": reasons,
        "capacity_advanced_mAh_per_cm2": advanced, "wall_time_s": wall,
        "steps_per_0.01_mAh_per_cm2": steps / (advanced / 0.01) if advanced > 0 else None,
        "wall_s_per_0.01_mAh_per_cm2": wall / (advanced / 0.01) if advanced > 0 else None,
        "rows": rows,
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(),
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "load_average": list(os.getloadavg())},
        "versions": versions(),
    })


if __name__ == "__main__":
    main()
