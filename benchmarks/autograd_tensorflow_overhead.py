"""AutoAutograd and AutoTensorFlow against their engine's own best call on the same input.

Each row times the engine's best call and adcore's prepared call on the same
input, alternately, in several rounds: in a round, each side's time is the
fastest of 5 runs of about 10 ms (one call at least), and the ratio is the median
of the rounds' ratios. The clock is this process's CPU time (all its threads)
unless ``--clock wall``: on a shared machine, other processes' time slices
would otherwise count against whichever side they hit. Target (issue 8):
every prepared gradient, Jacobian, Hessian and hvp at most 1.10x the engine's.
Rows without a target are for information.

    python benchmarks/autograd_tensorflow_overhead.py [--engine autograd|tensorflow] [--check]

Benchmarks each engine whose plugin is installed (``pip install -e
plugins/adcore-autograd`` / ``plugins/adcore-tensorflow[cpu]``).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import adcore as ad
from adcore._core.timing import format_seconds, measure

Row = tuple[str, Callable[[], Any], Callable[[], Any], "float | None"]
RUN = 0.01  # seconds: the length of one timed run of calls


def best_of(fn: Callable[[], Any], clock: Callable[[], float], calls: int, runs: int = 5) -> float:
    """Seconds per call of ``fn``: the fastest of ``runs`` runs of ``calls`` calls."""
    best = float("inf")
    for _ in range(runs):
        start = clock()
        for _ in range(calls):
            fn()
        best = min(best, (clock() - start) / calls)
    return best


def compare(native: Callable[[], Any], ours: Callable[[], Any], rounds: int,
            clock: Callable[[], float]) -> tuple[float, float, float]:
    """(the engine's time, adcore's, the median of the rounds' ratios), rounds alternating."""
    calls = max(1, int(RUN / measure(native, samples=3).median))
    times = [(best_of(native, clock, calls), best_of(ours, clock, calls)) for _ in range(rounds)]
    return (statistics.median(n for n, _ in times), statistics.median(o for _, o in times),
            statistics.median(o / n for n, o in times))


# --- autograd


def autograd_rows() -> list[Row]:
    import autograd
    import autograd.numpy as anp

    def loss(x: Any) -> Any:
        return anp.sum(anp.sin(x) * x)

    def vector(x: Any) -> Any:
        return anp.tanh(x) * anp.cumsum(x)

    def scalar(x: Any) -> Any:
        return anp.sum(anp.tanh(x) * anp.cumsum(x))

    b, x100, x20 = ad.AutoAutograd(), np.linspace(-1.0, 1.0, 100), np.linspace(-1.0, 1.0, 20)
    t100 = np.cos(x100)
    grad, jac, hess = autograd.grad(loss), autograd.jacobian(vector), autograd.hessian(scalar)
    hvp = autograd.hessian_tensor_product(scalar)
    jac_of = {mode: ad.prepare_jacobian(vector, ad.AutoAutograd(mode=mode), x20)
              for mode in (None, "reverse")}
    prep_grad = ad.prepare_gradient(loss, b, x100)
    prep_hess = ad.prepare_hessian(scalar, b, x20)
    prep_hvp = ad.prepare_hvp(scalar, b, x100, (t100,))
    return [
        ("gradient n=100 (autograd.grad)", lambda: grad(x100),
         lambda: ad.gradient(loss, b, x100, prep=prep_grad), 1.10),
        ("jacobian n=20 (autograd.jacobian)", lambda: jac(x20),
         lambda: ad.jacobian(vector, b, x20, prep=jac_of[None]), 1.10),
        ("  the same, AutoAutograd(mode='reverse')", lambda: jac(x20),
         lambda: ad.jacobian(vector, ad.AutoAutograd(mode="reverse"), x20, prep=jac_of["reverse"]),
         None),
        ("hessian n=20 (autograd.hessian)", lambda: hess(x20),
         lambda: ad.hessian(scalar, b, x20, prep=prep_hess), 1.10),
        ("hvp n=100 (autograd.hessian_tensor_product)", lambda: hvp(x100, t100),
         lambda: ad.hvp(scalar, b, x100, (t100,), prep=prep_hvp), 1.10),
    ]


# --- TensorFlow


def tensorflow_rows() -> list[Row]:
    import tensorflow as tf

    # One thread for TensorFlow's kernels, for both sides: on a small shared machine its
    # pools' spinning threads make the timings of these small computations erratic.
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)

    def loss(x: Any) -> Any:
        return tf.reduce_sum(tf.sin(x) * x)

    def vector(x: Any) -> Any:
        return tf.tanh(x) * tf.cumsum(x)

    def scalar(x: Any) -> Any:
        return tf.reduce_sum(tf.tanh(x) * tf.cumsum(x))

    def tape_gradient(x: Any) -> Any:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = loss(x)
        return tape.gradient(y, x)

    def tape_jacobian(x: Any, pfor: bool = True) -> Any:
        with tf.GradientTape(persistent=not pfor) as tape:
            tape.watch(x)
            y = vector(x)
        return tape.jacobian(y, x, experimental_use_pfor=pfor)

    def tape_hessian(x: Any) -> Any:  # TensorFlow's guide: the Jacobian of the gradient
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = scalar(x)
            g = inner.gradient(y, x)
        return outer.jacobian(g, x)

    def hvp_reverse(x: Any, t: Any) -> Any:
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = scalar(x)
            g = inner.gradient(y, x)
        return outer.gradient(g, x, output_gradients=t)

    def hvp_forward(x: Any, t: Any) -> Any:  # forwardprop's docstring: forward over reverse
        with tf.autodiff.ForwardAccumulator(x, t) as acc:
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = scalar(x)
            g = tape.gradient(y, x)
        return acc.jvp(g)

    x100 = tf.linspace(tf.constant(-1.0, tf.float64), 1.0, 100)
    x20 = tf.linspace(tf.constant(-1.0, tf.float64), 1.0, 20)
    t100 = tf.cos(x100)
    x100_np = x100.numpy()
    clock = time.process_time
    rows: list[Row] = []
    for jit in (False, True):
        compiled = (lambda fn: tf.function(fn, jit_compile=True)) if jit else (lambda fn: fn)
        b = ad.AutoTensorFlow(jit=jit)
        name = "jit" if jit else "eager"
        grad = compiled(tape_gradient)
        jacobian = compiled(tape_jacobian)
        hessian = compiled(tape_hessian)
        # TensorFlow's hvp: the faster of forward over reverse and reverse over reverse.
        hvp = min((compiled(hvp_forward), compiled(hvp_reverse)),
                  key=lambda h: best_of(lambda: h(x100, t100), clock, calls=3))
        preps = {
            "grad": ad.prepare_gradient(loss, b, x100),
            "grad_np": ad.prepare_gradient(loss, b, x100_np),
            "jac": ad.prepare_jacobian(vector, b, x20),
            "hess": ad.prepare_hessian(scalar, b, x20),
            "hvp": ad.prepare_hvp(scalar, b, x100, (t100,)),
        }
        rows += [
            (f"{name}: gradient n=100 (GradientTape)", lambda g=grad: g(x100),
             lambda b=b, p=preps: ad.gradient(loss, b, x100, prep=p["grad"]), 1.10),
            (f"{name}:   numpy in and out", lambda g=grad: g(tf.constant(x100_np)).numpy(),
             lambda b=b, p=preps: ad.gradient(loss, b, x100_np, prep=p["grad_np"]), None),
            (f"{name}: jacobian n=20 (GradientTape.jacobian)", lambda j=jacobian: j(x20),
             lambda b=b, p=preps: ad.jacobian(vector, b, x20, prep=p["jac"]), 1.10),
            (f"{name}: hessian n=20 (jacobian of the gradient)", lambda h=hessian: h(x20),
             lambda b=b, p=preps: ad.hessian(scalar, b, x20, prep=p["hess"]), 1.10),
            (f"{name}: hvp n=100 (best of fwd-over-rev, rev-over-rev)",
             lambda h=hvp: h(x100, t100),
             lambda b=b, p=preps: ad.hvp(scalar, b, x100, (t100,), prep=p["hvp"]), 1.10),
        ]
        if not jit:
            rows.append((f"{name}:   jacobian without pfor (a persistent tape's loop)",
                         lambda: tape_jacobian(x20, pfor=False),
                         lambda b=b, p=preps: ad.jacobian(vector, b, x20, prep=p["jac"]), None))
    return rows


