"""The sparse family: Jacobians and Hessians with known sparsity, dense numpy references.

Each function is named after the structure of its matrix: diagonal, tridiagonal,
arrowhead (a dense first row and column on a diagonal), block diagonal.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import adcore as ad

from .._scenario import Scenario
from ._build import Fn, scenario
from ._second_order import ROSENBROCK

__all__ = ["sparse_scenarios"]

# --- Jacobians


def diagonal(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.exp(x) * xp.cos(x)


DIAGONAL = Fn(
    "diagonal", diagonal, jac=lambda x: np.diag((np.exp(x) * (np.cos(x) - np.sin(x))).ravel())
)


def tridiagonal(x: Any) -> Any:
    """y[i] = 2 sin(x[i]) - x[i-1]**2 + x[i+1]**3 / 3, missing neighbours taken as 0."""
    xp = ad.array_namespace(x)
    zero = 0 * x[:1]
    below = xp.concat([zero, x[:-1] * x[:-1]])
    above = xp.concat([x[1:] * x[1:] * x[1:] / 3, zero])
    return 2 * xp.sin(x) - below + above


def _tridiagonal_jac(x: Any) -> Any:
    j = np.diag(2 * np.cos(x))
    j += np.diag(-2 * x[:-1], -1)
    j += np.diag(x[1:] ** 2, 1)
    return j


TRIDIAGONAL = Fn("tridiagonal", tridiagonal, jac=_tridiagonal_jac)


def arrowhead(x: Any) -> Any:
    """y[0] = sum(x**2), y[i] = x[i] * x[0] + sin(x[i]) for i >= 1."""
    xp = ad.array_namespace(x)
    return xp.concat([xp.reshape(xp.sum(x * x), (1,)), x[1:] * x[0] + xp.sin(x[1:])])


def _arrowhead_jac(x: Any) -> Any:
    j = np.diag(x[0] + np.cos(x))
    j[0, :] = 2 * x
    j[1:, 0] = x[1:]
    return j


ARROWHEAD = Fn("arrowhead", arrowhead, jac=_arrowhead_jac)


def rowscale(x: Any) -> Any:
    """Y[i, j] = X[i, j] * sum(X[i, :]): one dense block per row."""
    xp = ad.array_namespace(x)
    return x * xp.sum(x, axis=1, keepdims=True)


def _rowscale_jac(x: Any) -> Any:
    p, q = x.shape
    j = np.zeros((p, q, p, q))
    for i in range(p):
        j[i, :, i, :] = x[i][:, None] + np.eye(q) * x[i].sum()
    return j


ROWSCALE = Fn("blockdiagonal", rowscale, jac=_rowscale_jac)

# --- Hessians


def cosquartic(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sum(xp.cos(x)) + xp.sum(x * x * x * x) / 12


COSQUARTIC = Fn(
    "diagonal", cosquartic,
    jac=lambda x: -np.sin(x) + x**3 / 3,
    second=lambda x: np.diag((x**2 - np.cos(x)).ravel()),
)

TRIDIAGONAL_H = Fn("tridiagonal", ROSENBROCK.f, jac=ROSENBROCK.jac, second=ROSENBROCK.second)


def arrowhead_scalar(x: Any) -> Any:
    """x[0] * sum(x[1:]**2) + sum(cos(x))."""
    xp = ad.array_namespace(x)
    return x[0] * xp.sum(x[1:] * x[1:]) + xp.sum(xp.cos(x))


def _arrowhead_grad(x: Any) -> Any:
    g = 2 * x[0] * x - np.sin(x)
    g[0] = np.sum(x[1:] ** 2) - np.sin(x[0])
    return g


def _arrowhead_hess(x: Any) -> Any:
    h = np.diag(2 * x[0] - np.cos(x))
    h[0, 0] = -np.cos(x[0])
    h[0, 1:] = h[1:, 0] = 2 * x[1:]
    return h


ARROWHEAD_H = Fn("arrowhead", arrowhead_scalar, jac=_arrowhead_grad, second=_arrowhead_hess)


def rowsquares(x: Any) -> Any:
    """sum over rows of (row sum)**2 / 2, plus sum(sin(X)): one dense block per row."""
    xp = ad.array_namespace(x)
    s = xp.sum(x, axis=1)
    return xp.sum(s * s) / 2 + xp.sum(xp.sin(x))


ROWSQUARES = Fn(
    "blockdiagonal", rowsquares,
    jac=lambda x: np.sum(x, axis=1, keepdims=True) + np.cos(x),
    second=lambda x: np.kron(np.eye(x.shape[0]), np.ones((x.shape[1], x.shape[1])))
    - np.diag(np.sin(x).ravel()),
)

XS = np.array([0.4, -0.7, 1.1, 0.2, -0.3, 0.8])
XSM = np.array([[0.3, -0.5, 0.9], [0.6, 0.1, -0.8]])


def sparse_scenarios() -> list[Scenario]:
    """Jacobians and Hessians that are diagonal, tridiagonal, arrowhead or block diagonal."""
    tags = ("sparse",)
    return [
        scenario("jacobian", DIAGONAL, XS, tags=tags),
        scenario("jacobian", DIAGONAL, XSM, tags=tags),
        scenario("jacobian", TRIDIAGONAL, XS, tags=tags),
        scenario("jacobian", ARROWHEAD, XS, tags=tags),
        scenario("jacobian", ROWSCALE, XSM, tags=tags),
        scenario("hessian", COSQUARTIC, XS, tags=tags),
        scenario("hessian", TRIDIAGONAL_H, XS, tags=tags),
        scenario("hessian", ARROWHEAD_H, XS, tags=tags),
        scenario("hessian", ROWSQUARES, XSM, tags=tags),
    ]
