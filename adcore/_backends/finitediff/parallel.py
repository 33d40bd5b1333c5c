"""Evaluating ``f`` at the points of a stencil on a ``concurrent.futures.Executor``.

The value ``f(x)`` is computed in this process first, and timed. The points then go out
in chunks, one task per chunk (``chunk_task``), so that ``f`` and the contexts travel once
per task, not once per point, and a cheap ``f`` is not drowned in scheduling:

- ``AutoFiniteDiff(chunksize=k)``: ``k`` points per task;
- otherwise one task per worker, as long as each task gets at least ``MIN_TASK_SECONDS``
  of work by the time ``f(x)`` took (a call that shares its points costs about 0.1 ms
  more on 2 threads, 0.5 ms on 2 processes, 15 to 25 ms on a 2-worker Dask
  ``LocalCluster``, measured on a busy 2-core machine); where that leaves a single task, the
  points are evaluated in this process, as without an executor.

The values come back in the order of the points, whatever order the tasks finish in.

On Dask (``distributed.Client.get_executor()``, the ``adcore[dask]`` extra), tasks are
submitted with ``pure=False`` (f is called again, not looked up), and a large context value
(a numpy array of ``SCATTER_BYTES`` or more) is scattered to every worker once: a prep
keeps it there, and sends it again only when its contents change. Chunks of points that
large are scattered too, spread over the workers, rather than carried in the task graph.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from .calls import chunk_task

if TYPE_CHECKING:
    from .evaluate import Evaluator

__all__ = ["MIN_TASK_SECONDS", "SCATTER_BYTES", "chunk_size", "evaluate_chunks", "workers"]

#: The least work (seconds of ``f``) worth a task: on a ``ThreadPoolExecutor``, a
#: ``ProcessPoolExecutor``, and anything else (Dask, other clusters).
MIN_TASK_SECONDS = {"threads": 1e-3, "processes": 5e-3, "other": 25e-3}
#: Context values (numpy arrays) of at least this many bytes are scattered once on Dask.
SCATTER_BYTES = 1 << 20


def dask_executor(pool: Executor) -> bool:
    """Whether ``pool`` is a Dask client's executor (``distributed`` is then imported)."""
    if type(pool).__module__.partition(".")[0] != "distributed":
        return False
    from distributed.cfexecutor import ClientExecutor

    return isinstance(pool, ClientExecutor)


def workers(pool: Executor) -> int:
    """How many calls of ``f`` the executor runs at once: its threads or processes, the
    threads of a Dask cluster's workers (asked of the scheduler), else the CPUs here."""
    if dask_executor(pool):
        return max(sum(pool._client.nthreads().values()), 1)  # type: ignore[attr-defined]
    count = getattr(pool, "_max_workers", None)  # ThreadPool- and ProcessPoolExecutor's
    return count if isinstance(count, int) and count > 0 else os.cpu_count() or 1


def chunk_size(ev: Evaluator, pool: Executor, npoints: int, seconds: float) -> int:
    """Points per task for ``npoints`` points of a function that took ``seconds`` at x; 0 to
    evaluate them here."""
    if ev.chunksize is not None:
        return ev.chunksize if npoints else 0
    kind = "threads" if isinstance(pool, ThreadPoolExecutor) else (
        "processes" if isinstance(pool, ProcessPoolExecutor) else "other")
    least = MIN_TASK_SECONDS[kind]
    tasks = min(npoints, int(npoints * seconds / least))
    if tasks <= 1:
        return 0
    tasks = min(tasks, workers(pool))
    return math.ceil(npoints / tasks) if tasks > 1 else 0


def evaluate_chunks(
    ev: Evaluator, pool: Executor, c: tuple[Any, ...], points: Iterator[None], F: np.ndarray,
    size: int,
) -> None:
    """``F[k] = f(point k)`` for the points the kernel sets up, ``size`` per task on ``pool``."""
    X = np.empty((len(F), *ev.shape), ev.xw.dtype)
    for k, _ in enumerate(points):
        X[k] = ev.xw
    out = None if ev.yw is None else (ev.yw.shape, ev.yw.dtype)
    work = partial(chunk_task, ev.f, ev.cache_positions, out, ev.kind, (F.shape[1:], F.dtype),
                   ev.adaptive)
    starts = range(0, len(F), size)
    chunks: list[Any] = [X[a:a + size] for a in starts]
    submit = pool.submit
    if dask_executor(pool):
        c = _scattered(pool, c, ev.scattered)
        submit = partial(pool.submit, pure=False)
        if chunks[0].nbytes >= SCATTER_BYTES:  # sent to the workers apart, not in the task graph
            chunks = pool._client.scatter(chunks, hash=False)  # type: ignore[attr-defined]
    futures = [submit(work, chunk, c) for chunk in chunks]
    try:
        for a, future in zip(starts, futures):
            F[a:a + size] = future.result()
    except BaseException:
        for future in futures:
            future.cancel()
        raise


def _scattered(pool: Executor, c: tuple[Any, ...], kept: dict[int, Any]) -> tuple[Any, ...]:
    """The contexts, each large numpy value replaced by a Dask future of it on every worker;
    ``kept`` (the prep's) maps a position to ``(digest, future)`` of what was sent last."""
    values = list(c)
    for i, v in enumerate(values):
        if not (isinstance(v, np.ndarray) and v.nbytes >= SCATTER_BYTES):
            continue
        digest = hashlib.blake2b(repr((v.shape, v.dtype.str)).encode())
        digest.update(np.ascontiguousarray(v).data)
        key = digest.digest()
        if i not in kept or kept[i][0] != key:
            client = pool._client  # type: ignore[attr-defined]
            kept[i] = (key, client.scatter(v, broadcast=True, hash=False))
        values[i] = kept[i][1]
    return tuple(values)
