"""Graphs of sparsity patterns and the greedy coloring loop.

A graph is a pair ``(ptr, nbr)`` of numpy arrays in CSR form, symmetric and
without loops. The graphs are built with scipy's sparse products, and numpy lists
each vertex's neighbors earlier in the order (:func:`earlier_neighbors`); the greedy
loops then run in Python over Python lists, with colors kept as bits (``1 << color``)
so that a vertex's forbidden colors are an OR of its earlier neighbors' masks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._patterns import scipy_sparse

__all__ = ["Graph", "adjacency", "colors_of_masks", "column_graph", "earlier_neighbors", "greedy"]

Graph = tuple[np.ndarray, np.ndarray]


def adjacency(P: Any) -> Graph:
    """The graph of a square pattern: ``i ~ j`` for each entry off the diagonal, symmetrized."""
    sp = scipy_sparse()
    A = sp.csr_array(P, dtype=bool)
    if (A != A.T).nnz:
        A = (A + A.T).tocsr()
    return _without_diagonal(A)


def column_graph(P: Any) -> Graph:
    """The column intersection graph of ``P``: ``j ~ k`` when columns ``j`` and ``k`` share a row."""
    sp = scipy_sparse()
    P = sp.csr_array(P, dtype=bool)
    return _without_diagonal(P.T.tocsr() @ P)


def _without_diagonal(A: Any) -> Graph:
    ptr, nbr = A.indptr.astype(np.int64), A.indices.astype(np.int64)
    n = len(ptr) - 1
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(ptr))
    loops = np.flatnonzero(nbr == rows)
    if loops.size == 0:
        return ptr, nbr
    removed = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows[loops], minlength=n), out=removed[1:])
    return ptr - removed, np.delete(nbr, loops)


def earlier_neighbors(graph: Graph, order: np.ndarray) -> tuple[list[int], list[int]]:
    """``(start, before)``: the neighbors of ``order[i]`` that come before it in ``order``
    are ``before[start[i]:start[i + 1]]``."""
    at, before, _ = _earlier(graph, order)
    start = np.zeros(len(graph[0]), np.int64)
    np.cumsum(np.bincount(at, minlength=start.size - 1), out=start[1:])
    return start.tolist(), before.tolist()


def _earlier(graph: Graph, order: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``(at, before, place)``: an edge from ``order[at[k]]`` to each neighbor ``before[k]``
    placed earlier in ``order``, sorted by ``at``; ``place`` inverts ``order`` (``None``
    for the natural order)."""
    ptr, nbr = graph
    n = len(ptr) - 1
    lengths = np.diff(ptr)
    at = np.arange(n, dtype=np.int64)
    if np.array_equal(order, at):
        at = np.repeat(at, lengths)
        earlier = nbr < at
        return at[earlier], nbr[earlier], None
    # The adjacency lists in order, concatenated: a gather, no sort.
    place = np.empty(n, np.int64)
    place[order] = at
    lengths = lengths[order]
    ends = np.cumsum(lengths)
    at = np.repeat(at, lengths)
    nbr = nbr[np.repeat(ptr[:-1][order] - (ends - lengths), lengths) + np.arange(at.size)]
    earlier = place[nbr] < at
    return at[earlier], nbr[earlier], place


# --- the greedy distance-1 coloring


def greedy(graph: Graph, order: np.ndarray) -> np.ndarray:
    """Each vertex, in ``order``, gets the smallest color none of its colored neighbors has."""
    n = len(graph[0]) - 1
    if n == 0:
        return np.zeros(0, np.int64)
    at, before, place = _earlier(graph, order)
    if place is None:
        return _first_fit(at, before, n)
    out = np.empty(n, np.int64)  # colored by place in the order
    out[order] = _first_fit(at, place[before], n)
    return out


def _first_fit(rows: np.ndarray, before: np.ndarray, n: int) -> np.ndarray:
    """Vertex ``v`` (in order ``0..n-1``) gets the smallest color none of the vertices
    ``before[rows == v]`` has. Each vertex keeps ``1 << color``; its forbidden colors
    are the OR of its earlier neighbors'."""
    counts = np.bincount(rows, minlength=n)
    width = int(counts.max(initial=0))
    masks = [0] * (n + 1)  # masks[n] = 0: the padding of short rows
    if width <= 4 and width * n <= 4 * rows.size + n:
        # Few earlier neighbors each: rows padded to one width, one column per neighbor,
        # and a loop unrolled for that width.
        padded = np.full((n, width), n, np.int64)
        slot = np.arange(rows.size) - (np.cumsum(counts) - counts)[rows]
        padded[rows, slot] = before
        _UNROLLED[width](masks, *(padded[:, k].tolist() for k in range(width)))
    else:
        start = np.zeros(n + 1, np.int64)
        np.cumsum(counts, out=start[1:])
        flat, bounds = before.tolist(), start.tolist()
        for v in range(n):
            m = 0
            for w in flat[bounds[v]:bounds[v + 1]]:
                m |= masks[w]
            masks[v] = ~m & (m + 1)
    del masks[n]
    return colors_of_masks(masks)


def colors_of_masks(masks: list[int]) -> np.ndarray:
    """The colors ``c`` of masks ``1 << c``."""
    try:  # 1 << c, exact in double precision: its binary exponent is c + 1
        return (np.frexp(np.asarray(masks, dtype=np.float64))[1] - 1).astype(np.int64)
    except OverflowError:  # 1000 colors or more
        return np.asarray([m.bit_length() - 1 for m in masks], dtype=np.int64)


def _unrolled0(masks: list[int]) -> None:
    for v in range(len(masks) - 1):
        masks[v] = 1


def _unrolled1(masks: list[int], a: list[int]) -> None:
    for v, i in enumerate(a):
        m = masks[i]
        masks[v] = ~m & (m + 1)


def _unrolled2(masks: list[int], a: list[int], b: list[int]) -> None:
    for v, i, j in zip(range(len(a)), a, b):
        m = masks[i] | masks[j]
        masks[v] = ~m & (m + 1)


def _unrolled3(masks: list[int], a: list[int], b: list[int], c: list[int]) -> None:
    for v, i, j, k in zip(range(len(a)), a, b, c):
        m = masks[i] | masks[j] | masks[k]
        masks[v] = ~m & (m + 1)


def _unrolled4(masks: list[int], a: list[int], b: list[int], c: list[int], d: list[int]) -> None:
    for v, i, j, k, q in zip(range(len(a)), a, b, c, d):
        m = masks[i] | masks[j] | masks[k] | masks[q]
        masks[v] = ~m & (m + 1)


_UNROLLED: list[Any] = [_unrolled0, _unrolled1, _unrolled2, _unrolled3, _unrolled4]
