"""Reductions, cumulative sums and products on tracers, and the tracers' array namespace.

- reductions and cumulative sums join the sets of the elements they combine (and
  for nonlinear ones, ``prod``, ``std``, ``norm``, square the result's set);
- products (matmul, dot, tensordot, convolve, ...) are a broadcast ``multiply``
  followed by a ``sum``, so they need no rule of their own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .core import Tracer
from .rules import implements, unsupported
from .ufuncs import numpy_functions, union, write_out

__all__ = ["REDUCE", "cumulate", "matmul", "reduce", "tensordot"]

_INT = np.int64


# --- reductions


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(sorted(int(a) % ndim for a in axes)) if ndim else ()


def reduce(t: Any, axis: Any = None, keepdims: bool = False, *, nonlinear: bool = False,
           dtype: Any = None) -> Tracer:
    """Every output element depends on all the elements it reduces."""
    axes = _axes(axis, t.ndim)
    keep = tuple(1 if i in axes else s for i, s in enumerate(t.shape))
    shape = keep if keepdims else tuple(s for i, s in enumerate(t.shape) if i not in axes)
    dtype = t.dtype if dtype is None else dtype
    if t.size == 0:
        return t._trace.constant(shape, dtype)
    nout = math.prod(keep)
    groups = np.broadcast_to(np.arange(nout, dtype=_INT).reshape(keep), t.shape).reshape(-1)
    return union(t._trace, [(t._deps, t._rows)], shape, dtype, groups=groups, nout=nout,
                 square=nonlinear)


def _reduction(nonlinear: bool = False, float_result: bool = False) -> Callable[..., Any]:
    def impl(a: Any, axis: Any = None, *args: Any, keepdims: bool = False, out: Any = None,
             **kwargs: Any) -> Any:
        dtype = np.result_type(a.dtype, np.float64 if a.dtype.kind in "biu" else a.dtype) \
            if float_result else a.dtype
        result = reduce(a, axis, keepdims, nonlinear=nonlinear, dtype=dtype)
        return result if out is None else write_out(out, result)

    return impl


_F = numpy_functions
implements(*_F("sum", "nansum", "max", "min", "amax", "amin", "nanmax", "nanmin", "ptp"))(_reduction())
implements(*_F("mean", "nanmean", "median", "nanmedian", "average"))(_reduction(float_result=True))
implements(*_F("prod", "nanprod"))(_reduction(nonlinear=True))
implements(*_F("var", "std", "nanvar", "nanstd"))(_reduction(nonlinear=True, float_result=True))
REDUCE = {"add": np.sum, "multiply": np.prod, "maximum": np.max, "minimum": np.min,
           "fmax": np.max, "fmin": np.min}


@implements(np.linalg.norm)
def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    return reduce(x, axis, keepdims, nonlinear=True)


@implements(*numpy_functions("percentile", "quantile", "nanpercentile", "nanquantile"))
def _percentile(a: Any, q: Any, axis: Any = None, *args: Any, keepdims: bool = False, **kw: Any) -> Any:
    r = reduce(a, axis, keepdims)
    return np.broadcast_to(r, np.shape(q) + r.shape) if np.ndim(q) else r


def cumulate(t: Any, axis: Any, *, nonlinear: bool, include_initial: bool = False) -> Tracer:
    """Element ``j`` along ``axis`` depends on elements ``0..j``."""
    if axis is None:
        t, axis = np.ravel(t), 0
    moved = np.moveaxis(t._rows, axis, -1)
    length = moved.shape[-1]
    m = moved.size // max(length, 1)
    jj, ii = np.tril_indices(length)
    src = moved.reshape(m, length)[:, ii].reshape(-1)
    groups = (np.arange(m, dtype=_INT)[:, None] * length + jj).reshape(-1)
    res = union(t._trace, [(t._deps, src)], moved.shape, t.dtype, groups=groups, nout=moved.size,
                square=nonlinear)
    out = t._trace.tracer(np.moveaxis(res._rows, -1, axis), t.dtype, res._deps)
    if include_initial:
        zero = t._trace.constant(tuple(1 if i == axis % t.ndim else s for i, s in enumerate(t.shape)),
                                 t.dtype)
        out = np.concatenate([zero, out], axis=axis)
    return out


@implements(*numpy_functions("cumsum", "nancumsum"))
def _cumsum(a: Any, axis: Any = None, *args: Any, **kw: Any) -> Any:
    return cumulate(a, axis, nonlinear=False)


@implements(*numpy_functions("cumprod", "nancumprod"))
def _cumprod(a: Any, axis: Any = None, *args: Any, **kw: Any) -> Any:
    return cumulate(a, axis, nonlinear=True)


@implements(*numpy_functions("cumulative_sum"))
def _cumulative_sum(x: Any, /, *, axis: Any = None, include_initial: bool = False, **kw: Any) -> Any:
    return cumulate(x, axis if x.ndim != 1 or axis is not None else 0, nonlinear=False,
                     include_initial=include_initial)


@implements(*numpy_functions("cumulative_prod"))
def _cumulative_prod(x: Any, /, *, axis: Any = None, include_initial: bool = False, **kw: Any) -> Any:
    return cumulate(x, axis if x.ndim != 1 or axis is not None else 0, nonlinear=True,
                     include_initial=include_initial)


@implements(*numpy_functions("diff"))
def _diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = None, append: Any = None) -> Any:
    parts = [p for p in (prepend, a, append) if p is not None]
    if len(parts) > 1:
        shape = list(np.shape(a))
        parts = [p if p is a else np.broadcast_to(p, tuple(shape[:axis % a.ndim]) + (np.shape(p)[-1:]
                 or (1,)) + tuple(shape[axis % a.ndim + 1:])) if np.ndim(p) else
                 np.broadcast_to(p, tuple(1 if i == axis % a.ndim else s for i, s in enumerate(shape)))
                 for p in parts]
        a = np.concatenate(parts, axis=axis)
    for _ in range(n):
        hi = [slice(None)] * a.ndim
        lo = [slice(None)] * a.ndim
        hi[axis], lo[axis] = slice(1, None), slice(None, -1)
        a = a[tuple(hi)] - a[tuple(lo)]
    return a


@implements(np.trace)
def _trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, *args: Any, **kw: Any) -> Any:
    return np.sum(np.diagonal(a, offset, axis1, axis2), axis=-1)


# --- products: a broadcast multiply, then a sum


def matmul(a: Any, b: Any) -> Any:
    a1, b1 = np.ndim(a) == 1, np.ndim(b) == 1
    A = np.expand_dims(a, 0) if a1 else a
    B = np.expand_dims(b, -1) if b1 else b
    C = np.sum(np.multiply(np.expand_dims(A, -1), np.expand_dims(B, -3)), axis=-2)
    if a1:
        C = np.squeeze(C, -2)
    if b1:
        C = np.squeeze(C, -1)
    return C


@implements(np.tensordot)
def tensordot(a: Any, b: Any, axes: Any = 2) -> Any:
    if isinstance(axes, int):
        ax_a, ax_b = list(range(np.ndim(a) - axes, np.ndim(a))), list(range(axes))
    else:
        ax_a, ax_b = (list(x) if isinstance(x, (list, tuple)) else [x] for x in axes)
    ax_a = [i % np.ndim(a) for i in ax_a]
    ax_b = [i % np.ndim(b) for i in ax_b]
    free_a = [i for i in range(np.ndim(a)) if i not in ax_a]
    free_b = [i for i in range(np.ndim(b)) if i not in ax_b]
    sa, sb = np.shape(a), np.shape(b)
    k = math.prod(sa[i] for i in ax_a)
    A = np.reshape(np.transpose(a, free_a + ax_a), (-1, k))
    B = np.reshape(np.transpose(b, ax_b + free_b), (k, -1))
    return np.reshape(matmul(A, B), tuple(sa[i] for i in free_a) + tuple(sb[i] for i in free_b))


@implements(np.dot)
def _dot(a: Any, b: Any, out: Any = None) -> Any:
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        result = np.multiply(a, b)
    else:
        result = tensordot(a, b, ([-1], [-2 if np.ndim(b) > 1 else 0]))
    return result if out is None else write_out(out, result)


implements(np.inner)(lambda a, b: np.multiply(a, b) if np.ndim(a) == 0 or np.ndim(b) == 0
                     else tensordot(a, b, ([-1], [-1])))
implements(np.outer)(lambda a, b, out=None: np.multiply(np.reshape(a, (-1, 1)), np.reshape(b, (1, -1))))
implements(np.vdot)(lambda a, b: np.sum(np.multiply(np.ravel(a), np.ravel(b))))
@implements(np.kron)
def _kron(a: Any, b: Any) -> Any:
    if np.ndim(a) > 2 or np.ndim(b) > 2:
        raise unsupported("numpy.kron of arrays of more than two dimensions")
    a2, b2 = np.reshape(a, (-1, np.shape(a)[-1] if np.ndim(a) == 2 else np.size(a))), np.reshape(
        b, (-1, np.shape(b)[-1] if np.ndim(b) == 2 else np.size(b)))
    (p, q), (r, s) = np.shape(a2), np.shape(b2)
    prod = np.multiply(np.reshape(a2, (p, 1, q, 1)), np.reshape(b2, (1, r, 1, s)))
    out = np.reshape(prod, (p * r, q * s))
    return np.ravel(out) if max(np.ndim(a), np.ndim(b)) == 1 else out


@implements(np.convolve)
def _convolve(a: Any, v: Any, mode: str = "full") -> Any:
    na, nv = np.shape(a)[0], np.shape(v)[0]
    if nv > na:
        a, v, na, nv = v, a, nv, na
    padded = np.pad(a, (nv - 1, nv - 1))
    k = np.arange(na + nv - 1)[:, None] + (nv - 1) - np.arange(nv)[None, :]
    full = np.sum(np.multiply(padded[k], np.reshape(v, (1, nv))), axis=1)
    if mode == "full":
        return full
    if mode == "same":
        start = (nv - 1) // 2
        return full[start:start + na]
    return full[nv - 1:na]


implements(np.correlate)(lambda a, v, mode="valid": _convolve(a, np.flip(v), mode))
