"""AutoFiniteDiff(step="adaptive"): a ladder of steps per component, Richardson
extrapolation, and an error estimate (adcore/_backends/finitediff/adaptive.py)."""

from __future__ import annotations

import math
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import adcore as ad

ADAPTIVE = ad.AutoFiniteDiff(step="adaptive")

#: Issue 16's four cases, where a step relative to max(1, |x|) is silently wrong:
#: (name, f, x, exact gradient).
CASES = [
    ("reciprocal near zero", lambda x: np.sum(1 / x), np.full(3, 1e-8), lambda x: -1 / x**2),
    ("log near zero", lambda x: np.sum(np.log(x)), np.full(3, 1e-8), lambda x: 1 / x),
    ("sin far from zero", lambda x: np.sum(np.sin(x)), np.full(3, 1e8), np.cos),
    ("large offset", lambda x: np.sum(x**2) + 1e10, np.array([1.0, 2.0, 3.0]), lambda x: 2 * x),
]


@pytest.mark.parametrize(("name", "f", "x", "exact"), CASES, ids=[c[0] for c in CASES])
def test_the_four_cases_of_issue_16_to_1e_6(name, f, x, exact):
    prep = ad.prepare_gradient(f, ADAPTIVE, x)
    grad = ad.gradient(f, ADAPTIVE, x, prep=prep)
    np.testing.assert_allclose(grad, exact(x), rtol=1e-6, atol=0)
    # The error estimate is shaped like the result and bounds the actual error.
    error = prep.executor.error
    assert error.shape == x.shape and np.all(np.abs(grad - exact(x)) <= error + 1e-12 * np.abs(exact(x)))


FINITE = [c for c in CASES if c[0] != "log near zero"]


@pytest.mark.parametrize(("name", "f", "x", "exact"), FINITE, ids=[c[0] for c in FINITE])
def test_the_default_step_is_wrong_on_them(name, f, x, exact):
    # Why the adaptive step exists: the numbers issue 16 reports (the fourth is NaN, below).
    # A difference lost in rounding (the large offset) warns; the others err by truncation.
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        grad = ad.gradient(f, ad.AutoFiniteDiff(), x)
    assert np.max(np.abs(grad / exact(x) - 1)) > 1e-2
    assert [str(w.message).split(":")[0] for w in record] == (["gradient"] if name == "large offset" else [])


@pytest.mark.parametrize(("method", "dtype", "n", "offset"), [
    ("central", np.float64, 3, 1e10), ("forward", np.float64, 3, 1e7), ("backward", np.float64, 3, 1e7),
    ("forward", np.float32, 1000, 0.0), ("central", np.float32, 3, 1e4),
])
def test_a_difference_lost_in_rounding_warns_and_names_the_adaptive_step(method, dtype, n, offset):
    # f is large against its change over the step: a constant added, or a sum of many terms
    # in float32 (issue 16: a relative error of 0.34 at n=1000).
    x = np.linspace(0.3, 1.7, n).astype(dtype)
    fd = ad.AutoFiniteDiff(method=method)
    f = lambda x: np.sum(x**2) + dtype(offset)
    with pytest.warns(RuntimeWarning, match=r"lost in rounding: .*AutoFiniteDiff\(step='adaptive'\)"):
        grad = ad.gradient(f, fd, x)
    assert np.max(np.abs(grad / (2 * x) - 1)) > 1e-2  # it warns where the error is
    if offset:  # (the sum's change along all of x at once is large enough)
        with pytest.warns(RuntimeWarning, match="lost in rounding"):
            ad.pushforward(f, fd, x, (np.ones_like(x),))


def test_a_nan_from_the_default_step_warns_and_names_the_adaptive_step():
    x = np.full(3, 1e-8)
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning, match="step='adaptive'"):
        grad = ad.gradient(lambda x: np.sum(np.log(x)), ad.AutoFiniteDiff(), x)
    assert np.all(np.isnan(grad))


@pytest.mark.parametrize(
    ("f", "x", "df", "d2f"),
    [
        (np.exp, 1.0, math.e, math.e),
        (lambda x: 1 / x, 1e-8, -1e16, 2e24),
        (np.sin, 1e8, math.cos(1e8), -math.sin(1e8)),
        (lambda x: x**3, 0.0, 0.0, 0.0),
    ],
)
def test_derivative_and_second_derivative(f, x, df, d2f):
    prep = ad.prepare_second_derivative(f, ADAPTIVE, x)
    _, d, d2 = ad.value_derivative_and_second_derivative(f, ADAPTIVE, x, prep=prep)
    assert isinstance(d2, float)
    np.testing.assert_allclose([d, d2], [df, d2f], rtol=1e-6, atol=1e-9)
    assert prep.executor.error >= 0
    np.testing.assert_allclose(ad.derivative(f, ADAPTIVE, x), df, rtol=1e-9, atol=1e-9)


def test_a_python_f_that_fails_far_from_x():
    # math.log raises ValueError where the ladder's largest steps leave its domain.
    d = ad.derivative(math.log, ADAPTIVE, 1e-8)
    assert d == pytest.approx(1e8, rel=1e-9)


