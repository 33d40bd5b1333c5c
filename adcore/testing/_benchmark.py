"""Benchmarking backends: ``benchmark_differentiation`` and the rows it returns."""

from __future__ import annotations

import csv
import dataclasses
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._core.timing import format_seconds, measure
from ..errors import ArgumentError, MissingDependencyError, NotSupportedError
from ._calls import SPECS, OperatorSpec, inputs_for
from ._counts import _Counting
from ._scenario import Scenario

__all__ = ["OPERATOR_NAMES", "BenchmarkResult", "BenchmarkRow", "benchmark_differentiation",
           "benchmark_scenarios", "unknown_operators"]


@dataclass(frozen=True)
class BenchmarkRow:
    """One operator on one backend and scenario, prepared or not.

    ``calls``: calls to ``f`` in one call of the operator (for an unprepared
    call, its preparation's included); ``median``, ``min``: seconds per call
    over ``samples`` samples; ``prep_time``: seconds of the one ``prepare_*``
    call, for prepared rows (None for unprepared ones).
    """

    backend: str
    scenario: str
    operator: str
    prepared: bool
    calls: int
    median: float
    min: float
    samples: int
    prep_time: float | None


#: The columns of ``to_csv`` and ``to_dataframe``, in order.
COLUMNS = tuple(f.name for f in dataclasses.fields(BenchmarkRow))


