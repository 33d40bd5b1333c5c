"""``adcore demo``: the basic tutorial, live, with timings."""

from __future__ import annotations

import sys
from typing import Any, TextIO

import numpy as np

import adcore as ad
from adcore._core.timing import format_seconds, measure

__all__ = ["run_demo"]


def _f(x: Any) -> Any:
    return (x**2).sum()


def run_demo(backend_name: str = "finitediff", stream: TextIO | None = None) -> int:
    """Run SPEC section 9's tutorial on one backend, printing each step and its time."""
    out = stream or sys.stdout

    def say(text: str = "") -> None:
        print(text, file=out)

    backend = ad.backend(backend_name)
    x = np.arange(1.0, 6.0)
    say("def f(x):\n    return (x ** 2).sum()\n")
    say(f"x = {x!r}")
    say(f"backend = {backend!r}\n")

    grad = ad.gradient(_f, backend, x)
    plain = measure(lambda: ad.gradient(_f, backend, x), sync=backend.synchronize)
    say(f"ad.gradient(f, backend, x)\n  -> {np.round(grad, 6)!r}   [{plain}]\n")

    buffer = np.empty_like(x)
    ad.gradient(_f, backend, x, out=buffer)
    filled = measure(lambda: ad.gradient(_f, backend, x, out=buffer), sync=backend.synchronize)
    say(f"grad = np.empty_like(x); ad.gradient(f, backend, x, out=grad)\n"
        f"  -> fills grad with {np.round(buffer, 6)!r}   [{filled}]\n")

    prep = ad.prepare_gradient(_f, backend, np.zeros_like(x))
    prepared = measure(lambda: ad.gradient(_f, backend, x, prep=prep, out=buffer),
                       sync=backend.synchronize)
    say(f"prep = ad.prepare_gradient(f, backend, np.zeros_like(x))\n"
        f"ad.gradient(f, backend, x, prep=prep, out=grad)\n"
        f"  -> {np.round(buffer, 6)!r}   [{prepared}]\n")

    say(f"Preparation made the gradient {plain.median / prepared.median:.1f}x faster "
        f"({format_seconds(plain.median)} -> {format_seconds(prepared.median)} a call).")
    expected = 2 * x
    if not np.allclose(buffer, expected, rtol=1e-5):
        say(f"error: the gradient differs from the exact {expected!r}")
        return 1
    say("Switch engines by changing the backend only: `adcore demo --backend jax`.")
    return 0
