"""DifferentiateWith with PyTorch at one level and finite differences at the other, and
SecondOrder of the two (issue 19): adcore.testing._pairing's checks on PyTorch, and what is
particular to it; every pair of engines: tests/mixed (nox -s mixed)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from adcore_torch import AutoTorch

import adcore as ad
from adcore.testing._pairing import X, check_engine_inner, check_engine_outer, check_second_order

B = AutoTorch()
FD = ad.AutoFiniteDiff()


def test_torch_differentiates_a_finite_difference_subroutine() -> None:
    check_engine_outer(B)


def test_torch_as_the_inner_backend_under_finite_differences() -> None:
    check_engine_inner(B, torch.sin, torch.sum)


def test_second_order_with_finite_differences_at_either_level() -> None:
    check_second_order(B)


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
