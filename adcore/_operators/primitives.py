"""The two primitives, pushforward and pullback, each derived from the other when missing.

A backend implements one or both. A missing one is read off the whole Jacobian, which
the other builds by one batch along a basis (columns from pushforwards, rows from
pullbacks): the two derivations refer to each other, so they live together here. The
Jacobian, gradient and derivative operators build on the same two Jacobian fallbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._core.arrays import basis, describe, is_scalar, signature, type_family, writable_numpy
from .._registry.namespace import array_namespace
from ..errors import NotSupportedError, ShapeError
from .common import prepare_native, routed
from .complex import PullbackFromComplexPushforward, PushforwardFromComplexPullback, complex_basis, is_complex
from .executors import AbstractJacobian, AbstractPullback, AbstractPushforward, Tangents
from .values import output, size

__all__ = [
    "jacobian_from_pullback",
    "jacobian_from_pushforward",
    "output",
    "pullback_executor",
    "pushforward_executor",
    "size",
]

# --- the primitives, or each from the other


def pushforward_executor(
    backend: Any, f: Callable[..., Any], x: Any, tx: Tangents, contexts: tuple[Any, ...],
    y: Any = None, *, same_point: bool = False,
) -> AbstractPushforward:
    """The backend's pushforward primitive, else one built from its pullbacks."""
    backend = routed(backend, "pushforward")
    if "forward" in backend.modes:
        if len(tx) > 1 and not backend.batched_tangents:
            one = prepare_native(backend, "pushforward", f, x, tx[:1], contexts, y=y,
                                 same_point=same_point)
            return OneAtATimePushforward(one)
        return prepare_native(backend, "pushforward", f, x, tx, contexts, y=y, same_point=same_point)
    if "reverse" in backend.modes:
        if is_complex(x):
            return _complex_pushforward(backend, f, x, contexts, y)
        return PushforwardFromPullback(jacobian_from_pullback(backend, f, x, contexts, y))
    raise NotSupportedError(f"pushforward: {backend!r} declares neither pushforward nor pullback.")


def pullback_executor(
    backend: Any, f: Callable[..., Any], x: Any, ty: Tangents, contexts: tuple[Any, ...],
    y: Any = None, *, same_point: bool = False,
) -> AbstractPullback:
    """The backend's pullback primitive, else one built from its pushforwards."""
    backend = routed(backend, "pullback")
    if "reverse" in backend.modes:
        if len(ty) > 1 and not backend.batched_tangents:
            one = prepare_native(backend, "pullback", f, x, ty[:1], contexts, y=y,
                                 same_point=same_point)
            return OneAtATimePullback(one)
        return prepare_native(backend, "pullback", f, x, ty, contexts, y=y, same_point=same_point)
    if "forward" in backend.modes:
        if is_complex(x):
            dx = complex_basis(x)
            tx = tuple(dx[i] for i in range(dx.shape[0]))
            return PullbackFromComplexPushforward(pushforward_executor(backend, f, x, tx, contexts, y), dx)
        return PullbackFromPushforward(jacobian_from_pushforward(backend, f, x, contexts, y))
    raise NotSupportedError(f"pullback: {backend!r} declares neither pushforward nor pullback.")


def _complex_pushforward(
    backend: Any, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], y: Any
) -> AbstractPushforward:
    """At a complex x, from pullbacks along the basis of f(x) (and 1j times it, if complex)."""
    y0 = output(f, x, contexts, y)
    if is_scalar(y0):
        dy = array_namespace(x).ones((1,), dtype=array_namespace(x).float64)
        pullback = pullback_executor(backend, f, x, (1.0,), contexts, y)
        return PushforwardFromComplexPullback(pullback, dy, False)
    dy = complex_basis(y0, is_complex(y0))
    ty = tuple(dy[i] for i in range(dy.shape[0]))
    return PushforwardFromComplexPullback(pullback_executor(backend, f, x, ty, contexts, y), dy,
                                          is_complex(y0))


