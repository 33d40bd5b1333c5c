"""Helpers for the functions that AutoJAX traces (and jits): casting tangents,
batching JVPs with ``jax.vmap``, applying a kept linearization."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from adcore.errors import ShapeError

__all__ = ["Call", "adjoint", "apply_linear", "jvps", "like", "on_tuple", "scalar", "stack", "with_aux"]

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
