"""What ``f`` receives for an ``adcore.Cache`` context: a writable stand-in for a tensor.

Tensors are immutable, and a numpy array written with tensors would keep their
values cut off from the tape (wrong derivatives, silently). ``f`` receives a
``Scratch`` instead: it holds a tensor, takes ``scratch[index] = v`` as a new
tensor (a differentiable scatter, in both modes), and otherwise converts to
that tensor wherever TensorFlow expects one (the ``__tf_tensor__`` protocol),
so that an ``f`` written for a mutable numpy buffer runs unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from adcore import Cache

__all__ = ["Scratch", "with_scratch"]


def _value(v: Any) -> Any:
    return v.value if type(v) is Scratch else v


def put(a: Any, index: Any, v: Any) -> Any:
    """A tensor like ``a`` with ``a[index] = v``, as numpy assigns: ``v`` broadcast and cast."""
    v = tf.cast(_value(v), a.dtype)
    if index is Ellipsis:
        return tf.broadcast_to(v, a.shape)
    shape = tuple(a.shape)
    size = int(np.prod(shape))
    region = np.arange(size).reshape(shape)[index]  # the flat positions written, as indexed
    positions = region.reshape(-1)
    mask = np.zeros(shape, dtype=bool)
    mask[index] = True
    updates = tf.reshape(tf.broadcast_to(v, region.shape), [-1])
    if size * positions.size <= _DENSE:
        # A product with a one-hot matrix: unlike scatter_nd, whose derivative TensorFlow's
        # forward accumulator cannot take under a tape (forward over reverse), it has
        # derivatives of every order in both modes.
        onehot = np.zeros((size, positions.size), dtype=a.dtype.as_numpy_dtype)
        onehot[positions, np.arange(positions.size)] = 1
        placed = tf.linalg.matvec(onehot, updates)
    else:
        placed = tf.scatter_nd(positions.reshape(-1, 1), updates, [size])
    return tf.where(mask, tf.reshape(placed, shape), a)


#: Elements of the largest one-hot matrix ``put`` builds; larger writes scatter.
_DENSE = 1 << 20


class Scratch:
    """A writable view of an immutable tensor: ``s[i] = v`` replaces ``s.value``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = tf.convert_to_tensor(value)

    def __setitem__(self, index: Any, v: Any) -> None:
        self.value = put(self.value, index, v)

    def __getitem__(self, index: Any) -> Any:
        return self.value[index]

    def __getattr__(self, name: str) -> Any:
        # shape, ndim, device...
        return getattr(self.value, name)

    @property
    def dtype(self) -> Any:
        # numpy's dtype: tf.experimental.numpy reads it with numpy before converting.
        return np.dtype(self.value.dtype.as_numpy_dtype)

    def __tf_tensor__(self, dtype: Any = None, name: Any = None) -> Any:
        return self.value if dtype is None else tf.cast(self.value, dtype)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        return np.asarray(self.value, dtype=dtype)

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


for _op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul"):
    setattr(Scratch, f"__{_op}__", _binary(f"__{_op}__"))
    setattr(Scratch, f"__r{_op}__", _binary(f"__r{_op}__"))
for _op in ("lt", "le", "gt", "ge"):
    setattr(Scratch, f"__{_op}__", _binary(f"__{_op}__"))
for _op in ("neg", "pos", "abs"):
    setattr(Scratch, f"__{_op}__", _unary(f"__{_op}__"))
# Above numpy arrays' and tensors' priority: `array * scratch` comes to Scratch.__rmul__.
Scratch.__array_priority__ = 200  # type: ignore[attr-defined]


def with_scratch(f: Callable[..., Any], contexts: tuple[Any, ...]) -> Callable[..., Any]:
    """``f`` called with a Scratch in place of each Cache's value, and its result a tensor
    (``f`` itself without Caches)."""
    caches = tuple(isinstance(c, Cache) for c in contexts)
    if not any(caches):
        return f
    try:
        return _scratched(f, caches)
    except TypeError:  # an unhashable f
        return _scratched.__wrapped__(f, caches)


@functools.lru_cache(maxsize=256)
def _scratched(f: Callable[..., Any], caches: tuple[bool, ...]) -> Callable[..., Any]:
    # One function per f: the compiled kernels, kept per function, are found again.
    def scratched(x: Any, *values: Any) -> Any:
        result = f(x, *[Scratch(v) if cache else v for v, cache in zip(values, caches)])
        return _value(result)

    return scratched
