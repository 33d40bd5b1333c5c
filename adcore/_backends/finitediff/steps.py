"""The steps of AutoFiniteDiff: their size per method, dtype and order, and their exact value.

A step ``h`` is chosen relative to ``max(1, |x_i|)``; what the coordinate
stencils divide by is not ``h`` but the distance from ``x_i`` to the point
``x_i + h`` as rounded in ``x``'s dtype (``actual_step``), so that the rounding of
the point does not enter the result.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "METHODS", "OFFSETS", "accuracy", "actual_step", "column",
    "direction_steps", "imaginary_step", "imaginary_steps", "real_steps", "relative_step",
]

METHODS = ("forward", "backward", "central", "complex")
#: Offsets of the real methods' stencil points, in units of the step.
OFFSETS = {"forward": (1,), "backward": (-1,), "central": (1, -1)}


def relative_step(method: str, step: float | None, dtype: Any, order: int) -> float:
    """The relative step of the real perturbations that estimate a derivative of ``order``.

    A difference quotient with truncation error O(h**p) for a derivative of order q
    divides rounding errors of size eps * |f| by h**q; the sum is least at
    h ~ eps ** (1 / (p + q)): sqrt(eps) for forward and backward first derivatives,
    cbrt(eps) for central ones, eps ** (1/3) one-sided and eps ** (1/4) central for
    second derivatives. The complex method's real steps difference first derivatives
    that the complex step makes exact (p = 2, q = 1): cbrt(eps).
    """
    if step is not None and method != "complex":
        return step
    eps = float(np.finfo(dtype).eps)
    if method == "complex":
        return eps ** (1 / 3)
    p = 2 if method == "central" else 1
    return eps ** (1 / (p + order))


def accuracy(method: str, step: float | None, eps: float, order: int) -> float:
    """The relative error of ``method``'s derivatives of ``order`` at a precision ``eps``:
    ``h**p + eps / h**q``, the truncation and rounding terms that ``relative_step``
    balances (for the complex step, ``q = order - 1``: its first derivatives subtract
    nothing)."""
    if method == "complex":
        if order == 1:
            return 0.0
        h = eps ** (1 / 3) if step is None else step
        return h**2 + eps / h
    p = 2 if method == "central" else 1
    h = eps ** (1 / (p + order)) if step is None else step
    return h**p + eps / h**order


def imaginary_step(step: float | None, dtype: Any) -> float:
    """The complex step: ``Im f(x + ih) / h`` subtracts nothing, so there is no rounding
    term to balance and the step only has to make the O(h**2) truncation vanish next to
    eps while ``h * f'(x)`` stays far above underflow: 1e-20 in double (and extended)
    precision, 1e-10 in single and half precision (which are evaluated in complex64)."""
    if step is not None:
        return step
    return 1e-20 if float(np.finfo(dtype).eps) < 1e-10 else 1e-10


def real_steps(rel: float, x0: np.ndarray) -> np.ndarray:
    """``h[i] = rel * max(1, |x0[i]|)`` in the real dtype of ``x0``."""
    return (rel * np.maximum(np.abs(x0), 1)).astype(x0.real.dtype)


def imaginary_steps(step: float | None, x0: np.ndarray, tdtype: Any) -> np.ndarray:
    """The imaginary steps at ``x0``, relative like the real ones, in ``tdtype``."""
    return imaginary_step(step, x0.dtype) * np.maximum(np.abs(x0), 1).astype(tdtype)


def actual_step(point: np.ndarray, x0: np.ndarray, acc: Any) -> np.ndarray:
    """``point - x0`` exactly, in the working precision ``acc``: ``x0 + h`` rounds, and
    its distance to ``x0`` is what a difference quotient must divide by."""
    return point.astype(acc) - x0.astype(acc)


def direction_steps(
    rel: float, x0: np.ndarray, T: np.ndarray, acc: Any, dtype: Any
) -> tuple[Any, Any]:
    """``(s, S)``: a step per direction ``T[k]`` and the perturbations ``S[k] = s[k] * T[k]``
    in ``dtype``.

    ``s`` makes the largest perturbation ``rel * max(1, |x_i|)`` on the coordinates
    that ``T[k]`` weighs most, which is the coordinate rule when ``T[k]`` is a basis
    vector; a zero direction gets any step and yields an exact zero.
    """
    A = np.abs(T).astype(acc)
    tmax = A.max(axis=1, initial=0)
    tmax[tmax == 0] = 1
    weight = (A * np.abs(x0).astype(acc)).max(axis=1, initial=0) / tmax
    s = rel * np.maximum(weight, 1) / tmax
    return s, (s[:, None] * T).astype(dtype)


def column(d: np.ndarray, ndim: int) -> np.ndarray:
    """``d`` of shape ``(n,)`` shaped to broadcast against values of shape ``(n, *y.shape)``."""
    return d.reshape(d.shape + (1,) * ndim)
