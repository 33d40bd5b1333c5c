"""Prepared AutoFiniteDiff gradients against a hand-written loop and scipy.

Run: ``python benchmarks/finitediff.py [--n 1000] [--repeat 7] [--check]``.

Times, at ``n`` coordinates, the gradient of ``f`` by (a) a hand-written numpy
forward-difference loop, (b) the prepared ``AutoFiniteDiff(method="forward")``
gradient, (c) the same with ``method="central"``, (d)
``scipy.optimize.approx_fprime``. Each is timed with ``timeit``'s autorange,
then the repeats are interleaved (one run of each candidate per round, so drift
in machine load hits all alike) and the median is reported.

The targets measure what each candidate adds to every evaluation of ``f``, so
they are checked on a cheap ``f(x) = x @ x`` (about 1 us at n=1000), where that
overhead shows. A second table times an expensive ``f(x) = sum(sin(x) * x**2)``
for information only: there the calls of ``f`` dominate, and central
differences (2n + 1 calls against approx_fprime's n + 1) cannot be 2.5x faster
than approx_fprime whatever their overhead. ``--check`` exits 1 when a target
on the cheap ``f`` is missed.

A third table times ``AutoFiniteDiff(step="adaptive")`` on issue 16's four cases
(n=3), where the default step is wrong, against ``scipy.differentiate.derivative``
(scipy >= 1.15) with its defaults, given the elementwise function it needs (the
term of the sum, with the rest of ``f`` as a constant): each must be accurate to
1e-6 relative and faster than scipy, and ``--check`` exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# (label, numerator, denominator, bound, "<=" or ">=")
TARGETS = [
    ("forward / loop", "forward", "loop", 1.1, "<="),
    ("central / loop", "central", "loop", 2.2, "<="),
    ("approx_fprime / forward", "approx_fprime", "forward", 2.5, ">="),
    ("approx_fprime / central", "approx_fprime", "central", 2.5, ">="),
]


def cheap(x: np.ndarray) -> Any:
    return x @ x


def cheap_grad(x: np.ndarray) -> np.ndarray:
    return 2 * x


def expensive(x: np.ndarray) -> Any:
    return np.sum(np.sin(x) * x**2)


def expensive_grad(x: np.ndarray) -> np.ndarray:
    return np.cos(x) * x**2 + 2 * x * np.sin(x)


# (the name of f in the table, f, its gradient, whether the targets are checked on it)
CASES = [
    ("x @ x", cheap, cheap_grad, True),
    ("sum(sin(x) * x**2)", expensive, expensive_grad, False),
]


def loop_gradient(f: Callable[[np.ndarray], Any], x: np.ndarray) -> np.ndarray:
    """What one writes by hand: forward differences, one coordinate at a time."""
    h = np.sqrt(np.finfo(x.dtype).eps) * np.maximum(np.abs(x), 1.0)
    fx = f(x)
    xw = x.copy()
    g = np.empty_like(x)
    for i in range(x.size):
        xi = xw[i]
        xw[i] = xi + h[i]
        g[i] = (f(xw) - fx) / h[i]
        xw[i] = xi
    return g


def candidates(
    f: Callable[[np.ndarray], Any], x: np.ndarray
) -> tuple[dict[str, Callable[[], Any]], str]:
    """The four gradients of ``f`` at ``x``, prepared, as calls without arguments."""
    try:
        import adcore
        from adcore import AutoFiniteDiff

        via = "adcore.gradient(f, backend, x, prep=prep)"
    except ImportError:
        adcore = None
        from adcore._backends.finitediff import AutoFiniteDiff

        via = "the prepared executor (import adcore failed)"
    from scipy.optimize import approx_fprime

    runs: dict[str, Callable[[], Any]] = {"loop": lambda: loop_gradient(f, x)}
    for method in ("forward", "central"):
        backend = AutoFiniteDiff(method=method)
        if adcore is not None:
            prep = adcore.prepare_gradient(f, backend, x)
            runs[method] = lambda b=backend, p=prep: adcore.gradient(f, b, x, prep=p)
        else:
            executor = backend.prepare_gradient(f, x, ())
            runs[method] = lambda e=executor: e.gradient(x, ())
    runs["approx_fprime"] = lambda: approx_fprime(x, f)
    return runs, via


def calls_to_f(f: Callable[[np.ndarray], Any], x: np.ndarray) -> dict[str, int]:
    """How many times each candidate calls ``f``, counted on a second set of candidates."""
    count = [0]

    def counted(x: np.ndarray) -> Any:
        count[0] += 1
        return f(x)

    calls = {}
    for name, run in candidates(counted, x)[0].items():
        count[0] = 0
        run()
        calls[name] = count[0]
    return calls


def medians(runs: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """The median seconds per call of each run, over ``repeat`` interleaved rounds."""
    timers = {name: timeit.Timer(run) for name, run in runs.items()}
    numbers = {name: timer.autorange()[0] for name, timer in timers.items()}
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, timer in timers.items():
            samples[name].append(timer.timeit(numbers[name]) / numbers[name])
    return {name: float(np.median(s)) for name, s in samples.items()}


def table(
    label: str, f: Callable[[np.ndarray], Any], grad: Callable[[np.ndarray], np.ndarray],
    checked: bool, x: np.ndarray, repeat: int,
) -> list[str]:
    """Time the candidates on ``f``, print their table and ratios; return the missed targets."""
    runs, via = candidates(f, x)
    calls = calls_to_f(f, x)
    median = medians({**runs, "f": lambda: f(x)}, repeat)
    cost_f = median.pop("f")

    role = "targets checked" if checked else "for information, no targets"
    print(f"== gradient of f(x) = {label} at n={x.size} ({role})")
    print(f"AutoFiniteDiff via {via}; one call of f: {cost_f * 1e6:.2f} us\n")
    print(f"{'candidate':<15}{'median ms':>11}{'calls of f':>12}{'us / call':>11}{'max error':>11}")
    reference = grad(x)
    for name, run in runs.items():
        error = float(np.max(np.abs(run() - reference)))
        print(
            f"{name:<15}{median[name] * 1e3:>11.3f}{calls[name]:>12d}"
            f"{median[name] / calls[name] * 1e6:>11.2f}{error:>11.1e}"
        )
    print()
    missed = []
    for name, num, den, bound, op in TARGETS:
        ratio = median[num] / median[den]
        ok = ratio <= bound if op == "<=" else ratio >= bound
        verdict = ("PASS" if ok else "MISS") if checked else "(info)"
        missed += [] if ok or not checked else [name]
        print(f"{name:<26}{ratio:>7.2f}   target {op} {bound:<5}{verdict}")
    # A candidate can be no faster than its calls of f: the ratio approx_fprime / X cannot
    # exceed t(approx_fprime) / (calls(X) * t(f)), whatever X's own overhead.
    for name in ("forward", "central"):
        ceiling = median["approx_fprime"] / (calls[name] * cost_f)
        print(f"ceiling of approx_fprime / {name} with zero overhead: {ceiling:.2f}")
    print()
    return missed


# (name, f, x, its gradient, the elementwise term that scipy.differentiate.derivative needs)
ADAPTIVE_CASES = [
    ("sum(1/x) at 1e-8", lambda x: np.sum(1 / x), np.full(3, 1e-8), lambda x: -1 / x**2,
     lambda t: 1 / t),
    ("sum(log(x)) at 1e-8", lambda x: np.sum(np.log(x)), np.full(3, 1e-8), lambda x: 1 / x,
     np.log),
    ("sum(sin(x)) at 1e8", lambda x: np.sum(np.sin(x)), np.full(3, 1e8), np.cos, np.sin),
    ("sum(x**2) + 1e10 at 1,2,3", lambda x: np.sum(x**2) + 1e10, np.array([1.0, 2.0, 3.0]),
     lambda x: 2 * x, lambda t: t**2 + 1e10),
]
ADAPTIVE_RTOL = 1e-6


def adaptive_table(repeat: int) -> list[str]:
    """Time the adaptive step against scipy.differentiate.derivative on issue 16's cases;
    return the missed targets (accuracy 1e-6 relative, faster than scipy)."""
    from scipy.differentiate import derivative

    import adcore

    backend = adcore.AutoFiniteDiff(step="adaptive")
    print("== AutoFiniteDiff(step='adaptive') against scipy.differentiate.derivative (n=3)")
    print(f"{'case':<28}{'adaptive ms':>12}{'error':>9}{'scipy ms':>10}{'error':>9}"
          f"{'scipy / adaptive':>18}")
    missed = []
    for label, f, x, grad, term in ADAPTIVE_CASES:
        prep = adcore.prepare_gradient(f, backend, x)

        def scipy_run(term: Any = term, x: np.ndarray = x) -> Any:
            with np.errstate(all="ignore"):  # scipy's default steps leave log's domain
                return derivative(term, x).df

        runs = {
            "adaptive": lambda f=f, x=x, prep=prep: adcore.gradient(f, backend, x, prep=prep),
            "scipy": scipy_run,
        }
        median = medians(runs, repeat)
        with np.errstate(all="ignore"):
            error = {name: float(np.max(np.abs(run() / grad(x) - 1))) for name, run in runs.items()}
        ratio = median["scipy"] / median["adaptive"]
        ok = error["adaptive"] <= ADAPTIVE_RTOL and ratio >= 1.0
        missed += [] if ok else [f"adaptive on {label}"]
        print(f"{label:<28}{median['adaptive'] * 1e3:>12.3f}{error['adaptive']:>9.1e}"
              f"{median['scipy'] * 1e3:>10.3f}{error['scipy']:>9.1e}{ratio:>12.2f}   "
              f"{'PASS' if ok else 'MISS'}")
    print(f"targets: error <= {ADAPTIVE_RTOL:g} relative, scipy / adaptive >= 1\n")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)

    x = np.random.default_rng(0).uniform(-2.0, 2.0, args.n)
    missed = []
    for label, f, grad, checked in CASES:
        missed += table(label, f, grad, checked, x, args.repeat)
    missed += adaptive_table(args.repeat)
    if args.check and missed:
        print(f"missed: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
