"""The core's Jacobian and Hessian fallbacks on results that are not numpy arrays.

Under an outer engine's trace (autograd's boxes, a JAX tracer) or for an array
family without numpy's attributes (TensorFlow's tensors have no ``.T``), the
fallbacks must work through the namespace of the results they receive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

import adcore as ad
from adcore._operators.hessian import HessianFromHVP
from adcore._operators.primitives import JacobianFromPushforward
from adcore.extend import (
    AbstractBackend,
    AbstractHVP,
    AbstractPushforward,
    ForwardFromPrimitive,
    ReverseFromPrimitive,
)


class Wrapped:
    """An array of another family: no ``.T``, operated on through its own namespace."""

    def __init__(self, value: Any) -> None:
        self.value = np.asarray(value)
        self.shape, self.dtype = self.value.shape, self.value.dtype

    def __array_namespace__(self, api_version: Any = None) -> Any:
        return WrappedNamespace


class WrappedNamespace:
    @staticmethod
    def stack(arrays: Any, axis: int = 0) -> Wrapped:
        return Wrapped(np.stack([a.value for a in arrays], axis=axis))

    @staticmethod
    def reshape(x: Wrapped, shape: Any) -> Wrapped:
        return Wrapped(np.reshape(x.value, shape))

    @staticmethod
    def permute_dims(x: Wrapped, axes: Any) -> Wrapped:
        return Wrapped(np.transpose(x.value, axes))


A = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])


class LinearPushforward(AbstractPushforward):
    """``t -> A @ t``, answered in the wrapped family."""

    def value_and_pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
        return Wrapped(A @ x), tuple(Wrapped(A @ t) for t in tx)


S = np.array([[2.0, 1.0], [1.0, 3.0]])


class QuadraticHVP(AbstractHVP):
    """The hvp of ``x @ S @ x / 2``, ``t -> S @ t``, answered in the wrapped family."""

    def gradient_and_hvp(self, x: Any, tx: Any, contexts: Any) -> Any:
        return Wrapped(S @ x), tuple(Wrapped(S @ t) for t in tx)


@dataclass(frozen=True)
class AutoQuadratic(AbstractBackend):
    name: ClassVar[str] = "quadratic"
    modes: ClassVar[frozenset[str]] = frozenset({"forward"})
    native: ClassVar[frozenset[str]] = frozenset({"hvp"})

    def prepare_hvp(self, f: Any, x: Any, tx: Any, contexts: Any, *, same_point: bool = False) -> Any:
        return QuadraticHVP()


def test_jacobian_from_pushforward_transposes_in_the_results_namespace() -> None:
    x, dx = np.ones(3), np.eye(3)
    jacobian = JacobianFromPushforward(LinearPushforward(), dx)
    _, J = jacobian.value_and_jacobian(x, ())
    assert isinstance(J, Wrapped) and isinstance(jacobian.jacobian(x, ()), Wrapped)
    np.testing.assert_array_equal(J.value, A)


def test_hessian_from_hvp_transposes_in_the_results_namespace() -> None:
    hessian = HessianFromHVP(AutoQuadratic(), lambda x: x @ S @ x / 2, np.ones(2), ())
    H = hessian.hessian(np.ones(2), ())
    assert isinstance(H, Wrapped)
    np.testing.assert_array_equal(H.value, S)


def test_fallbacks_of_an_empty_x() -> None:
    # No basis vectors to push forward or pull back: the stacks of none are still shaped
    # like x, and the matrices of zero rows have their other size spelled out (issue 16).
    fd, x = ad.AutoFiniteDiff(), np.zeros(0)
    forward, reverse = ForwardFromPrimitive(fd), ReverseFromPrimitive(fd)
    for backend in (forward, reverse, ad.SecondOrder(forward, reverse)):
        assert ad.jacobian(lambda x: 2 * x, backend, x).shape == (0, 0)
        assert ad.jacobian(lambda x: np.sum(x), backend, x).shape == (1, 0)
        assert ad.pullback(lambda x: 2 * x, backend, x, (x,))[0].shape == (0,)
        value, grad, H = ad.value_gradient_and_hessian(lambda x: np.sum(x**2), backend, x)
        assert value == 0 and grad.shape == (0,) and H.shape == (0, 0)


def test_the_fallbacks_at_an_empty_x() -> None:
    # A Jacobian from no pushforwards was reshaped to (0, -1), which no reshape can infer;
    # a batch of no tangents was stacked; a Hessian from hvps prepared for no tangent.
    import adcore as ad
    from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive

    fd = ad.AutoFiniteDiff()
    forward, reverse = ForwardFromPrimitive(fd), ReverseFromPrimitive(fd)
    x = np.zeros(0)
    for b in (forward, reverse, ad.SecondOrder(forward, reverse), ad.SecondOrder(reverse, forward)):
        assert ad.gradient(lambda x: np.sum(np.sin(x)), b, x).shape == (0,)
        assert ad.jacobian(lambda x: 2 * x, b, x).shape == (0, 0)
        assert ad.hessian(lambda x: np.sum(np.sin(x)), b, x).shape == (0, 0)
        (pb,) = ad.pullback(lambda x: 2 * x, b, x, (np.zeros(0),))
        assert pb.shape == (0,)
