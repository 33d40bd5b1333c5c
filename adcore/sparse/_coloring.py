"""Greedy colorings of sparsity patterns ("What Color Is Your Jacobian?", GMP 2005).

A graph is a pair ``(ptr, nbr)`` of numpy arrays in CSR form, symmetric and
without loops. The graphs are built with scipy's sparse products, and numpy lists
each vertex's neighbors earlier in the order (:func:`earlier_neighbors`); the greedy
loops then run in Python over Python lists, with colors kept as bits (``1 << color``)
so that a vertex's forbidden colors are an OR of its earlier neighbors' masks.

- column coloring (forward mode): a distance-1 coloring of the column intersection
  graph (columns that share a row differ), the partial distance-2 coloring of GMP;
- row coloring (reverse mode): the same on the rows;
- star and acyclic colorings (Hessians) and bidirectional colorings (``MixedMode``)
  are in ``_symmetric``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, final

import numpy as np

from ._detectors import scipy_sparse
from ._orders import vertex_order

__all__ = ["ORDERS", "Coloring", "Graph", "GreedyColoringAlgorithm", "column_graph", "greedy", "vertex_order"]

ORDERS = ("natural", "largest_first", "smallest_last", "incidence_degree", "saturation_degree", "random")
DECOMPRESSIONS = ("direct", "substitution")

Graph = tuple[np.ndarray, np.ndarray]


@final
@dataclass(frozen=True, eq=False)
class Coloring:
    """A coloring of a sparsity pattern and how its compressed evaluations are read.

    ``kind`` is ``"column"`` (forward), ``"row"`` (reverse), ``"star"`` or
    ``"acyclic"`` (Hessians, colors of the columns) or ``"bidirectional"``
    (``MixedMode``: both, ``-1`` marking a row or column in no seed).
    """

    kind: str
    pattern: Any
    column_colors: np.ndarray | None
    row_colors: np.ndarray | None

    @property
    def ncolors(self) -> int:
        """The number of compressed evaluations: seeds of both sides for ``"bidirectional"``."""
        return _count(self.column_colors) + _count(self.row_colors)

    @property
    def colors(self) -> Any:
        """The colors of the columns (of the rows for ``"row"``); for ``"bidirectional"``
        the pair ``(row_colors, column_colors)``."""
        if self.kind == "bidirectional":
            return self.row_colors, self.column_colors
        return self.row_colors if self.kind == "row" else self.column_colors

    def groups(self, side: str = "column") -> list[np.ndarray]:
        """The columns (or rows) of each color: what one compressed evaluation seeds."""
        colors = self.row_colors if side == "row" else self.column_colors
        if colors is None:
            return []
        order = np.argsort(colors, kind="stable")
        bounds = np.searchsorted(colors[order], np.arange(_count(colors) + 1))
        return [order[bounds[c]:bounds[c + 1]] for c in range(_count(colors))]


def _count(colors: np.ndarray | None) -> int:
    return 0 if colors is None or colors.size == 0 else int(colors.max()) + 1


@final
@dataclass(frozen=True, repr=False)
class GreedyColoringAlgorithm:
    """GreedyColoringAlgorithm(order="natural", decompression="direct", seed=None)

    Colors vertices one at a time in ``order``, each with the smallest color its
    constraints allow: column coloring for forward-mode Jacobians, row coloring for
    reverse mode, star coloring (``decompression="direct"``: every entry read from one
    compressed value) or acyclic coloring (``"substitution"``: fewer colors, entries
    recovered by solving a triangular system) for Hessians, and a bidirectional
    coloring for ``MixedMode``.

    Args:
        order: ``"natural"`` (index order; best on banded patterns), ``"largest_first"``
            (by decreasing degree), ``"smallest_last"`` (each vertex of least degree in
            what remains goes last), ``"incidence_degree"`` (next the vertex with most
            neighbors already ordered), ``"saturation_degree"`` (next the vertex whose
            neighbors have the most distinct colors, Brélaz's DSATUR; slower, and often
            fewest colors on grids) or ``"random"``.
        decompression: ``"direct"`` or ``"substitution"`` (Hessians only).
        seed: the seed of ``order="random"``.

    >>> import numpy as np, scipy.sparse as sp, adcore as ad
    >>> tridiagonal = sp.diags([1.0, 1.0, 1.0], [-1, 0, 1], shape=(6, 6))
    >>> ad.GreedyColoringAlgorithm().color_columns(tridiagonal).colors
    array([0, 1, 2, 0, 1, 2])
    """

    order: str = "natural"
    decompression: str = "direct"
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise ValueError(f"GreedyColoringAlgorithm(order={self.order!r}): order must be one of "
                             f"{', '.join(map(repr, ORDERS))}.")
        if self.decompression not in DECOMPRESSIONS:
            raise ValueError(f"GreedyColoringAlgorithm(decompression={self.decompression!r}): "
                             "decompression must be 'direct' or 'substitution'.")

    def __repr__(self) -> str:
        args = [f"{k}={getattr(self, k)!r}" for k, default in
                (("order", "natural"), ("decompression", "direct"), ("seed", None))
                if getattr(self, k) != default]
        return f"GreedyColoringAlgorithm({', '.join(args)})"

    def color_columns(self, pattern: Any) -> Coloring:
        """color_columns(pattern) -> Coloring: columns sharing a row get different colors."""
        from ._detectors import as_pattern

        P = as_pattern(pattern)
        graph = column_graph(P)
        return Coloring("column", P, greedy(graph, vertex_order(graph, self.order, self.seed)), None)

    def color_rows(self, pattern: Any) -> Coloring:
        """color_rows(pattern) -> Coloring: rows sharing a column get different colors."""
        from ._detectors import as_pattern

        P = as_pattern(pattern)
        graph = column_graph(P.T.tocsr())
        return Coloring("row", P, None, greedy(graph, vertex_order(graph, self.order, self.seed)))

    def color_symmetric(self, pattern: Any) -> Coloring:
        """color_symmetric(pattern) -> Coloring: a star coloring (``decompression="direct"``)
        or an acyclic one (``"substitution"``) of a symmetric pattern."""
        from ._detectors import as_pattern
        from ._symmetric import acyclic_coloring, star_coloring

        P = as_pattern(pattern)
        if P.shape[0] != P.shape[1]:
            raise ValueError(f"a symmetric coloring needs a square pattern, got shape {P.shape}")
        graph = adjacency(P)
        order = vertex_order(graph, self.order, self.seed)
        if self.decompression == "direct":
            return Coloring("star", P, star_coloring(graph, order), None)
        return Coloring("acyclic", P, acyclic_coloring(graph, order), None)

    def color_bidirectional(self, pattern: Any) -> Coloring:
        """color_bidirectional(pattern) -> Coloring: some entries read from compressed
        columns (pushforwards), the others from compressed rows (pullbacks)."""
        from ._detectors import as_pattern
        from ._symmetric import bidirectional_coloring

        P = as_pattern(pattern)
        rows, cols = bidirectional_coloring(P, self.order, self.seed)
        return Coloring("bidirectional", P, cols, rows)


# --- graphs


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
