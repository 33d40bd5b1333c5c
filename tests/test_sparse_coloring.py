"""GreedyColoringAlgorithm: valid colorings of random patterns for every order, and the
color counts of the issue's examples (banded, stencil, arrowhead)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")
hypothesis = pytest.importorskip("hypothesis")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

import adcore as ad  # noqa: E402
from adcore.sparse._coloring import ORDERS  # noqa: E402
from adcore.sparse._patterns import entries as _entries  # noqa: E402
from adcore.sparse._symmetric import _unique_in_line  # noqa: E402

ALGORITHMS = [ad.GreedyColoringAlgorithm(order=o, seed=1) for o in ORDERS]


@st.composite
def patterns(draw: Any, square: bool = False, symmetric: bool = False) -> np.ndarray:
    m = draw(st.integers(1, 14))
    n = m if square or symmetric else draw(st.integers(1, 14))
    P = draw(arrays(bool, (m, n), elements=st.booleans()))
    if symmetric:
        P = P | P.T
    return P


# --- what each coloring must guarantee


def check_columns(P: np.ndarray, colors: np.ndarray) -> None:
    """Structurally orthogonal groups: no row has two entries in columns of one color."""
    for row in P:
        used = colors[row]
        assert len(set(used.tolist())) == used.size


def bicolored_components(P: np.ndarray, colors: np.ndarray) -> list[tuple[int, int, int]]:
    """``(vertices, edges, max degree)`` of each connected two-colored subgraph."""
    A = P & ~np.eye(len(P), dtype=bool)
    found = []
    for a in range(int(colors.max(initial=-1)) + 1):
        for b in range(a + 1, int(colors.max(initial=-1)) + 1):
            inside = (colors == a) | (colors == b)
            sub = A & inside[:, None] & inside[None, :]
            seen = np.zeros(len(P), bool)
            for start in np.flatnonzero(inside):
                if seen[start]:
                    continue
                stack, members = [start], []
                seen[start] = True
                while stack:
                    v = stack.pop()
                    members.append(v)
                    for w in np.flatnonzero(sub[v]):
                        if not seen[w]:
                            seen[w] = True
                            stack.append(w)
                block = sub[np.ix_(members, members)]
                found.append((len(members), int(block.sum()) // 2, int(block.sum(1).max(initial=0))))
    return found


def check_distance1(P: np.ndarray, colors: np.ndarray) -> None:
    i, j = np.nonzero(P & ~np.eye(len(P), dtype=bool))
    assert (colors[i] != colors[j]).all()


def check_star(P: np.ndarray, colors: np.ndarray) -> None:
    """Every two-colored part is a star: no two-colored path on four vertices."""
    check_distance1(P, colors)
    for vertices, edges, degree in bicolored_components(P, colors):
        assert edges == vertices - 1 and (vertices <= 2 or degree == vertices - 1)


def check_acyclic(P: np.ndarray, colors: np.ndarray) -> None:
    """Every two-colored part is a tree: no two-colored cycle."""
    check_distance1(P, colors)
    for vertices, edges, _ in bicolored_components(P, colors):
        assert edges == vertices - 1


def check_bidirectional(P: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
    """Each entry is alone in its row among its column's color, or alone in its column
    among its row's color (and the color used is in a seed)."""
    S = sp.csr_array(P)
    r, c = _entries(S)
    assert (_unique_in_line(r, cols[c]) | _unique_in_line(c, rows[r])).all()


@settings(max_examples=60, deadline=None)
@given(patterns(), st.sampled_from(ALGORITHMS))
def test_column_and_row_colorings_are_valid(P: np.ndarray, algorithm: Any) -> None:
    check_columns(P, algorithm.color_columns(P).colors)
    check_columns(P.T, algorithm.color_rows(P).colors)


@settings(max_examples=60, deadline=None)
@given(patterns(symmetric=True), st.sampled_from(ORDERS))
def test_star_colorings_are_star(P: np.ndarray, order: str) -> None:
    coloring = ad.GreedyColoringAlgorithm(order=order, seed=2).color_symmetric(P)
    assert coloring.kind == "star"
    check_star(P, coloring.colors)


@settings(max_examples=60, deadline=None)
@given(patterns(symmetric=True), st.sampled_from(ORDERS))
def test_acyclic_colorings_are_acyclic(P: np.ndarray, order: str) -> None:
    algorithm = ad.GreedyColoringAlgorithm(order=order, decompression="substitution", seed=3)
    coloring = algorithm.color_symmetric(P)
    assert coloring.kind == "acyclic"
    check_acyclic(P, coloring.colors)
    star = ad.GreedyColoringAlgorithm(order=order, seed=3).color_symmetric(P)
    assert coloring.ncolors <= star.ncolors + 1  # never much worse than star


