"""Jacobians by central differences, serial against threads and a Dask cluster (issue 20).

Run: ``python benchmarks/scale_out.py [--n 32] [--ms 20] [--repeat 3] [--check]``
(needs ``adcore[dask]``; about 30 s, so it is not part of ``nox -s bench``).

Times the prepared Jacobian (``2n + 1 = 65`` calls of ``f`` at n=32) of

- an expensive ``f``: about ``--ms`` milliseconds of single-threaded numpy work a call
  (elementwise ufuncs, no BLAS, which would use every core on its own), calibrated here,
  in place in a scratch array passed as ``adcore.Cache``: temporaries of this size would
  cost a Dask worker twice the time they cost here (its nanny sets
  ``MALLOC_TRIM_THRESHOLD_``, and each one is then mapped and faulted in anew);
- a cheap ``f``: ``sin(x) * x``, about a microsecond,

by ``AutoFiniteDiff()`` serially, on a ``ThreadPoolExecutor(2)``, and on a
``distributed.LocalCluster`` of 2 worker processes of one thread each. It prints each
time (the median of ``--repeat`` rounds of one run of each, after a warm-up round), the speedup over serial,
and the efficiency against the ideal (2x on 2 workers). With one call of ``f`` (at x)
made by the caller before the points are shared, the best possible on 2 workers is
``65 / 33 = 1.97x``.

``--check`` exits 1 unless Dask is at least 1.6x faster than serial on the expensive
``f``, and at most 1.2x slower on the cheap one (there the work is under what a task is
worth, and AutoFiniteDiff evaluates the points in the caller, serially).
On a machine that is busy otherwise, the speedups fall: run it when quiet.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import adcore as ad

#: The work array of the expensive f, and how many passes over it make one call.
WORK = np.linspace(0.0, 1.0, 50_000)
PASSES = 1


def expensive(x: np.ndarray, work: np.ndarray, passes: int, scratch: np.ndarray) -> np.ndarray:
    """A simulation's cost, single-threaded: ``passes`` passes of ufuncs over ``work``, in
    place in ``scratch`` (an ``adcore.Cache``: a copy per task on the executors)."""
    np.copyto(scratch, work)
    for _ in range(passes):
        np.add(scratch, 1.0, out=scratch)
        np.sin(scratch, out=scratch)
        np.multiply(scratch, 0.5, out=scratch)
    return np.sin(x) * np.cumsum(x) + 1e-30 * scratch[0]


def cheap(x: np.ndarray) -> np.ndarray:
    return np.sin(x) * x


def calibrate(ms: float) -> int:
    """Passes for one call of ``expensive`` to take about ``ms`` milliseconds."""
    x, scratch = np.ones(4), np.empty_like(WORK)
    start = time.perf_counter()
    expensive(x, WORK, 20, scratch)
    per_pass = (time.perf_counter() - start) / 20
    return max(1, round(ms / 1e3 / per_pass))


def interleaved(runs: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """The median time of each run over ``repeat`` rounds of one run of each, so that the
    load of the machine hits all alike, after a warm-up round (workers import and unpickle,
    buffers are allocated)."""
    times: dict[str, list[float]] = {label: [] for label in runs}
    for round_ in range(repeat + 1):
        for label, run in runs.items():
            start = time.perf_counter()
            run()
            if round_:
                times[label].append(time.perf_counter() - start)
    return {label: statistics.median(t) for label, t in times.items()}


def jacobian_runner(f: Callable[..., Any], backend: Any, x: np.ndarray, *contexts: Any) -> Callable[[], Any]:
    prep = ad.prepare_jacobian(f, backend, x, *contexts)
    return lambda: ad.jacobian(f, backend, x, *contexts, prep=prep)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--ms", type=float, default=20.0, help="cost of one call of the expensive f")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    passes = calibrate(args.ms)
    x = np.linspace(0.1, 1.0, args.n)
    contexts = (ad.Constant(WORK), ad.Constant(passes), ad.Cache(np.empty_like(WORK)))
    start = time.perf_counter()
    expensive(x, WORK, passes, np.empty_like(WORK))
    cost = time.perf_counter() - start
    print(f"n={args.n}: {2 * args.n + 1} calls of f per Jacobian; expensive f {cost * 1e3:.1f} ms "
          f"a call ({passes} passes), cheap f about 1 us")

    missed = []
    with ThreadPoolExecutor(2) as threads, LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, Client(cluster) as client:
        executors = {"serial": None, "threads (2)": threads, "dask (2 workers)": client.get_executor()}
        for name, f, fargs, repeat in (
            ("expensive", expensive, contexts, args.repeat),
            ("cheap", cheap, (), 200 * args.repeat),
        ):
            reference = ad.jacobian(f, ad.AutoFiniteDiff(), x, *fargs)
            runs = {}
            for label, pool in executors.items():
                runs[label] = jacobian_runner(f, ad.AutoFiniteDiff(executor=pool), x, *fargs)
                np.testing.assert_array_equal(runs[label](), reference)
            times = interleaved(runs, repeat)
            print(f"\n{name} f: Jacobian time, speedup over serial, efficiency (ideal 2x)")
            for label, t in times.items():
                speedup = times["serial"] / t
                print(f"  {label:18s} {t * 1e3:10.3f} ms   {speedup:5.2f}x   {speedup / 2:5.0%}")
            dask = times["serial"] / times["dask (2 workers)"]
            if name == "expensive":
                ok = dask >= 1.6
                print(f"  target: dask at least 1.6x faster than serial: {'PASS' if ok else 'MISS'}")
            else:
                ok = 1 / dask <= 1.2
                print(f"  target: dask at most 1.2x slower than serial ({1 / dask:.2f}x): "
                      f"{'PASS' if ok else 'MISS'}")
            missed += [] if ok else [name]
    if args.check and missed:
        print(f"missed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
