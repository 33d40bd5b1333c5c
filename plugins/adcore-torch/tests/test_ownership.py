"""AutoTorch's results are the caller's own (SPEC 10): they never share memory with x, a
tangent, a context or an earlier result; and empty x, where an operator defines a result."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import adcore as ad

BACKENDS = [ad.AutoTorch(), ad.AutoTorch(mode="forward"), ad.AutoTorch(mode="reverse")]


def shares(a: Any, b: Any) -> bool:
    if isinstance(a, torch.Tensor):
        return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
    return bool(np.shares_memory(a, b))


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
@pytest.mark.parametrize("family", ["numpy", "torch"])
def test_a_value_that_is_a_view_of_x_is_copied(backend: Any, family: str) -> None:
    # Issue 16: `v *= 10` changed the caller's x.
    x = np.array([1.0, 2.0, 3.0]) if family == "numpy" else torch.tensor([1.0, 2.0, 3.0])
    v, _ = ad.value_and_jacobian(lambda x: x[:2], backend, x)
    v *= 10
    assert x.tolist() == [1.0, 2.0, 3.0]
    v, _ = ad.value_and_pullback(lambda x: x[1:], backend, x, (x[:2] * 1,))
    assert not shares(v, x)


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
@pytest.mark.parametrize("family", ["numpy", "torch"])
def test_a_linear_f_does_not_hand_back_the_callers_tangent(backend: Any, family: str) -> None:
    # Issue 16: a pullback of the identity returned the caller's cotangent buffer.
    x = np.array([1.0, 2.0]) if family == "numpy" else torch.tensor([1.0, 2.0])
    w = x * 0 + 0.5
    (tx,) = ad.pullback(lambda x: x, backend, x, (w,))
    (ty,) = ad.pushforward(lambda x: x, backend, x, (w,))
    assert not shares(tx, w) and not shares(ty, w)
    tx[0] = 7.0
    assert w.tolist() == [0.5, 0.5]


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
def test_a_gradient_of_a_sum_is_not_the_preps_one(backend: Any) -> None:
    # autograd seeds x.sum() with the prep's `1` and returns it broadcast: writing into one
    # gradient changed every later one.
    x = np.arange(3.0)
    f = lambda x: x.sum()
    prep = ad.prepare_gradient(f, backend, x)
    g = ad.gradient(f, backend, x, prep=prep)
    g[...] = 5.0
    assert ad.gradient(f, backend, x, prep=prep).tolist() == [1.0, 1.0, 1.0]
    gt = ad.gradient(f, backend, torch.arange(3.0), prep=ad.prepare_gradient(f, backend, torch.arange(3.0)))
    assert 0 not in gt.stride()


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
def test_the_jacobian_and_hessian_of_an_empty_x(backend: Any) -> None:
    # torch.func's jacfwd indexed the basis that an empty x lacks.
    f = lambda x: (torch.sin(x) * x).sum()
    v, g, H = ad.value_gradient_and_hessian(f, backend, np.zeros(0))
    assert v == 0.0 and g.shape == (0,) and H.shape == (0, 0) and H.dtype == np.float64
    assert ad.hessian(f, backend, torch.zeros(0, dtype=torch.float64)).shape == (0, 0)
    v, J = ad.value_and_jacobian(lambda x: 2 * x, backend, np.zeros(0))
    assert v.shape == (0,) and J.shape == (0, 0)
