"""AutoFiniteDiff's executors, driven through ``AutoFiniteDiff().prepare_*``."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import adcore
from adcore._backends.finitediff import AutoFiniteDiff
from adcore._core.contexts import Cache, Constant
from adcore.errors import NotSupportedError

METHODS = ["forward", "backward", "central", "complex"]
DTYPES = [np.float64, np.float32]

#: Tolerance (relative and absolute) of first and second derivatives, per method and dtype.
TOL1 = {
    (np.float64, "forward"): 1e-6, (np.float64, "backward"): 1e-6,
    (np.float64, "central"): 1e-9, (np.float64, "complex"): 1e-14,
    (np.float32, "forward"): 2e-2, (np.float32, "backward"): 2e-2,
    (np.float32, "central"): 2e-3, (np.float32, "complex"): 1e-6,
}
TOL2 = {
    (np.float64, "forward"): 1e-4, (np.float64, "backward"): 1e-4,
    (np.float64, "central"): 1e-6, (np.float64, "complex"): 1e-9,
    (np.float32, "forward"): 5e-2, (np.float32, "backward"): 5e-2,
    (np.float32, "central"): 5e-3, (np.float32, "complex"): 1e-3,
}

X = np.array([0.3, -1.2, 2.5, 0.0, -0.7])


def close(actual, desired, tol):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), desired, rtol=tol, atol=tol)


def sincube(x):
    return np.sum(np.sin(x) * x**2)


def sincube_grad(x):
    return np.cos(x) * x**2 + 2 * x * np.sin(x)


def sincube_hess(x):
    return np.diag(-np.sin(x) * x**2 + 4 * x * np.cos(x) + 2 * np.sin(x))


def coupled(x):
    # x0**2 x1 + x1**3 + x0 x2: off-diagonal second derivatives, by hand below.
    return x[0] ** 2 * x[1] + x[1] ** 3 + x[0] * x[2]


def coupled_hess(x):
    return np.array([[2 * x[1], 2 * x[0], 1], [2 * x[0], 6 * x[1], 0], [1, 0, 0]])


def vecfun(x):
    return np.sin(x) * x[::-1]


def vecfun_jac(x):
    return np.diag(np.cos(x) * x[::-1]) + np.sin(x)[:, None] * np.eye(x.size)[::-1]


# --- accuracy against hand-derived derivatives


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", METHODS)
def test_gradient(method, dtype):
    x = X.astype(dtype)
    value, grad = AutoFiniteDiff(method).prepare_gradient(sincube, x, ()).value_and_gradient(x, ())
    assert grad.dtype == dtype and grad.shape == x.shape
    assert value == sincube(x)
    close(grad, sincube_grad(X), TOL1[dtype, method])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", METHODS)
def test_jacobian_and_pushforward(method, dtype):
    x, b = X.astype(dtype), AutoFiniteDiff(method)
    value, J = b.prepare_jacobian(vecfun, x, ()).value_and_jacobian(x, ())
    assert J.dtype == dtype and J.shape == (5, 5) and J.flags.c_contiguous
    np.testing.assert_array_equal(value, vecfun(x))
    close(J, vecfun_jac(X), TOL1[dtype, method])

    tx = (np.ones(5, dtype), np.arange(5, dtype=dtype), np.zeros(5, dtype))
    pf = b.prepare_pushforward(vecfun, x, tx, ())
    value, ty = pf.value_and_pushforward(x, tx, ())
    assert len(ty) == 3 and all(t.dtype == dtype and t.shape == (5,) for t in ty)
    for t, dy in zip(tx, ty):
        close(dy, vecfun_jac(X) @ t.astype(float), 2 * TOL1[dtype, method])
    assert not np.any(ty[2])  # a zero tangent gives exactly zero
    stacked = pf.pushforward_stacked(x, np.stack(tx), ())
    assert stacked.shape == (3, 5) and stacked.dtype == dtype
    np.testing.assert_array_equal(stacked, np.stack(ty))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", METHODS)
def test_hessian_and_hvp(method, dtype):
    x, b = np.array([0.8, -1.3, 0.4], dtype), AutoFiniteDiff(method)
    xf = x.astype(float)
    value, grad, H = b.prepare_hessian(coupled, x, ()).value_gradient_and_hessian(x, ())
    assert value == coupled(x)
    assert H.dtype == grad.dtype == dtype and H.shape == (3, 3)
    np.testing.assert_array_equal(H, H.T)
    close(H, coupled_hess(xf), TOL2[dtype, method])
    close(grad, [2 * xf[0] * xf[1] + xf[2], xf[0] ** 2 + 3 * xf[1] ** 2, xf[0]],
          TOL1[dtype, method] * 10)

    tx = (np.array([1.0, 0.5, -2.0], dtype), np.array([0.0, 1.0, 0.0], dtype))
    hvp = b.prepare_hvp(coupled, x, tx, ())
    grad2, tg = hvp.gradient_and_hvp(x, tx, ())
    assert all(t.dtype == dtype and t.shape == (3,) for t in tg)
    for t, hv in zip(tx, tg):
        close(hv, coupled_hess(xf) @ t.astype(float), 2 * TOL2[dtype, method])
    grad3, stacked = hvp.gradient_and_hvp_stacked(x, np.stack(tx), ())
    np.testing.assert_array_equal(stacked, np.stack(tg))
    np.testing.assert_array_equal(grad2, grad3)


@pytest.mark.parametrize("method", METHODS)
def test_diagonal_hessian_of_sincube(method):
    H = AutoFiniteDiff(method).prepare_hessian(sincube, X, ()).hessian(X, ())
    close(H, sincube_hess(X), TOL2[np.float64, method])


@pytest.mark.parametrize("method", METHODS)
def test_derivative_and_second_derivative_of_python_float(method):
    b = AutoFiniteDiff(method)
    value, der = b.prepare_derivative(np.sin, 0.7, ()).value_and_derivative(0.7, ())
    assert value == np.sin(0.7)
    close(der, math.cos(0.7), TOL1[np.float64, method])
    sd = b.prepare_second_derivative(np.sin, 0.7, ())
    value, d1, d2 = sd.value_derivative_and_second_derivative(0.7, ())
    assert value == np.sin(0.7)
    close(d1, math.cos(0.7), TOL2[np.float64, method])
    close(d2, -math.sin(0.7), TOL2[np.float64, method])
    assert sd.second_derivative(0.7, ()) == d2


def test_results_like_y_for_a_python_float_x():
    cubic = lambda x: x**3 - 2 * x  # Python float in, Python float out; complex-analytic
    for method in METHODS:
        der = AutoFiniteDiff(method).prepare_derivative(cubic, 2.0, ()).derivative(2.0, ())
        assert type(der) is float
        close(der, 10.0, TOL1[np.float64, method])
        d2 = AutoFiniteDiff(method).prepare_second_derivative(cubic, 2.0, ())
        assert type(d2.second_derivative(2.0, ())) is float
    vec = lambda x: np.array([np.sin(x), x**2])
    der = AutoFiniteDiff().prepare_derivative(vec, 1.5, ()).derivative(1.5, ())
    assert isinstance(der, np.ndarray) and der.shape == (2,)
    close(der, [np.cos(1.5), 3.0], 1e-9)
    grad = AutoFiniteDiff().prepare_gradient(lambda x: x**2, 3.0, ()).gradient(3.0, ())
    assert type(grad) is float and abs(grad - 6.0) < 1e-8


def test_float32_scalar_keeps_its_dtype():
    x = np.float32(0.5)
    der = AutoFiniteDiff().prepare_derivative(np.sin, x, ()).derivative(x, ())
    assert type(der) is np.float32
    close(der, np.cos(0.5), 1e-3)


def test_step_is_relative_and_exact():
    # Forward differences of x**2 at 3 with h = 1e-3 * max(1, 3): exactly 6 + h.
    b = AutoFiniteDiff("forward", step=1e-3)
    der = b.prepare_derivative(lambda x: x**2, 3.0, ()).derivative(3.0, ())
    assert abs(der - (6.0 + 3e-3)) < 1e-9
    g = b.prepare_gradient(lambda x: (x**2).sum(), np.array([0.5]), ())
    assert abs(g.gradient(np.array([0.5]), ())[0] - (1.0 + 1e-3)) < 1e-9


@pytest.mark.parametrize("method", METHODS)
def test_half_and_extended_precision(method):
    # float16 has no complex type: the complex step runs in complex64 and casts back.
    x = np.array([0.3, -1.2, 0.8], np.float16)
    grad = AutoFiniteDiff(method).prepare_gradient(sincube, x, ()).gradient(x, ())
    assert grad.dtype == np.float16
    close(grad, sincube_grad(x.astype(float)), 2e-3 if method == "complex" else 0.2)
    x = np.array([0.3, -1.2, 0.8], np.longdouble)
    grad = AutoFiniteDiff(method).prepare_gradient(sincube, x, ()).gradient(x, ())
    assert grad.dtype == np.longdouble
    close(grad, sincube_grad(x.astype(float)), 1e-7)


@pytest.mark.parametrize("method", METHODS)
def test_empty_x(method):
    x, b = np.zeros(0), AutoFiniteDiff(method)
    assert b.prepare_gradient(sincube, x, ()).gradient(x, ()).shape == (0,)
    assert b.prepare_jacobian(np.sin, x, ()).jacobian(x, ()).shape == (0, 0)
    assert b.prepare_hessian(sincube, x, ()).hessian(x, ()).shape == (0, 0)
    assert b.prepare_hvp(sincube, x, (x,), ()).hvp(x, (x,), ())[0].shape == (0,)


def test_gradients_that_come_with_second_order_results_are_as_accurate():
    b = AutoFiniteDiff()
    grad = b.prepare_gradient(sincube, X, ()).gradient(X, ())
    _, grad_h, _ = b.prepare_hessian(sincube, X, ()).value_gradient_and_hessian(X, ())
    grad_v, _ = b.prepare_hvp(sincube, X, (X,), ()).gradient_and_hvp(X, (X,), ())
    np.testing.assert_array_equal(grad_h, grad)
    np.testing.assert_array_equal(grad_v, grad)


# --- in-place functions, contexts, parallel evaluation


def vecfun_inplace(y, x):
    y[...] = vecfun(x)


@pytest.mark.parametrize("method", METHODS)
def test_inplace_jacobian_pushforward_derivative(method):
    b = AutoFiniteDiff(method)
    y32 = np.empty(5, np.float32)
    x32 = X.astype(np.float32)
    J32 = b.prepare_jacobian(vecfun_inplace, x32, (), y=y32).jacobian(x32, (), y32)
    assert J32.dtype == np.float32
    close(J32, vecfun_jac(X), TOL1[np.float32, method])

    y = np.full(5, np.nan)
    jac = b.prepare_jacobian(vecfun_inplace, X, (), y=y)
    y2 = np.full(5, np.nan)
    value, J = jac.value_and_jacobian(X, (), y2)
    assert value is y2
    np.testing.assert_array_equal(y2, vecfun(X))  # no perturbed value left behind
    assert np.all(np.isnan(y))  # the buffer of the preparation is not written
    close(J, vecfun_jac(X), TOL1[np.float64, method])

    tx = (np.ones(5),)
    pf = b.prepare_pushforward(vecfun_inplace, X, tx, (), y=y)
    value, (dy,) = pf.value_and_pushforward(X, tx, (), y2)
    assert value is y2
    np.testing.assert_array_equal(y2, vecfun(X))
    close(dy, vecfun_jac(X) @ np.ones(5), 2 * TOL1[np.float64, method])

    def g(y, x):
        y[0], y[1] = np.sin(x), x**2

    y = np.zeros(2)
    value, der = b.prepare_derivative(g, 0.5, (), y=y).value_and_derivative(0.5, (), y)
    assert value is y
    np.testing.assert_array_equal(y, [np.sin(0.5), 0.25])
    close(der, [np.cos(0.5), 1.0], TOL1[np.float64, method])


def test_inplace_needs_the_buffer():
    jac = AutoFiniteDiff().prepare_jacobian(vecfun_inplace, X, (), y=np.zeros(5))
    with pytest.raises(ValueError, match="y="):
        jac.jacobian(X, ())


def test_constant_and_cache_contexts():
    def f(x, a, scratch):
        scratch[...] = a * x**2  # f may overwrite its cache
        return scratch.sum()

    for method in METHODS:
        # The complex step runs f on complex points: its scratch space must hold them.
        scratch = np.empty(5, complex if method == "complex" else float)
        contexts, values = (Constant(3.0), Cache(scratch)), (3.0, scratch)
        b = AutoFiniteDiff(method)
        grad = b.prepare_gradient(f, X, contexts).gradient(X, values)
        close(grad, 6 * X, TOL1[np.float64, method])


@pytest.mark.parametrize("method", METHODS)
def test_executor_gives_the_same_numbers(method):
    def f(x, a, scratch):
        scratch[...] = np.sin(x) * x**2 * a
        return scratch.sum()

    def vec(y, x, a):
        y[...] = vecfun(x) * a

    scratch = np.empty(5, complex if method == "complex" else float)
    values, contexts = (2.0, scratch), (Constant(2.0), Cache(scratch))
    with ThreadPoolExecutor(4) as pool:
        serial, parallel = AutoFiniteDiff(method), AutoFiniteDiff(method, executor=pool, chunksize=2)
        for b in (serial, parallel):
            assert b.executor is (pool if b is parallel else None)
        results = []
        for b in (serial, parallel):
            ex = b.prepare_gradient(f, X, contexts)
            hs = b.prepare_hessian(f, X, contexts)
            y = np.empty(5)
            jac = b.prepare_jacobian(vec, X, (Constant(2.0),), y=y)
            pf = b.prepare_pushforward(np.sin, 0.3, (1.0,), ())
            hv = b.prepare_hvp(f, X, (X,), contexts)
            sd = b.prepare_second_derivative(np.sin, 0.3, ())
            value, J = jac.value_and_jacobian(X, (2.0,), y)
            results.append([
                ex.value_and_gradient(X, values), hs.value_gradient_and_hessian(X, values),
                (value.copy(), J), pf.value_and_pushforward(0.3, (1.0,), ()),
                hv.gradient_and_hvp(X, (X,), values),
                sd.value_derivative_and_second_derivative(0.3, ()),
            ])
    for a, b in zip(*results):
        for u, v in zip(a, b):
            np.testing.assert_array_equal(np.asarray(u), np.asarray(v))


def test_x_is_never_mutated():
    x = np.linspace(-1.0, 1.0, 12).reshape(3, 4)[:, ::2]  # not contiguous
    saved = x.copy()
    for method in METHODS:
        b = AutoFiniteDiff(method)
        b.prepare_gradient(sincube, x, ()).gradient(x, ())
        b.prepare_jacobian(np.sin, x, ()).jacobian(x, ())
        b.prepare_hessian(sincube, x, ()).hessian(x, ())
        b.prepare_pushforward(np.sin, x, (x,), ()).pushforward(x, (x,), ())
        b.prepare_hvp(sincube, x, (x,), ()).hvp(x, (x,), ())
        np.testing.assert_array_equal(x, saved)


def test_prepared_executor_is_reused_at_another_x():
    ex = AutoFiniteDiff().prepare_gradient(sincube, np.zeros(5), ())
    for x in (X, 2 * X, -X):
        close(ex.gradient(x, ()), sincube_grad(x), 1e-8)
    jac = AutoFiniteDiff().prepare_jacobian(vecfun, np.zeros((5,)), ())
    close(jac.jacobian(X, ()), vecfun_jac(X), 1e-8)


def test_multidimensional_x_and_y():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    J = AutoFiniteDiff().prepare_jacobian(lambda x: x.T**2, x, ()).jacobian(x, ())
    assert J.shape == (6, 6)
    close(J, AutoFiniteDiff("complex").prepare_jacobian(lambda x: x.T**2, x, ()).jacobian(x, ()),
          1e-9)
    expected = np.zeros((3, 2, 2, 3))
    for i in range(2):
        for j in range(3):
            expected[j, i, i, j] = 2 * x[i, j]
    close(J, expected.reshape(6, 6), 1e-8)
    grad = AutoFiniteDiff().prepare_gradient(sincube, x, ()).gradient(x, ())
    assert grad.shape == (2, 3)


# --- errors


def test_gradient_of_a_non_scalar_function():
    with pytest.raises(ValueError, match=r"shape \(5,\).*jacobian"):
        AutoFiniteDiff().prepare_gradient(np.sin, X, ()).gradient(X, ())
    with pytest.raises(ValueError, match=r"shape \(5,\).*jacobian"):
        AutoFiniteDiff().prepare_hessian(np.sin, X, ()).hessian(X, ())


def test_unsupported_inputs():
    b = AutoFiniteDiff()
    with pytest.raises(TypeError, match="floating-point"):
        b.prepare_gradient(sincube, np.arange(3), ())
    with pytest.raises(NotSupportedError, match="real-linear map"):
        b.prepare_jacobian(np.sin, np.ones(3, complex), ())
    with pytest.raises(NotSupportedError, match="method='central', 'forward' or 'backward'"):
        AutoFiniteDiff("complex").prepare_gradient(sincube, np.ones(3, complex), ())
    with pytest.raises(TypeError, match="numpy arrays and Python floats"):
        b.prepare_gradient(sincube, [1.0, 2.0], ())
    with pytest.raises(ValueError, match="scalar"):
        b.prepare_derivative(np.sin, X, ())
    with pytest.raises(NotSupportedError, match="real at real x"):
        AutoFiniteDiff("complex").prepare_derivative(lambda x: 1j * x, 1.0, ()).derivative(1.0, ())
    with pytest.raises(ValueError, match="tangent 0 has shape"):
        b.prepare_pushforward(np.sin, X, (X,), ()).pushforward(X, (np.ones(2),), ())


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"method": "centered"}, ValueError, "method must be one of"),
        ({"method": None}, ValueError, "method must be one of"),
        ({"step": 0.0}, ValueError, "positive"),
        ({"step": -1e-6}, ValueError, "positive"),
        ({"step": float("nan")}, ValueError, "positive"),
        ({"step": "1e-6"}, TypeError, "positive float"),
        ({"step": True}, TypeError, "positive float"),
        ({"executor": 4}, TypeError, "concurrent.futures.Executor"),
        ({"method": "forward", "step": "adaptive"}, ValueError, "leave method at 'central'"),
        ({"step": "exact"}, TypeError, "'adaptive'"),
    ],
)
def test_option_validation(options, error, match):
    with pytest.raises(error, match=match):
        AutoFiniteDiff(**options)


# --- the backend object


def test_repr_round_trip_equality_and_hash():
    backends = [
        AutoFiniteDiff(), AutoFiniteDiff("forward"), AutoFiniteDiff(method="complex", step=1e-30),
        AutoFiniteDiff(step=1),
    ]
    assert repr(backends[0]) == "AutoFiniteDiff()"
    assert repr(backends[3]) == "AutoFiniteDiff(step=1.0)"
    for b in backends:
        assert eval(repr(b)) == b
        assert hash(eval(repr(b))) == hash(b)
    assert len(set(backends)) == 4
    assert AutoFiniteDiff() != AutoFiniteDiff("forward")
    with pytest.raises(AttributeError):
        backends[0].method = "forward"  # type: ignore[misc]


def test_declared_capabilities():
    b = AutoFiniteDiff()
    assert b.name == "finitediff"
    assert b.modes == frozenset({"forward"})
    assert {"derivative", "gradient", "jacobian", "second_derivative"} <= b.native
    assert b.inplace and b.contexts and b.batched_tangents
    assert b.array_families == frozenset({"numpy"})


# --- through the public operators


def test_public_operators_use_the_native_executors():
    import adcore as ad

    x, b = np.arange(1.0, 6.0), AutoFiniteDiff()
    f = lambda x: (x**2).sum()
    close(ad.gradient(f, b, x), 2 * x, 1e-9)
    prep = ad.prepare_gradient(f, b, np.zeros_like(x))
    grad = np.empty_like(x)
    assert ad.gradient(f, b, x, prep=prep, out=grad) is grad
    close(grad, 2 * x, 1e-9)
    close(ad.hessian(f, AutoFiniteDiff("forward"), x), 2 * np.eye(5), 1e-3)
    close(ad.hvp(f, AutoFiniteDiff("complex"), x, (x,))[0], 2 * x, 1e-9)
    assert ad.derivative(np.sin, AutoFiniteDiff("complex"), 0.0) == 1.0
    close(ad.second_derivative(np.sin, b, 0.5), -np.sin(0.5), 1e-6)


@pytest.mark.parametrize("pool", [None, "threads"])
def test_complex_step_gives_f_complex_scratch_for_a_cache(pool):
    # f writes complex intermediate values into its Cache at complex points.
    def f(x, cache):
        cache[...] = x**2
        return cache.sum()

    x = np.array([1.0, 2.0])
    cache = np.empty(2)
    executor = ThreadPoolExecutor(2) if pool else None
    backend = AutoFiniteDiff(method="complex", executor=executor, chunksize=2 if executor else None)
    np.testing.assert_allclose(adcore.gradient(f, backend, x, Cache(cache)), 2 * x, rtol=1e-12)
    np.testing.assert_allclose(adcore.hessian(f, backend, x, Cache(cache)), 2 * np.eye(2), atol=1e-8)
    if executor:
        executor.shutdown()
