"""AutoAutograd's results are the caller's own (SPEC 10): they never share memory with x, a
tangent, a context or an earlier result; and empty x, where an operator defines a result."""

from __future__ import annotations

from typing import Any

import autograd.numpy as anp
import numpy as np
import pytest

import adcore as ad

BACKENDS = [ad.AutoAutograd(), ad.AutoAutograd(mode="forward"), ad.AutoAutograd(mode="reverse")]


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
def test_a_value_that_is_a_view_of_x_is_copied(backend: Any) -> None:
    # Issue 16: `v *= 10` changed the caller's x.
    x = np.array([1.0, 2.0, 3.0])
    v, _ = ad.value_and_jacobian(lambda x: x[:2], backend, x)
    v *= 10
    assert x.tolist() == [1.0, 2.0, 3.0]
    for value in (ad.value_and_pullback(lambda x: x[1:], backend, x, (np.ones(2),))[0],
                  ad.value_and_pushforward(lambda x: x, backend, x, (np.ones(3),))[0],
                  ad.value_and_gradient(lambda x: x, backend, np.asarray(2.0))[0]):
        assert not np.shares_memory(value, x)


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
def test_a_linear_f_does_not_hand_back_the_callers_tangent(backend: Any) -> None:
    # Issue 16: a pullback of the identity returned the caller's cotangent buffer.
    x, w = np.array([1.0, 2.0]), np.array([0.5, 0.5])
    (tx,) = ad.pullback(lambda x: x, backend, x, (w,))
    (ty,) = ad.pushforward(lambda x: x, backend, x, (w,))
    (hv,) = ad.hvp(lambda x: anp.sum(x * x) / 2, backend, x, (w,))
    for r in (tx, ty, hv):
        assert not np.shares_memory(r, w)


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
def test_same_point_preparations_return_new_arrays_at_each_call(backend: Any) -> None:
    # The value (and the gradient) kept with the trace was returned at every call.
    x, w = np.array([1.0, 2.0]), (np.array([0.5, 0.5]),)
    prep = ad.prepare_pullback_same_point(anp.sin, backend, x, w)
    v1, _ = ad.value_and_pullback(anp.sin, backend, x, w, prep=prep)
    v2, _ = ad.value_and_pullback(anp.sin, backend, x, w, prep=prep)
    assert not np.shares_memory(v1, v2)
    f = lambda x: anp.sum(x * x * x)
    prep = ad.prepare_hvp_same_point(f, backend, x, w)
    g1, _ = ad.gradient_and_hvp(f, backend, x, w, prep=prep)
    g2, _ = ad.gradient_and_hvp(f, backend, x, w, prep=prep)
    assert not np.shares_memory(g1, g2)


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
def test_an_empty_x(backend: Any) -> None:
    # Forward Jacobians and Hessians read f(x) off their first column, which an empty x lacks.
    v, J = ad.value_and_jacobian(lambda x: anp.sin(x) * 2, backend, np.zeros(0))
    assert v.shape == (0,) and J.shape == (0, 0)
    v, g, H = ad.value_gradient_and_hessian(lambda x: anp.sum(anp.sin(x)), backend, np.zeros(0))
    assert v == 0.0 and g.shape == (0,) and H.shape == (0, 0)
    assert ad.jacobian(lambda x: anp.ones(2) * anp.sum(x), backend, np.zeros(0)).shape == (2, 0)
