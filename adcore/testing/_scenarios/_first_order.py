"""The default, in-place and float32 scenario families."""

from __future__ import annotations

from typing import Any

import numpy as np

import adcore as ad

from .._scenario import Scenario
from . import _functions as F
from ._build import Fn, scenario

__all__ = ["default_scenarios", "float32_scenarios", "inplace_scenarios"]

# Points and tangents: values of order one, where every function is smooth.
XF = 0.7  # a Python float
X0 = np.asarray(-0.4)
XV = np.array([0.3, -0.5, 0.8, 1.1])
XV1 = np.array([0.6])
XV3 = np.array([0.9, -0.2, 0.4])
XM = np.array([[0.2, -0.4, 0.7], [1.0, -0.3, 0.5]])
XCOL = np.array([[0.5], [-0.8], [0.3]])
XROW = np.array([[0.1, 0.9, -0.6, 0.4]])
X3D = np.array([[[0.3, -0.6]], [[0.8, 0.1]]])

TV = (np.array([1.0, -0.5, 0.25, 2.0]), np.array([0.0, 1.0, -1.0, 0.5]))
TV3 = (np.array([0.5, 1.0, -2.0]), np.array([1.5, 0.0, 0.3]))
TM = (np.array([[1.0, 0.0, -0.5], [0.3, 2.0, 1.0]]), np.array([[0.0, -1.0, 0.2], [1.0, 0.5, 0.0]]))
TCOL = (np.array([[1.0], [-0.5], [2.0]]), np.array([[0.2], [0.4], [-1.0]]))


def _like(ts: tuple[Any, ...], k: int = 1) -> tuple[Any, ...]:
    return ts[:k]