ENGINES = {"autograd": autograd_rows, "tensorflow": tensorflow_rows}
PLUGINS = {"autograd": "adcore_autograd", "tensorflow": "adcore_tensorflow"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=sorted(ENGINES), action="append",
                        help="benchmark this engine (default: each one whose plugin is installed)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds per row")
    parser.add_argument("--clock", choices=("process", "wall"), default="process",
                        help="CPU time of this process (default), or wall-clock time")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    engines = args.engine or [e for e in ENGINES if importlib.util.find_spec(PLUGINS[e])]
    clock = time.process_time if args.clock == "process" else time.perf_counter
    print(f"{args.clock} time, each side the fastest of 5 runs of ~10 ms, alternately; "
          f"ratio: the median of {args.rounds} rounds")
    ok = True
    for engine in engines:
        module = importlib.import_module(engine)
        version = getattr(module, "__version__", None) or importlib.metadata.version(engine)
        print(f"\n{engine} {version}")
        print(f"{'operator':58} {'engine':>10} {'adcore':>10} {'ratio':>7}  target")
        for name, native, ours, target in ENGINES[engine]():
            native_s, ours_s, ratio = compare(native, ours, args.rounds, clock)
            verdict = "" if target is None else ("ok" if ratio <= target else "MISSED")
            ok &= verdict != "MISSED"
            limit = "" if target is None else f"<= {target:.2f} {verdict}"
            print(f"{name:58} {format_seconds(native_s):>10} {format_seconds(ours_s):>10} "
                  f"{ratio:>6.2f}x  {limit}", flush=True)
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
