"""compile=True: prepared functions compiled once, in preparation; the same numbers as eager.

Compiling takes seconds, so these few tests are all there is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from adcore_torch import AutoTorch

import adcore as ad


def f(x: Any) -> Any:
    return torch.sum(torch.sin(x) * x)


def g(x: Any) -> Any:
    return torch.sin(x) * x[0]


def test_compiled_gradient() -> None:
    b = AutoTorch(compile=True)
    x = torch.linspace(0.1, 0.4, 4, dtype=torch.float64, requires_grad=True)
    prep = ad.prepare_gradient(f, b, x)
    assert prep.executor.engine == "torch.compile"
    for point in (x, 2 * x.detach()):  # a new point, same shape: the compiled code again
        value, grad = ad.value_and_gradient(f, b, point, prep=prep)
        assert torch.allclose(grad, ad.gradient(f, AutoTorch(), point))
        assert ad.gradient(f, b, point, prep=prep).grad_fn is None and value.grad_fn is None
    assert x.grad is None and x.requires_grad
    xn = np.linspace(0.1, 0.4, 4)
    assert np.allclose(ad.gradient(f, b, xn), np.cos(xn) * xn + np.sin(xn))


def test_compiled_jacobian_and_hvp() -> None:
    b = AutoTorch(compile=True)
    x = torch.linspace(0.1, 0.4, 4, dtype=torch.float64)
    prep = ad.prepare_jacobian(g, b, x)
    assert prep.executor.engine == "torch.compile"
    assert torch.allclose(ad.jacobian(g, b, x, prep=prep), ad.jacobian(g, AutoTorch(), x))
    t = (torch.ones(4, dtype=torch.float64),)
    prep = ad.prepare_hvp(f, b, x, t)
    assert prep.executor.engine == "torch.compile"
    assert torch.allclose(ad.hvp(f, b, x, t, prep=prep)[0], ad.hvp(f, AutoTorch(), x, t)[0])
