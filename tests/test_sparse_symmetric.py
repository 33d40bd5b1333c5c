"""Star, acyclic and bidirectional colorings (``_symmetric``): equal to the plain
algorithms they speed up, and valid on big banded patterns in every order."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")
pytest.importorskip("hypothesis")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

import adcore as ad  # noqa: E402
from adcore.sparse._coloring import ORDERS  # noqa: E402
from adcore.sparse._graphs import adjacency  # noqa: E402
from adcore.sparse._orders import vertex_order  # noqa: E402
from adcore.sparse._patterns import entries as _entries  # noqa: E402
from adcore.sparse._symmetric import (  # noqa: E402
    _unique_in_line,
    acyclic_coloring,
    star_coloring,
)


@st.composite
def symmetric_patterns(draw: Any) -> np.ndarray:
    n = draw(st.integers(1, 16))
    P = draw(arrays(bool, (n, n), elements=st.booleans()))
    return P | P.T


def banded(n: int, k: int) -> Any:
    return sp.diags([np.ones(n - abs(d)) for d in range(-k, k + 1)], list(range(-k, k + 1)), format="csr")


def check_star_sparse(P: Any, colors: np.ndarray) -> None:
    """A distance-1 coloring is a star coloring when every entry is alone in its row among
    its column's color, or alone in its column among its row's (direct decompression)."""
    r, c = _entries(sp.csr_array(P))
    off = r != c
    assert (colors[r[off]] != colors[c[off]]).all()
    assert (_unique_in_line(r, colors[c]) | _unique_in_line(c, colors[r])).all()


def check_acyclic_sparse(P: Any, colors: np.ndarray) -> None:
    """Distance-1, and the subgraph of every pair of colors is a forest."""
    from scipy.sparse.csgraph import connected_components

    r, c = _entries(sp.csr_array(P))
    upper = r < c
    r, c = r[upper], c[upper]
    assert (colors[r] != colors[c]).all()
    k = int(colors.max()) + 1
    pair = np.minimum(colors[r], colors[c]) * k + np.maximum(colors[r], colors[c])
    for code in np.unique(pair):
        edges = pair == code
        vertices = np.unique(np.concatenate([r[edges], c[edges]]))
        local = sp.coo_array((np.ones(int(edges.sum())), (np.searchsorted(vertices, r[edges]),
                             np.searchsorted(vertices, c[edges]))), shape=(vertices.size,) * 2)
        ncomponents = connected_components(local, directed=False)[0]
        assert int(edges.sum()) == vertices.size - ncomponents


def test_big_tridiagonal_hessian() -> None:
    H = banded(100_000, 1)
    star = ad.GreedyColoringAlgorithm().color_symmetric(H)
    assert star.ncolors == 3
    check_star_sparse(H, star.colors)
    acyclic = ad.GreedyColoringAlgorithm(decompression="substitution").color_symmetric(H)
    assert acyclic.ncolors == 2
    check_acyclic_sparse(H, acyclic.colors)


@pytest.mark.parametrize("order", ORDERS)
def test_banded_colorings_in_every_order(order: str) -> None:
    P = banded(3000, 2)
    algorithm = ad.GreedyColoringAlgorithm(order=order, seed=4)
    r, c = _entries(P)
    columns = algorithm.color_columns(P)
    assert _unique_in_line(r, columns.colors[c]).all() and columns.ncolors <= 9
    star = algorithm.color_symmetric(P)
    check_star_sparse(P, star.colors)
    acyclic = ad.GreedyColoringAlgorithm(order=order, seed=4, decompression="substitution").color_symmetric(P)
    check_acyclic_sparse(P, acyclic.colors)
    assert star.ncolors <= 9 and acyclic.ncolors <= star.ncolors + 1
    rows, cols = algorithm.color_bidirectional(P).colors
    assert (_unique_in_line(r, cols[c]) | _unique_in_line(c, rows[r])).all()


def plain_star(graph: Any, order: np.ndarray) -> np.ndarray:
    """Star coloring as GMP state it: count each vertex's colored neighbors by color."""
    ptr, nbr = graph
    adj = [nbr[ptr[v]:ptr[v + 1]].tolist() for v in range(len(ptr) - 1)]
    color = [-1] * len(adj)
    count: list[dict[int, int]] = [{} for _ in adj]
    for u in order.tolist():
        forbidden = set()
        for a in adj[u]:
            if color[a] >= 0:
                forbidden.add(color[a])
                # u - a - b - c with color(b) = X and color(a) = color(c)
                forbidden |= {color[b] for b in adj[a] if color[b] >= 0 and count[b][color[a]] >= 2}
                if count[u][color[a]] >= 2:  # a - u - a' - b
                    forbidden |= {color[b] for b in adj[a] if color[b] >= 0}
        color[u] = min(set(range(len(forbidden) + 1)) - forbidden)
        for a in adj[u]:
            count[a][color[u]] = count[a].get(color[u], 0) + 1
    return np.asarray(color, dtype=np.int64)


def plain_acyclic(graph: Any, order: np.ndarray) -> np.ndarray:
    """Acyclic coloring with a union-find over ``(vertex, other color)`` pairs."""
    ptr, nbr = graph
    adj = [nbr[ptr[v]:ptr[v + 1]].tolist() for v in range(len(ptr) - 1)]
    color = [-1] * len(adj)
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(node: tuple[int, int]) -> tuple[int, int]:
        while node in parent:
            node = parent[node]
        return node

    for u in order.tolist():
        near = [a for a in adj[u] if color[a] >= 0]
        forbidden = {color[a] for a in near}
        for x in {color[b] for a in near for b in adj[a] if color[b] >= 0} - forbidden:
            # Two neighbors of one color already in one {x, color} tree: a cycle.
            trees = [(color[a], find((a, x))) for a in near if x in {color[b] for b in adj[a]}]
            if len(set(trees)) < len(trees):
                forbidden.add(x)
        color[u] = min(set(range(len(forbidden) + 1)) - forbidden)
        for a in near:
            ru, ra = find((u, color[a])), find((a, color[u]))
            if ru != ra:
                parent[ru] = ra
    return np.asarray(color, dtype=np.int64)


@settings(max_examples=100, deadline=None)
@given(symmetric_patterns(), st.sampled_from(ORDERS))
def test_fast_symmetric_colorings_match_plain_ones(P: np.ndarray, order: str) -> None:
    graph = adjacency(sp.csr_array(P))
    vertices = vertex_order(graph, order, 5)
    np.testing.assert_array_equal(star_coloring(graph, vertices), plain_star(graph, vertices))
    np.testing.assert_array_equal(acyclic_coloring(graph, vertices), plain_acyclic(graph, vertices))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(-1, 5)), max_size=60), st.integers(0, 3000))
def test_unique_in_line_counts_by_bins_or_by_sorting(entries: list[tuple[int, int]], spread: int) -> None:
    # spread stretches the line numbers past the bins' limit, onto the sorting path.
    pairs = [(row * spread, color) for row, color in entries]
    line = np.asarray([p[0] for p in pairs], dtype=np.int64)
    colors = np.asarray([p[1] for p in pairs], dtype=np.int64)
    expected = [p[1] >= 0 and pairs.count(p) == 1 for p in pairs]
    np.testing.assert_array_equal(_unique_in_line(line, colors), np.asarray(expected, dtype=bool))
