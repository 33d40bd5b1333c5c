"""Every operator and variant, through every fallback path, on numpy backends only.

The wrappers hide AutoFiniteDiff's native operators so that each fallback
(derivative and jacobian from pushforwards, gradient and jacobian from
pullbacks, pushforward from pullbacks and back, the four hvp modes, hessian
from hvps, nested second derivatives) runs against hand-derived references.
"""

from __future__ import annotations

import numpy as np
import pytest

import adcore as ad
from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive

FD = ad.AutoFiniteDiff()
FORWARD = ForwardFromPrimitive(FD)
REVERSE = ReverseFromPrimitive(FD)

FIRST_ORDER = [FD, FORWARD, REVERSE, ad.SecondOrder(FD, REVERSE)]
SECOND_ORDER = [
    FD,
    FORWARD,  # forward over (gradient from pushforwards): forward over forward
    REVERSE,  # reverse over reverse
    ad.SecondOrder(FORWARD, REVERSE),  # forward over reverse
    ad.SecondOrder(REVERSE, FORWARD),  # reverse over forward
]
ids = repr

A = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
X = np.array([0.3, -1.2, 2.0])
T = np.array([1.0, 0.5, -2.0])
W = np.array([0.7, -0.4])


def f_scalar(x):
    return np.sum(np.sin(x) * x)


def grad_scalar(x):
    return np.cos(x) * x + np.sin(x)


def hess_scalar(x):
    return np.diag(2 * np.cos(x) - np.sin(x) * x)


def f_vector(x):
    return A @ np.sin(x)


def jac_vector(x):
    return A * np.cos(x)[None, :]


def f_vector_inplace(y, x):
    y[...] = A @ np.sin(x)


def f_curve(t):
    return np.array([np.sin(t), t**2])


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


# --- first order


@pytest.mark.parametrize("backend", FIRST_ORDER, ids=ids)
def test_gradient_variants(backend):
    x = X.copy()
    close(ad.gradient(f_scalar, backend, x), grad_scalar(X))
    value, grad = ad.value_and_gradient(f_scalar, backend, x)
    close(value, f_scalar(X))
    close(grad, grad_scalar(X))
    out = np.empty_like(x)
    assert ad.gradient(f_scalar, backend, x, out=out) is out
    close(out, grad_scalar(X))
    prep = ad.prepare_gradient(f_scalar, backend, np.zeros_like(x))
    x2 = X + 1
    close(ad.gradient(f_scalar, backend, x2, prep=prep), grad_scalar(x2))
    value, grad = ad.value_and_gradient(f_scalar, backend, x, prep=prep, out=out)
    assert grad is out
    np.testing.assert_array_equal(x, X)


@pytest.mark.parametrize("backend", FIRST_ORDER, ids=ids)
def test_jacobian_variants(backend):
    close(ad.jacobian(f_vector, backend, X), jac_vector(X))
    value, J = ad.value_and_jacobian(f_vector, backend, X)
    close(value, f_vector(X))
    close(J, jac_vector(X))
    out = np.empty((2, 3))
    assert ad.jacobian(f_vector, backend, X, out=out) is out
    close(out, jac_vector(X))
    prep = ad.prepare_jacobian(f_vector, backend, X)
    close(ad.jacobian(f_vector, backend, X + 1, prep=prep), jac_vector(X + 1))


@pytest.mark.parametrize("backend", FIRST_ORDER, ids=ids)
def test_jacobian_inplace(backend):
    y = np.zeros(2)
    J = ad.jacobian(f_vector_inplace, backend, X, y=y)
    close(J, jac_vector(X))
    value, J = ad.value_and_jacobian(f_vector_inplace, backend, X, y=y)
    assert value is y
    close(y, f_vector(X))
    prep = ad.prepare_jacobian(f_vector_inplace, backend, X, y=y)
    close(ad.jacobian(f_vector_inplace, backend, X + 1, prep=prep, y=y), jac_vector(X + 1))


