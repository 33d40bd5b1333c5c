"""From a coloring to seeds, and from compressed evaluations back to the sparse matrix.

A :class:`Plan` is built once, at preparation: the seed matrices (one row per
color), and for every stored entry of the result the position in the flattened
compressed evaluations it is read from. A prepared call is then one gather
(``compressed[index]``), or for acyclic colorings one triangular solve.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core.arrays import writable_numpy
from ..errors import ArgumentError
from ._coloring import Coloring
from ._patterns import entries, scipy_sparse
from ._symmetric import _unique_in_line

__all__ = ["Plan", "plan"]


class Plan:
    """Seeds and read positions for one coloring; ``decompress`` builds the result."""

    def __init__(self, coloring: Coloring) -> None:
        P = coloring.pattern
        self.coloring, self.shape = coloring, P.shape
        self.indices, self.indptr = P.indices.astype(np.int32), P.indptr.astype(np.int32)
        m, n = P.shape
        self.column_seeds = _seeds(coloring.column_colors, n)
        self.row_seeds = _seeds(coloring.row_colors, m)
        rows, cols = entries(P)
        self.solver: Any = None
        self._template: Any = None
        self._dense_index: tuple[int, np.ndarray] | None = None
        if coloring.kind == "column":
            self.index = coloring.column_colors[cols] * m + rows  # type: ignore[index]
        elif coloring.kind == "row":
            self.index = coloring.row_colors[rows] * n + cols  # type: ignore[index]
        elif coloring.kind == "star":
            self.index = _star_index(rows, cols, coloring.column_colors, n)  # type: ignore[arg-type]
        elif coloring.kind == "bidirectional":
            self.index = _bidirectional_index(rows, cols, coloring, m, n)
        else:
            self.index, self.solver = _acyclic_system(rows, cols, coloring.column_colors, n)  # type: ignore[arg-type]

    def decompress(self, compressed: Any, xp: Any = None, build: Any = None) -> Any:
        """The result from the flattened compressed evaluations (columns' first, then rows'):
        for numpy (no ``xp``) a ``csr_array``; for another family ``xp``, ``build(values)``
        (see ``sparse_builder``) or without one the dense matrix."""
        if xp is None:
            values = np.take(compressed, self.index) if self.solver is None else self.solver(compressed)
            return self.csr(values)
        if build is not None:
            return build(xp.take(compressed, xp.asarray(self.index)))
        # The dense matrix, in one take from the compressed values with a zero appended for
        # the entries outside the pattern.
        index = self.dense_index(compressed.shape[0])
        padded = xp.concat([compressed, xp.zeros((1,), dtype=compressed.dtype)])
        return xp.reshape(xp.take(padded, xp.asarray(index.reshape(-1))), self.shape)

    def dense_index(self, size: int) -> np.ndarray:
        """For each entry of the dense ``(m, n)`` result, its position among ``size`` compressed
        values: ``index`` on the pattern, ``size`` (read as zero) elsewhere."""
        if self._dense_index is not None and self._dense_index[0] == size:
            return self._dense_index[1]
        m, n = self.shape
        where = np.full(m * n, size, np.int32 if max(size, m * n) < 2**31 else np.int64)
        rows, cols = entries(self.coloring.pattern)
        where[rows * n + cols] = self.index
        self._dense_index = (size, where.reshape(m, n))
        return self._dense_index[1]

    def csr(self, values: Any) -> Any:
        """A new ``csr_array`` of the pattern holding ``values`` (not copied where numpy may
        write to them), with its own index arrays.

        ``values`` may be an engine's array still being computed (see ``gathered_pushforward``):
        the array is built around them first, and they are read last, so that this host work
        overlaps the engine's. scipy's constructor validates its arguments, a few tens of
        microseconds that the prepared call would pay every time; the pattern is known valid,
        so each result is a copy of the state of one array built (and checked) at the first call.
        """
        template = self._template
        if template is None:  # private: a result handed out could be edited by its owner
            sp = scipy_sparse()
            data = np.array(values)
            built = sp.csr_array((data, self.indices.copy(), self.indptr.copy()), shape=self.shape)
            template = self._template = built if self._copies_state(built) else False
        if template is False:
            sp = scipy_sparse()
            return sp.csr_array((writable_numpy(values), self.indices.copy(), self.indptr.copy()),
                                shape=self.shape)
        result = object.__new__(type(template))
        result.__dict__.update(template.__dict__)
        result.indices, result.indptr = self.indices.copy(), self.indptr.copy()
        result.data = writable_numpy(values)
        return result

    def _copies_state(self, built: Any) -> bool:
        """Whether copying ``built``'s state makes an equal, independent array (it does as long
        as scipy keeps a sparse array's state in its ``__dict__``)."""
        try:
            twin = object.__new__(type(built))
            twin.__dict__.update(built.__dict__)
            twin.data, twin.indices, twin.indptr = built.data * 2, built.indices.copy(), built.indptr.copy()
            return bool(twin.shape == built.shape and (twin - 2 * built).count_nonzero() == 0
                        and twin.data is not built.data)
        except Exception:
            return False


def plan(coloring: Coloring) -> Plan:
    return Plan(coloring)


def _seeds(colors: np.ndarray | None, size: int) -> np.ndarray:
    """``S[c, i] = 1`` where ``i`` has color ``c``: one seed per color."""
    k = 0 if colors is None or colors.size == 0 else int(colors.max()) + 1
    S = np.zeros((k, size))
    if colors is None:
        return S
    keep = colors >= 0
    S[colors[keep], np.flatnonzero(keep)] = 1.0
    return S


