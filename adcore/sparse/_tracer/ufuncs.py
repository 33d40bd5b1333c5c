"""Elementwise rules: how ufuncs join dependency sets, and building new tables.

Each ufunc is classified by which of its derivatives may be nonzero (first
derivatives in each argument, second derivatives in each and across), after
SparseConnectivityTracer's rules: ``a * b`` joins the inputs of ``a`` and ``b`` and,
for Hessians, adds their cross pairs; ``sin(a)`` keeps ``a``'s inputs and adds
their square; ``a + b`` only joins; comparisons carry no dependence at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._sets import build, expand, pair_products
from .core import Deps, Trace, Tracer, is_traced, merge
from .rules import TracingError

__all__ = [
    "apply_binary", "apply_unary", "joint_dtype", "numpy_functions", "result_dtype",
    "trace_of", "union", "with_square", "write_out",
]

_INT = np.int64


def union(
    trace: Trace, sources: Sequence[tuple[Deps, np.ndarray]], shape: tuple[int, ...], dtype: Any, *,
    products: Sequence[tuple[int, int]] = (), groups: np.ndarray | None = None, nout: int | None = None,
    square: bool = False,
) -> Tracer:
    """A new table: output element ``p`` depends on every source's row at ``p`` (or, with
    ``groups``, on every source position ``q`` with ``groups[q] == p``). ``products``
    lists pairs of sources whose first-order sets multiply into second-order pairs;
    ``square`` adds the square of each output's own first-order set."""
    size = math.prod(shape) if nout is None else nout
    n = trace.n
    g_parts = [expand(d.g, r) for d, r in sources]
    grouped = g_parts if groups is None else [(groups[p], v) for p, v in g_parts]
    g = build(np.concatenate([p for p, _ in grouped]), np.concatenate([v for _, v in grouped]),
              size, n, unique=len(grouped) == 1 and groups is None)
    h = None
    if trace.hessian:
        h_parts = [expand(d.h, r) for d, r in sources]  # type: ignore[arg-type]
        if groups is not None:
            h_parts = [(groups[p], v) for p, v in h_parts]
        h_parts += [pair_products(g_parts[i], g_parts[j], size, n) for i, j in products]
        if square:
            own = expand(g, np.arange(size, dtype=_INT))
            h_parts.append(pair_products(own, own, size, n))
        h = build(np.concatenate([p for p, _ in h_parts]), np.concatenate([v for _, v in h_parts]),
                  size, n * n)
    return trace.tracer(np.arange(size, dtype=_INT).reshape(shape), dtype, Deps(g, h))


def with_square(t: Tracer, dtype: Any) -> Tracer:
    """``t`` passed through a function with a nonzero second derivative: every element's
    first-order set, squared, joins its second-order set."""
    rows = t._rows
    if t._deps.nrows <= rows.size:  # transform the table in place of the elements
        table = np.arange(t._deps.nrows, dtype=_INT)
        new = union(t._trace, [(t._deps, table)], table.shape, dtype, products=[(0, 0)])
        return t._trace.tracer(rows, dtype, new._deps)
    return union(t._trace, [(t._deps, rows)], rows.shape, dtype, products=[(0, 0)])


# --- elementwise rules: which first and second derivatives may be nonzero

#: Unary ufuncs whose derivative is zero wherever it exists.
ZERO_UNARY = frozenset({
    "sign", "floor", "ceil", "trunc", "rint", "isnan", "isinf", "isfinite", "signbit",
    "logical_not", "invert", "isnat", "spacing",
})
#: Unary ufuncs with a zero second derivative (piecewise linear).
LINEAR_UNARY = frozenset({
    "negative", "positive", "conjugate", "absolute", "fabs", "rad2deg", "deg2rad", "degrees", "radians",
})
#: Binary ufuncs: (d/da, d/db, d2/da2, d2/db2, d2/dadb) possibly nonzero. Others: all True.
BINARY = {
    "add": (True, True, False, False, False),
    "subtract": (True, True, False, False, False),
    "multiply": (True, True, False, False, True),
    "divide": (True, True, False, True, True),
    "true_divide": (True, True, False, True, True),
    "maximum": (True, True, False, False, False),
    "minimum": (True, True, False, False, False),
    "fmax": (True, True, False, False, False),
    "fmin": (True, True, False, False, False),
    "copysign": (True, False, False, False, False),
    "remainder": (True, True, False, False, False),
    "fmod": (True, True, False, False, False),
}
ZERO_BINARY = frozenset({
    "floor_divide", "greater", "greater_equal", "less", "less_equal", "equal", "not_equal",
    "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor",
    "left_shift", "right_shift", "heaviside", "gcd", "lcm", "isclose",
})
_ALL = (True, True, True, True, True)