def default_scenarios() -> list[Scenario]:
    """Out-of-place scenarios on float64 numpy inputs, for every operator where it applies."""
    tags = ("default",)

    def s(operator: str, fn: Any, x: Any, tangents: Any = None, suffix: str = "") -> Scenario:
        return scenario(operator, fn, x, tangents=tangents, tags=tags, suffix=suffix)

    scalar_x = []
    for x in (XF, X0):
        for fn in (F.EXPSIN, F.TRIG, F.GRID):
            scalar_x += [s("derivative", fn, x), s("second_derivative", fn, x)]
    scalar_x += [
        s("derivative", F.TANH1, XF),
        s("second_derivative", F.TANH1, X0),
        s("derivative", F.TRIGCOL, X0),
        s("pushforward", F.EXPSIN, XF, (1.0,)),
        s("pushforward", F.EXPSIN, X0, (np.asarray(-2.0),)),
        s("pushforward", F.TRIG, XF, (1.0,)),
        s("pushforward", F.TRIG, X0, (np.asarray(1.5), np.asarray(-0.5))),
        s("pushforward", F.GRID, XF, (0.5, -2.0)),
        s("pushforward", F.GRID, X0, (np.asarray(1.0),)),
        s("pullback", F.EXPSIN, XF, (0.5,)),
        s("pullback", F.EXPSIN, X0, (np.asarray(1.5),)),
        s("pullback", F.TRIG, XF, (np.array([1.0, -0.5, 2.0]), np.array([0.0, 1.0, 0.5]))),
        s("pullback", F.TRIG, X0, (np.array([0.3, 0.2, -1.0]),)),
        s("pullback", F.GRID, XF, (np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.1]]),)),
        s("pullback", F.GRID, X0, (np.ones((2, 3)), np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, 0.3]]))),
    ]
    to_scalar = [
        s("gradient", F.SINX, XV),
        s("gradient", F.LOGSUMSQ, XV),
        s("gradient", F.EXPX, XV1),
        s("gradient", F.ROWPAIRS, XM),
        s("gradient", F.LOGSUMSQ, XCOL),
        s("gradient", F.LOGSUMSQ, X3D),
        s("hessian", F.SINX, XV),
        s("hessian", F.LOGSUMSQ, XV),
        s("hessian", F.EXPX, XV1),
        s("hessian", F.ROWPAIRS, XM),
        s("hvp", F.SINX, XV, TV),
        s("hvp", F.LOGSUMSQ, XV, _like(TV)),
        s("hvp", F.ROWPAIRS, XM, TM),
        s("pushforward", F.SINX, XV, TV),
        s("pushforward", F.ROWPAIRS, XM, _like(TM)),
        s("pullback", F.LOGSUMSQ, XV, (np.asarray(1.3),)),
        s("pullback", F.ROWPAIRS, XM, (np.asarray(1.0), np.asarray(-0.5))),
    ]
    to_array = [
        s("jacobian", F.SHIFTPROD, XV),
        s("jacobian", F.SCALEFIRST, XV3),
        s("jacobian", F.SCALEFIRST, XV1, suffix="-size1"),
        s("jacobian", F.SUMSQ1, XV3),
        s("jacobian", F.OUTER, XV3),
        s("jacobian", F.ROWSUM, XM),
        s("jacobian", F.ROWSUM, XROW, suffix="-row"),
        s("jacobian", F.GRAM, XM),
        s("jacobian", F.TRANSPOSESQ, XCOL),
        s("pushforward", F.SHIFTPROD, XV, (*TV, np.ones(4))),
        s("pushforward", F.SCALEFIRST, XV3, _like(TV3)),
        s("pushforward", F.OUTER, XV3, TV3),
        s("pushforward", F.ROWSUM, XM, TM),
        s("pushforward", F.GRAM, XM, _like(TM)),
        s("pushforward", F.TRANSPOSESQ, XCOL, TCOL),
        s("pullback", F.SHIFTPROD, XV, (np.array([1.0, -1.0, 0.5]), np.array([0.2, 0.0, 2.0]))),
        s("pullback", F.SCALEFIRST, XV3, (np.array([0.5, 1.0, -0.5]),)),
        s("pullback", F.SUMSQ1, XV3, (np.array([2.0]),)),
        s("pullback", F.OUTER, XV3, (np.ones((3, 2)), np.array([[1.0, 0.0], [0.0, -1.0], [0.5, 0.5]]))),
        s("pullback", F.ROWSUM, XM, (np.array([1.0, -2.0]),)),
        s("pullback", F.GRAM, XM, (np.array([[1.0, 0.5], [0.5, -1.0]]), np.array([[0.0, 1.0], [0.0, 0.0]]))),
        s("pullback", F.TRANSPOSESQ, XCOL, (np.array([[1.0, -1.0, 0.5]]),)),
    ]
    return scalar_x + to_scalar + to_array


# --- in-place versions: whole writes and writes by parts into y


def trig_inplace(y: Any, x: Any) -> None:
    xp = ad.array_namespace(x)
    y[0] = xp.sin(x)
    y[1] = xp.cos(2 * x)
    y[2] = x * x * x


TRIG_INPLACE = Fn("trig", trig_inplace, jac=F.TRIG.jac)


def grid_inplace(y: Any, x: Any) -> None:
    xp = ad.array_namespace(x)
    y[0, :] = xp.stack([xp.sin(x), xp.cos(x), x * x])
    y[1, :] = xp.stack([xp.exp(-x), xp.log(1 + x * x), 2 * x])


GRID_INPLACE = Fn("grid", grid_inplace, jac=F.GRID.jac)


def shiftprod_inplace(y: Any, x: Any) -> None:
    xp = ad.array_namespace(x)
    y[...] = xp.sin(x[:-1]) * x[1:]


SHIFTPROD_INPLACE = Fn("shiftprod", shiftprod_inplace, jac=F.SHIFTPROD.jac)


def scalefirst_inplace(y: Any, x: Any) -> None:
    xp = ad.array_namespace(x)
    y[0] = xp.sin(x[0]) * x[0]
    y[1:] = xp.sin(x[1:]) * x[0]


