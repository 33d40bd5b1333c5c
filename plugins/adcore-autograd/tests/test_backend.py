"""AutoAutograd beyond the conformance suite: options, modes, dtypes, traces, errors, loading."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import autograd.numpy as anp
import numpy as np
import pytest

import adcore as ad
from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive
from adcore.testing import all_scenarios, check_backend

MODES = [None, "forward", "reverse"]


def sinx(x: Any) -> Any:
    return anp.sum(anp.sin(x) * x)


def shiftprod(x: Any) -> Any:
    return anp.sin(x[:-1]) * x[1:]


X = np.array([0.3, -0.5, 0.8, 1.1])


def test_options_repr_and_equality() -> None:
    assert repr(ad.AutoAutograd()) == "AutoAutograd()"
    b = ad.AutoAutograd(mode="forward")
    assert eval(repr(b), {"AutoAutograd": ad.AutoAutograd}) == b
    assert hash(b) == hash(ad.backend("autograd", mode="forward"))
    assert ad.check_available(b) and not ad.check_inplace(b)
    with pytest.raises(ValueError, match="mode must be None"):
        ad.AutoAutograd(mode="sideways")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_native_operators_keep_numpy_and_dtype(mode: str | None, dtype: Any) -> None:
    b, x = ad.AutoAutograd(mode=mode), X.astype(dtype)
    tol = {"rtol": 1e-5} if dtype == np.float32 else {}
    value, grad = ad.value_and_gradient(sinx, b, x)
    np.testing.assert_allclose(grad, np.cos(x) * x + np.sin(x), **tol)
    J = ad.jacobian(shiftprod, b, x)
    jac = np.zeros((3, 4))
    for i in range(3):
        jac[i, i], jac[i, i + 1] = np.cos(x[i]) * x[i + 1], np.sin(x[i])
    np.testing.assert_allclose(J, jac, **tol)
    value, g, H = ad.value_gradient_and_hessian(sinx, b, x)
    np.testing.assert_allclose(H, np.diag(2 * np.cos(x) - x * np.sin(x)), **tol)
    g2, (h,) = ad.gradient_and_hvp(sinx, b, x, (np.ones(4, dtype),))
    np.testing.assert_allclose(h, 2 * np.cos(x) - x * np.sin(x), **tol)
    for r in (grad, J, g, H, g2, h):
        assert type(r) is np.ndarray and r.dtype == dtype
    assert np.asarray(value).dtype == dtype


def test_python_float_in_python_float_out() -> None:
    b = ad.AutoAutograd()
    d = ad.derivative(lambda x: anp.exp(x) * x, b, 0.5)
    assert isinstance(d, float) and d == pytest.approx(np.exp(0.5) * 1.5)
    (t,) = ad.pullback(lambda x: anp.sin(x), b, 0.5, (2.0,))
    assert isinstance(t, float) and t == pytest.approx(2 * np.cos(0.5))
    assert ad.second_derivative(lambda x: x**3, b, 2.0) == pytest.approx(12.0)


def test_constant_contexts() -> None:
    a = np.array([1.5, -0.5, 2.0, 0.25])
    f = lambda x, a: anp.sum(a * anp.sin(x))
    for mode in MODES:
        b = ad.AutoAutograd(mode=mode)
        np.testing.assert_allclose(ad.gradient(f, b, X, ad.Constant(a)), a * np.cos(X))
        np.testing.assert_allclose(ad.hessian(f, b, X, ad.Constant(a)), np.diag(-a * np.sin(X)))


class Counted:
    def __init__(self, f: Any) -> None:
        self.f, self.calls = f, 0

    def __call__(self, x: Any, *args: Any) -> Any:
        self.calls += 1
        return self.f(x, *args)


def test_a_batch_of_cotangents_is_one_trace() -> None:
    f = Counted(shiftprod)
    prep = ad.prepare_pullback(f, ad.AutoAutograd(), X, (np.ones(3),) * 3)
    f.calls = 0
    ad.pullback(f, ad.AutoAutograd(), X, (np.ones(3), np.zeros(3), -np.ones(3)), prep=prep)
    assert f.calls == 1


def test_same_point_preparations_keep_the_trace() -> None:
    b, f = ad.AutoAutograd(), Counted(sinx)
    prep = ad.prepare_pullback_same_point(f, b, X, (1.0,))
    tx = [ad.pullback(f, b, X, (w,), prep=prep)[0] for w in (1.0, 2.0, -1.0)]
    assert f.calls == 1
    np.testing.assert_allclose(tx[1], 2 * tx[0])
    f.calls = 0
    prep = ad.prepare_hvp_same_point(f, b, X, (np.ones(4),))
    hs = [ad.hvp(f, b, X, (t,), prep=prep)[0] for t in (np.ones(4), 3 * np.ones(4))]
    assert f.calls == 1
    np.testing.assert_allclose(hs[1], 3 * hs[0])


def test_gradient_of_an_array_function_raises() -> None:
    with pytest.raises(ValueError, match="scalar function"):
        ad.gradient(shiftprod, ad.AutoAutograd(), X)


def cached(x: Any, cache: Any) -> Any:
    cache[...] = x * 2  # a whole write
    cache[1:] = anp.sin(x[1:])  # a write by parts
    cache[0] = x[0] ** 3  # a scalar into an element
    return x * cache + cache[::-1] * anp.exp(cache)  # the cache on either side of an operator


@pytest.mark.parametrize("mode", MODES)
def test_a_cache_takes_writes_of_traced_values(mode: str | None) -> None:
    # A Cache reaches f as a writable box: its writes are recorded, in both modes.
    b, c = ad.AutoAutograd(mode=mode), ad.Cache(np.zeros(4))
    expected = ad.jacobian(cached, ad.AutoFiniteDiff(), X, ad.Cache(np.zeros(4)))
    np.testing.assert_allclose(ad.jacobian(cached, b, X, c), expected, rtol=1e-6, atol=1e-8)
    loss = lambda x, cache: anp.sum(cached(x, cache) ** 2)
    expected = ad.hessian(loss, ad.AutoFiniteDiff(), X, ad.Cache(np.zeros(4)))
    np.testing.assert_allclose(ad.hessian(loss, b, X, c), expected, rtol=1e-4, atol=1e-5)


def test_inplace_functions_raise_not_supported() -> None:
    def f(y: Any, x: Any) -> None:
        y[...] = x * 2

    with pytest.raises(ad.NotSupportedError, match="in-place"):
        ad.jacobian(f, ad.AutoAutograd(), X, y=np.zeros(4))


@pytest.mark.parametrize("wrapper", [ForwardFromPrimitive, ReverseFromPrimitive])
def test_every_operator_from_one_primitive(wrapper: Any) -> None:
    # The core's fallbacks over autograd's pushforward (or pullback) alone,
    # nesting autograd in itself for second order.
    scenarios = [s for s in all_scenarios() if "cache" not in s.tags and not s.inplace]
    check_backend(wrapper(ad.AutoAutograd()), scenarios=scenarios)


def test_import_adcore_and_plugin_loading_do_not_import_autograd() -> None:
    code = (
        "import sys, adcore as ad\n"
        "assert 'autograd' not in sys.modules\n"
        "names = [b.name for b in ad.available_backends() if b.error is None]\n"
        "assert 'autograd' in names, names\n"
        "assert 'autograd' not in sys.modules\n"
        "assert ad.AutoAutograd().available()\n"
        "assert 'autograd' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "backend",
    [
        ad.SecondOrder(ad.AutoAutograd(), ad.AutoAutograd(mode="forward")),
        ad.SecondOrder(ad.AutoAutograd(mode="forward"), ad.AutoAutograd(mode="reverse")),
        ad.SecondOrder(ad.AutoAutograd(mode="reverse"), ad.AutoAutograd()),
    ],
    ids=repr,
)
def test_second_order_nests_autograd_in_itself(backend: Any) -> None:
    # The outer backend traces the inner one's native executors: their results are boxes.
    scenarios = [s for s in all_scenarios() if s.operator in ("hvp", "hessian", "second_derivative")
                 and "cache" not in s.tags]
    check_backend(backend, scenarios=scenarios)



# --- issue 16: the same answer or one clear error on every engine


@pytest.mark.parametrize("x", [2, True, np.arange(3)], ids=repr)
def test_integer_x_gives_the_error_of_every_engine(x: Any) -> None:
    with pytest.raises(ad.ArgumentTypeError, match="derivatives need floating-point x"):
        (ad.derivative if np.ndim(x) == 0 else ad.jacobian)(anp.sin, ad.AutoAutograd(), x)


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
@pytest.mark.parametrize("make", [np.ma.masked_array, np.matrix], ids=lambda t: t.__name__)
def test_a_numpy_subclass_x_is_refused(make: Any) -> None:
    with pytest.raises(ad.ArgumentTypeError, match="subclass of numpy.ndarray"):
        ad.gradient(lambda x: (x ** 2).sum(), ad.AutoAutograd(), make([[1.0, 2.0]]))
