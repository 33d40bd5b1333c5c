"""``adcore demo``: the basic tutorial, live, with timings, then a Jacobian and an hvp."""

from __future__ import annotations

import sys
from typing import Any, TextIO

import numpy as np

import adcore as ad
from adcore._core.timing import format_seconds, measure

from . import render

__all__ = ["run_demo"]

#: The engine the closing hint names where no other is installed.
_SUGGESTED = "jax"

_SOURCE = """\
def f(x):
    xp = ad.array_namespace(x)      # numpy here, the engine's own functions under AD
    return xp.sum(x ** 2)
"""


def _f(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sum(x**2)


def _g(x: Any) -> Any:
    return x[1:] * x[:-1]


def run_demo(backend_name: str = "finitediff", stream: TextIO | None = None) -> int:
    """Run SPEC section 9's tutorial on one backend, printing each step and its time, then a
    Jacobian and a Hessian-vector product; 2 where the backend is not installed."""
    out = stream or sys.stdout

    def say(text: str = "") -> None:
        print(text, file=out)

    backend = render.chosen("demo", backend_name)
    if backend is None:
        return 2
    sync = backend.synchronize
    x = np.arange(1.0, 6.0)
    say(_SOURCE)
    say(f"x = {x!r}")
    say(f"backend = {backend!r}\n")

    grad = ad.gradient(_f, backend, x)
    plain = measure(lambda: ad.gradient(_f, backend, x), sync=sync)
    say(f"ad.gradient(f, backend, x)\n  -> {np.round(grad, 6)!r}   [{plain}]\n")

    buffer = np.empty_like(x)
    ad.gradient(_f, backend, x, out=buffer)
    filled = measure(lambda: ad.gradient(_f, backend, x, out=buffer), sync=sync)
    say(f"grad = np.empty_like(x); ad.gradient(f, backend, x, out=grad)\n"
        f"  -> fills grad with {np.round(buffer, 6)!r}   [{filled}]\n")

    prep = ad.prepare_gradient(_f, backend, np.zeros_like(x))
    prepared = measure(lambda: ad.gradient(_f, backend, x, prep=prep, out=buffer), sync=sync)
    say(f"prep = ad.prepare_gradient(f, backend, np.zeros_like(x))\n"
        f"ad.gradient(f, backend, x, prep=prep, out=grad)\n"
        f"  -> {np.round(buffer, 6)!r}   [{prepared}]\n")
    say(f"Preparation made the gradient {plain.median / prepared.median:.1f}x faster "
        f"({format_seconds(plain.median)} -> {format_seconds(prepared.median)} a call).\n")

    say("The same syntax for every operator, e.g. a Jacobian and a Hessian-vector product:\n")
    J = ad.jacobian(_g, backend, x)
    timed = measure(lambda: ad.jacobian(_g, backend, x), sync=sync, min_time=0.005, samples=3)
    say(f"ad.jacobian(lambda x: x[1:] * x[:-1], backend, x)   [{timed}]\n"
        f"{_indented(np.round(J, 6))}\n")
    v = np.ones_like(x)
    (hv,) = ad.hvp(_f, backend, x, (v,))
    timed = measure(lambda: ad.hvp(_f, backend, x, (v,)), sync=sync, min_time=0.005, samples=3)
    say(f"ad.hvp(f, backend, x, (np.ones_like(x),))\n  -> ({np.round(hv, 6)!r},)   [{timed}]\n")

    n = x.size
    exact = (2 * x, np.eye(n - 1, n) * x[1:, None] + np.eye(n - 1, n, k=1) * x[:-1, None], 2 * v)
    for what, found, expected in zip(("gradient", "Jacobian", "hvp"), (buffer, J, hv), exact):
        if not np.allclose(found, expected, rtol=1e-5, atol=1e-4):
            say(f"error: the {what} differs from the exact {expected!r}")
            return 1
    say(_next(backend.name))
    return 0


def _indented(a: Any) -> str:
    return "\n".join("  " + line for line in repr(a).splitlines())


def _next(used: str) -> str:
    """The closing hint: the demo again on another engine, one installed here if any."""
    others = [name for name in render.usable_names() if name != used]
    ready = [name for name in others if _ready(name)]
    ready.sort(key=lambda name: name == "finitediff")  # an AD engine first
    if ready:
        return f"Switch engines by changing the backend only: `adcore demo --backend {ready[0]}`."
    dist = f"adcore-{_SUGGESTED}"
    return ("Switch engines by changing the backend only. Install an engine's plugin from\n"
            "adcore's source tree, at its root (the constraints pin CPU builds of the engines):\n"
            f"    python -m pip install ./plugins/{dist} -c constraints.txt\n"
            f"(`pip install {dist}` once it is published), then: adcore demo --backend {_SUGGESTED}")


def _ready(name: str) -> bool:
    try:
        return bool(ad.backend(name).available())
    except Exception:  # a backend that needs options: not one to suggest bare
        return False
