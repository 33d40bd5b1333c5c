"""DifferentiateWith with PyTorch at one level and finite differences at the other, and
SecondOrder of the two (issue 19); every pair of engines: tests/mixed (nox -s mixed)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from adcore_torch import AutoTorch

import adcore as ad

B = AutoTorch()
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


def test_torch_differentiates_a_finite_difference_subroutine() -> None:
    g = ad.DifferentiateWith(lambda x: np.sum(x * np.sin(x)), FD)
    G = ad.DifferentiateWith(lambda x: x * np.sin(x), FD)
    _check(B, g, G)


def test_torch_as_the_inner_backend_under_finite_differences() -> None:
    g = ad.DifferentiateWith(lambda x: torch.sum(x * torch.sin(x)), B)
    G = ad.DifferentiateWith(lambda x: x * torch.sin(x), B)
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
        # reverse at the outer levels: torch.func.hessian's jacfwd over jacfwd is refused
        # earlier, as forward over forward (see the refusal's own test)
        torch.func.jacrev(torch.func.hessian(g))(torch.ones(2, dtype=torch.float64))


def test_create_graph_lets_a_gradient_penalty_backpropagate() -> None:
    f = lambda x: (x ** 3).sum() * x[0]
    x = torch.tensor(X, requires_grad=True)
    loss = ad.gradient(f, AutoTorch(create_graph=True), x).pow(2).sum()
    loss.backward()
    ref = x.detach().clone().requires_grad_()
    torch.autograd.grad(f(ref), ref, create_graph=True)[0].pow(2).sum().backward()
    torch.testing.assert_close(x.grad, ref.grad, rtol=1e-12, atol=1e-12)
    x.grad = None
    hv = ad.hvp(f, AutoTorch(create_graph=True), x, (torch.ones(4, dtype=torch.float64),))[0]
    hv.sum().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()


def test_by_default_no_graph_leaves_a_call() -> None:
    x = torch.tensor(X, requires_grad=True)
    assert not ad.gradient(lambda x: (x ** 3).sum(), AutoTorch(), x).requires_grad
    b = AutoTorch(create_graph=True)
    assert not ad.gradient(lambda x: (x ** 3).sum(), b, x.detach()).requires_grad
    with torch.no_grad():
        assert not ad.gradient(lambda x: (x ** 3).sum(), b, x).requires_grad
