"""The primitives at a complex ``x``, each from the other, in adcore's convention.

For a complex ``x``, ``f`` is real-linear in ``x``: its pushforward ``J t`` is no complex
matrix times ``t``, and its pullback is the adjoint for the real inner product
``Re(vdot(u, v))``. So the Jacobian read off a real basis, as for a real ``x``, is not
enough: the pushforwards along ``e_i`` and ``1j * e_i`` (or the pullbacks along ``e_k``
and, for a complex ``f(x)``, ``1j * e_k``) make the map. Written with the array namespace
of what they receive, so that an outer engine can trace them (an hvp differentiates the
gradient they make).
"""

from __future__ import annotations

from typing import Any

from .._core.arrays import basis, describe, signature
from .._registry.namespace import array_namespace
from ..errors import ShapeError
from .executors import AbstractPullback, AbstractPushforward, Tangents

__all__ = ["PullbackFromComplexPushforward", "PushforwardFromComplexPullback", "complex_basis",
           "is_complex"]


def is_complex(x: Any) -> bool:
    """Whether ``x`` is an array of a complex dtype, in any family."""
    return "complex" in str(getattr(x, "dtype", ""))


def complex_basis(like: Any, complex_part: bool = True) -> Any:
    """The basis of the space of ``like`` stacked, then ``1j`` times it (if ``complex_part``)."""
    xp = array_namespace(like)
    e = basis(like, xp)
    if not complex_part:
        return e
    if not is_complex(e):
        e = xp.astype(e, xp.complex128)
    return xp.concat([e, 1j * e])


def _flat(t: Any, like: Any, xp: Any) -> Any:
    if isinstance(t, (int, float, complex)):
        return xp.asarray([t], dtype=like.dtype)
    return xp.reshape(xp.asarray(t), (-1,))


def _like(w: Any, J: Any, xp: Any) -> Any:
    """``w`` in the dtype of ``J`` (the real part, for a real ``J``: a real f's cotangent)."""
    if is_complex(w) and not is_complex(J):
        w = xp.real(w)
    return w if str(w.dtype) == str(J.dtype) else xp.astype(w, J.dtype)


def _combine(re: Any, im: Any, dtype: Any, xp: Any) -> Any:
    """``re + 1j * im`` of two real arrays: by promotion where the engine promotes (a cast
    there may be one that its forward mode cannot differentiate: autograd's), else cast."""
    try:
        return re + 1j * im
    except TypeError:  # TensorFlow: no promotion from real to complex
        return xp.astype(re, dtype) + 1j * xp.astype(im, dtype)


def _rows(xp: Any, d: Any, rows: int) -> Any:
    cols = 1
    for k in d.shape[1:]:
        cols *= int(k)
    return xp.reshape(d, (rows, cols))


class PullbackFromComplexPushforward(AbstractPullback):
    """``Re(vdot(w, J e_i)) + 1j * Re(vdot(w, J (1j e_i)))``, from the pushforwards along the
    ``2n`` directions of ``dx`` (``complex_basis(x)``)."""

    def __init__(self, pushforward: AbstractPushforward, dx: Any) -> None:
        self.pushforward, self.dx, self.n = pushforward, dx, dx.shape[0] // 2

    def value_and_pullback(
        self, x: Any, ty: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        value, dy = self.pushforward.value_and_pushforward_stacked(x, self.dx, contexts, y)
        xp = array_namespace(dy, x)
        J = _rows(xp, dy, 2 * self.n)  # row i: J d_i, flat
        tx = []
        for i, t in enumerate(ty):
            w = _flat(t, J, xp)
            if w.shape[0] != J.shape[1]:
                raise ShapeError(
                    f"pullback: cotangent {i} must be like f(x) ({describe(signature(value))}), "
                    f"got {describe(signature(t))}."
                )
            r = xp.real(xp.matmul(J, xp.conj(_like(w, J, xp))))
            g = _combine(r[: self.n], r[self.n:], x.dtype, xp)
            tx.append(xp.reshape(g, x.shape))
        return value, tuple(tx)


class PushforwardFromComplexPullback(AbstractPushforward):
    """``(J t)_k = Re(vdot(J* e_k, t)) + 1j * Re(vdot(J* (1j e_k), t))``, from the pullbacks
    along the cotangents of ``dy`` (``complex_basis(f(x))``; the real basis alone for a real
    ``f(x)``, whose pushforward is real)."""

    def __init__(self, pullback: AbstractPullback, dy: Any, complex_y: bool) -> None:
        self.pullback, self.dy, self.complex_y = pullback, dy, complex_y
        self.m = dy.shape[0] // 2 if complex_y else dy.shape[0]

    def value_and_pushforward(
        self, x: Any, tx: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        value, dx = self.pullback.value_and_pullback_stacked(x, self.dy, contexts, y)
        xp = array_namespace(dx, x)
        P = xp.conj(_rows(xp, dx, self.dy.shape[0]))  # row k: conj(J* d_k), flat
        out = []
        for i, t in enumerate(tx):
            v = _flat(t, P, xp)
            if v.shape[0] != P.shape[1]:
                raise ShapeError(f"pushforward: tangent {i} must be like x, got {describe(signature(t))}.")
            s = xp.real(xp.matmul(P, _like(v, P, xp)))
            if self.complex_y:
                s = _combine(s[: self.m], s[self.m:], value.dtype, xp)
            out.append(xp.reshape(s, getattr(value, "shape", ())) if hasattr(value, "shape")
                       else float(s[0]))
        return value, tuple(out)
