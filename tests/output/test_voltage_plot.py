"""A run's figures (phasefield/output/voltage_plot.py, seed_marks.py, line_scan_plot.py), checked on the
Figure's artists and data, not its pixels.

Requirements: a strip-then-plate run is drawn against the charge passed, its plating branch after its
stripping branch (not folded back); a run whose case sets [meta] target gets the seed's measured values of
that target from seed_measurements.toml (T1: the rise and the contact loss at it; T3/T4 by stack pressure;
T5 by current density), a run without one gets none; the contact-loss panel is left out when the contact
never changes or the column is absent; a long title is wrapped inside the figure; the line scans of a run
that returns to zero net capacity have distinct legend entries, on an axis no deeper than the metal.
"""

import json
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from phasefield.output.line_scan_plot import line_scan_figure
from phasefield.output.seed_marks import ContactLossMark, RiseMark, RunConditions, seed_marks
from phasefield.output.seed_measurements import REPOSITORY_FILE, load
from phasefield.output.sweep_table import plot_sweep
from phasefield.output.voltage_plot import charge_axis, run_marks, voltage_figure

SEED = load(REPOSITORY_FILE)


def strip_then_plate(rows: int = 21, capacity: float = 2.0) -> dict[str, list[float]]:
    """Columns of a run that strips ``capacity`` and plates it back (mAh/cm2), contact full."""
    up = np.linspace(0.0, capacity, rows)
    q = np.concatenate((up, up[-2::-1]))
    current = np.concatenate((np.full(rows, 0.5), np.full(rows - 1, -0.5)))
    return {"capacity_mAh_per_cm2": list(q), "current_density_mA_per_cm2": list(current),
            "overpotential_V": list(0.01 * np.sign(current)), "contact_fraction": [1.0] * q.size}


def stripping(contact: list[float] | None = None, rows: int = 11) -> dict[str, list[float]]:
    data = {"capacity_mAh_per_cm2": list(np.linspace(0.0, 1.2, rows)), "current_density_mA_per_cm2": [0.5] * rows,
            "overpotential_V": list(np.linspace(0.01, 0.2, rows))}
    if contact is not None:
        data["contact_fraction"] = contact
    return data


def labelled_lines(ax) -> dict[str, np.ndarray]:
    return {line.get_label(): np.asarray(line.get_xdata(), float) for line in ax.get_lines()
            if not line.get_label().startswith("_")}


def write_run_json(folder, target, pressure_Pa=2e5, current_A_per_m2=5.0):
    meta = {"description": "x"} | ({"target": target} if target else {})
    steps = [{"kind": "strip", "current_density": current_A_per_m2}, {"kind": "plate", "current_density": -2.8}]
    case = {"meta": meta, "cell": {"stack_pressure": pressure_Pa}, "protocol": {"steps": steps}}
    (folder / "run.json").write_text(json.dumps({"case": case}))
    return folder / "run.json"


def test_a_plating_branch_follows_the_stripping_branch_on_the_charge_passed():
    fig = voltage_figure(strip_then_plate())
    (ax,) = fig.axes  # full contact: no contact panel
    lines = labelled_lines(ax)
    assert set(lines) == {"stripping", "plating", "full contact throughout"}
    np.testing.assert_allclose(lines["stripping"][[0, -1]], [0.0, 2.0], atol=1e-12)
    np.testing.assert_allclose(lines["plating"][[0, -1]], [2.0, 4.0], atol=1e-12)  # not folded back to 0
    assert np.all(np.diff(lines["plating"]) > 0)
    assert "charge passed" in ax.get_xlabel()
    plt.close(fig)


def test_a_stripping_run_keeps_the_stripped_capacity_axis():
    q = np.array([0.0, 0.1, 0.1, 0.3])
    x, label = charge_axis(q)
    assert x is q and label.startswith("stripped capacity")
    x, label = charge_axis(np.array([0.0, 0.5, 0.2, 0.4]))  # strip, plate, strip: |steps| summed
    np.testing.assert_allclose(x, [0.0, 0.5, 0.8, 1.0])


def test_a_t1_run_draws_the_measured_rise_and_contact_loss(tmp_path):
    marks = run_marks(write_run_json(tmp_path, "T1"))
    fig = voltage_figure(stripping(contact=list(np.linspace(1.0, 0.05, 11))), "T1 run", marks)
    top, bottom = fig.axes
    rise, loss = SEED["t1.rise_capacity"], SEED["t1.contact_loss_at_rise"]
    measured_top = {k: v for k, v in labelled_lines(top).items() if k.startswith("measured")}
    assert len(measured_top) == 1
    np.testing.assert_allclose(next(iter(measured_top.values())), [rise.value, rise.value])
    (star,) = [line for line in bottom.get_lines() if line.get_label().startswith("measured")]
    assert (star.get_xdata()[0], star.get_ydata()[0]) == pytest.approx((rise.value, loss.value))
    assert {t.get_text() for t in top.get_legend().get_texts()} >= set(measured_top)
    plt.close(fig)


