"""DifferentiateWith and SecondOrder between one engine and finite differences: the checks
each of adcore's plugins runs on its engine (tests/mixed runs every pair of engines).

Private: adcore's own plugin tests use it. ``sin`` and ``total`` are the engine's own
``sin`` and ``sum``, so that the subroutine ``g`` is written in the engine's operations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import adcore as ad

__all__ = ["X", "check_engine_inner", "check_engine_outer", "check_second_order"]

FD = ad.AutoFiniteDiff()
X = np.array([0.3, -1.2, 2.0, 0.7])
V = np.array([1.0, -0.5, 0.25, 2.0])
TOL = {"rtol": 1e-5, "atol": 1e-5}


def check_engine_outer(backend: Any) -> None:
    """``backend`` differentiates functions that call finite-difference subroutines."""
    g = ad.DifferentiateWith(lambda x: np.sum(x * np.sin(x)), FD)
    G = ad.DifferentiateWith(lambda x: x * np.sin(x), FD)
    _check(backend, g, G)


def check_engine_inner(backend: Any, sin: Callable[[Any], Any], total: Callable[[Any], Any]) -> None:
    """Finite differences differentiate functions that call subroutines in ``backend``'s
    engine, written with its ``sin`` and ``total`` (sum)."""
    g = ad.DifferentiateWith(lambda x: total(x * sin(x)), backend)
    G = ad.DifferentiateWith(lambda x: x * sin(x), backend)
    _check(FD, g, G)


def check_second_order(backend: Any) -> None:
    """``SecondOrder`` of ``backend`` and finite differences, either way round."""
    def f(x: Any) -> Any:
        xp = ad.array_namespace(x)
        return xp.sum(x * xp.sin(x)) ** 2

    s, c = np.sin(X), np.cos(X)
    g, dg = np.sum(X * s), s + X * c
    H = 2 * np.outer(dg, dg) + np.diag(2 * g * (2 * c - X * s))
    np.testing.assert_allclose(ad.hessian(f, ad.SecondOrder(backend, FD), X), H, **TOL)
    np.testing.assert_allclose(ad.hessian(f, ad.SecondOrder(FD, backend), X), H, **TOL)


def _check(outer: Any, g: Any, G: Any) -> None:
    """f = g(x)**2 + sum(x G(x)) with g = sum(x sin x), G = x sin x: its gradient and hvp;
    and the Jacobian of F(x) = G(x) x[0]; against the exact ones."""
    s, c = np.sin(X), np.cos(X)
    g0, dg = np.sum(X * s), s + X * c
    grad = 2 * g0 * dg + 2 * X * s + X ** 2 * c
    H = 2 * np.outer(dg, dg) + np.diag(2 * g0 * (2 * c - X * s) + 2 * s + 4 * X * c - X ** 2 * s)
    J = np.diag(dg) * X[0]
    J[:, 0] += X * s

    f = lambda x: g(x) ** 2 + ad.array_namespace(x).sum(x * G(x))
    np.testing.assert_allclose(ad.gradient(f, outer, X), grad, **TOL)
    np.testing.assert_allclose(ad.jacobian(lambda x: G(x) * x[0], outer, X), J, **TOL)
    np.testing.assert_allclose(ad.hvp(f, outer, X, (V,))[0], H @ V, **TOL)
