"""DifferentiateWith with JAX at one level and finite differences at the other, and
SecondOrder of the two (issue 19): adcore.testing._pairing's checks on JAX, and what is
particular to it; every pair of engines: tests/mixed (nox -s mixed)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from adcore_jax import AutoJAX

import adcore as ad
from adcore.testing._pairing import X, check_engine_inner, check_engine_outer, check_second_order

B = AutoJAX()
FD = ad.AutoFiniteDiff()


def test_jax_differentiates_a_finite_difference_subroutine() -> None:
    check_engine_outer(B)


def test_jax_as_the_inner_backend_under_finite_differences() -> None:
    with jax.enable_x64(True):  # g computes in JAX: float64 like x
        check_engine_inner(B, jnp.sin, jnp.sum)


def test_second_order_with_finite_differences_at_either_level() -> None:
    check_second_order(B)


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
