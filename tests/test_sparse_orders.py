"""Vertex orders (``_orders``): each a permutation, and the dynamic ones equal to their
plain statements (tuples in a heap, sets of colors, a scan for the least degree)."""

from __future__ import annotations

import heapq
from typing import Any

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")
pytest.importorskip("hypothesis")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

from adcore.sparse._coloring import ORDERS  # noqa: E402
from adcore.sparse._graphs import adjacency  # noqa: E402
from adcore.sparse._orders import vertex_order  # noqa: E402


@st.composite
def graphs(draw: Any) -> Any:
    n = draw(st.integers(1, 20))
    P = draw(arrays(bool, (n, n), elements=st.booleans()))
    return adjacency(sp.csr_array(P | P.T))


def neighbors(graph: Any) -> list[list[int]]:
    ptr, nbr = graph
    return [nbr[ptr[v]:ptr[v + 1]].tolist() for v in range(len(ptr) - 1)]


def plain_incidence_degree(adj: list[list[int]]) -> list[int]:
    inc, done, order = [0] * len(adj), set(), []
    heap = [(0, -len(adj[v]), v) for v in range(len(adj))]
    heapq.heapify(heap)
    while heap:
        key, _, v = heapq.heappop(heap)
        if v in done or -key != inc[v]:
            continue
        done.add(v)
        order.append(v)
        for w in set(adj[v]) - done:
            inc[w] += 1
            heapq.heappush(heap, (-inc[w], -len(adj[w]), w))
    return order


def plain_saturation_degree(adj: list[list[int]]) -> list[int]:
    color: dict[int, int] = {}
    seen: list[set[int]] = [set() for _ in adj]
    order = []
    while len(order) < len(adj):
        left = (v for v in range(len(adj)) if v not in color)
        v = min(left, key=lambda v: (-len(seen[v]), -len(adj[v]), v))
        color[v] = min(set(range(len(adj) + 1)) - seen[v])
        order.append(v)
        for w in adj[v]:
            seen[w].add(color[v])
    return order


@settings(max_examples=80, deadline=None)
@given(graphs(), st.sampled_from(ORDERS))
def test_orders_are_permutations(graph: Any, order: str) -> None:
    vertices = vertex_order(graph, order, 0)
    np.testing.assert_array_equal(np.sort(vertices), np.arange(len(graph[0]) - 1))


@settings(max_examples=80, deadline=None)
@given(graphs())
def test_dynamic_orders_match_plain_ones(graph: Any) -> None:
    adj = neighbors(graph)
    assert vertex_order(graph, "incidence_degree").tolist() == plain_incidence_degree(adj)
    assert vertex_order(graph, "saturation_degree").tolist() == plain_saturation_degree(adj)


@settings(max_examples=80, deadline=None)
@given(graphs())
def test_smallest_last_removes_a_least_degree_each_time(graph: Any) -> None:
    # Removed in the reverse of the order; a neighbor's degree never drops below that of
    # the vertex removed (Matula and Beck's buckets).
    adj = neighbors(graph)
    deg = [len(a) for a in adj]
    left = set(range(len(adj)))
    for v in vertex_order(graph, "smallest_last")[::-1].tolist():
        assert deg[v] == min(deg[w] for w in left)
        left.remove(v)
        for w in adj[v]:
            if w in left and deg[w] > deg[v]:
                deg[w] -= 1
