"""Second derivatives: the Hessian's stencils per method (second_derivative, hessian) and
Hessian-vector products as differences of gradients (hvp), with their executors.

With ``step="adaptive"``, ``second_derivative`` extrapolates second differences along a
ladder of steps; ``hessian`` and ``hvp`` keep the central stencils with their fixed
step (a ladder per pair of coordinates would cost ``O(n**2)`` ladders), and the
gradients that come with them are adaptive."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import numpy as np

from ..._operators.executors import AbstractHessian, AbstractHVP, AbstractSecondDerivative
from .adaptive import second_derivatives
from .evaluate import Evaluator, Prepared
from .first_order import coordinate_points, coordinate_stencil, gradient
from .steps import OFFSETS, actual_step, column, direction_steps, imaginary_steps, real_steps, relative_step

__all__ = ["HVP", "Hessian", "SecondDerivative"]

Move = tuple[tuple[int, Any], ...]
#: ``combine(S, Q, f0, i0, i1) -> (g, diag, off)``: from the values at the coordinate
#: points ``S[i, col]`` and at the moves ``Q``, the gradient, ``H[i, i]`` (``None`` when
#: ``off`` includes it) and ``H[i0, i1]``.
Combine = Callable[..., tuple[np.ndarray, Any, np.ndarray]]
Stencil = tuple[list[list[Any]], list[Move], Combine]

# --- points: generators that set up the working copy, yielding once per point


def _based_points(
    flat: np.ndarray, bases: list[np.ndarray], colsets: list[list[list[Any]]], with_base: bool
) -> Iterator[None]:
    """For each base point: the base itself (``with_base``), then its coordinate points."""
    for base, cols in zip(bases, colsets, strict=True):
        flat[...] = base
        if with_base:
            yield
        yield from coordinate_points(flat, base.tolist(), cols)


def _move_points(flat: np.ndarray, x0: list[Any], moves: list[Move]) -> Iterator[None]:
    """Set the ``(i, value)`` pairs of each move, then restore those coordinates."""
    for move in moves:
        for i, v in move:
            flat[i] = v
        yield
        for i, _ in move:
            flat[i] = x0[i]


# --- the Hessian's stencils: coordinate points, moves of two coordinates, combine


def _plus_minus(x0: np.ndarray, h: np.ndarray, acc: Any) -> tuple[Any, Any, Any, Any]:
    """``(xp, xm, dp, dm)``: the points ``x0 + h`` and ``x0 - h`` as rounded, and the exact
    widths ``xp - x0`` and ``x0 - xm`` of the two halves of the stencil."""
    xp, xm = x0 + h, x0 - h
    return xp, xm, actual_step(xp, x0, acc), actual_step(x0, xm, acc)


def _complex_stencil(ev: Evaluator, x0: np.ndarray, h: np.ndarray, pairs: list[Any]) -> Stencil:
    """The imaginary step along i gives the exact ``df/dx_i`` at ``x +- h_j e_j``; their
    central difference is ``H[i, j]``, ``j == i`` included."""
    t = imaginary_steps(ev.step, x0, ev.tdtype)
    xp, xm, dp, dm = _plus_minus(x0, h, ev.acc)
    zi, zp, zm = ((v + 1j * t).tolist() for v in (x0, xp, xm))
    pl, ml = xp.tolist(), xm.tolist()
    moves: list[Move] = []
    for i, j in pairs:
        if i == j:
            moves += [((i, zp[i]),), ((i, zm[i]),)]
        else:
            moves += [((i, zi[i]), (j, pl[j])), ((i, zi[i]), (j, ml[j]))]
    t = t.astype(ev.acc)

    def combine(S: Any, Q: Any, f0: Any, i0: Any, i1: Any) -> Any:
        col = partial(column, ndim=f0.ndim)
        Q = Q.reshape(len(pairs), 2, *f0.shape)
        return S[:, 0].imag / col(t), None, (Q[:, 0] - Q[:, 1]).imag / col(t[i0] * (dp + dm)[i1])

    return [zi], moves, combine


def _central_stencil(ev: Evaluator, x0: np.ndarray, h: np.ndarray, pairs: list[Any]) -> Stencil:
    """``f`` at ``x +- h_i e_i`` and at the four points ``x +- h_i e_i +- h_j e_j``."""
    xp, xm, dp, dm = _plus_minus(x0, h, ev.acc)
    pl, ml = xp.tolist(), xm.tolist()
    moves = [((i, a[i]), (j, b[j])) for i, j in pairs for a in (pl, ml) for b in (pl, ml)]
    w = dp + dm

    def combine(S: Any, Q: Any, f0: Any, i0: Any, i1: Any) -> Any:
        col = partial(column, ndim=f0.ndim)
        P, M = S[:, 0], S[:, 1]
        # The three-point second difference for unequal steps dp and dm.
        diag = 2 * (P / col(dp * w) - f0 / col(dp * dm) + M / col(dm * w))
        Q = Q.reshape(len(pairs), 4, *f0.shape)
        return (P - M) / col(w), diag, (Q[:, 0] - Q[:, 1] - Q[:, 2] + Q[:, 3]) / col(w[i0] * w[i1])

    return [pl, ml], moves, combine


def _one_sided_stencil(ev: Evaluator, x0: np.ndarray, h: np.ndarray, pairs: list[Any]) -> Stencil:
    """``f`` at ``x + a_i e_i``, ``x + 2 a_i e_i`` and ``x + a_i e_i + a_j e_j``, where
    ``a = +-h``; the gradient comes out second-order accurate."""
    xa = x0 + OFFSETS[ev.method][0] * h
    # Twice the rounded step, not 2h, so that the three points are evenly spaced.
    xb = x0 + 2 * (xa - x0)
    al = xa.tolist()
    moves = [((i, al[i]), (j, al[j])) for i, j in pairs]
    d = actual_step(xa, x0, ev.acc)

    def combine(S: Any, Q: Any, f0: Any, i0: Any, i1: Any) -> Any:
        col = partial(column, ndim=f0.ndim)
        A, B = S[:, 0], S[:, 1]
        return (
            (4 * A - B - 3 * f0) / col(2 * d),
            (B - 2 * A + f0) / col(d * d),
            (Q - A[i0] - A[i1] + f0) / col(d[i0] * d[i1]),
        )

    return [al, xb.tolist()], moves, combine


# --- kernels


def second_order(ev: Evaluator, x: Any, c: tuple[Any, ...], scalar: bool) -> Any:
    """``(value, g, H)`` from one set of evaluations: ``g[i] = df/dx_i`` and
    ``H[i, j] = d2f/dx_i dx_j``, each followed by ``f(x).shape``."""
    x0 = ev.load(x)
    n, xl = ev.n, x0.tolist()
    h = real_steps(relative_step(ev.method, ev.step, ev.xdtype, 2), x0)
    i0, i1 = np.triu_indices(n, 0 if ev.complex else 1)
    pairs = list(zip(i0.tolist(), i1.tolist(), strict=True))
    build = (
        _complex_stencil if ev.complex
        else _central_stencil if ev.method == "central"
        else _one_sided_stencil
    )
    cols, moves, combine = build(ev, x0, h, pairs)
    points = itertools.chain(coordinate_points(ev.flat, xl, cols), _move_points(ev.flat, xl, moves))
    ncoord = n * len(cols)
    value, f0, F = ev.evaluate(x, c, None, points, ncoord + len(moves), scalar)
    S = F[:ncoord].reshape(n, len(cols), *f0.shape)
    g, diag, off = combine(S, F[ncoord:], f0, i0, i1)
    H = np.empty((n, n, *f0.shape), np.result_type(f0.dtype, ev.acc))
    if diag is not None:
        H[np.arange(n), np.arange(n)] = diag
    H[i0, i1] = off
    H[i1, i0] = off
    return value, g, H


def _hessian_vector_products(ev: Evaluator, x: Any, T: np.ndarray, c: tuple[Any, ...]) -> np.ndarray:
    """``H(x) @ T[k]`` for each row, as a difference of gradients along ``T[k]``:
    one-sided ``(g(x + s t) - g(x)) / s`` or central ``(g(x + s t) - g(x - s t)) / 2s``,
    each gradient computed with the second-order step."""
    x0 = ev.load(x)
    rel = relative_step(ev.method, ev.step, ev.xdtype, 2)
    s, S = direction_steps(rel, x0, T, ev.acc, ev.xdtype)
    one_sided = ev.method in ("forward", "backward")
    o = OFFSETS[ev.method][0] if one_sided else 1
    if one_sided:
        bases = [x0, *(x0 + o * d for d in S)]
    else:
        bases = [b for d in S for b in (x0 + d, x0 - d)]
    stencils = [coordinate_stencil(ev, b, rel) for b in bases]
    cols = [st[0] for st in stencils]
    per_base = int(one_sided) + ev.n * len(cols[0])
    points = _based_points(ev.flat, bases, cols, one_sided)
    _, f0, F = ev.evaluate(x, c, None, points, len(bases) * per_base, scalar=True)
    F = F.reshape(len(bases), per_base)
    G = np.stack([
        combine(F[b, int(one_sided):].reshape(ev.n, len(cols[b])), F[b, 0] if one_sided else f0)
        for b, (_, combine) in enumerate(stencils)
    ])
    if one_sided:
        return (G[1:] - G[0]) / (o * s[:, None])
    return (G[0::2] - G[1::2]) / (2 * s[:, None])


# --- executors


class SecondDerivative(Prepared, AbstractSecondDerivative):
    def value_derivative_and_second_derivative(
        self, x: Any, contexts: tuple[Any, ...]
    ) -> tuple[Any, Any, Any]:
        if self.ev.adaptive:
            value, D, D2, self.ev.error = second_derivatives(self.ev, x, contexts)
            self.keep_error(lambda E: E[0])
            return value, self.ev.like_y(D[0], value), self.ev.like_y(D2[0], value)
        value, g, H = second_order(self.ev, x, contexts, scalar=False)
        return value, self.ev.like_y(g[0], value), self.ev.like_y(H[0, 0], value)


class Hessian(Prepared, AbstractHessian):
    def value_gradient_and_hessian(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        value, g, H = second_order(self.ev, x, contexts, scalar=True)
        # The Hessian's step, eps**(1/4), leaves the central gradient from the same
        # points an O(h**2) = O(sqrt(eps)) error; its own step costs 2n more calls
        # out of 2n**2 and makes it as accurate as `gradient`. The one-sided stencils
        # already give a second-order gradient, and the complex step an exact one.
        grad = gradient(self.ev, x, contexts)[1] if self.ev.method == "central" else self.ev.like_x(g)
        return value, grad, H.astype(self.ev.xdtype)

    def hessian(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return second_order(self.ev, x, contexts, scalar=True)[2].astype(self.ev.xdtype)


class HVP(Prepared, AbstractHVP):
    def hvp(self, x: Any, tx: tuple[Any, ...], contexts: tuple[Any, ...]) -> tuple[Any, ...]:
        HV = _hessian_vector_products(self.ev, x, self.ev.tangents(tx), contexts)
        return tuple(self.ev.like_x(r) for r in HV)

    def gradient_and_hvp(
        self, x: Any, tx: tuple[Any, ...], contexts: tuple[Any, ...]
    ) -> tuple[Any, tuple[Any, ...]]:
        # The gradient takes its own, first-order step: the hvp's step is tuned for
        # second derivatives and would make it less accurate.
        return gradient(self.ev, x, contexts)[1], self.hvp(x, tx, contexts)

    def gradient_and_hvp_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...]) -> Any:
        return gradient(self.ev, x, contexts)[1], self.hvp_stacked(x, dx, contexts)

    def hvp_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...]) -> Any:
        # Without the gradient: its own 2n calls of f are not needed for the products.
        HV = _hessian_vector_products(self.ev, x, self.ev.stacked_tangents(dx), contexts)
        return HV.reshape(len(dx), *self.ev.shape).astype(self.ev.xdtype)
