"""hvp: Hessian-vector products ``H(x) @ tx[i]`` of a scalar function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.contexts import Constant, unwrap
from .._core.prep import Prep
from .._registry.namespace import array_namespace
from .batching import stack, unstack
from .common import (
    LIKE,
    check_out,
    count,
    fill,
    levels,
    make_prep,
    prepare_native,
    routed,
    strict,
    validate,
)
from .executors import AbstractHVP, Tangents
from .gradient import gradient_executor
from .primitives import pullback_executor, pushforward_executor
from .tree_executor import prepare_tree
from .trees import is_tree
from .values import size

__all__ = ["gradient_and_hvp", "hvp", "hvp_executor", "prepare_hvp", "prepare_hvp_same_point"]

# --- public


def hvp(
    f: Callable[..., Any], backend: Any, x: Any, tx: Tangents, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> Tangents:
    """hvp(f, backend, x, tx, *contexts, prep=None, out=None) -> tg

    The Hessian-vector products of the scalar function ``f`` at ``x`` with each
    tangent of ``tx``: a tuple of the same length, each like ``x``.

    >>> import numpy as np, adcore as ad
    >>> tg = ad.hvp(lambda x: (x ** 3).sum(), ad.AutoFiniteDiff(), np.array([1.0, 2.0]),
    ...             (np.array([1.0, 1.0]),))
    >>> tg[0].round(3)
    array([ 6., 12.])
    """
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("hvp", out, count(tx))
    if prep is None:
        prep = _prepare(f, backend, x, tx, contexts, y, True, same_point=False)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "hvp"):  # no frame for a Prep
        prep.check("hvp", f, backend, x, contexts, tx, y)
    tg = prep.executor.hvp(x, tx, contexts and unwrap(contexts))
    return tg if out is None else fill(out, tg, len(tg))


def gradient_and_hvp(
    f: Callable[..., Any], backend: Any, x: Any, tx: Tangents, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> tuple[Any, Tangents]:
    """gradient_and_hvp(f, backend, x, tx, *contexts, prep=None, out=None) -> (grad, tg)

    ``out`` is a pair ``(grad_buffer, tuple_of_hvp_buffers)``.
    """
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("hvp", out, (LIKE, count(tx)))
    if prep is None:
        prep = _prepare(f, backend, x, tx, contexts, y, True, same_point=False)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "hvp"):  # no frame for a Prep
        prep.check("hvp", f, backend, x, contexts, tx, y)
    grad, tg = prep.executor.gradient_and_hvp(x, tx, contexts and unwrap(contexts))
    if out is None:
        return grad, tg
    return fill(out, (grad, tg), (LIKE, len(tg)))


def prepare_hvp(
    f: Callable[..., Any], backend: Any, x: Any, tx: Tangents, *contexts: Any,
    y: Any = None, strict: bool = True,
) -> Prep:
    """prepare_hvp(f, backend, x, tx, *contexts, strict=True) -> prep"""
    return _prepare(f, backend, x, tx, contexts, y, strict, same_point=False)


def prepare_hvp_same_point(
    f: Callable[..., Any], backend: Any, x: Any, tx: Tangents, *contexts: Any,
    y: Any = None, strict: bool = True,
) -> Prep:
    """prepare_hvp_same_point(f, backend, x, tx, *contexts, strict=True) -> prep

    Like ``prepare_hvp``, for calls at this very ``x`` (and contexts) with new tangents.
    """
    return _prepare(f, backend, x, tx, contexts, y, strict, same_point=True)


def _prepare(
    f: Any, backend: Any, x: Any, tx: Any, contexts: Any, y: Any, strict: bool, same_point: bool
) -> Prep:
    if is_tree(x):
        return prepare_tree(
            "hvp", lambda g, v, t: hvp_executor(backend, g, v, t, contexts, same_point=same_point),
            f, backend, x, contexts, tx, y, strict=strict, same_point=same_point)
    validate("hvp", f, backend, x, contexts, tx, y)
    executor = hvp_executor(backend, f, x, tx, contexts, same_point=same_point)
    return make_prep("hvp", executor, f, backend, x, contexts, tx, strict=strict, same_point=same_point)


# --- preparation


def hvp_executor(
    backend: Any, f: Callable[..., Any], x: Any, tx: Tangents, contexts: tuple[Any, ...], *,
    same_point: bool = False,
) -> AbstractHVP:
    """The backend's native hvp, else the outer backend differentiating the inner one's
    gradient: forward over reverse where the outer has a pushforward (preferred),
    reverse over forward where the inner has only a pushforward, else reverse over reverse.
    """
    backend = routed(backend, "hvp")
    if "hvp" in backend.native:
        return prepare_native(backend, "hvp", f, x, tx, contexts, same_point=same_point)
    outer, inner = levels(backend, "hvp")
    if size(x) == 0:
        return EmptyHVP(gradient_executor(inner, f, x, contexts))
    if "forward" in outer.modes:
        return HVPFromPushforwardOfGradient(outer, inner, f, x, tx, contexts, same_point)
    if "reverse" not in inner.modes:
        return HVPFromGradientOfPushforward(outer, inner, f, x, tx, contexts)
    return HVPFromPullbackOfGradient(outer, inner, f, x, tx, contexts, same_point)


# --- fallback: at an empty x


class EmptyHVP(AbstractHVP):
    """At an empty x, every hvp is empty: nothing to differentiate, and no engine nested in
    itself over nothing (torch.func, seeing no tensor, would refuse the nesting)."""

    def __init__(self, gradient: Any) -> None:
        self.gradient = gradient

    def gradient_and_hvp(self, x: Any, tx: Tangents, contexts: tuple[Any, ...]) -> tuple[Any, Tangents]:
        xp = array_namespace(x)
        return self.gradient.gradient(x, contexts), tuple(xp.zeros_like(x) for _ in tx)

    def gradient_and_hvp_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        return self.gradient.gradient(x, contexts), array_namespace(dx).zeros_like(dx)


# --- fallback: forward over reverse (or over forward), a pushforward of the gradient


class HVPFromPushforwardOfGradient(AbstractHVP):
    def __init__(
        self, outer: Any, inner: Any, f: Any, x: Any, tx: Tangents, contexts: Any, same_point: bool
    ) -> None:
        grad = gradient_executor(inner, f, x, contexts).gradient
        g = lambda x, *c: grad(x, c)
        self.pushforward = pushforward_executor(outer, g, x, tx, contexts, same_point=same_point)

    def gradient_and_hvp(self, x: Any, tx: Tangents, contexts: tuple[Any, ...]) -> tuple[Any, Tangents]:
        return self.pushforward.value_and_pushforward(x, tx, contexts)

    def hvp(self, x: Any, tx: Tangents, contexts: tuple[Any, ...]) -> Tangents:
        return self.pushforward.pushforward(x, tx, contexts)

    def gradient_and_hvp_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        return self.pushforward.value_and_pushforward_stacked(x, dx, contexts)

    def hvp_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...]) -> Any:
        return self.pushforward.pushforward_stacked(x, dx, contexts)


# --- fallback: reverse over reverse, a pullback of the gradient (H is symmetric)


class HVPFromPullbackOfGradient(AbstractHVP):
    def __init__(
        self, outer: Any, inner: Any, f: Any, x: Any, tx: Tangents, contexts: Any, same_point: bool
    ) -> None:
        grad = gradient_executor(inner, f, x, contexts).gradient
        g = lambda x, *c: grad(x, c)
        self.pullback = pullback_executor(outer, g, x, tx, contexts, same_point=same_point)

    def gradient_and_hvp(self, x: Any, tx: Tangents, contexts: tuple[Any, ...]) -> tuple[Any, Tangents]:
        return self.pullback.value_and_pullback(x, tx, contexts)

    def gradient_and_hvp_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        return self.pullback.value_and_pullback_stacked(x, dx, contexts)

    def hvp_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...]) -> Any:
        return self.pullback.pullback_stacked(x, dx, contexts)


# --- fallback: reverse over forward, the gradient of a directional derivative


class HVPFromGradientOfPushforward(AbstractHVP):
    def __init__(self, outer: Any, inner: Any, f: Any, x: Any, tx: Tangents, contexts: Any) -> None:
        pushforward = pushforward_executor(inner, f, x, tx[:1], contexts).pushforward
        h = lambda x, t, *c: pushforward(x, (t,), c)[0]
        self.directional = gradient_executor(outer, h, x, (Constant(tx[0]), *contexts))
        self.grad = gradient_executor(outer, f, x, contexts)

    def gradient_and_hvp(self, x: Any, tx: Tangents, contexts: tuple[Any, ...]) -> tuple[Any, Tangents]:
        return self.grad.gradient(x, contexts), self.hvp(x, tx, contexts)

    def hvp(self, x: Any, tx: Tangents, contexts: tuple[Any, ...]) -> Tangents:
        return tuple(self.directional.gradient(x, (t, *contexts)) for t in tx)

    def hvp_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...]) -> Any:
        return stack(self.hvp(x, unstack(dx), contexts), dx)
