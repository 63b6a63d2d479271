"""The case file schema: what a user may write, validated, with every quantity converted to SI.

Each table of the TOML file is one model below. Unknown keys are errors (a typo must not be
silently ignored). Quantities are strings with units (``"0.5 mA/cm^2"``); see
:mod:`phasefield.units` for the accepted forms.
"""

import dataclasses
import math
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    model_validator,
)

from phasefield.case.interface_profile import check_profile, read_interface_profile
from phasefield.case.protocol import PRESSURE_BOUNDS, TEMPERATURE_BOUNDS, ProtocolStep, Repeat, expand, parse_entry
from phasefield.units import UnitError, to_si, to_si_within


def quantity(dimension: str, **bounds):
    """A field written with units in the case file and held in SI. The bounds (``ge``, ``gt``, ``le``,
    ``lt``) are SI values; a value outside them is refused with the bound in the unit the user wrote
    (``expected at least -73.15 degC (200 K)``)."""
    return Annotated[float, BeforeValidator(lambda v: to_si_within(v, dimension, **bounds)), Field(**bounds)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


TARGETS = ("T1", "T2", "T3", "T4", "T5", "T6", "T7")


class Meta(Strict):
    """What the case is for; ``target`` and ``figure`` when it reproduces a measurement."""

    description: str = Field(min_length=1)
    target: Literal[TARGETS] | None = None  # type: ignore[valid-type]
    figure: str | None = None


class Cell(Strict):
    """Operating conditions of the cell. ``fixture``: ``constant_traction`` (the stack pressure acts
    whatever the foil thickness) or ``bolt`` (the preload falls linearly as the foil thins and is gone after
    ``preload_relaxation_thickness`` of net stripping; an assumption, for sensitivity studies), acting
    through Norton creep (:mod:`phasefield.physics.fixture`)."""

    temperature: quantity("temperature", **TEMPERATURE_BOUNDS) = to_si("25 degC", "temperature")
    stack_pressure: quantity("pressure", **PRESSURE_BOUNDS) = to_si("0.2 MPa", "pressure")
    foil_thickness: quantity("length", gt=0.0, le=1e-2) = to_si("100 um", "length")
    fixture: Literal["constant_traction", "bolt"] = "constant_traction"
    preload_relaxation_thickness: quantity("length", gt=0.0, le=1e-2) = to_si("20 um", "length")


#: Limits of the window mesh, checked here (building it needs DOLFINx, :mod:`phasefield.mesh.window`).
#: The grading search of ``window.geometric_ratio`` evaluates q^cells from q = 2 upwards, and 2^1024
#: overflows a float: a graded side has at most this many cells (uniform sides may have more).
MAX_GRADED_CELLS = 1000
#: Neighbouring cells differing more than this in height: a degenerate mesh.
MAX_GROWTH_RATIO = 1000.0
#: The smallest ``interface_cell_height`` (m), about an atomic spacing: below it the continuum model means
#: nothing, and next to heights of up to 1 cm the window's facet tolerance (1e-6 x interface_cell_height)
#: stays far above the rounding of the coordinates. It also keeps q^cells of the grading finite.
MIN_CELL_HEIGHT = 1e-10
#: Cells (triangles, tetrahedra, quadrilaterals or hexahedra) of a whole window: sized for the project
#: machine (24 GiB, 2 cores), where the headline case takes ~9 kB per cell with its creep LU factorisations.
MAX_CELLS = 2_000_000


def grading_ratio(height: float, cells: int, first: float) -> float:
    """The growth ratio q >= 1 of ``cells`` cells graded from ``first`` over ``height``:
    ``first * (q^cells - 1) / (q - 1) = height``, solved in logarithms (never overflows). 1 when the
    side is uniform (one cell, or ``cells * first >= height``: cells of ``height / cells``)."""
    if cells <= 1 or first * cells >= height:
        return 1.0

    def log_expm1(x: float) -> float:
        return x if x > 40.0 else math.log(math.expm1(x))

    target = math.log(height / first)
    lo, hi = 0.0, target / (cells - 1)  # q^(cells-1) <= height / first
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid == lo or mid == hi:
            break
        if log_expm1(cells * mid) - log_expm1(mid) < target:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


def _um(value: float) -> str:
    return f"{value * 1e6:.4g} um"


class Mesh(Strict):
    """A window of metal over electrolyte, graded towards the interface (y = 0).

    ``dimension`` 2: x along the interface, y normal to it; 3: x, z along it, y normal to it
    (the last coordinate is always the normal one: y in 2-D, z in 3-D). Each side's cells grow
    geometrically from ``interface_cell_height``; a side with ``cells x interface_cell_height >= height``
    is uniform (cells of height / cells). Meshes that cannot be built, or only degenerate, are refused:
    see ``MIN_CELL_HEIGHT``, ``MAX_GRADED_CELLS``, ``MAX_GROWTH_RATIO`` and ``MAX_CELLS``.
    """

    dimension: Literal[2, 3] = 2
    width: quantity("length", gt=0.0, le=1e-2)
    depth: quantity("length", gt=0.0, le=1e-2) | None = None
    metal_height: quantity("length", gt=0.0, le=1e-2)
    electrolyte_height: quantity("length", gt=0.0, le=1e-2)
    cells_along_interface: int = Field(ge=1, le=100_000)
    cells_across: int | None = Field(default=None, ge=1, le=100_000)
    metal_cells: int = Field(ge=1, le=100_000)
    electrolyte_cells: int = Field(ge=1, le=100_000)
    interface_cell_height: quantity("length", ge=MIN_CELL_HEIGHT)
    cell_type: Literal["simplex", "box"] = "simplex"
    #: a rough interface: a CSV of x_um, height_um or a polyline that meshio reads (phasefield.case.interface_profile),
    #: as (x, h) in m
    interface_profile: Annotated[tuple[tuple[float, float], ...] | None,
                                 BeforeValidator(read_interface_profile)] = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.interface_profile is not None:
            check_profile(self.interface_profile, self.width, self.metal_height, self.electrolyte_height)
        if self.dimension == 3 and (self.depth is None or self.cells_across is None):
            raise ValueError("a 3-D mesh needs `depth` and `cells_across`")
        if self.dimension == 2 and (self.depth is not None or self.cells_across is not None):
            raise ValueError("`depth` and `cells_across` are for 3-D meshes (dimension = 3)")
        for side in ("metal", "electrolyte"):
            if self.interface_cell_height > getattr(self, f"{side}_height"):
                raise ValueError(f"interface_cell_height exceeds {side}_height")
        for side in ("metal", "electrolyte"):
            self._gradable(side)
        per_box = 1 if self.cell_type == "box" else (2 if self.dimension == 2 else 6)
        cells = (self.cells_along_interface * (self.cells_across or 1)
                 * (self.metal_cells + self.electrolyte_cells) * per_box)
        if cells > MAX_CELLS:
            shape = "triangles" if self.dimension == 2 else "tetrahedra"
            raise ValueError(
                f"the window has {cells:,} cells ({shape if per_box > 1 else 'boxes'}), more than the "
                f"{MAX_CELLS:,} it can hold in memory; use fewer cells along the interface or across it"
            )
        return self

    def _gradable(self, side: str) -> None:
        """Refuse a side whose grading overflows or degenerates (see the module limits)."""
        height, cells = getattr(self, f"{side}_height"), getattr(self, f"{side}_cells")
        first = self.interface_cell_height
        ratio = grading_ratio(height, cells, first)
        if ratio == 1.0:
            return
        if cells > MAX_GRADED_CELLS:
            raise ValueError(
                f"{side}_cells = {cells} graded from interface_cell_height = {_um(first)} over {side}_height "
                f"= {_um(height)} cannot be meshed: at most {MAX_GRADED_CELLS} graded cells per side; use fewer "
                f"cells, or interface_cell_height >= {_um(height / cells)} for uniform cells"
            )
        if ratio > MAX_GROWTH_RATIO:
            raise ValueError(
                f"{side}_cells = {cells} graded from interface_cell_height = {_um(first)} over {side}_height "
                f"= {_um(height)} grow {ratio:.3g}-fold from cell to cell (at most {MAX_GROWTH_RATIO:g}): a "
                f"degenerate mesh; use more {side} cells or a larger interface_cell_height"
            )


class Interdiffusion(Strict):
    """Li/Mg interdiffusion in the metal (active when the metal set has Mg).

    ``darken``: D = (x_Li D*_Mg + x_Mg D*_Li) Phi(x); ``fick``: D = D*_Mg (for comparison).
    ``stabilization``: ``none`` (default: the Galerkin scheme) or ``streamline`` (streamline diffusion with the
    exponentially fitted coefficient, :mod:`phasefield.physics.streamline_diffusion`: for Mg depletion layers
    thinner than a cell where the metal recedes from the interface; it adds an error of the order of the P1 error
    where the cells resolve x_Mg, and more where the cell Peclet number exceeds 1, docs/model.md).
    ``nonnegative``: solve each step with x_Mg >= 0 as a bound (a variational inequality); the Mg the bound creates
    is the CSV column ``mg_created_relative`` (off by default: the Galerkin scheme conserves Mg exactly).
    """

    model: Literal["darken", "fick"] = "darken"
    stabilization: Literal["none", "streamline"] = "none"
    nonnegative: bool = False


class Voids(Strict):
    """Numerical settings of the vacancy-void phase field (``[contact] model = "phase_field"``).

    Physical parameters (energies, sink spacing, nucleation rate) are in the metal parameter set.
    ``contact_measure``: the contact a(phi) of the kinetics, ``sharp`` (default: a smoothed step at
    phi = 1/2, :func:`phasefield.physics.contact.sharpened_contact`) or ``diffuse`` (a = phi, the
    measure until issue 22, kept as a sensitivity). ``stabilization``: the reference phi* of the phase
    rows' linear stabilisation S (phi - phi*), ``extrapolated`` (default: phi^n extrapolated from the last
    two steps, a splitting error O(dt^2)) or ``previous_step`` (phi* = phi^n, O(dt): the scheme until
    issue 22) (:mod:`phasefield.physics.voids`). ``surface_diffusion``: surface diffusion on the void surfaces,
    a tangential vacancy mobility in the diffuse interface with the metal set's D_s (off by default).
    ``interface_layer``: the interface vacancy layer, vacancies held in the first metal layer by the interface trap
    (at its Mg coverage) conducting along the contact (:mod:`phasefield.physics.voids`; off by default).
    ``flaws``: the metal set's interface flaws (spacing, median radius, spread), seeded from ``seed``, become
    voids at their Gibbs-Thomson threshold (:mod:`phasefield.physics.flaw_activation`; 2-D windows; off by
    default). ``driving_force_limit``: the cap alpha of the phase driving force, |omega_m - omega_v| <= alpha W
    (numerical; at most 0.5, for which the stabilisation is sized): it sets how far a void's diffuse edge runs
    ahead along the interface. 0.1 by default (0.5 until 2026-12-06): at 0.5 the capped metal is barely metastable
    and a contact-fed void spreads as a half-void film whose growth is not converged in dt; at 0.1 it is, and
    nearer the sharp-interface partition; the floor is the capped critical radius interface_width / (6 alpha),
    which must stay below nucleus_radius (refused at ``check``; docs/voids.md, "A lone void fed by its contact").
    """

    interface_width: quantity("length", gt=0.0) = to_si("0.5 um", "length")
    relaxation_time: quantity("time", gt=0.0) = to_si("1 s", "time")
    vacancy_reference_fraction: float = Field(default=1e-4, gt=0.0, lt=0.01)
    nucleus_radius: quantity("length", gt=0.0) = to_si("1 um", "length")
    seed: int = Field(default=1, ge=0)
    contact_measure: Literal["sharp", "diffuse"] = "sharp"
    stabilization: Literal["extrapolated", "previous_step"] = "extrapolated"
    surface_diffusion: bool = False
    interface_layer: bool = False
    flaws: bool = False
    driving_force_limit: float = Field(default=0.1, gt=0.0, le=0.5)


class Creep(Strict):
    """How the metal flows (``[contact] model = "phase_field"``).

    ``none``: the potential lattice flow of the vacancy sinks alone (no stack pressure acts);
    ``power_law``: Norton creep under the stack pressure of ``[cell]`` (parameters from the metal
    set), no penetration on the contact, free (``slip``) or no (``stick``) tangential motion there.
    ``contact``: which interface facets have no penetration: ``unilateral`` (default since issue 22),
    those in compression (the metal may leave the electrolyte, never enter it); ``impenetrable``, all of
    them;
    or ``metal_fraction``, those at a metal fraction of at least 1/2 (the others are traction
    free; the default until 2026-11-26) (:mod:`phasefield.physics.creep_flow`).
    ``resolve_tolerance``: a step keeps the last creep velocity (no solve) while the metal fraction (absolute)
    and the vacancy-sink divergence and plating speed (relative to their largest values) differ from those of
    the last solve by less than this at every vertex; 0 (default): a solve every step.
    ``contact_updates``: unilateral, the most updates of the active set solved within a step (unset: the model's, 8);
    0: the set found after a step's solve is taken by the next step, unsolved (lagged by one step; a changed set
    makes the next step solve whatever ``resolve_tolerance``).
    ``capillary``: the capillary (Laplace) force of the void surfaces in the momentum balance, at the metal set's
    surface energy (:mod:`phasefield.physics.creep`; off by default).
    ``void_viscosity_ratio``: the viscosity of the compressible void ersatz over the metal's lower viscosity cap
    (a numerical parameter; unset: the model's, 1e-2: a resolved void's closure rate changes by 2.3% at 1 and 0.05% at
    1e-4; the steps of a marginal half-void layer under high stack pressure grow with it: docs/creep.md, "The
    void ersatz").
    ``mesh_coarsening``: the creep is solved on a mesh of the metal with this many times fewer cells along the
    interface and across the metal (graded from a this many times taller first cell), its inputs and velocity
    interpolated between the two meshes (:mod:`phasefield.physics.creep_flow`); 1 (default): on the fields' mesh.
    It must divide ``[mesh] cells_along_interface``, ``metal_cells`` (and ``cells_across``), on a flat interface.
    """

    model: Literal["none", "power_law"] = "none"
    interface: Literal["slip", "stick"] = "slip"
    contact: Literal["unilateral", "impenetrable", "metal_fraction"] = "unilateral"
    resolve_tolerance: float = Field(default=0.0, ge=0.0, lt=1.0)
    contact_updates: int | None = Field(default=None, ge=0)
    capillary: bool = False
    void_viscosity_ratio: float | None = Field(default=None, gt=0.0, le=1e6)
    mesh_coarsening: int = Field(default=1, ge=1, le=16)


def _non_decreasing(values: list[float]) -> list[float]:
    if any(b < a for a, b in zip(values, values[1:], strict=False)):
        raise ValueError("capacities must not decrease")
    return values


class Contact(Strict):
    """The metal-electrolyte contact while no void model sets it.

    ``full``: the whole interface is in contact. ``prescribed_voids``: ``void_count`` equally spaced
    semi-elliptic voids (height = ``void_aspect_ratio`` x half-width) whose common width makes the
    contact fraction follow the table (``capacity``, ``fraction``) of stripped capacity, linearly
    interpolated and held constant beyond its ends.
    """

    model: Literal["full", "prescribed_voids", "phase_field"] = "full"
    void_count: int = Field(default=1, ge=1, le=10_000)
    void_aspect_ratio: float = Field(default=0.5, gt=0.0, le=10.0)
    edge_width: quantity("length", gt=0.0) = to_si("0.25 um", "length")
    capacity: Annotated[
        list[quantity("areal_capacity", ge=0.0)], AfterValidator(_non_decreasing)
    ] = [0.0]
    fraction: list[Annotated[float, Field(ge=0.0, le=1.0)]] = [1.0]

    @model_validator(mode="after")
    def _table(self):
        if len(self.capacity) != len(self.fraction):
            raise ValueError(
                f"`capacity` and `fraction` need the same length, got {len(self.capacity)} "
                f"and {len(self.fraction)}"
            )
        return self


class Protocol(Strict):
    """The cycling protocol: a list of steps in words (see :mod:`phasefield.case.protocol`); each entry is
    a step or a repeat of steps, and ``steps`` holds them expanded (repeats written out)."""

    steps: Annotated[
        list[Annotated[ProtocolStep | Repeat, BeforeValidator(parse_entry)]], AfterValidator(expand)
    ] = Field(min_length=1, max_length=10_000)


class Time(Strict):
    """Time-step bounds: a step never exceeds ``dt_max`` nor passes ``capacity_step`` of charge, nor,
    with a moving metal (phase-field contact), ``courant_number`` x smallest metal cell / largest metal
    speed of the last step; a failed step is retried with half the step up to ``max_retries`` times.
    A run whose step limit (after rejections, or the Courant limit) falls below ``dt_min`` has
    stalled: it stops as failed instead of creeping on at vanishing steps. A protocol step's own end
    may still be reached with a shorter step. ``coupling_passes``: how many times each step is solved,
    each pass from the step's start with the vacancy injection of the last pass's end-of-step current
    (1: the injection lags one step; more: a fixed-point iteration towards the implicit coupling).
    ``phase_tolerance``: with a phase-field contact, the local error of the metal fraction phi allowed per
    step (backward Euler and the stabilisation's splitting, estimated each step; a step with more than twice
    as much is retried; the next step is sized to meet it; inf: no error control, steps by the limits
    above only)."""

    dt_max: quantity("time", gt=0.0) = to_si("10 min", "time")
    dt_min: quantity("time", gt=0.0) = to_si("1 us", "time")
    capacity_step: quantity("areal_capacity", gt=0.0) = to_si("0.025 mAh/cm^2", "areal_capacity")
    max_steps: int = Field(default=100_000, ge=1)
    max_retries: int = Field(default=6, ge=0, le=30)
    courant_number: float = Field(default=0.25, gt=0.0, le=1000.0)
    coupling_passes: int = Field(default=1, ge=1, le=20)
    phase_tolerance: float = Field(default=math.inf, gt=0.0)


class Solver(Strict):
    """Newton tolerances of the electrochemistry solve: relative to max(|i|, i0), and absolute as an
    interface current density in A/m^2."""

    relative_tolerance: float = Field(default=1e-10, gt=0.0, lt=1.0)
    absolute_tolerance: float = Field(default=1e-12, gt=0.0)
    max_iterations: int = Field(default=30, ge=1, le=1000)
    contact_floor: float = Field(default=1e-6, gt=0.0, lt=1.0)


@dataclass(frozen=True)
class OutputPeriod:
    """An output cadence in time (s) or in capacity passed (C/m^2, stripping and plating alike)."""

    dimension: Literal["time", "areal_capacity"]
    value: float


def _cadence(value) -> "int | OutputPeriod":
    """An output cadence as written: a whole number of time steps (at least 1), or a string, a time
    (``"10 min"``) or a capacity passed (``"0.1 mAh/cm^2"``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 1:
            raise ValueError("expected at least 1 time step")
        return value
    if not isinstance(value, str):
        raise ValueError(EXPECTED_CADENCE)
    for dimension in ("time", "areal_capacity"):
        try:
            period = to_si(value, dimension)
        except UnitError:
            continue
        if period <= 0.0:
            raise ValueError("expected a positive period")
        return OutputPeriod(dimension, period)
    raise ValueError(EXPECTED_CADENCE)


EXPECTED_CADENCE = "expected a number of time steps (10), a time ('10 min') or a capacity passed ('0.1 mAh/cm^2')"
#: every that many time steps, or a period in time or in capacity passed
Cadence = Annotated[int | OutputPeriod, PlainValidator(_cadence),
                    PlainSerializer(lambda value: value if isinstance(value, int) else dataclasses.asdict(value))]


class Output(Strict):
    """What is written and how often: every that many time steps (``10``), or at the first step that
    reaches each multiple of a time (``"10 min"``) or of the capacity passed (``"0.1 mAh/cm^2"``, the
    charge through the interface either way: rests pass none). The CSV has every step; the last step
    is always written."""

    fields_every: Cadence = 10
    interface_profile_every: Cadence = 10
    line_scan_every: Cadence = 10
    checkpoint_every: int = Field(default=25, ge=1)
    line_scan_at: Annotated[
        list[quantity("areal_capacity", gt=0.0)], AfterValidator(_non_decreasing)
    ] = []


class Sweep(Strict):
    """A parameter study: the case is run once per value of ``parameter`` (``"table.key"``, e.g.
    ``"cell.stack_pressure"``), each value written as it would be in that table."""

    parameter: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$")
    values: list[str | float | int] = Field(min_length=1, max_length=1000)


class Case(Strict):
    """A whole case file after validation. Material overrides are checked by the loader."""

    meta: Meta
    cell: Cell = Cell()
    metal: dict[str, str | float | int] = {"set": "Li"}
    electrolyte: dict[str, str | float | int] = {"set": "Li6PS5Cl"}
    counter_electrode: dict[str, str | float | int] = {"set": "In-InLi"}
    mesh: Mesh
    contact: Contact = Contact()
    interdiffusion: Interdiffusion = Interdiffusion()
    voids: Voids = Voids()
    creep: Creep = Creep()
    protocol: Protocol
    time: Time = Time()
    solver: Solver = Solver()
    output: Output = Output()
    sweep: Sweep | None = None

    @model_validator(mode="after")
    def _flaws_in_two_dimensions(self):
        if self.voids.flaws and self.mesh.dimension == 3:
            raise ValueError("`voids.flaws` needs a 2-D window (mesh.dimension = 2)")
        return self
