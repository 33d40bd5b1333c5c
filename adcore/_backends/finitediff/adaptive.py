"""``step="adaptive"``: a ladder of steps per direction, Richardson extrapolation, and the
estimate with the best error estimate, chosen per direction and per output element.

Along each direction (a coordinate, the real or imaginary part of one, or a tangent)
``f`` is evaluated at ``x +- h_k`` for steps ``h_k`` that fall by ``RATIO`` from about
``max(1, |x_i|) / 2`` down to ``min(1, |x_i|) * eps**(1/3)``: a ladder that spans
both the scale of ``x_i`` (``1/x`` near zero) and unit scale (``sin`` far from zero).
Central differences at each rung are extrapolated (Richardson, ``LEVELS`` levels), and
each estimate gets an error estimate: the larger of its differences with its neighbours
in the table, plus the rounding of ``f`` divided by the step. Of the estimates, the one
with the least relative error is trusted; the one with the least absolute error is taken
when it agrees with it within both errors (which lets a derivative that is zero win).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from .evaluate import Evaluator

__all__ = [
    "RATIO", "coordinate_derivatives", "directional_derivatives", "extrapolate", "ladder",
    "second_derivatives",
]

#: The ratio of successive steps; the steps are powers of two, so ``x +- h`` are exact
#: wherever ``h`` is at least a unit in the last place of ``x``.
RATIO = 8.0
#: Richardson levels: errors O(h**2), then O(h**4), then O(h**6).
LEVELS = 2
#: How many roundings of ``f`` (in units of eps * |f|) a difference is allowed.
ROUNDING = 4.0


def ladder(scale: np.ndarray, eps: float) -> np.ndarray:
    """``H[d, k]``: the steps of direction ``d`` (of ``scale[d]``), ``nan`` past its last."""
    scale = np.abs(scale.astype(np.float64))
    top = 2.0 ** (np.ceil(np.log2(np.maximum(scale, 1.0))) - 1)
    low = np.where(scale > 0, np.minimum(scale, 1.0), 1.0) * eps ** (1 / 3)
    # At least three rungs, for two levels of extrapolation even in half precision.
    count = np.maximum(np.floor(np.log(top / low) / np.log(RATIO)) + 1, LEVELS + 1).astype(int)
    k = np.arange(int(count.max(initial=LEVELS + 1)))
    H = top[:, None] * RATIO ** -k[None, :]
    H[k[None, :] >= count[:, None]] = np.nan
    return H


def rungs(H: np.ndarray) -> Iterator[tuple[int, int]]:
    """``(d, k)`` for every step of the ladder, direction by direction."""
    for d, row in enumerate(np.isfinite(H)):
        for k in np.flatnonzero(row).tolist():
            yield d, k


def scatter(F: np.ndarray, H: np.ndarray, per_rung: int) -> np.ndarray:
    """The values ``F`` of the points, in the order of ``rungs``, as ``T[d, k, point]``
    (``nan`` past a direction's last step)."""
    T = np.full((*H.shape, per_rung, *F.shape[1:]), np.nan, F.dtype)
    T[np.isfinite(H)] = F.reshape(-1, per_rung, *F.shape[1:])
    return T


def _column(a: np.ndarray, ndim: int) -> np.ndarray:
    return a.reshape(a.shape + (1,) * ndim)


def extrapolate(D0: np.ndarray, noise: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(estimate, error)`` per direction (axis 0) and output element, from the
    differences ``D0[d, k, ...]`` whose error is a series in ``h**2``, and the
    rounding error ``noise`` of each."""
    with np.errstate(all="ignore"):
        R = np.full((D0.shape[0], D0.shape[1], LEVELS + 1, *D0.shape[2:]), np.nan, D0.dtype)
        R[:, :, 0] = D0
        for j in range(1, LEVELS + 1):
            prev = R[:, :, j - 1]
            R[:, 1:, j] = prev[:, 1:] + (prev[:, 1:] - prev[:, :-1]) / (RATIO ** (2 * j) - 1)
        err = np.full(R.shape, np.inf)
        np.abs(R[:, 1:] - R[:, :-1], out=err[:, 1:])
        np.maximum(err[:, :, 1:], np.abs(R[:, :, 1:] - R[:, :, :-1]), out=err[:, :, 1:])
        err += 2 * noise[:, :, None]
        err[np.isnan(err)] = np.inf
        rel = err / np.abs(R)
        rel[err == 0] = 0.0
        rel[np.isnan(rel)] = np.inf
        # Candidates along one axis: (direction, rung * level, output element).
        nd, rest = R.shape[0], R.shape[3:]
        R, err = R.reshape(nd, -1, math.prod(rest)), err.reshape(nd, -1, math.prod(rest))
        d, e = np.arange(nd)[:, None], np.arange(R.shape[2])[None, :]
        trusted, sharpest = np.argmin(rel.reshape(R.shape), axis=1), np.argmin(err, axis=1)
        R1, E1 = R[d, trusted, e], err[d, trusted, e]
        R2, E2 = R[d, sharpest, e], err[d, sharpest, e]
        agree = np.abs(R2 - R1) <= E1 + E2
    shape = (nd, *rest)
    return np.where(agree, R2, R1).reshape(shape), np.where(agree, E2, E1).reshape(shape)


def first_differences(T: np.ndarray, width: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """``(D0, noise)``: central differences ``(f(x + h) - f(x - h)) / width`` from
    ``T[d, k, (+, -)]``, and their rounding errors."""
    ndim = T.ndim - 3
    w = _column(width, ndim)
    with np.errstate(all="ignore"):
        D0 = (T[:, :, 0] - T[:, :, 1]) / w
        noise = ROUNDING * eps * np.maximum(np.abs(T[:, :, 0]), np.abs(T[:, :, 1])) / np.abs(w)
    return D0, noise


def second_differences(
    T: np.ndarray, f0: np.ndarray, dp: np.ndarray, dm: np.ndarray, eps: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(D0, noise)``: three-point second differences for the half-widths ``dp``, ``dm``."""
    ndim = T.ndim - 3
    p, m = _column(dp, ndim), _column(dm, ndim)
    with np.errstate(all="ignore"):
        D0 = 2 * (T[:, :, 0] / (p * (p + m)) - f0 / (p * m) + T[:, :, 1] / (m * (p + m)))
        size = np.maximum(np.maximum(np.abs(T[:, :, 0]), np.abs(T[:, :, 1])), np.abs(f0))
        noise = 2 * ROUNDING * eps * size / (p * m)
    return D0, noise


# --- kernels: points along a ladder per direction, and their estimates


def _coordinate_ladder(ev: Evaluator, x0: np.ndarray) -> tuple[Any, ...]:
    """The directions of the coordinates (the real, then the imaginary part of each, for a
    complex x): ``(index, H, Vp, Vm, dp, dm)``, with the points ``x +- h`` as values of
    ``x``'s elements and the exact half-widths of each stencil."""
    if not ev.complex_x:
        H = ladder(x0, float(np.finfo(ev.tdtype).eps))
        with np.errstate(invalid="ignore"):
            Xp, Xm = (x0[:, None] + H).astype(ev.tdtype), (x0[:, None] - H).astype(ev.tdtype)
        base = x0.astype(ev.acc)[:, None]
        return list(range(ev.n)), H, Xp.tolist(), Xm.tolist(), Xp - base, base - Xm
    parts = 2
    index = np.repeat(np.arange(ev.n), parts)
    z = x0[index]
    imag = np.tile(np.arange(parts), ev.n)[:, None] == 1
    base = np.where(imag[:, 0], z.imag, z.real).astype(ev.tdtype)
    H = ladder(np.abs(z), float(np.finfo(ev.tdtype).eps))
    with np.errstate(all="ignore"):
        Xp, Xm = ((base[:, None] + s * H).astype(ev.tdtype) for s in (1, -1))
    dp, dm = Xp.astype(ev.acc) - base[:, None], base[:, None] - Xm.astype(ev.acc)
    if ev.complex_x:
        re, im = z.real[:, None], z.imag[:, None]
        Xp = np.where(imag, re + 1j * Xp, Xp + 1j * im).astype(ev.xdtype)
        Xm = np.where(imag, re + 1j * Xm, Xm + 1j * im).astype(ev.xdtype)
    return index.tolist(), H, Xp.tolist(), Xm.tolist(), dp, dm


def _coordinate_points(
    flat: np.ndarray, x0: list[Any], index: list[int], H: np.ndarray, Vp: Any, Vm: Any
) -> Iterator[None]:
    for d, k in rungs(H):
        i = index[d]
        flat[i] = Vp[d][k]
        yield
        flat[i] = Vm[d][k]
        yield
        flat[i] = x0[i]


def _eps(ev: Evaluator, f0: np.ndarray) -> float:
    """The relative rounding of f: that of x's precision, or of f's if coarser."""
    eps = float(np.finfo(ev.tdtype).eps)
    if np.issubdtype(f0.dtype, np.inexact):
        eps = max(eps, float(np.finfo(f0.dtype).eps))
    return eps


def coordinate_derivatives(
    ev: Evaluator, x: Any, c: tuple[Any, ...], y: Any, scalar: bool = False
) -> tuple[Any, np.ndarray, np.ndarray]:
    """``(value, D, error)``: ``D[i] = df/dx_i`` (``df/dRe + i df/dIm`` for a complex x),
    each of ``f(x).shape``, and its error estimate."""
    x0 = ev.load(x)
    index, H, Vp, Vm, dp, dm = _coordinate_ladder(ev, x0)
    points = _coordinate_points(ev.flat, x0.tolist(), index, H, Vp, Vm)
    count = int(np.isfinite(H).sum())
    value, f0, F = ev.evaluate(x, c, y, points, 2 * count, scalar)
    if not index or f0.size == 0:  # an empty x or f(x): every derivative is empty or 0
        zeros = np.zeros((len(x0), *f0.shape), np.result_type(f0.dtype, ev.xdtype))
        return value, zeros, np.zeros(zeros.shape)
    D0, noise = first_differences(scatter(F, H, 2), dp + dm, _eps(ev, f0))
    D, E = extrapolate(D0, noise)
    if ev.complex_x:
        D = D[0::2] + 1j * D[1::2]
        E = np.hypot(E[0::2], E[1::2])
    return value, D, E


def directional_derivatives(
    ev: Evaluator, x: Any, T: np.ndarray, c: tuple[Any, ...], y: Any
) -> tuple[Any, np.ndarray, np.ndarray]:
    """``(value, D, error)``: ``D[k]`` the derivative of f along ``T[k]``, and its error."""
    x0 = ev.load(x)
    A = np.abs(T).astype(ev.acc)
    tmax = A.max(axis=1, initial=0)
    tmax[tmax == 0] = 1
    scale = (A * np.abs(x0).astype(ev.acc)).max(axis=1, initial=0) / tmax
    H = ladder(scale, float(np.finfo(ev.tdtype).eps)) / tmax[:, None]

    def points() -> Iterator[None]:
        for d, k in rungs(H):
            for s in (H[d, k], -H[d, k]):
                np.add(x0, (s * T[d]).astype(ev.xdtype), out=ev.flat)
                yield

    count = int(np.isfinite(H).sum())
    value, f0, F = ev.evaluate(x, c, y, points(), 2 * count)
    if x0.size == 0 or f0.size == 0:  # an empty x or f(x): every derivative is empty or 0
        zeros = np.zeros((len(T), *f0.shape), np.result_type(f0.dtype, ev.xdtype))
        return value, zeros, np.zeros(zeros.shape)
    D0, noise = first_differences(scatter(F, H, 2), 2 * H, _eps(ev, f0))
    D, E = extrapolate(D0, noise)
    return value, D, E


def second_derivatives(ev: Evaluator, x: Any, c: tuple[Any, ...]) -> Any:
    """``(value, D, D2, error of D2)`` for a scalar real x: ``D2`` from three-point second
    differences along the same ladder, extrapolated the same way."""
    x0 = ev.load(x)
    index, H, Vp, Vm, dp, dm = _coordinate_ladder(ev, x0)
    points = _coordinate_points(ev.flat, x0.tolist(), index, H, Vp, Vm)
    count = int(np.isfinite(H).sum())
    value, f0, F = ev.evaluate(x, c, None, points, 2 * count)
    T, eps = scatter(F, H, 2), _eps(ev, f0)
    D, _ = extrapolate(*first_differences(T, dp + dm, eps))
    D2, E2 = extrapolate(*second_differences(T, f0, dp, dm, eps))
    return value, D, D2, E2
