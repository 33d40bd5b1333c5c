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

from ._graphs import colors_of_masks, column_graph, earlier_neighbors, greedy
from ._orders import vertex_order
from ._patterns import entries

__all__ = ["acyclic_coloring", "bidirectional_coloring", "star_coloring"]


def star_coloring(graph: tuple[np.ndarray, np.ndarray], order: np.ndarray) -> np.ndarray:
    """Each vertex, in ``order``, gets the smallest color that makes no two-colored ``P4``.

    Colors are bits (``1 << color``), and the two rules are ANDs of masks kept per
    colored vertex ``v``, so that coloring ``u`` reads and updates only the neighbors
    colored before it (and, once per neighbor and color, that neighbor's neighbors):

    - ``once[v]``, ``twice[v]``: the colors of at least one, at least two neighbors of ``v``;
    - ``bad[v]``: the colors of the neighbors ``b`` of ``v`` that have two neighbors of
      ``v``'s color, those the first rule forbids next to ``v``.
    """
    ptr, nbr = graph[0].tolist(), graph[1].tolist()
    n = len(ptr) - 1
    start, before = earlier_neighbors(graph, order)
    mask, once, twice, bad = [0] * n, [0] * n, [0] * n, [0] * n

    def second(a: int, c: int) -> None:
        # a has a second neighbor colored c: a's color is bad next to both.
        twice[a] |= c
        ma = mask[a]
        for x in nbr[ptr[a]:ptr[a + 1]]:
            if mask[x] == c:
                bad[x] |= ma

    for u, lo, hi in zip(order.tolist(), start, start[1:]):
        if hi == lo:
            mask[u] = 1
            continue
        if hi - lo == 1:  # the loops below for one neighbor: most vertices of banded patterns
            a = before[lo]
            ma = mask[a]
            m = ma | bad[a]
            c = mask[u] = ~m & (m + 1)
            once[u] = ma
            o = once[a]
            if o & c:
                if not twice[a] & c:
                    second(a, c)
                bad[u] = ma
            else:
                once[a] = o | c
            continue
        near = before[lo:hi]
        seen = tw = m = 0
        for a in near:
            ma = mask[a]
            tw |= seen & ma
            seen |= ma
            m |= bad[a]
        if tw:  # the second rule: u has two neighbors of one color, forbid all their neighbors'
            for a in near:
                if mask[a] & tw:
                    m |= once[a]
        m |= seen
        c = mask[u] = ~m & (m + 1)
        once[u], twice[u] = seen, tw
        mine = 0
        for a in near:
            o, ma = once[a], mask[a]
            if o & c:
                if not twice[a] & c:
                    second(a, c)
                mine |= ma
            else:
                once[a] = o | c
            if ma & tw:
                bad[a] |= c
        bad[u] |= mine
    return colors_of_masks(mask)


