"""The seed paper's measured values, read from ``seed_measurements.toml`` (the one place they are written).

``SEED`` is the file next to this script, loaded once by ``phasefield.output.seed_measurements.load`` (the
format, its checks and ``Measurement``); ``get("t1.rise_capacity")`` returns one entry. Post-processing
only: no solver import.
"""

from pathlib import Path

from phasefield.output.seed_measurements import UREG, Measurement, SeedMeasurementError, load

__all__ = ["PATH", "SEED", "Measurement", "SeedMeasurementError", "get", "load", "plated_layer_mg",
           "sem_frame_capacity"]

PATH = Path(__file__).resolve().with_name("seed_measurements.toml")
SEED = load(PATH)


def get(key: str) -> Measurement:
    """The entry ``key`` of the file next to this script."""
    return SEED[key]


# -- derived numbers the scripts share ---------------------------------------------------------------------
def sem_frame_capacity() -> float:
    """Capacity (mAh/cm2) stripped between two SEM frames: the frame interval x the current density."""
    interval, current = get("operando.sem_frame_interval"), get("operando.current_density")
    return float((interval.quantity_of(interval.value) * current.quantity_of(current.value))
                 .to(UREG.parse_expression("mAh/cm^2")).magnitude)


def plated_layer_mg() -> dict[int, float]:
    """Mg in the plated layer / bulk (a fraction) by temperature (C), T6."""
    entries = [m for m in SEED.values() if m.key.startswith("t6.plated_layer_mg_")]
    return {m.extra["temperature_C"]: m.to("dimensionless") for m in entries}
