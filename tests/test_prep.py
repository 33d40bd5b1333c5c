"""Strict preparation: a prepared call that does not fit says what differs."""

from __future__ import annotations

import numpy as np
import pytest

import adcore as ad

FD = ad.AutoFiniteDiff()


def f(x):
    return np.sum(x**2)


def test_mismatch_lists_each_argument():
    prep = ad.prepare_gradient(f, FD, np.zeros(3))
    with pytest.raises(ad.PrepMismatchError) as info:
        ad.gradient(f, FD, np.zeros(4, dtype=np.float32), prep=prep)
    message = str(info.value)
    assert "x: prep expected numpy.ndarray of shape (3,) and dtype float64" in message
    assert "got numpy.ndarray of shape (4,) and dtype float32" in message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "change",
    [
        dict(f=lambda x: np.sum(x)),
        dict(backend=ad.AutoFiniteDiff(method="forward")),
        dict(x=np.zeros(3, dtype=np.float32)),
        dict(x=np.zeros((3, 1))),
        dict(contexts=(ad.Constant(1.0),)),
    ],
    ids=["f", "backend", "dtype", "shape", "contexts"],
)
def test_mismatch_is_caught(change):
    prep = ad.prepare_gradient(f, FD, np.zeros(3))
    args = dict(f=f, backend=FD, x=np.ones(3), contexts=())
    args.update(change)
    with pytest.raises(ad.PrepMismatchError, match="does not fit its preparation"):
        ad.gradient(args["f"], args["backend"], args["x"], *args["contexts"], prep=prep)


def test_another_array_type_of_the_same_family_shape_and_dtype_fits(tmp_path):
    prep = ad.prepare_gradient(f, FD, np.zeros(3))
    mapped = np.memmap(tmp_path / "x", dtype=np.float64, mode="w+", shape=(3,))  # numpy's, not ndarray
    mapped[:] = [0.0, 1.0, 2.0]
    np.testing.assert_allclose(ad.gradient(f, FD, mapped, prep=prep), [0.0, 2.0, 4.0], atol=1e-6)
    with pytest.raises(ad.PrepMismatchError, match="got numpy.memmap of shape"):
        ad.gradient(f, FD, np.memmap(tmp_path / "y", dtype=np.float32, mode="w+", shape=(3,)), prep=prep)
    prep = ad.prepare_derivative(np.sin, FD, 1.0)  # Python numbers: the same type, not just family
    with pytest.raises(ad.PrepMismatchError, match="x: prep expected float, got int"):
        ad.derivative(np.sin, FD, 1, prep=prep)


def test_operator_mismatch():
    prep = ad.prepare_gradient(f, FD, np.zeros(3))
    with pytest.raises(ad.PrepMismatchError, match="operator: prep expected gradient, got jacobian"):
        ad.jacobian(f, FD, np.zeros(3), prep=prep)


def test_tangent_batch_mismatch():
    x = np.ones(2)
    prep = ad.prepare_pushforward(np.sin, FD, x, (x,))
    with pytest.raises(ad.PrepMismatchError, match="a batch of 1, got a batch of 2"):
        ad.pushforward(np.sin, FD, x, (x, x), prep=prep)


def test_non_strict_skips_the_check():
    prep = ad.prepare_gradient(f, FD, np.zeros(3), strict=False)
    grad = ad.gradient(lambda x: np.sum(x**2), FD, np.ones(3), prep=prep)
    np.testing.assert_allclose(grad, 2 * np.ones(3), rtol=1e-6)


def test_repr_says_what_it_is():
    prep = ad.prepare_gradient(f, FD, np.zeros(3))
    assert "gradient of 'f'" in repr(prep)
    assert "shape (3,)" in repr(prep)