def _star_index(rows: np.ndarray, cols: np.ndarray, colors: np.ndarray, n: int) -> np.ndarray:
    """``H[i, j]`` is ``B[c(j), i]`` when ``i`` has one neighbor of color ``c(j)``, else
    ``B[c(i), j]`` (``i`` is the center of its star, and ``j`` has one neighbor colored ``c(i)``)."""
    direct = _unique_in_line(rows, colors[cols])
    other = _unique_in_line(cols, colors[rows])
    if not np.all(direct | other):
        raise ArgumentError("not a star coloring of this pattern: some entries cannot be read directly")
    return np.where(direct, colors[cols] * n + rows, colors[rows] * n + cols)


def _bidirectional_index(rows: np.ndarray, cols: np.ndarray, coloring: Coloring, m: int, n: int) -> Any:
    cc, rc = coloring.column_colors, coloring.row_colors
    by_col = _unique_in_line(rows, cc[cols])  # type: ignore[index]
    by_row = _unique_in_line(cols, rc[rows])  # type: ignore[index]
    if not np.all(by_col | by_row):
        raise ArgumentError("not a bidirectional coloring of this pattern: some entries cannot be read")
    kc = int(cc.max(initial=-1)) + 1 if cc is not None else 0  # type: ignore[union-attr]
    return np.where(by_col, cc[cols] * m + rows, kc * m + rc[rows] * n + cols)  # type: ignore[index]


def _acyclic_system(rows: np.ndarray, cols: np.ndarray, colors: np.ndarray, n: int) -> Any:
    """Substitution for an acyclic coloring: each two-colored tree is solved from its leaves.

    Every off-diagonal entry ``{i, j}`` is an edge between the nodes ``(i, c(j))`` and
    ``(j, c(i))``; these edges form a forest. The compressed value ``B[c', v]`` at a node
    ``(v, c')`` is the sum of the entries on its edges. Rooting each tree and taking the
    nodes children first, the equation of each node but the roots gives the entry on
    the edge to its parent: a unit lower-triangular system, factored here once.
    """
    sp = scipy_sparse()
    from scipy.sparse.csgraph import breadth_first_order, connected_components
    from scipy.sparse.linalg import splu

    k = int(colors.max(initial=0)) + 1
    upper = rows < cols
    ei, ej = rows[upper], cols[upper]
    # Nodes (vertex, other color), numbered; node_a/node_b are the two ends of each edge.
    keys, inverse = np.unique(np.concatenate([ei * k + colors[ej], ej * k + colors[ei]]),
                              return_inverse=True)
    nodes, nedges = keys.size, ei.size
    node_a, node_b = inverse[:nedges], inverse[nedges:]
    forest = sp.csr_array((np.ones(nedges), (node_a, node_b)), shape=(nodes, nodes))
    forest = (forest + forest.T).tocsr()
    _, label = connected_components(forest, directed=False)
    roots = np.unique(label, return_index=True)[1]
    # A super-root joined to one node of each tree: one search finds every tree's parents.
    links = sp.csr_array((np.ones(roots.size), (np.full(roots.size, nodes), roots)),
                         shape=(nodes + 1, nodes + 1))
    graph = sp.block_array([[forest, None], [None, sp.csr_array((1, 1))]], format="csr") + links
    order, parent = breadth_first_order(graph, nodes, directed=False, return_predecessors=True)
    order, parent = order.astype(np.int64), parent.astype(np.int64)  # scipy's are int32
    children_first = order[::-1][:-1]  # leaves first, super-root dropped
    children_first = children_first[parent[children_first] != nodes]  # the roots have no equation
    position = np.full(nodes, -1, np.int64)
    position[children_first] = np.arange(children_first.size)
    # The edge between each node and its parent, found by its code among the edges' codes.
    fa = np.minimum(node_a, node_b) * nodes + np.maximum(node_a, node_b)
    edge_sorted = np.argsort(fa)
    fa_sorted = fa[edge_sorted]
    par = parent[children_first]
    code = np.minimum(children_first, par) * nodes + np.maximum(children_first, par)
    edge_of = edge_sorted[np.searchsorted(fa_sorted, code)]
    # Unknown t (the entry on edge edge_of[t]) is in the equations of its two end nodes.
    eq_rows = np.concatenate([position[node_a[edge_of]], position[node_b[edge_of]]])
    eq_cols = np.tile(np.arange(edge_of.size), 2)
    keep = eq_rows >= 0
    M = sp.csc_array((np.ones(int(keep.sum())), (eq_rows[keep], eq_cols[keep])),
                     shape=(edge_of.size, edge_of.size))
    lu = splu(M, permc_spec="NATURAL", diag_pivot_thresh=0.0) if edge_of.size else None
    vertex, other = keys // k, keys % k
    source = (other * n + vertex)[children_first]
    # Each stored entry: a diagonal one read directly, an off-diagonal one from the solution.
    value_of_edge = np.empty(nedges, np.int64)
    value_of_edge[edge_of] = np.arange(edge_of.size)
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    edge_code = lo * n + hi
    edge_order = np.argsort(ei * n + ej)
    which = edge_order[np.searchsorted((ei * n + ej)[edge_order], edge_code[rows != cols])]
    index = np.empty(rows.size, np.int64)
    diag = rows == cols
    index[diag] = edge_of.size + np.arange(int(diag.sum()))
    index[~diag] = value_of_edge[which]
    diag_source = colors[rows[diag]] * n + rows[diag]

    def solve(compressed: Any) -> Any:
        b = np.asarray(compressed)
        h = lu.solve(b[source].astype(np.result_type(b.dtype, np.float64))) if lu else b[:0]
        return np.concatenate([h.astype(b.dtype, copy=False), b[diag_source]])[index]

    return index, solve
