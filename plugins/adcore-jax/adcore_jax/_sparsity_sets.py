"""Dependency patterns of jaxpr variables, and the index arithmetic that moves them.

The pattern of a variable ``v`` is a boolean ``csr_array`` of shape ``(v.size, n)``:
row ``r`` holds the input elements that element ``r`` of ``v`` (row-major) depends
on; ``None`` stands for a variable that depends on none. Rows are kept sorted and
free of duplicates, so that the result needs no clean-up.

Data movement is computed on *index arrays*: a primitive that moves elements,
applied to ``arange(size).reshape(shape)``, says for every output element which
operand element it came from (``-1``: none, e.g. padding). The numpy versions below
spare JAX a dispatch (and a compilation per shape) for the common moves.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["aggregate", "empty", "merged", "positions", "stack", "take", "union", "whole"]


def empty(rows: int, n: int) -> Any:
    return sp.csr_array((rows, n), dtype=bool)


def _csr(indices: Any, indptr: Any, n: int) -> Any:
    P = sp.csr_array((np.ones(indices.size, bool), indices, indptr), shape=(indptr.size - 1, n))
    P.has_canonical_format = True  # rows taken whole from canonical patterns stay canonical
    return P


def take(P: Any, idx: Any) -> Any:
    """The rows ``P[idx]`` for a flat integer ``idx``; a negative index gives an empty row."""
    if P is None:
        return None
    idx = np.asarray(idx).ravel()
    if idx.size == P.shape[0] and np.array_equal(idx, np.arange(idx.size)):
        return P
    ok = idx >= 0
    safe = np.where(ok, idx, 0)
    counts = np.where(ok, np.diff(P.indptr)[safe], 0)
    indptr = np.zeros(idx.size + 1, np.int64)
    np.cumsum(counts, out=indptr[1:])
    pos = np.arange(indptr[-1]) + np.repeat(P.indptr[safe] - indptr[:-1], counts)
    return _csr(P.indices[pos], indptr, P.shape[1])


def stack(patterns: list[Any], sizes: list[int], n: int) -> Any:
    """The patterns one above the other (``None``: that many empty rows)."""
    return sp.vstack([empty(s, n) if P is None else P for P, s in zip(patterns, sizes)], format="csr")


def union(patterns: list[Any]) -> Any:
    """The elementwise union of same-shape patterns (``None`` where all are ``None``)."""
    out = None
    for P in patterns:
        if P is None or P is out:
            continue
        out = P if out is None else out + P
    return out


def whole(P: Any) -> Any:
    """One row: every input element that some element of ``P`` depends on."""
    if P is None:
        return None
    mask = np.zeros(P.shape[1], bool)
    mask[P.indices] = True
    cols = np.flatnonzero(mask)
    return _csr(cols, np.array([0, cols.size]), P.shape[1])


def aggregate(P: Any, dest: Any, rows: int) -> Any:
    """Row ``o`` of the result is the union of the rows ``r`` of ``P`` with ``dest[r] == o``
    (``dest[r] < 0``: row ``r`` goes nowhere)."""
    if P is None:
        return None
    dest = np.asarray(dest).ravel()
    if rows == 1 and (dest == 0).all():
        return whole(P)
    keep = np.flatnonzero(dest >= 0)
    A = sp.csr_array((np.ones(keep.size, bool), (dest[keep], keep)), shape=(rows, P.shape[0]))
    out = sp.csr_array(A @ P)
    out.sort_indices()
    return out


def merged(P: Any, spread: Any) -> Any:
    """``spread @ P`` for a boolean (rows, P.rows) matrix: each row the union of the rows it marks."""
    if P is None:
        return None
    out = sp.csr_array(spread @ P)
    out.sort_indices()
    return out


def positions(shape: tuple[int, ...], offset: int = 0) -> Any:
    return np.arange(offset, offset + int(np.prod(shape, dtype=np.int64)), dtype=np.int64).reshape(shape)


# --- numpy versions of moving primitives, for index arrays and known values


def _slice(a: Any, *, start_indices: Any, limit_indices: Any, strides: Any = None) -> Any:
    strides = strides or (1,) * a.ndim
    return a[tuple(slice(s, e, st) for s, e, st in zip(start_indices, limit_indices, strides))]


def _broadcast_in_dim(a: Any, *, shape: Any, broadcast_dimensions: Any, **_: Any) -> Any:
    full = [1] * len(shape)
    for i, d in enumerate(broadcast_dimensions):
        full[d] = a.shape[i]
    return np.broadcast_to(a.reshape(full), shape)


def _reshape(a: Any, *, new_sizes: Any, dimensions: Any = None, **_: Any) -> Any:
    return (a if dimensions is None else np.transpose(a, dimensions)).reshape(new_sizes)


def _pad(a: Any, fill: Any, *, padding_config: Any) -> Any:
    inner = [(d - 1) * (k + 1) + 1 if d else 0 for d, (_, _, k) in zip(a.shape, padding_config)]
    shape = [max(lo, 0) + m + max(hi, 0) for m, (lo, hi, _) in zip(inner, padding_config)]
    out = np.full(shape, fill, dtype=np.result_type(a, fill))
    out[tuple(slice(max(lo, 0), max(lo, 0) + m, k + 1)
              for m, (lo, _, k) in zip(inner, padding_config))] = a
    return out[tuple(slice(max(-lo, 0), s - max(-hi, 0))
                     for s, (lo, hi, _) in zip(shape, padding_config))]


def _select_n(which: Any, *cases: Any) -> Any:
    out = np.array(cases[0])
    for k, case in enumerate(cases[1:], 1):
        out = np.where(which == k, case, out) if which.dtype != bool else np.where(which, case, out)
    return out


def _window(a_shape: Any, sizes: Any, starts: Any) -> tuple[slice, ...]:
    starts = [min(max(int(s), 0), d - k) for s, d, k in zip(starts, a_shape, sizes)]
    return tuple(slice(s, s + k) for s, k in zip(starts, sizes))


def _dynamic_slice(a: Any, *starts: Any, slice_sizes: Any) -> Any:
    return a[_window(a.shape, slice_sizes, starts)]


def _dynamic_update_slice(a: Any, update: Any, *starts: Any) -> Any:
    out = np.array(a, dtype=np.result_type(a, update))
    out[_window(a.shape, update.shape, starts)] = update
    return out


MOVES = {
    "slice": _slice,
    "broadcast_in_dim": _broadcast_in_dim,
    "reshape": _reshape,
    "squeeze": lambda a, *, dimensions: np.squeeze(a, tuple(dimensions)),
    "transpose": lambda a, *, permutation: np.transpose(a, permutation),
    "rev": lambda a, *, dimensions: np.flip(a, tuple(dimensions)) if dimensions else a,
    "concatenate": lambda *a, dimension: np.concatenate(a, axis=dimension),
    "stack": lambda *a, axis: np.stack(a, axis=axis),
    "tile": lambda a, *, reps: np.tile(a, reps),
    "pad": _pad,
    "select_n": _select_n,
    "dynamic_slice": _dynamic_slice,
    "dynamic_update_slice": _dynamic_update_slice,
    "copy": lambda a: a,
    "copy_p": lambda a: a,
}

# Known values (indices, conditions) are computed with these where they are exact;
# anything else goes through JAX.
def _ufunc(u: Any) -> Any:
    return lambda *a, **_: u(*a)


VALUES = {
    **MOVES,
    **{name: _ufunc(u) for name, u in [
        ("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("neg", np.negative),
        ("max", np.maximum), ("min", np.minimum), ("abs", np.abs), ("eq", np.equal),
        ("ne", np.not_equal), ("lt", np.less), ("le", np.less_equal), ("gt", np.greater),
        ("ge", np.greater_equal), ("and", np.bitwise_and), ("or", np.bitwise_or), ("not", np.invert),
        ("convert_element_type", np.asarray)]},
    "iota": lambda *, dtype, shape, dimension, **_: _broadcast_in_dim(
        np.arange(shape[dimension]), shape=shape, broadcast_dimensions=(dimension,)),
}