def acyclic_coloring(graph: tuple[np.ndarray, np.ndarray], order: np.ndarray) -> np.ndarray:
    """Each vertex, in ``order``, gets the smallest color that closes no two-colored cycle.

    Colors are bits, as in :func:`star_coloring`. The node ``(v, Y)`` of the union-find
    (``v`` in its forest of colors ``{color(v), Y}``) is the integer ``Y * n + v``; the
    forests are joined lazily, only when a vertex has two neighbors of one color to ask
    about, so that orders where none has (most banded patterns) never build them.
    """
    start, before = earlier_neighbors(graph, order)
    if all(j - i <= 1 for i, j in pairwise(start)):
        return greedy(graph, order)  # no vertex meets two colored neighbors: no cycle to close
    n = len(graph[0]) - 1
    ptr: list[int] = []
    nbr: list[int] = []
    vertices = order.tolist()
    mask = [0] * n
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        root = node
        while (up := parent.get(root)) is not None:
            root = up
        while node != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    def join(first: int, last: int) -> None:
        # The edges from vertices[first:last] to their earlier neighbors, into the forests:
        # the edge {v, a} joins (v, color a) and (a, color v).
        for v, lo, hi in zip(vertices[first:last], start[first:last], start[first + 1:last + 1]):
            cv = mask[v] * n
            for a in before[lo:hi]:
                ru, ra = mask[a] * n + v, cv + a
                if ru in parent:
                    ru = find(ru)
                if ra in parent:
                    ra = find(ra)
                if ru != ra:
                    parent[ru] = ra

    joined = 0  # the edges of vertices[:joined] are in the forests
    for i, (u, lo, hi) in enumerate(zip(vertices, start, start[1:])):
        if hi - lo <= 1:
            mask[u] = 2 if hi > lo and mask[before[lo]] == 1 else 1
            continue
        near = before[lo:hi]
        seen = tw = 0
        for a in near:
            ma = mask[a]
            tw |= seen & ma
            seen |= ma
        m = seen
        if tw:  # two neighbors of one color Y already joined in a forest {X, Y} forbid X
            if not ptr:
                ptr, nbr = graph[0].tolist(), graph[1].tolist()
            join(joined, i)
            joined = i
            roots: dict[int, int] = {}
            for a in near:
                if not mask[a] & tw:
                    continue
                for b in nbr[ptr[a]:ptr[a + 1]]:
                    xb = mask[b]
                    if xb and not xb & m and roots.setdefault(find(xb * n + a), a) != a:
                        m |= xb
        mask[u] = ~m & (m + 1)
    return colors_of_masks(mask)


def bidirectional_coloring(P: Any, order: str, seed: int | None) -> tuple[np.ndarray, np.ndarray]:
    """``(row_colors, column_colors)`` with ``-1`` for rows or columns in no seed.

    The bipartite graph of columns (vertices ``0..n-1``) and rows (``n..n+m-1``) is
    star-colored twice: in ``order``, and in ``order`` sorted by increasing degree,
    which leaves dense rows and columns to the end, where they become the centers of
    stars (an arrowhead then needs three colors, not ``n``). Coloring the columns
    alone and the rows alone are candidates too, so that mixing never loses; the
    candidate with the fewest colors wins.
    """
    m, n = P.shape
    graph = _bipartite(P)
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


def _bipartite(P: Any) -> tuple[np.ndarray, np.ndarray]:
    """The graph of columns (vertices ``0..n-1``) and rows (``n..n+m-1``), an edge per entry."""
    T = P.T.tocsr()
    ptr = np.concatenate([T.indptr.astype(np.int64), P.indptr[1:].astype(np.int64) + T.indptr[-1]])
    return ptr, np.concatenate([T.indices.astype(np.int64) + P.shape[1], P.indices.astype(np.int64)])


def neutralize(P: Any, row_colors: np.ndarray, col_colors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep only the colors some entry is read from, numbered from 0 on each side.

    An entry is read from its column's color when its row has no other entry of that
    color (the column is the center of the star), else from its row's color; entries
    that either side can give go where a needed color already is, if one is.
    """
    rows, cols = entries(P)
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


def _unique_in_line(line: np.ndarray, colors: np.ndarray) -> np.ndarray:
    """For each entry, whether no other entry of its line (row or column) has its color."""
    ok = colors >= 0
    key = line * (int(colors.max(initial=0)) + 2) + (colors + 1)
    if key.size and int(key.max()) < 4 * key.size + 1024:  # few colors: count by bins, no sort
        return ok & (np.bincount(key)[key] == 1)
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return ok & (counts[inverse] == 1)


def _renumber(colors: np.ndarray, needed: np.ndarray) -> np.ndarray:
    new = np.cumsum(needed) - 1
    out = np.full(colors.size, -1, np.int64)
    keep = colors >= 0
    keep[keep] = needed[colors[keep]]
    out[keep] = new[colors[keep]]
    return out
