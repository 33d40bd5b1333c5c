"""AutoTensorFlow with a complex x follows adcore's convention (SPEC 10), TensorFlow's
own, checked against AutoFiniteDiff: ``gradient`` is the direction of steepest ascent (``2z``
for ``|z|**2``), ``pullback`` the adjoint of ``J`` for ``Re(vdot(u, v))``, ``hvp`` the
real-linear map ``t -> d grad(x + s t)/ds``; ``hessian`` is refused."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import adcore as ad

BACKENDS = [
    ad.AutoTensorFlow(), ad.AutoTensorFlow(mode="forward"), ad.AutoTensorFlow(mode="reverse"),
    ad.AutoTensorFlow(jit=True),
]
FD = ad.AutoFiniteDiff()

rng = np.random.default_rng(0)
Z = rng.normal(size=3) + 1j * rng.normal(size=3)
T = rng.normal(size=3) + 1j * rng.normal(size=3)
W = rng.normal(size=3) + 1j * rng.normal(size=3)


# Each function twice: for the engine, and in numpy for the reference.
def scalars(sum, real, imag, conj):
    return {
        "abs2": lambda z: sum(real(z * conj(z))),
        "non_holomorphic": lambda z: sum(real(z) ** 2 * imag(z)),
    }


def vector_of(conj):
    return lambda z: conj(z) * z[1] + z**2


SCALARS = scalars(tf.reduce_sum, tf.math.real, tf.math.imag, tf.math.conj)
NP_SCALARS = scalars(np.sum, np.real, np.imag, np.conj)
vector, np_vector = vector_of(tf.math.conj), vector_of(np.conj)


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
def test_gradient_is_the_direction_of_steepest_ascent(backend):
    grad = ad.gradient(SCALARS["abs2"], backend, np.array([1 + 2j]))
    assert grad.dtype == np.complex128
    np.testing.assert_allclose(grad, [2 + 4j], rtol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
@pytest.mark.parametrize("name", sorted(SCALARS))
def test_gradient_pullback_and_hvp_agree_with_finite_differences(backend, name):
    f = SCALARS[name]
    expected = ad.gradient(NP_SCALARS[name], FD, Z)
    np.testing.assert_allclose(ad.gradient(f, backend, Z), expected, rtol=1e-8)
    value, grad = ad.value_and_gradient(f, backend, Z)
    assert value == pytest.approx(NP_SCALARS[name](Z))
    np.testing.assert_allclose(grad, expected, rtol=1e-8)
    (pull,) = ad.pullback(f, backend, Z, (1.0,))
    np.testing.assert_allclose(pull, expected, rtol=1e-8)
    (hvp,) = ad.hvp(f, backend, Z, (T,))
    gradient = lambda z: ad.gradient(NP_SCALARS[name], FD, z)
    np.testing.assert_allclose(hvp, ad.pushforward(gradient, FD, Z, (T,))[0], rtol=1e-5)


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
def test_pullback_is_the_adjoint_of_the_pushforward(backend):
    (push,) = ad.pushforward(vector, backend, Z, (T,))
    np.testing.assert_allclose(push, ad.pushforward(np_vector, FD, Z, (T,))[0], rtol=1e-8)
    expected = ad.pullback(np_vector, FD, Z, (W,))[0]
    (pull,) = ad.pullback(vector, backend, Z, (W,))
    np.testing.assert_allclose(pull, expected, rtol=1e-8)
    prep = ad.prepare_pullback_same_point(vector, backend, Z, (W,))
    np.testing.assert_allclose(ad.pullback(vector, backend, Z, (W,), prep=prep)[0], expected, rtol=1e-8)
    # The dot-product test with the real inner product: Re<w, J t> == Re<J^H w, t>.
    assert np.real(np.vdot(pull, T)) == pytest.approx(np.real(np.vdot(W, push)), rel=1e-10)


@pytest.mark.parametrize("x", [Z, tf.constant(Z)], ids=["numpy", "tensorflow"])
def test_hessian_of_a_complex_x_is_refused(x):
    with pytest.raises(ad.NotSupportedError, match="complex x"):
        ad.hessian(SCALARS["abs2"], ad.AutoTensorFlow(), x)