@dataclass
class BenchmarkResult:
    """What ``benchmark_differentiation`` measured: ``rows``, and what it ``skipped``
    (``(backend, scenario, operator, reason)``: what a backend declares it cannot do)."""

    rows: list[BenchmarkRow] = field(default_factory=list)
    skipped: list[tuple[str, str, str, str]] = field(default_factory=list)

    def __iter__(self) -> Iterator[BenchmarkRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def to_dataframe(self) -> Any:
        """to_dataframe() -> pandas.DataFrame: one row per ``BenchmarkRow``, its fields as columns."""
        try:
            import pandas as pd
        except ImportError as e:
            raise MissingDependencyError(
                "BenchmarkResult.to_dataframe() needs pandas, which is not installed. "
                "Install it with `pip install pandas` (or `pip install \"adcore[bench]\"`), "
                "or use .to_csv(path) or .rows."
            ) from e
        return pd.DataFrame([dataclasses.astuple(r) for r in self.rows], columns=list(COLUMNS))

    def to_csv(self, path: str | Path) -> None:
        """to_csv(path) -> None: write the rows to ``path``, a header line of the field names first."""
        with open(path, "w", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(COLUMNS)
            for r in self.rows:
                writer.writerow(["" if v is None else v for v in dataclasses.astuple(r)])

    def __str__(self) -> str:
        lines = [f"{'backend':24} {'scenario':20} {'operator':22} {'prepared':>8} "
                 f"{'calls':>6} {'median':>10} {'min':>10} {'prep':>10}"]
        for r in self.rows:
            prep = "" if r.prep_time is None else format_seconds(r.prep_time)
            lines.append(f"{r.backend:24} {r.scenario:20} {r.operator:22} {r.prepared!s:>8} "
                         f"{r.calls:>6} {format_seconds(r.median):>10} {format_seconds(r.min):>10} "
                         f"{prep:>10}")
        return "\n".join(lines)


def benchmark_differentiation(
    backends: Iterable[Any], scenarios: Sequence[Scenario] | None = None, *,
    operators: Iterable[str] | None = None, min_time: float = 0.05, samples: int = 7,
) -> BenchmarkResult:
    """benchmark_differentiation(backends, scenarios=None, *, operators=None, min_time=0.05,
    samples=7) -> BenchmarkResult

    Time each backend on each scenario's operator, unprepared and prepared, and
    count the calls to ``f``: one ``BenchmarkRow`` per backend, scenario,
    operator and preparation. A timing is a warm-up call, then ``samples``
    samples of a loop calibrated to last ``min_time`` seconds, each result
    synchronized with ``backend.synchronize`` (``block_until_ready`` and the
    like); the row keeps the median and minimum seconds per call.

    Args:
        backends: the backends to compare.
        scenarios: ``Scenario`` objects (references are not needed); by default
            ``benchmark_scenarios()``, one per operator. Inputs are used as the
            scenario holds them: numpy arrays give numpy calls.
        operators: the functions to time, by name: a base operator
            (``"gradient"``) or its variant with the value
            (``"value_and_gradient"``); by default each scenario's base operator.
        min_time: the least seconds one sample lasts.
        samples: samples per timing.

    Returns:
        A ``BenchmarkResult``: its ``rows``, ``.to_dataframe()``, ``.to_csv(path)``.

    >>> import numpy as np, adcore as ad
    >>> from adcore.testing import Scenario, benchmark_differentiation
    >>> scenario = Scenario("gradient", lambda x: (x ** 2).sum(), np.ones(3), name="sumsq")
    >>> result = benchmark_differentiation([ad.AutoFiniteDiff()], [scenario], min_time=1e-4)
    >>> [(r.operator, r.prepared, r.calls) for r in result]
    [('gradient', False, 7), ('gradient', True, 7)]
    """
    scenarios = benchmark_scenarios() if scenarios is None else list(scenarios)
    chosen = _chosen_operators(operators)
    result = BenchmarkResult()
    for backend in backends:
        for scenario in scenarios:
            spec = SPECS[scenario.operator]
            for name, variant in _variants(spec, chosen):
                reason = _unsupported(backend, scenario)
                if reason is None:
                    try:
                        result.rows += _bench_one(backend, scenario, spec, name, variant,
                                                  min_time, samples)
                        continue
                    except NotSupportedError as e:
                        reason = str(e)
                result.skipped.append((repr(backend), scenario.id, name, reason))
    return result


#: The functions ``operators=`` may name, each with its operator family, a base operator
#: first and its variant with the value after it.
OPERATOR_NAMES = {
    name: family
    for family, spec in SPECS.items()
    for name in (spec.plain.__name__, spec.with_value.__name__)
}


def unknown_operators(operators: Iterable[str]) -> str | None:
    """What to say about the names in ``operators`` that name no operator, if any."""
    unknown = [op for op in operators if op not in OPERATOR_NAMES]
    if not unknown:
        return None
    return (f"unknown operator {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(OPERATOR_NAMES)}")


def _chosen_operators(operators: Iterable[str] | None) -> set[str] | None:
    if operators is None:
        return None
    chosen = set(operators)
    problem = unknown_operators(sorted(chosen))
    if problem:
        raise ArgumentError(f"benchmark_differentiation: {problem}")
    return chosen


def _variants(spec: OperatorSpec, chosen: set[str] | None) -> list[tuple[str, str]]:
    """The (function name, variant) pairs to time for one operator family."""
    pairs = [(spec.plain.__name__, "plain"), (spec.with_value.__name__, "value")]
    if chosen is None:
        return pairs[:1]
    return [(name, variant) for name, variant in pairs if name in chosen]


def _unsupported(backend: Any, scenario: Scenario) -> str | None:
    if scenario.inplace and not backend.inplace:
        return f"{backend!r} does not support in-place functions"
    if scenario.contexts and not backend.contexts:
        return f"{backend!r} does not support contexts"
    return None


def _bench_one(backend: Any, scenario: Scenario, spec: OperatorSpec, name: str, variant: str,
               min_time: float, samples: int) -> list[BenchmarkRow]:
    # Count on a wrapped f first, with its own preparation: a backend that traces or
    # compiles f would otherwise see two functions in the timed calls.
    counting = _Counting(scenario.f)
    counted = inputs_for(dataclasses.replace(scenario, f=counting), "numpy")
    spec.call(variant, counted, backend)
    calls_unprepared = counting.take()
    prep = spec.prepare_for(counted, backend)
    counting.take()
    spec.call(variant, counted, backend, prep=prep)
    calls_prepared = counting.take()

    s = inputs_for(scenario, "numpy")
    sync = backend.synchronize
    unprepared = measure(lambda: spec.call(variant, s, backend), sync=sync, min_time=min_time,
                         samples=samples)
    start = time.perf_counter()
    prep = spec.prepare_for(s, backend)
    prep_time = time.perf_counter() - start
    prepared = measure(lambda: spec.call(variant, s, backend, prep=prep), sync=sync,
                       min_time=min_time, samples=samples)

    def row(prepared_: bool, calls: int, timing: Any, prep_s: float | None) -> BenchmarkRow:
        return BenchmarkRow(repr(backend), scenario.id, name, prepared_, calls, timing.median,
                            timing.min, timing.samples, prep_s)

    return [row(False, calls_unprepared, unprepared, None),
            row(True, calls_prepared, prepared, prep_time)]


# --- the default scenarios


def benchmark_scenarios(n: int = 32) -> list[Scenario]:
    """benchmark_scenarios(n=32) -> list[Scenario]: one scenario per operator, for benchmarks.

    Arrays ``x`` hold ``n`` values (functions of a scalar: ``trig``, three
    outputs); first-order operators differentiate ``shiftprod``
    (``sin(x[:-1]) * x[1:]``, a bidiagonal Jacobian), second-order ones the
    Rosenbrock function. References are included, so the same scenarios also
    serve ``check_differentiation``.
    """
    from ._scenarios import _functions as F
    from ._scenarios._build import scenario
    from ._scenarios._second_order import ROSENBROCK

    x = np.linspace(-1.0, 1.5, n)
    tx = (np.cos(np.arange(n)),)
    ty = (np.sin(np.arange(n - 1) + 1.0),)
    tags = ("benchmark",)

    def s(operator: str, fn: Any, x: Any, tangents: Any = None) -> Scenario:
        name = fn.name if isinstance(x, float) else f"{fn.name}-{n}"
        built = scenario(operator, fn, x, tangents=tangents, tags=tags)
        return dataclasses.replace(built, name=name)

    return [
        s("derivative", F.TRIG, 0.7),
        s("second_derivative", F.TRIG, 0.7),
        s("gradient", ROSENBROCK, x),
        s("jacobian", F.SHIFTPROD, x),
        s("hessian", ROSENBROCK, x),
        s("pushforward", F.SHIFTPROD, x, tx),
        s("pullback", F.SHIFTPROD, x, ty),
        s("hvp", ROSENBROCK, x, tx),
    ]
