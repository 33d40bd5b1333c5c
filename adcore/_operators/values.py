"""Calls of ``f`` itself, outside any engine: to learn the shape of ``f(x)`` while preparing a
fallback, or for the value that a fallback returns besides derivatives."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._core.arrays import writable_numpy
from .._core.contexts import Cache, unwrap

__all__ = ["caches_of", "call_f", "output", "size"]


def output(f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
    """``f(x)`` once, to learn the shape of the output (``y`` filled, if in-place)."""
    return call_f(f, x, unwrap(contexts), caches_of(contexts), y)


def caches_of(contexts: tuple[Any, ...]) -> tuple[bool, ...]:
    """Which of ``contexts`` are Caches."""
    return tuple(isinstance(c, Cache) for c in contexts)


def call_f(f: Callable[..., Any], x: Any, values: tuple[Any, ...], caches: Sequence[bool],
           y: Any = None) -> Any:
    """``f(x, *values)`` (``f(y, x, *values)`` returning ``y`` if in-place), ``caches[i]`` saying
    whether ``values[i]`` is a Cache's.

    A Cache may hold an engine's immutable array (JAX's, TensorFlow's), which ``f``'s
    ``cache[...] = v`` cannot write: the engine raises ``TypeError``. An engine hands ``f``
    a stand-in that takes the write (``adcore.extend.Scratch``), but no engine runs ``f``
    here: ``f`` then gets a writable numpy copy of each such value instead, which at a
    concrete ``x`` gives the same ``f(x)``.
    """
    try:
        return _call(f, x, values, y)
    except TypeError:
        if not any(cache and not isinstance(v, np.ndarray) for v, cache in zip(values, caches)):
            raise
        stand_ins = tuple(np.array(writable_numpy(v)) if cache and not isinstance(v, np.ndarray)
                          else v for v, cache in zip(values, caches))
        return _call(f, x, stand_ins, y)


def _call(f: Callable[..., Any], x: Any, values: tuple[Any, ...], y: Any) -> Any:
    if y is None:
        return f(x, *values)
    f(y, x, *values)
    return y


def size(v: Any) -> int:
    """The number of elements of an array (1 for a number)."""
    n = 1
    for d in getattr(v, "shape", ()):
        n *= int(d)
    return n
