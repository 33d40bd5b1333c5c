"""DifferentiateWith with TensorFlow at one level and finite differences at the other, and
SecondOrder of the two (issue 19): adcore.testing._pairing's checks on TensorFlow, and what is
particular to it; every pair of engines: tests/mixed (nox -s mixed)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import tensorflow as tf

import adcore as ad
from adcore.testing._pairing import X, check_engine_inner, check_engine_outer, check_second_order

B = ad.AutoTensorFlow()
FD = ad.AutoFiniteDiff()


def test_tensorflow_differentiates_a_finite_difference_subroutine() -> None:
    check_engine_outer(B)


def test_tensorflow_as_the_inner_backend_under_finite_differences() -> None:
    check_engine_inner(B, tf.sin, tf.reduce_sum)


def test_second_order_with_finite_differences_at_either_level() -> None:
    check_second_order(B)


def test_a_third_derivative_through_differentiate_with_is_refused() -> None:
    g = ad.DifferentiateWith(lambda x: np.sum(x ** 4), FD)
    with pytest.raises(ad.NotSupportedError, match="third derivative"):
        _third_with_tapes(g)


def _third_with_tapes(g: Any) -> Any:
    x = tf.Variable(tf.ones(2, dtype=tf.float64))
    with tf.GradientTape() as t3, tf.GradientTape() as t2, tf.GradientTape() as t1:
        y = g(x)
        d1 = t1.gradient(y, x)
        d2 = t2.jacobian(d1, x)
    return t3.jacobian(d2, x)


def test_xla_cannot_call_back_and_says_so() -> None:
    g = ad.DifferentiateWith(lambda x: np.sum(x * np.sin(x)), FD)
    with pytest.raises(ad.NotSupportedError, match="XLA"):
        ad.gradient(lambda x: g(x) * 2.0, ad.AutoTensorFlow(jit=True), X)


def test_inside_tf_function() -> None:
    g = ad.DifferentiateWith(lambda x: tf.reduce_sum(x * tf.sin(x)), B)

    @tf.function
    def gradient(x: Any) -> Any:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = g(x) ** 2
        return tape.gradient(y, x)

    s, c = np.sin(X), np.cos(X)
    expected = 2 * np.sum(X * s) * (s + X * c)
    np.testing.assert_allclose(gradient(tf.constant(X)).numpy(), expected, rtol=1e-10)
