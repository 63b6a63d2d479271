"""`phasefield verify`: writes the table of orders and a figure per study, and fails (exit 1, naming
the study) when an observed order misses the expected one by more than the tolerance."""

import csv

import numpy as np
import pytest

from phasefield import cli
from phasefield.verification import ORDER_TOLERANCE, ConvergenceStudy, Measure, run_study
from phasefield.verification import studies as registry
from phasefield.verification.convergence import ASYMPTOTIC_PAIRS
from phasefield.verification.report import verdict


def power_law_study(expected: float, exponent: float = 2.0) -> ConvergenceStudy:
    """A study whose error is exactly h^exponent: observed order ``exponent`` at every refinement."""

    def errors(resolutions):
        sizes = [1.0 / n for n in resolutions]
        return sizes, np.array([[h**exponent] for h in sizes])

    return ConvergenceStudy(name="power_law", submodel="synthetic", variable="h", description="e = h^2",
                            measures=(Measure("e", expected),), fast=(4, 8, 16), full=(4, 8, 16, 32), errors=errors)


def test_verify_writes_the_orders_table_and_a_figure_and_exits_0(tmp_path):
    output = tmp_path / "verification"
    cli.main(["verify", "--only", "allen_cahn_space", "-o", str(output)])  # SystemExit would fail the test
    with (output / "orders.csv").open() as stream:
        table = list(csv.DictReader(stream))
    assert [row["norm"] for row in table] == ["relative L2(phi)", "relative H1(phi)"]
    assert {row["verdict"] for row in table} == {"pass"}
    assert abs(float(table[0]["observed_order"]) - 2.0) < 0.1
    markdown = (output / "orders.md").read_text()
    assert "| allen_cahn_space |" in markdown and "host" in markdown
    assert (output / "allen_cahn_space.png").stat().st_size > 10_000


def test_order_check_flags_a_wrong_expected_order():
    assert run_study(power_law_study(2.0), (4, 8, 16)).passed
    wrong = run_study(power_law_study(1.0), (4, 8, 16))
    assert not wrong.passed and verdict(wrong, 0) == "MISS"
    assert wrong.deviation(0) == pytest.approx(1.0)
    assert not run_study(power_law_study(2.0, exponent=1.85), (4, 8, 16)).passed  # 0.15 off: outside 0.1
    assert run_study(power_law_study(2.0, exponent=1.95), (4, 8, 16)).passed


def study_with_orders(orders: list[float], expected: float = 2.0) -> ConvergenceStudy:
    """A study over halved sizes whose successive observed orders are exactly ``orders``."""

    def errors(resolutions):
        sizes = [1.0 / n for n in resolutions]
        return sizes, np.array([[e] for e in np.cumprod([1.0, *(0.5**p for p in orders)])])

    levels = tuple(4 * 2**k for k in range(len(orders) + 1))
    return ConvergenceStudy(name="orders", submodel="synthetic", variable="h", description="given orders",
                            measures=(Measure("e", expected),), fast=levels, full=levels, errors=errors)


def test_only_the_finest_pairs_are_judged_and_too_few_refinements_miss():
    """The rule of `phasefield verify`: the ASYMPTOTIC_PAIRS (2) finest orders within ORDER_TOLERANCE (0.1);
    a pre-asymptotic coarse pair is reported, not judged; one order alone cannot pass."""
    assert ASYMPTOTIC_PAIRS == 2 and ORDER_TOLERANCE == 0.1  # the rule as documented (README, docs/verification)
    pre_asymptotic = study_with_orders([1.5, 1.95, 2.02])
    result = run_study(pre_asymptotic, pre_asymptotic.fast)
    np.testing.assert_allclose(result.orders(0), [1.5, 1.95, 2.02])
    assert result.passed and result.deviation(0) == pytest.approx(0.05)
    assert not run_study(study_with_orders([1.95, 1.85, 2.0]), (4, 8, 16, 32)).passed  # second finest 0.15 off
    single = run_study(study_with_orders([2.0]), (4, 8))
    assert not single.passed and single.deviation(0) == np.inf and verdict(single, 0) == "MISS"


def test_full_resolutions_extend_every_fast_set_by_a_finer_level():
    """`verify --full` shows the order one level beyond each fast set (the evidence that the fast levels
    are asymptotic, docs/verification/README.md); coupled_space has no finer mesh (the grading overflows)."""
    for name, study in registry.STUDIES.items():
        assert set(study.fast) <= set(study.full), name
        assert len(study.fast) >= ASYMPTOTIC_PAIRS + (2 if name.startswith("coupled") else 1), name
        if name != "coupled_space":
            assert max(study.full) > max(study.fast), name


def test_verify_exits_1_and_names_the_study_that_misses(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(registry.STUDIES, "power_law", power_law_study(1.0))
    with pytest.raises(SystemExit) as exit_:
        cli.main(["verify", "--only", "power_law", "-o", str(tmp_path)])
    assert exit_.value.code == 1
    assert "power_law e: observed orders 2.000 2.000, expected 1" in capsys.readouterr().err
    assert (tmp_path / "power_law.png").exists()


def test_verify_refuses_an_unknown_study(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["verify", "--only", "no_such_study", "-o", str(tmp_path)])
    assert exit_.value.code == 2 and "unknown study no_such_study" in capsys.readouterr().err
