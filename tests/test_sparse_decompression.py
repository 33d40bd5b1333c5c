"""From compressed products back to the matrix: every kind of coloring recovers random
matrices of random patterns exactly, and ``out=`` fills sparse or dense buffers."""

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
from adcore.sparse._decompression import Plan  # noqa: E402
from adcore.sparse._patterns import copy_sparse  # noqa: E402


@st.composite
def matrices(draw: Any, symmetric: bool = False) -> np.ndarray:
    m = draw(st.integers(1, 12))
    n = m if symmetric else draw(st.integers(1, 12))
    P = draw(arrays(bool, (m, n), elements=st.booleans()))
    values = np.random.default_rng(draw(st.integers(0, 2**16))).uniform(0.5, 2.0, (m, n))
    M = np.where(P, values, 0.0)
    return M + M.T if symmetric else M


def compressed(plan: Plan, M: np.ndarray) -> np.ndarray:
    """What the engine computes: pushforwards along the column seeds (rows ``S_c M^T``),
    then pullbacks along the row seeds (``S_r M``), flattened."""
    parts = []
    if plan.coloring.kind in ("column", "star", "acyclic", "bidirectional"):
        parts.append((plan.column_seeds @ M.T).ravel())
    if plan.coloring.kind in ("row", "bidirectional"):
        parts.append((plan.row_seeds @ M).ravel())
    return np.concatenate(parts)


ORDER = st.sampled_from(ORDERS)


@settings(max_examples=80, deadline=None)
@given(matrices(), ORDER, st.sampled_from(["column", "row", "bidirectional"]))
def test_jacobian_colorings_recover_the_matrix(M: np.ndarray, order: str, kind: str) -> None:
    algorithm = ad.GreedyColoringAlgorithm(order=order, seed=0)
    method = {"column": "color_columns", "row": "color_rows", "bidirectional": "color_bidirectional"}
    coloring = getattr(algorithm, method[kind])(M)
    plan = Plan(coloring)
    got = plan.decompress(compressed(plan, M))
    assert isinstance(got, sp.csr_array)
    np.testing.assert_allclose(got.toarray(), M, rtol=1e-12)


@settings(max_examples=80, deadline=None)
@given(matrices(symmetric=True), ORDER, st.sampled_from(["direct", "substitution"]))
def test_hessian_colorings_recover_the_matrix(H: np.ndarray, order: str, decompression: str) -> None:
    algorithm = ad.GreedyColoringAlgorithm(order=order, decompression=decompression, seed=0)
    plan = Plan(algorithm.color_symmetric(H))
    got = plan.decompress(compressed(plan, H))
    np.testing.assert_allclose(got.toarray(), H, rtol=1e-9, atol=1e-12)


def test_substitution_on_a_long_chain() -> None:
    # Long enough that the codes of the forest's node pairs overflow 32-bit integers.
    n = 30_000
    H = sp.diags([np.full(n - 1, 0.5), np.arange(1.0, n + 1), np.full(n - 1, 0.5)], [-1, 0, 1], format="csr")
    plan = Plan(ad.GreedyColoringAlgorithm(decompression="substitution").color_symmetric(H))
    assert plan.column_seeds.shape[0] == 2
    B = (sp.csr_array(plan.column_seeds) @ H.T).toarray().ravel()
    assert abs(plan.decompress(B) - H).max() < 1e-9


def test_results_own_their_index_arrays() -> None:
    M = np.diag(np.arange(1.0, 5.0))
    plan = Plan(ad.GreedyColoringAlgorithm().color_columns(M))
    a, b = plan.decompress(compressed(plan, M)), plan.decompress(compressed(plan, 2 * M))
    assert a.indices is not b.indices and a.data is not b.data
    a.indices[0] = 3
    np.testing.assert_array_equal(b.toarray(), 2 * M)
    assert (b - 2 * sp.csr_array(M)).count_nonzero() == 0


def test_dense_results_for_other_families() -> None:
    xp = ad.array_namespace(np.ones(1))
    M = np.array([[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]])
    plan = Plan(ad.GreedyColoringAlgorithm().color_columns(M))
    np.testing.assert_array_equal(plan.decompress(compressed(plan, M), xp), M)


# --- out=


def test_out_takes_a_dense_buffer_or_the_same_pattern() -> None:
    M = sp.csr_array(np.array([[1.0, 0.0], [2.0, 3.0]]))
    dense = np.full((2, 2), np.nan)
    assert copy_sparse(dense, M) is dense
    np.testing.assert_array_equal(dense, M.toarray())
    same = M.copy()
    same.data[:] = 0
    assert copy_sparse(same, 2 * M) is same
    np.testing.assert_array_equal(same.toarray(), 2 * M.toarray())
    with pytest.raises(ValueError, match="pattern differs"):
        copy_sparse(sp.csr_array(np.eye(2)), M)
    with pytest.raises(ValueError, match="shape"):
        copy_sparse(np.zeros((3, 2)), M)
    with pytest.raises(ValueError, match="dtype"):
        copy_sparse(np.zeros((2, 2), np.float32), M)
