"""The context family: functions of ``x`` and ``Constant``/``Cache`` arguments.

Scenarios with a ``Constant`` are tagged ``"constant"``, those with a ``Cache``
``"cache"``: a function that writes into a cache needs a mutable array family
(numpy, torch) that can hold the engine's values, so a backend may skip them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import adcore as ad

from .._scenario import Scenario
from ._build import Fn, scenario
from ._first_order import TV, X0, XF, XV

__all__ = ["context_scenarios"]

A = np.array([1.5, -0.5, 2.0, 0.25])  # weights like XV
M = np.array([[1.0, 2.0, 0.0, -1.0], [0.0, -1.0, 3.0, 0.5]])  # a matrix acting on XV
V3 = np.array([1.0, -2.0, 0.5])

# --- Constant


def weighted_sin(x: Any, a: Any) -> Any:
    xp = ad.array_namespace(x, a)
    return xp.sum(a * xp.sin(x))


WEIGHTED_SIN = Fn(
    "weightedsin", weighted_sin,
    jac=lambda x, a: a * np.cos(x),
    second=lambda x, a: np.diag(-a * np.sin(x)),
)


def matvec_sin(x: Any, m: Any) -> Any:
    xp = ad.array_namespace(x, m)
    return xp.matmul(m, xp.sin(x))


MATVEC_SIN = Fn("matvecsin", matvec_sin, jac=lambda x, m: m * np.cos(x)[None, :])


def matvec_sin_inplace(y: Any, x: Any, m: Any) -> None:
    xp = ad.array_namespace(x, m)
    y[...] = xp.matmul(m, xp.sin(x))


MATVEC_SIN_INPLACE = Fn("matvecsin", matvec_sin_inplace, jac=MATVEC_SIN.jac)


def scaled_trig(x: Any, c: Any) -> Any:
    xp = ad.array_namespace(x)
    return c * xp.stack([xp.sin(x), x * x])


SCALED_TRIG = Fn(
    "scaledtrig", scaled_trig,
    jac=lambda x, c: c * np.stack([np.cos(x), 2 * x]),
    second=lambda x, c: c * np.stack([-np.sin(x), 2 + 0 * x]),
)


def weighted_cube(x: Any, v: Any) -> Any:
    return v * (x * x * x)


WEIGHTED_CUBE = Fn(
    "weightedcube", weighted_cube, jac=lambda x, v: 3 * v * x**2, second=lambda x, v: 6 * v * x
)

# --- Cache


def cached_sumsq_sin(x: Any, cache: Any) -> Any:
    xp = ad.array_namespace(x)
    cache[...] = xp.sin(x)
    return xp.sum(cache * cache)


CACHED_SUMSQ_SIN = Fn(
    "cachedsumsqsin", cached_sumsq_sin,
    jac=lambda x, c: np.sin(2 * x),
    second=lambda x, c: np.diag(2 * np.cos(2 * x)),
)


def cached_gauss(x: Any, cache: Any) -> Any:
    xp = ad.array_namespace(x)
    cache[...] = x * x
    return xp.exp(-cache)


CACHED_GAUSS = Fn("cachedgauss", cached_gauss, jac=lambda x, c: np.diag(-2 * x * np.exp(-(x**2))))


def cached_pair(x: Any, cache: Any) -> Any:
    xp = ad.array_namespace(x)
    cache[0] = xp.sin(x)
    cache[1] = xp.cos(x)
    return cache * x


CACHED_PAIR = Fn(
    "cachedpair", cached_pair,
    jac=lambda x, c: np.stack([np.sin(x) + x * np.cos(x), np.cos(x) - x * np.sin(x)]),
    second=lambda x, c: np.stack(
        [2 * np.cos(x) - x * np.sin(x), -2 * np.sin(x) - x * np.cos(x)]
    ),
)


def cached_scaled_exp(x: Any, a: Any, cache: Any) -> Any:
    """A Constant and a Cache together: sum(exp(a * x)) through the cache."""
    xp = ad.array_namespace(x, a)
    cache[...] = a * x
    return xp.sum(xp.exp(cache))


CACHED_SCALED_EXP = Fn(
    "cachedscaledexp", cached_scaled_exp,
    jac=lambda x, a, c: a * np.exp(a * x),
    second=lambda x, a, c: np.diag(a**2 * np.exp(a * x)),
)


def context_scenarios() -> list[Scenario]:
    """Scenarios with ``adcore.Constant`` and ``adcore.Cache`` contexts, first and second order."""
    const, cache = ("context", "constant"), ("context", "cache")

    def s(operator: str, fn: Fn, x: Any, contexts: tuple[Any, ...], tags: tuple[str, ...],
          tangents: Any = None, y: Any = None) -> Scenario:
        suffix = "-" + "-".join(type(c).__name__.lower() for c in contexts)
        return scenario(operator, fn, x, tangents=tangents, contexts=contexts, y=y, tags=tags,
                        suffix=suffix + ("-inplace" if y is not None else ""))

    a, m = ad.Constant(A), ad.Constant(M)
    return [
        s("gradient", WEIGHTED_SIN, XV, (a,), const),
        s("hessian", WEIGHTED_SIN, XV, (a,), const),
        s("hvp", WEIGHTED_SIN, XV, (a,), const, TV),
        s("pushforward", WEIGHTED_SIN, XV, (a,), const, TV[:1]),
        s("jacobian", MATVEC_SIN, XV, (m,), const),
        s("pushforward", MATVEC_SIN, XV, (m,), const, TV),
        s("pullback", MATVEC_SIN, XV, (m,), const, (np.array([1.0, -0.5]),)),
        s("jacobian", MATVEC_SIN_INPLACE, XV, (m,), (*const, "inplace"), y=np.zeros(2)),
        s("derivative", SCALED_TRIG, XF, (ad.Constant(2.5),), const),
        s("second_derivative", SCALED_TRIG, X0, (ad.Constant(-1.5),), const),
        s("derivative", WEIGHTED_CUBE, XF, (ad.Constant(V3),), const),
        s("second_derivative", WEIGHTED_CUBE, XF, (ad.Constant(V3),), const),
        s("gradient", CACHED_SUMSQ_SIN, XV, (ad.Cache(np.zeros(4)),), cache),
        s("hessian", CACHED_SUMSQ_SIN, XV, (ad.Cache(np.zeros(4)),), cache),
        s("hvp", CACHED_SUMSQ_SIN, XV, (ad.Cache(np.zeros(4)),), cache, TV[1:]),
        s("jacobian", CACHED_GAUSS, XV, (ad.Cache(np.zeros(4)),), cache),
        s("pushforward", CACHED_GAUSS, XV, (ad.Cache(np.zeros(4)),), cache, TV),
        s("pullback", CACHED_GAUSS, XV, (ad.Cache(np.zeros(4)),), cache, TV[:1]),
        s("derivative", CACHED_PAIR, XF, (ad.Cache(np.zeros(2)),), cache),
        s("second_derivative", CACHED_PAIR, X0, (ad.Cache(np.zeros(2)),), cache),
        s("gradient", CACHED_SCALED_EXP, XV, (a, ad.Cache(np.zeros(4))), (*const, "cache")),
        s("hessian", CACHED_SCALED_EXP, XV, (a, ad.Cache(np.zeros(4))), (*const, "cache")),
    ]
