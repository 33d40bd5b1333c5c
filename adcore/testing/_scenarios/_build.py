"""Building a ``Scenario`` from a function and its hand-derived derivatives.

A :class:`Fn` pairs a backend-agnostic ``f`` with closed forms of its Jacobian
and second derivatives, written by hand in numpy. :func:`scenario` turns one
into a ``Scenario`` for any operator by the rules of SPEC section 4: the
derivative is the Jacobian shaped like ``y``, the gradient its row shaped like
``x``, a pushforward ``J @ t``, a pullback ``t @ J``, an hvp ``H @ t``.
Nothing here differentiates: ``f`` is evaluated once, for the shape of ``y``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import ArgumentError
from .._scenario import Scenario

__all__ = ["Fn", "scenario"]


@dataclass(frozen=True)
class Fn:
    """A function with hand-derived derivatives.

    ``jac(x, *context_values)`` is the Jacobian as a matrix ``(y.size, x.size)``;
    ``second(x, *context_values)`` is ``f''`` (any shape of ``y.size`` values) for
    a scalar ``x``, or the Hessian ``(x.size, x.size)`` for a scalar ``y``.
    Both receive ``x`` as a float64 numpy array. ``f`` is out-of-place, or in-place
    ``f(y, x, *contexts)`` when the scenario is given a buffer ``y``.
    """

    name: str
    f: Callable[..., Any]
    jac: Callable[..., Any]
    second: Callable[..., Any] | None = None


_NDIM = {0: "scalar", 1: "vector", 2: "matrix"}


def _kind(shape: tuple[int, ...]) -> str:
    return _NDIM.get(len(shape), f"array{len(shape)}d")


def _input_kind(x: Any) -> str:
    if isinstance(x, float):
        return "float"
    return "0d" if np.ndim(x) == 0 else _kind(np.shape(x))


def _output_shape(fn: Fn, x: Any, contexts: tuple[Any, ...], y: Any) -> tuple[int, ...]:
    if y is not None:
        return tuple(np.shape(y))
    values = [copy.deepcopy(c.value) for c in contexts]  # f may write into a Cache
    return tuple(np.shape(fn.f(copy.deepcopy(x), *values)))


def scenario(
    operator: str,
    fn: Fn,
    x: Any,
    *,
    tags: tuple[str, ...],
    tangents: tuple[Any, ...] | None = None,
    contexts: tuple[Any, ...] = (),
    y: Any = None,
    suffix: str = "",
) -> Scenario:
    """A ``Scenario`` of ``operator`` on ``fn`` at ``x`` with references from its closed forms.

    Named ``operator-<x kind>-<y kind>-<fn.name><suffix>``, e.g.
    ``"jacobian-vector-matrix-outer"``; references have the dtype of ``x``.
    """
    yshape = _output_shape(fn, x, contexts, y)
    xshape = tuple(np.shape(x))
    dtype = np.asarray(x).dtype
    values = tuple(c.value for c in contexts)
    x64 = np.array(x, dtype=np.float64)  # a copy: closed forms may not alias x
    m, n = int(np.prod(yshape)), int(np.prod(xshape))
    jac = np.asarray(fn.jac(x64, *values), dtype=np.float64).reshape(m, n)

    def like_y(v: Any) -> Any:
        return np.asarray(v, dtype=np.float64).reshape(yshape).astype(dtype)

    def like_x(v: Any) -> Any:
        v = np.asarray(v, dtype=np.float64).reshape(xshape)
        return float(v) if isinstance(x, float) else v.astype(dtype)

    def flat(t: Any) -> Any:
        return np.asarray(t, dtype=np.float64).reshape(-1)

    res1: Any = None
    res2: Any = None
    if operator in ("derivative", "second_derivative"):
        res1 = like_y(jac[:, 0])
    elif operator in ("gradient", "hessian", "hvp"):
        res1 = like_x(jac[0])
    elif operator == "jacobian":
        res1 = jac.astype(dtype)
    elif operator == "pushforward":
        res1 = tuple(like_y(jac @ flat(t)) for t in tangents or ())
    elif operator == "pullback":
        res1 = tuple(like_x(flat(t) @ jac) for t in tangents or ())
    if operator in ("second_derivative", "hessian", "hvp"):
        if fn.second is None:
            raise ArgumentError(f"{fn.name}: a second-order scenario needs `second`")
        second = np.asarray(fn.second(x64, *values), dtype=np.float64)
        if operator == "second_derivative":
            res2 = like_y(second)
        elif operator == "hessian":
            res2 = second.reshape(n, n).astype(dtype)
        else:
            res2 = tuple(like_x(second.reshape(n, n) @ flat(t)) for t in tangents or ())
    name = f"{operator}-{_input_kind(x)}-{_kind(yshape)}-{fn.name}{suffix}"
    return Scenario(
        operator, fn.f, x, tangents=tangents, contexts=contexts, y=y, res1=res1, res2=res2,
        name=name, tags=tags,
    )
