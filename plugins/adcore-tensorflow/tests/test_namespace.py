"""The array namespace of TensorFlow's tensors: array-API names over tf.experimental.numpy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import tensorflow as tf
from adcore_tensorflow._namespace import namespace

import adcore as ad

X = np.array([[0.3, -0.5, 0.8], [0.1, 0.6, -0.2]])

# Each function of x written with array-API names only, through adcore.array_namespace.
FUNCTIONS = {
    "unary": lambda xp, x: xp.sum(xp.acos(x) + xp.asin(x) + xp.atan(x) + xp.asinh(x) + xp.atanh(x)),
    "acosh": lambda xp, x: xp.sum(xp.acosh(2 + x * x)),
    "atan2-pow": lambda xp, x: xp.sum(xp.atan2(x, 2 + x * x) + xp.pow(x, 3)),
    "concat": lambda xp, x: xp.sum(xp.concat([xp.sin(x), x * x], axis=1) ** 2),
    "concat-none": lambda xp, x: xp.sum(xp.concat([x, xp.exp(x)], axis=None) ** 2),
    "permute": lambda xp, x: xp.sum(xp.permute_dims(x, (1, 0)) * xp.asarray([[1.0, 2.0]] * 3)),
    "matrix-transpose": lambda xp, x: xp.sum(xp.matmul(x, xp.matrix_transpose(x)) ** 2),
    "vecdot": lambda xp, x: xp.sum(xp.vecdot(x, xp.sin(x)) ** 2),
    "cumulative-sum": lambda xp, x: xp.sum(xp.cumulative_sum(x, axis=1, include_initial=True) ** 2),
    "unstack": lambda xp, x: xp.sum(xp.unstack(x)[0] * xp.unstack(x, axis=0)[1]),
    "std-var": lambda xp, x: xp.std(x, correction=1) + xp.sum(xp.var(x, axis=0)),
    "astype": lambda xp, x: xp.sum(xp.astype(x, xp.float64) ** 3),
    "creation": lambda xp, x: xp.sum(x * xp.ones(x.shape, dtype=x.dtype) + xp.zeros_like(x)),
    "reshape-stack": lambda xp, x: xp.sum(xp.reshape(xp.stack([x, -x]), (-1,))
                                          * xp.arange(12.0, dtype=xp.float64)),
}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_array_api_names_differentiate_like_finite_differences(name: str) -> None:
    g = FUNCTIONS[name]

    def f(x: Any) -> Any:
        return g(ad.array_namespace(x), x)

    got = ad.gradient(f, ad.AutoTensorFlow(), X)
    expected = ad.gradient(f, ad.AutoFiniteDiff(), X)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def test_tensors_variables_and_traced_tensors_get_this_namespace() -> None:
    seen = []

    @tf.function
    def traced(x: Any) -> Any:
        seen.append(ad.array_namespace(x))
        return x

    traced(tf.ones(2))
    assert seen == [namespace]
    assert ad.array_namespace(tf.ones(2)) is namespace
    assert ad.array_namespace(tf.Variable([1.0])) is namespace
    assert ad.array_namespace(np.ones(2)) is not namespace


def test_creation_takes_a_device() -> None:
    x = tf.ones(2)
    ones = namespace.ones((2,), dtype=x.dtype, device=x.device)
    assert ones.device == x.device and ones.dtype == x.dtype
    assert namespace.astype(x, tf.float64, device="/CPU:0").dtype == tf.float64


def test_other_names_are_tensorflow_numpy() -> None:
    assert namespace.einsum is tf.experimental.numpy.einsum
    with pytest.raises(AttributeError, match="no attribute"):
        namespace.no_such_function  # noqa: B018
