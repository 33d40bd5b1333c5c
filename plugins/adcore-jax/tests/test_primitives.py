"""AutoJAX's gathered pushforward and pullback (AutoSparse's one-call Jacobian): the same
values as the core's generic gathered forms, seeds compiled in or passed, every family,
device and precision, and preparing again compiles nothing."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from adcore_jax import _primitives
from adcore_jax._engine import functions_of
from jax.experimental import sparse as jsparse

import adcore as ad
from adcore.extend import AbstractPullback, AbstractPushforward, ForwardFromPrimitive, ReverseFromPrimitive

pytest.importorskip("scipy")


def banded(x):
    xp = ad.array_namespace(x)
    zero = xp.zeros_like(x[:1])
    return xp.concat([zero, x[:-1]]) * x - xp.concat([x[1:], zero]) ** 2 + xp.sin(x)


def arrow(x):
    xp = ad.array_namespace(x)
    return xp.concat([xp.reshape(xp.sum(x * x), (1,)), x[1:] * x[0]])


def total(x):
    return ad.array_namespace(x).sum(x**3)


X = np.linspace(0.5, 1.5, 12)
SEEDS = np.array([[1.0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0], [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0]])


@pytest.fixture(params=["constants", "device arrays"])
def placement(request, monkeypatch):
    if request.param == "device arrays":
        monkeypatch.setattr(_primitives, "CONSTANT_LIMIT", 0)
    return request.param


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("family", ["numpy", "jax"])
def test_gathered_forms_equal_the_generic_ones(placement, dtype, family):
    x = X.astype(dtype) if family == "numpy" else jnp.asarray(X.astype(dtype))
    seeds = SEEDS.astype(dtype) if family == "numpy" else jnp.asarray(SEEDS.astype(dtype))
    index = np.array([[0, 5, 24], [13, 23, 7]])  # 24 = 2 * 12 products: reads zero
    backend = ad.AutoJAX()
    push = backend.prepare_pushforward(banded, x, tuple(seeds), ())
    pull = backend.prepare_pullback(banded, x, tuple(seeds), ())
    for executor, name, generic in ((push, "gathered_pushforward", AbstractPushforward),
                                    (pull, "gathered_pullback", AbstractPullback)):
        for with_value in (False, True):
            got = getattr(executor, name)(seeds, index, with_value)(x, ())
            want = getattr(generic, name)(executor, seeds, index, with_value)(x, ())
            if with_value:
                np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
                got, want = got[1], want[1]
            if family == "numpy":  # the values read come back as a jax.Array, for numpy to read
                assert isinstance(got, jax.Array)
                got = np.asarray(got)
            assert type(got) is type(want) and got.dtype == want.dtype == x.dtype
            assert got.shape == index.shape and got[0, 2] == 0
            np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("f", [banded, arrow, total])
def test_sparse_jacobians_in_one_call(placement, mode, f):
    backend = ad.AutoSparse(ad.AutoJAX(mode=mode))
    dense = np.asarray(ad.jacobian(f, ad.AutoJAX(), X)).reshape(-1, X.size)
    prep = ad.prepare_jacobian(f, backend, X)
    J = ad.jacobian(f, backend, X, prep=prep)
    value, J2 = ad.value_and_jacobian(f, backend, X, prep=prep)
    for got in (J, J2):
        assert type(got).__name__ == "csr_array" and got.dtype == np.float64
        np.testing.assert_allclose(got.toarray(), dense, rtol=1e-12)
    J.data *= 2  # numpy's own, writable, and J2's are other entries
    np.testing.assert_allclose(J.toarray(), 2 * J2.toarray(), rtol=1e-12)
    np.testing.assert_allclose(value, f(X), rtol=1e-12)
    xj = jnp.asarray(X, dtype=jnp.float32)
    prep = ad.prepare_jacobian(f, backend, xj)
    Jj = ad.jacobian(f, backend, xj, prep=prep)  # a jax.Array x: a BCOO of the same entries
    value, Jj2 = ad.value_and_jacobian(f, backend, xj, prep=prep)
    np.testing.assert_allclose(value, f(X), rtol=1e-5)
    for got in (Jj, Jj2):
        assert isinstance(got, jsparse.BCOO) and got.dtype == jnp.float32 and got.shape == dense.shape
        assert got.indices_sorted and got.unique_indices and got.indices.dtype == jnp.int32
        np.testing.assert_array_equal(got.indices, np.argwhere(prep.sparsity_pattern.toarray()))
        np.testing.assert_allclose(np.asarray(got.todense()), dense, rtol=1e-5, atol=1e-6)
    assert Jj.indices is Jj2.indices  # immutable: the results of a prep share their indices
    out = np.full(dense.shape, np.nan, np.float32)
    assert ad.jacobian(f, backend, xj, prep=prep, out=out) is out  # filled densely
    np.testing.assert_allclose(out, dense, rtol=1e-5, atol=1e-6)


def test_sparse_results_for_jax_arrays_inside_jit():
    backend = ad.AutoSparse(ad.AutoJAX())
    xj = jnp.asarray(X, dtype=jnp.float32)
    prep = ad.prepare_jacobian(banded, backend, xj, strict=False)
    J = jax.jit(lambda x: ad.jacobian(banded, backend, x, prep=prep))(xj)
    assert isinstance(J, jsparse.BCOO)
    np.testing.assert_array_equal(J.todense(), ad.jacobian(banded, backend, xj, prep=prep).todense())
    H = ad.hessian(total, backend, xj)
    assert isinstance(H, jsparse.BCOO) and H.nse == X.size  # a diagonal Hessian
    np.testing.assert_allclose(H.todense(), np.diag(6 * X), rtol=1e-5)


def test_the_fallback_jacobian_gives_writable_numpy():
    backend = ForwardFromPrimitive(ad.AutoJAX())  # J read through the gathered pushforward
    for J in (ad.jacobian(banded, backend, X), ad.value_and_jacobian(banded, backend, X)[1]):
        assert type(J) is np.ndarray and J.flags.writeable
        np.testing.assert_allclose(J, np.asarray(ad.jacobian(banded, ad.AutoJAX(), X)), rtol=1e-12)


def test_results_stay_on_the_device_of_x():
    other = jax.devices()[-1]
    x = jax.device_put(jnp.asarray(X, dtype=jnp.float32), other)
    J = ad.jacobian(banded, ad.AutoSparse(ad.AutoJAX()), x)
    assert J.data.devices() == J.indices.devices() == {other}


def test_mixed_mode_takes_the_generic_path():
    backend = ad.AutoSparse(ad.MixedMode(ForwardFromPrimitive(ad.AutoJAX()),
                                         ReverseFromPrimitive(ad.AutoJAX())))
    dense = np.asarray(ad.jacobian(arrow, ad.AutoJAX(), X))
    np.testing.assert_allclose(ad.jacobian(arrow, backend, X).toarray(), dense, rtol=1e-12)
    Jj = ad.jacobian(arrow, backend, jnp.asarray(X, dtype=jnp.float32))
    assert isinstance(Jj, jsparse.BCOO)
    np.testing.assert_allclose(np.asarray(Jj.todense()), dense, rtol=1e-5)


def test_preparing_again_compiles_nothing():
    def f(x):
        return banded(x) * 2

    backend = ad.AutoSparse(ad.AutoJAX())
    ad.jacobian(f, backend, X)
    _, table = functions_of(f)
    built = dict(table)
    for _ in range(3):
        ad.jacobian(f, backend, X)
    assert table == built  # the same seeds and positions find the same jitted function
    ad.jacobian(f, backend, np.linspace(0.5, 1.5, 13))  # another pattern: one more
    assert len(table) == len(built) + 1


def test_fixed_seeds_are_keys_by_content():
    a = _primitives.Fixed(SEEDS, np.arange(5))
    b = _primitives.Fixed(SEEDS.copy(), np.arange(5, dtype=np.int64))
    c = _primitives.Fixed(SEEDS, np.arange(1, 6))
    assert a == b and hash(a) == hash(b) and a != c
    assert a.index.dtype == np.int32 and a.constant
