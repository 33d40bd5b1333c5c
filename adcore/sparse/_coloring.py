"""Greedy colorings of sparsity patterns ("What Color Is Your Jacobian?", GMP 2005).

A graph is a pair ``(ptr, nbr)`` of numpy arrays in CSR form, symmetric and
without loops. The graphs and the greedy
loop are in ``_graphs``, the vertex orders in ``_orders``.

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

from ..errors import ArgumentError, ShapeError
from ._graphs import adjacency, column_graph, greedy
from ._orders import vertex_order
from ._patterns import as_pattern
from ._symmetric import acyclic_coloring, bidirectional_coloring, star_coloring

__all__ = ["ORDERS", "Coloring", "GreedyColoringAlgorithm"]

ORDERS = ("natural", "largest_first", "smallest_last", "incidence_degree", "saturation_degree", "random")
DECOMPRESSIONS = ("direct", "substitution")


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
            raise ArgumentError(f"GreedyColoringAlgorithm(order={self.order!r}): order must be one of "
                                f"{', '.join(map(repr, ORDERS))}.")
        if self.decompression not in DECOMPRESSIONS:
            raise ArgumentError(f"GreedyColoringAlgorithm(decompression={self.decompression!r}): "
                                "decompression must be 'direct' or 'substitution'.")

    def __repr__(self) -> str:
        args = [f"{k}={getattr(self, k)!r}" for k, default in
                (("order", "natural"), ("decompression", "direct"), ("seed", None))
                if getattr(self, k) != default]
        return f"GreedyColoringAlgorithm({', '.join(args)})"

    def color_columns(self, pattern: Any) -> Coloring:
        """color_columns(pattern) -> Coloring: columns sharing a row get different colors."""
        P = as_pattern(pattern)
        graph = column_graph(P)
        return Coloring("column", P, greedy(graph, vertex_order(graph, self.order, self.seed)), None)

    def color_rows(self, pattern: Any) -> Coloring:
        """color_rows(pattern) -> Coloring: rows sharing a column get different colors."""
        P = as_pattern(pattern)
        graph = column_graph(P.T.tocsr())
        return Coloring("row", P, None, greedy(graph, vertex_order(graph, self.order, self.seed)))

    def color_symmetric(self, pattern: Any) -> Coloring:
        """color_symmetric(pattern) -> Coloring: a star coloring (``decompression="direct"``)
        or an acyclic one (``"substitution"``) of a symmetric pattern."""
        P = as_pattern(pattern)
        if P.shape[0] != P.shape[1]:
            raise ShapeError(f"a symmetric coloring needs a square pattern, got shape {P.shape}")
        graph = adjacency(P)
        order = vertex_order(graph, self.order, self.seed)
        if self.decompression == "direct":
            return Coloring("star", P, star_coloring(graph, order), None)
        return Coloring("acyclic", P, acyclic_coloring(graph, order), None)

    def color_bidirectional(self, pattern: Any) -> Coloring:
        """color_bidirectional(pattern) -> Coloring: some entries read from compressed
        columns (pushforwards), the others from compressed rows (pullbacks)."""
        P = as_pattern(pattern)
        rows, cols = bidirectional_coloring(P, self.order, self.seed)
        return Coloring("bidirectional", P, cols, rows)
