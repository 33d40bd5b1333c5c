"""The check of the ``thread_safe`` capability: concurrent calls, one prep per thread."""

from __future__ import annotations

import functools
import threading
from typing import Any

import numpy as np

from ._calls import inputs_for, to_numpy
from ._checking import applies, compare_outcome, setup
from ._compare import CheckFailure
from ._scenario import Scenario
from ._trees import tree_map, walks

__all__ = ["check_thread_safety"]

THREADS = 4
ROUNDS = 5


@functools.cache
def _representatives() -> frozenset[str]:
    """One default scenario per operator: threads are about the engine, not the function."""
    from ._scenarios import default_scenarios

    return frozenset({s.operator: s.id for s in reversed(default_scenarios())}.values())


@applies(lambda backend, s: "default" in s.tags and s.id in _representatives())
def check_thread_safety(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """Threads calling at once, each with its own prep, get the results of serial calls."""
    spec, rtol, atol = setup(backend, scenario, family)
    points = [_shifted(scenario.x, i) for i in range(THREADS)]
    prep = spec.prepare_for(inputs_for(scenario, family, x=points[0]), backend)
    serial = [tuple(map(to_numpy, spec.call("plain", inputs_for(scenario, family, x=p), backend,
                                            prep=prep))) for p in points]
    barrier = threading.Barrier(THREADS)
    found: list[list[Any]] = [[] for _ in range(THREADS)]
    errors: list[str] = []

    def work(i: int) -> None:
        try:
            inputs = inputs_for(scenario, family, x=points[i])
            barrier.wait()  # every thread prepares and calls at the same time
            own = spec.prepare_for(inputs, backend)
            for _ in range(ROUNDS):
                found[i].append(spec.call("plain", inputs_for(scenario, family, x=points[i]),
                                          backend, prep=own))
        except Exception as e:  # the thread's error, for the report
            errors.append(f"thread {i}: {type(e).__name__}: {e}")
            barrier.abort()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    declared = f"{backend!r} declares thread_safe={backend.thread_safe}"
    errors = [e for e in errors if "BrokenBarrierError" not in e] or errors  # the first cause
    if errors:
        raise CheckFailure(f"{spec.name}: {declared}; {THREADS} threads at once raised: "
                           + "; ".join(errors[:2]))
    for i, results in enumerate(found):
        for got in results:
            compare_outcome(got, serial[i], f"{spec.name} ({declared}; thread {i} of {THREADS} "
                            "vs serial)", rtol, atol)


def _shifted(x: Any, i: int) -> Any:
    """Another point for each thread, of the type and dtype of ``x``."""
    if walks(x):  # a pytree: leaf by leaf
        return tree_map(lambda v: _shifted(v, i), x)
    if isinstance(x, np.ndarray):
        return np.asarray(x * (1.0 + 0.1 * i) + 0.05 * i, dtype=x.dtype)
    return x * (1.0 + 0.1 * i) + 0.05 * i
