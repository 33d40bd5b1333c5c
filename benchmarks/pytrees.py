"""Structured inputs: adcore's prepared gradient over a pytree against the engine's own best
call over the same pytree, in one run.

Rows, for each engine installed (JAX, torch) and finite differences:

- a 3-layer MLP (written once with `adcore.array_namespace`) whose parameters are a dict
  of six arrays: adcore's prepared `gradient` over the dict against `jax.jit(jax.grad)`
  over the same dict, and against `torch.autograd.grad(loss, params)` over
  `dict(model.named_parameters())`;
- the overhead of a pytree: on a function that costs next to nothing, adcore's prepared
  call minus the engine's own call, for a dict of six arrays and for one flat array of the
  same size; the row shows the difference of the two overheads (what the pytree costs
  adcore beyond what it costs the engine). For finite differences, which have no "own
  call", the difference of adcore's two prepared calls (the flattening and the check).

Each candidate is timed with `timeit` in loops of about 1 ms, one sample of each per
round, the order shuffled every round; the clock is this process's CPU time (other
processes on a shared machine do not count), and each side's time is its fastest sample
(other work only ever adds time). JAX runs with synchronous CPU dispatch, torch on one
thread.

Targets (issue 18): the MLP gradient at most 1.10x the engine's own; the pytree's
overhead at most 0.5 µs more than a flat array's on the engines that take pytrees
natively (JAX, torch). `--check` exits 1 when one is missed.

    python benchmarks/pytrees.py [--check] [--rounds N]
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import random
import sys
import time
import timeit
from collections.abc import Callable
from typing import Any

import numpy as np

import adcore as ad
from adcore._core.timing import format_seconds

SIZES = (32, 64, 64, 1)  # the MLP's layers
BATCH = 64


def mlp_loss(params: dict[str, Any], X: Any) -> Any:
    """The mean square output of a 3-layer tanh MLP, for any array family."""
    xp = ad.array_namespace(params["W1"])
    h = xp.tanh(X @ params["W1"] + params["b1"])
    h = xp.tanh(h @ params["W2"] + params["b2"])
    return xp.mean((h @ params["W3"] + params["b3"]) ** 2)


def tiny(params: dict[str, Any]) -> Any:
    """Next to no work, one entry of each leaf: what remains is the machinery around it."""
    return (params["W1"][0, 0] + params["b1"][0] + params["W2"][0, 0] + params["b2"][0]
            + params["W3"][0, 0] + params["b3"][0])


def tiny_flat_for(params: dict[str, Any]) -> Callable[[Any], Any]:
    """``tiny`` on one flat array of the size of ``params``: an entry of each leaf's place."""
    sizes = [int(np.prod(np.shape(params[k]))) for k in sorted(params)]
    a, b, c, d, e, f = np.cumsum([0, *sizes[:-1]]).tolist()

    def tiny_flat(v: Any) -> Any:
        return v[a] + v[b] + v[c] + v[d] + v[e] + v[f]

    return tiny_flat


def numpy_params(sizes: tuple[int, ...] = SIZES) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    params = {}
    for i, (m, n) in enumerate(itertools.pairwise(sizes), 1):
        params[f"W{i}"] = (rng.standard_normal((m, n)) / np.sqrt(m)).astype(np.float32)
        params[f"b{i}"] = np.zeros(n, dtype=np.float32)
    return params


def samples(runs: dict[str, Callable[[], Any]], rounds: int) -> dict[str, float]:
    """The fastest per-call CPU time of each run, one ~1 ms sample per round, shuffled."""
    timers = {name: timeit.Timer(run, timer=time.process_time) for name, run in runs.items()}
    loops = {}
    for name, timer in timers.items():
        timer.timeit(3)  # warm
        per = min(timeit.Timer(runs[name]).repeat(3, 10)) / 10
        loops[name] = max(1, int(0.001 / max(per, 1e-9)))
    best = dict.fromkeys(runs, float("inf"))
    order = list(runs)
    for _ in range(rounds):
        random.shuffle(order)
        for name in order:
            best[name] = min(best[name], timers[name].timeit(loops[name]) / loops[name])
    return best


def jax_rows(rounds: int) -> list[tuple[str, float, float, str, float | None]]:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_cpu_enable_async_dispatch", False)
    sync = jax.block_until_ready
    b = ad.AutoJAX()
    params = {k: jnp.asarray(v) for k, v in numpy_params().items()}
    X = ad.Constant(jnp.asarray(np.random.default_rng(1).standard_normal((BATCH, SIZES[0])),
                                dtype=jnp.float32))
    native = jax.jit(jax.grad(mlp_loss))
    prep = ad.prepare_gradient(mlp_loss, b, params, X)
    rows = []
    t = samples({"jax": lambda: sync(native(params, X.value)),
                 "adcore": lambda: sync(ad.gradient(mlp_loss, b, params, X, prep=prep))}, rounds)
    rows.append(("JAX: MLP gradient over a dict, prepared (vs jit(grad))", t["jax"], t["adcore"],
                 "ratio", 1.10))
    flat = jnp.concatenate([jnp.ravel(params[k]) for k in sorted(params)])
    tiny_flat = tiny_flat_for(params)
    tree_native, flat_native = jax.jit(jax.grad(tiny)), jax.jit(jax.grad(tiny_flat))
    tree_prep = ad.prepare_gradient(tiny, b, params)
    flat_prep = ad.prepare_gradient(tiny_flat, b, flat)
    t = samples({
        "tree jax": lambda: sync(tree_native(params)),
        "tree adcore": lambda: sync(ad.gradient(tiny, b, params, prep=tree_prep)),
        "flat jax": lambda: sync(flat_native(flat)),
        "flat adcore": lambda: sync(ad.gradient(tiny_flat, b, flat, prep=flat_prep)),
    }, rounds)
    rows.append(("JAX: overhead of a dict of 6 over a flat array", t["tree adcore"] - t["tree jax"],
                 t["flat adcore"] - t["flat jax"], "difference", 0.5e-6))
    return rows


