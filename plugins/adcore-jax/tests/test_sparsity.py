"""JaxprSparsityDetector: patterns read from jaxprs, against adcore's tracer, against the
pattern of the dense Jacobian (or Hessian) at random points, and inside AutoSparse."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from adcore_jax import JaxprSparsityDetector

import adcore as ad

sp = pytest.importorskip("scipy.sparse")

D = JaxprSparsityDetector()
T = ad.TracerSparsityDetector()


def points(n: int, k: int = 3) -> list[np.ndarray]:
    rng = np.random.default_rng(n)
    return [rng.uniform(0.5, 1.5, n) * rng.choice([-1.0, 1.0], n) for _ in range(k)]


def dense_jacobian_pattern(f: Any, n: int, *args: Any) -> np.ndarray:
    """Entries nonzero at some of a few random points: a subset of the global pattern."""
    try:  # jacrev for custom_vjp functions, jacfwd for while loops
        jax.eval_shape(jax.jacrev(f), jnp.ones(n), *args)
        jac = jax.jacrev
    except (TypeError, ValueError):
        jac = jax.jacfwd
    with jax.enable_x64(True):
        J = jax.jit(jac(f))
        return np.any([np.asarray(J(x, *args)).reshape(-1, n) != 0 for x in points(n)], axis=0)


def dense_hessian_pattern(f: Any, n: int) -> np.ndarray:
    with jax.enable_x64(True):
        H = jax.jit(jax.hessian(f))
        return np.any([np.asarray(H(x)) != 0 for x in points(n, 8)], axis=0)


def assert_exact(f: Any, n: int, *contexts: Any) -> Any:
    P = D.jacobian_sparsity(f, np.ones(n), contexts)
    expected = dense_jacobian_pattern(f, n, *[c.value for c in contexts])
    np.testing.assert_array_equal(P.toarray(), expected)
    return P


def assert_superset(f: Any, n: int) -> Any:
    P = D.jacobian_sparsity(f, np.ones(n))
    expected = dense_jacobian_pattern(f, n)
    assert not (expected & ~P.toarray()).any(), "an entry of the Jacobian is missing from the pattern"
    return P


# --- written with adcore.array_namespace: the tracer follows them too


def tridiagonal(x: Any) -> Any:
    xp = ad.array_namespace(x)
    zero = xp.zeros_like(x[:1])
    return xp.concat([zero, x[:-1]]) - 2 * x + xp.concat([x[1:], zero]) + xp.sin(x) ** 2


def stencil(x: Any) -> Any:
    xp = ad.array_namespace(x)
    u = xp.reshape(x, (12, 12))
    zr, zc = xp.zeros_like(u[:1, :]), xp.zeros_like(u[:, :1])
    up, down = xp.concat([zr, u[:-1, :]], axis=0), xp.concat([u[1:, :], zr], axis=0)
    left, right = xp.concat([zc, u[:, :-1]], axis=1), xp.concat([u[:, 1:], zc], axis=1)
    return xp.reshape(4 * u - up - down - left - right + u**3, (-1,))


def arrowhead(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.concat([xp.reshape(xp.sum(x * x), (1,)), x[1:] * x[0] + xp.sin(x[1:])])


def rosenbrock(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sum((x[1:] - x[:-1] * x[:-1]) ** 2 + (1 - x[:-1]) ** 2)


@pytest.mark.parametrize(("f", "n"), [(tridiagonal, 50), (stencil, 144), (arrowhead, 30)])
def test_same_pattern_as_the_tracer(f: Any, n: int) -> None:
    P = D.jacobian_sparsity(f, np.ones(n))
    assert P.dtype == bool and P.shape == (n, n) and P.has_canonical_format and P.data.all()
    assert (P != T.jacobian_sparsity(f, np.ones(n))).nnz == 0
    np.testing.assert_array_equal(P.toarray(), dense_jacobian_pattern(f, n))


def test_float32_jax_array_and_integer_x() -> None:
    for x in (jnp.ones(7, jnp.float32), np.arange(7), 1.0 * np.ones((7,))):
        assert D.jacobian_sparsity(tridiagonal, x).nnz == 19
    P = D.jacobian_sparsity(lambda x: x * 2, np.ones((2, 3)))  # x of any shape: flat, row-major
    assert P.shape == (6, 6) and P.nnz == 6
    assert D.jacobian_sparsity(lambda x: jnp.sum(x), 2.0).toarray().tolist() == [[True]]


# --- what the numpy tracer cannot follow


@pytest.mark.parametrize("f", [
    lambda x: jax.lax.cummax(x) * jnp.cumsum(x[::-1]),
    lambda x: jax.lax.pad(x, 0.0, [(-1, 2, 1)]) ** 2,
    lambda x: jax.lax.dynamic_slice(x, (2,), (4,)) * jax.lax.dynamic_slice(x, (7,), (4,)),
    lambda x: jax.lax.dynamic_update_slice(x, jnp.sin(x[:3]) * x[5], (4,)),
    lambda x: jnp.roll(x, 3) - jnp.flip(x) + jnp.take(x, jnp.array([0, 0, 9, 4, 1, 2, 3, 5, 6, 7])),
    lambda x: x.at[jnp.array([0, 3, 3, 9])].add(x[:4] ** 2),
    lambda x: x.at[2].set(0.0).at[jnp.array([5, 6])].multiply(x[1], unique_indices=True),
    lambda x: jnp.reshape(jnp.reshape(x, (2, 5)).T, (-1,)) * jnp.repeat(x[::2], 2),
    lambda x: jnp.einsum("bij,bj->bi", jnp.reshape(x[:8], (2, 2, 2)), jnp.reshape(x[8:] * 2, (2, 1)) + 1),
    lambda x: jnp.reshape(jnp.reshape(x, (2, 5)) @ jnp.reshape(x, (5, 2)), (-1,)),
    lambda x: jnp.where(x > 0, jnp.sin(x), x[0] * x) + jnp.floor(x) * jnp.sign(x),
    lambda x: jnp.convolve(x, jnp.array([1.0, 2.0, 3.0]), mode="same"),
    lambda x: jnp.diff(x, prepend=0.0) * jnp.clip(x, 0.2, 0.8) + jax.lax.stop_gradient(x[0]) * x,
    lambda x: jax.lax.cond(x[0] > 0, lambda z: z * z[1], lambda z: jnp.exp(z[::-1]), x),
    lambda x: jax.lax.switch(2, [jnp.sin, jnp.cos, lambda z: z[::-1]], x),
], ids=["cumulative", "pad", "dynamic_slice", "dynamic_update_slice", "gather", "scatter-add",
        "scatter", "transpose", "batched dot", "matmul", "where", "convolve", "diff clip",
        "cond", "switch on a constant"])
def test_jax_operations(f: Any) -> None:
    P = assert_superset(f, 10)
    assert P.shape == (jax.eval_shape(f, jnp.ones(10)).size, 10)


@pytest.mark.parametrize("f", [
    lambda x: x[0] * jnp.cumsum(x[::-1]),
    lambda x: jax.lax.pad(x, 0.0, [(-1, 2, 1)]) ** 2,
    lambda x: jax.lax.dynamic_update_slice(x, jnp.sin(x[:3]) * x[5], (4,)),
    lambda x: x.at[jnp.array([0, 3, 3, 9])].add(x[:4] ** 2),
    lambda x: x.at[2].set(0.0).at[jnp.array([5, 6])].multiply(x[1], unique_indices=True),
    lambda x: jnp.reshape(jnp.reshape(x, (2, 5)).T, (-1,)) * jnp.repeat(x[::2], 2),
    lambda x: jnp.einsum("bij,bj->bi", jnp.reshape(x[:8], (2, 2, 2)), jnp.reshape(x[8:] * 2, (2, 1)) + 1),
    lambda x: jnp.where(x > 0, jnp.sin(x), x[0] * x) + jnp.floor(x) * jnp.sign(x),
    lambda x: jax.lax.switch(2, [jnp.sin, jnp.cos, lambda z: z[::-1]], x),
])
def test_exact_where_the_structure_is(f: Any) -> None:
    assert_exact(f, 10)


@pytest.mark.parametrize("f", [
    lambda x: jax.lax.cumsum(jnp.reshape(x, (2, 6)), axis=1, reverse=True).ravel() * x[0],
    lambda x: jnp.cumprod(jnp.reshape(x, (3, 4)), axis=0).ravel(),
    lambda x: jnp.stack([x[:3], x[3:6] * x[6:9]], axis=1).ravel() + jnp.tile(x[9:], 2),
    lambda x: jnp.unstack(jnp.reshape(x, (3, 4)))[1] * jnp.repeat(x[:2], 2),
    lambda x: jnp.reshape(jnp.reshape(x, (3, 4)).sum(axis=1, keepdims=True) * jnp.reshape(x, (3, 4)), (-1,)),
    lambda x: jnp.reshape(jnp.reshape(x[:6], (2, 3)) @ jnp.reshape(x[6:], (3, 2)), (-1,)),
])
def test_more_jax_operations(f: Any) -> None:
    assert_exact(f, 12)


LAPLACE = jnp.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])[None, None]


@pytest.mark.parametrize(("f", "n"), [
    (lambda x: jnp.convolve(x, jnp.array([1.0, -2.0, 1.0]), mode="same")
     + jnp.convolve(x, x[:3], mode="same"), 10),
    (lambda x: jax.lax.conv(jnp.reshape(x, (1, 1, 12, 12)), LAPLACE.astype(x.dtype), (1, 1),
                            "SAME").ravel(), 144),
    (lambda x: jax.lax.conv_general_dilated(  # depthwise, strided, dilated
        jnp.reshape(x[:40], (1, 4, 10)), jnp.reshape(x[40:], (4, 1, 2)), (2,), [(1, 2)],
        rhs_dilation=(2,), feature_group_count=4).ravel(), 48),
])
def test_convolutions(f: Any, n: int) -> None:
    P = assert_exact(f, n)
    if n == 144:
        assert (P != T.jacobian_sparsity(stencil, np.ones(n))).nnz == 0  # 5 points, not 9


def test_reductions_with_a_computation_and_max() -> None:
    def f(x: Any) -> Any:
        u = jnp.reshape(x, (3, 4))
        return jax.lax.reduce((u, u * 2), (0.0, x[11]), lambda a, b: (a[0] + b[0], a[1] * b[1]), (1,))[1]

    expected = np.kron(np.eye(3, dtype=bool), np.ones((1, 4), bool))
    expected[:, 11] = True
    np.testing.assert_array_equal(D.jacobian_sparsity(f, np.ones(12)).toarray(), expected)
    P = assert_superset(lambda x: jnp.max(jnp.reshape(x, (4, 3)), axis=1) + jnp.diff(x[::3], prepend=1.0), 12)
    expected = np.kron(np.eye(4), np.ones((1, 3))) > 0
    expected[[1, 2, 3], [0, 3, 6]] = True  # the differences reach back to the previous block
    np.testing.assert_array_equal(P.toarray(), expected)


def test_sort_and_unknown_conditions_are_conservative() -> None:
    P = assert_superset(lambda x: jnp.sort(jnp.reshape(x, (2, 5)), axis=1).ravel(), 10)
    np.testing.assert_array_equal(P.toarray(), np.kron(np.eye(2), np.ones((5, 5))))
    # either branch may run: the union of both
    P = assert_superset(lambda x: jax.lax.cond(x[0] > 0, lambda z: z * z[1], lambda z: z[::-1], x), 4)
    np.testing.assert_array_equal(P.toarray(), np.eye(4) + np.eye(4)[::-1] + (np.arange(4) == 1) > 0)


def test_nested_jit_custom_rules_and_checkpoint() -> None:
    @jax.custom_jvp
    def softplus(x: Any) -> Any:
        return jnp.log1p(jnp.exp(x))

    softplus.defjvp(lambda p, t: (softplus(p[0]), t[0] * jax.nn.sigmoid(p[0])))

    @jax.custom_vjp
    def square(x: Any) -> Any:
        return x * x

    square.defvjp(lambda x: (x * x, x), lambda x, ct: (2 * x * ct,))

    @jax.jit
    def outer(x: Any) -> Any:
        return jax.jit(tridiagonal)(x) + jax.checkpoint(lambda z: softplus(z) * square(z))(x)

    P = assert_exact(outer, 9)
    assert (P != T.jacobian_sparsity(tridiagonal, np.ones(9))).nnz == 0


def test_custom_rules_that_reach_further_than_the_function() -> None:
    @jax.custom_vjp
    def ste(x: Any) -> Any:  # a straight-through estimator: round, differentiated as the identity
        return jnp.round(x)

    ste.defvjp(lambda x: (jnp.round(x), None), lambda _, ct: (ct,))

    @jax.custom_jvp
    def ste_jvp(x: Any) -> Any:
        return jnp.floor(x)

    ste_jvp.defjvp(lambda p, t: (jnp.floor(p[0]), t[0][::-1]))

    for g, extra in [(ste, np.eye(5)), (ste_jvp, np.eye(5)[::-1])]:
        def f(x: Any, g: Any = g) -> Any:
            return g(x) * 2 + x[0]

        P = D.jacobian_sparsity(f, np.ones(5)).toarray()
        np.testing.assert_array_equal(P, (extra + (np.arange(5) == 0)) > 0)
        reverse = ad.AutoJAX(mode="reverse")  # JAX cannot push forward through custom_vjp
        x = points(5, 1)[0]
        J = ad.jacobian(f, ad.AutoSparse(reverse, sparsity_detector=D), x)
        np.testing.assert_allclose(J.toarray(), ad.jacobian(f, reverse, x))


def test_loops() -> None:
    def shifted(x: Any) -> Any:  # a fori_loop of constant length: unrolled, exact
        return jax.lax.fori_loop(1, 8, lambda i, y: y.at[i].set(x[i - 1] * x[i]), jnp.zeros(8))

    P = assert_exact(shifted, 8)
    assert P.nnz == 14

    def carried(x: Any) -> Any:  # a scan: each step's carry mixes in one more element
        return jax.lax.scan(lambda c, xi: (c * xi, c + xi), 1.0, x)[1]

    np.testing.assert_array_equal(assert_exact(carried, 6).toarray(), np.tril(np.ones((6, 6), bool)))

    def newton(x: Any) -> Any:  # a while loop with a trip count known only at run time
        return jax.lax.while_loop(lambda s: jnp.max(jnp.abs(s[1])) > 1e-3,
                                  lambda s: (s[0] + 1, s[1] / 2 + 0.1 * jnp.roll(s[1], 1) * x), (0, x))[1]

    np.testing.assert_array_equal(assert_superset(newton, 5).toarray(), np.ones((5, 5), bool))

    def local(x: Any) -> Any:
        return jax.lax.while_loop(lambda s: s[0] < 3, lambda s: (s[0] + 1, jnp.sin(s[1]) * x), (0, x))[1]

    np.testing.assert_array_equal(assert_superset(local, 5).toarray(), np.eye(5, dtype=bool))

    def long(x: Any) -> Any:  # too long to unroll: the carry at its fixpoint, each step its own slice
        return jax.lax.scan(lambda c, xi: (c + x[0], c * xi + xi**2), 0.0, x)[1]

    P = D.jacobian_sparsity(long, np.ones(5000))
    assert P.nnz == 9999 and P[:, [0]].nnz == 5000 and P.diagonal().all()


def test_contexts_are_followed_as_given() -> None:
    def f(x: Any, idx: Any, scale: Any) -> Any:
        return x[idx] * scale

    idx = np.array([3, 0, 0, 2])
    P = D.jacobian_sparsity(f, np.ones(5), (ad.Constant(idx), ad.Constant(2.0)))
    np.testing.assert_array_equal(P.toarray(), np.eye(5, dtype=bool)[idx])

    def g(x: Any, flag: Any) -> Any:
        return jax.lax.cond(flag, lambda z: z[::-1], lambda z: z * z[0], x)

    P = D.jacobian_sparsity(g, np.ones(3), (ad.Constant(True),))
    np.testing.assert_array_equal(P.toarray(), np.eye(3, dtype=bool)[::-1])

    def h(x: Any, buffer: Any) -> Any:
        buffer[1:] = x[1:] * x[:-1]
        buffer[0] = x[0]
        return buffer[...] * 2

    P = D.jacobian_sparsity(h, np.ones(4), (ad.Cache(np.zeros(4)),))
    np.testing.assert_array_equal(P.toarray(), np.eye(4, dtype=bool) | np.eye(4, k=-1, dtype=bool))
    assert (P != T.jacobian_sparsity(h, np.ones(4), (ad.Cache(np.zeros(4)),))).nnz == 0


def test_in_place_f() -> None:
    def g(y: Any, x: Any, a: Any) -> None:
        y[:] = a * x[::-1]

    P = D.jacobian_sparsity(g, np.ones(4), (ad.Constant(2.0),), y=np.zeros(4))
    np.testing.assert_array_equal(P.toarray(), np.eye(4)[::-1])


def test_unknown_primitives_are_conservative_and_named() -> None:
    with pytest.warns(UserWarning, match="'top_k'"):
        P = D.jacobian_sparsity(lambda x: jnp.concat([jax.lax.top_k(x[:3], 2)[0], x[3:] ** 2]), np.ones(5))
    expected = np.zeros((4, 5), bool)
    expected[:2, :3] = True
    expected[2:, 3:] = np.eye(2, dtype=bool)
    np.testing.assert_array_equal(P.toarray(), expected)
    P = assert_superset(lambda x: jnp.linalg.solve(jnp.eye(4) + 0.1, x * x), 4)
    assert P.nnz == 16


def test_errors() -> None:
    with pytest.raises(ad.sparse.TracingError, match="jnp.where or jax.lax.cond"):
        D.jacobian_sparsity(lambda x: x if x[0] > 0 else -x, np.ones(3))
    with pytest.raises(ad.sparse.TracingError, match="jax.numpy"):
        D.jacobian_sparsity(lambda x: np.sin(x), np.ones(3))
    with pytest.raises(ValueError, match="scalar function"):
        D.hessian_sparsity(lambda x: x**2, np.ones(3))
    with pytest.raises(TypeError, match="one array"):
        D.jacobian_sparsity(lambda x: (x, x), np.ones(3))


# --- Hessians


@pytest.mark.parametrize(("f", "n"), [
    (rosenbrock, 20),
    (lambda x: x[0] * x[1] + jnp.sum(jnp.sin(x[2:])), 6),
    (lambda x: jnp.sum(tridiagonal(x) ** 2), 12),
    (lambda x: jnp.sum(jnp.where(x > 0, x**3, x) * jnp.roll(x, 2)), 8),
])
def test_hessian_patterns(f: Any, n: int) -> None:
    H = D.hessian_sparsity(f, np.ones(n))
    assert H.dtype == bool and H.shape == (n, n) and (H != H.T).nnz == 0
    np.testing.assert_array_equal(H.toarray(), dense_hessian_pattern(f, n))
    if f is rosenbrock:
        assert (H != T.hessian_sparsity(f, np.ones(n))).nnz == 0
        assert H.nnz == 3 * n - 2


# --- inside AutoSparse


def test_autosparse_jacobian_and_hessian_equal_dense() -> None:
    dense = ad.AutoJAX()
    sparse = ad.AutoSparse(dense, sparsity_detector=JaxprSparsityDetector())
    x = points(144, 1)[0]
    J = ad.jacobian(stencil, sparse, x)
    assert sp.issparse(J) and ad.prepare_jacobian(stencil, sparse, x).ncolors <= 7
    np.testing.assert_allclose(J.toarray(), ad.jacobian(stencil, dense, x), rtol=1e-12)

    def cond_f(x: Any) -> Any:
        return jax.lax.cond(x[0] > 0, lambda z: jnp.cumsum(z[:3]) * z[3:], lambda z: z[3:] * 2, x)

    J = ad.jacobian(cond_f, sparse, x[:6])
    np.testing.assert_allclose(J.toarray(), ad.jacobian(cond_f, dense, x[:6]))
    H = ad.hessian(rosenbrock, sparse, x[:50])
    assert ad.prepare_hessian(rosenbrock, sparse, x[:50]).ncolors == 3
    np.testing.assert_allclose(H.toarray(), ad.hessian(rosenbrock, dense, x[:50]), rtol=1e-12)


def test_repr_and_equality() -> None:
    assert repr(D) == "JaxprSparsityDetector()" and D == JaxprSparsityDetector()
    assert "JaxprSparsityDetector()" in repr(ad.AutoSparse(ad.AutoJAX(), sparsity_detector=D))
