"""Timing that a benchmarking person would trust: warm-up, calibrated loops, median of repeats."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Timing", "measure"]


@dataclass(frozen=True)
class Timing:
    """Seconds per call: the median and the minimum over ``samples`` repeats of ``loops`` calls."""

    median: float
    min: float
    loops: int
    samples: int

    def __str__(self) -> str:
        return f"{format_seconds(self.median)} (min {format_seconds(self.min)})"


def measure(
    fn: Callable[[], Any], *, sync: Callable[[Any], Any] | None = None,
    min_time: float = 0.02, samples: int = 7,
) -> Timing:
    """measure(fn, *, sync=None, min_time=0.02, samples=7) -> Timing

    Time ``fn()`` as timeit and pyperf do: one warm-up call (compilation,
    caches), a loop count calibrated so that one sample lasts at least
    ``min_time`` seconds (the clock's resolution and the loop's own cost are then
    negligible), then ``samples`` samples of that many calls, with the garbage
    collector off while a sample runs. ``sync`` (e.g. ``backend.synchronize``,
    ``jax.block_until_ready``) is applied to each result, so that asynchronous
    engines are timed to completion.
    """
    done = sync or (lambda r: r)

    def run(loops: int) -> float:
        collecting = gc.isenabled()
        gc.disable()
        try:
            start = time.perf_counter()
            for _ in range(loops):
                done(fn())
            return time.perf_counter() - start
        finally:
            if collecting:
                gc.enable()

    run(1)
    loops = 1
    while (elapsed := run(loops)) < min_time:
        loops = max(loops * 2, int(loops * min_time / max(elapsed, 1e-9)))
    times = [run(loops) / loops for _ in range(samples)]
    return Timing(statistics.median(times), min(times), loops, samples)


def format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"
