"""Deliberately broken backends: the conformance suite catches each one with a named check
and a message that says what is wrong, and passes a correct thin backend.

Each backend is AutoFiniteDiff's pushforward with one bug, the core deriving every
other operator from it; the bugs are those that backends have had or could have:
wrong numbers, mutated inputs, state kept from one call to the next, results that
share memory, strides read as if ``x`` were C-contiguous, a native Jacobian transposed.
``out=`` and refusing what a backend declares unsupported are the core's work, not the
backend's, so those two are broken in the operator the suite calls instead.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pytest

import adcore as ad
from adcore.extend import AbstractBackend, AbstractJacobian, AbstractPushforward
from adcore.testing import (
    Scenario,
    _calls,
    all_scenarios,
    check_differentiation,
    check_not_supported,
    context_scenarios,
    default_scenarios,
    layout_scenarios,
)

FD = ad.AutoFiniteDiff()


class Edited(AbstractPushforward):
    """AutoFiniteDiff's pushforward, each call going through ``backend.call``."""

    def __init__(self, backend: Any, inner: AbstractPushforward, f: Any, contexts: Any) -> None:
        self.backend, self.inner, self.f = backend, inner, f
        self.state: dict[str, Any] = {"prepared": tuple(np.copy(c.value) for c in contexts)}

    def value_and_pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
        return self.backend.call(self, x, tx, contexts, y)


@dataclass(frozen=True)
class AutoThin(AbstractBackend):
    """The correct thin backend: AutoFiniteDiff's pushforward, unchanged."""

    modes: ClassVar[frozenset[str]] = frozenset({"forward"})
    inplace: ClassVar[bool] = True
    batched_tangents: ClassVar[bool] = True

    def prepare_pushforward(self, f: Any, x: Any, tx: Any, contexts: Any, *, y: Any = None,
                            same_point: bool = False) -> AbstractPushforward:
        inner = FD.prepare_pushforward(f, x, tx, contexts, y=y, same_point=same_point)
        return Edited(self, inner, f, contexts)

    def call(self, ex: Edited, x: Any, tx: Any, contexts: Any, y: Any) -> Any:
        return ex.inner.value_and_pushforward(x, tx, contexts, y)


# --- wrong numbers and mutated inputs


@dataclass(frozen=True)
class AutoFlippedSign(AutoThin):
    def call(self, ex: Edited, x: Any, tx: Any, contexts: Any, y: Any) -> Any:
        value, ty = ex.inner.value_and_pushforward(x, tx, contexts, y)
        return value, tuple(-t for t in ty)


@dataclass(frozen=True)
class AutoReversedBatch(AutoThin):
    def call(self, ex: Edited, x: Any, tx: Any, contexts: Any, y: Any) -> Any:
        value, ty = ex.inner.value_and_pushforward(x, tx, contexts, y)
        return value, ty[::-1]


@dataclass(frozen=True)
class AutoAlwaysFloat64(AutoThin):
    def call(self, ex: Edited, x: Any, tx: Any, contexts: Any, y: Any) -> Any:
        value, ty = ex.inner.value_and_pushforward(x, tx, contexts, y)
        return value, tuple(np.asarray(t, dtype=np.float64) for t in ty)


@dataclass(frozen=True)
class AutoMutatesX(AutoThin):
    def call(self, ex: Edited, x: Any, tx: Any, contexts: Any, y: Any) -> Any:
        result = ex.inner.value_and_pushforward(x, tx, contexts, y)
        if isinstance(x, np.ndarray):
            x[...] = 0.0
        return result


# --- state kept from one call to the next


@dataclass(frozen=True)
class AutoConstantsOfPreparation(AutoThin):
    """Uses the Constant values seen at preparation, whatever the call passes."""

    def call(self, ex: Edited, x: Any, tx: Any, contexts: Any, y: Any) -> Any:
        return ex.inner.value_and_pushforward(x, tx, ex.state["prepared"], y)


@dataclass(frozen=True)
class AutoConstantsOfFirstCall(AutoThin):
    """Keeps the Constant values of its first call."""

    def call(self, ex: Edited, x: Any, tx: Any, contexts: Any, y: Any) -> Any:
        kept = ex.state.setdefault("first", tuple(np.copy(c) for c in contexts))
        return ex.inner.value_and_pushforward(x, tx, kept, y)


