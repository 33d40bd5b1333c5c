"""Every ordered pair of shipped engines: ``DifferentiateWith(g, inner)`` inside ``f``,
differentiated by ``outer`` (gradient, jacobian, hvp), and ``SecondOrder(outer, inner)``.

Needs every engine in one environment: ``nox -s mixed``. Elsewhere it is skipped.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

jax = pytest.importorskip("jax")
torch = pytest.importorskip("torch")
tf = pytest.importorskip("tensorflow")
anp = pytest.importorskip("autograd.numpy")

import adcore as ad  # noqa: E402

jax.config.update("jax_enable_x64", True)  # a g written in jax.numpy keeps float64
jnp = jax.numpy
xp = ad.array_namespace

ENGINES = ["finitediff", "jax", "torch", "autograd", "tensorflow"]
PAIRS = [(o, i) for o in ENGINES for i in ENGINES]

#: g(x) = sum(x sin x) and G(x) = x sin x, written in each engine's own operations.
SIN = {"finitediff": np.sin, "jax": jnp.sin, "torch": torch.sin, "autograd": anp.sin,
       "tensorflow": tf.sin}
SUM = {"finitediff": np.sum, "jax": jnp.sum, "torch": torch.sum, "autograd": anp.sum,
       "tensorflow": tf.reduce_sum}

X = np.array([0.3, -1.2, 2.0, 0.7])
V = np.array([1.0, -0.5, 0.25, 2.0])


def _inner(name: str) -> tuple[Any, Any]:
    sin, total = SIN[name], SUM[name]
    b = ad.backend(name)
    return (ad.DifferentiateWith(lambda x: total(x * sin(x)), b),
            ad.DifferentiateWith(lambda x: x * sin(x), b))


def _exact(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # f = g(x)**2 + sum(x * G(x)): gradient, Hessian; J of F(x) = G(x) * x[0]
    s, c = np.sin(x), np.cos(x)
    g, dg = np.sum(x * s), s + x * c
    grad = 2 * g * dg + 2 * x * s + x ** 2 * c
    H = (2 * np.outer(dg, dg) + np.diag(2 * g * (2 * c - x * s))
         + np.diag(2 * s + 4 * x * c - x ** 2 * s))
    J = np.diag(dg) * x[0]
    J[:, 0] += x * s
    return grad, H, J


def _tolerance(outer: str, inner: str) -> dict[str, float]:
    return {"rtol": 1e-4, "atol": 1e-4} if "finitediff" in (outer, inner) else {"rtol": 1e-10, "atol": 1e-10}


@pytest.mark.parametrize(("outer", "inner"), PAIRS, ids=[f"{o}-over-{i}" for o, i in PAIRS])
def test_differentiate_with_inner_inside_f_differentiated_by_outer(outer: str, inner: str) -> None:
    g, G = _inner(inner)

    def f(x: Any) -> Any:
        return g(x) ** 2 + xp(x).sum(x * G(x))

    def F(x: Any) -> Any:
        return G(x) * x[0]

    b = ad.backend(outer)
    grad, H, J = _exact(X)
    tol = _tolerance(outer, inner)
    np.testing.assert_allclose(ad.gradient(f, b, X), grad, **tol)
    np.testing.assert_allclose(ad.jacobian(F, b, X), J, **tol)
    np.testing.assert_allclose(ad.hvp(f, b, X, (V,))[0], H @ V, **tol)


@pytest.mark.parametrize(("outer", "inner"), PAIRS, ids=[f"{o}-over-{i}" for o, i in PAIRS])
def test_second_order_of_any_pair(outer: str, inner: str) -> None:
    def f(x: Any) -> Any:
        n = xp(x)
        return n.sum(x ** 2 * n.sin(x)) + n.sum(x * n.sin(x)) ** 2

    b = ad.SecondOrder(ad.backend(outer), ad.backend(inner))
    np.testing.assert_allclose(ad.hessian(f, b, X), _exact(X)[1], **_tolerance(outer, inner))
    # second_derivative: the outer derivative of the inner one, x sin(x) x**2 at 0.7
    d2 = ad.second_derivative(lambda x: xp(x).sin(x) * x ** 2, b, 0.7)
    s, c = np.sin(0.7), np.cos(0.7)
    np.testing.assert_allclose(d2, 2 * s + 4 * 0.7 * c - 0.49 * s, **_tolerance(outer, inner))


def test_jax_over_torch_and_torch_over_jax_match_jax_to_1e_10() -> None:
    def f(x: Any) -> Any:
        n = xp(x)
        return n.sum(n.exp(x[:-1]) * x[1:] ** 3) + n.prod(n.cos(x))

    own = ad.hessian(f, ad.AutoJAX(), X)
    for b in (ad.SecondOrder(ad.AutoJAX(), ad.AutoTorch()), ad.SecondOrder(ad.AutoTorch(), ad.AutoJAX())):
        np.testing.assert_allclose(ad.hessian(f, b, X), own, rtol=1e-10, atol=1e-10)


def test_jit_of_a_function_with_differentiate_with_compiles_and_is_correct() -> None:
    g = ad.DifferentiateWith(lambda x: torch.sum(x * torch.sin(x)), ad.AutoTorch())
    f = jax.jit(lambda x: jnp.cos(g(x)) * jnp.sum(x))
    x = jnp.asarray(X)
    s = np.sum(X * np.sin(X))
    np.testing.assert_allclose(f(x), np.cos(s) * X.sum(), rtol=1e-12)
    grad = jax.jit(jax.grad(f))(x)
    expected = -np.sin(s) * (np.sin(X) + X * np.cos(X)) * X.sum() + np.cos(s)
    np.testing.assert_allclose(grad, expected, rtol=1e-10)
    batch = jax.vmap(f)(jnp.stack([x, 2 * x]))
    np.testing.assert_allclose(batch[1], f(2 * x), rtol=1e-12)
