"""AutoJAX's primitives: pushforward on ``jax.jvp`` and pullback on ``jax.vjp``.

A whole batch of tangents is one call, through ``jax.vmap``; the same-point
versions keep the linearization (``jax.linearize``, the ``jax.vjp`` closure)
and only apply it. Each ``_name(call, ...)`` builds the function that
``Setup.method`` jits and caches, with the arguments of the executor method it
serves: ``(x, tangents, contexts, y)``, ``contexts`` the tuple of the contexts'
values and ``y`` None (in-place functions are not supported); ``call(x, c)``
is ``f(x, *c)``.

With ``AutoJAX(shard=True)``, a batch of tangents is laid out across the devices
(``_traced.Sharded``). The gathered forms (AutoSparse's compressed Jacobian) are one jitted call too:
the pushforwards or pullbacks along fixed seeds and the read of the entries,
with seeds and positions compiled in as constants (which lets XLA simplify the
products of one-hot seeds) up to a size, passed as device arrays beyond it.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from adcore.errors import ArgumentError
from adcore.extend import AbstractPullback, AbstractPushforward

from ._engine import Setup, bind, host, to_numpy, x64_on, x64_restore
from ._traced import Call, adjoint, apply_linear, jvps, like, on_tuple, sharded, stack, vjps

__all__ = [
    "Fixed", "LinearizedPullback", "LinearizedPushforward", "Pullback", "Pushforward", "gathered", "vjps",
]

# --- pushforward


def _pushforward(call: Call, with_value: bool, stacked: bool, devices: Any = None) -> Callable[..., Any]:
    products = sharded(jvps, devices)

    def fn(x: Any, tx: Any, c: tuple[Any, ...], y: None = None) -> Any:
        g = lambda x: call(x, c)
        if stacked:
            value, ty = products(g, x, tx)
        elif len(tx) == 1:
            value, t = jax.jvp(g, (x,), (like(tx[0], x),))
            ty = (t,)
        else:
            value, dy = products(g, x, stack(tx, x))
            ty = tuple(dy)
        return (value, ty) if with_value else ty

    return fn


class Pushforward(AbstractPushforward):
    """``jax.jvp``, vmapped over a batch of tangents: one call per batch."""

    fused_gather = True  # gathered_pushforward below is one compiled call

    def __init__(self, s: Setup) -> None:
        self.f, self._setup = s.f, s  # the built functions hold f weakly
        self._value_tuple = s.method(_pushforward, True, False, s.devices)
        self._tuple = s.method(_pushforward, False, False, s.devices)
        self._value_stacked = s.method(_pushforward, True, True, s.devices)
        self._stacked = s.method(_pushforward, False, True, s.devices)
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

    def gathered_pushforward(self, dx: Any, index: Any, with_value: bool = False) -> Callable[..., Any]:
        return gathered(self._setup, jvps, dx, index, with_value)


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


def _pullback(call: Call, with_value: bool, stacked: bool, complex_x: bool,
              devices: Any = None) -> Callable[..., Any]:
    def fn(x: Any, ty: Any, c: tuple[Any, ...], y: None = None) -> Any:
        if stacked and devices is not None and not complex_x:
            value, tx = sharded(vjps, devices)(lambda x: call(x, c), x, ty)
            return (value, tx) if with_value else tx
        value, vjp = jax.vjp(lambda x: call(x, c), x)
        vjp = adjoint(vjp, complex_x)
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

    fused_gather = True  # gathered_pullback below is one compiled call

    def __init__(self, s: Setup) -> None:
        self.f, self._setup = s.f, s
        self._value_tuple = s.method(_pullback, True, False, s.complex)
        self._tuple = s.method(_pullback, False, False, s.complex)
        self._value_stacked = s.method(_pullback, True, True, s.complex, s.devices)
        bind(self, value_and_pullback=self._value_tuple, pullback=self._tuple,
             value_and_pullback_stacked=self._value_stacked)

    def value_and_pullback(self, x: Any, ty: Any, contexts: Any, y: Any = None) -> Any:
        return self._value_tuple(x, ty, contexts, y)

    def pullback(self, x: Any, ty: Any, contexts: Any, y: Any = None) -> Any:
        return self._tuple(x, ty, contexts, y)

    def value_and_pullback_stacked(self, x: Any, dy: Any, contexts: Any, y: Any = None) -> Any:
        return self._value_stacked(x, dy, contexts, y)

    def gathered_pullback(self, dy: Any, index: Any, with_value: bool = False) -> Callable[..., Any]:
        return gathered(self._setup, vjps, dy, index, with_value)


def _vjp(call: Call) -> Callable[..., Any]:
    return lambda x, c: jax.vjp(lambda x: call(x, c), x)


def _apply_vjp(call: Call, stacked: bool, complex_x: bool) -> Callable[..., Any]:
    def fn(vjp: Any, value: Any, ty: Any) -> Any:
        apply = jax.vmap(lambda t: adjoint(vjp, complex_x)(like(t, value))[0])
        return apply(ty) if stacked else on_tuple(apply, ty)

    return fn


class LinearizedPullback(AbstractPullback):
    """Same point: the ``jax.vjp`` closure, built once at preparation and applied per call."""

    def __init__(self, s: Setup, x: Any) -> None:
        self.f = s.f
        self._y, self._vjp = s.fn(_vjp)(x, s.values)
        self._tuple = s.fn(_apply_vjp, False, s.complex)
        self._stacked = s.fn(_apply_vjp, True, s.complex)

    def value_and_pullback(self, x: Any, ty: Any, contexts: Any, y: Any = None) -> Any:
        return host(x, (self._y, self._tuple(self._vjp, self._y, ty)))

    def pullback(self, x: Any, ty: Any, contexts: Any, y: Any = None) -> Any:
        return host(x, self._tuple(self._vjp, self._y, ty))

    def value_and_pullback_stacked(self, x: Any, dy: Any, contexts: Any, y: Any = None) -> Any:
        return host(x, (self._y, self._stacked(self._vjp, self._y, dy)))


# --- gathered: the products along fixed seeds and the read of the entries, one call

#: Seeds and positions of at most this many elements in all are compiled in as constants.
CONSTANT_LIMIT = 1 << 22


class Fixed:
    """Seeds and read positions fixed at preparation: a key of the functions built for ``f``,
    equal to another when their contents are, so that preparing again compiles nothing."""

    def __init__(self, seeds: Any, index: Any) -> None:
        self.seeds, self.index = np.asarray(seeds), np.asarray(index)
        if self.index.dtype != np.int32 and self.index.size and self.index.max() < 2**31:
            self.index = self.index.astype(np.int32)  # what JAX makes of it without 64-bit mode
        self.top = int(self.index.max()) if self.index.size else -1
        self.constant = self.seeds.size + self.index.size <= CONSTANT_LIMIT
        digest = hashlib.blake2b(repr((self.seeds.shape, self.seeds.dtype.str, self.index.shape,
                                       self.index.dtype.str, self.constant)).encode())
        digest.update(np.ascontiguousarray(self.seeds).data)
        digest.update(np.ascontiguousarray(self.index).data)
        self.key = digest.digest()

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fixed) and other.key == self.key


def _gathered(call: Call, products: Callable[..., Any], with_value: bool, fixed: Fixed) -> Callable[..., Any]:
    def run(x: Any, seeds: Any, index: Any, c: tuple[Any, ...]) -> Any:
        value, p = products(lambda x: call(x, c), x, seeds)
        # Not -1, which no reshape can infer for a batch of no seeds (an empty x).
        p = jax.numpy.reshape(p, (p.shape[0], math.prod(p.shape[1:])))
        if fixed.top > p.size:
            raise ArgumentError(f"the positions read go up to {fixed.top}, past the {p.size} products")
        # read as (product, entry) pairs: XLA's CPU backend splits such a gather over its threads,
        # where it runs the gather of the flattened products on one
        if p.size == 0:  # an empty x or f(x): nothing to read, and no row length to divide by
            values = jax.numpy.zeros(np.shape(index), p.dtype)
            return (value, values) if with_value else values
        xp = np if isinstance(index, np.ndarray) else jax.numpy
        at = p.at[xp.divmod(index, p.shape[1])]
        if fixed.top == p.size:  # the positions outside the pattern read zero
            values = at.get(mode="fill", fill_value=0)
        else:
            values = at.get(mode="promise_in_bounds")
        return (value, values) if with_value else values

    if fixed.constant:
        return lambda x, c, y=None: run(x, fixed.seeds, fixed.index, c)
    return lambda x, seeds, index, c, y=None: run(x, seeds, index, c)


def gathered(s: Setup, products: Callable[..., Any], seeds: Any, index: Any,
             with_value: bool) -> Callable[..., Any]:
    """``run(x, contexts, y=None)`` for a primitive's ``gathered_*`` method: ``products`` is
    ``jvps`` or ``vjps``; one jitted call. For a numpy ``x`` the value comes back as numpy and
    the values read as the ``jax.Array`` (still being computed, with JAX's asynchronous
    dispatch), which the caller reads with ``numpy.asarray`` once it has built what it can."""
    fixed = Fixed(seeds, index)
    fn = s.fn(_gathered, sharded(products, s.devices), with_value, fixed)
    if not fixed.constant:
        device = None if s.host or not isinstance(seeds, jax.Array) else next(iter(seeds.devices()))
        previous = x64_on(True) if s.x64 else None
        try:
            on_device = jax.device_put(fixed.seeds, device), jax.device_put(fixed.index, device)
        finally:
            if s.x64:
                x64_restore(previous)
        fn = lambda x, contexts, y=None, fn=fn: fn(x, *on_device, contexts, y)
    if not (s.host and with_value):
        return fn

    def run_with_value(x: Any, contexts: Any, y: Any = None) -> Any:
        value, values = fn(x, contexts, y)
        return to_numpy(value), values

    return run_with_value
