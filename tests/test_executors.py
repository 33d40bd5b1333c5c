"""The executors' default stacked forms, which the core's Jacobian and Hessian fallbacks call."""

from __future__ import annotations

from typing import Any

import numpy as np

from adcore.extend import AbstractHVP, AbstractPullback, AbstractPushforward


class Traced:
    """Stands for an engine's traced value (an autograd box, a JAX tracer): not numpy."""

    def __init__(self, value: Any) -> None:
        self.value, self.shape = np.asarray(value), np.shape(value)

    def __array_namespace__(self, api_version: Any = None) -> Any:
        return TracedNamespace


class TracedNamespace:
    @staticmethod
    def stack(arrays: Any, axis: int = 0) -> Traced:
        return Traced(np.stack([a.value for a in arrays], axis=axis))


class Doubling(AbstractPushforward, AbstractPullback, AbstractHVP):
    """``2 * t`` for every tangent, returned as traced values (as under an outer trace)."""

    def value_and_pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
        return Traced(x), tuple(Traced(2 * t) for t in tx)

    def value_and_pullback(self, x: Any, ty: Any, contexts: Any, y: Any = None) -> Any:
        return Traced(x), tuple(Traced(2 * t) for t in ty)

    def gradient_and_hvp(self, x: Any, tx: Any, contexts: Any) -> Any:
        return Traced(x), tuple(Traced(2 * t) for t in tx)


def test_stacked_results_stay_in_the_namespace_of_the_results() -> None:
    # The basis is numpy but the results are traced: stacking them with numpy
    # would detach them from the outer trace (nested differentiation).
    x, basis = np.ones(3), np.eye(3)
    executor = Doubling()
    results = [
        executor.value_and_pushforward_stacked(x, basis, ())[1],
        executor.pushforward_stacked(x, basis, ()),
        executor.value_and_pullback_stacked(x, basis, ())[1],
        executor.pullback_stacked(x, basis, ()),
        executor.gradient_and_hvp_stacked(x, basis, ())[1],
    ]
    for stacked in results:
        assert isinstance(stacked, Traced)
        np.testing.assert_array_equal(stacked.value, 2 * basis)


def test_numpy_results_stack_as_numpy() -> None:
    class Plain(AbstractPushforward):
        def value_and_pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
            return x, tuple(3 * t for t in tx)

    dy = Plain().pushforward_stacked(np.ones(2), np.eye(2), ())
    assert type(dy) is np.ndarray
    np.testing.assert_array_equal(dy, 3 * np.eye(2))


def test_gathered_forms_read_the_flattened_products() -> None:
    # AutoSparse's seeds and positions, fixed once: the products flattened in C order and
    # read at `index` (any shape), the position one past the last product reading zero.
    class Linear(AbstractPushforward, AbstractPullback):
        A = np.arange(6.0).reshape(2, 3)

        def value_and_pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
            return self.A @ x, tuple(self.A @ t for t in tx)

        def value_and_pullback(self, x: Any, ty: Any, contexts: Any, y: Any = None) -> Any:
            return self.A @ x, tuple(t @ self.A for t in ty)

    x, seeds = np.ones(3), np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    executor, index = Linear(), np.array([[3, 0], [4, 1]])
    products = (seeds @ Linear.A.T).ravel()  # 2 seeds x 2 outputs
    got = executor.gathered_pushforward(seeds, index)(x, ())
    np.testing.assert_array_equal(got, np.append(products, 0)[index])
    assert got[1, 0] == 0.0 and got.dtype == x.dtype
    value, got = executor.gathered_pushforward(seeds, index, True)(x, ())
    np.testing.assert_array_equal(value, Linear.A @ x)
    np.testing.assert_array_equal(got, np.append(products, 0)[index])
    cotangents = np.eye(2)
    value, got = executor.gathered_pullback(cotangents, np.array([5, 0, 6]), True)(x, ())
    np.testing.assert_array_equal(got, [Linear.A[1, 2], Linear.A[0, 0], 0.0])
    np.testing.assert_array_equal(executor.gathered_pullback(cotangents, np.arange(6))(x, ()),
                                  Linear.A.ravel())
