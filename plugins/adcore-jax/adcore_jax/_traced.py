"""Helpers for the functions that AutoJAX traces (and jits): casting tangents,
batching JVPs with ``jax.vmap``, applying a kept linearization."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from adcore.errors import ShapeError

__all__ = [
    "Call", "Sharded", "adjoint", "apply_linear", "jvps", "like", "on_tuple", "scalar", "sharded", "stack",
    "vjps", "with_aux",
]

Call = Callable[[Any, tuple[Any, ...]], Any]


def like(t: Any, v: Any) -> Any:
    """The (co)tangent ``t`` in the dtype of ``v``, as JAX requires."""
    return jnp.asarray(t, dtype=jnp.result_type(v))


def scalar(y: Any, operator: str = "gradient") -> Any:
    """``y``, checked to be a scalar (at trace time)."""
    if jnp.shape(y) != ():
        raise ShapeError(
            f"{operator} needs a scalar function, but f(x) has shape {jnp.shape(y)}; use "
            "adcore.jacobian for array-valued functions, or reduce the output (e.g. .sum())."
        )
    return y


def jvps(g: Callable[[Any], Any], x: Any, dx: Any) -> tuple[Any, Any]:
    """``(g(x), dy)``: the pushforwards of stacked tangents ``dx``, ``g`` evaluated once."""
    return jax.vmap(lambda t: jax.jvp(g, (x,), (t,)), out_axes=(None, 0))(like(dx, x))


def vjps(g: Callable[[Any], Any], x: Any, dy: Any) -> tuple[Any, Any]:
    """``(g(x), dx)``: the pullbacks of stacked cotangents ``dy``, ``g`` evaluated once."""
    value, vjp = jax.vjp(g, x)
    return value, jax.vmap(lambda t: vjp(t)[0])(like(dy, value))


@dataclass(frozen=True)
class Sharded:
    """``products(g, x, seeds)`` (``jvps`` or ``vjps``) with the batch of seeds laid out across
    ``devices`` (``AutoJAX(shard=True)``): padded with zeros to a multiple of their number and
    constrained to be split along the batch, so that XLA runs a share of the vmapped products
    on each device; the padding's products are dropped. Equal to another of the same products
    and devices: a key of the functions built for ``f``."""

    products: Callable[..., tuple[Any, Any]]
    devices: tuple[Any, ...]

    def __call__(self, g: Callable[[Any], Any], x: Any, seeds: Any) -> tuple[Any, Any]:
        count = seeds.shape[0]
        pad = -count % len(self.devices)
        if pad:
            seeds = jnp.concatenate([seeds, jnp.zeros((pad, *seeds.shape[1:]), seeds.dtype)])
        mesh = jax.sharding.Mesh(np.array(self.devices), ("batch",))
        layout = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec("batch"))
        value, out = self.products(g, x, jax.lax.with_sharding_constraint(seeds, layout))
        return value, out[:count]


def sharded(products: Callable[..., tuple[Any, Any]], devices: tuple[Any, ...] | None) -> Any:
    """``products`` as it is, or ``Sharded`` over ``devices``."""
    return products if devices is None else Sharded(products, devices)


def stack(ts: tuple[Any, ...], v: Any) -> Any:
    """A tuple of (co)tangents stacked on a leading axis, in the dtype of ``v``."""
    return jnp.stack([like(t, v) for t in ts])


def on_tuple(apply: Callable[[Any], Any], ts: tuple[Any, ...]) -> tuple[Any, ...]:
    """A map of stacked tangents applied to a tuple of them, giving a tuple."""
    if len(ts) == 1:
        return (apply(jnp.expand_dims(ts[0], 0))[0],)
    return tuple(apply(jnp.stack(ts)))


def with_aux(g: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, Any]]:
    """``x -> (g(x), g(x))``: differentiated with ``has_aux``, it gives the value too."""

    def both(x: Any) -> tuple[Any, Any]:
        y = g(x)
        return y, y

    return both


def apply_linear(call: Call, stacked: bool) -> Callable[..., Any]:
    """Builds ``(lin, tangents) -> lin(tangents)`` for a kept linearization ``lin``, a
    pytree (``jax.tree_util.Partial``) passed as an argument of the jitted function."""

    def fn(lin: Any, tx: Any) -> Any:
        return jax.vmap(lin)(tx) if stacked else on_tuple(jax.vmap(lin), tx)

    return fn


def adjoint(vjp: Callable[[Any], Any], complex_x: bool) -> Callable[[Any], Any]:
    """``vjp`` as the adjoint of ``J`` for the real inner product ``Re(vdot(u, v))``: for a
    complex ``x``, JAX's vjp is the transpose ``J^T w``, so conjugate on both sides."""
    if not complex_x:
        return vjp
    return lambda t: (jnp.conj(vjp(jnp.conj(t))[0]),)