class OneAtATimePushforward(AbstractPushforward):
    """A batch handed one tangent at a time to a backend that does not batch."""

    def __init__(self, one: AbstractPushforward) -> None:
        self.one = one

    def value_and_pushforward(
        self, x: Any, tx: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        pairs = [self.one.value_and_pushforward(x, (t,), contexts, y) for t in tx]
        return pairs[-1][0], tuple(ty[0] for _, ty in pairs)


class OneAtATimePullback(AbstractPullback):
    """A batch handed one cotangent at a time to a backend that does not batch."""

    def __init__(self, one: AbstractPullback) -> None:
        self.one = one

    def value_and_pullback(
        self, x: Any, ty: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        pairs = [self.one.value_and_pullback(x, (t,), contexts, y) for t in ty]
        return pairs[-1][0], tuple(tx[0] for _, tx in pairs)


class PushforwardFromPullback(AbstractPushforward):
    """Slow but correct: the whole Jacobian from pullbacks, then ``J @ tx[i]``."""

    def __init__(self, jacobian: AbstractJacobian) -> None:
        self.jacobian = jacobian

    def value_and_pushforward(
        self, x: Any, tx: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        value, J = self.jacobian.value_and_jacobian(x, contexts, y)
        xp = array_namespace(J)
        # xp.matmul, not @: TensorFlow's @ multiplies matrices only.
        return value, tuple(_shaped(value, xp.matmul(J, _flat(t, J, xp)), xp) for t in tx)


class PullbackFromPushforward(AbstractPullback):
    """Slow but correct: the whole Jacobian from pushforwards, then ``ty[i] @ J``."""

    def __init__(self, jacobian: AbstractJacobian) -> None:
        self.jacobian = jacobian

    def value_and_pullback(
        self, x: Any, ty: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        value, J = self.jacobian.value_and_jacobian(x, contexts, y)
        xp = array_namespace(J)
        tx = []
        for i, t in enumerate(ty):
            v = _flat(t, J, xp)
            if v.shape[0] != J.shape[0]:
                raise ShapeError(
                    f"pullback: cotangent {i} must be like f(x) ({describe(signature(value))}), "
                    f"got {describe(signature(t))}."
                )
            tx.append(_shaped(x, xp.matmul(v, J), xp))
        return value, tuple(tx)


def _flat(t: Any, J: Any, xp: Any) -> Any:
    if is_scalar(t):
        return xp.asarray([t], dtype=J.dtype)
    if type_family(type(t)) != type_family(type(J)):
        # A tangent of the prep (numpy) meets J of an outer engine's trace: a second-order
        # fallback differentiates this pushforward or pullback.
        t = xp.asarray(t)
    return xp.reshape(t, (-1,))


def _shaped(like: Any, v: Any, xp: Any) -> Any:
    """The flat product ``v`` shaped like ``like`` (a Python number for a number)."""
    if is_scalar(like):
        return type(like)(v[0])
    return xp.reshape(v, like.shape)


# --- the Jacobian: columns from pushforwards, or rows from pullbacks


def jacobian_from_pushforward(
    backend: Any, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], y: Any = None
) -> AbstractJacobian:
    xp = array_namespace(x)
    dx = basis(x, xp)
    n = dx.shape[0]
    pushforward = pushforward_executor(backend, f, x, tuple(dx[i] for i in range(n)), contexts, y)
    if not pushforward.fused_gather:
        return JacobianFromPushforward(pushforward, dx)
    # The engine fuses products and gather in one call (it compiles): the gather that
    # reads the stacked columns as the matrix J replaces a transposition of its own.
    m = size(output(f, x, contexts, y))
    index = np.ascontiguousarray(np.arange(n * m).reshape(n, m).T)
    return JacobianFromGather(pushforward, dx, index)


def jacobian_from_pullback(
    backend: Any, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], y: Any = None,
    y0: Any = None,
) -> AbstractJacobian:
    y0 = output(f, x, contexts, y) if y0 is None else y0
    if is_scalar(y0):
        xp = array_namespace(x)
        dy = xp.ones((1,), dtype=xp.float64)
        ty: tuple[Any, ...] = (1.0,)
    else:
        xp = array_namespace(y0)
        dy = basis(y0, xp)
        ty = tuple(dy[i] for i in range(dy.shape[0]))
    return JacobianFromPullback(pullback_executor(backend, f, x, ty, contexts, y), dy)


class JacobianFromPushforward(AbstractJacobian):
    """Columns of J: one batch of pushforwards along the basis of x."""

    def __init__(self, pushforward: AbstractPushforward, dx: Any) -> None:
        self.pushforward, self.dx, self.n = pushforward, dx, dx.shape[0]

    def value_and_jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        value, dy = self.pushforward.value_and_pushforward_stacked(x, self.dx, contexts, y)
        return value, self._columns(dy, x)

    def jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        return self._columns(self.pushforward.pushforward_stacked(x, self.dx, contexts, y), x)

    def _columns(self, dy: Any, x: Any) -> Any:
        # In dy's own namespace (under an outer trace it holds the tracer's values), with
        # permute_dims: TensorFlow's tensors have no .T. For an empty x the batch of no
        # pushforwards is the prep's own empty stack: x's namespace then gives the engine's
        # array, which an outer engine's trace can take.
        xp = array_namespace(dy, x)
        return xp.permute_dims(_matrix(xp, dy, self.n), (1, 0))


class JacobianFromGather(AbstractJacobian):
    """Columns of J: the pushforwards along the basis of x, read as a matrix, in one call."""

    def __init__(self, pushforward: AbstractPushforward, dx: Any, index: Any) -> None:
        self._plain = pushforward.gathered_pushforward(dx, index)
        self._value = pushforward.gathered_pushforward(dx, index, with_value=True)

    def value_and_jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        value, J = self._value(x, contexts, y)
        return value, _read(x, J)

    def jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        return _read(x, self._plain(x, contexts, y))


def _read(x: Any, J: Any) -> Any:
    """For a numpy ``x`` (or a Python number) the engine may give its own array: read it as
    numpy. Decided per call, not per prep: a prep made for a numpy ``x`` also serves the
    engine's traced values, when an outer level of differentiation (a hessian, an hvp)
    traces the inner one."""
    return writable_numpy(J) if type(x) is np.ndarray or is_scalar(x) else J


class JacobianFromPullback(AbstractJacobian):
    """Rows of J: one batch of pullbacks along the basis of y."""

    def __init__(self, pullback: AbstractPullback, dy: Any) -> None:
        self.pullback, self.dy, self.m = pullback, dy, dy.shape[0]

    def value_and_jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        value, dx = self.pullback.value_and_pullback_stacked(x, self.dy, contexts, y)
        # In dx's own namespace, as in JacobianFromPushforward._columns.
        return value, _matrix(array_namespace(dx), dx, self.m)


def _matrix(xp: Any, d: Any, rows: int) -> Any:
    """Stacked products ``(rows, *shape)`` as a matrix ``(rows, size)``. Reshaped only
    when not one already: on an engine that runs eagerly (JAX outside jit), every
    operation is a dispatch that costs as much as a small Jacobian."""
    if len(d.shape) == 2:
        return d
    cols = 1
    for n in d.shape[1:]:  # not -1, which no reshape can infer for an empty x or y
        cols *= int(n)
    return xp.reshape(d, (rows, cols))