def test_a_run_without_a_target_draws_no_measured_value(tmp_path):
    assert run_marks(write_run_json(tmp_path, None)) == []
    assert run_marks(tmp_path / "absent" / "run.json") == []
    fig = voltage_figure(stripping(contact=list(np.linspace(1.0, 0.5, 11))), "", [])
    assert not any(label.startswith("measured") for ax in fig.axes for label in labelled_lines(ax))
    plt.close(fig)


@pytest.mark.parametrize(("target", "pressure_MPa", "current", "expected"), [
    ("T3", 0.2, 0.5, ("t3.flat_to", 0.0, "value")),       # a rising pressure: within the window
    ("T3", 7.0, 0.5, ("t3.flat_to", "value", math.inf)),  # a flat pressure: no rise to its end
    ("T4", 14.0, 0.5, ("t4.flat_to", "value", math.inf)),
    ("T5", 1.0, 0.05, ("t5.rise_capacity_slow", "value", math.inf)),
    ("T5", 1.0, 0.5, ("t5.rise_capacity_fast", "value", "value")),
])
def test_the_run_conditions_pick_the_measurement(target, pressure_MPa, current, expected):
    key, low, high = expected
    number = SEED[key].value
    (mark,) = seed_marks(RunConditions(target, pressure_MPa, current), SEED)
    assert isinstance(mark, RiseMark)
    assert (mark.low, mark.high) == (number if low == "value" else low, number if high == "value" else high)


def test_an_unmeasured_condition_or_target_draws_nothing():
    assert seed_marks(RunConditions("T3", 3.0, 0.5), SEED) == []  # 3 MPa: not swept by the seed
    assert seed_marks(RunConditions("T6", 0.2, None), SEED) == []
    t2 = seed_marks(RunConditions("T2", 0.2, 0.5), SEED)
    assert [(m.low, m.high) for m in t2] == [SEED["t2.rise_capacity"].bounds]
    assert not any(isinstance(m, ContactLossMark) for m in t2)


@pytest.mark.parametrize("contact", [None, [1.0] * 11])
def test_a_run_with_full_or_no_contact_column_has_one_panel(contact):
    fig = voltage_figure(stripping(contact=contact), "alloy")
    assert len(fig.axes) == 1
    assert ("full contact throughout" in labelled_lines(fig.axes[0])) == (contact is not None)
    plt.close(fig)


def test_a_long_title_is_wrapped_inside_the_figure():
    title = "Li0.97Mg0.03, 0.5 mA/cm2, 0.2 MPa, 25 C: voids, creep, interdiffusion, contact loss, overpotential"
    fig = voltage_figure(stripping(contact=list(np.linspace(1.0, 0.5, 11))), title)
    fig.canvas.draw()
    text = fig.axes[0].title
    box = text.get_window_extent(fig.canvas.get_renderer())
    assert "\n" in text.get_text()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.x1 and box.y1 <= fig.bbox.y1
    plt.close(fig)


def test_line_scans_that_return_to_zero_net_capacity_have_distinct_labels(tmp_path):
    for index, (time_s, capacity) in enumerate(((0.0, 0.0), (3600.0, 1.0), (7200.0, 0.0))):
        rows = "\n".join(f"{d},{0.03 + 0.01 * index}" for d in range(5))
        (tmp_path / f"x_Mg_{index:05d}.csv").write_text(
            f"# time_s={time_s:e} capacity_mAh_per_cm2={capacity:e}\ndistance_um,x_Mg\n{rows}\n")
    fig = line_scan_figure(tmp_path, "strip then plate")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert len(labels) == 3 and len(set(labels)) == 3
    assert fig.axes[0].get_xlim() == pytest.approx((0.0, 4.0))  # the metal's 4 um, not an empty 15 um axis
    plt.close(fig)


def test_a_sweep_without_a_contact_column_is_drawn(tmp_path):
    """phasefield/output/sweep_table.py: members that write no contact_fraction (full contact) still plot."""
    rows = [f"{label},{value},{q},{0.01 + 0.001 * q}" for label, value in (("a", "0.2 MPa"), ("b", "1 MPa"))
            for q in (0.0, 0.5, 1.0)]
    table = tmp_path / "sweep.csv"
    table.write_text("\n".join(["member,cell.stack_pressure,capacity_mAh_per_cm2,overpotential_V", *rows]) + "\n")
    plot_sweep(table, tmp_path / "sweep.png", "cell.stack_pressure")
    assert (tmp_path / "sweep.png").stat().st_size > 0


def test_a_run_without_rows_gives_an_empty_figure():
    """A run that failed before its first row still gets its figure (run.py draws it in every case)."""
    fig = voltage_figure({}, "failed at once")
    assert len(fig.axes) == 1 and not fig.axes[0].get_lines()
    plt.close(fig)
