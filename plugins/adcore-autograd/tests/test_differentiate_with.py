"""DifferentiateWith with HIPS autograd at one level and finite differences at the other, and
SecondOrder of the two (issue 19): adcore.testing._pairing's checks on HIPS autograd, and what is
particular to it; every pair of engines: tests/mixed (nox -s mixed)."""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import adcore as ad
from adcore.testing._pairing import check_engine_inner, check_engine_outer, check_second_order

B = ad.AutoAutograd()
FD = ad.AutoFiniteDiff()


def test_autograd_differentiates_a_finite_difference_subroutine() -> None:
    check_engine_outer(B)


def test_autograd_as_the_inner_backend_under_finite_differences() -> None:
    check_engine_inner(B, anp.sin, anp.sum)


def test_second_order_with_finite_differences_at_either_level() -> None:
    check_second_order(B)


def test_a_third_derivative_through_differentiate_with_is_refused() -> None:
    g = ad.DifferentiateWith(lambda x: np.sum(x ** 4), FD)
    with pytest.raises(ad.NotSupportedError, match="third derivative"):
        autograd.jacobian(autograd.hessian(g))(np.ones(2))
