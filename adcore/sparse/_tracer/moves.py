"""Functions that move elements around, run on the tracers' row indices themselves.

numpy applies ``reshape``, ``transpose``, ``concatenate``, ``pad``, ``take`` and the
like to the integer arrays that say which table row each element reads (shifted
by one, so that numpy's fill value 0 means "depends on nothing"): numpy's own
semantics decide where every element goes. ``where`` with a constant condition
selects the same way; with a traced one it joins both branches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .core import is_traced, merge
from .functions import reduce
from .rules import implements, not_traceable, unsupported
from .ufuncs import apply_binary, apply_unary, joint_dtype, numpy_functions, trace_of, write_out

__all__ = ["clip", "structural"]

_INT = np.int64


# --- structural functions: numpy moves the row indices, -1 (here 0 after the shift) is "nothing"


def structural(func: Callable[..., Any], data: list[Any], call: Callable[[list[Any]], Any]) -> Any:
    """``call`` applied to the row indices (plus one) of ``data``, constants as zeros."""
    data = [_lift(d) for d in data]
    tracers = [d for d in data if is_traced(d)]
    deps, rows = merge(tracers)
    it = iter(rows)
    mapped = [next(it) + 1 if is_traced(d) else np.zeros(np.shape(d), _INT) for d in data]
    result = call(mapped)
    dtype = joint_dtype(*data)
    trace = tracers[0]._trace
    if isinstance(result, (list, tuple)):
        return type(result)(trace.tracer(r - 1, dtype, deps) for r in result)
    return trace.tracer(np.asarray(result) - 1, dtype, deps)


def _lift(d: Any) -> Any:
    """A (nested) list holding tracers, such as ``[x[0], 1.0]``, as one tracer."""
    if isinstance(d, (list, tuple)) and trace_of(*d) is not None:
        return np.stack([_lift(e) for e in d])
    return d


def _moves(func: Any) -> Callable[..., Any]:
    """A function of one array and static parameters."""
    def impl(a: Any, *args: Any, **kwargs: Any) -> Any:
        return structural(func, [a], lambda m: func(m[0], *args, **kwargs))

    return impl


for _f in numpy_functions(
    "reshape", "transpose", "moveaxis", "swapaxes", "flip", "fliplr", "flipud", "rot90", "roll",
    "ravel", "squeeze", "expand_dims", "broadcast_to", "repeat", "tile", "diagonal", "diag",
    "diagflat", "triu", "tril", "take_along_axis", "compress", "delete", "resize",
    "matrix_transpose", "array_split", "split", "hsplit", "vsplit", "dsplit", "unstack", "copy",
    "nan_to_num", "real", "asarray_chkfinite",
):
    implements(_f)(_moves(_f))


@implements(np.take)
def _take(a: Any, indices: Any, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
    if is_traced(indices):
        raise not_traceable("indexes an array with computed values (np.take)")
    return structural(np.take, [a], lambda m: np.take(m[0], indices, axis, **kwargs))


@implements(np.pad)
def _pad(array: Any, pad_width: Any, mode: Any = "constant", **kwargs: Any) -> Any:
    if mode not in ("constant", "edge", "reflect", "symmetric", "wrap", "empty"):
        raise unsupported(f"numpy.pad(mode={mode!r})")
    kwargs.pop("constant_values", None)
    return structural(np.pad, [array], lambda m: np.pad(m[0], pad_width, mode, **kwargs))


def _sequence(func: Any) -> Callable[..., Any]:
    """A function of a sequence of arrays."""
    def impl(arrays: Any, *args: Any, **kwargs: Any) -> Any:
        arrays = list(arrays)
        return structural(func, arrays, lambda m: func(m, *args, **kwargs))

    return impl


for _f in numpy_functions("concatenate", "stack", "hstack", "vstack", "dstack", "column_stack", "row_stack"):
    implements(_f)(_sequence(_f))


for _f in numpy_functions("atleast_1d", "atleast_2d", "atleast_3d", "broadcast_arrays"):
    implements(_f)(lambda *arrays, _f=_f, **kw: structural(_f, list(arrays), lambda m: _f(*m, **kw)))


@implements(np.append)
def _append(arr: Any, values: Any, axis: Any = None) -> Any:
    return structural(np.append, [arr, values], lambda m: np.append(m[0], m[1], axis))


@implements(np.insert)
def _insert(arr: Any, obj: Any, values: Any, axis: Any = None) -> Any:
    return structural(np.insert, [arr, values], lambda m: np.insert(m[0], obj, m[1], axis))


@implements(np.where)
def _where(condition: Any, *branches: Any) -> Any:
    if len(branches) != 2:
        raise not_traceable("asks where an array is nonzero (np.where with one argument)")
    a, b = branches
    if is_traced(condition):
        # The branch taken depends on x; the derivative never does through the condition.
        if not (is_traced(a) or is_traced(b)):
            return condition._trace.constant(np.broadcast_shapes(*map(np.shape, (condition, a, b))),
                                             joint_dtype(a, b))
        out = apply_binary("add", a, b, joint_dtype(a, b))
        return np.broadcast_to(out, np.broadcast_shapes(np.shape(condition), out.shape))
    cond = np.asarray(condition)
    return structural(np.where, [a, b], lambda m: np.where(cond, m[0], m[1]))


@implements(np.select)
def _select(condlist: Any, choicelist: Any, default: Any = 0) -> Any:
    out = default
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = np.where(cond, choice, out)
    return out


@implements(np.clip)
def clip(a: Any, a_min: Any = None, a_max: Any = None, out: Any = None, **kwargs: Any) -> Any:
    a_min, a_max = kwargs.pop("min", a_min), kwargs.pop("max", a_max)
    result = a if a_min is None else np.maximum(a, a_min)
    result = result if a_max is None else np.minimum(result, a_max)
    return result if out is None else write_out(out, result)


@implements(*numpy_functions("sort", "msort"))
def _sort(a: Any, axis: Any = -1, *args: Any, **kwargs: Any) -> Any:
    if axis is None:
        a, axis = np.ravel(a), 0
    return np.broadcast_to(reduce(a, axis, keepdims=True), a.shape)


@implements(*numpy_functions("argsort"))
def _argsort(a: Any, axis: Any = -1, *args: Any, **kwargs: Any) -> Any:
    return a._trace.constant(a.shape if axis is not None else (a.size,), _INT)


@implements(*numpy_functions("argmax", "argmin", "nanargmax", "nanargmin"))
def _argmax(a: Any, axis: Any = None, out: Any = None, *, keepdims: bool = False) -> Any:
    shape = np.argmax(np.zeros(a.shape, bool), axis=axis, keepdims=keepdims).shape
    return a._trace.constant(shape, _INT)


@implements(np.searchsorted)
def _searchsorted(a: Any, v: Any, *args: Any, **kwargs: Any) -> Any:
    return trace_of(a, v).constant(np.shape(v), _INT)


@implements(np.isclose)
def _isclose(a: Any, b: Any, *args: Any, **kwargs: Any) -> Any:
    return trace_of(a, b).constant(np.broadcast_shapes(np.shape(a), np.shape(b)), np.bool_)


@implements(*numpy_functions("nonzero", "argwhere", "flatnonzero", "unique", "count_nonzero", "allclose",
                 "array_equal", "any", "all"))
def _values(*args: Any, **kwargs: Any) -> Any:
    raise not_traceable("asks for values of x (nonzero, unique, any, all, allclose, ...)")


@implements(*numpy_functions("zeros_like", "ones_like", "empty_like"))
def _like(a: Any, dtype: Any = None, *args: Any, shape: Any = None, **kwargs: Any) -> Any:
    return a._trace.constant(a.shape if shape is None else shape, a.dtype if dtype is None else dtype)


@implements(np.full_like)
def _full_like(a: Any, fill_value: Any, dtype: Any = None, *args: Any, shape: Any = None, **kw: Any) -> Any:
    if is_traced(fill_value):
        return np.broadcast_to(fill_value, a.shape if shape is None else shape)
    return _like(a, dtype, shape=shape)


implements(np.shape)(lambda a: a.shape)
implements(np.ndim)(lambda a: a.ndim)
implements(np.size)(lambda a, axis=None: a.size if axis is None else a.shape[axis])
implements(np.iscomplexobj)(lambda x: x.dtype.kind == "c")
implements(np.isrealobj)(lambda x: x.dtype.kind != "c")
implements(*numpy_functions("round", "around", "fix"))(
    lambda a, *args, **kw: a._trace.constant(a.shape, a.dtype))
implements(np.imag)(lambda val: val._trace.constant(val.shape, val.dtype))
implements(*numpy_functions("astype"))(lambda x, dtype, /, *, copy=True, **kw: x.astype(dtype))
implements(*numpy_functions("sinc", "i0"))(lambda x: apply_unary("sin", x, x.dtype))