@dataclass(frozen=True)
class AutoValueOfFirstCall(AutoThin):
    """Keeps f(x) of its first call, as a cache keyed on nothing would."""

    def call(self, ex: Edited, x: Any, tx: Any, contexts: Any, y: Any) -> Any:
        value, ty = ex.inner.value_and_pushforward(x, tx, contexts, y)
        return np.copy(ex.state.setdefault("value", value)), ty


@dataclass(frozen=True)
class AutoResultsInOneBuffer(AutoThin):
    """Writes its results into buffers of its own, the same at every call."""

    def call(self, ex: Edited, x: Any, tx: Any, contexts: Any, y: Any) -> Any:
        value, ty = ex.inner.value_and_pushforward(x, tx, contexts, y)
        buffers = ex.state.setdefault("buffers", [np.empty_like(t) for t in ty])
        for b, t in zip(buffers, ty):
            b[...] = t
        return value, tuple(buffers)


# --- memory: results that share it, strides read wrong


@dataclass(frozen=True)
class AutoValueIsFOfX(AutoThin):
    """Returns ``f(x)`` as ``f`` gives it: ``x`` itself, or a view of it, for some ``f``."""

    def call(self, ex: Edited, x: Any, tx: Any, contexts: Any, y: Any) -> Any:
        value, ty = ex.inner.value_and_pushforward(x, tx, contexts, y)
        return (value if y is not None else ex.f(x, *contexts)), ty


@dataclass(frozen=True)
class AutoReturnsTangents(AutoThin):
    """Returns the caller's tangent itself where ``J t == t`` (a shortcut for the identity)."""

    def call(self, ex: Edited, x: Any, tx: Any, contexts: Any, y: Any) -> Any:
        value, ty = ex.inner.value_and_pushforward(x, tx, contexts, y)
        return value, tuple(t if np.shape(r) == np.shape(t) and np.allclose(r, t) else r
                            for r, t in zip(ty, tx))


def read_as_c_contiguous(x: Any) -> Any:
    """The ``x.size`` numbers in memory from the lowest address of ``x``, in C order: what
    code that ignores strides reads (a Fortran x transposed, the gaps of a strided one)."""
    if not isinstance(x, np.ndarray) or x.flags.c_contiguous:
        return x
    root = x
    while isinstance(root.base, np.ndarray):
        root = root.base
    flat = root.reshape(-1, order="A")  # in memory order, a view
    low = min(x.__array_interface__["data"][0] + sum(
        s * (n - 1) for s, n in zip(x.strides, x.shape) if s < 0), x.__array_interface__["data"][0])
    start = (low - flat.__array_interface__["data"][0]) // x.itemsize
    return flat[start:start + x.size].reshape(x.shape).copy()


@dataclass(frozen=True)
class AutoReadsCContiguous(AutoThin):
    def call(self, ex: Edited, x: Any, tx: Any, contexts: Any, y: Any) -> Any:
        return ex.inner.value_and_pushforward(read_as_c_contiguous(x), tx, contexts, y)


class TransposedJacobian(AbstractJacobian):
    def __init__(self, inner: AbstractJacobian) -> None:
        self.inner = inner

    def value_and_jacobian(self, x: Any, contexts: Any, y: Any = None) -> Any:
        value, jac = self.inner.value_and_jacobian(x, contexts, y)
        return value, jac.T.copy()


@dataclass(frozen=True)
class AutoTransposedJacobian(AutoThin):
    """A native Jacobian, transposed."""

    native: ClassVar[frozenset[str]] = frozenset({"jacobian"})

    def prepare_jacobian(self, f: Any, x: Any, contexts: Any, *, y: Any = None) -> AbstractJacobian:
        return TransposedJacobian(FD.prepare_jacobian(f, x, contexts, y=y))


# --- each is caught by its check


def first_order(scenarios: list[Scenario]) -> list[Scenario]:
    return [s for s in scenarios if s.operator in ("derivative", "gradient", "jacobian",
                                                   "pushforward", "pullback")]


