"""TracerSparsityDetector's tracers: every supported operation, checked against the local
pattern of a dense finite-difference Jacobian (or Hessian) at a generic point."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("scipy")

import adcore as ad
from adcore.sparse import TracingError

TRACER = ad.TracerSparsityDetector()
DENSE = ad.DenseSparsityDetector(ad.AutoFiniteDiff())
HDENSE = ad.DenseSparsityDetector(ad.AutoFiniteDiff(), atol=1e-5)

rng = np.random.default_rng(0)
X = rng.uniform(0.5, 1.5, (4, 5))
V = rng.uniform(0.5, 1.5, 6)
A = rng.uniform(0.5, 1.5, (3, 4))  # a constant with no zeros: its products are dense
MASK = np.array([[True, False, True, False, True]] * 4)


def xp(x: Any) -> Any:
    return ad.array_namespace(x)


def _setitem(x: Any) -> Any:
    y = xp(x).zeros_like(x)
    y[1:] = x[:-1] * 2
    y[0] = x[-1]
    return y


def _inplace_ops(x: Any) -> Any:
    z = x * 1.0
    z += x[::-1]
    z *= 2
    return z


# (name, f, x): the tracer must find exactly the pattern a dense Jacobian has at x
EXACT = [
    # elementwise, unary and binary, with broadcasting and Python or numpy constants
    ("sin", np.sin, X), ("exp-log", lambda x: np.log(np.exp(x) + 1), X), ("sqrt", np.sqrt, X),
    ("tanh", np.tanh, X), ("power", lambda x: x**3, X), ("reciprocal", lambda x: 1 / x, X),
    ("divide-constant", lambda x: x / 3, X), ("rsub", lambda x: 3 - x, X), ("neg", lambda x: -x, X),
    ("abs", abs, X), ("broadcast-row", lambda x: x * x[:1, :], X),
    ("broadcast-col", lambda x: x + x[:, :1], X), ("constant-array", lambda x: x * A[0, :1], X),
    ("arctan2", lambda x: np.arctan2(x, x[::-1]), X), ("hypot", lambda x: np.hypot(x, 2.0), X),
    ("xp-elementwise", lambda x: xp(x).exp(x) * xp(x).cos(x) + xp(x).pow(x, 2), X),
    # reductions
    ("sum", lambda x: np.sum(x), X), ("sum-axis0", lambda x: x.sum(axis=0), X),
    ("sum-keepdims", lambda x: np.sum(x, axis=1, keepdims=True) * x, X),
    ("mean", lambda x: np.mean(x, axis=(0, 1)), X), ("prod", lambda x: np.prod(x, axis=1), X),
    ("std", lambda x: np.std(x, axis=0), X), ("norm", lambda x: np.linalg.norm(x, axis=1), X),
    ("xp-sum", lambda x: xp(x).sum(x, axis=1), X), ("add-reduce", lambda x: np.add.reduce(x, axis=1), X),
    ("cumsum", lambda x: np.cumsum(x, axis=1), X), ("cumsum-flat", lambda x: np.cumsum(x), X),
    ("cumprod", lambda x: np.cumprod(x, axis=0), X),
    ("cumulative-sum", lambda x: xp(x).cumulative_sum(x, axis=1, include_initial=True), X),
    # products
    ("matmul-constant", lambda x: A @ x, X), ("matmul-vector", lambda x: x @ x[0], X),
    ("matmul-bilinear", lambda x: x @ x.T, X), ("dot", lambda x: np.dot(x[0], x[1]), X),
    ("tensordot", lambda x: np.tensordot(x, x[:, :4], axes=([0], [0])), X),
    ("inner", lambda x: np.inner(x, x[1:]), X), ("outer", lambda x: np.outer(x[0], x[:, 1]), X),
    ("vdot", lambda x: np.vdot(x, x[::-1]), X), ("kron", lambda x: np.kron(x[:2, :2], x[2:, 3:]), X),
    ("vecdot", lambda x: xp(x).vecdot(x, x[::-1]), X), ("trace", lambda x: np.trace(x[:, :4]), X),
    ("convolve-full", lambda x: np.convolve(x, np.array([1.0, -2.0, 1.0])), V),
    ("convolve-same", lambda x: np.convolve(x, np.array([1.0, 2.0, 3.0]), mode="same"), V),
    ("convolve-valid", lambda x: np.convolve(x[:3], x, mode="valid"), V),
    ("correlate", lambda x: np.correlate(x, np.array([1.0, 3.0])), V),
    # indexing and assignment
    ("slices", lambda x: x[1:3, ::2], X), ("reversed", lambda x: x[::-1, ::-1], X),
    ("fancy", lambda x: x[[0, 2, 2], [1, 1, 4]], X), ("mask", lambda x: x[MASK], X),
    ("newaxis-ellipsis", lambda x: x[None, ..., 1] * x[..., :1].T, X),
    ("take", lambda x: np.take(x, [4, 0], axis=1), X), ("setitem", _setitem, V),
    ("iteration", lambda x: np.stack([row * row.sum() for row in x]), X),
    ("inplace-operators", _inplace_ops, V),
    # shapes and moves
    ("reshape", lambda x: x.reshape(10, 2) * x.reshape(-1)[:2], X), ("transpose", lambda x: x.T @ x, X),
    ("flip", lambda x: np.flip(x, 1) * x, X), ("roll", lambda x: np.roll(x, 2, axis=1) * x, X),
    ("moveaxis", lambda x: np.moveaxis(x[None], 0, -1), X), ("rot90", lambda x: np.rot90(x), X),
    ("tile-repeat", lambda x: np.tile(x[0], 2) * np.repeat(x[1], 2), X),
    ("diag", lambda x: np.diag(x[0]) * 2 + np.diag(x[:, :4]).sum(), X),
    ("triu-tril", lambda x: np.triu(x) + np.tril(x, -1), X),
    ("pad-constant", lambda x: np.pad(x, 1), X), ("pad-edge", lambda x: np.pad(x, (2, 1), mode="edge"), V),
    ("pad-reflect", lambda x: np.pad(x, 2, mode="reflect"), V),
    ("pad-wrap", lambda x: np.pad(x, 2, mode="wrap"), V),
    ("broadcast-to", lambda x: np.broadcast_to(x[0], (3, 5)) * x[:3], X),
    ("squeeze-expand", lambda x: np.squeeze(np.expand_dims(x, 0)) ** 2, X),
    ("xp-permute-dims", lambda x: xp(x).permute_dims(x, (1, 0)) * 2, X),
    ("xp-reshape-flip", lambda x: xp(x).flip(xp(x).reshape(x, (5, 4)), axis=0), X),
    # joining and splitting
    ("concatenate", lambda x: np.concatenate([x, x[:1] ** 2, np.ones((1, 5))]), X),
    ("xp-concat", lambda x: xp(x).concat([xp(x).zeros_like(x[:1]), x[:-1]]) + x, V),
    ("stack", lambda x: np.stack([x[0], x[1] * x[2]], axis=1), X),
    ("hstack-vstack", lambda x: np.vstack([np.hstack([x, x]), np.hstack([x, x])[::-1]]), X),
    ("column-stack", lambda x: np.column_stack([x[0], np.ones(5)]), X),
    ("append-insert", lambda x: np.insert(np.append(x, x[:2] * 3), 1, x[-1]), V),
    ("split", lambda x: np.split(x, [2], axis=1)[1] * np.array_split(x, 3, axis=1)[0][:, :1], X),
    ("where-constant", lambda x: np.where(MASK, x, x[::-1] * 2), X),
    ("diff", lambda x: np.diff(x, axis=1), X), ("diff-2", lambda x: np.diff(x, n=2), V),
]


@pytest.mark.parametrize(("name", "f", "x"), EXACT, ids=[e[0] for e in EXACT])
def test_jacobian_pattern_is_exact(name: str, f: Any, x: np.ndarray) -> None:
    got = TRACER.jacobian_sparsity(f, x).toarray()
    want = DENSE.jacobian_sparsity(f, x).toarray()
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


# (name, f, x, extra): the global pattern keeps what the point of evaluation hides
GLOBAL = [
    ("maximum", lambda x: np.maximum(x, x[::-1]), V),
    ("clip", lambda x: np.clip(x, 0.8, 1.2), V),
    ("where-traced", lambda x: np.where(x > 1.0, x, -x[::-1]), V),
    ("sort", lambda x: np.sort(x), V),
    ("max", lambda x: np.max(x, axis=0), X),
    ("median", lambda x: np.median(x), V),
    # the tracer knows where a value is constant, not that it is zero
    ("zero-times", lambda x: 0 * x, V),
    ("zeros-times", lambda x: np.concatenate([np.zeros_like(x[:1]), x[:-1]]) * x, V),
    ("diag-matmul", lambda x: np.diag(x[0, :4]) @ np.diag(x[:, :4]), X),
]


@pytest.mark.parametrize(("name", "f", "x"), GLOBAL, ids=[g[0] for g in GLOBAL])
def test_global_pattern_contains_the_local_one(name: str, f: Any, x: np.ndarray) -> None:
    got = TRACER.jacobian_sparsity(f, x).toarray()
    assert not (DENSE.jacobian_sparsity(f, x).toarray() & ~got).any()
    # ... and it holds at points where the local one differs
    for other in (x[::-1].copy(), 2.0 - x):
        assert not (DENSE.jacobian_sparsity(f, other).toarray() & ~got).any()


def test_where_on_a_traced_condition_joins_both_branches() -> None:
    got = TRACER.jacobian_sparsity(lambda x: np.where(x > 1.0, x, x[::-1]), V).toarray()
    np.testing.assert_array_equal(got, np.eye(6, dtype=bool) | np.eye(6, dtype=bool)[::-1])


def test_comparisons_and_rounding_have_no_derivative() -> None:
    f = lambda x: (x > 1.0) * 1.0 + np.floor(x) + np.sign(x) + np.argmax(x) + x[0]
    got = TRACER.jacobian_sparsity(f, V).toarray()
    assert got[:, 0].all() and not got[:, 1:].any()


def test_inplace_function_and_cache_context() -> None:
    def f(y: Any, x: Any, scratch: Any) -> None:
        scratch[...] = x * 2
        y[:] = scratch[::-1] + x[0]

    P = TRACER.jacobian_sparsity(f, V, (ad.Cache(np.zeros(6)),), y=np.zeros(6)).toarray()
    want = np.eye(6, dtype=bool)[::-1]
    want[:, 0] = True
    np.testing.assert_array_equal(P, want)


def test_ufunc_out_argument() -> None:
    def f(x: Any) -> Any:
        y = np.empty_like(x)
        np.multiply(x, 2, out=y)
        return y

    np.testing.assert_array_equal(TRACER.jacobian_sparsity(f, V).toarray(), np.eye(6, dtype=bool))


def test_constant_output() -> None:
    P = TRACER.jacobian_sparsity(lambda x: np.ones(3), V)
    assert P.shape == (3, 6) and P.nnz == 0


# --- Hessian patterns: nonlinear interactions only

HESSIANS = [
    ("separable", lambda x: np.sum(np.sin(x)), V),
    ("linear", lambda x: np.sum(3 * x) - x[0], V),
    ("product", lambda x: x[0] * x[1] + x[2], V),
    ("quotient", lambda x: x[0] / x[1], V),
    ("square-of-sum", lambda x: np.sum(x) ** 2, V),
    ("chain", lambda x: np.sum((x[1:] - x[:-1] ** 2) ** 2), V),
    ("quadratic-form", lambda x: x @ np.triu(np.ones((6, 6))) @ x, V),
    ("exp-of-sum", lambda x: np.exp(x[0] + x[1]) + x[2] ** 3, V),
    ("matrix", lambda x: np.sum(np.sin(x @ x.T)), X),
    ("cumsum-squares", lambda x: np.sum(np.cumsum(x) ** 2), V),
    ("setitem", lambda x: np.sum(_setitem(x) ** 2), V),
]


@pytest.mark.parametrize(("name", "f", "x"), HESSIANS, ids=[h[0] for h in HESSIANS])
def test_hessian_pattern_is_exact(name: str, f: Any, x: np.ndarray) -> None:
    got = TRACER.hessian_sparsity(f, x).toarray()
    want = HDENSE.hessian_sparsity(f, x).toarray()
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, got.T)


@pytest.mark.parametrize("f", [
    lambda x: np.max(x[:3] * x[3:]),  # the local Hessian has the maximal product's pair only
    lambda x: np.prod(x[:3]),  # a product reduction may add its own diagonal
])
def test_global_hessian_pattern_contains_the_local_one(f: Any) -> None:
    got = TRACER.hessian_sparsity(f, V).toarray()
    for x in (V, V[::-1].copy()):
        assert not (HDENSE.hessian_sparsity(f, x).toarray() & ~got).any()


def test_hessian_of_a_product_has_only_the_cross_term() -> None:
    got = TRACER.hessian_sparsity(lambda x: x[0] * x[1], V).toarray()
    want = np.zeros((6, 6), bool)
    want[0, 1] = want[1, 0] = True
    np.testing.assert_array_equal(got, want)


def test_hessian_needs_a_scalar() -> None:
    with pytest.raises(ValueError, match="scalar"):
        TRACER.hessian_sparsity(np.sin, V)


# --- what the tracer cannot follow


@pytest.mark.parametrize("f", [
    lambda x: x if x[0] > 1 else -x,
    lambda x: x * float(x[0]),
    lambda x: x[int(np.sum(x))],
    lambda x: x[np.argmax(x)],
    lambda x: np.asarray(x),
    lambda x: x.item(),
])
def test_control_flow_on_values_says_what_to_do(f: Any) -> None:
    with pytest.raises(TracingError, match="DenseSparsityDetector"):
        TRACER.jacobian_sparsity(f, V)


def test_writing_into_a_numpy_array_says_what_to_do() -> None:
    def f(x: Any) -> Any:
        y = np.zeros(6)
        y[0] = x[0]
        return y

    with pytest.raises(TracingError, match="zeros_like"):
        TRACER.jacobian_sparsity(f, V)


@pytest.mark.parametrize("f", [
    lambda x: np.linalg.solve(np.eye(6), x),
    lambda x: np.einsum("i,i->", x, x),
    lambda x: np.pad(x, 1, mode="mean"),
])
def test_unknown_functions_name_themselves(f: Any) -> None:
    with pytest.raises(TracingError, match="does not know"):
        TRACER.jacobian_sparsity(f, V)


def test_tracing_error_is_an_adcore_error() -> None:
    assert issubclass(TracingError, ad.AdcoreError) and issubclass(TracingError, TypeError)


def test_array_namespace_of_a_tracer() -> None:
    seen = []

    def f(x: Any) -> Any:
        namespace = ad.array_namespace(x)
        seen.append(namespace.asarray(x) is x)
        return namespace.clip(x, 0.9, None)

    TRACER.jacobian_sparsity(f, V)
    assert seen == [True]


def test_banded_detection_is_vectorized() -> None:
    # Large enough that a loop over elements in Python would take seconds.
    x = np.ones(200_000)
    f = lambda x: x[:-2] - 2 * x[1:-1] + x[2:] + np.sin(x[1:-1]) ** 2
    P = TRACER.jacobian_sparsity(f, x)
    assert P.shape == (199_998, 200_000) and P.nnz == 3 * 199_998
    H = TRACER.hessian_sparsity(lambda x: np.sum(f(x) ** 2), x)
    assert H.nnz == 5 * 200_000 - 6
