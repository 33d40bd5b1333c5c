"""The orders in which the greedy colorings visit the vertices (GMP 2005, section 6).

Static orders (natural, largest first, random) are one numpy call; the dynamic
ones (smallest last, incidence degree, saturation degree) run in Python over the
graph's edges, once per preparation.
"""

from __future__ import annotations

import numpy as np

__all__ = ["vertex_order"]

Graph = tuple[np.ndarray, np.ndarray]


def degrees(graph: Graph) -> np.ndarray:
    return np.diff(graph[0])


def vertex_order(graph: Graph, order: str, seed: int | None = None) -> np.ndarray:
    """The vertices in the order the greedy algorithm colors them."""
    n = len(graph[0]) - 1
    if order == "natural":
        return np.arange(n)
    if order == "random":
        return np.random.default_rng(seed).permutation(n)
    if order == "largest_first":
        return np.argsort(-degrees(graph), kind="stable")
    if order == "smallest_last":
        return _smallest_last(graph)
    if order == "saturation_degree":
        return _saturation_degree(graph)
    return _incidence_degree(graph)


def _smallest_last(graph: Graph) -> np.ndarray:
    """Remove a vertex of least degree in what remains, again and again; color them in
    the reverse order of removal (Matula and Beck's bucket algorithm, linear time)."""
    ptr, nbr = graph[0].tolist(), graph[1].tolist()
    degree = np.diff(graph[0])
    # Vertices sorted by degree, with where each degree's block starts (bucket sort).
    by_degree = np.argsort(degree, kind="stable")
    place = np.empty(by_degree.size, np.int64)
    place[by_degree] = np.arange(by_degree.size)
    bin_start = np.searchsorted(degree[by_degree], np.arange(int(degree.max(initial=0)) + 1)).tolist()
    order, pos, deg = by_degree.tolist(), place.tolist(), degree.tolist()
    for v in order:  # swaps touch places after v's only: iterating reads each place once final
        dv = deg[v]
        for w in nbr[ptr[v]:ptr[v + 1]]:
            dw = deg[w]
            if dw > dv:
                # Swap w with the first vertex of its block, then shrink w's degree.
                pw, first = pos[w], bin_start[dw]
                u = order[first]
                if u != w:
                    order[pw], order[first] = u, w
                    pos[u], pos[w] = pw, first
                bin_start[dw] = first + 1
                deg[w] = dw - 1
    return np.asarray(order[::-1], dtype=np.int64)


def _keys(graph: Graph) -> tuple[list[int], list[int], int, int]:
    """``(deg, heap, n, base)``: the heaps below hold integers ``-(level * base + deg[v]) * n + v``,
    the vertex of highest level first, ties to the largest degree, then the smallest index."""
    degree = np.diff(graph[0])
    n, base = degree.size, int(degree.max(initial=0)) + 1
    heap = np.sort(np.arange(n, dtype=np.int64) - degree * n).tolist()  # level 0; sorted is a heap
    return degree.tolist(), heap, n, base


def _incidence_degree(graph: Graph) -> np.ndarray:
    """Next the uncolored vertex with most already-ordered neighbors (ties: largest degree)."""
    from heapq import heappop, heappush

    ptr, nbr = graph[0].tolist(), graph[1].tolist()
    deg, heap, n, base = _keys(graph)
    incidence = [0] * n
    done = [False] * n
    order = []
    while heap:
        key = heappop(heap)
        v = key % n
        if done[v] or key != v - (incidence[v] * base + deg[v]) * n:
            continue  # stale: v was ordered, or its incidence grew since
        done[v] = True
        order.append(v)
        for w in nbr[ptr[v]:ptr[v + 1]]:
            if not done[w]:
                incidence[w] = i = incidence[w] + 1
                heappush(heap, w - (i * base + deg[w]) * n)
    return np.asarray(order, dtype=np.int64)


def _saturation_degree(graph: Graph) -> np.ndarray:
    """The order in which DSATUR colors the graph: next the uncolored vertex whose
    neighbors have the most distinct colors (ties: largest degree, then index)."""
    from heapq import heappop, heappush

    ptr, nbr = graph[0].tolist(), graph[1].tolist()
    deg, heap, n, base = _keys(graph)
    color = [0] * n  # 1 << color once colored
    seen = [0] * n  # the colors of the colored neighbors, as bits
    order = []
    while heap:
        key = heappop(heap)
        v = key % n
        s = seen[v]
        if color[v] or key != v - (s.bit_count() * base + deg[v]) * n:
            continue
        color[v] = c = ~s & (s + 1)
        order.append(v)
        for w in nbr[ptr[v]:ptr[v + 1]]:
            s = seen[w]
            if not color[w] and not s & c:
                seen[w] = s = s | c
                heappush(heap, w - (s.bit_count() * base + deg[w]) * n)
    return np.asarray(order, dtype=np.int64)
