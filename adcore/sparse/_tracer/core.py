"""Tracers: arrays that carry, for every element, the set of inputs it depends on.

A :class:`Tracer` has a shape and a dtype but no values. Its elements point
(``rows``, an integer array of its shape, ``-1`` for "depends on nothing") into a
table of dependency sets (:class:`Deps`): the first-order set of every element
(the inputs it depends on) and, for Hessian patterns, the second-order set (the
pairs of inputs whose second derivative may be nonzero, as SparseConnectivityTracer
tracks them). Moving elements around (indexing, reshaping, concatenating) only
moves ``rows``; arithmetic that joins sets builds a new table. The pattern found is
global: it holds at every ``x``, for the constants and contexts ``f`` was traced with.

The array object lives here; the rules are in ``ufuncs`` (elementwise operations,
building tables), ``functions`` (reductions and products) and ``moves`` (functions that
move elements around), and ``protocols`` joins them to the object's numpy protocols.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...errors import ArgumentTypeError
from .._sets import Sets, concat_sets
from .rules import HANDLED, PROTOCOLS, not_traceable, unsupported

__all__ = ["Deps", "Trace", "Tracer", "is_traced", "merge"]

_INT = np.int64

class Deps:
    """A table of dependency sets: ``g`` (inputs) and, for Hessians, ``h`` (pair codes)."""

    __slots__ = ("g", "h")

    def __init__(self, g: Sets, h: Sets | None) -> None:
        self.g, self.h = g, h

    @property
    def nrows(self) -> int:
        return self.g.nrows


class Trace:
    """What the tracers of one run of ``f`` share: the number of inputs ``n``, whether
    second-order sets are tracked, and the inputs' own table (row ``i`` is ``{i}``)."""

    __slots__ = ("hessian", "inputs", "n")

    def __init__(self, n: int, hessian: bool) -> None:
        self.n, self.hessian = n, hessian
        self.inputs = Deps(Sets.singletons(n), Sets.empty(n) if hessian else None)

    def tracer(self, rows: np.ndarray, dtype: Any, deps: Deps | None = None) -> Tracer:
        return Tracer(self, self.inputs if deps is None else deps, rows, dtype)

    def constant(self, shape: tuple[int, ...], dtype: Any) -> Tracer:
        """A tracer that depends on nothing: a buffer ``f`` may write traced values into."""
        return Tracer(self, self.inputs, np.full(shape, -1, _INT), np.dtype(dtype))


def merge(tracers: Sequence[Tracer]) -> tuple[Deps, list[np.ndarray]]:
    """One table for several tracers, and each one's rows into it."""
    first = tracers[0]._deps
    if all(t._deps is first for t in tracers):
        return first, [t._rows for t in tracers]
    place: dict[int, int] = {}  # id of a table -> its place among the distinct tables
    tables: list[Deps] = []
    for t in tracers:
        if id(t._deps) not in place:
            place[id(t._deps)] = len(tables)
            tables.append(t._deps)
    offsets = np.cumsum([0] + [d.nrows for d in tables[:-1]]).tolist()
    g = concat_sets([d.g for d in tables])
    h = None if tables[0].h is None else concat_sets([d.h for d in tables])  # type: ignore[misc]
    rows = []
    for t in tracers:
        off = offsets[place[id(t._deps)]]
        rows.append(np.where(t._rows >= 0, t._rows + off, -1) if off else t._rows)
    return Deps(g, h), rows


def is_traced(v: Any) -> bool:
    return isinstance(v, Tracer)


# --- the array object


