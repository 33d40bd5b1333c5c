"""``Scratch`` and ``with_scratch``: what ``f`` receives for a ``Cache`` where no buffer can be written.

``f`` is written for a numpy buffer: ``cache[...] = sin(x)``, then reads ``cache``.
An engine whose arrays are immutable (JAX, TensorFlow) cannot take that write,
and a numpy buffer cannot hold an engine's traced values (or would hold them cut
off from the trace: a silently wrong derivative). Such an engine hands ``f`` a
stand-in for the Cache's value instead: a ``Scratch`` subclass that takes each
write as a new value, through the engine's own functional update, and otherwise
behaves as the value it holds. An engine that traces only values of its own
types (autograd's boxes) writes a stand-in of such a type and uses
``with_scratch`` alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["Scratch", "with_scratch"]


def _unwrap(v: Any) -> Any:
    return v.value if isinstance(v, Scratch) else v


class Scratch:
    """Scratch(value): a writable stand-in for a Cache's value; ``s[index] = v`` replaces ``s.value``.

    An engine subclasses it and implements :meth:`put` (and :meth:`convert` where
    the Cache's value must become the engine's array). Every other use reaches
    ``s.value``: indexing, attributes (``shape``, ``dtype``, ``sum()``), ``len``,
    iteration, and every arithmetic, comparison and unary operator on either side,
    a Scratch operand counting as its value. What the subclass adds is what its
    engine needs to take a Scratch where it takes an array: JAX's
    ``__jax_array__`` and a pytree registration, TensorFlow's ``__tf_tensor__``,
    an ``__array_priority__`` above the engine's arrays so that ``array * s``
    reaches ``s.__rmul__``.

    >>> import numpy as np
    >>> class NumpyScratch(Scratch):
    ...     __slots__ = ()
    ...     def put(self, value, index, v):
    ...         new = value.copy()
    ...         new[index] = v
    ...         return new
    >>> s = NumpyScratch(np.zeros(3))
    >>> s[1:] = 2.0
    >>> 1.0 + s
    array([1., 3., 3.])
    """

    __slots__ = ("value",)
    __hash__ = None  # type: ignore[assignment]  # mutable, and == compares elementwise

    def __init__(self, value: Any) -> None:
        self.value = self.convert(value)

    def convert(self, value: Any) -> Any:
        """convert(value) -> array: the Cache's ``value`` as the engine's array (by default, as it is)."""
        return value

    def put(self, value: Any, index: Any, v: Any) -> Any:
        """put(value, index, v) -> new: a new array equal to ``value`` but for ``new[index] = v``.

        It writes as numpy does (``v`` broadcast to ``value[index]``'s shape and
        cast to ``value``'s dtype) and leaves ``value`` unchanged. Derivatives flow
        through it as through any operation of the engine: in ``value`` (but at
        ``index``) and in ``v``, in every mode, to every order the engine
        differentiates. ``index`` and ``v`` are never a Scratch.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement put(value, index, v), "
                                  "its engine's functional update (JAX: value.at[index].set(v)).")

    def __setitem__(self, index: Any, v: Any) -> None:
        self.value = self.put(self.value, _unwrap(index), _unwrap(v))

    def __getattr__(self, name: str) -> Any:
        if name == "value":  # not set yet (an engine rebuilding it through object.__new__, a copy)
            raise AttributeError(name)
        return getattr(self.value, name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r})"


def _forward(name: str) -> Callable[..., Any]:
    def method(self: Scratch, *args: Any) -> Any:
        return getattr(self.value, name)(*map(_unwrap, args))

    method.__name__ = method.__qualname__ = name
    return method


_BINARY = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor")
for _name in (
    "getitem", "len", "iter", "lt", "le", "gt", "ge", "eq", "ne", "neg", "pos", "abs", "invert",
    *_BINARY, *(f"r{op}" for op in _BINARY),
):
    setattr(Scratch, f"__{_name}__", _forward(f"__{_name}__"))


def with_scratch(f: Callable[..., Any], caches: Sequence[bool], make: Callable[[Any, Any], Any]
                 ) -> Callable[..., Any]:
    """with_scratch(f, caches, make) -> g: ``f`` given a stand-in for each Cache's value.

    ``caches[i]`` says whether the ``i``-th context is a Cache
    (``[isinstance(c, adcore.Cache) for c in contexts]``; a key for an engine that
    keeps what it builds per function). ``g(x, *values)`` calls ``f(x, *values)``
    with ``make(value, x)`` in place of each Cache's value (``x`` for a stand-in
    that must join ``x``'s trace), and returns ``f``'s result, or its value where
    ``f`` returns a Scratch. Without a Cache, ``g`` is ``f`` itself.
    """
    caches = tuple(caches)
    if not any(caches):
        return f

    def scratched(x: Any, *values: Any) -> Any:
        result = f(x, *[make(v, x) if cache else v for v, cache in zip(values, caches)])
        return result.value if isinstance(result, Scratch) else result

    return scratched
