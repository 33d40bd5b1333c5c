"""pullback (VJP): ``tx[i] = ty[i] @ J(x)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.arrays import describe, is_scalar, signature
from .._core.contexts import unwrap
from .executors import AbstractPullback, Tangents
from .._registry.namespace import array_namespace
from .._core.prep import Prep
from ..errors import NotSupportedError
from .common import make_prep, validate
from .pushforward import copy_tangents

__all__ = [
    "prepare_pullback",
    "prepare_pullback_same_point",
    "pullback",
    "pullback_executor",
    "value_and_pullback",
]

# --- public


def pullback(
    f: Callable[..., Any], backend: Any, x: Any, ty: Tangents, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> Tangents:
    """pullback(f, backend, x, ty, *contexts, prep=None, out=None, y=None) -> tx

    The pullback (also called VJP) of ``f`` at ``x`` of each cotangent of the
    tuple ``ty`` (each like ``f(x)``): a tuple ``tx`` of the same length, each like ``x``.

    >>> import numpy as np, adcore as ad
    >>> tx = ad.pullback(lambda x: x ** 2, ad.AutoFiniteDiff(), np.array([1.0, 2.0]),
    ...                  (np.array([1.0, 1.0]),))
    >>> tx[0].round(6)
    array([2., 4.])
    """
    if prep is None:
        prep = _prepare(f, backend, x, ty, contexts, y, True, same_point=False)
    elif prep.strict:
        prep.check("pullback", f, backend, x, contexts, ty, y)
    tx = prep.executor.pullback(x, ty, contexts and unwrap(contexts), y)
    return tx if out is None else copy_tangents(out, tx)


def value_and_pullback(
    f: Callable[..., Any], backend: Any, x: Any, ty: Tangents, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> tuple[Any, Tangents]:
    """value_and_pullback(f, backend, x, ty, *contexts, prep=None, out=None, y=None) -> (f(x), tx)"""
    if prep is None:
        prep = _prepare(f, backend, x, ty, contexts, y, True, same_point=False)
    elif prep.strict:
        prep.check("pullback", f, backend, x, contexts, ty, y)
    value, tx = prep.executor.value_and_pullback(x, ty, contexts and unwrap(contexts), y)
    return value, (tx if out is None else copy_tangents(out, tx))


def prepare_pullback(
    f: Callable[..., Any], backend: Any, x: Any, ty: Tangents, *contexts: Any,
    y: Any = None, strict: bool = True,
) -> Prep:
    """prepare_pullback(f, backend, x, ty, *contexts, y=None, strict=True) -> prep

    Preparation for ``pullback`` and ``value_and_pullback`` at any ``x`` and
    batch of cotangents like these ones.
    """
    return _prepare(f, backend, x, ty, contexts, y, strict, same_point=False)


def prepare_pullback_same_point(
    f: Callable[..., Any], backend: Any, x: Any, ty: Tangents, *contexts: Any,
    y: Any = None, strict: bool = True,
) -> Prep:
    """prepare_pullback_same_point(f, backend, x, ty, *contexts, y=None, strict=True) -> prep

    Like ``prepare_pullback``, for calls at this very ``x`` (and contexts) with
    new cotangents: the backend may keep the linearization of ``f`` at ``x``.
    """
    return _prepare(f, backend, x, ty, contexts, y, strict, same_point=True)


def _prepare(
    f: Any, backend: Any, x: Any, ty: Any, contexts: Any, y: Any, strict: bool, same_point: bool
) -> Prep:
    validate("pullback", f, backend, x, contexts, ty, y, tangents_like_x=False)
    executor = pullback_executor(backend, f, x, ty, contexts, y, same_point=same_point)
    return make_prep(
        "pullback", executor, f, backend, x, contexts, ty, y, strict=strict, same_point=same_point
    )


# --- preparation


def pullback_executor(
    backend: Any, f: Callable[..., Any], x: Any, ty: Tangents, contexts: tuple[Any, ...],
    y: Any = None, *, same_point: bool = False,
) -> AbstractPullback:
    """The backend's pullback primitive, else one built from its pushforwards."""
    if "reverse" in backend.modes:
        if len(ty) > 1 and not backend.batched_tangents:
            one = backend.prepare_pullback(f, x, ty[:1], contexts, y=y, same_point=same_point)
            return OneAtATimePullback(one)
        return backend.prepare_pullback(f, x, ty, contexts, y=y, same_point=same_point)
    if "forward" in backend.modes:
        from .jacobian import jacobian_from_pushforward

        return PullbackFromPushforward(jacobian_from_pushforward(backend, f, x, contexts, y))
    raise NotSupportedError(f"pullback: {backend!r} declares neither pushforward nor pullback.")


class OneAtATimePullback(AbstractPullback):
    """A batch handed one cotangent at a time to a backend that does not batch."""

    def __init__(self, one: AbstractPullback) -> None:
        self.one = one

    def value_and_pullback(
        self, x: Any, ty: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        pairs = [self.one.value_and_pullback(x, (t,), contexts, y) for t in ty]
        return pairs[-1][0], tuple(tx[0] for _, tx in pairs)


# --- fallback: pullback from pushforward


class PullbackFromPushforward(AbstractPullback):
    """Slow but correct: the whole Jacobian from pushforwards, then ``ty[i] @ J``."""

    def __init__(self, jacobian: Any) -> None:
        self.jacobian = jacobian

    def value_and_pullback(
        self, x: Any, ty: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        value, J = self.jacobian.value_and_jacobian(x, contexts, y)
        xp = array_namespace(J)
        tx = []
        for i, t in enumerate(ty):
            v = xp.asarray([t], dtype=J.dtype) if is_scalar(t) else xp.reshape(t, (-1,))
            if v.shape[0] != J.shape[0]:
                raise ValueError(
                    f"pullback: cotangent {i} must be like f(x) ({describe(signature(value))}), "
                    f"got {describe(signature(t))}."
                )
            tx.append(_like_x(x, v @ J, xp))
        return value, tuple(tx)


def _like_x(x: Any, v: Any, xp: Any) -> Any:
    if is_scalar(x):
        return type(x)(v[0])
    return xp.reshape(v, x.shape)