@pytest.mark.parametrize("backend", FIRST_ORDER, ids=ids)
def test_derivative_variants(backend):
    t = 0.7
    expected = np.array([np.cos(t), 2 * t])
    close(ad.derivative(f_curve, backend, t), expected)
    value, der = ad.value_and_derivative(f_curve, backend, t)
    close(value, f_curve(t))
    close(der, expected)
    out = np.empty(2)
    assert ad.derivative(f_curve, backend, t, out=out) is out
    prep = ad.prepare_derivative(f_curve, backend, 0.0)
    close(ad.derivative(f_curve, backend, t, prep=prep), expected)
    scalar = ad.derivative(np.sin, backend, t)
    assert isinstance(scalar, float)
    close(scalar, np.cos(t))


@pytest.mark.parametrize("backend", FIRST_ORDER, ids=ids)
def test_pushforward_variants(backend):
    tx = (T, 2 * T)
    ty = ad.pushforward(f_vector, backend, X, tx)
    assert isinstance(ty, tuple) and len(ty) == 2
    close(ty[0], jac_vector(X) @ T)
    close(ty[1], jac_vector(X) @ (2 * T))
    value, ty = ad.value_and_pushforward(f_vector, backend, X, (T,))
    close(value, f_vector(X))
    out = (np.empty(2),)
    assert ad.pushforward(f_vector, backend, X, (T,), out=out) is out
    close(out[0], jac_vector(X) @ T)
    for prepare in (ad.prepare_pushforward, ad.prepare_pushforward_same_point):
        prep = prepare(f_vector, backend, X, (T,))
        close(ad.pushforward(f_vector, backend, X, (-T,), prep=prep)[0], -jac_vector(X) @ T)
    y = np.empty(2)
    ty = ad.pushforward(f_vector_inplace, backend, X, (T,), y=y)
    close(ty[0], jac_vector(X) @ T)


@pytest.mark.parametrize("backend", FIRST_ORDER, ids=ids)
def test_pullback_variants(backend):
    ty = (W, -W)
    tx = ad.pullback(f_vector, backend, X, ty)
    close(tx[0], W @ jac_vector(X))
    close(tx[1], -W @ jac_vector(X))
    value, tx = ad.value_and_pullback(f_vector, backend, X, (W,))
    close(value, f_vector(X))
    out = (np.empty(3),)
    assert ad.pullback(f_vector, backend, X, (W,), out=out) is out
    for prepare in (ad.prepare_pullback, ad.prepare_pullback_same_point):
        prep = prepare(f_vector, backend, X, (W,))
        close(ad.pullback(f_vector, backend, X, (2 * W,), prep=prep)[0], 2 * W @ jac_vector(X))
    y = np.empty(2)
    tx = ad.pullback(f_vector_inplace, backend, X, (W,), y=y)
    close(tx[0], W @ jac_vector(X))


@pytest.mark.parametrize("backend", FIRST_ORDER, ids=ids)
def test_dot_product(backend):
    (jt,) = ad.pushforward(f_vector, backend, X, (T,))
    (wj,) = ad.pullback(f_vector, backend, X, (W,))
    close(W @ jt, wj @ T)


@pytest.mark.parametrize("backend", FIRST_ORDER, ids=ids)
def test_matrix_input(backend):
    x = np.arange(1.0, 7.0).reshape(2, 3) / 4
    grad = ad.gradient(lambda x: np.sum(x**3), backend, x)
    assert grad.shape == (2, 3)
    close(grad, 3 * x**2)
    J = ad.jacobian(lambda x: (x**2).T, backend, x)
    assert J.shape == (6, 6)
    close(J, _transpose_jacobian(x))


def _transpose_jacobian(x):
    n = x.size
    J = np.zeros((n, n))
    idx = np.arange(n).reshape(x.shape)
    for row, col in enumerate(idx.T.ravel()):
        J[row, col] = 2 * x.ravel()[col]
    return J


