"""pushforward (JVP): ``ty[i] = J(x) @ tx[i]``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.arrays import copy_into, is_scalar
from .._core.contexts import unwrap
from .executors import AbstractPushforward, Tangents
from .._registry.namespace import array_namespace
from .._core.prep import Prep
from ..errors import NotSupportedError
from .common import make_prep, validate

__all__ = [
    "copy_tangents",
    "prepare_pushforward",
    "prepare_pushforward_same_point",
    "pushforward",
    "pushforward_executor",
    "value_and_pushforward",
]

# --- public


def pushforward(
    f: Callable[..., Any], backend: Any, x: Any, tx: Tangents, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> Tangents:
    """pushforward(f, backend, x, tx, *contexts, prep=None, out=None, y=None) -> ty

    The pushforward (also called JVP) of ``f`` at ``x`` along each tangent of the
    tuple ``tx``: a tuple ``ty`` of the same length, each like ``f(x)``.

    >>> import numpy as np, adcore as ad
    >>> ty = ad.pushforward(lambda x: x ** 2, ad.AutoFiniteDiff(), np.array([1.0, 2.0]),
    ...                     (np.array([1.0, 0.0]),))
    >>> ty[0].round(6)
    array([2., 0.])
    """
    if prep is None:
        prep = _prepare(f, backend, x, tx, contexts, y, True, same_point=False)
    elif prep.strict:
        prep.check("pushforward", f, backend, x, contexts, tx, y)
    ty = prep.executor.pushforward(x, tx, contexts and unwrap(contexts), y)
    return ty if out is None else copy_tangents(out, ty)


def value_and_pushforward(
    f: Callable[..., Any], backend: Any, x: Any, tx: Tangents, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> tuple[Any, Tangents]:
    """value_and_pushforward(f, backend, x, tx, *contexts, prep=None, out=None, y=None) -> (f(x), ty)"""
    if prep is None:
        prep = _prepare(f, backend, x, tx, contexts, y, True, same_point=False)
    elif prep.strict:
        prep.check("pushforward", f, backend, x, contexts, tx, y)
    value, ty = prep.executor.value_and_pushforward(x, tx, contexts and unwrap(contexts), y)
    return value, (ty if out is None else copy_tangents(out, ty))


def prepare_pushforward(
    f: Callable[..., Any], backend: Any, x: Any, tx: Tangents, *contexts: Any,
    y: Any = None, strict: bool = True,
) -> Prep:
    """prepare_pushforward(f, backend, x, tx, *contexts, y=None, strict=True) -> prep

    Preparation for ``pushforward`` and ``value_and_pushforward`` at any ``x``
    and batch of tangents like these ones.
    """
    return _prepare(f, backend, x, tx, contexts, y, strict, same_point=False)


def prepare_pushforward_same_point(
    f: Callable[..., Any], backend: Any, x: Any, tx: Tangents, *contexts: Any,
    y: Any = None, strict: bool = True,
) -> Prep:
    """prepare_pushforward_same_point(f, backend, x, tx, *contexts, y=None, strict=True) -> prep

    Like ``prepare_pushforward``, for calls at this very ``x`` (and contexts)
    with new tangents: the backend may keep the linearization of ``f`` at ``x``.
    """
    return _prepare(f, backend, x, tx, contexts, y, strict, same_point=True)


def _prepare(
    f: Any, backend: Any, x: Any, tx: Any, contexts: Any, y: Any, strict: bool, same_point: bool
) -> Prep:
    validate("pushforward", f, backend, x, contexts, tx, y)
    executor = pushforward_executor(backend, f, x, tx, contexts, y, same_point=same_point)
    return make_prep(
        "pushforward", executor, f, backend, x, contexts, tx, y, strict=strict, same_point=same_point
    )


def copy_tangents(out: Any, results: Tangents, what: str = "out") -> Tangents:
    """Fill the tuple of buffers ``out`` with ``results``; return ``out``."""
    if not isinstance(out, tuple) or len(out) != len(results):
        raise TypeError(
            f"`{what}` must be a tuple of {len(results)} buffers, one per tangent; got {out!r:.80}"
        )
    for i, (o, r) in enumerate(zip(out, results)):
        copy_into(o, r, f"{what}[{i}]")
    return out


# --- preparation


def pushforward_executor(
    backend: Any, f: Callable[..., Any], x: Any, tx: Tangents, contexts: tuple[Any, ...],
    y: Any = None, *, same_point: bool = False,
) -> AbstractPushforward:
    """The backend's pushforward primitive, else one built from its pullbacks."""
    if "forward" in backend.modes:
        if len(tx) > 1 and not backend.batched_tangents:
            one = backend.prepare_pushforward(f, x, tx[:1], contexts, y=y, same_point=same_point)
            return OneAtATimePushforward(one)
        return backend.prepare_pushforward(f, x, tx, contexts, y=y, same_point=same_point)
    if "reverse" in backend.modes:
        from .jacobian import jacobian_from_pullback

        return PushforwardFromPullback(jacobian_from_pullback(backend, f, x, contexts, y))
    raise NotSupportedError(f"pushforward: {backend!r} declares neither pushforward nor pullback.")


class OneAtATimePushforward(AbstractPushforward):
    """A batch handed one tangent at a time to a backend that does not batch."""

    def __init__(self, one: AbstractPushforward) -> None:
        self.one = one

    def value_and_pushforward(
        self, x: Any, tx: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        pairs = [self.one.value_and_pushforward(x, (t,), contexts, y) for t in tx]
        return pairs[-1][0], tuple(ty[0] for _, ty in pairs)


# --- fallback: pushforward from pullback


class PushforwardFromPullback(AbstractPushforward):
    """Slow but correct: the whole Jacobian from pullbacks, then ``J @ tx[i]``."""

    def __init__(self, jacobian: Any) -> None:
        self.jacobian = jacobian

    def value_and_pushforward(
        self, x: Any, tx: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        value, J = self.jacobian.value_and_jacobian(x, contexts, y)
        xp = array_namespace(J)
        return value, tuple(_like(value, J @ _flat(t, J, xp), xp) for t in tx)


def _flat(t: Any, J: Any, xp: Any) -> Any:
    if is_scalar(t):
        return xp.asarray([t], dtype=J.dtype)
    return xp.reshape(t, (-1,))


def _like(value: Any, v: Any, xp: Any) -> Any:
    """The flat result ``v`` shaped like the function's value."""
    if is_scalar(value):
        return type(value)(v[0])
    return xp.reshape(v, value.shape)
