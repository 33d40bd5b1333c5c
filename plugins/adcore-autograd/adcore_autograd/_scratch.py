"""What a traced ``f`` receives for an ``adcore.Cache`` context: a writable box.

No numpy array can hold autograd's boxes, so ``cache[...] = sin(x)`` cannot
write into the Cache's array while autograd traces ``f``. ``f`` receives a
``ScratchBox`` instead: a box of the trace whose value starts as the Cache's
contents and whose writes are recorded functionally, through the primitive
``put`` (``put(a, index, v)`` is ``a`` with ``a[index] = v``, and has
derivatives of every order in both modes). Being a box of its own registered
type, it takes part in every autograd operation as any box does, on either
side of an operator. ``adcore.extend.with_scratch(f, caches, make)`` hands it
to ``f``.

It is not an ``adcore.extend.Scratch``: autograd's primitives (``anp.sin``,
``anp.dot``...) trace an argument only if its type is a registered box type and
hand anything else to numpy as a constant, which a Scratch holding a box is not
(``anp.sin(scratch)`` fails). The stand-in must be an ``ArrayBox`` itself, and
a class cannot take both ``Box``'s slots and ``Scratch``'s (their layouts
conflict).
"""
from __future__ import annotations

from typing import Any

import autograd.numpy as anp
import numpy as np
from autograd.extend import defjvp, defvjp, primitive
from autograd.numpy.numpy_boxes import ArrayBox
from autograd.tracer import Box

__all__ = ["ScratchBox", "make", "put"]


@primitive
def put(a: Any, index: Any, v: Any) -> Any:
    """A copy of ``a`` with ``a[index] = v``."""
    out = np.array(a, copy=True)
    out[index] = v
    return out


def _sum_to(g: Any, like: Any) -> Any:
    """``g`` summed over the axes along which ``like`` was broadcast to it."""
    shape = np.shape(like)
    while anp.ndim(g) > len(shape):
        g = anp.sum(g, axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and anp.shape(g)[axis] != 1:
            g = anp.sum(g, axis=axis, keepdims=True)
    return g


defvjp(
    put,
    lambda ans, a, index, v: lambda g: put(g, index, 0.0),
    None,
    lambda ans, a, index, v: lambda g: _sum_to(g[index], v),
)
defjvp(
    put,
    lambda g, ans, a, index, v: put(g, index, 0.0),
    None,
    lambda g, ans, a, index, v: put(anp.zeros_like(ans), index, g),
)


class _Never:
    """A value type no array ever has: registering ScratchBox under it maps nothing to it."""


class ScratchBox(ArrayBox):
    """A box whose ``__setitem__`` replaces its value and node by those of ``put``."""

    __slots__ = ()

    def __setitem__(self, index: Any, v: Any) -> None:
        new = put(self, index, v)
        self._value, self._trace, self._node = new._value, new._trace, new._node


# Makes autograd treat a ScratchBox as a box (its `isbox` test), without any value becoming one.
ScratchBox.register(_Never)


def make(value: Any, x: Any) -> Any:
    """The Cache's ``value`` as a ScratchBox on the trace of ``x`` (as it is if ``x`` is not traced)."""
    if not isinstance(x, Box):
        return value
    # `value + 0 * sum(x)`: the Cache's contents, on x's trace, with no derivative. (Under
    # nested differentiation the value may be an outer level's ScratchBox already.)
    based = (value if isinstance(value, Box) else np.asarray(value)) + 0.0 * anp.sum(x)
    return ScratchBox(based._value, based._trace, based._node)
