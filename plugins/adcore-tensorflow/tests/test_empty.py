"""AutoTensorFlow on an empty x: the Jacobian and Hessian that the operators define there."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import tensorflow as tf

import adcore as ad

BACKENDS = [ad.AutoTensorFlow(), ad.AutoTensorFlow(mode="forward"), ad.AutoTensorFlow(mode="reverse"),
            ad.AutoTensorFlow(jit=True)]


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
@pytest.mark.parametrize("family", ["numpy", "tensorflow"])
def test_jacobian_and_hessian_of_an_empty_x(backend: Any, family: str) -> None:
    # The forward Jacobian read f(x) off its first column, which an empty x lacks, and an
    # empty Hessian came out float32 for float64 x.
    x = np.zeros(0) if family == "numpy" else tf.zeros((0,), dtype=tf.float64)
    v, J = ad.value_and_jacobian(lambda x: tf.sin(x) * 2, backend, x)
    assert tuple(v.shape) == (0,) and tuple(J.shape) == (0, 0) and J.dtype == x.dtype
    v, g, H = ad.value_gradient_and_hessian(lambda x: tf.reduce_sum(tf.sin(x)), backend, x)
    assert float(v) == 0.0 and tuple(g.shape) == (0,) and tuple(H.shape) == (0, 0)
    assert H.dtype == x.dtype