class Tracer:
    """An array of dependency sets that numpy functions and the array API accept."""

    __slots__ = ("_deps", "_rows", "_trace", "dtype")

    def __init__(self, trace: Trace, deps: Deps, rows: np.ndarray, dtype: Any) -> None:
        self._trace, self._deps, self._rows, self.dtype = trace, deps, rows, np.dtype(dtype)

    # --- what is known: shapes and types

    @property
    def shape(self) -> tuple[int, ...]:
        return self._rows.shape

    @property
    def ndim(self) -> int:
        return self._rows.ndim

    @property
    def size(self) -> int:
        return self._rows.size

    @property
    def device(self) -> str:
        return "cpu"

    @property
    def T(self) -> Tracer:
        return self.transpose()

    @property
    def mT(self) -> Tracer:
        return np.swapaxes(self, -1, -2)

    @property
    def real(self) -> Tracer:
        return self

    def __len__(self) -> int:
        if not self.shape:
            raise ArgumentTypeError("len() of a 0-d array")
        return self.shape[0]

    def __iter__(self) -> Any:
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        return f"<adcore sparsity tracer of shape {self.shape} and dtype {self.dtype}>"

    def __array_namespace__(self, api_version: str | None = None) -> Any:
        return PROTOCOLS["namespace"]()

    # --- what is not known: values

    def __bool__(self) -> bool:
        raise not_traceable("uses a value as a condition (an `if`, `while`, `and`, `or` or `assert`)")

    def __float__(self) -> float:
        raise not_traceable("converts an array element to a Python number (float())")

    def __int__(self) -> int:
        raise not_traceable("converts an array element to a Python number (int())")

    def __index__(self) -> int:
        raise not_traceable("uses a computed value as an index")

    def __complex__(self) -> complex:
        raise not_traceable("converts an array element to a Python number (complex())")

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise not_traceable(
            "converts a traced array to a numpy array (np.asarray, np.array, or writing it into a "
            "numpy array: allocate buffers with xp.zeros_like(x) to write traced values into them)"
        )

    def item(self, *args: Any) -> Any:
        raise not_traceable("reads an element's value (.item())")

    def tolist(self) -> Any:
        raise not_traceable("reads the values (.tolist())")

    # --- numpy protocols

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return PROTOCOLS["ufunc"](ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        impl = HANDLED.get(func)
        if impl is None:
            raise unsupported(f"numpy.{getattr(func, '__name__', func)}")
        return impl(*args, **kwargs)

    # --- indexing

    def __getitem__(self, key: Any) -> Tracer:
        _check_key(key)
        return self._trace.tracer(self._rows[key], self.dtype, self._deps)

    def __setitem__(self, key: Any, value: Any) -> None:
        _check_key(key)
        if is_traced(value):
            deps, (mine, theirs) = merge([self, value])
            rows = mine.copy()
            rows[key] = theirs
            self._deps, self._rows = deps, rows
        else:
            rows = self._rows.copy()
            rows[key] = -1
            self._rows = rows

    # --- methods numpy arrays have

    def astype(self, dtype: Any, copy: bool = True, **kwargs: Any) -> Tracer:
        if np.dtype(dtype) == np.bool_:
            return self._trace.constant(self.shape, dtype)
        return self._trace.tracer(self._rows, dtype, self._deps)

    def copy(self, *args: Any, **kwargs: Any) -> Tracer:
        return self._trace.tracer(self._rows, self.dtype, self._deps)

    def __copy__(self) -> Tracer:
        return self.copy()

    def __deepcopy__(self, memo: Any) -> Tracer:
        return self.copy()

    def reshape(self, *shape: Any, **kwargs: Any) -> Tracer:
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return np.reshape(self, shape, **kwargs)

    def transpose(self, *axes: Any) -> Tracer:
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        return np.transpose(self, axes or None)

    def ravel(self, order: str = "C") -> Tracer:
        return np.ravel(self, order)

    def flatten(self, order: str = "C") -> Tracer:
        return np.ravel(self, order)

    def squeeze(self, axis: Any = None) -> Tracer:
        return np.squeeze(self, axis)

    def swapaxes(self, a: int, b: int) -> Tracer:
        return np.swapaxes(self, a, b)

    def sum(self, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False) -> Any:
        return np.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False) -> Any:
        return np.mean(self, axis=axis, keepdims=keepdims)

    def prod(self, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False) -> Any:
        return np.prod(self, axis=axis, keepdims=keepdims)

    def max(self, axis: Any = None, out: Any = None, keepdims: bool = False) -> Any:
        return np.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, out: Any = None, keepdims: bool = False) -> Any:
        return np.min(self, axis=axis, keepdims=keepdims)

    def cumsum(self, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
        return np.cumsum(self, axis=axis)

    def cumprod(self, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
        return np.cumprod(self, axis=axis)

    def dot(self, other: Any) -> Any:
        return np.dot(self, other)

    def clip(self, min: Any = None, max: Any = None) -> Any:
        return np.clip(self, min, max)

    def conj(self) -> Tracer:
        return self

    conjugate = conj


def _check_key(key: Any) -> None:
    parts = key if isinstance(key, tuple) else (key,)
    if any(is_traced(k) for k in parts):
        raise not_traceable("indexes an array with computed values (x[i] where i depends on x)")
