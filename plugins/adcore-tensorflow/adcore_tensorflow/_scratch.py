"""What ``f`` receives for an ``adcore.Cache`` context: a writable stand-in for a tensor.

Tensors are immutable, and a numpy array written with tensors would keep their
values cut off from the tape (wrong derivatives, silently). ``f`` receives a
``Scratch`` instead, an ``adcore.extend.Scratch``: it holds a tensor, takes
``scratch[index] = v`` as a new tensor (a differentiable scatter, in both
modes), and otherwise converts to that tensor wherever TensorFlow expects one
(the ``__tf_tensor__`` protocol), so that an ``f`` written for a mutable numpy
buffer runs unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from adcore import Cache
from adcore.extend import Scratch as _Scratch
from adcore.extend import with_scratch

__all__ = ["Scratch", "scratched"]


def put(a: Any, index: Any, v: Any) -> Any:
    """A tensor like ``a`` with ``a[index] = v``, as numpy assigns: ``v`` broadcast and cast."""
    v = tf.cast(v, a.dtype)
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


class Scratch(_Scratch):
    """A writable view of an immutable tensor: ``s[i] = v`` replaces ``s.value``."""

    __slots__ = ()
    # Above numpy arrays' and tensors' priority: `array * scratch` comes to Scratch.__rmul__.
    __array_priority__ = 200

    def convert(self, value: Any) -> Any:
        return tf.convert_to_tensor(value)

    def put(self, value: Any, index: Any, v: Any) -> Any:
        return put(value, index, v)

    @property
    def dtype(self) -> Any:
        # numpy's dtype: tf.experimental.numpy reads it with numpy before converting.
        return np.dtype(self.value.dtype.as_numpy_dtype)

    def __tf_tensor__(self, dtype: Any = None, name: Any = None) -> Any:
        return self.value if dtype is None else tf.cast(self.value, dtype)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        return np.asarray(self.value, dtype=dtype)


def _make(value: Any, x: Any) -> Scratch:
    return Scratch(value)


def scratched(f: Callable[..., Any], contexts: tuple[Any, ...]) -> Callable[..., Any]:
    """``adcore.extend.with_scratch`` of ``f`` with a Scratch for each Cache: ``f`` itself
    without Caches, else one function per ``f`` and Caches' positions."""
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
    return with_scratch(f, caches, _make)