def coupled(x):
    return np.array([np.sin(x[0]) * x[1], np.exp(x[1]) / x[2], x[0] ** 3])


def coupled_jacobian(x):
    return np.array([
        [np.cos(x[0]) * x[1], np.sin(x[0]), 0],
        [0, np.exp(x[1]) / x[2], -np.exp(x[1]) / x[2] ** 2],
        [3 * x[0] ** 2, 0, 0],
    ])


X = np.array([0.3, -1.2, 2.5])


def test_jacobian_pushforward_and_pullback():
    J = coupled_jacobian(X)
    prep = ad.prepare_jacobian(coupled, ADAPTIVE, X)
    np.testing.assert_allclose(ad.jacobian(coupled, ADAPTIVE, X, prep=prep), J, rtol=1e-9, atol=1e-11)
    assert prep.executor.error.shape == J.shape
    t, w = np.array([1.0, -2.0, 0.5]), np.array([0.5, 1.0, -1.0])
    prep = ad.prepare_pushforward(coupled, ADAPTIVE, X, (t, w))
    jt, jw = ad.pushforward(coupled, ADAPTIVE, X, (t, w), prep=prep)
    np.testing.assert_allclose(jt, J @ t, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(jw, J @ w, rtol=1e-9, atol=1e-11)
    assert len(prep.executor.error) == 2
    (wj,) = ad.pullback(coupled, ADAPTIVE, X, (w,))
    np.testing.assert_allclose(wj, w @ J, rtol=1e-9, atol=1e-11)


def test_second_order_operators_keep_working():
    def f(x):
        return np.sum(np.sin(x) * x**2)

    grad = np.cos(X) * X**2 + 2 * X * np.sin(X)
    H = np.diag(-np.sin(X) * X**2 + 4 * X * np.cos(X) + 2 * np.sin(X))
    _, g, hess = ad.value_gradient_and_hessian(f, ADAPTIVE, X)
    np.testing.assert_allclose(g, grad, rtol=1e-10, atol=1e-12)  # the gradient is adaptive
    np.testing.assert_allclose(hess, H, rtol=1e-6, atol=1e-6)  # the central Hessian's step
    t = np.array([1.0, 2.0, 3.0])
    g, (ht,) = ad.gradient_and_hvp(f, ADAPTIVE, X, (t,))
    np.testing.assert_allclose(g, grad, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ht, H @ t, rtol=1e-6, atol=1e-6)


def test_inplace_functions_executors_and_float32():
    def f(y, x):
        y[...] = coupled(x)

    y = np.empty(3)
    J = ad.jacobian(f, ADAPTIVE, X, y=y)
    np.testing.assert_allclose(J, coupled_jacobian(X), rtol=1e-9, atol=1e-11)
    with ThreadPoolExecutor(2) as pool:
        backend = ad.AutoFiniteDiff(step="adaptive", executor=pool, chunksize=8)
        grad = ad.gradient(lambda x: np.sum(np.log(x)), backend, np.full(2, 1e-8))
    np.testing.assert_allclose(grad, 1e8, rtol=1e-9)
    x32 = np.array([0.5, 1.5], np.float32)
    grad = ad.gradient(lambda x: np.sum(np.exp(x)), ADAPTIVE, x32)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(grad, np.exp(x32.astype(float)), rtol=1e-5)


def test_repr_and_equality():
    assert repr(ADAPTIVE) == "AutoFiniteDiff(step='adaptive')"
    assert eval(repr(ADAPTIVE), {"AutoFiniteDiff": ad.AutoFiniteDiff}) == ADAPTIVE
    assert ad.backend("finitediff", step="adaptive") == ADAPTIVE


def test_a_step_that_vanishes_next_to_x_warns():
    with pytest.warns(RuntimeWarning, match="rounds to x") as record:
        grad = ad.gradient(lambda x: np.sum(x), ad.AutoFiniteDiff(step=1e-30), np.ones(2))
    assert np.all(np.isnan(grad)) and len(record) == 1  # numpy's 0/0 warning is not repeated


def test_ordinary_inputs_do_not_warn():
    # pytest turns warnings into errors: zero derivatives and float32 stay quiet.
    for method in ("forward", "backward", "central"):
        fd = ad.AutoFiniteDiff(method=method)
        ad.gradient(lambda x: np.sum(np.cos(x)), fd, np.zeros(8, np.float32))
        ad.jacobian(np.exp, fd, np.array([0.0, -1.0, 2.0]))
        # a moderate offset, and float32 at a few terms: the error stays below 1%
        ad.gradient(lambda x: np.sum(x**2) + 1e3, fd, np.array([1.0, 2.0, 3.0]))
        ad.gradient(lambda x: np.sum(x**2), fd, np.linspace(0.5, 1.5, 10).astype(np.float32))


def test_the_conformance_suite_passes_with_the_adaptive_step():
    from adcore.testing import check_backend

    report = check_backend(ADAPTIVE)
    assert report.count("failed") == 0 and report.count("passed") > 1000
