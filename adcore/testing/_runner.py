"""Three ways into the checks: ``check_differentiation``, ``check_backend``,
``parametrize_with_checks`` (and the pytest plugin built on it)."""

from __future__ import annotations

import importlib.util
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import _timings
from ._calls import SPECS
from ._checks import CHECKS
from ._compare import CheckFailure, SkipCheck
from ._counts import CallCount, count_calls
from ._expected import ExpectedFailures, merged
from ._scenario import Scenario

__all__ = ["BoundCheck", "CallCount", "CheckResult", "Report", "check_backend", "check_differentiation",
           "generate_checks", "levels", "nesting_note", "parametrize_with_checks", "planned"]


@dataclass(frozen=True)
class BoundCheck:
    """One check bound to a backend, a scenario and an array family; call it to run it."""

    check: Callable[..., Any]
    backend: Any
    scenario: Scenario
    family: str

    @property
    def name(self) -> str:
        return self.check.__name__

    @property
    def id(self) -> str:
        suffix = "" if self.family == "numpy" else f"-{self.family}"
        return f"{self.name}[{self.scenario.id}{suffix}]"

    def __call__(self) -> Any:
        with warnings.catch_warnings():
            # AutoFiniteDiff's warning that its differences are lost in rounding also comes at
            # points that the suite draws near an extremum (in float32), where the result is
            # still within the tolerance: the checks hold a backend to numbers, not warnings.
            warnings.filterwarnings("ignore", message=".*finite differences are lost in rounding",
                                    category=RuntimeWarning)
            return self.check(self.backend, self.scenario, self.family)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one bound check: ``status`` is passed, failed, skipped,
    xfailed (an expected failure that failed) or xpassed (one that passed)."""

    check: str
    backend: str
    scenario: str
    operator: str
    family: str
    status: str
    message: str = ""


@dataclass
class Report:
    """What ``check_differentiation`` found; ``bool(report)`` is True when nothing failed."""

    results: list[CheckResult] = field(default_factory=list)
    #: With ``call_count=True``: the calls to ``f`` per backend and scenario.
    calls: list[CallCount] = field(default_factory=list)
    #: What the suite did otherwise than asked: second order of a backend that declares
    #: ``nested=False``, run through ``SecondOrder(AutoFiniteDiff(), backend)``.
    notes: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[CheckResult]:
        """Failed checks, and expected failures that passed."""
        return [r for r in self.results if r.status in ("failed", "xpassed")]

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    def __bool__(self) -> bool:
        return not self.failures

    def __str__(self) -> str:
        counts = ", ".join(
            f"{self.count(s)} {s}" for s in ("passed", "failed", "skipped", "xfailed", "xpassed")
            if self.count(s)
        )
        lines = [f"adcore conformance: {counts or 'no checks'}", *self.notes]
        for r in self.failures:
            lines.append(f"{r.status.upper()} {r.check} | {r.backend} | {r.scenario} | {r.message}")
        if self.calls:
            lines.append("calls to f (prepare / call / value_and_* call):")
            lines.extend(f"  {c.backend} | {c.scenario}: {c.prepare} / {c.call} / {c.value_call}"
                         for c in self.calls)
        return "\n".join(lines)


def _families(backend: Any) -> list[str]:
    """The array families the backend declares whose library is installed here."""
    return [f for f in sorted(backend.array_families)
            if f == "numpy" or importlib.util.find_spec(f) is not None]


def generate_checks(
    backends: Iterable[Any], scenarios: Sequence[Scenario] | None = None,
    checks: Iterable[Callable[..., Any]] | None = None,
) -> Iterator[BoundCheck]:
    """Every check on every backend, scenario and installed array family. The second-order
    scenarios of a backend that declares ``nested=False`` run on
    ``SecondOrder(AutoFiniteDiff(), backend)`` (see ``levels``)."""
    if scenarios is None:
        from ._scenarios import all_scenarios

        scenarios = all_scenarios()
    checks = tuple(checks or CHECKS)
    for backend in backends:
        for runs_on, some in levels(backend, scenarios):
            for family in _families(runs_on):
                for scenario in some:
                    for check in checks:
                        if getattr(check, "applies", lambda b, s: True)(runs_on, scenario):
                            yield BoundCheck(check, runs_on, scenario, family)


def levels(backend: Any, scenarios: Sequence[Scenario]) -> list[tuple[Any, list[Scenario]]]:
    """The backends the scenarios run on: ``backend``, or for the second-order scenarios of
    one that cannot differentiate its own results, finite differences over it."""
    if backend.nested:
        return [(backend, list(scenarios))]
    second = [s for s in scenarios if SPECS[s.operator].second_order]
    first = [s for s in scenarios if not SPECS[s.operator].second_order]
    return [(backend, first), (_over_finite_differences(backend), second)]


def _over_finite_differences(backend: Any) -> Any:
    import adcore as ad

    return ad.SecondOrder(ad.AutoFiniteDiff(), backend)


def nesting_note(backend: Any, tense: str = "ran") -> str | None:
    """What the report says of a backend whose second order runs through another."""
    if backend.nested:
        return None
    return (f"{backend!r} declares nested=False: its second order {tense} as "
            f"{_over_finite_differences(backend)!r}")


def planned(
    backends: Iterable[Any], scenarios: Sequence[Scenario] | None,
    checks: Iterable[Callable[..., Any]] | None, expected: Mapping[str, str] | None,
) -> Iterator[tuple[BoundCheck, str | None]]:
    """Each bound check, with the reason it is expected to fail (None where it is not): from
    ``expected`` and the backend's own ``expected_failures``, validated first."""
    checks = tuple(checks or CHECKS)
    names = [c.__name__ for c in (*CHECKS, *checks)]
    for backend in backends:
        failures = ExpectedFailures(merged(backend, expected), names, scenarios or ())
        for bound in generate_checks([backend], scenarios, checks):
            yield bound, failures.reason(bound.name, bound.scenario)


