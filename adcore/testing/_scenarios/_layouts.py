"""The layout family: ``x`` in every memory layout, and functions whose value is ``x``.

SPEC 10: any strides are accepted (non-contiguous views, Fortran order, negative
strides, 0-d, empty arrays where the operator defines a result), and a result never
shares memory with an argument. The layouts themselves are in ``.._layouts``; the
suite lays out ``x`` and its tangents again in each array family.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import adcore as ad

from .._layouts import LAYOUTS, build
from .._scenario import Scenario
from . import _functions as F
from ._build import Fn, scenario
from ._first_order import TM, X0, XM, XV

__all__ = ["layout_scenarios"]


def cubesum(x: Any) -> Any:
    """x * sum(x * x), of any shape: every output reads every input, in its place."""
    xp = ad.array_namespace(x)
    return x * xp.sum(x * x)


def _cubesum_jac(x: Any) -> Any:
    v = x.ravel()
    return np.sum(v * v) * np.eye(v.size) + 2 * np.outer(v, v)


CUBESUM = Fn("cubesum", cubesum, jac=_cubesum_jac)


def identity(x: Any) -> Any:
    return x


IDENTITY = Fn("identity", identity, jac=lambda x: np.eye(x.size), second=lambda x: np.zeros(x.shape))


def head(x: Any) -> Any:
    """The first two entries: a view of x."""
    return x[:2]


HEAD = Fn("head", head, jac=lambda x: np.eye(x.size)[:2])


def halfsq(x: Any) -> Any:
    """sum(x * x) / 2: the gradient is x and the Hessian the identity."""
    xp = ad.array_namespace(x)
    return xp.sum(x * x) / 2


def total(x: Any) -> Any:
    """sum(x): a gradient of ones, which an engine may make of one 1 and a broadcast."""
    return ad.array_namespace(x).sum(x)


TOTAL = Fn("total", total, jac=lambda x: np.ones(x.size), second=lambda x: np.zeros((x.size, x.size)))

HALFSQ = Fn("halfsq", halfsq, jac=lambda x: x.ravel(), second=lambda x: np.eye(x.size))

X3 = np.array([[[0.3, -0.6, 0.2]], [[0.8, 0.1, -0.4]]])
T3 = (np.array([[[1.0, 0.5, -1.0]], [[0.0, 2.0, 0.3]]]),)
W3 = (np.array([[[0.5, -1.0, 0.0]], [[1.5, 0.2, -0.7]]]),)
EMPTY = np.zeros((0,))


def _every_operator(fn_scalar: Fn, fn_array: Fn, x: Any, t: tuple[Any, ...], w: tuple[Any, ...],
                    tags: tuple[str, ...], suffix: str) -> list[Scenario]:
    """Every operator with an array x: the scalar function for gradient, hessian and hvp,
    the array one for jacobian, pushforward and pullback (``w`` its cotangents)."""

    def s(operator: str, fn: Fn, tangents: Any = None) -> Scenario:
        return scenario(operator, fn, x, tangents=tangents, tags=tags, suffix=suffix)

    return [
        s("gradient", fn_scalar), s("hessian", fn_scalar), s("hvp", fn_scalar, t),
        s("jacobian", fn_array), s("pushforward", fn_array, t), s("pullback", fn_array, w),
    ]


def layout_scenarios() -> list[Scenario]:
    """Every operator on x in every layout (Fortran order, non-contiguous, negative
    strides; 2-D and 3-D), 0-d and empty, and on functions whose value is x or a view of it."""
    found: list[Scenario] = []
    wm = (np.array([[1.0, 0.5], [0.5, -1.0]]),)
    for name in LAYOUTS:
        tags = ("layout", f"layout:{name}")
        for x, t, w, scalar, array in ((XM, TM[:1], wm, F.ROWPAIRS, F.GRAM),
                                       (X3, T3, W3, F.LOGSUMSQ, CUBESUM)):
            # The numpy view itself, so that the references see the values it holds.
            xv = build(name, x, np.asarray, np)
            tv = tuple(build(name, v, np.asarray, np) for v in t)
            found += _every_operator(scalar, array, xv, tv, w, tags, f"-{name}")
    found += _every_operator(F.EXPX, F.TRIG, X0, (np.asarray(1.5),), (np.array([1.0, -0.5, 2.0]),),
                             ("layout", "0d"), "-layout")
    found += _every_operator(F.SINX, CUBESUM, EMPTY, (EMPTY,), (EMPTY,), ("layout", "empty"),
                             "-empty")
    views = ("layout", "views")
    found += [
        scenario("jacobian", IDENTITY, XV, tags=views),
        scenario("pushforward", IDENTITY, XV, tangents=(np.array([1.0, -2.0, 0.5, 3.0]),), tags=views),
        scenario("pullback", IDENTITY, XV, tangents=(np.array([0.5, 1.0, -1.0, 2.0]),), tags=views),
        scenario("jacobian", HEAD, XV, tags=views),
        scenario("pushforward", HEAD, XV, tangents=(np.array([1.0, -2.0, 0.5, 3.0]),), tags=views),
        scenario("pullback", HEAD, XV, tangents=(np.array([0.5, 1.0]),), tags=views),
        scenario("gradient", HALFSQ, XV, tags=views),
        scenario("gradient", TOTAL, XV, tags=views),
        scenario("gradient", TOTAL, X0, tags=views),
        scenario("hvp", HALFSQ, XV, tangents=(np.array([1.0, -2.0, 0.5, 3.0]),), tags=views),
    ]
    return found