SCALEFIRST_INPLACE = Fn("scalefirst", scalefirst_inplace, jac=F.SCALEFIRST.jac)


def outer_inplace(y: Any, x: Any) -> None:
    xp = ad.array_namespace(x)
    y[:, 0] = x * xp.sin(x[0])
    y[:, 1] = x * xp.sin(x[1])


OUTER_INPLACE = Fn("outer", outer_inplace, jac=F.OUTER.jac)


def gram_inplace(y: Any, x: Any) -> None:
    xp = ad.array_namespace(x)
    y[...] = xp.matmul(x, xp.matrix_transpose(x))


GRAM_INPLACE = Fn("gram", gram_inplace, jac=F.GRAM.jac)


def inplace_scenarios() -> list[Scenario]:
    """In-place ``f(y, x)`` scenarios for the operators that take them, with a numpy ``y``."""
    tags = ("inplace",)

    def s(operator: str, fn: Any, x: Any, yshape: tuple[int, ...], tangents: Any = None) -> Scenario:
        y = np.zeros(yshape, dtype=np.asarray(x).dtype)
        return scenario(operator, fn, x, tangents=tangents, y=y, tags=tags, suffix="-inplace")

    return [
        s("derivative", TRIG_INPLACE, XF, (3,)),
        s("derivative", GRID_INPLACE, X0, (2, 3)),
        s("jacobian", SHIFTPROD_INPLACE, XV, (3,)),
        s("jacobian", SCALEFIRST_INPLACE, XV3, (3,)),
        s("jacobian", OUTER_INPLACE, XV3, (3, 2)),
        s("jacobian", GRAM_INPLACE, XM, (2, 2)),
        s("pushforward", TRIG_INPLACE, X0, (3,), (np.asarray(1.0), np.asarray(-2.0))),
        s("pushforward", SHIFTPROD_INPLACE, XV, (3,), TV),
        s("pushforward", GRAM_INPLACE, XM, (2, 2), _like(TM)),
        s("pullback", GRID_INPLACE, XF, (2, 3), (np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.1]]),)),
        s("pullback", SCALEFIRST_INPLACE, XV3, (3,), (np.array([0.5, 1.0, -0.5]), np.ones(3))),
        s("pullback", OUTER_INPLACE, XV3, (3, 2), (np.array([[1.0, 0.0], [0.0, -1.0], [0.5, 0.5]]),)),
    ]


def float32_scenarios() -> list[Scenario]:
    """First-order scenarios on float32 inputs, with float32 references."""
    tags = ("float32",)

    def s(operator: str, fn: Any, x: Any, tangents: Any = None) -> Scenario:
        t32 = None if tangents is None else tuple(np.asarray(t, dtype=np.float32) for t in tangents)
        return scenario(operator, fn, np.asarray(x, dtype=np.float32), tangents=t32, tags=tags,
                        suffix="-float32")

    return [
        s("derivative", F.EXPSIN, X0),
        s("derivative", F.TRIG, X0),
        s("derivative", F.GRID, X0),
        s("gradient", F.SINX, XV),
        s("gradient", F.ROWPAIRS, XM),
        s("jacobian", F.SHIFTPROD, XV),
        s("jacobian", F.OUTER, XV3),
        s("jacobian", F.GRAM, XM),
        s("pushforward", F.TRIG, X0, (1.5,)),
        s("pushforward", F.SHIFTPROD, XV, TV),
        s("pushforward", F.ROWSUM, XM, _like(TM)),
        s("pullback", F.SINX, XV, (1.0,)),
        s("pullback", F.SCALEFIRST, XV3, (np.array([0.5, 1.0, -0.5]), np.ones(3))),
        s("pullback", F.GRAM, XM, (np.array([[1.0, 0.5], [0.5, -1.0]]),)),
    ]
