"""Sparse Jacobians in one run: adcore.AutoSparse against asdex, sparsejac and SciPy.

Run: ``python benchmarks/sparse.py [--repeat 15] [--timer wall|cpu] [--check]``.

Problems, each ``f`` written once with ``adcore.array_namespace`` so that numpy,
adcore's sparsity tracer and JAX all run it: a tridiagonal function (n=1,000 and
10,000), a 2-D 5-point stencil on a 100 x 100 grid, an arrowhead (n=1,000, a dense
first row and column), and for Hessians a chained Rosenbrock (tridiagonal Hessian).

1. colors: column coloring in natural order and the fewest over all orders, row
   coloring, MixedMode (bidirectional), SciPy's column groups; Hessian star and
   acyclic colorings;
2. one-off costs: detection (TracerSparsityDetector) and coloring
   (GreedyColoringAlgorithm), against asdex's jaxpr-based detection and coloring;
3. time per Jacobian, prepared: ``AutoSparse(AutoFiniteDiff(method=...))`` against
   ``scipy.optimize.approx_derivative`` with precomputed column groups;
4. time per Jacobian, prepared: ``AutoSparse(AutoJAX())`` against asdex and sparsejac,
   both jitted (skipped, saying why, where adcore-jax, asdex or sparsejac is missing);
5. a tridiagonal Hessian at n=100,000 against a tridiagonal Jacobian of the same size,
   preparation and prepared call, with ``AutoFiniteDiff`` (preparation only: its prepared
   Hessian takes 4 ncolors n calls of f, counted and timed at n=2,000) and ``AutoJAX``.

Times are medians over ``--repeat`` interleaved rounds (one short run of each
candidate per round); ratios are medians over the rounds of the ratio within each
round, so that drift in machine load hits both sides of a ratio alike. ``--check`` exits 1 when a
target printed as MISS is missed; rows that could not run are reported, not failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import adcore as ad

# --- problems


def tridiagonal(x: Any) -> Any:
    """y[i] = x[i-1] - 2 x[i] + x[i+1] + sin(x[i])**2, missing neighbours taken as 0."""
    xp = ad.array_namespace(x)
    zero = xp.zeros_like(x[:1])
    return xp.concat([zero, x[:-1]]) - 2 * x + xp.concat([x[1:], zero]) + xp.sin(x) ** 2


GRID = 100


def stencil(x: Any) -> Any:
    """The 5-point Laplacian of x on a GRID x GRID grid (zero outside), plus x**3; flat in, flat out."""
    xp = ad.array_namespace(x)
    u = xp.reshape(x, (GRID, GRID))
    zr, zc = xp.zeros_like(u[:1, :]), xp.zeros_like(u[:, :1])
    up, down = xp.concat([zr, u[:-1, :]], axis=0), xp.concat([u[1:, :], zr], axis=0)
    left, right = xp.concat([zc, u[:, :-1]], axis=1), xp.concat([u[:, 1:], zc], axis=1)
    return xp.reshape(4 * u - up - down - left - right + u**3, (-1,))


def arrowhead(x: Any) -> Any:
    """y[0] = sum(x**2); y[i] = x[i] * x[0] + sin(x[i]): a dense first row and column."""
    xp = ad.array_namespace(x)
    return xp.concat([xp.reshape(xp.sum(x * x), (1,)), x[1:] * x[0] + xp.sin(x[1:])])


def rosenbrock(x: Any) -> Any:
    """sum((x[i+1] - x[i]**2)**2 + (1 - x[i])**2): a tridiagonal Hessian."""
    xp = ad.array_namespace(x)
    return xp.sum((x[1:] - x[:-1] * x[:-1]) ** 2 + (1 - x[:-1]) ** 2)


# (name, f, n)
PROBLEMS = [
    ("tridiagonal", tridiagonal, 1_000),
    ("tridiagonal", tridiagonal, 10_000),
    ("stencil 100x100", stencil, GRID * GRID),
    ("arrowhead", arrowhead, 1_000),
]


def point(n: int) -> np.ndarray:
    return np.random.default_rng(0).uniform(0.5, 1.5, n)


# --- timing


class Timings:
    """Seconds per call of each run, over ``repeat`` interleaved rounds of about 20 ms each."""

    def __init__(self, runs: dict[str, Callable[[], Any]], repeat: int,
                 timer: Callable[[], float] = time.perf_counter) -> None:
        timers = {name: timeit.Timer(run, timer=timer) for name, run in runs.items()}
        numbers = {name: max(1, timer.autorange()[0] // 10) for name, timer in timers.items()}
        self.samples: dict[str, np.ndarray] = {name: np.empty(repeat) for name in runs}
        for i in range(repeat):
            for name, timer in timers.items():
                self.samples[name][i] = timer.timeit(numbers[name]) / numbers[name]

    def __getitem__(self, name: str) -> float:
        """The median seconds per call of one run."""
        return float(np.median(self.samples[name]))

    def ratio(self, name: str, *others: str) -> float:
        """The median over rounds of ``name``'s time over the least of ``others``' in the same
        round: a paired ratio, which load that drifts between rounds hits on both sides."""
        best = np.min([self.samples[o] for o in others], axis=0)
        return float(np.median(self.samples[name] / best))


def once(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The least seconds of ``repeat`` calls of a one-off step, and its result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


class Targets:
    def __init__(self) -> None:
        self.missed: list[str] = []

    def check(self, label: str, value: float, bound: float, op: str = "<=", unit: str = "") -> str:
        ok = value <= bound if op == "<=" else value >= bound
        if not ok:
            self.missed.append(label)
        line = f"  {label:<58}{value:>9.3g}{unit} (target {op} {bound:g}{unit}) {'PASS' if ok else 'MISS'}"
        print(line)
        return line


# --- 1. colors


def scipy_groups(P: Any) -> np.ndarray:
    from scipy.optimize._numdiff import group_columns

    return group_columns(P)


def colors_table(targets: Targets) -> None:
    print("== 1. colors")
    print(f"{'problem':<22}{'n':>7}{'nnz':>8}{'natural':>9}{'fewest (order)':>24}{'rows':>6}"
          f"{'mixed':>7}{'scipy':>7}")
    T = ad.TracerSparsityDetector()
    found = {}
    for name, f, n in PROBLEMS:
        P = T.jacobian_sparsity(f, point(n))
        natural = ad.GreedyColoringAlgorithm().color_columns(P).ncolors
        by_order = {o: ad.GreedyColoringAlgorithm(order=o, seed=0).color_columns(P).ncolors
                    for o in ("natural", "largest_first", "smallest_last", "incidence_degree",
                              "saturation_degree", "random")}
        order = min(by_order, key=by_order.__getitem__)
        rows = ad.GreedyColoringAlgorithm().color_rows(P).ncolors
        mixed = ad.GreedyColoringAlgorithm().color_bidirectional(P).ncolors
        groups = int(scipy_groups(P).max()) + 1
        found[(name, n)] = (natural, by_order[order], mixed)
        print(f"{name:<22}{n:>7}{P.nnz:>8}{natural:>9}{by_order[order]:>16} ({order[:12]})"
              f"{rows:>6}{mixed:>7}{groups:>7}")
    H = T.hessian_sparsity(rosenbrock, point(10_000))
    star = ad.GreedyColoringAlgorithm().color_symmetric(H).ncolors
    acyclic = ad.GreedyColoringAlgorithm(decompression="substitution").color_symmetric(H).ncolors
    print(f"{'rosenbrock (Hessian)':<22}{10_000:>7}{H.nnz:>8}   star {star}, acyclic {acyclic}")
    print()
    targets.check("tridiagonal Jacobian colors (natural)", found[("tridiagonal", 10_000)][0], 3)
    targets.check("5-point stencil colors, fewest over orders", found[("stencil 100x100", GRID**2)][1], 5)
    targets.check("arrowhead column colors (= n)", found[("arrowhead", 1000)][0], 1000, ">=")
    targets.check("arrowhead MixedMode colors", found[("arrowhead", 1000)][2], 4)
    targets.check("tridiagonal Hessian colors (star)", star, 3)
    print()


# --- 2. one-off costs


def asdex_available() -> str | None:
    missing = [m for m in ("jax", "asdex") if importlib.util.find_spec(m) is None]
    return f"{', '.join(missing)} not installed" if missing else None


def oneoff_table(targets: Targets, repeat: int) -> None:
    print("== 2. one-off: detection and coloring (best of runs, ms)")
    print(f"{'problem':<22}{'n':>7}{'detect':>9}{'color':>9}{'total':>9}{'asdex detect':>14}"
          f"{'asdex color':>13}{'asdex total':>13}")
    T, G = ad.TracerSparsityDetector(), ad.GreedyColoringAlgorithm()
    why = asdex_available()
    for name, f, n in PROBLEMS:
        x = point(n)
        t_detect, P = once(lambda f=f, x=x: T.jacobian_sparsity(f, x), repeat)
        t_color, _ = once(lambda P=P: G.color_columns(P), repeat)
        ours = t_detect + t_color
        row = f"{name:<22}{n:>7}{t_detect * 1e3:>9.2f}{t_color * 1e3:>9.2f}{ours * 1e3:>9.2f}"
        theirs = None
        if why is None:
            import asdex
            import jax.numpy as jnp

            xj = jnp.asarray(x)
            a_detect, S = once(lambda f=f, xj=xj: asdex.jacobian_sparsity(f, xj), repeat)
            a_color, _ = once(lambda S=S: asdex.jacobian_coloring_from_sparsity(S, mode="fwd"), repeat)
            theirs = a_detect + a_color
            row += f"{a_detect * 1e3:>14.2f}{a_color * 1e3:>13.2f}{theirs * 1e3:>13.2f}"
        print(row)
        if (name, n) == ("tridiagonal", 10_000):
            reference = theirs if theirs is not None else 16.4e-3  # the asdex numbers
            label = "asdex here" if theirs is not None else "asdex as measured in the issue"
            tridiagonal_10k = (ours, reference, label)
    if why is not None:
        print(f"  (asdex columns skipped: {why})")
    ours, reference, label = tridiagonal_10k
    print()
    targets.check(f"detection + coloring at n=10,000 / {label}", ours / reference, 1.0)
    x = point(100_000)
    t_big, _ = once(lambda: T.jacobian_sparsity(tridiagonal, x), 3)
    targets.check("detection, tridiagonal n=100,000", t_big, 1.0, unit=" s")
    P = T.jacobian_sparsity(tridiagonal, point(1_000_000))
    t_huge, c = once(lambda: G.color_columns(P), 2)
    targets.check(f"column coloring, tridiagonal n=1,000,000 ({c.ncolors} colors)", t_huge, 2.0, unit=" s")
    print()


# --- 3. finite differences against SciPy


def fd_table(targets: Targets, repeat: int, timer: Callable[[], float] = time.perf_counter) -> None:
    from scipy.optimize._numdiff import approx_derivative  # not re-exported by scipy.optimize

    print("== 3. per Jacobian, prepared: AutoSparse(AutoFiniteDiff()) vs scipy approx_derivative"
          " with precomputed groups")
    print(f"{'problem':<22}{'n':>7}{'method':>18}{'colors':>8}{'groups':>8}{'adcore ms':>11}"
          f"{'scipy ms':>10}{'ratio':>7}{'max diff':>10}")
    worst = 0.0
    for name, f, n in PROBLEMS:
        x = point(n)
        for method, scipy_method in (("forward", "2-point"), ("central", "3-point")):
            backend = ad.AutoSparse(ad.AutoFiniteDiff(method=method))
            prep = ad.prepare_jacobian(f, backend, x)
            structure = prep.sparsity_pattern
            groups = scipy_groups(structure)
            runs = {
                "adcore": lambda b=backend, p=prep, x=x, f=f: ad.jacobian(f, b, x, prep=p),
                "scipy": lambda x=x, f=f, s=structure, g=groups, m=scipy_method: approx_derivative(
                    f, x, method=m, sparsity=(s, g)),
            }
            t = Timings(runs, repeat, timer)
            diff = float(abs(runs["adcore"]() - runs["scipy"]()).max())
            ratio = t.ratio("adcore", "scipy")
            worst = max(worst, ratio)
            ngroups = int(groups.max()) + 1
            print(f"{name:<22}{n:>7}{method + '/' + scipy_method:>18}{prep.ncolors:>8}{ngroups:>8}"
                  f"{t['adcore'] * 1e3:>11.3f}{t['scipy'] * 1e3:>10.3f}{ratio:>7.2f}{diff:>10.1e}")
            if prep.ncolors > ngroups:
                targets.missed.append(f"{name} n={n}: more colors than SciPy's groups")
    print()
    targets.check("AutoSparse(AutoFiniteDiff()) / approx_derivative, worst row", worst, 1.0)
    print()


# --- 4. JAX


def jax_missing() -> str | None:
    missing = [m for m in ("jax", "adcore_jax", "asdex", "sparsejac") if importlib.util.find_spec(m) is None]
    if missing:
        return f"{', '.join(missing)} not installed (pip install plugins/adcore-jax asdex sparsejac)"
    try:
        ad.AutoJAX()
    except Exception as e:  # a plugin that does not load yet
        return f"adcore.AutoJAX() failed: {type(e).__name__}: {e}"
    return None


def jax_table(targets: Targets, repeat: int, timer: Callable[[], float] = time.perf_counter) -> None:
    print("== 4. per Jacobian, prepared: AutoSparse(AutoJAX()) vs asdex and sparsejac (jitted)")
    why = jax_missing()
    if why is not None:
        print(f"  skipped: {why}\n")
        return
    import asdex
    import jax
    import jax.numpy as jnp
    import sparsejac
    from jax.experimental import sparse as jsparse

    print(f"  jax {jax.__version__} on {jax.devices()[0].platform}, float32 (JAX's default) throughout.\n"
          "  'jax x': x on the device; adcore, asdex and sparsejac each return a BCOO on the device\n"
          "  (timed until its data is ready): the same input and the same kind of result. adcore's\n"
          "  call is one jitted call (the compressed products and the gather of the nnz entries) and\n"
          "  the BCOO around them, with the prep's index array.\n"
          "  'numpy x' (for information): the same numpy x to all three; adcore returns a scipy\n"
          "  csr_array (numpy in, numpy out), so it also copies the entries and the index arrays to\n"
          "  a host array of its own, which asdex's and sparsejac's BCOO on the device does not pay.\n"
          "  Ratios: medians over the rounds of adcore's time over the faster of asdex and sparsejac\n"
          "  in the same round. Times in ms.")
    print(f"{'problem':<22}{'n':>7}{'colors':>8}{'adcore':>9}{'asdex':>9}{'sparsejac':>11}"
          f"{'ratio':>7}{'adcore':>9}{'asdex':>9}{'sparsejac':>11}{'ratio':>7}{'max rel diff':>14}")
    print(f"{'':<37}{'jax x':>9}{'jax x':>9}{'jax x':>11}{'':>7}{'numpy x':>9}{'numpy x':>9}"
          f"{'numpy x':>11}")
    worst, worst_numpy = 0.0, 0.0
    for name, f, n in PROBLEMS:
        x = point(n).astype(np.float32)
        xj = jnp.asarray(x)
        backend = ad.AutoSparse(ad.AutoJAX())
        prep = ad.prepare_jacobian(f, backend, x)
        prep_j = ad.prepare_jacobian(f, backend, xj)
        coloring = asdex.jacobian_coloring(f, xj, mode="fwd")
        with_asdex = jax.jit(asdex.jacobian_from_coloring(f, coloring))
        with_sparsejac = jax.jit(sparsejac.jacfwd(f, sparsity=jsparse.BCOO.from_scipy_sparse(
            prep.sparsity_pattern.astype(np.float32))))
        runs = {
            "adcore jax": lambda b=backend, p=prep_j, xj=xj, f=f: ad.jacobian(
                f, b, xj, prep=p).data.block_until_ready(),
            "asdex jax": lambda g=with_asdex, xj=xj: g(xj).data.block_until_ready(),
            "sparsejac jax": lambda g=with_sparsejac, xj=xj: g(xj).data.block_until_ready(),
            "adcore": lambda b=backend, p=prep, x=x, f=f: ad.jacobian(f, b, x, prep=p),
            "asdex": lambda g=with_asdex, x=x: g(x).data.block_until_ready(),
            "sparsejac": lambda g=with_sparsejac, x=x: g(x).data.block_until_ready(),
        }
        t = Timings(runs, repeat, timer)
        J = runs["adcore"]().toarray()
        scale = float(abs(J).max())
        others = (with_asdex(xj), with_sparsejac(xj), ad.jacobian(f, backend, xj, prep=prep_j))
        diff = max(float(abs(J - np.asarray(B.todense())).max()) for B in others) / scale
        ratio = t.ratio("adcore jax", "asdex jax", "sparsejac jax")
        numpy_ratio = t.ratio("adcore", "asdex", "sparsejac")
        worst, worst_numpy = max(worst, ratio), max(worst_numpy, numpy_ratio)
        ms = {k: t[k] * 1e3 for k in runs}
        print(f"{name:<22}{n:>7}{prep.ncolors:>8}{ms['adcore jax']:>9.3f}{ms['asdex jax']:>9.3f}"
              f"{ms['sparsejac jax']:>11.3f}{ratio:>7.2f}{ms['adcore']:>9.3f}{ms['asdex']:>9.3f}"
              f"{ms['sparsejac']:>11.3f}{numpy_ratio:>7.2f}{diff:>14.1e}")
    print()
    targets.check("AutoSparse(AutoJAX()) / faster of asdex, sparsejac (jax x, BCOO)", worst, 1.2)
    print(f"  {'(for information) the same with numpy x (csr_array out)':<58}{worst_numpy:>9.3g}")
    print()


# --- 5. Hessians at n = 100,000


def hessian_table(targets: Targets, repeat: int) -> None:
    n = 100_000
    print(f"== 5. tridiagonal Hessian (rosenbrock) against tridiagonal Jacobian, n={n:,}: seconds")
    print(f"{'backend':<28}{'jac prep':>10}{'hess prep':>11}{'ratio':>7}{'jac call':>10}{'hess call':>11}"
          f"{'ratio':>7}")
    x = point(n)
    backends = [("AutoFiniteDiff()", ad.AutoFiniteDiff())]
    why = jax_missing()
    if why is None:
        backends.append(("AutoJAX()", ad.AutoJAX()))
    for label, dense in backends:
        backend = ad.AutoSparse(dense)
        t_jp, pj = once(lambda b=backend: ad.prepare_jacobian(tridiagonal, b, x), 3)
        t_hp, ph = once(lambda b=backend: ad.prepare_hessian(rosenbrock, b, x), 3)
        t_jc, _ = once(lambda b=backend, p=pj: ad.jacobian(tridiagonal, b, x, prep=p), repeat)
        row = f"{'AutoSparse(' + label + ')':<28}{t_jp:>10.3f}{t_hp:>11.3f}{t_hp / t_jp:>7.2f}{t_jc:>10.4f}"
        if label == "AutoFiniteDiff()":
            print(row + f"{'(not run)':>11}")
            targets.check("FD Hessian preparation / Jacobian preparation", t_hp / t_jp, 5.0)
            continue
        t_hc, _ = once(lambda b=backend, p=ph: ad.hessian(rosenbrock, b, x, prep=p), repeat)
        print(row + f"{t_hc:>11.4f}{t_hc / t_jc:>7.2f}")
        targets.check(f"{label[:-2]} Hessian preparation / Jacobian preparation", t_hp / t_jp, 5.0)
        targets.check(f"{label[:-2]} prepared Hessian / prepared Jacobian", t_hc / t_jc, 5.0)
    if why is not None:
        print(f"  (AutoJAX rows skipped: {why})")
    # A finite-difference Hessian sees only values of f: a tridiagonal one has n unknown
    # diagonal entries, so no scheme does with fewer than n calls of f, each O(n). Measured
    # at a size that runs, and the calls at n counted.
    small, calls = 2_000, 0

    def counted(x: Any) -> Any:
        nonlocal calls
        calls += 1
        return rosenbrock(x)

    backend = ad.AutoSparse(ad.AutoFiniteDiff())
    prep = ad.prepare_hessian(counted, backend, point(small))
    calls = 0
    t_small, _ = once(lambda: ad.hessian(counted, backend, point(small), prep=prep), 1)
    per_n = calls / small
    t_f, _ = once(lambda: rosenbrock(x), 20)
    print(f"  (for information) AutoSparse(AutoFiniteDiff()) prepared Hessian: {per_n:.1f} n calls of f "
          f"(4 x {prep.ncolors} colors), {t_small:.2f} s at n={small:,}; at n={n:,}, "
          f"{per_n * n:.2g} calls of {t_f * 1e3:.2f} ms: about {per_n * n * t_f:.0f} s. Finite "
          "differences need at least n calls of f for n diagonal entries: use an engine's hvp "
          "(AutoJAX, ...) at this size.")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--timer", choices=("wall", "cpu"), default="wall",
                        help="per-call times by the wall clock (the default) or by this process's CPU "
                        "time, all threads (time.process_time), which other processes on a busy "
                        "machine disturb far less")
    args = parser.parse_args(argv)
    timer = time.perf_counter if args.timer == "wall" else time.process_time
    print(f"per-call times: {args.timer} clock, {args.repeat} rounds\n")
    targets = Targets()
    colors_table(targets)
    oneoff_table(targets, args.repeat)
    fd_table(targets, args.repeat, timer)
    jax_table(targets, args.repeat, timer)
    hessian_table(targets, args.repeat)
    print("targets missed: " + (", ".join(targets.missed) if targets.missed else "none"))
    return 1 if args.check and targets.missed else 0


if __name__ == "__main__":
    sys.exit(main())