def constants() -> list[Scenario]:
    return first_order([s for s in context_scenarios() if s.tags == ("context", "constant")])


def arrays() -> list[Scenario]:
    return [s for s in default_scenarios() if isinstance(s.x, np.ndarray) and s.x.ndim]


def strided() -> list[Scenario]:
    return first_order([s for s in layout_scenarios()
                        if any(t.startswith("layout:") for t in s.tags)])


def non_square_jacobians() -> list[Scenario]:
    return [s for s in all_scenarios()
            if s.operator == "jacobian" and np.shape(s.res1)[0] != np.shape(s.res1)[1]]


def views() -> list[Scenario]:
    return [s for s in layout_scenarios() if "views" in s.tags
            and s.f.__name__ in ("identity", "head") and s.operator != "pushforward"]


CAUGHT: list[tuple[Any, str, Callable[[], list[Scenario]], str]] = [
    (AutoFlippedSign(), "check_reference", default_scenarios,
     r"values differ .*got np\.float64\(-?[\d.]+\), expected np\.float64\(-?[\d.]+\)"),
    (AutoTransposedJacobian(), "check_reference", non_square_jacobians,
     r"jacobian \(plain\): res1: expected shape \((\d+), (\d+)\), got shape \(\2, \1\)"),
    (AutoTransposedJacobian(), "check_result_type", non_square_jacobians, r"expected shape"),
    (AutoReversedBatch(), "check_batch",
     lambda: [s for s in default_scenarios() if s.operator == "pushforward"],
     r"\(batch of \d+ vs one at a time\)\[0\]: .* values differ"),
    (AutoAlwaysFloat64(), "check_result_type",
     lambda: [s for s in all_scenarios() if "float32" in s.tags],
     r"expected dtype float32 \(that of x\), got float64"),
    (AutoMutatesX(), "check_no_mutation", arrays, r"^\w+: x was mutated$"),
    (AutoConstantsOfPreparation(), "check_state", constants,
     r"prepared, call 1 of 3 at a new x, tangents and Constants\): [\w\[\]]+: .* values differ "
     r".*; a prepared call must use its own"),
    (AutoConstantsOfFirstCall(), "check_state", constants,
     r"prepared, call 2 of 3 at a new x, tangents and Constants\): [\w\[\]]+: .* values differ "
     r".*; a prepared call must use its own"),
    (AutoValueOfFirstCall(), "check_state", lambda: first_order(arrays()),
     r"call 2 of 3 at a new x, tangents and Constants\): value: .* values differ"),
    (AutoResultsInOneBuffer(), "check_state",
     lambda: [s for s in arrays() if s.operator == "pushforward"],
     r"^a later call changed an earlier result: pushforward \(plain, prepared, call 1 of 3"),
    (AutoResultsInOneBuffer(), "check_ownership",
     lambda: [s for s in arrays() if s.operator == "pushforward"],
     r"^pushforward \(\w+, prepared again\): res1\[0\] shares memory with pushforward \(\w+, "
     r"prepared\): res1\[0\]"),
    (AutoValueIsFOfX(), "check_ownership", views,
     r"^\w+ \(value, unprepared\): value shares memory with x; a result must be the caller's"),
    (AutoReturnsTangents(), "check_ownership",
     lambda: [s for s in layout_scenarios() if s.id == "pushforward-vector-vector-identity"],
     r"^pushforward \(plain, unprepared\): res1\[0\] shares memory with tangent\[0\]"),
    (AutoReadsCContiguous(), "check_reference", strided, r"values differ|expected shape"),
]


@pytest.mark.parametrize(("backend", "check", "scenarios", "message"), CAUGHT,
                         ids=[f"{type(b).__name__}-{c}" for b, c, _, _ in CAUGHT])
def test_the_check_catches_the_broken_backend(backend: Any, check: str,
                                              scenarios: Callable[[], list[Scenario]],
                                              message: str) -> None:
    from adcore.testing import CHECKS

    (named,) = [c for c in CHECKS if c.__name__ == check]
    chosen = scenarios()
    assert chosen
    report = check_differentiation([backend], chosen, checks=[named])
    statuses = {r.scenario: r.status for r in report.results}
    assert set(statuses.values()) == {"failed"}, statuses
    for r in report.results:
        assert re.search(message, r.message), r.message
    assert f"FAILED {check} | {backend!r} | " in str(report)
    # and the same check passes the correct thin backend on the same scenarios
    assert check_differentiation([AutoThin()], chosen, checks=[named]), check


