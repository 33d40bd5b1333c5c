"""First-order test functions, each with its Jacobian (and second derivative) by hand.

Every ``f`` is written once through ``adcore.array_namespace`` so that it runs
on any array family; the closed forms beside it are plain numpy, evaluated on
float64 ``x``. Scalar ``x`` may be a Python float or a 0-d array.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import adcore as ad

from ._build import Fn

# --- scalar -> any


def expsin(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.exp(x / 2) * xp.sin(x)


EXPSIN = Fn(
    "expsin", expsin,
    jac=lambda x: np.exp(x / 2) * (np.sin(x) / 2 + np.cos(x)),
    second=lambda x: np.exp(x / 2) * (np.cos(x) - 0.75 * np.sin(x)),
)


def trig(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.stack([xp.sin(x), xp.cos(2 * x), x * x * x])


TRIG = Fn(
    "trig", trig,
    jac=lambda x: np.stack([np.cos(x), -2 * np.sin(2 * x), 3 * x**2]),
    second=lambda x: np.stack([-np.sin(x), -4 * np.cos(2 * x), 6 * x]),
)


def trigcol(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.reshape(trig(x), (3, 1))


TRIGCOL = Fn("trigcol", trigcol, jac=TRIG.jac, second=TRIG.second)


def tanh1(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.stack([xp.tanh(x)])


TANH1 = Fn(
    "tanh1", tanh1,
    jac=lambda x: 1 - np.tanh(x) ** 2,
    second=lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2),
)


def grid(x: Any) -> Any:
    xp = ad.array_namespace(x)
    entries = [xp.sin(x), xp.cos(x), x * x, xp.exp(-x), xp.log(1 + x * x), 2 * x]
    return xp.reshape(xp.stack(entries), (2, 3))


GRID = Fn(
    "grid", grid,
    jac=lambda x: np.stack(
        [np.cos(x), -np.sin(x), 2 * x, -np.exp(-x), 2 * x / (1 + x**2), 2 + 0 * x]
    ),
    second=lambda x: np.stack(
        [-np.sin(x), -np.cos(x), 2 + 0 * x, np.exp(-x), 2 * (1 - x**2) / (1 + x**2) ** 2, 0 * x]
    ),
)


# --- array -> scalar


def sinx(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sum(xp.sin(x) * x)


SINX = Fn(
    "sinx", sinx,
    jac=lambda x: np.cos(x) * x + np.sin(x),
    second=lambda x: np.diag((2 * np.cos(x) - x * np.sin(x)).ravel()),
)


def logsumsq(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.log(1 + xp.sum(x * x))


def _logsumsq_hess(x: Any) -> Any:
    v, s = x.ravel(), 1 + np.sum(x**2)
    return 2 * np.eye(v.size) / s - 4 * np.outer(v, v) / s**2


LOGSUMSQ = Fn(
    "logsumsq", logsumsq, jac=lambda x: 2 * x / (1 + np.sum(x**2)), second=_logsumsq_hess
)


def expx(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sum(xp.exp(x) * x)


EXPX = Fn(
    "expx", expx,
    jac=lambda x: np.exp(x) * (1 + x),
    second=lambda x: np.diag((np.exp(x) * (2 + x)).ravel()),
)


def rowpairs(x: Any) -> Any:
    """sum(sin(X)) plus the products of horizontal neighbours: the Hessian shows C order."""
    xp = ad.array_namespace(x)
    return xp.sum(xp.sin(x)) + xp.sum(x[:, :-1] * x[:, 1:])


def _rowpairs_grad(x: Any) -> Any:
    g = np.cos(x)
    g[:, :-1] += x[:, 1:]
    g[:, 1:] += x[:, :-1]
    return g


def _rowpairs_hess(x: Any) -> Any:
    p, q = x.shape
    h = np.diag(-np.sin(x).ravel())
    for i in range(p):
        for j in range(q - 1):
            k = i * q + j
            h[k, k + 1] = h[k + 1, k] = 1.0
    return h


ROWPAIRS = Fn("rowpairs", rowpairs, jac=_rowpairs_grad, second=_rowpairs_hess)

# --- array -> array


def shiftprod(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sin(x[:-1]) * x[1:]


def _shiftprod_jac(x: Any) -> Any:
    n = x.size
    j = np.zeros((n - 1, n))
    for i in range(n - 1):
        j[i, i] = np.cos(x[i]) * x[i + 1]
        j[i, i + 1] = np.sin(x[i])
    return j


SHIFTPROD = Fn("shiftprod", shiftprod, jac=_shiftprod_jac)


def scalefirst(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sin(x) * x[0]


def _scalefirst_jac(x: Any) -> Any:
    j = np.diag(x[0] * np.cos(x))
    j[:, 0] += np.sin(x)
    return j


SCALEFIRST = Fn("scalefirst", scalefirst, jac=_scalefirst_jac)


def sumsq1(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.reshape(xp.sum(x * x), (1,))


SUMSQ1 = Fn("sumsq1", sumsq1, jac=lambda x: 2 * x)


def outer(x: Any) -> Any:
    """Y[i, j] = x[i] * sin(x[j]) for j < 2."""
    xp = ad.array_namespace(x)
    return x[:, None] * xp.sin(x[None, :2])


def _outer_jac(x: Any) -> Any:
    n = x.size
    j = np.zeros((n, 2, n))
    for a in range(n):
        for b in range(2):
            j[a, b, a] += np.sin(x[b])
            j[a, b, b] += x[a] * np.cos(x[b])
    return j


OUTER = Fn("outer", outer, jac=_outer_jac)


def rowsum(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sum(x * xp.sin(x), axis=1)


def _rowsum_jac(x: Any) -> Any:
    p, q = x.shape
    j = np.zeros((p, p, q))
    for i in range(p):
        j[i, i, :] = np.sin(x[i]) + x[i] * np.cos(x[i])
    return j


ROWSUM = Fn("rowsum", rowsum, jac=_rowsum_jac)


def gram(x: Any) -> Any:
    # matmul and matrix_transpose, not @ and .T, which not every array family has.
    xp = ad.array_namespace(x)
    return xp.matmul(x, xp.matrix_transpose(x))


def _gram_jac(x: Any) -> Any:
    p, q = x.shape
    j = np.zeros((p, p, p, q))
    for i in range(p):
        for k in range(p):
            j[i, k, i, :] += x[k]
            j[i, k, k, :] += x[i]
    return j


GRAM = Fn("gram", gram, jac=_gram_jac)


def transposesq(x: Any) -> Any:
    return ad.array_namespace(x).matrix_transpose(x * x)


def _transposesq_jac(x: Any) -> Any:
    p, q = x.shape
    j = np.zeros((q, p, p, q))
    for a in range(p):
        for b in range(q):
            j[b, a, a, b] = 2 * x[a, b]
    return j


TRANSPOSESQ = Fn("transposesq", transposesq, jac=_transposesq_jac)
