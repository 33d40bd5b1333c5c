"""First derivatives: coordinate stencils (derivative, gradient, jacobian) and directional
ones (pushforward), with the executors that return them."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import numpy as np

from ..._operators.executors import (
    AbstractDerivative,
    AbstractGradient,
    AbstractJacobian,
    AbstractPushforward,
)
from .adaptive import coordinate_derivatives, directional_derivatives
from .evaluate import Evaluator, Prepared, warn_if_lost
from .steps import (
    OFFSETS,
    actual_step,
    column,
    direction_steps,
    imaginary_step,
    imaginary_steps,
    real_steps,
    relative_step,
)

__all__ = [
    "Derivative", "Gradient", "Jacobian", "Pushforward",
    "coordinate_points", "coordinate_stencil", "gradient",
]

Combine = Callable[[np.ndarray, np.ndarray], np.ndarray]

# --- points: generators that set up the working copy, yielding once per point


def coordinate_points(flat: np.ndarray, x0: list[Any], cols: list[list[Any]]) -> Iterator[None]:
    """Set coordinate ``i`` to each ``col[i]`` in turn, then restore it to ``x0[i]``."""
    if len(cols) == 1:
        for i, (xi, v) in enumerate(zip(x0, cols[0], strict=True)):
            flat[i] = v
            yield
            flat[i] = xi
        return
    for i, xi in enumerate(x0):
        for col in cols:
            flat[i] = col[i]
            yield
        flat[i] = xi


def _direction_points(
    flat: np.ndarray, x0: np.ndarray, S: np.ndarray, offsets: tuple[Any, ...]
) -> Iterator[None]:
    """``x0 + o * S[k]`` for each direction and offset; an imaginary offset sets ``Im``."""
    for d in S:
        for o in offsets:
            if o == 1j:
                flat.imag = d
            elif o == 1:
                np.add(x0, d, out=flat)
            else:
                np.subtract(x0, d, out=flat)
            yield


# --- kernels


def coordinate_stencil(ev: Evaluator, x0: np.ndarray, rel: float) -> tuple[list[list[Any]], Combine]:
    """``(cols, combine)``: the coordinate points of first derivatives at ``x0``, and
    ``combine(F, fx)`` that turns their values ``F[i, col]`` into ``D[i] = df/dx_i``."""
    if ev.complex:
        t = imaginary_steps(ev.step, x0, ev.tdtype)
        return [(x0 + 1j * t).tolist()], (
            lambda F, fx: F[:, 0].imag / column(t.astype(ev.acc), fx.ndim)
        )
    h = real_steps(rel, x0)
    points = [x0 + o * h for o in OFFSETS[ev.method]]
    d = [actual_step(p.real, x0.real, ev.acc) for p in points]
    one = len(points) == 1

    def quotient(F: np.ndarray, fx: np.ndarray, d: list[np.ndarray]) -> np.ndarray:
        if one:
            return (F[:, 0] - fx) / column(d[0], fx.ndim)
        return (F[:, 0] - F[:, 1]) / column(d[0] - d[1], fx.ndim)

    if not ev.complex_x:
        return [p.tolist() for p in points], partial(quotient, d=d)
    # A complex x: the real parts, then the imaginary parts; df/dRe + i df/dIm.
    ipoints = [(x0.real + 1j * (x0.imag + o * h)).astype(x0.dtype) for o in OFFSETS[ev.method]]
    di = [actual_step(p.imag, x0.imag, ev.acc) for p in ipoints]
    k = len(points)
    return [p.tolist() for p in (*points, *ipoints)], (
        lambda F, fx: quotient(F[:, :k], fx, d) + 1j * quotient(F[:, k:], fx, di)
    )


def first_order(ev: Evaluator, x: Any, c: tuple[Any, ...], y: Any, scalar: bool = False) -> Any:
    """``(value, D)``: ``D[i]`` is ``df/dx_i``, of shape ``(n, *f(x).shape)``."""
    if ev.adaptive:
        value, D, ev.error = coordinate_derivatives(ev, x, c, y, scalar)
        return value, D
    x0 = ev.load(x)
    cols, combine = coordinate_stencil(ev, x0, relative_step(ev.method, ev.step, ev.xdtype, 1))
    points = coordinate_points(ev.flat, x0.tolist(), cols)
    value, f0, F = ev.evaluate(x, c, y, points, ev.n * len(cols), scalar)
    with np.errstate(divide="ignore", invalid="ignore"):  # a vanished step: warned below
        F = F.reshape(ev.n, len(cols), *f0.shape)
        D = combine(F, f0)
    warn_if_lost(ev, f0, D, F)
    return value, D


def gradient(ev: Evaluator, x: Any, c: tuple[Any, ...]) -> tuple[Any, Any]:
    """``(f(x), the gradient like x)``, with the first-order step."""
    value, D = first_order(ev, x, c, None, scalar=True)
    return value, ev.like_x(D)


def _directional(ev: Evaluator, x: Any, T: np.ndarray, c: tuple[Any, ...], y: Any) -> Any:
    """``(value, D)``: ``D[k]`` is the derivative of ``f`` along ``T[k]`` (flat)."""
    if ev.adaptive:
        value, D, ev.error = directional_derivatives(ev, x, T, c, y)
        return value, D
    x0 = ev.load(x)
    if ev.complex:
        t = imaginary_step(ev.step, ev.xdtype)
        s, S = direction_steps(t, x0, T, ev.acc, ev.tdtype)
        offsets: tuple[Any, ...] = (1j,)
    else:
        rel = relative_step(ev.method, ev.step, ev.xdtype, 1)
        s, S = direction_steps(rel, x0, T, ev.acc, ev.xdtype)
        offsets = OFFSETS[ev.method]
    points = _direction_points(ev.flat, x0, S, offsets)
    value, f0, F = ev.evaluate(x, c, y, points, len(T) * len(offsets))
    F = F.reshape(len(T), len(offsets), *f0.shape)
    s = column(s, f0.ndim)
    if ev.complex:
        D = F[:, 0].imag / s
    elif len(offsets) == 1:
        D = (F[:, 0] - f0) / (offsets[0] * s)
    else:
        D = (F[:, 0] - F[:, 1]) / (2 * s)
    warn_if_lost(ev, f0, D, F)
    return value, D


# --- executors


class Pushforward(Prepared, AbstractPushforward):
    def value_and_pushforward(
        self, x: Any, tx: tuple[Any, ...], contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, tuple[Any, ...]]:
        value, D = _directional(self.ev, x, self.ev.tangents(tx), contexts, y)
        self.keep_error(lambda E: tuple(E))
        return value, tuple(self.ev.like_y(d, value) for d in D)

    def value_and_pushforward_stacked(
        self, x: Any, dx: Any, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Any]:
        value, D = _directional(self.ev, x, self.ev.stacked_tangents(dx), contexts, y)
        self.keep_error(lambda E: E)
        dtype = self.ev.dtype_like(value)
        if np.iscomplexobj(D):
            dtype = np.result_type(dtype, np.complex64)
        return value, D.astype(dtype, copy=False)

    def pushforward_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        return self.value_and_pushforward_stacked(x, dx, contexts, y)[1]


class Derivative(Prepared, AbstractDerivative):
    def value_and_derivative(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        value, D = first_order(self.ev, x, contexts, y)
        self.keep_error(lambda E: E[0])
        return value, self.ev.like_y(D[0], value)


class Gradient(Prepared, AbstractGradient):
    def value_and_gradient(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        result = gradient(self.ev, x, contexts)
        self.keep_error(lambda E: E.reshape(self.ev.shape))
        return result


class Jacobian(Prepared, AbstractJacobian):
    def value_and_jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        value, D = first_order(self.ev, x, contexts, y)
        self.keep_error(lambda E: E.reshape(self.ev.n, math.prod(E.shape[1:])).T.copy())
        J = D.reshape(self.ev.n, math.prod(D.shape[1:])).T
        dtype = self.ev.xdtype
        if np.iscomplexobj(J):
            dtype = np.result_type(dtype, np.complex64)
        return value, J.astype(dtype, order="C")
