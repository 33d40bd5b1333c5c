"""The cost of mixing engines: ``DifferentiateWith(g, AutoJAX())`` inside a function that
JAX differentiates, against JAX's own jitted gradient of ``g`` plus one callback.

Rows, at n=1000 (``--n``):

- ``jitted grad of g``: ``jax.jit(jax.grad(g))(x)``, JAX alone;
- ``one callback``: a jitted ``jax.pure_callback`` that hands ``x`` to Python and back,
  the least a foreign call costs (reported on its own);
- ``grad through DifferentiateWith``: ``jax.jit(jax.grad(f))(x)`` with
  ``f = DifferentiateWith(g, AutoJAX())``: one callback in which adcore runs its prepared
  ``value_and_gradient`` of ``g`` on numpy;
- for comparison, the jitted gradient of ``g`` called inside one callback: what JAX
  itself costs for the composition, adcore left out.

Target (issue 19): the last at most 1.5x the sum of the first two (medians over short
rounds of the three side by side, each round's fastest sample).

    python benchmarks/mixing.py [--check] [--n N] [--rounds R]

Needs adcore-jax (`pip install -e plugins/adcore-jax`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

import adcore as ad
from adcore._core.timing import format_seconds

TARGET = 1.5


def g(x: Any) -> Any:
    return jnp.sum(jnp.sin(x) * x)


def cost(fn: Callable[[], Any], clock: Callable[[], float], calls: int, samples: int = 3) -> float:
    """The fastest of ``samples`` runs of ``calls`` calls, per call, each result synchronized."""
    best = float("inf")
    for _ in range(samples):
        start = clock()
        for _ in range(calls):
            jax.block_until_ready(fn())
        best = min(best, (clock() - start) / calls)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=100, help="calls per sample")
    parser.add_argument("--clock", choices=("process", "wall"), default="process")
    args = parser.parse_args()
    jax.config.update("jax_enable_x64", True)

    x = jnp.asarray(np.linspace(-1.0, 1.0, args.n))
    direct = jax.jit(jax.grad(g))
    struct = jax.ShapeDtypeStruct(x.shape, x.dtype)
    callback = jax.jit(lambda x: jax.pure_callback(np.asarray, struct, x, vmap_method="sequential"))
    mixed = jax.jit(jax.grad(ad.DifferentiateWith(g, ad.AutoJAX())))
    nested = jax.jit(lambda x: jax.pure_callback(lambda a: np.asarray(direct(a)), struct, x,
                                                 vmap_method="sequential"))
    np.testing.assert_allclose(mixed(x), direct(x), rtol=1e-12)

    # Short rounds, the three side by side in each, so that the load on a shared machine
    # hits them alike; each round takes each one's fastest sample, and the medians over
    # the rounds are reported. CPU time of this process (all its threads: the callback's
    # too) unless --clock wall, so that other processes' time slices do not count.
    clock = time.process_time if args.clock == "process" else time.perf_counter
    fns = (lambda: direct(x), lambda: callback(x), lambda: mixed(x), lambda: nested(x))
    for fn in fns:
        cost(fn, clock, 20)  # compile, warm up
    rounds = []
    for _ in range(args.rounds):
        times = [cost(fn, clock, args.calls) for fn in fns]
        rounds.append((*times, times[2] / (times[0] + times[1])))
    t_direct, t_callback, t_mixed, t_nested, ratio = (statistics.median(c) for c in zip(*rounds))

    print(f"n = {args.n}, {args.clock} time, medians over {args.rounds} rounds")
    print(f"  jitted grad of g                {format_seconds(t_direct):>10}")
    print(f"  one callback                    {format_seconds(t_callback):>10}")
    print(f"  grad through DifferentiateWith  {format_seconds(t_mixed):>10}   "
          f"{ratio:.2f}x (grad + callback), target {TARGET}x")
    print(f"  (the jitted grad inside one callback: {format_seconds(t_nested)})")
    if args.check and ratio > TARGET:
        print(f"FAILED: {ratio:.2f}x > {TARGET}x", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
