"""The reduced model's rise against the node spacing of its capture solve (the interface layer's system), T1 and T2,
edge and roof growth, 10 seeds each (docs/reduced_model.md, "Verification", numerics; about a minute on one core).

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/reduced_model/node_spacing.py
"""

import dataclasses
from unittest import mock

import tables

from phasefield.reduced import capture
from phasefield.reduced import model as model_module
from phasefield.reduced.settings import Mechanisms


def partition_at(spacing: float) -> type:
    """VacancyPartition with nodes at most ``spacing`` (m) apart."""
    class Partition(capture.VacancyPartition):
        def __init__(self, strip_width: float, sink_length: float):
            super().__init__(strip_width, sink_length, spacing)
    return Partition


def main() -> None:
    for spacing in (capture.NODE_SPACING, capture.NODE_SPACING / 2):
        with mock.patch.object(model_module, "VacancyPartition", partition_at(spacing)):
            for name, path in tables.CASES.items():
                resolved = tables.load_case(path)
                for roof in (False, True):
                    def make(seed, roof=roof, resolved=resolved):
                        return dataclasses.replace(tables.settings_from_case(resolved), seed=seed,
                                                   mechanisms=Mechanisms(roof_growth=roof))
                    mean, sd = tables.ensemble(make, resolved)["rise"]
                    print(f"nodes <= {spacing * 1e6:.3f} um, {name}, {'roof' if roof else 'edge'} growth: "
                          f"rise {mean:.4f} +- {sd:.4f} mAh/cm2", flush=True)


if __name__ == "__main__":
    main()
