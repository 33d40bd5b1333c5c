"""The second-order family: second derivatives, Hessians and Hessian-vector products."""

from __future__ import annotations

from typing import Any

import numpy as np

import adcore as ad

from .._scenario import Scenario
from ._build import Fn, scenario

__all__ = ["ROSENBROCK", "rosenbrock", "second_order_scenarios"]


def cubic(x: Any) -> Any:
    return x * x * x - 2 * x


CUBIC = Fn("cubic", cubic, jac=lambda x: 3 * x**2 - 2, second=lambda x: 6 * x)


def tanhexp(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.stack([xp.tanh(x), x * xp.exp(x)])


TANHEXP = Fn(
    "tanhexp", tanhexp,
    jac=lambda x: np.stack([1 - np.tanh(x) ** 2, np.exp(x) * (1 + x)]),
    second=lambda x: np.stack([-2 * np.tanh(x) * (1 - np.tanh(x) ** 2), np.exp(x) * (2 + x)]),
)


def square_grid(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.reshape(xp.stack([xp.sin(2 * x), x * x, xp.cos(x), xp.exp(x / 3)]), (2, 2))


SQUARE_GRID = Fn(
    "squaregrid", square_grid,
    jac=lambda x: np.stack([2 * np.cos(2 * x), 2 * x, -np.sin(x), np.exp(x / 3) / 3]),
    second=lambda x: np.stack([-4 * np.sin(2 * x), 2 + 0 * x, -np.cos(x), np.exp(x / 3) / 9]),
)


def rosenbrock(x: Any) -> Any:
    """sum((x[i+1] - x[i]**2)**2 + (1 - x[i])**2): a tridiagonal Hessian."""
    xp = ad.array_namespace(x)
    return xp.sum((x[1:] - x[:-1] * x[:-1]) ** 2 + (1 - x[:-1]) ** 2)


def _rosenbrock_grad(x: Any) -> Any:
    g = np.zeros_like(x)
    g[:-1] += -4 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 2 * (x[1:] - x[:-1] ** 2)
    return g


def _rosenbrock_hess(x: Any) -> Any:
    n = x.size
    h = np.zeros((n, n))
    for i in range(n - 1):
        h[i, i] += 12 * x[i] ** 2 - 4 * x[i + 1] + 2
        h[i + 1, i + 1] += 2
        h[i, i + 1] = h[i + 1, i] = -4 * x[i]
    return h


ROSENBROCK = Fn("rosenbrock", rosenbrock, jac=_rosenbrock_grad, second=_rosenbrock_hess)


def logsumexp(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.log(xp.sum(xp.exp(x)))


def _softmax(x: Any) -> Any:
    e = np.exp(x.ravel())
    return e / e.sum()


LOGSUMEXP = Fn(
    "logsumexp", logsumexp,
    jac=_softmax,
    second=lambda x: np.diag(_softmax(x)) - np.outer(_softmax(x), _softmax(x)),
)


def det2(x: Any) -> Any:
    """The determinant of a 2x2 matrix: a constant, off-diagonal Hessian."""
    return x[0, 0] * x[1, 1] - x[0, 1] * x[1, 0]


DET2 = Fn(
    "det2", det2,
    jac=lambda x: np.array([[x[1, 1], -x[1, 0]], [-x[0, 1], x[0, 0]]]),
    second=lambda x: np.array(
        [[0.0, 0.0, 0.0, 1.0], [0.0, 0.0, -1.0, 0.0], [0.0, -1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]]
    ),
)

XF = 0.8
X0 = np.asarray(-0.6)
XR = np.array([0.5, -0.3, 0.9, 0.2])
TR = (np.array([1.0, 0.0, -1.0, 0.5]), np.array([0.3, 2.0, 0.0, -0.4]))
X3D = np.array([[[0.2, -0.7, 0.4]], [[1.0, 0.0, -0.3]]])
T3D = (np.array([[[1.0, 0.5, -1.0]], [[0.0, 2.0, 0.3]]]),)
XD = np.array([[0.7, -0.2], [0.4, 1.1]])
TD = (np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.5, -1.0], [2.0, 0.0]]))


def second_order_scenarios() -> list[Scenario]:
    """Second derivatives, Hessians and HVPs on float64 inputs, beyond the default family."""
    tags = ("second_order",)

    def s(operator: str, fn: Fn, x: Any, tangents: Any = None) -> Scenario:
        return scenario(operator, fn, x, tangents=tangents, tags=tags)

    return [
        s("second_derivative", CUBIC, XF),
        s("second_derivative", CUBIC, X0),
        s("second_derivative", TANHEXP, XF),
        s("second_derivative", TANHEXP, X0),
        s("second_derivative", SQUARE_GRID, XF),
        s("second_derivative", SQUARE_GRID, X0),
        s("hessian", ROSENBROCK, XR),
        s("hessian", LOGSUMEXP, X3D),
        s("hessian", DET2, XD),
        s("hvp", ROSENBROCK, XR, TR),
        s("hvp", LOGSUMEXP, X3D, T3D),
        s("hvp", DET2, XD, TD),
    ]
