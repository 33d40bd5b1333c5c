"""``Scratch``: what a traced ``f`` receives for an ``adcore.Cache`` context.

JAX arrays and tracers are immutable, so ``cache[...] = v`` cannot write into
them. This ``adcore.extend.Scratch`` takes such writes functionally
(``value.at[index].set(v)``) and otherwise behaves as the array it holds, so that
an ``f`` written for a mutable numpy buffer traces unchanged.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from adcore.extend import Scratch as _Scratch

__all__ = ["Scratch", "make"]


class Scratch(_Scratch):
    """A writable view of an immutable JAX value: ``s[i] = v`` replaces ``s.value``."""

    __slots__ = ()

    def convert(self, value: Any) -> Any:
        return jnp.asarray(value)

    def put(self, value: Any, index: Any, v: Any) -> Any:
        return value.at[index].set(v)

    def __jax_array__(self) -> Any:
        return self.value

    def __array_namespace__(self, api_version: str | None = None) -> Any:
        return jnp


def make(value: Any, x: Any) -> Scratch:
    """The stand-in ``adcore.extend.with_scratch`` hands ``f`` for a Cache's ``value``."""
    return Scratch(value)


def _unflatten(_: Any, children: Any) -> Scratch:
    # Not through __init__: JAX unflattens with placeholders that are not arrays.
    s = object.__new__(Scratch)
    s.value = children[0]
    return s


# A pytree, so that jax.numpy functions (themselves jitted) take a Scratch as an array.
jax.tree_util.register_pytree_node(Scratch, lambda s: ((s.value,), None), _unflatten)
