"""AutoFiniteDiff with a complex x: the real and imaginary parts are perturbed in turn.

For a real-valued f, ``gradient`` is the direction of steepest ascent (``2z`` for
``|z|**2``); ``pushforward`` is the real-linear map ``J t``; ``pullback`` its adjoint for
the real inner product ``Re(vdot(u, v))``."""

from __future__ import annotations

import numpy as np
import pytest

import adcore as ad
from adcore.errors import NotSupportedError

BACKENDS = [
    ad.AutoFiniteDiff(method="forward"),
    ad.AutoFiniteDiff(method="backward"),
    ad.AutoFiniteDiff(),
    ad.AutoFiniteDiff(step="adaptive"),
]
TOL = {"forward": 1e-6, "backward": 1e-6, "central": 1e-9}

rng = np.random.default_rng(0)
Z = rng.normal(size=3) + 1j * rng.normal(size=3)
T = rng.normal(size=3) + 1j * rng.normal(size=3)
W = rng.normal(size=3) + 1j * rng.normal(size=3)


def holomorphic(z):
    return z**2 * z[0]


def holomorphic_jt(z, t):
    # d(z_k**2 z_0) = 2 z_k z_0 dz_k + z_k**2 dz_0
    return 2 * z * z[0] * t + z**2 * t[0]


def non_holomorphic(z):
    return np.conj(z) * z[1] + np.abs(z) ** 2


def non_holomorphic_jt(z, t):
    # d(conj(z_k) z_1) = conj(dz_k) z_1 + conj(z_k) dz_1; d|z_k|**2 = 2 Re(conj(z_k) dz_k)
    return np.conj(t) * z[1] + np.conj(z) * t[1] + 2 * np.real(np.conj(z) * t)


def tol(backend):
    return TOL[backend.method]


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
def test_gradient_is_the_direction_of_steepest_ascent(backend):
    grad = ad.gradient(lambda z: np.sum(np.real(z * np.conj(z))), backend, np.array([1 + 2j]))
    assert grad.dtype == np.complex128
    np.testing.assert_allclose(grad, [2 + 4j], rtol=tol(backend))
    grad = ad.gradient(lambda z: np.sum(np.abs(z) ** 2), backend, Z)
    np.testing.assert_allclose(grad, 2 * Z, rtol=tol(backend))


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
@pytest.mark.parametrize(
    ("f", "jt"), [(holomorphic, holomorphic_jt), (non_holomorphic, non_holomorphic_jt)]
)
def test_pushforward_is_j_t_and_pullback_its_adjoint(backend, f, jt):
    (push,) = ad.pushforward(f, backend, Z, (T,))
    np.testing.assert_allclose(push, jt(Z, T), rtol=tol(backend), atol=tol(backend))
    (pull,) = ad.pullback(f, backend, Z, (W,))
    assert pull.dtype == np.complex128 and pull.shape == Z.shape
    # The dot-product test with the real inner product: Re<w, J t> == Re<J^H w, t>.
    lhs = np.real(np.vdot(W, jt(Z, T)))
    assert np.real(np.vdot(pull, T)) == pytest.approx(lhs, rel=10 * tol(backend))


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