# --- second order


@pytest.mark.parametrize("backend", SECOND_ORDER, ids=ids)
def test_hvp_variants(backend):
    H = hess_scalar(X)
    tg = ad.hvp(f_scalar, backend, X, (T, -T))
    close(tg[0], H @ T, 1e-4)
    close(tg[1], -H @ T, 1e-4)
    grad, tg = ad.gradient_and_hvp(f_scalar, backend, X, (T,))
    close(grad, grad_scalar(X), 1e-4)
    close(tg[0], H @ T, 1e-4)
    out = (np.empty(3), (np.empty(3),))
    grad, tg = ad.gradient_and_hvp(f_scalar, backend, X, (T,), out=out)
    assert grad is out[0] and tg is out[1]
    for prepare in (ad.prepare_hvp, ad.prepare_hvp_same_point):
        prep = prepare(f_scalar, backend, X, (T,))
        close(ad.hvp(f_scalar, backend, X, (2 * T,), prep=prep)[0], 2 * H @ T, 1e-4)


@pytest.mark.parametrize("backend", SECOND_ORDER, ids=ids)
def test_hessian_variants(backend):
    close(ad.hessian(f_scalar, backend, X), hess_scalar(X), 1e-4)
    value, grad, H = ad.value_gradient_and_hessian(f_scalar, backend, X)
    close(value, f_scalar(X))
    close(grad, grad_scalar(X), 1e-4)
    close(H, hess_scalar(X), 1e-4)
    out = (np.empty(3), np.empty((3, 3)))
    _, grad, H = ad.value_gradient_and_hessian(f_scalar, backend, X, out=out)
    assert grad is out[0] and H is out[1]
    prep = ad.prepare_hessian(f_scalar, backend, X)
    close(ad.hessian(f_scalar, backend, X + 1, prep=prep), hess_scalar(X + 1), 1e-4)


@pytest.mark.parametrize("backend", SECOND_ORDER, ids=ids)
def test_second_derivative_variants(backend):
    t = 0.7
    expected = np.array([-np.sin(t), 2.0])
    close(ad.second_derivative(f_curve, backend, t), expected, 1e-4)
    value, der, der2 = ad.value_derivative_and_second_derivative(f_curve, backend, t)
    close(value, f_curve(t))
    close(der, [np.cos(t), 2 * t], 1e-4)
    close(der2, expected, 1e-4)
    prep = ad.prepare_second_derivative(f_curve, backend, 0.0)
    close(ad.second_derivative(f_curve, backend, t, prep=prep), expected, 1e-4)


# --- contexts, dtypes, mutation


@pytest.mark.parametrize("backend", FIRST_ORDER, ids=ids)
def test_contexts(backend):
    a = np.array([2.0, 3.0, 4.0])
    f = lambda x, a: np.sum(a * x**2)
    close(ad.gradient(f, backend, X, ad.Constant(a)), 2 * a * X)
    prep = ad.prepare_gradient(f, backend, X, ad.Constant(a))
    close(ad.gradient(f, backend, X, ad.Constant(2 * a), prep=prep), 4 * a * X)
    np.testing.assert_array_equal(a, [2.0, 3.0, 4.0])

    def g(x, cache):
        cache[...] = x**2
        return np.sum(cache)

    close(ad.gradient(g, backend, X, ad.Cache(np.empty(3))), 2 * X)


@pytest.mark.parametrize("backend", FIRST_ORDER, ids=ids)
def test_float32_kept(backend):
    x = X.astype(np.float32)
    grad = ad.gradient(f_scalar, backend, x)
    assert grad.dtype == np.float32
    close(grad, grad_scalar(X), 1e-2)
    J = ad.jacobian(lambda x: x * 2, backend, x)
    assert J.dtype == np.float32
