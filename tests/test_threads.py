"""Backends that are not thread-safe are serialized (adcore/_core/threads.py), and the suite's
check_thread_safety (adcore/testing/_checks_threads.py) holds a backend to its declaration."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

import adcore as ad
from adcore._core.threads import ENGINE_LOCK, Serialized
from adcore.extend import AbstractBackend, AbstractPushforward
from adcore.testing import check_differentiation, check_thread_safety, default_scenarios


class SharedState(AbstractPushforward):
    """A pushforward over an engine with one global scratch buffer, as some engines keep:
    two threads inside at once overwrite each other's numbers."""

    scratch: ClassVar[dict[str, Any]] = {}

    def __init__(self, right: AbstractPushforward) -> None:
        self.right = right

    def value_and_pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
        value, ty = self.right.value_and_pushforward(x, tx, contexts, y)
        SharedState.scratch["ty"] = ty
        time.sleep(0.002)  # another thread's write lands here
        return value, SharedState.scratch["ty"]


@dataclass(frozen=True)
class AutoShared(AbstractBackend):
    name: ClassVar[str] = "shared"
    modes: ClassVar[frozenset[str]] = frozenset({"forward"})
    inplace: ClassVar[bool] = True
    thread_safe: ClassVar[bool] = False  # declared: adcore serializes it

    def prepare_pushforward(self, f: Any, x: Any, tx: Any, contexts: Any, *, y: Any = None,
                            same_point: bool = False) -> Any:
        return SharedState(ad.AutoFiniteDiff().prepare_pushforward(f, x, tx, contexts, y=y))


@dataclass(frozen=True)
class AutoSharedClaimingSafety(AutoShared):
    thread_safe: ClassVar[bool] = True  # wrongly


SCENARIOS = default_scenarios()
FIRST_ORDER = [s for s in SCENARIOS if s.operator in ("pushforward", "jacobian", "derivative")]


def test_a_backend_that_is_not_thread_safe_is_serialized_and_right() -> None:
    report = check_differentiation([AutoShared()], FIRST_ORDER, checks=[check_thread_safety])
    assert report and report.count("passed") == 3, str(report)


def test_the_check_fails_a_backend_that_wrongly_declares_thread_safety() -> None:
    report = check_differentiation([AutoSharedClaimingSafety()], FIRST_ORDER,
                                   checks=[check_thread_safety])
    assert report.count("failed") > 0
    assert "declares thread_safe=True" in report.failures[0].message


def test_the_check_runs_once_per_operator_on_the_default_scenarios() -> None:
    report = check_differentiation([ad.AutoFiniteDiff()], SCENARIOS, checks=[check_thread_safety])
    assert report and sorted({r.operator for r in report.results}) == sorted(
        {s.operator for s in SCENARIOS})
    assert len(report.results) == len({s.operator for s in SCENARIOS})


def test_serialized_executors_take_the_lock_and_read_attributes_through() -> None:
    held: list[bool] = []

    class Probe(AbstractPushforward):
        fused_gather = False

        def value_and_pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
            held.append(ENGINE_LOCK._is_owned())  # type: ignore[attr-defined]
            return x, tx

    ex = Serialized(Probe())
    assert ex.fused_gather is False and getattr(ex, "prep_class", None) is None
    ex.value_and_pushforward(np.ones(2), (np.ones(2),), ())
    run = ex.gathered_pushforward(np.eye(2)[None], np.arange(2))
    run(np.ones(2), ())
    assert held == [True, True]


def test_the_lock_is_reentrant_and_shared_by_threads() -> None:
    with ENGINE_LOCK:
        with ENGINE_LOCK:  # a serialized call that enters the backend again
            got = []
            t = threading.Thread(target=lambda: got.append(ENGINE_LOCK.acquire(timeout=0.01)))
            t.start()
            t.join()
            assert got == [False]