def test_a_correct_thin_backend_passes_the_whole_suite() -> None:
    report = check_differentiation([AutoThin()], all_scenarios())
    assert report, str(report)
    assert {r.check for r in report.results} >= {"check_state", "check_ownership"}


def test_reading_as_c_contiguous_reads_what_strides_hide() -> None:
    x = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(read_as_c_contiguous(np.asfortranarray(x)), x.T.ravel().reshape(2, 3))
    assert np.array_equal(read_as_c_contiguous(x[::-1, ::-1]), x)
    wide = np.arange(12.0).reshape(2, 6)
    assert np.array_equal(read_as_c_contiguous(wide[:, ::2]), np.arange(6.0).reshape(2, 3))


# --- the core's part broken: out= ignored, numbers for what a backend declares unsupported


@dataclass(frozen=True)
class AutoNoInplace(AutoThin):
    inplace: ClassVar[bool] = False


def _patch_operators(monkeypatch: pytest.MonkeyPatch,
                     wrap: Callable[[Callable[..., Any], bool], Callable[..., Any]]) -> None:
    """Replace every operator the suite calls by ``wrap(operator, with_value)``."""
    for name, spec in _calls.SPECS.items():
        monkeypatch.setitem(_calls.SPECS, name, dataclasses.replace(
            spec, plain=wrap(spec.plain, False), with_value=wrap(spec.with_value, True)))


def _fails_on(backend: Any, check: str, scenarios: list[Scenario], message: str) -> None:
    report = check_differentiation([backend], scenarios)
    results = [r for r in report.results if r.check == check]
    assert results, f"{check} did not run on these scenarios"
    assert {r.status for r in results} == {"failed"}, [(r.scenario, r.status) for r in results]
    assert all(re.search(message, r.message) for r in results), results[0].message
    assert f"FAILED {check} | {backend!r} | " in str(report)


@pytest.mark.parametrize("bug", ["returns a new array", "leaves out unfilled"])
def test_an_operator_ignoring_out_fails_check_out(monkeypatch: pytest.MonkeyPatch, bug: str) -> None:
    def wrap(op: Callable[..., Any], with_value: bool) -> Callable[..., Any]:
        def ignoring_out(*args: Any, out: Any = None, **kwargs: Any) -> Any:
            result = op(*args, **kwargs)
            if out is None or bug == "returns a new array":
                return result
            return (result[0], out) if with_value else out

        return ignoring_out

    _patch_operators(monkeypatch, wrap)
    gradients = [s for s in default_scenarios() if s.operator == "gradient"]
    message = "returned new objects" if bug == "returns a new array" else r"out=\): res1: .* values differ"
    _fails_on(FD, "check_out", gradients, message)


def test_numbers_for_what_is_declared_unsupported_fail_check_not_supported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The core refuses in-place functions for AutoNoInplace: make it forget to.
    def wrap(op: Callable[..., Any], with_value: bool) -> Callable[..., Any]:
        return lambda f, backend, *args, **kwargs: op(f, FD, *args, **kwargs)

    inplace = [s for s in all_scenarios() if s.inplace]
    assert check_differentiation([AutoNoInplace()], inplace, checks=[check_not_supported])
    _patch_operators(monkeypatch, wrap)
    _fails_on(AutoNoInplace(), "check_not_supported", inplace,
              r"returned numbers for what AutoNoInplace\(\) declares unsupported")


def test_what_a_backend_declares_unsupported_is_skipped_with_the_reason() -> None:
    report = check_differentiation([AutoNoInplace()], [s for s in all_scenarios() if s.inplace])
    skipped = [r for r in report.results if r.status == "skipped"]
    assert skipped and report
    assert {r.message for r in skipped} == {"AutoNoInplace() declares no support for in-place functions"}
    assert {r.status for r in report.results if r.check == "check_not_supported"} == {"passed"}
