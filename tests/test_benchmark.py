"""benchmark_differentiation and its rows (adcore.testing._benchmark), and the timing under it."""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

import adcore as ad
from adcore._core.timing import measure
from adcore.extend import AbstractBackend
from adcore.testing import (
    BenchmarkResult,
    BenchmarkRow,
    Scenario,
    benchmark_differentiation,
    benchmark_scenarios,
    check_differentiation,
    inplace_scenarios,
)
from adcore.testing._scenario import OPERATORS

FAST = {"min_time": 1e-4, "samples": 3}


def sumsq(x: Any) -> Any:
    return (x**2).sum()


@dataclass(frozen=True)
class Syncing(AbstractBackend):
    """Finite differences that count the results handed to ``synchronize``; no in-place f."""

    synced: list[Any]

    name: ClassVar[str] = "syncing"
    modes: ClassVar[frozenset[str]] = frozenset({"forward"})

    def prepare_pushforward(self, f: Any, x: Any, tx: Any, contexts: Any, *, y: Any = None,
                            same_point: bool = False) -> Any:
        return ad.AutoFiniteDiff().prepare_pushforward(f, x, tx, contexts, y=y, same_point=same_point)

    def synchronize(self, result: Any) -> Any:
        self.synced.append(result)
        return result

    def __hash__(self) -> int:
        return id(self)


def test_rows_per_backend_scenario_operator_and_preparation() -> None:
    scenarios = [Scenario("gradient", sumsq, np.ones(3), name="sumsq"),
                 Scenario("hessian", sumsq, np.ones(2), name="sumsq")]
    backends = [ad.AutoFiniteDiff(), ad.AutoFiniteDiff(method="forward")]
    result = benchmark_differentiation(backends, scenarios, **FAST)
    assert [(r.backend, r.operator, r.prepared) for r in result] == [
        (repr(b), op, prepared) for b in backends for op in ("gradient", "hessian")
        for prepared in (False, True)
    ]
    for r in result:
        assert r.scenario == "sumsq" and r.samples == 3
        assert 0 < r.min <= r.median
        assert (r.prep_time is not None) == r.prepared
    calls = {(r.backend, r.operator, r.prepared): r.calls for r in result}
    # Central differences: two calls per coordinate; forward ones: one, plus f(x).
    assert calls["AutoFiniteDiff()", "gradient", True] == 2 * 3 + 1
    assert calls["AutoFiniteDiff(method='forward')", "gradient", True] == 3 + 1
    assert len(result) == 8 and result.skipped == []


def test_operators_select_the_functions_timed() -> None:
    scenarios = [Scenario("gradient", sumsq, np.ones(2)), Scenario("hessian", sumsq, np.ones(2))]
    result = benchmark_differentiation([ad.AutoFiniteDiff()], scenarios,
                                       operators=["value_and_gradient", "hessian"], **FAST)
    assert [(r.operator, r.prepared) for r in result] == [
        ("value_and_gradient", False), ("value_and_gradient", True), ("hessian", False),
        ("hessian", True)]
    with pytest.raises(ValueError, match="unknown operator.*'grad'.*choose from"):
        benchmark_differentiation([ad.AutoFiniteDiff()], scenarios, operators=["grad"])


def test_every_timed_result_is_synchronized_by_its_backend() -> None:
    backend = Syncing([])
    result = benchmark_differentiation([backend], [Scenario("gradient", sumsq, np.ones(2))],
                                       **FAST)
    assert len(result) == 2
    assert len(backend.synced) >= 2 * (1 + 3)  # two timings, each a warm-up and three samples
    value, grad, _ = backend.synced[-1]  # what the operator returned, normalized
    assert value is None and np.allclose(grad, [2.0, 2.0])


def test_what_a_backend_cannot_do_is_skipped_with_the_reason() -> None:
    scenario = inplace_scenarios()[2]
    result = benchmark_differentiation([Syncing([]), ad.AutoFiniteDiff()], [scenario], **FAST)
    assert {r.backend for r in result} == {"AutoFiniteDiff()"}
    [(_, name, operator, reason)] = result.skipped
    assert name == scenario.id and operator == scenario.operator
    assert "does not support in-place functions" in reason


def test_benchmark_scenarios_are_one_per_operator_with_right_references() -> None:
    scenarios = benchmark_scenarios(6)
    assert sorted(s.operator for s in scenarios) == sorted(OPERATORS)
    assert {s.id for s in scenarios} == {"trig", "rosenbrock-6", "shiftprod-6"}
    assert check_differentiation([ad.AutoFiniteDiff()], scenarios)


def test_csv_has_a_header_and_a_line_per_row(tmp_path: Path) -> None:
    rows = [BenchmarkRow("B()", "s", "gradient", False, 3, 2e-6, 1e-6, 7, None),
            BenchmarkRow("B()", "s", "gradient", True, 3, 1e-6, 5e-7, 7, 4e-5)]
    BenchmarkResult(rows).to_csv(tmp_path / "out.csv")
    with open(tmp_path / "out.csv", newline="") as stream:
        lines = list(csv.reader(stream))
    assert lines[0] == ["backend", "scenario", "operator", "prepared", "calls", "median", "min",
                        "samples", "prep_time"]
    assert lines[1] == ["B()", "s", "gradient", "False", "3", "2e-06", "1e-06", "7", ""]
    assert lines[2][-1] == "4e-05"
    assert "gradient" in str(BenchmarkResult(rows)).splitlines()[1]


def test_to_dataframe() -> None:
    pytest.importorskip("pandas")
    rows = [BenchmarkRow("B()", "s", "gradient", True, 3, 1e-6, 5e-7, 7, 4e-5)]
    df = BenchmarkResult(rows).to_dataframe()
    assert list(df.columns) == ["backend", "scenario", "operator", "prepared", "calls", "median",
                                "min", "samples", "prep_time"]
    assert df.loc[0, "median"] == 1e-6 and bool(df.loc[0, "prepared"])


def test_to_dataframe_without_pandas_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install pandas"):
        BenchmarkResult().to_dataframe()


def test_measure_warms_up_calibrates_and_synchronizes() -> None:
    calls, synced = [], []
    timing = measure(lambda: calls.append(1) or len(calls), sync=synced.append, min_time=1e-3,
                     samples=5)
    assert timing.samples == 5 and timing.loops > 1 and 0 < timing.min <= timing.median
    assert synced == list(range(1, len(calls) + 1))  # every result, in order
    assert len(calls) > 1 + 5 * timing.loops  # the warm-up and the calibration come first


def test_wrapping_backends_synchronize_through_the_backends_they_wrap() -> None:
    from adcore.extend import ForwardFromPrimitive

    inner, outer = Syncing([]), Syncing([])
    assert ad.AutoFiniteDiff().synchronize("result") == "result"  # the default does nothing
    assert ad.SecondOrder(outer, inner).synchronize("r") == "r"
    assert ForwardFromPrimitive(inner).synchronize("s") == "s"
    assert inner.synced == ["r", "s"] and outer.synced == ["r"]