def torch_rows(rounds: int) -> list[tuple[str, float, float, str, float | None]]:
    import torch

    torch.set_num_threads(1)
    b = ad.AutoTorch()
    model = torch.nn.Sequential(torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.Tanh(),
                                torch.nn.Linear(SIZES[1], SIZES[2]), torch.nn.Tanh(),
                                torch.nn.Linear(SIZES[2], SIZES[3]))
    # nn.Linear computes X @ W.T + b: the same MLP with the weights named as mlp_loss reads them
    params = {}
    for i, layer in enumerate(m for m in model if isinstance(m, torch.nn.Linear)):
        params[f"W{i + 1}"], params[f"b{i + 1}"] = layer.weight.T.detach().requires_grad_(), layer.bias
    X = ad.Constant(torch.randn(BATCH, SIZES[0]))
    leaves = list(params.values())
    prep = ad.prepare_gradient(mlp_loss, b, params, X)
    rows = []
    t = samples({
        "torch": lambda: torch.autograd.grad(mlp_loss(params, X.value), leaves),
        "adcore": lambda: ad.gradient(mlp_loss, b, params, X, prep=prep),
    }, rounds)
    rows.append(("torch: MLP gradient over its parameters, prepared (vs autograd.grad)",
                 t["torch"], t["adcore"], "ratio", 1.10))
    flat = torch.cat([p.detach().reshape(-1) for p in leaves]).requires_grad_()
    tiny_flat = tiny_flat_for(params)
    tree_prep = ad.prepare_gradient(tiny, b, params)
    flat_prep = ad.prepare_gradient(tiny_flat, b, flat.detach())
    t = samples({
        "tree torch": lambda: torch.autograd.grad(tiny(params), leaves, allow_unused=True),
        "tree adcore": lambda: ad.gradient(tiny, b, params, prep=tree_prep),
        "flat torch": lambda: torch.autograd.grad(tiny_flat(flat), flat),
        "flat adcore": lambda: ad.gradient(tiny_flat, b, flat.detach(), prep=flat_prep),
    }, rounds)
    rows.append(("torch: overhead of a dict of 6 over a flat array",
                 t["tree adcore"] - t["tree torch"], t["flat adcore"] - t["flat torch"],
                 "difference", 0.5e-6))
    return rows


def finitediff_rows(rounds: int) -> list[tuple[str, float, float, str, float | None]]:
    b = ad.AutoFiniteDiff()
    params = {k: v.astype(np.float64) for k, v in numpy_params((4, 4, 4, 1)).items()}
    flat = np.concatenate([params[k].ravel() for k in sorted(params)])
    tiny_flat = tiny_flat_for(params)
    tree_prep = ad.prepare_gradient(tiny, b, params)
    flat_prep = ad.prepare_gradient(tiny_flat, b, flat)
    t = samples({"tree": lambda: ad.gradient(tiny, b, params, prep=tree_prep),
                 "flat": lambda: ad.gradient(tiny_flat, b, flat, prep=flat_prep)}, rounds)
    return [("finite differences: a dict of 6 (45 entries) vs a flat array", t["tree"], t["flat"],
             "difference", None)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--rounds", type=int, default=30, help="rounds of samples per row")
    args = parser.parse_args()
    rows = []
    if importlib.util.find_spec("adcore_jax") and importlib.util.find_spec("jax"):
        rows += jax_rows(args.rounds)
    if importlib.util.find_spec("adcore_torch") and importlib.util.find_spec("torch"):
        rows += torch_rows(args.rounds)
    rows += finitediff_rows(args.rounds)
    print(f"{'row':70} {'a':>10} {'b':>10} {'result':>10}  target")
    ok = True
    for name, a, b, kind, target in rows:
        value = b / a if kind == "ratio" else a - b
        shown = f"{value:.2f}x" if kind == "ratio" else format_seconds(value)
        if target is None:
            verdict = "(for information)"
        else:
            good = value <= target
            ok &= good
            limit = f"{target:.2f}x" if kind == "ratio" else format_seconds(target)
            verdict = f"<= {limit} {'ok' if good else 'MISSED'}"
        print(f"{name:70} {format_seconds(a):>10} {format_seconds(b):>10} {shown:>10}  {verdict}")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
