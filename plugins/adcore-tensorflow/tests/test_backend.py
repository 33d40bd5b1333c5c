"""AutoTensorFlow beyond the conformance suite: families, dtypes, jit, recordings, errors, loading."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import tensorflow as tf

import adcore as ad
from adcore.testing import (
    check_differentiation,
    check_prepared,
    check_reference,
    check_result_type,
    default_scenarios,
)

BACKENDS = [
    ad.AutoTensorFlow(),
    ad.AutoTensorFlow(mode="forward"),
    ad.AutoTensorFlow(mode="reverse"),
    ad.AutoTensorFlow(jit=True),
    ad.AutoTensorFlow(mode="forward", jit=True),
]
X = np.array([0.3, -0.5, 0.8, 1.1])
CHECKS = [check_reference, check_prepared, check_result_type]


def sinx(x: Any) -> Any:
    return tf.reduce_sum(tf.sin(x) * x)


def shiftprod(x: Any) -> Any:
    return tf.sin(x[:-1]) * x[1:]


def shiftprod_jacobian(x: Any) -> Any:
    jac = np.zeros((3, 4))
    for i in range(3):
        jac[i, i], jac[i, i + 1] = np.cos(x[i]) * x[i + 1], np.sin(x[i])
    return jac


def test_options_repr_and_equality() -> None:
    assert repr(ad.AutoTensorFlow()) == "AutoTensorFlow()"
    b = ad.AutoTensorFlow(mode="reverse", jit=True)
    assert repr(b) == "AutoTensorFlow(mode='reverse', jit=True)"
    assert eval(repr(b), {"AutoTensorFlow": ad.AutoTensorFlow}) == b
    assert hash(b) == hash(ad.backend("tensorflow", mode="reverse", jit=True))
    assert ad.check_available(b) and not ad.check_inplace(b)
    with pytest.raises(ValueError, match="mode must be None"):
        ad.AutoTensorFlow(mode="both")
    with pytest.raises(TypeError, match="jit must be True or False"):
        ad.AutoTensorFlow(jit=1)  # type: ignore[arg-type]


def _as(kind: str, v: Any) -> Any:
    return {"numpy": v, "tensor": tf.constant(v), "variable": tf.Variable(v)}[kind]


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
@pytest.mark.parametrize("kind", ["numpy", "tensor", "variable"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_native_operators_keep_family_and_dtype(backend: Any, kind: str, dtype: Any) -> None:
    x = _as(kind, X.astype(dtype))
    tol = {"rtol": 1e-5} if dtype == np.float32 else {}
    value, grad = ad.value_and_gradient(sinx, backend, x)
    _, J = ad.value_and_jacobian(shiftprod, backend, x)
    _, g, H = ad.value_gradient_and_hessian(sinx, backend, x)
    t = _as(kind, np.ones(4, dtype))  # like x, of its type (the core checks it)
    _, (h,) = ad.gradient_and_hvp(sinx, backend, x, (t,))
    (pf,) = ad.pushforward(shiftprod, backend, x, (t,))
    (pb,) = ad.pullback(shiftprod, backend, x, (np.ones(3, dtype) if kind == "numpy" else tf.ones(3, dtype),))
    xn = X.astype(dtype)
    np.testing.assert_allclose(np.asarray(grad), np.cos(xn) * xn + np.sin(xn), **tol)
    np.testing.assert_allclose(np.asarray(J), shiftprod_jacobian(xn), **tol)
    np.testing.assert_allclose(np.asarray(H), np.diag(2 * np.cos(xn) - xn * np.sin(xn)), **tol)
    np.testing.assert_allclose(np.asarray(h), 2 * np.cos(xn) - xn * np.sin(xn), **tol)
    np.testing.assert_allclose(np.asarray(pf), shiftprod_jacobian(xn).sum(axis=1), **tol)
    np.testing.assert_allclose(np.asarray(pb), shiftprod_jacobian(xn).sum(axis=0), **tol)
    expected = np.ndarray if kind == "numpy" else tf.Tensor
    for r in (value, grad, J, g, H, h, pf, pb):
        assert isinstance(r, expected) or (kind == "numpy" and isinstance(r, np.generic))
        assert np.dtype(tf.as_dtype(r.dtype).as_numpy_dtype) == dtype


def test_python_floats() -> None:
    b = ad.AutoTensorFlow()
    f = lambda x: tf.exp(x) * x
    assert ad.derivative(f, b, 0.5) == pytest.approx(np.exp(0.5) * 1.5)
    value, d, d2 = ad.value_derivative_and_second_derivative(f, b, 0.5)
    assert (value, d, d2) == pytest.approx((np.exp(0.5) * 0.5, np.exp(0.5) * 1.5, np.exp(0.5) * 2.5))
    (t,) = ad.pullback(tf.sin, b, 0.5, (2.0,))
    assert isinstance(t, float) and t == pytest.approx(2 * np.cos(0.5))


class Counted:
    def __init__(self, f: Any) -> None:
        self.f, self.calls = f, 0

    def __call__(self, x: Any, *args: Any) -> Any:
        self.calls += 1
        return self.f(x, *args)


def test_jit_traces_once_at_preparation_shapes() -> None:
    # Under tf.function, f runs only while TensorFlow traces: once for all these calls.
    f, b = Counted(sinx), ad.AutoTensorFlow(jit=True)
    prep = ad.prepare_gradient(f, b, X)
    grads = [ad.gradient(f, b, X * k, prep=prep) for k in (1.0, 2.0, 3.0)]
    assert f.calls == 1
    np.testing.assert_allclose(grads[1], np.cos(2 * X) * 2 * X + np.sin(2 * X))
    ad.gradient(f, b, tf.constant(X))  # prepared again, unprepared: the same compiled program
    assert f.calls == 1


def test_a_batch_of_cotangents_is_one_recording() -> None:
    f = Counted(shiftprod)
    ty = (np.ones(3), np.zeros(3), -np.ones(3))
    prep = ad.prepare_pullback(f, ad.AutoTensorFlow(), X, ty)
    f.calls = 0
    tx = ad.pullback(f, ad.AutoTensorFlow(), X, ty, prep=prep)
    assert f.calls == 1
    np.testing.assert_allclose(tx[2], -tx[0])


def test_same_point_preparations_keep_the_recording() -> None:
    b, f = ad.AutoTensorFlow(), Counted(sinx)
    prep = ad.prepare_pullback_same_point(f, b, X, (1.0,))
    tx = [ad.pullback(f, b, X, (w,), prep=prep)[0] for w in (1.0, 2.0)]
    assert f.calls == 1
    np.testing.assert_allclose(tx[1], 2 * tx[0])
    f.calls = 0
    prep = ad.prepare_hvp_same_point(f, b, X, (np.ones(4),))
    hs = [ad.hvp(f, b, X, (t,), prep=prep)[0] for t in (np.ones(4), 3 * np.ones(4))]
    assert f.calls == 1
    np.testing.assert_allclose(hs[1], 3 * hs[0])


def test_gradient_of_an_array_function_raises() -> None:
    for b in (ad.AutoTensorFlow(), ad.AutoTensorFlow(mode="forward"), ad.AutoTensorFlow(jit=True)):
        with pytest.raises(ValueError, match="scalar function"):
            ad.gradient(shiftprod, b, X)


def cached(x: Any, cache: Any) -> Any:
    cache[...] = x * 2  # a whole write
    cache[1:] = tf.sin(x[1:])  # a write by parts
    cache[0] = x[0] ** 3  # a scalar into an element
    return x * cache + cache[::-1] * tf.exp(cache) + np.ones(4) * cache  # on either side


@pytest.mark.parametrize("backend", BACKENDS[::2], ids=repr)
def test_a_cache_takes_writes_of_tensors(backend: Any) -> None:
    # A Cache reaches f as a writable stand-in: its writes are differentiable scatters.
    expected = ad.jacobian(cached, ad.AutoFiniteDiff(), X, ad.Cache(np.zeros(4)))
    got = ad.jacobian(cached, backend, X, ad.Cache(np.zeros(4)))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
    loss = lambda x, cache: tf.reduce_sum(cached(x, cache) ** 2)
    expected = ad.hessian(loss, ad.AutoFiniteDiff(), X, ad.Cache(np.zeros(4)))
    got = ad.hessian(loss, backend, X, ad.Cache(np.zeros(4)))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_inplace_functions_raise_not_supported() -> None:
    def f(y: Any, x: Any) -> None:
        y[...] = x * 2

    with pytest.raises(ad.NotSupportedError, match="in-place"):
        ad.jacobian(f, ad.AutoTensorFlow(), X, y=np.zeros(4))


def test_eager_forward_mode() -> None:
    # The conformance suite runs forward mode compiled; here its eager loops, which are slow
    # in TensorFlow (a forward accumulator costs milliseconds): one scenario per operator.
    wanted = ("gradient-vector-scalar-sinx", "jacobian-vector-vector-shiftprod",
              "hessian-matrix-scalar-rowpairs", "hvp-vector-scalar-sinx")
    scenarios = [s for s in default_scenarios() if s.id in wanted]
    assert len(scenarios) == len(wanted)
    _check(ad.AutoTensorFlow(mode="forward"), scenarios)


def _check(backend: Any, scenarios: list[Any]) -> None:
    report = check_differentiation([backend], scenarios, checks=CHECKS)
    assert report, str(report)


@pytest.mark.parametrize(
    "backend",
    [ad.SecondOrder(ad.AutoTensorFlow(), ad.AutoTensorFlow(mode="reverse")),
     ad.SecondOrder(ad.AutoTensorFlow(mode="reverse"), ad.AutoTensorFlow(jit=True))],
    ids=repr,
)
def test_second_order_nests_tensorflow_in_itself(backend: Any) -> None:
    # The outer backend runs the inner one's native executors under its tape or accumulator.
    wanted = ("hessian-vector-scalar-sinx", "hessian-matrix-scalar-rowpairs", "hvp-vector-scalar-sinx")
    _check(backend, [s for s in default_scenarios() if s.id in wanted])


def test_import_adcore_and_plugin_loading_do_not_import_tensorflow() -> None:
    code = (
        "import sys, adcore as ad\n"
        "names = [b.name for b in ad.available_backends() if b.error is None]\n"
        "assert 'tensorflow' in names, names\n"
        "assert ad.AutoTensorFlow().available()\n"
        "assert 'tensorflow' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- issue 16: the same answer or one clear error on every engine


@pytest.mark.parametrize("x", [2, True, np.arange(3)], ids=repr)
def test_integer_x_gives_the_error_of_every_engine(x: Any) -> None:
    with pytest.raises(ad.ArgumentTypeError, match="derivatives need floating-point x"):
        (ad.derivative if np.ndim(x) == 0 else ad.jacobian)(tf.sin, ad.AutoTensorFlow(), x)


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
@pytest.mark.parametrize("make", [np.ma.masked_array, np.matrix], ids=lambda t: t.__name__)
def test_a_numpy_subclass_x_is_refused(make: Any) -> None:
    with pytest.raises(ad.ArgumentTypeError, match="subclass of numpy.ndarray"):
        ad.gradient(lambda x: tf.reduce_sum(x ** 2), ad.AutoTensorFlow(), make([[1.0, 2.0]]))


def test_adcore_errors_keep_their_class_through_autograph() -> None:
    # tf.function's autograph rebuilds an exception raised while tracing only where its
    # __init__ is Exception's; any other class became a StagingError.
    with pytest.raises(ad.ShapeError, match="scalar function"):
        ad.gradient(shiftprod, ad.AutoTensorFlow(jit=True), X)
