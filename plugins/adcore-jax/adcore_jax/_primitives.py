"""AutoJAX's primitives: pushforward on ``jax.jvp`` and pullback on ``jax.vjp``.

A whole batch of tangents is one call, through ``jax.vmap``; the same-point
versions keep the linearization (``jax.linearize``, the ``jax.vjp`` closure)
and only apply it. Each ``_name(call, ...)`` builds the function that
``Setup.method`` jits and caches, with the arguments of the executor method it
serves: ``(x, tangents, contexts, y)``, ``contexts`` the tuple of the contexts'
values and ``y`` None (in-place functions are not supported); ``call(x, c)``
is ``f(x, *c)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax

from adcore.extend import AbstractPullback, AbstractPushforward

from ._engine import Setup, bind, host
from ._traced import Call, apply_linear, jvps, like, on_tuple, stack

__all__ = ["LinearizedPullback", "LinearizedPushforward", "Pullback", "Pushforward"]

# --- pushforward


def _pushforward(call: Call, with_value: bool, stacked: bool) -> Callable[..., Any]:
    def fn(x: Any, tx: Any, c: tuple[Any, ...], y: None = None) -> Any:
        g = lambda x: call(x, c)
        if stacked:
            value, ty = jvps(g, x, tx)
        elif len(tx) == 1:
            value, t = jax.jvp(g, (x,), (like(tx[0], x),))
            ty = (t,)
        else:
            value, dy = jvps(g, x, stack(tx, x))
            ty = tuple(dy)
        return (value, ty) if with_value else ty

    return fn


class Pushforward(AbstractPushforward):
    """``jax.jvp``, vmapped over a batch of tangents: one call per batch."""

    def __init__(self, s: Setup) -> None:
        self.f = s.f  # the built functions hold it weakly
        self._value_tuple = s.method(_pushforward, True, False)
        self._tuple = s.method(_pushforward, False, False)
        self._value_stacked = s.method(_pushforward, True, True)
        self._stacked = s.method(_pushforward, False, True)
        bind(self, value_and_pushforward=self._value_tuple, pushforward=self._tuple,
             value_and_pushforward_stacked=self._value_stacked, pushforward_stacked=self._stacked)

    def value_and_pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
        return self._value_tuple(x, tx, contexts, y)

    def pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
        return self._tuple(x, tx, contexts, y)

    def value_and_pushforward_stacked(self, x: Any, dx: Any, contexts: Any, y: Any = None) -> Any:
        return self._value_stacked(x, dx, contexts, y)

    def pushforward_stacked(self, x: Any, dx: Any, contexts: Any, y: Any = None) -> Any:
        return self._stacked(x, dx, contexts, y)


def _linearize(call: Call) -> Callable[..., Any]:
    # Returned from jit, the linear map is a pytree whose treedef (the jaxpr, traced
    # once per signature) is the same at every point: applying it compiles once too.
    return lambda x, c: jax.linearize(lambda x: call(x, c), x)


class LinearizedPushforward(AbstractPushforward):
    """Same point: ``jax.linearize`` once at preparation; each call applies the linear map."""

    def __init__(self, s: Setup, x: Any) -> None:
        self.f = s.f
        self._y, self._lin = s.fn(_linearize)(x, s.values)
        self._tuple = s.fn(apply_linear, False)
        self._stacked = s.fn(apply_linear, True)

    def value_and_pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
        return host(x, (self._y, self._tuple(self._lin, tx)))

    def pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
        return host(x, self._tuple(self._lin, tx))

    def value_and_pushforward_stacked(self, x: Any, dx: Any, contexts: Any, y: Any = None) -> Any:
        return host(x, (self._y, self._stacked(self._lin, dx)))

    def pushforward_stacked(self, x: Any, dx: Any, contexts: Any, y: Any = None) -> Any:
        return host(x, self._stacked(self._lin, dx))


# --- pullback


def _pullback(call: Call, with_value: bool, stacked: bool) -> Callable[..., Any]:
    def fn(x: Any, ty: Any, c: tuple[Any, ...], y: None = None) -> Any:
        value, vjp = jax.vjp(lambda x: call(x, c), x)
        if stacked:
            tx = jax.vmap(lambda t: vjp(t)[0])(like(ty, value))
        elif len(ty) == 1:
            tx = (vjp(like(ty[0], value))[0],)
        else:
            tx = tuple(jax.vmap(lambda t: vjp(t)[0])(stack(ty, value)))
        return (value, tx) if with_value else tx

    return fn


class Pullback(AbstractPullback):
    """``jax.vjp``, vmapped over a batch of cotangents: one call per batch."""

    def __init__(self, s: Setup) -> None:
        self.f = s.f
        self._value_tuple = s.method(_pullback, True, False)
        self._tuple = s.method(_pullback, False, False)
        self._value_stacked = s.method(_pullback, True, True)
        bind(self, value_and_pullback=self._value_tuple, pullback=self._tuple,
             value_and_pullback_stacked=self._value_stacked)

    def value_and_pullback(self, x: Any, ty: Any, contexts: Any, y: Any = None) -> Any:
        return self._value_tuple(x, ty, contexts, y)

    def pullback(self, x: Any, ty: Any, contexts: Any, y: Any = None) -> Any:
        return self._tuple(x, ty, contexts, y)

    def value_and_pullback_stacked(self, x: Any, dy: Any, contexts: Any, y: Any = None) -> Any:
        return self._value_stacked(x, dy, contexts, y)


def _vjp(call: Call) -> Callable[..., Any]:
    return lambda x, c: jax.vjp(lambda x: call(x, c), x)


def _apply_vjp(call: Call, stacked: bool) -> Callable[..., Any]:
    def fn(vjp: Any, value: Any, ty: Any) -> Any:
        apply = jax.vmap(lambda t: vjp(like(t, value))[0])
        return apply(ty) if stacked else on_tuple(apply, ty)

    return fn


class LinearizedPullback(AbstractPullback):
    """Same point: the ``jax.vjp`` closure, built once at preparation and applied per call."""

    def __init__(self, s: Setup, x: Any) -> None:
        self.f = s.f
        self._y, self._vjp = s.fn(_vjp)(x, s.values)
        self._tuple = s.fn(_apply_vjp, False)
        self._stacked = s.fn(_apply_vjp, True)

    def value_and_pullback(self, x: Any, ty: Any, contexts: Any, y: Any = None) -> Any:
        return host(x, (self._y, self._tuple(self._vjp, self._y, ty)))

    def pullback(self, x: Any, ty: Any, contexts: Any, y: Any = None) -> Any:
        return host(x, self._tuple(self._vjp, self._y, ty))

    def value_and_pullback_stacked(self, x: Any, dy: Any, contexts: Any, y: Any = None) -> Any:
        return host(x, (self._y, self._stacked(self._vjp, self._y, dy)))
