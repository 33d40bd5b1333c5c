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
    n = len(ptr) - 1
    deg = np.diff(graph[0]).tolist()
    # Vertices sorted by degree, with where each degree's block starts (bucket sort).
    order = np.argsort(np.asarray(deg, dtype=np.int64), kind="stable").tolist()
    pos = [0] * n
    for i, v in enumerate(order):
        pos[v] = i
    start = np.searchsorted(np.sort(np.asarray(deg, dtype=np.int64)), np.arange(max(deg, default=0) + 1))
    bin_start = start.tolist()
    for i in range(n):
        v = order[i]
        for w in nbr[ptr[v]:ptr[v + 1]]:
            dw = deg[w]
            if dw > deg[v]:
                # Swap w with the first vertex of its block, then shrink w's degree.
                pw, first = pos[w], bin_start[dw]
                u = order[first]
                if u != w:
                    order[pw], order[first] = u, w
                    pos[u], pos[w] = pw, first
                bin_start[dw] += 1
                deg[w] = dw - 1
    return np.asarray(order[::-1], dtype=np.int64)


def _incidence_degree(graph: Graph) -> np.ndarray:
    """Next the uncolored vertex with most already-ordered neighbors (ties: largest degree)."""
    import heapq

    ptr, nbr = graph[0].tolist(), graph[1].tolist()
    n = len(ptr) - 1
    deg = np.diff(graph[0]).tolist()
    incidence = [0] * n
    done = [False] * n
    heap = [(0, -deg[v], v) for v in range(n)]
    heapq.heapify(heap)
    order = []
    while heap:
        key, _, v = heapq.heappop(heap)
        if done[v] or -key != incidence[v]:
            continue
        done[v] = True
        order.append(v)
        for w in nbr[ptr[v]:ptr[v + 1]]:
            if not done[w]:
                incidence[w] += 1
                heapq.heappush(heap, (-incidence[w], -deg[w], w))
    return np.asarray(order, dtype=np.int64)


def _saturation_degree(graph: Graph) -> np.ndarray:
    """The order in which DSATUR colors the graph: next the uncolored vertex whose
    neighbors have the most distinct colors (ties: largest degree, then index)."""
    import heapq

    ptr, nbr = graph[0].tolist(), graph[1].tolist()
    n = len(ptr) - 1
    deg = np.diff(graph[0]).tolist()
    color = [-1] * n
    seen: list[set[int]] = [set() for _ in range(n)]
    heap = [(0, -deg[v], v) for v in range(n)]
    heapq.heapify(heap)
    order = []
    while heap:
        key, _, v = heapq.heappop(heap)
        if color[v] >= 0 or -key != len(seen[v]):
            continue
        c = 0
        while c in seen[v]:
            c += 1
        color[v] = c
        order.append(v)
        for w in nbr[ptr[v]:ptr[v + 1]]:
            if color[w] < 0 and c not in seen[w]:
                seen[w].add(c)
                heapq.heappush(heap, (-len(seen[w]), -deg[w], w))
    return np.asarray(order, dtype=np.int64)
