"""DifferentiateWith with JAX at one level and finite differences at the other, and
SecondOrder of the two (issue 19); every pair of engines: tests/mixed (nox -s mixed)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from adcore_jax import AutoJAX

import adcore as ad

B = AutoJAX()
FD = ad.AutoFiniteDiff()
X = np.array([0.3, -1.2, 2.0, 0.7])
V = np.array([1.0, -0.5, 0.25, 2.0])
TOL = {"rtol": 1e-5, "atol": 1e-5}


def _exact() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f = g(x)**2 + sum(x G(x)) with g = sum(x sin x), G = x sin x: gradient, Hessian;
    and the Jacobian of F(x) = G(x) x[0]."""
    s, c = np.sin(X), np.cos(X)
    g, dg = np.sum(X * s), s + X * c
    grad = 2 * g * dg + 2 * X * s + X ** 2 * c
    H = 2 * np.outer(dg, dg) + np.diag(2 * g * (2 * c - X * s) + 2 * s + 4 * X * c - X ** 2 * s)
    J = np.diag(dg) * X[0]
    J[:, 0] += X * s
    return grad, H, J


def _check(outer: Any, g: Any, G: Any) -> None:
    f = lambda x: g(x) ** 2 + ad.array_namespace(x).sum(x * G(x))
    grad, H, J = _exact()
    np.testing.assert_allclose(ad.gradient(f, outer, X), grad, **TOL)
    np.testing.assert_allclose(ad.jacobian(lambda x: G(x) * x[0], outer, X), J, **TOL)
    np.testing.assert_allclose(ad.hvp(f, outer, X, (V,))[0], H @ V, **TOL)


def test_jax_differentiates_a_finite_difference_subroutine() -> None:
    g = ad.DifferentiateWith(lambda x: np.sum(x * np.sin(x)), FD)
    G = ad.DifferentiateWith(lambda x: x * np.sin(x), FD)
    _check(B, g, G)


def test_jax_as_the_inner_backend_under_finite_differences() -> None:
    with jax.enable_x64(True):  # g computes in JAX: float64 like x
        g = ad.DifferentiateWith(lambda x: jnp.sum(x * jnp.sin(x)), B)
        G = ad.DifferentiateWith(lambda x: x * jnp.sin(x), B)
        _check(FD, g, G)


def test_second_order_with_finite_differences_at_either_level() -> None:
    f = lambda x: ad.array_namespace(x).sum(x * ad.array_namespace(x).sin(x)) ** 2
    s, c = np.sin(X), np.cos(X)
    g, dg = np.sum(X * s), s + X * c
    H = 2 * np.outer(dg, dg) + np.diag(2 * g * (2 * c - X * s))
    np.testing.assert_allclose(ad.hessian(f, ad.SecondOrder(B, FD), X), H, **TOL)
    np.testing.assert_allclose(ad.hessian(f, ad.SecondOrder(FD, B), X), H, **TOL)


def test_a_third_derivative_through_differentiate_with_is_refused() -> None:
    g = ad.DifferentiateWith(lambda x: np.sum(x ** 4), FD)
    with pytest.raises(ad.NotSupportedError, match="third derivative"):
        jax.jacfwd(jax.hessian(g))(jnp.ones(2))


def test_jit_and_vmap_of_a_function_with_a_finite_difference_subroutine() -> None:
    g = ad.DifferentiateWith(lambda x: np.sum(x * np.sin(x)), FD)
    f = jax.jit(lambda x: jnp.cos(g(x)) * jnp.sum(x))
    x = jnp.asarray(X, dtype=jnp.float32)
    s = np.sum(X * np.sin(X))
    np.testing.assert_allclose(f(x), np.cos(s) * X.sum(), rtol=1e-5)
    expected = -np.sin(s) * (np.sin(X) + X * np.cos(X)) * X.sum() + np.cos(s)
    np.testing.assert_allclose(jax.jit(jax.grad(f))(x), expected, rtol=1e-4)
    np.testing.assert_allclose(jax.vmap(f)(jnp.stack([x, 2 * x]))[1], f(2 * x), rtol=1e-6)
