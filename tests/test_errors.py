"""Bad input gets a clear error that says what was passed and what to do."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
import pytest

import adcore as ad
from adcore.extend import AbstractBackend, ForwardFromPrimitive, ReverseFromPrimitive

FD = ad.AutoFiniteDiff()


@pytest.mark.parametrize("backend", [FD, ForwardFromPrimitive(FD), ReverseFromPrimitive(FD)], ids=repr)
def test_gradient_of_non_scalar(backend):
    with pytest.raises(ValueError, match="gradient needs a scalar function.*use adcore.jacobian"):
        ad.value_and_gradient(lambda x: x**2, backend, np.ones(3))


def test_out_of_wrong_shape():
    with pytest.raises(ValueError, match=r"`out` must be an array of shape \(3,\)"):
        ad.gradient(lambda x: np.sum(x), FD, np.ones(3), out=np.empty(4))


def test_out_of_wrong_dtype():
    with pytest.raises(ValueError, match="`out` has dtype float32 but the result has dtype float64"):
        ad.gradient(lambda x: np.sum(x), FD, np.ones(3), out=np.empty(3, dtype=np.float32))


def test_tangents_not_a_tuple():
    with pytest.raises(TypeError, match=r"`tx` must be a non-empty tuple.*\(v,\)"):
        ad.pushforward(np.sin, FD, np.ones(3), np.ones(3))


def test_tangent_not_like_x():
    with pytest.raises(ValueError, match=r"tangent 0 must be like x"):
        ad.pushforward(np.sin, FD, np.ones(3), (np.ones(4),))


def test_inplace_function_given_to_gradient():
    with pytest.raises(ad.NotSupportedError, match="gradient does not take in-place functions"):
        ad.gradient(lambda y, x: None, FD, np.ones(3), y=np.empty(1))


def test_inplace_function_given_to_a_backend_without_them_names_who_takes_them():
    @dataclasses.dataclass(frozen=True)
    class AutoOutOfPlace(AbstractBackend):
        name: ClassVar[str] = "outofplace"
        modes: ClassVar[frozenset[str]] = frozenset({"forward"})

    message = (r"does not support in-place functions.*check_inplace\(backend\) is True "
               r"\(installed: finitediff.*\); in-place functions work with derivative, jacobian, "
               r"pushforward, pullback")
    with pytest.raises(ad.NotSupportedError, match=message):
        ad.jacobian(lambda y, x: None, AutoOutOfPlace(), np.ones(3), y=np.empty(1))


def test_backend_in_the_wrong_place():
    with pytest.raises(TypeError, match="argument order"):
        ad.gradient(np.sum, np.ones(3), FD)


def test_context_not_wrapped():
    with pytest.raises(TypeError, match="wrap inactive arguments as adcore.Constant"):
        ad.gradient(lambda x, a: np.sum(a * x), FD, np.ones(3), 2.0)


def test_derivative_needs_scalar():
    with pytest.raises(TypeError, match="derivative needs a scalar x"):
        ad.derivative(np.sin, FD, np.ones(3))


def test_out_tuple_length():
    with pytest.raises(TypeError, match="must be a tuple of 1 buffers"):
        ad.pushforward(np.sin, FD, np.ones(3), (np.ones(3),), out=np.empty(3))
