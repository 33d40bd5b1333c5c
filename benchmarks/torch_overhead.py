"""AutoTorch's prepared operators against PyTorch's own best call on the same input.

Run: ``python benchmarks/torch_overhead.py [--rounds 300] [--check]`` (needs
adcore-torch installed).

Each row times adcore's prepared call and the native calls it competes with,
on the same tensor ``x``, with ``timeit``: loop counts calibrated once so that
a sample lasts about 0.3 ms (one call, for the slower ones), then ``--rounds``
rounds of one sample of each candidate, so that drift in the machine's load
hits all alike; the order is shuffled every round, as the call that ran just
before changes the time of the next (caches, allocator). The ratio that the
targets check is adcore's fastest sample over the fastest native sample: on a
shared machine other processes only ever add time, and the minimum is the cost
of the code itself (timeit's advice); the ratio of the medians is printed
beside it. Native calls are built once, outside the timing, as adcore builds
them once in preparation (``torch.func.grad(f)`` and friends); the classic
autograd call makes a fresh leaf each time, as any user must.

Targets (issue 5): prepared ``gradient`` at most 1.05x the fastest eager native
path at n=5 and n=100000; ``jacobian`` (n=100) at most 1.10x the better of
``jacfwd``/``jacrev``; ``hessian`` (n=100) at most 1.10x ``torch.func.hessian``;
``hvp`` (n=100) at most 1.10x ``jvp`` over ``grad``; with ``compile=True``,
prepared ``gradient`` faster than the eager native path (below 1.00x), its
one-off compilation time reported. ``--check`` exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import timeit
from collections.abc import Callable
from typing import Any

# A cold compilation, as a first run has: Inductor's caches on disk would make it look free.
os.environ.setdefault("TORCHINDUCTOR_FORCE_DISABLE_CACHES", "1")
# Compiling in this process: a pool of compiler workers would go on using the CPU while
# the timings that follow run, on a machine with few cores.
os.environ.setdefault("TORCHINDUCTOR_COMPILE_THREADS", "1")

import numpy as np
import torch

import adcore as ad


def square(x: torch.Tensor) -> torch.Tensor:
    """The tutorial's f: a gradient whose cost is mostly the machinery around it."""
    return (x**2).sum()


def coupled(x: torch.Tensor) -> torch.Tensor:
    """A dense-ish vector function: each output depends on two inputs."""
    return torch.sin(x) * torch.roll(x, 1)


def energy(x: torch.Tensor) -> torch.Tensor:
    """A scalar function with a banded Hessian."""
    return torch.sum(torch.sin(x) * torch.roll(x, 1) + x**3)


def leaf_gradient(f: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[torch.Tensor], Any]:
    """Classic autograd as a user writes it: a fresh leaf, ``torch.autograd.grad``."""

    def run(x: torch.Tensor) -> Any:
        leaf = x.detach().requires_grad_()
        return torch.autograd.grad(f(leaf), leaf)[0]

    return run


def timings(runs: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Seconds per call of each run, one sample per round, the rounds interleaved in an
    order shuffled every round."""
    timers = {name: timeit.Timer(run) for name, run in runs.items()}
    numbers = {}
    for name, timer in timers.items():
        number, seconds = timer.autorange()  # also warms up
        numbers[name] = max(1, int(number * 3e-4 / seconds))
    samples: dict[str, list[float]] = {name: [] for name in runs}
    order, shuffle = list(runs), random.Random(0).shuffle
    for _ in range(rounds):
        shuffle(order)  # what ran just before a call changes its time (caches, allocator)
        for name in order:
            samples[name].append(timers[name].timeit(numbers[name]) / numbers[name])
    return samples


def case(label: str, adcore_run: Callable[[], Any], natives: dict[str, Callable[[], Any]],
         bound: float, rounds: int) -> tuple[str, float, bool]:
    got, want = adcore_run(), next(iter(natives.values()))()
    if not torch.allclose(torch.as_tensor(got), torch.as_tensor(want)):
        raise AssertionError(f"{label}: adcore and PyTorch disagree")
    samples = timings({"adcore": adcore_run, **natives}, rounds)
    fastest = {name: min(s) for name, s in samples.items()}
    median = {name: float(np.median(s)) for name, s in samples.items()}
    best = min(natives, key=fastest.__getitem__)
    ratio = fastest["adcore"] / fastest[best]
    ok = ratio <= bound
    natives_text = "  ".join(f"{name} {fastest[name] * 1e6:.1f}" for name in natives)
    print(f"{label:<32}{fastest['adcore'] * 1e6:>9.1f}   {natives_text:<40}{ratio:>6.3f}"
          f"{median['adcore'] / min(median[n] for n in natives):>8.3f}  <= {bound:<5}"
          f"{'PASS' if ok else 'MISS'}")
    return label, ratio, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    eager, compiled = ad.AutoTorch(), ad.AutoTorch(compile=True)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; float64 tensors; "
          f"fastest of {args.rounds} interleaved samples, in µs")
    print(f"{'prepared adcore call':<32}{'adcore':>9}   {'PyTorch (native calls)':<40}{'ratio':>6}"
          f"{'median':>8}  target")
    results = []

    func_grad = torch.func.grad(square)
    for n in (5, 100_000):
        x = torch.randn(n, dtype=torch.float64)
        prep = ad.prepare_gradient(square, eager, x)
        natives = {"autograd.grad": lambda x=x: leaf_gradient(square)(x),
                   "func.grad": lambda x=x, g=func_grad: g(x)}
        results.append(case(f"gradient n={n}", lambda x=x, p=prep: ad.gradient(square, eager, x, prep=p),
                            natives, 1.05, args.rounds))

    x = torch.randn(100, dtype=torch.float64)
    v = torch.randn(100, dtype=torch.float64)
    prep = ad.prepare_jacobian(coupled, eager, x)
    jf, jr = torch.func.jacfwd(coupled), torch.func.jacrev(coupled)
    results.append(case("jacobian n=100", lambda: ad.jacobian(coupled, eager, x, prep=prep),
                        {"jacfwd": lambda: jf(x), "jacrev": lambda: jr(x)}, 1.10, args.rounds))
    prep = ad.prepare_hessian(energy, eager, x)
    h = torch.func.hessian(energy)
    results.append(case("hessian n=100", lambda: ad.hessian(energy, eager, x, prep=prep),
                        {"func.hessian": lambda: h(x)}, 1.10, args.rounds))
    prep = ad.prepare_hvp(energy, eager, x, (v,))
    g = torch.func.grad(energy)
    results.append(case("hvp n=100", lambda: ad.hvp(energy, eager, x, (v,), prep=prep)[0],
                        {"jvp(grad)": lambda: torch.func.jvp(g, (x,), (v,))[1]}, 1.10, args.rounds))

    for n in (5, 100_000):
        x = torch.randn(n, dtype=torch.float64)
        start = time.perf_counter()
        prep = ad.prepare_gradient(square, compiled, x)
        seconds = time.perf_counter() - start
        natives = {"autograd.grad": lambda x=x: leaf_gradient(square)(x),
                   "func.grad": lambda x=x, g=func_grad: g(x)}
        results.append(case(f"gradient n={n}, compile=True",
                            lambda x=x, p=prep: ad.gradient(square, compiled, x, prep=p),
                            natives, 1.00, args.rounds))
        print(f"{'':<32}(its preparation, with torch.compile: {seconds:.2f} s, once)")

    missed = [label for label, _, ok in results if not ok]
    if missed:
        print(f"missed: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