def result_dtype(ufunc: Any, inputs: Sequence[Any], dtype: Any = None) -> Any:
    """The dtype numpy gives ``ufunc(*inputs)``, found on empty arrays."""
    dummies = [np.empty(0, v.dtype) if is_traced(v) else
               (v if isinstance(v, (int, float, complex)) else np.empty(0, np.asarray(v).dtype))
               for v in inputs]
    kwargs = {} if dtype is None else {"dtype": dtype}
    out = ufunc(*dummies, **kwargs)
    return (out[0] if isinstance(out, tuple) else out).dtype


def apply_unary(name: str, t: Tracer, dtype: Any) -> Tracer:
    if name in ZERO_UNARY:
        return t._trace.constant(t.shape, dtype)
    if name in LINEAR_UNARY or not t._trace.hessian:
        return t._trace.tracer(t._rows, dtype, t._deps)
    return with_square(t, dtype)


def apply_binary(name: str, a: Any, b: Any, dtype: Any) -> Tracer:
    trace = (a if is_traced(a) else b)._trace
    shape = np.broadcast_shapes(np.shape(a), np.shape(b))
    if name in ZERO_BINARY:
        return trace.constant(shape, dtype)
    da, db, daa, dbb, dab = BINARY.get(name, _ALL)
    a_on, b_on = is_traced(a) and da, is_traced(b) and db
    if not (a_on or b_on):
        return trace.constant(shape, dtype)
    if not (a_on and b_on):
        t, square = (a, daa) if a_on else (b, dbb)
        out = trace.tracer(np.broadcast_to(t._rows, shape), dtype, t._deps)
        return with_square(out, dtype) if square and trace.hessian else out
    deps, (ra, rb) = merge([a, b])
    ra, rb = np.broadcast_to(ra, shape), np.broadcast_to(rb, shape)
    if ra is rb or np.array_equal(ra, rb):
        out = trace.tracer(ra, dtype, deps)
        return with_square(out, dtype) if trace.hessian and (daa or dbb or dab) else out
    products = [(0, 0)] * daa + [(1, 1)] * dbb + [(0, 1)] * dab
    return union(trace, [(deps, ra), (deps, rb)], shape, dtype, products=products)


def numpy_functions(*names: str) -> list[Any]:
    """numpy functions by name; those this numpy lacks are left out."""
    found = [getattr(np, n, None) for n in names]
    return [f for f in found if f is not None]


def trace_of(*values: Any) -> Any:
    for v in values:
        if is_traced(v):
            return v._trace
        if isinstance(v, (list, tuple)):
            t = trace_of(*v)
            if t is not None:
                return t
    return None


def joint_dtype(*values: Any) -> Any:
    return np.result_type(*[v.dtype if is_traced(v) else np.asarray(v).dtype
                            if isinstance(v, (list, tuple)) else v for v in values])


def write_out(out: Any, result: Any) -> Any:
    targets = out if isinstance(out, tuple) else (out,)
    results = result if isinstance(result, tuple) else (result,)
    for target, value in zip(targets, results):
        if not is_traced(target):
            raise TracingError(
                "f writes a traced value into a numpy array (out=): allocate that buffer with "
                "xp.zeros_like(x) or xp.empty_like(x), so that it can hold traced values."
            )
        target[...] = value
    return out if isinstance(out, tuple) and len(out) > 1 else targets[0]

