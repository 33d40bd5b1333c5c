"""AutoFiniteDiff with a complex x: the real and imaginary parts are perturbed in turn.

For a real-valued f, ``gradient`` is the direction of steepest ascent (``2z`` for
``|z|**2``); ``pushforward`` is the real-linear map ``J t``; ``pullback`` its adjoint for
the real inner product ``Re(vdot(u, v))``."""

from __future__ import annotations

import numpy as np
import pytest

import adcore as ad
from adcore.errors import NotSupportedError
from adcore.testing import check_differentiation, check_reference, complex_scenarios

BACKENDS = [
    ad.AutoFiniteDiff(method="forward"),
    ad.AutoFiniteDiff(method="backward"),
    ad.AutoFiniteDiff(),
    ad.AutoFiniteDiff(step="adaptive"),
]

rng = np.random.default_rng(0)
Z = rng.normal(size=3) + 1j * rng.normal(size=3)
T = rng.normal(size=3) + 1j * rng.normal(size=3)


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
def test_every_method_follows_the_convention(backend):
    # The conformance suite's complex family (adcore.testing.complex_scenarios) holds every
    # backend to the convention; here, each method of finite differences on it.
    report = check_differentiation([backend], complex_scenarios(), checks=[check_reference])
    assert report.count("failed") == 0 and report.count("passed") >= 7, str(report)


def test_second_order_through_finite_differences_of_the_gradient():
    # hvp is refused at a complex x (complex_operators); SecondOrder over finite differences
    # of the gradient gives it.
    b = ad.SecondOrder(ad.AutoFiniteDiff(), ad.AutoFiniteDiff())
    assert "hvp" in b.complex_operators and "hvp" not in ad.AutoFiniteDiff().complex_operators
    (hvp,) = ad.hvp(non_holomorphic_sum, b, Z, (T,))
    a, c, ta, tc = Z.real, Z.imag, T.real, T.imag
    np.testing.assert_allclose(hvp, 2 * (ta * c + a * tc) + 2j * a * ta, rtol=1e-5)


def non_holomorphic_sum(z):
    return np.sum(np.real(z) ** 2 * np.imag(z))


def test_pullback_of_a_real_f_is_its_gradient():
    f = lambda z: np.sum(np.abs(z) ** 2)
    (pull,) = ad.pullback(f, ad.AutoFiniteDiff(), Z, (1.0,))
    np.testing.assert_allclose(pull, 2 * Z, rtol=1e-9)


def test_what_is_refused():
    with pytest.raises(NotSupportedError, match="'central', 'forward' or 'backward'"):
        ad.gradient(lambda z: np.sum(np.abs(z)), ad.AutoFiniteDiff(method="complex"), Z)
    for op in (ad.jacobian, ad.hessian):
        with pytest.raises(NotSupportedError, match="real-linear map"):
            op(lambda z: np.abs(z), ad.AutoFiniteDiff(), Z)
    with pytest.raises(ValueError, match="real-valued f"):
        ad.gradient(lambda z: np.sum(z), ad.AutoFiniteDiff(), Z)
