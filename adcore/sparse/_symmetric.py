"""Star and acyclic colorings of symmetric patterns, and bidirectional colorings.

Star coloring (GMP 2005, section 4): a distance-1 coloring in which every path
on four vertices uses at least three colors, so that each two-colored part of
the graph is a star and every entry of a Hessian is read directly from one
compressed Hessian-vector product. Coloring ``u`` with ``X`` would make a
two-colored path ``P4`` in exactly two ways, which are the constraints checked:

- ``u - a - b - c`` with ``color(b) = X`` and ``color(a) = color(c)``: forbid the
  color of ``b`` when ``b`` has two neighbors of ``a``'s color;
- ``a - u - a' - b`` with ``color(a) = color(a')`` and ``color(b) = X``: when ``u``
  has two neighbors of one color, forbid the colors of their neighbors.

Acyclic coloring (section 5): every two-colored part is a forest (no two-colored
cycle), fewer colors, and entries recovered by substitution along each tree.
Coloring ``u`` with ``X`` closes a two-colored cycle exactly when two neighbors of
``u`` of one color ``Y`` are already joined in the ``{X, Y}`` forest, tracked with
a union-find over ``(vertex, other color)`` nodes.

Bidirectional coloring (``MixedMode``): a star coloring of the bipartite graph
of rows and columns; each two-colored star is read from the side of its center,
and colors whose side is never read drop out of the seeds.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

__all__ = ["acyclic_coloring", "bidirectional_coloring", "star_coloring"]


def _first_free(forbidden: set[int]) -> int:
    c = 0
    while c in forbidden:
        c += 1
    return c


def star_coloring(graph: tuple[np.ndarray, np.ndarray], order: np.ndarray) -> np.ndarray:
    ptr, nbr = graph[0].tolist(), graph[1].tolist()
    n = len(ptr) - 1
    adj = [nbr[i:j] for i, j in pairwise(ptr)]
    color = [-1] * n
    # count[b][Y]: how many colored neighbors of b have color Y.
    count: list[dict[int, int]] = [{} for _ in range(n)]
    for u in order.tolist():
        near = adj[u]
        forbidden = set()
        colored = 0
        for a in near:
            ya = color[a]
            if ya < 0:
                continue
            colored += 1
            forbidden.add(ya)
            for b in adj[a]:
                xb = color[b]
                if xb >= 0 and b != u and count[b].get(ya, 0) >= 2:
                    forbidden.add(xb)
        mine = count[u]
        if len(mine) < colored:  # two colored neighbors share a color
            for a in near:
                ya = color[a]
                if ya >= 0 and mine[ya] >= 2:
                    for b in adj[a]:
                        if b != u and color[b] >= 0:
                            forbidden.add(color[b])
        c = 0
        while c in forbidden:
            c += 1
        color[u] = c
        for a in near:
            counts = count[a]
            counts[c] = counts.get(c, 0) + 1
    return np.asarray(color, dtype=np.int64)


def acyclic_coloring(graph: tuple[np.ndarray, np.ndarray], order: np.ndarray) -> np.ndarray:
    ptr, nbr = graph[0].tolist(), graph[1].tolist()
    n = len(ptr) - 1
    color = [-1] * n
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(node: tuple[int, int]) -> tuple[int, int]:
        root = node
        while root in parent:
            root = parent[root]
        while node != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    for u in order.tolist():
        near = [a for a in nbr[ptr[u]:ptr[u + 1]] if color[a] >= 0]
        forbidden = {color[a] for a in near}
        by_color: dict[int, list[int]] = {}
        for a in near:
            by_color.setdefault(color[a], []).append(a)
        for same in by_color.values():
            if len(same) < 2:
                continue
            # Two neighbors of one color already joined in a forest of colors {X, Y}.
            seen: dict[tuple[int, tuple[int, int]], int] = {}
            for a in same:
                for b in nbr[ptr[a]:ptr[a + 1]]:
                    xb = color[b]
                    if xb < 0 or b == u or xb in forbidden:
                        continue
                    key = (xb, find((a, xb)))
                    if seen.setdefault(key, a) != a:
                        forbidden.add(xb)
        c = color[u] = _first_free(forbidden)
        for a in near:
            ru, ra = find((u, color[a])), find((a, c))
            if ru != ra:
                parent[ru] = ra
    return np.asarray(color, dtype=np.int64)


def bidirectional_coloring(P: Any, order: str, seed: int | None) -> tuple[np.ndarray, np.ndarray]:
    """``(row_colors, column_colors)`` with ``-1`` for rows or columns in no seed.

    The bipartite graph of columns (vertices ``0..n-1``) and rows (``n..n+m-1``) is
    star-colored twice: in ``order``, and in ``order`` sorted by increasing degree,
    which leaves dense rows and columns to the end, where they become the centers of
    stars (an arrowhead then needs three colors, not ``n``). Coloring the columns
    alone and the rows alone are candidates too, so that mixing never loses; the
    candidate with the fewest colors wins.
    """
    import scipy.sparse as sp

    from ._coloring import adjacency, column_graph, greedy
    from ._orders import vertex_order

    m, n = P.shape
    graph = adjacency(sp.block_array([[None, P.T], [P, None]], format="csr"))
    first = vertex_order(graph, order, seed)
    candidates = []
    for vertices in (first, first[np.argsort(np.diff(graph[0])[first], kind="stable")]):
        colors = star_coloring(graph, vertices)
        candidates.append(neutralize(P, colors[n:], colors[:n]))
    cols = column_graph(P)
    candidates.append((np.full(m, -1, np.int64), greedy(cols, vertex_order(cols, order, seed))))
    rows = column_graph(P.T.tocsr())
    candidates.append((greedy(rows, vertex_order(rows, order, seed)), np.full(n, -1, np.int64)))
    return min(candidates, key=lambda rc: int(rc[0].max(initial=-1)) + int(rc[1].max(initial=-1)))


def neutralize(P: Any, row_colors: np.ndarray, col_colors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep only the colors some entry is read from, numbered from 0 on each side.

    An entry is read from its column's color when its row has no other entry of that
    color (the column is the center of the star), else from its row's color; entries
    that either side can give go where a needed color already is, if one is.
    """
    rows, cols = _entries(P)
    col_ok = _unique_in_line(rows, col_colors[cols])
    row_ok = _unique_in_line(cols, row_colors[rows])
    need_col = np.zeros(int(col_colors.max(initial=-1)) + 1, bool)
    need_row = np.zeros(int(row_colors.max(initial=-1)) + 1, bool)
    need_col[col_colors[cols[col_ok & ~row_ok]]] = True
    need_row[row_colors[rows[row_ok & ~col_ok]]] = True
    # Entries either side can give, not yet covered: all by columns or all by rows,
    # whichever needs fewer new colors.
    left = col_ok & row_ok & ~(need_col[col_colors[cols]] | need_row[row_colors[rows]])
    by_col, by_row = np.unique(col_colors[cols[left]]), np.unique(row_colors[rows[left]])
    if by_col.size <= by_row.size:
        need_col[by_col] = True
    else:
        need_row[by_row] = True
    return _renumber(row_colors, need_row), _renumber(col_colors, need_col)


def _entries(P: Any) -> tuple[np.ndarray, np.ndarray]:
    rows = np.repeat(np.arange(P.shape[0]), np.diff(P.indptr))
    return rows, P.indices.astype(np.int64)


def _unique_in_line(line: np.ndarray, colors: np.ndarray) -> np.ndarray:
    """For each entry, whether no other entry of its line (row or column) has its color."""
    ok = colors >= 0
    key = line * (int(colors.max(initial=0)) + 2) + (colors + 1)
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return ok & (counts[inverse] == 1)


def _renumber(colors: np.ndarray, needed: np.ndarray) -> np.ndarray:
    new = np.cumsum(needed) - 1
    out = np.full(colors.size, -1, np.int64)
    keep = colors >= 0
    keep[keep] = needed[colors[keep]]
    out[keep] = new[colors[keep]]
    return out
