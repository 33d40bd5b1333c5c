"""``Scratch``: what a traced ``f`` receives for an ``adcore.Cache`` context.

JAX arrays and tracers are immutable, so ``cache[...] = v`` cannot write into
them. A ``Scratch`` takes such writes functionally (``value.at[index].set(v)``)
and otherwise behaves as the array it holds, so that an ``f`` written for a
mutable numpy buffer traces unchanged.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

__all__ = ["Scratch"]


def _value(v: Any) -> Any:
    return v.value if type(v) is Scratch else v


class Scratch:
    """A writable view of an immutable JAX value: ``s[i] = v`` replaces ``s.value``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = jnp.asarray(value)

    def __setitem__(self, index: Any, v: Any) -> None:
        self.value = self.value.at[_value(index)].set(_value(v))

    def __getitem__(self, index: Any) -> Any:
        return self.value[_value(index)]

    def __getattr__(self, name: str) -> Any:
        # shape, dtype, ndim, size, T, sum(), reshape(), astype()...
        return getattr(self.value, name)

    def __jax_array__(self) -> Any:
        return self.value

    def __array_namespace__(self, api_version: str | None = None) -> Any:
        return jnp

    def __len__(self) -> int:
        return len(self.value)

    def __iter__(self) -> Any:
        return iter(self.value)

    def __repr__(self) -> str:
        return f"Scratch({self.value!r})"


def _binary(name: str) -> Any:
    def method(self: Scratch, other: Any) -> Any:
        return getattr(self.value, name)(_value(other))

    method.__name__ = name
    return method


def _unary(name: str) -> Any:
    def method(self: Scratch) -> Any:
        return getattr(self.value, name)()

    method.__name__ = name
    return method


for _op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor"):
    setattr(Scratch, f"__{_op}__", _binary(f"__{_op}__"))
    setattr(Scratch, f"__r{_op}__", _binary(f"__r{_op}__"))
for _op in ("lt", "le", "gt", "ge", "eq", "ne"):
    setattr(Scratch, f"__{_op}__", _binary(f"__{_op}__"))
for _op in ("neg", "pos", "abs", "invert"):
    setattr(Scratch, f"__{_op}__", _unary(f"__{_op}__"))
Scratch.__hash__ = None  # type: ignore[assignment]


def _unflatten(_: Any, children: Any) -> Scratch:
    # Not through __init__: JAX unflattens with placeholders that are not arrays.
    s = object.__new__(Scratch)
    s.value = children[0]
    return s


# A pytree, so that jax.numpy functions (themselves jitted) take a Scratch as an array.
jax.tree_util.register_pytree_node(Scratch, lambda s: ((s.value,), None), _unflatten)
