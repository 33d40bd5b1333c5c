"""Sets of integers, one per row, stored like the rows of a CSR matrix: the tracer's data.

A :class:`Sets` holds, for every row, a sorted set of integers without repeats
(input indices for first derivatives, codes ``i * n + j`` of index pairs
``i <= j`` for second ones). Every operation is a handful of numpy calls over all
rows at once; nothing loops over rows in Python.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Sets", "build", "concat_sets", "expand", "pair_products"]

_INT = np.int64


class Sets:
    """Row ``r`` is ``idx[ptr[r]:ptr[r + 1]]``, sorted and without repeats. Immutable."""

    __slots__ = ("idx", "ptr")

    def __init__(self, ptr: np.ndarray, idx: np.ndarray) -> None:
        self.ptr, self.idx = ptr, idx

    @property
    def nrows(self) -> int:
        return len(self.ptr) - 1

    @classmethod
    def singletons(cls, n: int) -> Sets:
        """Row ``i`` is ``{i}``."""
        return cls(np.arange(n + 1, dtype=_INT), np.arange(n, dtype=_INT))

    @classmethod
    def empty(cls, nrows: int) -> Sets:
        return cls(np.zeros(nrows + 1, _INT), np.zeros(0, _INT))


def expand(sets: Sets, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(pos, vals)``: the members of row ``rows[p]`` of ``sets`` for every position
    ``p`` (``-1`` is an empty row), in order of ``p`` and sorted within each ``p``."""
    rows = rows.reshape(-1)
    if sets.nrows == 0:  # no row to read (f of an empty x): every position is -1
        return np.zeros(0, _INT), np.zeros(0, _INT)
    valid = rows >= 0
    r = np.where(valid, rows, 0)
    start = sets.ptr[r]
    counts = sets.ptr[r + 1] - start
    counts[~valid] = 0
    if counts.size and counts.min() == 1 and counts.max() == 1:
        return np.arange(rows.size, dtype=_INT), sets.idx[start]
    total = int(counts.sum())
    pos = np.repeat(np.arange(rows.size, dtype=_INT), counts)
    shift = np.repeat(start - (np.cumsum(counts) - counts), counts)
    return pos, sets.idx[shift + np.arange(total, dtype=_INT)]


def build(pos: np.ndarray, vals: np.ndarray, nrows: int, width: int, *, unique: bool = False) -> Sets:
    """The sets of ``nrows`` rows holding ``vals[k]`` in row ``pos[k]``, with values below
    ``width``; ``unique`` promises that the pairs are already sorted and distinct."""
    if not unique and pos.size:
        if nrows * width < 2**62:
            keys = np.sort(pos * width + vals, kind="stable")
            keep = np.empty(keys.size, bool)
            keep[0] = True
            np.not_equal(keys[1:], keys[:-1], out=keep[1:])
            keys = keys[keep]
            pos = keys // width
            vals = keys - pos * width
        else:  # codes of index pairs for large n: sort the pairs instead of their codes
            order = np.lexsort((vals, pos))
            pos, vals = pos[order], vals[order]
            keep = np.ones(pos.size, bool)
            keep[1:] = (pos[1:] != pos[:-1]) | (vals[1:] != vals[:-1])
            pos, vals = pos[keep], vals[keep]
    ptr = np.zeros(nrows + 1, _INT)
    np.cumsum(np.bincount(pos, minlength=nrows), out=ptr[1:])
    return Sets(ptr, np.ascontiguousarray(vals, dtype=_INT))


def concat_sets(parts: list[Sets]) -> Sets:
    """The rows of every part, one after the other."""
    if len(parts) == 1:
        return parts[0]
    offsets = np.cumsum([0] + [p.idx.size for p in parts[:-1]])
    ptr = np.concatenate([parts[0].ptr[:1]] + [p.ptr[1:] + o for p, o in zip(parts, offsets)])
    return Sets(ptr, np.concatenate([p.idx for p in parts]))


def pair_products(
    a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], nrows: int, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """``(pos, codes)``: for every row, the codes ``min(i, j) * n + max(i, j)`` of all pairs
    of ``i`` in ``a``'s row and ``j`` in ``b``'s row; ``a`` and ``b`` are ``(pos, vals)``
    sorted by position, as :func:`expand` returns them."""
    (pa, va), (pb, vb) = a, b
    ca = np.bincount(pa, minlength=nrows)
    cb = np.bincount(pb, minlength=nrows)
    sa = np.cumsum(ca) - ca
    sb = np.cumsum(cb) - cb
    cc = ca * cb
    total = int(cc.sum())
    pos = np.repeat(np.arange(nrows, dtype=_INT), cc)
    t = np.arange(total, dtype=_INT) - np.repeat(np.cumsum(cc) - cc, cc)
    width = cb[pos]
    i = va[sa[pos] + t // width]
    j = vb[sb[pos] + t % width]
    return pos, np.minimum(i, j) * n + np.maximum(i, j)