def _run(bound: BoundCheck, reason: str | None) -> CheckResult:
    try:
        bound()
    except SkipCheck as e:
        status, message = "skipped", str(e)
    except Exception as e:  # a backend that crashes fails the check, with the error
        message = str(e) if isinstance(e, CheckFailure) else f"{type(e).__name__}: {e}"
        status = "failed" if reason is None else "xfailed"
    else:
        status = "passed" if reason is None else "xpassed"
        message = "" if reason is None else f"expected to fail ({reason}) but passed"
    return CheckResult(bound.name, repr(bound.backend), bound.scenario.id, bound.scenario.operator,
                       bound.family, status, message)


def check_differentiation(
    backends: Iterable[Any], scenarios: Sequence[Scenario] | None = None, *,
    correctness: bool = True, call_count: bool = False,
    checks: Iterable[Callable[..., Any]] | None = None,
    expected_failed_checks: Mapping[str, str] | None = None,
) -> Report:
    """check_differentiation(backends, scenarios=None, *, correctness=True, call_count=False,
    checks=None, expected_failed_checks=None) -> Report

    Run the checks on each backend and scenario (all scenario families but the
    sparse one when None) and report every result; failures name the backend,
    scenario, operator, variant and the numbers that differ. With
    ``call_count=True`` the report also counts the calls to ``f`` that each
    operator and its preparation make.

    >>> import numpy as np, adcore as ad
    >>> from adcore.testing import Scenario, check_differentiation
    >>> def f(x):
    ...     xp = ad.array_namespace(x)
    ...     return xp.sum(xp.sin(x))
    >>> x = np.array([0.0, 1.0])
    >>> report = check_differentiation([ad.AutoFiniteDiff()],
    ...                                [Scenario("gradient", f, x, res1=np.cos(x))], call_count=True)
    >>> bool(report), report.calls[0].call
    (True, 5)
    """
    backends = list(backends)
    if scenarios is None:
        from ._scenarios import all_scenarios

        scenarios = all_scenarios()
    report = Report()
    if correctness:
        for bound, reason in planned(backends, scenarios, checks, expected_failed_checks):
            report.results.append(_run(bound, reason))
        report.notes.extend(n for n in map(nesting_note, backends) if n)
    if call_count:
        for backend in backends:
            report.calls.extend(count_calls(backend, s) for s in scenarios
                                if not (s.inplace and not backend.inplace)
                                and not (s.contexts and not backend.contexts))
    return report


def check_backend(
    backend: Any, *, scenarios: Sequence[Scenario] | None = None,
    expected_failed_checks: Mapping[str, str] | None = None,
) -> Report:
    """check_backend(backend, *, scenarios=None, expected_failed_checks=None) -> Report

    The whole suite on one backend; raise ``AssertionError`` with the report if
    any check fails (or an expected failure passes).
    """
    report = check_differentiation([backend], scenarios, expected_failed_checks=expected_failed_checks)
    if not report:
        raise AssertionError(str(report))
    return report


def parametrize_with_checks(
    backends: Iterable[Any], *, scenarios: Sequence[Scenario] | None = None,
    expected_failed_checks: Mapping[str, str] | None = None,
) -> Any:
    """parametrize_with_checks(backends, *, scenarios=None, expected_failed_checks=None)

    A pytest decorator giving a test function the arguments ``backend`` and
    ``check``, one test per backend, check, scenario and array family; the test
    body is ``check()``. The checks that ``expected_failed_checks`` or the backend's
    ``expected_failures`` name (``{"check_name": why}`` or
    ``{"check_name[tag]": why}``) are strict expected failures, so one that passes
    is reported; an unknown check or tag raises ``UnknownExpectedFailureError``.
    """
    import pytest

    params = []
    for bound, reason in planned(list(backends), scenarios, None, expected_failed_checks):
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(bound.backend, _PytestCheck(bound), id=f"{bound.backend!r}-{bound.id}",
                                   marks=marks))
    return pytest.mark.parametrize("backend, check", params)


class _PytestCheck:
    """A bound check that turns ``SkipCheck`` into a pytest skip."""

    def __init__(self, bound: BoundCheck) -> None:
        self.bound = bound

    def __repr__(self) -> str:
        return self.bound.id

    def __call__(self) -> Any:
        import pytest

        start = time.perf_counter()
        try:
            return self.bound()
        except SkipCheck as e:
            pytest.skip(str(e))
        finally:
            _timings.record(repr(self.bound.backend), time.perf_counter() - start)