@settings(max_examples=60, deadline=None)
@given(patterns(), st.sampled_from(ALGORITHMS))
def test_bidirectional_colorings_read_every_entry(P: np.ndarray, algorithm: Any) -> None:
    coloring = algorithm.color_bidirectional(P)
    rows, cols = coloring.colors
    check_bidirectional(P, rows, cols)
    one_sided = min(algorithm.color_columns(P).ncolors, algorithm.color_rows(P).ncolors)
    assert coloring.ncolors <= one_sided


@settings(max_examples=30, deadline=None)
@given(patterns(), st.sampled_from(ALGORITHMS))
def test_groups_partition_the_columns(P: np.ndarray, algorithm: Any) -> None:
    coloring = algorithm.color_columns(P)
    groups = coloring.groups()
    assert len(groups) == coloring.ncolors
    np.testing.assert_array_equal(np.sort(np.concatenate(groups)), np.arange(P.shape[1]))


# --- the examples


def tridiagonal(n: int) -> Any:
    return sp.diags([np.ones(n - 1), np.ones(n), np.ones(n - 1)], [-1, 0, 1], format="csr")


def stencil(N: int) -> Any:
    grid = sp.diags([np.ones(N - 1), np.ones(N), np.ones(N - 1)], [-1, 0, 1])
    eye = sp.eye_array(N)
    return (sp.kron(grid, eye) + sp.kron(eye, grid)).tocsr()


def arrowhead(n: int) -> np.ndarray:
    P = np.eye(n, dtype=bool)
    P[0, :] = P[:, 0] = True
    return P


def test_banded_column_coloring() -> None:
    assert ad.GreedyColoringAlgorithm().color_columns(tridiagonal(100_000)).ncolors == 3
    assert ad.GreedyColoringAlgorithm().color_rows(tridiagonal(1000)).ncolors == 3


def test_stencil_reaches_the_lower_bound() -> None:
    # Five entries per row: at least five colors, which DSATUR's order reaches.
    coloring = ad.GreedyColoringAlgorithm(order="saturation_degree").color_columns(stencil(30))
    assert coloring.ncolors == 5
    check_columns(stencil(30).toarray().astype(bool), coloring.colors)


def test_arrowhead_needs_mixed_mode() -> None:
    P = arrowhead(300)
    assert ad.GreedyColoringAlgorithm().color_columns(P).ncolors == 300
    assert ad.GreedyColoringAlgorithm().color_rows(P).ncolors == 300
    coloring = ad.GreedyColoringAlgorithm().color_bidirectional(P)
    assert coloring.ncolors <= 4
    check_bidirectional(P, *coloring.colors)


def test_tridiagonal_hessian() -> None:
    H = tridiagonal(1000)
    assert ad.GreedyColoringAlgorithm().color_symmetric(H).ncolors == 3
    assert ad.GreedyColoringAlgorithm(decompression="substitution").color_symmetric(H).ncolors == 2


def test_random_order_follows_its_seed() -> None:
    P = stencil(12)
    a = ad.GreedyColoringAlgorithm(order="random", seed=5).color_columns(P).colors
    b = ad.GreedyColoringAlgorithm(order="random", seed=5).color_columns(P).colors
    np.testing.assert_array_equal(a, b)


def test_the_caller_pattern_is_left_alone() -> None:
    H = tridiagonal(10)
    before = (H.indptr.copy(), H.indices.copy())
    ad.GreedyColoringAlgorithm().color_symmetric(H)
    np.testing.assert_array_equal(H.indptr, before[0])
    np.testing.assert_array_equal(H.indices, before[1])


def test_options_are_checked_and_shown() -> None:
    with pytest.raises(ValueError, match="order must be one of"):
        ad.GreedyColoringAlgorithm(order="best")
    with pytest.raises(ValueError, match="decompression"):
        ad.GreedyColoringAlgorithm(decompression="fast")
    assert repr(ad.GreedyColoringAlgorithm()) == "GreedyColoringAlgorithm()"
    algorithm = ad.GreedyColoringAlgorithm(order="random", seed=3)
    assert repr(algorithm) == "GreedyColoringAlgorithm(order='random', seed=3)"
    assert algorithm == ad.GreedyColoringAlgorithm(order="random", seed=3) and hash(algorithm)


def test_symmetric_coloring_needs_a_square_pattern() -> None:
    with pytest.raises(ValueError, match="square"):
        ad.GreedyColoringAlgorithm().color_symmetric(np.ones((2, 3)))
