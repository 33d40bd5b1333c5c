"""The array namespace of autograd's boxes: array-API names that autograd differentiates."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from adcore_autograd._namespace import namespace

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
    "asarray-of-boxes": lambda xp, x: xp.sum(xp.asarray([x[0, 0], x[1, 1] ** 2]) ** 2),
    "astype": lambda xp, x: xp.sum(xp.astype(x, xp.float64) ** 3),
    "creation": lambda xp, x: xp.sum(x * xp.ones(x.shape, device="cpu") + xp.zeros_like(x)),
    "reshape-stack": lambda xp, x: xp.sum(xp.reshape(xp.stack([x, -x]), (-1,)) * xp.arange(12.0)),
}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_array_api_names_differentiate_like_finite_differences(name: str) -> None:
    g = FUNCTIONS[name]

    def f(x: Any) -> Any:
        return g(ad.array_namespace(x), x)

    got = ad.gradient(f, ad.AutoAutograd(), X)
    expected = ad.gradient(f, ad.AutoFiniteDiff(), X)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def test_boxes_get_this_namespace_and_numpy_stays_numpy() -> None:
    seen = []

    def f(x: Any) -> Any:
        seen.append(ad.array_namespace(x))
        return (x * x).sum()

    ad.gradient(f, ad.AutoAutograd(), np.ones(2))
    assert seen == [namespace]
    assert ad.array_namespace(np.ones(2)) is not namespace


def test_other_names_are_autograd_numpy_and_devices_are_the_cpu() -> None:
    import autograd.numpy as anp

    assert namespace.einsum is anp.einsum and namespace.float32 is anp.float32
    with pytest.raises(AttributeError, match="no attribute"):
        namespace.no_such_function  # noqa: B018
    with pytest.raises(ValueError, match="CPU"):
        namespace.zeros(3, device="cuda")
